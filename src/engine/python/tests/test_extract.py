import io
import os
import sys
import tarfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Sandbox, make_tarball  # noqa: E402

from vast_worker.extract import UnsafeTarball, safe_extract  # noqa: E402


def tarball_with(members):
    """members: list of TarInfo-building (name, kind, payload/linkname)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, kind, data in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
                info.linkname = data
                tar.addfile(info)
    return buf.getvalue()


class SafeExtraction(unittest.TestCase):
    def setUp(self) -> None:
        self.sandbox = Sandbox()
        self.dest = self.sandbox.workdir

    def tearDown(self) -> None:
        self.sandbox.close()

    def extract(self, data: bytes, absolute=None):
        path = os.path.join(self.sandbox.root, "t.tar.gz")
        with open(path, "wb") as f:
            f.write(data)
        return safe_extract(path, self.dest, absolute)

    def test_normal_and_absolute_members(self) -> None:
        absolute = []
        written = self.extract(make_tarball({
            "./config.json": b"{}", "./deployment.py": b"x = 1\n", "/app/weights/model.pt": b"W",
            "rel/a.txt": b"z", "//app/./labels.json": b"L",
        }), absolute)
        self.assertEqual(sorted(written), ["app/labels.json", "app/weights/model.pt", "config.json", "deployment.py",
                                           "rel/a.txt"])
        self.assertEqual(sorted(absolute), ["/app/labels.json", "/app/weights/model.pt"])
        # the absolute copy() destination lands under the worker folder, not at /app
        with open(os.path.join(self.dest, "app", "weights", "model.pt"), "rb") as f:
            self.assertEqual(f.read(), b"W")
        self.assertFalse(os.path.exists("/app/weights/model.pt"))

    def test_dotdot_escape_is_refused_before_writing_anything(self) -> None:
        with self.assertRaises(UnsafeTarball) as cm:
            self.extract(make_tarball({"./deployment.py": b"ok", "../evil.txt": b"x"}))
        self.assertIn("..", str(cm.exception))
        self.assertEqual(os.listdir(self.dest), [])
        self.assertFalse(os.path.exists(os.path.join(self.sandbox.root, "evil.txt")))
        with self.assertRaises(UnsafeTarball):
            self.extract(make_tarball({"a/../../evil.txt": b"x"}))

    def test_dotdot_that_stays_inside_is_fine(self) -> None:
        self.assertEqual(self.extract(make_tarball({"a/../b.txt": b"x"})), ["b.txt"])

    def test_links_escaping_are_refused(self) -> None:
        for members in (
            [("link", "symlink", "/etc")],
            [("sub/link", "symlink", "../../outside")],
            [("hard", "hardlink", "../outside")],
        ):
            with self.subTest(members[0][0]):
                with self.assertRaises(UnsafeTarball):
                    self.extract(tarball_with(members))

    def test_symlink_inside_is_kept(self) -> None:
        self.extract(tarball_with([("data/a.txt", "file", b"A"), ("alias", "symlink", "data/a.txt")]))
        with open(os.path.join(self.dest, "alias")) as f:
            self.assertEqual(f.read(), "A")

    def test_writing_through_a_preexisting_outside_link_is_refused(self) -> None:
        outside = os.path.join(self.sandbox.root, "outside")
        os.makedirs(outside)
        os.symlink(outside, os.path.join(self.dest, "app"))
        with self.assertRaises(UnsafeTarball):
            self.extract(make_tarball({"/app/x.txt": b"x"}))
        self.assertEqual(os.listdir(outside), [])

    def test_folders_are_never_created_through_links_of_the_tarball(self) -> None:
        # a -> . makes a/a/a resolve to the worker folder itself; l -> ../../.. from there leaves it; creating the
        # parents of l/x/y/f.txt would then make folders outside before any inside-check could refuse the file.
        outside_marker = os.path.join(self.sandbox.root, "x")
        members = [("a", "symlink", "."), ("a/a/a/l", "symlink", "../../.."), ("l/x/y/f.txt", "file", b"F")]
        with self.assertRaises(UnsafeTarball) as cm:
            self.extract(tarball_with(members))
        self.assertIn("through the link", str(cm.exception))
        self.assertFalse(os.path.exists(outside_marker))
        self.assertEqual(os.listdir(self.dest), [])
        # the order of the members does not matter
        with self.assertRaises(UnsafeTarball):
            self.extract(tarball_with([("d/f.txt", "file", b"F"), ("d", "symlink", "elsewhere")]))
        self.assertEqual(os.listdir(self.dest), [])

    def test_an_inside_link_to_a_folder_is_kept_when_nothing_is_written_through_it(self) -> None:
        self.extract(tarball_with([("data/a.txt", "file", b"A"), ("alias", "symlink", "data")]))
        with open(os.path.join(self.dest, "alias", "a.txt")) as f:
            self.assertEqual(f.read(), "A")


if __name__ == "__main__":
    unittest.main()
