"""The SDK's tagged-JSON argument/result format, as the real serve-mode worker writes and reads it.

Raw JSON for int/float/str/None; {"type": "bytes"|"list"|"tuple"|"dict"|"obj", ...} for the rest; an object is its
class (module relative to the deployment module, or absolute) plus its instance __dict__. The SDK's own client reads
what this module writes, so an answer must decode there to the same value, class and message.

Deliberate differences from the SDK's serializer, each so that the caller learns what went wrong:
  * bool is refused with an error naming where it sits (the SDK has no encoding for it and fails without saying
    where); subclasses of int/float/str/bytes/list/tuple/dict travel as their base type (the SDK sends them as
    objects without their value, or not at all), and so does a bytearray;
  * SystemExit (which the SDK's client would not raise, failing with an unrelated TypeError) is answered as a
    RuntimeError naming it (error_answer);
  * an exception also carries "args" in its contents: the SDK sends only the instance __dict__, which loses the
    message, and its client rebuilds the exception by setting each content as an attribute, so "args" restores
    the message there too (OSError and the Unicode errors also carry the fields their message is built from).
    Args that are objects travel as their repr, so the caller never needs the class;
  * a module whose name merely starts with the deployment module's ("deployment_utils") is absolute, not relative
    (the SDK's bare prefix test would send the unresolvable relative path ["_utils"]);
  * a float that is NaN or infinite is refused in both directions. Python's json module writes and reads NaN,
    Infinity and -Infinity (the SDK sends them), but they are not JSON: any other reader (our TypeScript client,
    a browser, jq) refuses the whole answer. An argument is refused before the function runs (HTTP 422), a result
    after it ran becomes the call's error value;
  * values nested more than MAX_DEPTH containers deep (lists, tuples, dicts, objects inside one another) are
    refused in both directions, and so is a value that contains itself. The SDK recurses until Python's recursion
    limit, so its worker fails with a RecursionError and a 500 that clients retry, running the function again;
  * an int too long for Python's int-to-text limit (4300 digits by default) is refused as a result: the SDK's
    worker fails to write the answer after the function ran.

Every refusal is a CodecError naming where the value sits. The worker answers a refused argument with HTTP 422
before the function runs, and a refused result with {"err": TypeError(...)} after it ran: never a 5xx, which
clients retry (running the function again).

The traceback never travels inside the exception: the SDK's client would set it as `__traceback__` and fail with
TypeError. error_answer() puts it beside "err" in the call's result, a key the SDK's client never reads.
"""

import base64
import importlib
import math
import reprlib
import sys
import traceback
from typing import Any, Dict, List, Optional


class CodecError(TypeError):
    """A value that has no wire encoding, or wire JSON that is not a valid encoding."""


_BOOL_HINT = "booleans have no encoding in Vast's wire format (the SDK cannot send them); use 1/0 or a string"
_NON_FINITE_HINT = ("JSON has no NaN or Infinity (Python's json writes them anyway, but other readers refuse the whole "
                    "message); send it as a string such as 'nan' or 'inf' and convert it with float()")

# How many containers (list, tuple, dict, object) may sit inside one another in an argument or a result. Real data
# is far shallower; the limit keeps both directions well inside Python's recursion limit (each level costs the codec
# two frames), so a deep or self-containing value is refused by name instead of failing with a RecursionError.
MAX_DEPTH = 100

# Below this many bits an int always fits Python's int-to-text limit (4300 digits by default, about 14,284 bits),
# so only longer ones pay for the check.
_SHORT_INT_BITS = 14000


def _too_deep(value: Any, where: str) -> "CodecError":
    if len(where) > 160:  # a path a hundred steps long says no more than its start
        where = f"{where[:120]}…"
    if _contains_itself(value):
        return CodecError(f"{where} contains itself (a cycle): a value that contains itself has no wire encoding")
    return CodecError(f"{where} is nested more than {MAX_DEPTH} containers deep (the limit of the wire format here); "
                      "flatten it or send it as a string")


