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
    (the SDK's bare prefix test would send the unresolvable relative path ["_utils"]).

The traceback never travels inside the exception: the SDK's client would set it as `__traceback__` and fail with
TypeError. error_answer() puts it beside "err" in the call's result, a key the SDK's client never reads.
"""

import base64
import importlib
import traceback
from typing import Any, Dict, List, Optional


class CodecError(TypeError):
    """A value that has no wire encoding, or wire JSON that is not a valid encoding."""


_BOOL_HINT = "booleans have no encoding in Vast's wire format (the SDK cannot send them); use 1/0 or a string"


def _module_ref(module_name: str, root: str) -> Dict[str, Any]:
    if module_name == root:
        return {"type": "relative", "path": []}
    # Unlike the SDK's bare startswith(root), require a dot so "deployment_utils" is not taken for a submodule.
    if root and module_name.startswith(root + "."):
        return {"type": "relative", "path": module_name[len(root) + 1 :].split(".")}
    return {"type": "absolute", "path": module_name.split(".")}


def serialize(value: Any, where: str = "value", root: str = "deployment") -> Any:
    """Encodes `value`; `where` names it in errors ("argument 'x'", "return value"); `root` is the deployment module."""
    if isinstance(value, bool):
        raise CodecError(f"{where} is a bool ({value!r}): {_BOOL_HINT}")
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"type": "bytes", "contents": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, list):
        return {"type": "list", "contents": [serialize(v, f"{where}[{i}]", root) for i, v in enumerate(value)]}
    if isinstance(value, tuple):
        return {"type": "tuple", "contents": [serialize(v, f"{where}[{i}]", root) for i, v in enumerate(value)]}
    if isinstance(value, dict):
        return {
            "type": "dict",
            "contents": [
                [serialize(k, f"{where} key {k!r}", root), serialize(v, f"{where}[{k!r}]", root)] for k, v in value.items()
            ],
        }
    if isinstance(value, BaseException):
        return _serialize_exception(value, where, root)
    if hasattr(value, "__dict__"):
        cls = type(value)
        return {
            "type": "obj",
            "module": _module_ref(cls.__module__, root),
            "class": cls.__qualname__,
            "contents": {k: serialize(v, f"{where}.{k}", root) for k, v in vars(value).items()},
        }
    raise CodecError(f"{where} of type {type(value).__name__} has no wire encoding (supported: int, float, str, None, "
                     "bytes, list, tuple, dict, objects with __dict__)")


# Builtin exceptions that keep their message in fields of their own instead of args: without them the SDK's client
# would show FileNotFoundError "(2, 'No such file or directory')" with no file name, a UnicodeDecodeError as "".
# Each is a settable attribute, so the receiver (which never runs __init__) gets them back by setattr.
_MESSAGE_FIELDS = (
    (OSError, ("errno", "strerror", "filename", "filename2")),
    ((UnicodeDecodeError, UnicodeEncodeError, UnicodeTranslateError), ("encoding", "object", "start", "end", "reason")),
)


def _serialize_exception(exc: BaseException, where: str, root: str) -> Dict[str, Any]:
    cls = type(exc)
    contents: Dict[str, Any] = {}
    fields = dict(vars(exc))
    for classes, names in _MESSAGE_FIELDS:
        if isinstance(exc, classes):
            fields.update((n, getattr(exc, n)) for n in names if getattr(exc, n, None) is not None)
    for k, v in fields.items():
        try:
            contents[k] = serialize(v, f"{where}.{k}", root)
        except CodecError:
            contents[k] = repr(v)
    contents["args"] = {"type": "tuple", "contents": [_plain_or_repr(a, f"{where}.args[{i}]", root)
                                                      for i, a in enumerate(exc.args)]}
    return {"type": "obj", "module": _module_ref(cls.__module__, root), "class": cls.__qualname__, "contents": contents}


def _plain_or_repr(value: Any, where: str, root: str) -> Any:
    """An exception arg as wire JSON when it holds no object (whose class the caller may lack), else its repr."""
    try:
        wire = serialize(value, where, root)
    except CodecError:
        return repr(value)
    return repr(value) if _holds_object(wire) else wire


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
    ):
        raise CodecError(f"obj has a malformed module reference: {module!r}")
    path: List[str] = module["path"]
    parts = qualname.split(".")
    if module["type"] == "relative" and not path:
        scope = root_globals if root_globals is not None else vars(importlib.import_module(root))
        if parts[0] not in scope:
            raise CodecError(f"class {qualname!r} is not defined in the deployment module")
        obj = scope[parts[0]]
    else:
        name = ".".join(path)
        if module["type"] == "relative":
            name = f"{root}.{name}"
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            raise CodecError(f"cannot import module {name!r} for class {qualname!r}: {e}") from None
        if not hasattr(mod, parts[0]):
            raise CodecError(f"module {name!r} has no class {qualname!r}")
        obj = getattr(mod, parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        raise CodecError(f"{qualname!r} is not a class")
    return obj


def deserialize(wire: Any, root_globals: Optional[Dict[str, Any]] = None, root: str = "deployment",
                where: str = "value") -> Any:
    """Decodes wire JSON; classes with a relative module resolve in `root_globals` (the deployment's globals)."""
    if isinstance(wire, bool):
        raise CodecError(f"{where} is a JSON boolean ({str(wire).lower()}): {_BOOL_HINT}")
    if wire is None or isinstance(wire, (int, float, str)):
        return wire
    if not isinstance(wire, dict):
        raise CodecError(f"{where}: a JSON {type(wire).__name__} is not a valid encoding (lists travel as "
                         '{"type": "list", "contents": [...]})')
    tag = wire.get("type")
    contents = wire.get("contents")
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
        items = [deserialize(v, root_globals, root, f"{where}[{i}]") for i, v in enumerate(contents)]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        if not isinstance(contents, list) or not all(isinstance(p, list) and len(p) == 2 for p in contents):
            raise CodecError(f"{where}: dict contents must be a list of [key, value] pairs")
        out = {}
        for i, (k, v) in enumerate(contents):
            key = deserialize(k, root_globals, root, f"{where} key #{i}")
            value = deserialize(v, root_globals, root, f"{where}[{key!r}]")
            try:
                out[key] = value
            except TypeError:
                raise CodecError(f"{where}: key {key!r} is not hashable") from None
        return out
    if tag == "obj":
        if not isinstance(contents, dict) or not isinstance(wire.get("class"), str):
            raise CodecError(f"{where}: obj needs a string 'class' and a JSON object 'contents'")
        cls = _resolve_class(wire.get("module"), wire["class"], root_globals, root)
        fields = {k: deserialize(v, root_globals, root, f"{where}.{k}") for k, v in contents.items()}
        obj = cls.__new__(cls)
        for k, v in fields.items():
            try:
                setattr(obj, k, v)
            except (AttributeError, TypeError) as e:
                raise CodecError(f"{where}: cannot set attribute {k!r} of {wire['class']}: {e}") from None
        return obj
    raise CodecError(f"{where}: unknown type tag {tag!r} (known: bytes, list, tuple, dict, obj)")

