import json
import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import REPO_ROOT  # noqa: E402

from vast_worker import codec  # noqa: E402

VECTORS = os.path.join(REPO_ROOT, "test", "vectors", "codec.json")


def deployment_module() -> types.ModuleType:
    """A stand-in for the worker's `deployment` module that defines Point, as the vectors expect."""
    mod = types.ModuleType("deployment")
    exec(
        "class Point:\n"
        "    def __init__(self, **kw):\n"
        "        self.__dict__.update(kw)\n"
        "    def __eq__(self, other):\n"
        "        return type(other) is type(self) and vars(other) == vars(self)\n",
        mod.__dict__,
    )
    return mod


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
    def test_exception_keeps_message_args_and_traceback(self) -> None:
        try:
            raise ValueError("boom", 3)
        except ValueError as e:
            wire = codec.serialize(e, "exception")
        self.assertEqual(wire["type"], "obj")
        self.assertEqual(wire["module"], {"type": "absolute", "path": ["builtins"]})
        self.assertEqual(wire["class"], "ValueError")
        self.assertEqual(wire["contents"]["args"], {"type": "tuple", "contents": ["boom", 3]})
        tb = wire["contents"]["__traceback__"]
        self.assertIn("Traceback (most recent call last)", tb)
        self.assertIn("ValueError: ('boom', 3)", tb)
        back = codec.deserialize(wire)
        self.assertIsInstance(back, ValueError)
        self.assertEqual(back.args, ("boom", 3))
        self.assertIn("ValueError", back.remote_traceback)

    def test_exception_attributes_travel_and_unencodable_args_become_repr(self) -> None:
        e = KeyError(True)
        e.code = 7
        wire = codec.serialize(e)
        self.assertEqual(wire["contents"]["code"], 7)
        self.assertEqual(wire["contents"]["args"], {"type": "tuple", "contents": ["True"]})

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


if __name__ == "__main__":
    unittest.main()