def _children(value: Any) -> List[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        return [v for pair in value.items() for v in pair]
    if isinstance(value, (str, bytes, bytearray)) or not hasattr(value, "__dict__"):
        return []
    try:
        return list(vars(value).values())
    except TypeError:
        return []


def _contains_itself(value: Any) -> bool:
    """Whether `value` reaches itself through its containers, looking at most MAX_DEPTH + 1 levels down (no
    recursion: it runs when the limit was hit). Only then does the message say "cycle" instead of "too deep"."""
    seen = {id(value)}
    level = [value]
    for _ in range(MAX_DEPTH + 1):
        nxt = []
        for item in level:
            for child in _children(item):
                if child is value:
                    return True
                if id(child) not in seen and _children(child):
                    seen.add(id(child))
                    nxt.append(child)
        if not nxt:
            return False
        level = nxt
    return False


def _check_int(value: int, where: str) -> None:
    if value.bit_length() <= _SHORT_INT_BITS:
        return
    try:
        str(value)
    except ValueError:
        raise CodecError(f"{where} is an int of {value.bit_length()} bits, more digits than Python writes as text "
                         f"({sys.get_int_max_str_digits()}); send it as a str or bytes") from None


def _module_ref(module_name: str, root: str) -> Dict[str, Any]:
    if module_name == root:
        return {"type": "relative", "path": []}
    # Unlike the SDK's bare startswith(root), require a dot so "deployment_utils" is not taken for a submodule.
    if root and module_name.startswith(root + "."):
        return {"type": "relative", "path": module_name[len(root) + 1 :].split(".")}
    return {"type": "absolute", "path": module_name.split(".")}


def serialize(value: Any, where: str = "value", root: str = "deployment", depth: int = 0) -> Any:
    """Encodes `value`; `where` names it in errors ("argument 'x'", "return value"); `root` is the deployment module;
    `depth` is how many containers hold it."""
    if isinstance(value, bool):
        raise CodecError(f"{where} is a bool ({value!r}): {_BOOL_HINT}")
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        _check_int(value, where)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CodecError(f"{where} is a non-finite float ({value!r}): {_NON_FINITE_HINT}")
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"type": "bytes", "contents": base64.b64encode(bytes(value)).decode("ascii")}
    if depth >= MAX_DEPTH:
        raise _too_deep(value, where)
    inner = depth + 1
    if isinstance(value, list):
        return {"type": "list", "contents": [serialize(v, f"{where}[{i}]", root, inner) for i, v in enumerate(value)]}
    if isinstance(value, tuple):
        return {"type": "tuple", "contents": [serialize(v, f"{where}[{i}]", root, inner) for i, v in enumerate(value)]}
    if isinstance(value, dict):
        return {
            "type": "dict",
            "contents": [
                [serialize(k, f"{where} key {_key_text(k)}", root, inner),
                 serialize(v, f"{where}[{_key_text(k)}]", root, inner)] for k, v in value.items()
            ],
        }
    if isinstance(value, BaseException):
        return _serialize_exception(value, where, root, inner)
    if hasattr(value, "__dict__"):
        cls = type(value)
        try:
            fields = vars(value)
        except TypeError:
            fields = None
        if isinstance(fields, dict):
            return {
                "type": "obj",
                "module": _module_ref(cls.__module__, root),
                "class": cls.__qualname__,
                "contents": {k: serialize(v, f"{where}.{k}", root, inner) for k, v in fields.items()},
            }
    raise CodecError(f"{where} of type {type(value).__name__} has no wire encoding (supported: int, float, str, None, "
                     "bytes, list, tuple, dict, objects with __dict__)")


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 200


def _short_repr(value: Any) -> str:
    """repr() for messages: bounded in length and depth, and never failing (a user's __repr__ may raise)."""
    try:
        return _REPR.repr(value)
    except Exception:
        return f"<{type(value).__name__} object>"


def _key_text(key: Any) -> str:
    return repr(key) if type(key) is str else _short_repr(key)


def _safe_repr(value: Any) -> str:
    """The full repr() of a value that travels as text; a bounded one when the full one fails (too deep, or the
    user's __repr__ raised)."""
    try:
        return repr(value)
    except Exception:
        return _short_repr(value)


