"""Safe extraction of the deployment tarball into the worker folder.

The real worker extracts with filter="fully_trusted" into /workspace and so writes absolute `image.copy()`
destinations anywhere on the machine. Locally that would let a tarball overwrite the user's files, so:
  * absolute member names ("/app/x") are remapped under the worker folder ("<dir>/app/x");
  * names that escape with ".." are refused, as are links pointing outside and device/fifo members;
  * no member is written through a symlink at all: neither one the tarball itself creates (in any order) nor one
    already in the folder. Every path component is checked before anything is created, because creating a parent
    folder through a link (`a -> .`, `a/a/a/l -> ../../..`, then `l/x/y/f.txt`) would already write outside.
    A tarball the SDK makes never needs this: it stores a copied link as a link, and the files under the link's
    target under their own names.
Implemented by hand (not tarfile's filters) so it behaves the same on Python 3.9 to 3.13.
"""

import os
import posixpath
import shutil
import tarfile
from typing import List, Optional, Set


class UnsafeTarball(ValueError):
    """The tarball tries to write outside the worker folder."""


def _relative_member_path(name: str) -> str:
    """The member's path relative to the extraction root; absolute names are remapped, escapes refused."""
    cleaned = name.replace("\\", "/")
    if len(cleaned) >= 2 and cleaned[1] == ":":  # a Windows drive letter
        cleaned = cleaned[2:]
    cleaned = cleaned.lstrip("/")
    parts: List[str] = []
    for part in cleaned.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise UnsafeTarball(f"member {name!r} escapes the worker folder with '..'")
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _inside(root: str, path: str) -> bool:
    root_real = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real + os.sep)


def _is_absolute(name: str) -> bool:
    cleaned = name.replace("\\", "/")
    return cleaned.startswith("/") or (len(cleaned) >= 2 and cleaned[1] == ":")


def _check_not_through_links(dest: str, rel: str, links: Set[str], name: str) -> None:
    """Refuses `rel` when one of its parent folders is a link: a member of the tarball or a link already on disk."""
    parts = rel.split("/")
    for i in range(1, len(parts)):
        prefix = "/".join(parts[:i])
        if prefix in links or os.path.islink(os.path.join(dest, *parts[:i])):
            raise UnsafeTarball(f"member {name!r} would be written through the link {prefix!r}")


def safe_extract(tar_path: str, dest: str, absolute: Optional[List[str]] = None) -> List[str]:
    """Extracts `tar_path` into `dest`; returns the relative paths written. Raises UnsafeTarball on any escape.

    `absolute`, when given, receives the absolute member names ("/app/x", normalized) that were remapped."""
    os.makedirs(dest, exist_ok=True)
    written: List[str] = []
    with tarfile.open(tar_path, "r:*") as tar:
        members = tar.getmembers()
        # Check every member before writing anything, so a refused tarball leaves the folder untouched.
        plan = []
        links = {_relative_member_path(m.name) for m in members if m.issym() or m.islnk()}
        for m in members:
            rel = _relative_member_path(m.name)
            if m.isdev() or m.isfifo():
                raise UnsafeTarball(f"member {m.name!r} is a device or fifo")
            if m.issym():
                target = m.linkname.replace("\\", "/")
                if target.startswith("/") or (len(target) >= 2 and target[1] == ":"):
                    raise UnsafeTarball(f"symlink {m.name!r} points to the absolute path {m.linkname!r}")
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
                if resolved == ".." or resolved.startswith("../"):
                    raise UnsafeTarball(f"symlink {m.name!r} points outside the worker folder ({m.linkname!r})")
            if m.islnk():
                _check_not_through_links(dest, _relative_member_path(m.linkname), links, m.name)
            _check_not_through_links(dest, rel, links, m.name)
            if rel:
                plan.append((m, rel))
                if absolute is not None and _is_absolute(m.name):
                    absolute.append("/" + rel)
        for m, rel in plan:
            target = os.path.join(dest, *rel.split("/"))
            parent = os.path.dirname(target)
            os.makedirs(parent, exist_ok=True)
            if not _inside(dest, parent):
                raise UnsafeTarball(f"member {m.name!r} would be written through a link leading outside")
            if m.isdir():
                os.makedirs(target, exist_ok=True)
                if not _inside(dest, target):
                    raise UnsafeTarball(f"member {m.name!r} is a link leading outside")
                continue
            if os.path.islink(target) or (os.path.exists(target) and not os.path.isdir(target)):
                os.remove(target)
            if m.issym():
                os.symlink(m.linkname, target)
                written.append(rel)
                continue
            if m.islnk():
                source = os.path.join(dest, *_relative_member_path(m.linkname).split("/"))
                if not _inside(dest, source):
                    raise UnsafeTarball(f"hard link {m.name!r} points outside the worker folder")
                shutil.copyfile(source, target)
            elif m.isfile():
                src = tar.extractfile(m)
                assert src is not None
                with src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            else:
                continue
            # Keep the executable bits (run_script files), never setuid/setgid; the owner can always read/write.
            os.chmod(target, (m.mode & 0o755) | 0o600)
            written.append(rel)
    return written
