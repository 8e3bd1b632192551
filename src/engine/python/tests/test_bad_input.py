"""Bad input to a worker call: refused with a 4xx before the function runs (arguments), or answered as the call's
error value after it ran (results), never with a 5xx or an exception out of the handler (the HTTP server would
answer 500, and clients retry a 500: the function would run again)."""

import asyncio
import json
import os
import sys
import types
import unittest
from typing import Any, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401

from vast_worker import codec  # noqa: E402
from vast_worker.http_server import Request  # noqa: E402
from vast_worker.queue import FunctionQueue  # noqa: E402
from vast_worker.worker import Worker, WorkerEnv  # noqa: E402

DEPLOYMENT_SOURCE = """
class Point:
    pass

class Slotted:
    __slots__ = ("x",)

class Fussy:
    def __setattr__(self, name, value):
        raise ValueError("no attributes here")

class Nested:
    class Inner:
        pass

class Loop:
    def __init__(self):
        self.me = self

calls = []

def echo(x=None):
    calls.append(x)
    return "ran"

def huge():
    calls.append("huge")
    return 10 ** 5000

def nan():
    calls.append("nan")
    return float("nan")

def minus_inf():
    calls.append("minus_inf")
    return [1.0, float("-inf")]

def cyclic():
    calls.append("cyclic")
    items = [1]
    items.append(items)
    return items

def cyclic_object():
    calls.append("cyclic_object")
    return Loop()

def deep():
    calls.append("deep")
    value = 0
    for _ in range(5000):
        value = [value]
    return value

def slotted():
    calls.append("slotted")
    s = Slotted()
    s.x = 1
    return s

class BadError(Exception):
    def __init__(self):
        super().__init__(10 ** 5000)
        deep = 0
        for _ in range(5000):
            deep = [deep]
        self.deep = deep

def raises_unsendable():
    calls.append("raises_unsendable")
    raise BadError()
"""


def load_deployment() -> types.ModuleType:
    module = types.ModuleType("deployment")
    exec(DEPLOYMENT_SOURCE, module.__dict__)
    return module