# Builtin exceptions that keep their message in fields of their own instead of args: without them the SDK's client
# would show FileNotFoundError "(2, 'No such file or directory')" with no file name, a UnicodeDecodeError as "".
# Each is a settable attribute, so the receiver (which never runs __init__) gets them back by setattr.
_MESSAGE_FIELDS = (
    (OSError, ("errno", "strerror", "filename", "filename2")),
    ((UnicodeDecodeError, UnicodeEncodeError, UnicodeTranslateError), ("encoding", "object", "start", "end", "reason")),
)


def _serialize_exception(exc: BaseException, where: str, root: str, depth: int = 0) -> Dict[str, Any]:
    cls = type(exc)
    contents: Dict[str, Any] = {}
    fields = dict(vars(exc))
    for classes, names in _MESSAGE_FIELDS:
        if isinstance(exc, classes):
            fields.update((n, getattr(exc, n)) for n in names if getattr(exc, n, None) is not None)
    for k, v in fields.items():
        try:
            contents[k] = serialize(v, f"{where}.{k}", root, depth)
        except CodecError:
            contents[k] = _safe_repr(v)
    contents["args"] = {"type": "tuple", "contents": [_plain_or_repr(a, f"{where}.args[{i}]", root, depth)
                                                      for i, a in enumerate(exc.args)]}
    return {"type": "obj", "module": _module_ref(cls.__module__, root), "class": cls.__qualname__, "contents": contents}


def _plain_or_repr(value: Any, where: str, root: str, depth: int) -> Any:
    """An exception arg as wire JSON when it holds no object (whose class the caller may lack), else its repr."""
    try:
        wire = serialize(value, where, root, depth)
    except CodecError:
        return _safe_repr(value)
    return _safe_repr(value) if _holds_object(wire) else wire


def _holds_object(wire: Any) -> bool:
    if not isinstance(wire, dict):
        return False
    if wire["type"] == "obj":
        return True
    if wire["type"] == "dict":
        return any(_holds_object(k) or _holds_object(v) for k, v in wire["contents"])
    return wire["type"] != "bytes" and any(_holds_object(v) for v in wire["contents"])


