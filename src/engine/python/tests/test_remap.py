"""remap.PathRemap: which absolute paths stand for image.copy() destinations, and their rewriting in shell steps and
in deployment.py's string literals."""

import os
import sys
import tempfile
import traceback
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401  (puts the runtime on sys.path)

from vast_worker.remap import PathRemap  # noqa: E402

# A folder that surely does not exist here, and one that surely does.
MISSING = "/vast-remap-test-missing"
EXISTING = os.path.dirname(sys.executable)


class PathRules(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.root = self.tmp.name
        # What extraction made of "/…/weights/model.pt", "/…/labels.json" and the tool copied into an existing folder.
        os.makedirs(os.path.join(self.root, MISSING.strip("/"), "weights"))
        self.remap = PathRemap(self.root, [f"{MISSING}/weights", f"{MISSING}/weights/model.pt", f"{MISSING}/labels.json",
                                           f"{EXISTING}/vast-tool"])

    def local(self, path: str) -> str:
        return os.path.join(self.root, *path.strip("/").split("/"))

    def test_members_their_folders_and_missing_ancestors_are_redirected(self) -> None:
        for path in (f"{MISSING}/weights/model.pt", f"{MISSING}/labels.json", f"{MISSING}/weights",
                     f"{MISSING}/weights/other.bin", MISSING, f"{MISSING}/cache/new.txt"):
            self.assertEqual(self.remap.path(path), self.local(path), path)
        self.assertEqual(self.remap.path(f"{MISSING}/weights/"), self.local(f"{MISSING}/weights") + "/")

    def test_existing_folders_relative_paths_and_lookalikes_are_left_alone(self) -> None:
        self.assertEqual(self.remap.path(f"{EXISTING}/vast-tool"), self.local(f"{EXISTING}/vast-tool"))
        for text in (f"{EXISTING}/python3", EXISTING, "app/labels.json", f"{MISSING}x/labels.json", "/", "",
                     f"{MISSING}/labels.json\nsecond line"):
            self.assertIsNone(self.remap.path(text), text)
        self.assertEqual(self.remap.roots(), sorted([MISSING, f"{EXISTING}/vast-tool"]))

    def test_shell_steps(self) -> None:
        script = (f"test -f {MISSING}/weights/model.pt || exit 1; cat '{MISSING}/labels.json' \"{MISSING}/labels.json\"\n"
                  f"MODEL={MISSING}/weights ls $HOME{MISSING}/x ${{D}}{MISSING}/y http://h{MISSING}/z ./{MISSING[1:]}/w "
                  f"{EXISTING}/python3")
        m, l = self.local(f"{MISSING}/weights/model.pt"), self.local(f"{MISSING}/labels.json")
        expected = (f"test -f {m} || exit 1; cat '{l}' \"{l}\"\n"
                    f"MODEL={self.local(MISSING + '/weights')} ls $HOME{MISSING}/x ${{D}}{MISSING}/y http://h{MISSING}/z "
                    f"./{MISSING[1:]}/w {EXISTING}/python3")
        self.assertEqual(self.remap.shell(script), expected)

    def test_string_literals_of_the_module_keep_their_line_numbers(self) -> None:
        source = (f'LABELS = "{MISSING}/labels.json"\n'
                  f'name = "model.pt"\n'
                  f'WEIGHTS = f"{MISSING}/weights/{{name}}"\n'
                  f'OTHER = "{EXISTING}/python3"\n'
                  f'def fail():\n'
                  f'    raise ValueError("{MISSING}")\n').encode()
        namespace: dict = {}
        exec(self.remap.source_to_code(source, "deployment.py"), namespace)
        self.assertEqual(namespace["LABELS"], self.local(f"{MISSING}/labels.json"))
        self.assertEqual(namespace["WEIGHTS"], self.local(f"{MISSING}/weights/model.pt"))
        self.assertEqual(namespace["OTHER"], f"{EXISTING}/python3")
        try:
            namespace["fail"]()
            self.fail("fail() did not raise")
        except ValueError as e:
            self.assertEqual(e.args, (self.local(MISSING),))
            self.assertEqual(traceback.extract_tb(e.__traceback__)[-1].lineno, 6)

    def test_no_absolute_members_redirect_nothing(self) -> None:
        empty = PathRemap(self.root, [])
        self.assertFalse(empty)
        self.assertIsNone(empty.path(f"{MISSING}/labels.json"))
        self.assertEqual(empty.shell(f"test -f {MISSING}/labels.json"), f"test -f {MISSING}/labels.json")

if __name__ == "__main__":
    unittest.main()