class Function:
    """What the worker needs of a loaded @remote function."""

    def __init__(self, name: str, func: Any):
        self.name = name
        self.max_queue_time = 30.0
        self.allow_parallel_requests = False

        async def call(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        self.func = call


def ready_worker(module: types.ModuleType) -> Worker:
    worker = Worker(WorkerEnv({"UNSECURED": "true"}), "/tmp")
    names = ["echo", "huge", "nan", "minus_inf", "cyclic", "cyclic_object", "deep", "slotted", "raises_unsendable"]
    functions = {name: Function(name, getattr(module, name)) for name in names}
    worker.deployment = types.SimpleNamespace(functions=functions, module=module)
    worker.queues = {name: FunctionQueue(worker.load, f.max_queue_time, f.allow_parallel_requests)
                     for name, f in functions.items()}
    worker.phase = "ready"
    worker.deleting = True  # no engine to report finished requests to
    return worker


AUTH = {"url": "http://127.0.0.1:1", "signature": "", "endpoint": "e", "cost": 100, "reqnum": 1, "request_idx": 1}


def post(worker: Worker, fname: str, body: bytes) -> Tuple[int, Any]:
    async def go() -> Tuple[int, Any]:
        status, answer = await worker.handle(Request("POST", f"/remote/{fname}", "HTTP/1.1", {}, body))
        # The answer must be real JSON: no NaN/Infinity, nothing json.dumps cannot write.
        return status, json.loads(json.dumps(answer, allow_nan=False))

    return asyncio.run(go())


def call(worker: Worker, fname: str, kwargs_json: str) -> Tuple[int, Any]:
    body = '{"auth_data": %s, "payload": {"kwargs": %s}}' % (json.dumps(AUTH), kwargs_json)
    return post(worker, fname, body.encode())


def nested_list_wire(depth: int) -> str:
    return '{"type": "list", "contents": [' * depth + "1" + "]}" * depth


def error_message(answer: Dict[str, Any]) -> Tuple[str, str]:
    err = answer["result"]["err"]
    return err["class"], err["contents"]["args"]["contents"][0]


class RefusedArguments(unittest.TestCase):
    """Each is a 422 naming the problem, and the function never runs."""

    def setUp(self) -> None:
        self.module = load_deployment()
        self.worker = ready_worker(self.module)

    def assertRefused(self, kwargs_json: str, *fragments: str) -> str:
        status, answer = call(self.worker, "echo", kwargs_json)
        self.assertEqual(status, 422, answer)
        for fragment in fragments:
            self.assertIn(fragment, answer["error"])
        self.assertEqual(self.module.calls, [], "the function must not run")
        return answer["error"]

    def test_arguments_nested_beyond_the_limit(self) -> None:
        self.assertRefused('{"x": %s}' % nested_list_wire(codec.MAX_DEPTH + 1), "argument 'x'",
                           f"more than {codec.MAX_DEPTH} containers")
        for depth in (500, 5000):  # beyond the JSON reader's own limit too
            self.assertRefused('{"x": %s}' % nested_list_wire(depth), "nested too deeply")

    def test_arguments_at_the_limit_are_accepted(self) -> None:
        status, answer = call(self.worker, "echo", '{"x": %s}' % nested_list_wire(codec.MAX_DEPTH))
        self.assertEqual((status, answer), (200, {"result": {"ok": "ran"}}))

    def test_non_finite_floats(self) -> None:
        for literal, shown in (("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf"), ("1e999", "inf")):
            self.assertRefused('{"x": {"type": "list", "contents": [1, %s]}}' % literal, "argument 'x'[1]",
                               f"is {shown}", "non-finite")
        self.assertRefused('{"rate": NaN}', "argument 'rate'", "JSON has no NaN")

    def test_objects_with_bad_class_paths(self) -> None:
        def obj(module: Any, cls: Any, contents: Any = None) -> str:
            return json.dumps({"x": {"type": "obj", "module": module, "class": cls, "contents": contents or {}}})

        relative = {"type": "relative", "path": []}
        self.assertRefused(obj(relative, "Nested.Missing"), "has no attribute 'Missing'")
        self.assertRefused(obj(relative, "Point.__init__.x"), "has no attribute")
        self.assertRefused(obj(relative, "Point..x"), "is not a class name")
        self.assertRefused(obj(relative, ""), "is not a class name")
        self.assertRefused(obj({"type": "absolute", "path": [""]}, "X"), "malformed module reference")
        self.assertRefused(obj({"type": "absolute", "path": [".."]}, "X"), "malformed module reference")
        self.assertRefused(obj({"type": "absolute", "path": [1]}, "X"), "malformed module reference")
        self.assertRefused(obj({"type": "absolute", "path": []}, "X"), "empty path")
        self.assertRefused(obj({"type": "relative", "path": ["nope"]}, "X"), "cannot import module")
        self.assertRefused(obj({"type": "absolute", "path": ["builtins"]}, "len"), "is not a class")

    def test_classes_that_cannot_take_the_attributes(self) -> None:
        def obj(module_path: List[str], cls: str, contents: Dict[str, Any]) -> str:
            module = {"type": "absolute" if module_path else "relative", "path": module_path}
            return json.dumps({"x": {"type": "obj", "module": module, "class": cls, "contents": contents}})

        self.assertRefused(obj(["builtins"], "int", {"a": 1}), "cannot set attribute 'a' of int")
        self.assertRefused(obj(["builtins"], "object", {"a": 1}), "cannot set attribute 'a' of object")
        self.assertRefused(obj([], "Slotted", {"y": 1}), "cannot set attribute 'y' of Slotted")
        self.assertRefused(obj([], "Fussy", {"a": 1}), "ValueError: no attributes here")
        self.assertRefused(obj([], "Point", {"__class__": 1}), "cannot set attribute '__class__'")
        self.assertRefused(obj(["builtins"], "type", {}), "cannot create a type")

    def test_body_errors(self) -> None:
        status, answer = post(self.worker, "echo", b'{"auth_data": 1e99999999999999999999999999')
        self.assertEqual(status, 422)
        status, answer = post(self.worker, "echo", b"[" * 100000)
        self.assertEqual(status, 422)
        self.assertEqual(self.module.calls, [])


class UnsendableResults(unittest.TestCase):
    """The function ran once; the answer is a 200 whose result is an error value the SDK's client raises."""

    def setUp(self) -> None:
        self.module = load_deployment()
        self.worker = ready_worker(self.module)

    def assertErrorValue(self, fname: str, *fragments: str) -> str:
        status, answer = call(self.worker, fname, "{}")
        self.assertEqual(status, 200, answer)
        cls, message = error_message(answer)
        self.assertEqual(cls, "TypeError")
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertEqual(self.module.calls, [fname], "the function ran exactly once")
        return message

    def test_an_int_too_long_to_write(self) -> None:
        self.assertErrorValue("huge", "return value of huge() is an int of 16610 bits", "send it as a str")

    def test_non_finite_floats(self) -> None:
        self.assertErrorValue("nan", "return value of nan() is a non-finite float (nan)")
        self.module.calls.clear()
        self.assertErrorValue("minus_inf", "return value of minus_inf()[1] is a non-finite float (-inf)")

    def test_a_value_that_contains_itself(self) -> None:
        message = self.assertErrorValue("cyclic", "return value of cyclic()[1][1]", "contains itself")
        self.assertLess(len(message), 300)
        self.module.calls.clear()
        self.assertErrorValue("cyclic_object", "return value of cyclic_object().me", "contains itself")

    def test_a_value_nested_beyond_the_limit(self) -> None:
        message = self.assertErrorValue("deep", f"more than {codec.MAX_DEPTH} containers deep")
        self.assertNotIn("contains itself", message)

    def test_an_object_without_dict(self) -> None:
        self.assertErrorValue("slotted", "return value of slotted() of type Slotted has no wire encoding")

    def test_an_exception_with_unsendable_contents_still_travels(self) -> None:
        status, answer = call(self.worker, "raises_unsendable", "{}")
        self.assertEqual(status, 200)
        err = answer["result"]["err"]
        self.assertEqual(err["class"], "BadError")
        self.assertIsInstance(err["contents"]["deep"], str)  # its repr, bounded
        self.assertEqual(self.module.calls, ["raises_unsendable"])


class CodecLimits(unittest.TestCase):
    def test_serialize_at_and_beyond_the_limit(self) -> None:
        value: Any = 1
        for _ in range(codec.MAX_DEPTH):
            value = [value]
        self.assertEqual(codec.deserialize(codec.serialize(value)), value)
        with self.assertRaisesRegex(codec.CodecError, "more than 100 containers deep"):
            codec.serialize([value])

    def test_long_ints_that_python_can_write_still_travel(self) -> None:
        self.assertEqual(codec.serialize(10 ** 4000), 10 ** 4000)
        self.assertEqual(codec.serialize(2 ** 63 + 1), 2 ** 63 + 1)


if __name__ == "__main__":
    unittest.main()
