"""Local stand-ins for absolute `image.copy()` destinations.

On Vast the tarball's absolute members ("/app/weights/model.pt") land where they say. Locally they are written under
the worker folder instead (see extract.py), so code that names "/app/..." would not find them. This module redirects
such paths in the two places a deployment names them: string literals in deployment.py and the shell text of
run_script/run_cmd steps. A path is redirected when it is an absolute member, lies under an absolute directory member,
or lies under a folder that holds absolute members and does not exist on this machine ("/app"). Folders that do exist
here ("/usr/local/bin") are left alone: redirecting them would break everything else that lives there.
"""

import ast
import os
import re
from typing import Iterable, List, Optional, Set

# An absolute path in shell text: starts at "/" not preceded by a character that would make it part of another word
# (a relative path, a URL, `$DIR/…`, `${DIR}/…`, `$(pwd)/…`), and runs to whitespace, a quote or a shell operator.
_SHELL_PATH = re.compile(r"(?<![\w.~$/:})-])/[^\s'\"`;|&<>()$]*")


class PathRemap:
    def __init__(self, root: str, absolute_members: Iterable[str]):
        self.root = root
        self.exact: Set[str] = set()
        self.prefixes: Set[str] = set()
        for raw in absolute_members:
            name = "/" + raw.replace("\\", "/").strip("/")
            if name == "/":
                continue
            self.exact.add(name)
            if os.path.isdir(self._local(name)):
                self.prefixes.add(name)
            parent = os.path.dirname(name)
            while parent != "/" and not os.path.exists(parent):
                self.prefixes.add(parent)
                parent = os.path.dirname(parent)

    def __bool__(self) -> bool:
        return bool(self.exact)

    def _local(self, path: str) -> str:
        return os.path.join(self.root, *path.strip("/").split("/"))

    def path(self, text: str) -> Optional[str]:
        """The local stand-in for `text`, or None when it is not a redirected path."""
        if not text.startswith("/") or "\n" in text:
            return None
        normal = "/" + text.strip("/") if text != "/" else "/"
        if normal in self.exact or any(normal.startswith(p + "/") or normal == p for p in self.prefixes):
            local = self._local(normal)
            return local + "/" if text.endswith("/") and len(text) > 1 else local
        return None

    def shell(self, script: str) -> str:
        return _SHELL_PATH.sub(lambda m: self.path(m.group(0)) or m.group(0), script)

    def roots(self) -> List[str]:
        """The outermost redirected paths, for the log line."""
        every = sorted(self.exact | self.prefixes)
        return [p for p in every if not any(p.startswith(q + "/") for q in every if q != p)]

    def source_to_code(self, source: bytes, filename: str):
        """Compiles deployment.py with its redirected string literals replaced; line numbers stay the same."""
        tree = ast.parse(source, filename)
        tree = _LiteralRewriter(self).visit(tree)
        return compile(tree, filename, "exec", dont_inherit=True)


class _LiteralRewriter(ast.NodeTransformer):
    def __init__(self, remap: PathRemap):
        self.remap = remap

    # Also reaches the literal parts of f-strings: f"/app/weights/{name}" starts with a redirected folder.
    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str):
            local = self.remap.path(node.value)
            if local is not None:
                return ast.copy_location(ast.Constant(value=local), node)
        return node
