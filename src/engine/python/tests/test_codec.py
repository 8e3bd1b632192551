import importlib.util
import json
import os
import sys
import types
import unittest
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import REPO_ROOT  # noqa: E402

from vast_worker import codec  # noqa: E402

VECTORS = os.path.join(REPO_ROOT, "test", "vectors", "codec.json")


DEPLOYMENT_SOURCE = (
    "class Point:\n"
    "    def __init__(self, **kw):\n"
    "        self.__dict__.update(kw)\n"
    "    def __eq__(self, other):\n"
    "        return type(other) is type(self) and vars(other) == vars(self)\n"
    "class QuotaError(Exception):\n"
    "    pass\n"
)


def deployment_module(name: str = "deployment") -> types.ModuleType:
    """The deployment file's classes (Point, as the vectors expect, and an exception): as the worker imports it
    (`deployment`), or as the user's own `python deploy.py` runs it (`__main__`) on the SDK's client side."""
    mod = types.ModuleType(name)
    exec(DEPLOYMENT_SOURCE, mod.__dict__)
    return mod


def sdk_serialization() -> Optional[types.ModuleType]:
    """The real SDK's serialization module (standard library only), loaded from its file; None when absent."""
    src = os.environ.get("VASTAI_SDK_SRC") or os.path.join(os.path.dirname(REPO_ROOT), "shared", "vendor", "vastai-sdk")
    path = os.path.join(src, "vastai", "serverless", "remote", "serialization.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("sdk_serialization", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SDK = sdk_serialization()


class CodecVectors(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        with open(VECTORS, encoding="utf-8") as f:
            cls.data = json.load(f)
        cls.module = deployment_module()
        cls.scope = {"Point": cls.module.Point, "ValueError": ValueError}

    def test_every_vector_serializes_and_deserializes(self) -> None:
        self.assertGreater(len(self.data["vectors"]), 10)
        for v in self.data["vectors"]:
            with self.subTest(v["name"]):
                value = eval(v["python"], dict(self.scope))
                decoded = codec.deserialize(v["wire"], vars(self.module))
                if isinstance(value, BaseException):
                    self.assertIs(type(decoded), type(value))
                else:
                    self.assertEqual(decoded, value)
                    self.assertEqual(type(decoded), type(value))
                if not v.get("decode_only"):
                    self.assertEqual(codec.serialize(value), v["wire"])
                    # the wire form must survive a real JSON round trip byte-for-byte
                    self.assertEqual(json.loads(json.dumps(codec.serialize(value))), v["wire"])

    def test_refused_values_name_the_problem(self) -> None:
        for v in self.data["refuse"]:
            with self.subTest(v["name"]):
                with self.assertRaises(codec.CodecError) as cm:
                    codec.serialize(eval(v["python"]), "argument 'flag'")
                self.assertIn(v["error_contains"], str(cm.exception))
                self.assertIn("argument 'flag'", str(cm.exception))

    def test_refused_wire_names_the_problem(self) -> None:
        for v in self.data["refuse_wire"]:
            with self.subTest(v["name"]):
                with self.assertRaises(codec.CodecError) as cm:
                    codec.deserialize(v["wire"], vars(self.module))
                self.assertIn(v["error_contains"], str(cm.exception))


class CodecExceptions(unittest.TestCase):
    def test_exception_keeps_its_args_and_the_traceback_travels_beside_it(self) -> None:
        try:
            raise ValueError("boom", 3)
        except ValueError as e:
            answer = codec.error_answer(e)
        self.assertEqual(set(answer), {"err", "traceback"})
        wire = answer["err"]
        self.assertEqual(wire, {"type": "obj", "module": {"type": "absolute", "path": ["builtins"]}, "class": "ValueError",
                                "contents": {"args": {"type": "tuple", "contents": ["boom", 3]}}})
        self.assertIn("Traceback (most recent call last)", answer["traceback"])
        self.assertIn("ValueError: ('boom', 3)", answer["traceback"])
        back = codec.deserialize(wire)
        self.assertIsInstance(back, ValueError)
        self.assertEqual(back.args, ("boom", 3))

    def test_an_exception_never_raised_has_no_traceback(self) -> None:
        self.assertEqual(set(codec.error_answer(TypeError("result is a bool"))), {"err"})

    def test_system_exit_is_sent_as_an_exception_the_caller_can_raise(self) -> None:
        try:
            raise SystemExit(3)
        except SystemExit as e:
            answer = codec.error_answer(e)
        self.assertEqual(answer["err"]["class"], "RuntimeError")
        self.assertEqual(answer["err"]["contents"]["args"]["contents"], ["the remote function raised SystemExit(3)"])
        self.assertIn("SystemExit: 3", answer["traceback"])

    def test_exception_attributes_travel_and_unencodable_args_become_repr(self) -> None:
        e = KeyError(True)
        e.code = 7
        wire = codec.serialize(e)
        self.assertEqual(wire["contents"]["code"], 7)
        self.assertEqual(wire["contents"]["args"], {"type": "tuple", "contents": ["True"]})

    def test_exception_args_holding_objects_travel_as_repr(self) -> None:
        mod = deployment_module()
        wire = codec.serialize(ValueError(mod.Point(x=1), [b"k", (2, None)]))
        self.assertEqual(wire["contents"]["args"]["contents"][0][:13], "<deployment.P")
        self.assertEqual(wire["contents"]["args"]["contents"][1], codec.serialize([b"k", (2, None)]))

    def test_an_attribute_that_cannot_be_set_is_a_codec_error(self) -> None:
        wire = {"type": "obj", "module": {"type": "absolute", "path": ["builtins"]}, "class": "ValueError",
                "contents": {"__traceback__": "Traceback ..."}}
        with self.assertRaises(codec.CodecError) as cm:
            codec.deserialize(wire)
        self.assertIn("__traceback__", str(cm.exception))

    def test_module_paths(self) -> None:
        mod = types.ModuleType("deployment.sub")
        exec("class Inner:\n    pass\n", mod.__dict__)
        obj = mod.Inner()
        self.assertEqual(codec.serialize(obj)["module"], {"type": "relative", "path": ["sub"]})
        other = types.ModuleType("deployment_utils")
        exec("class Thing:\n    pass\n", other.__dict__)
        # the SDK's startswith bug would give ["_utils"]; a dot is required here
        self.assertEqual(codec.serialize(other.Thing())["module"], {"type": "absolute", "path": ["deployment_utils"]})

    def test_absolute_class_resolves_by_import(self) -> None:
        wire = {"type": "obj", "module": {"type": "absolute", "path": ["fractions"]}, "class": "Fraction",
                "contents": {}}
        import fractions
        self.assertIsInstance(codec.deserialize(wire), fractions.Fraction)

    def test_malformed_wire_is_refused_clearly(self) -> None:
        cases = [
            ([1, 2], "list"),
            ({"type": "bytes", "contents": "***"}, "base64"),
            ({"type": "dict", "contents": [[1]]}, "pairs"),
            ({"type": "obj", "module": {"type": "relative", "path": []}, "class": "Nope", "contents": {}}, "Nope"),
            ({"type": "list", "contents": [1, True]}, "value[1]"),
        ]
        for wire, needle in cases:
            with self.subTest(needle):
                with self.assertRaises(codec.CodecError) as cm:
                    codec.deserialize(wire, {})
                self.assertIn(needle, str(cm.exception))

    def test_unsupported_python_value(self) -> None:
        with self.assertRaises(codec.CodecError) as cm:
            codec.serialize({1, 2}, "argument 's'")
        self.assertIn("set", str(cm.exception))


@unittest.skipIf(SDK is None, "the vendored vastai SDK is not beside the repository (set VASTAI_SDK_SRC to its folder)")
class AgainstTheRealSdk(unittest.TestCase):
    """Our worker and the SDK's client (deploy mode: root module `__main__`) must agree on every value, both ways."""

    @classmethod
    def setUpClass(cls) -> None:
        with open(VECTORS, encoding="utf-8") as f:
            cls.vectors = [v for v in json.load(f)["vectors"] if not v.get("decode_only")]
        cls.worker = deployment_module("deployment")
        cls.client = deployment_module("__main__")

    def both(self, expr: str):
        return eval(expr, vars(self.worker)), eval(expr, vars(self.client))

    def test_our_encoding_is_the_sdks(self) -> None:
        for v in self.vectors:
            with self.subTest(v["name"]):
                on_worker, _ = self.both(v["python"])
                self.assertEqual(codec.serialize(on_worker), SDK.serialize(on_worker, "deployment"))

    def test_the_sdk_client_decodes_our_results(self) -> None:
        for v in self.vectors:
            with self.subTest(v["name"]):
                on_worker, on_client = self.both(v["python"])
                wire = json.loads(json.dumps({"ok": codec.serialize(on_worker)}))
                decoded = SDK.deserialize_unwrap_error(wire, "__main__", vars(self.client))
                self.assertEqual(decoded, on_client)
                self.assertIs(type(decoded), type(on_client))

    def test_our_worker_decodes_the_sdk_clients_arguments(self) -> None:
        for v in self.vectors:
            with self.subTest(v["name"]):
                on_worker, on_client = self.both(v["python"])
                wire = json.loads(json.dumps(SDK.serialize(on_client, "__main__")))
                decoded = codec.deserialize(wire, vars(self.worker))
                self.assertEqual(decoded, on_worker)
                self.assertIs(type(decoded), type(on_worker))

    def test_the_sdk_client_raises_our_remote_exceptions_with_class_and_message(self) -> None:
        cases = [
            ("ValueError('the message')", ValueError, "the message"),
            ("KeyError('k')", KeyError, "'k'"),
            ("RuntimeError()", RuntimeError, ""),
            ("ValueError('a', 2)", ValueError, "('a', 2)"),
            ("QuotaError('over quota')", self.client.QuotaError, "over quota"),
        ]
        for expr, cls, message in cases:
            with self.subTest(expr):
                try:
                    raise eval(expr, vars(self.worker))
                except Exception as e:
                    e.limit = 3
                    answer = json.loads(json.dumps(codec.error_answer(e)))
                self.assertIn("Traceback (most recent call last)", answer["traceback"])
                with self.assertRaises(cls) as cm:
                    SDK.deserialize_unwrap_error(answer, "__main__", vars(self.client))
                self.assertIs(type(cm.exception), cls)
                self.assertEqual(str(cm.exception), message)
                self.assertEqual(cm.exception.limit, 3)

    def test_the_sdk_client_raises_the_remote_error_vectors(self) -> None:
        with open(VECTORS, encoding="utf-8") as f:
            remote_errors = json.load(f)["remote_errors"]
        for v in remote_errors:
            with self.subTest(v["name"]):
                with self.assertRaises(Exception) as cm:
                    SDK.deserialize_unwrap_error(v["result"], "__main__", vars(self.client))
                self.assertEqual(type(cm.exception).__name__, v["class"])
                self.assertEqual(str(cm.exception), v["sdk_str"])
                for attr, wire in v["attrs"].items():
                    self.assertEqual(getattr(cm.exception, attr), codec.deserialize(wire))

    def test_the_sdk_client_shows_builtin_errors_that_keep_their_message_outside_args(self) -> None:
        def failing(make):
            try:
                make()
            except Exception as e:
                return e, json.loads(json.dumps(codec.error_answer(e)))
            self.fail("did not raise")

        missing = os.path.join(os.path.dirname(VECTORS), "no-such-file")
        for make in (lambda: open(missing), lambda: b"\xff".decode(), lambda: "\udc80".encode("ascii")):
            raised, answer = failing(make)
            with self.subTest(type(raised).__name__):
                with self.assertRaises(type(raised)) as cm:
                    SDK.deserialize_unwrap_error(answer, "__main__", {})
                self.assertEqual(str(cm.exception), str(raised))

    def test_our_worker_reads_the_real_workers_exceptions(self) -> None:
        wire = SDK.serialize_err(self.worker.QuotaError("lost"), "deployment")["err"]
        self.assertEqual(wire["module"], {"type": "relative", "path": []})
        self.assertIsInstance(codec.deserialize(wire, vars(self.worker)), self.worker.QuotaError)


if __name__ == "__main__":
    unittest.main()