def error_answer(exc: BaseException, root: str = "deployment") -> Dict[str, Any]:
    """The result of a call that raised: {"err": exception, "traceback": text}.

    The SDK's client raises what "err" decodes to only when it is an Exception, so anything else (SystemExit) is
    sent as a RuntimeError naming it. "traceback" (absent when `exc` was never raised) is for our own client.
    """
    if isinstance(exc, Exception):
        sent = exc
    else:
        sent = RuntimeError(f"the remote function raised {type(exc).__name__}({', '.join(map(repr, exc.args))})")
    answer: Dict[str, Any] = {"err": serialize(sent, "exception", root)}
    if exc.__traceback__ is not None:
        answer["traceback"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return answer


def _resolve_class(module: Any, qualname: str, root_globals: Optional[Dict[str, Any]], root: str) -> type:
    if not isinstance(module, dict) or module.get("type") not in ("relative", "absolute") or not isinstance(
        module.get("path"), list
    ) or not all(isinstance(p, str) and p.isidentifier() for p in module["path"]):
        raise CodecError(f"obj has a malformed module reference: {_short_repr(module)}")
    path: List[str] = module["path"]
    parts = qualname.split(".")
    if not all(p.isidentifier() for p in parts):
        raise CodecError(f"{_short_repr(qualname)} is not a class name (dotted identifiers, e.g. 'Outer.Inner')")
    if module["type"] == "relative" and not path:
        scope = root_globals if root_globals is not None else vars(importlib.import_module(root))
        if parts[0] not in scope:
            raise CodecError(f"class {qualname!r} is not defined in the deployment module")
        obj = scope[parts[0]]
        name = "the deployment module"
    else:
        if not path:
            raise CodecError("obj has an absolute module reference with an empty path")
        name = ".".join(path)
        if module["type"] == "relative":
            name = f"{root}.{name}"
        try:
            mod = importlib.import_module(name)
        except Exception as e:  # ImportError, or whatever the module raised while being imported
            raise CodecError(f"cannot import module {name!r} for class {qualname!r}: {type(e).__name__}: {e}") from None
        if not hasattr(mod, parts[0]):
            raise CodecError(f"module {name!r} has no class {qualname!r}")
        obj = getattr(mod, parts[0])
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except Exception:
            raise CodecError(f"{'.'.join(parts[:i])!r} in {name} has no attribute {part!r} "
                             f"(class {qualname!r} not found)") from None
    if not isinstance(obj, type):
        raise CodecError(f"{qualname!r} is not a class")
    return obj


def deserialize(wire: Any, root_globals: Optional[Dict[str, Any]] = None, root: str = "deployment",
                where: str = "value", depth: int = 0) -> Any:
    """Decodes wire JSON; classes with a relative module resolve in `root_globals` (the deployment's globals);
    `depth` is how many containers hold it."""
    if isinstance(wire, bool):
        raise CodecError(f"{where} is a JSON boolean ({str(wire).lower()}): {_BOOL_HINT}")
    if wire is None or isinstance(wire, (int, str)):
        return wire
    if isinstance(wire, float):
        if not math.isfinite(wire):
            raise CodecError(f"{where} is {wire!r}, a non-finite float: {_NON_FINITE_HINT}")
        return wire
    if not isinstance(wire, dict):
        raise CodecError(f"{where}: a JSON {type(wire).__name__} is not a valid encoding (lists travel as "
                         '{"type": "list", "contents": [...]})')
    tag = wire.get("type")
    contents = wire.get("contents")
    if tag != "bytes" and depth >= MAX_DEPTH:
        raise CodecError(f"{where} is nested more than {MAX_DEPTH} containers deep (the limit of the wire format "
                         "here); flatten it or send it as a string")
    inner = depth + 1
    if tag == "bytes":
        if not isinstance(contents, str):
            raise CodecError(f"{where}: bytes contents must be a base64 string")
        try:
            return base64.b64decode(contents, validate=True)
        except ValueError as e:
            raise CodecError(f"{where}: bytes contents are not valid base64: {e}") from None
    if tag in ("list", "tuple"):
        if not isinstance(contents, list):
            raise CodecError(f"{where}: {tag} contents must be a JSON array")
        items = [deserialize(v, root_globals, root, f"{where}[{i}]", inner) for i, v in enumerate(contents)]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        if not isinstance(contents, list) or not all(isinstance(p, list) and len(p) == 2 for p in contents):
            raise CodecError(f"{where}: dict contents must be a list of [key, value] pairs")
        out = {}
        for i, (k, v) in enumerate(contents):
            key = deserialize(k, root_globals, root, f"{where} key #{i}", inner)
            value = deserialize(v, root_globals, root, f"{where}[{_key_text(key)}]", inner)
            try:
                out[key] = value
            except TypeError:
                raise CodecError(f"{where}: key {key!r} is not hashable") from None
        return out
    if tag == "obj":
        if not isinstance(contents, dict) or not isinstance(wire.get("class"), str):
            raise CodecError(f"{where}: obj needs a string 'class' and a JSON object 'contents'")
        cls = _resolve_class(wire.get("module"), wire["class"], root_globals, root)
        fields = {k: deserialize(v, root_globals, root, f"{where}.{k}", inner) for k, v in contents.items()}
        try:
            obj = cls.__new__(cls)
        except Exception as e:  # e.g. a builtin type whose __new__ needs arguments
            raise CodecError(f"{where}: cannot create a {wire['class']} without its constructor's arguments "
                             f"({type(e).__name__}: {e})") from None
        for k, v in fields.items():
            try:
                setattr(obj, k, v)
            except Exception as e:  # no __dict__ (int, a __slots__ class), a read-only property, a raising __setattr__
                raise CodecError(f"{where}: cannot set attribute {k!r} of {wire['class']}: {type(e).__name__}: "
                                 f"{e}") from None
        return obj
    raise CodecError(f"{where}: unknown type tag {tag!r} (known: bytes, list, tuple, dict, obj)")

