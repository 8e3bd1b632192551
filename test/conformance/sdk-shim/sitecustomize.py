"""Lets the real `vastai` SDK run unchanged on Debian 12's python3 and packages, for the conformance tests.

Python imports this module at start-up when its folder is on PYTHONPATH (the conformance tests put it there, before
the SDK's folder). Each patch works around one known gap between the SDK and Debian's versions; none changes what
the SDK sends or how it decides. See docs/conformance.md for the list and why each is safe.
"""

import importlib.abc
import importlib.util
import os
import ssl
import sys
import tarfile
import tempfile

# 6. The `vastai` CLI would look for updates on the internet before each command.
os.environ.setdefault("VASTAI_NO_UPDATE_CHECK", "1")


class _CryptoAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """1. Debian ships pycryptodome as `Cryptodome`; the SDK imports `Crypto`: `Crypto.X` loads `Cryptodome.X`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "Crypto" or fullname.startswith("Crypto."):
            real = "Cryptodome" + fullname[len("Crypto"):]
            if importlib.util.find_spec(real) is None:
                return None
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module("Cryptodome" + spec.name[len("Crypto"):])
        sys.modules[spec.name] = module
        return module

    def exec_module(self, module):
        pass


if importlib.util.find_spec("Crypto") is None:
    sys.meta_path.insert(0, _CryptoAlias())

# 2. `NamedTemporaryFile(delete_on_close=False)` is Python 3.12+: keep the file until the `with` block ends.
if sys.version_info < (3, 12):
    _named_temporary_file = tempfile.NamedTemporaryFile

    def _named_temporary_file_compat(*args, delete_on_close=True, **kwargs):
        if delete_on_close or not kwargs.get("delete", True):
            return _named_temporary_file(*args, **kwargs)
        kwargs["delete"] = False
        handle = _named_temporary_file(*args, **kwargs)
        exit_ = handle.__exit__

        class _Kept(type(handle)):
            def __exit__(self, *exc):
                try:
                    return exit_(*exc)
                finally:
                    try:
                        os.unlink(self.name)
                    except FileNotFoundError:
                        pass

        handle.__class__ = _Kept
        return handle

    tempfile.NamedTemporaryFile = _named_temporary_file_compat

# 4. `TarFile.extract(filter=...)` needs 3.11.4+. The SDK passes "fully_trusted", which is what older Pythons do.
if not hasattr(tarfile, "fully_trusted_filter"):
    _extract = tarfile.TarFile.extract

    def _extract_compat(self, member, path="", set_attrs=True, *, numeric_owner=False, filter=None):
        return _extract(self, member, path, set_attrs, numeric_owner=numeric_owner)

    tarfile.TarFile.extract = _extract_compat


def _trusting_context():
    """3. The SDK downloads Vast's root CA from the internet; tests use the system store or $VAST_TEST_CA."""
    ctx = ssl.create_default_context()
    ca = os.environ.get("VAST_TEST_CA")
    if ca:
        ctx.load_verify_locations(cafile=ca)
    return ctx


def _patch_ssl_getter(module):
    for name in ("_ServerlessBase", "AsyncClient", "VastClient"):
        cls = getattr(module, name, None)
        if cls is not None and hasattr(cls, "get_ssl_context"):
            async def get_ssl_context(self):
                if getattr(self, "_ssl_context", None) is None:
                    self._ssl_context = _trusting_context()
                return self._ssl_context

            cls.get_ssl_context = get_ssl_context


def _patch_app_runner(module):
    """5. aiohttp < 3.9 has no `handler_cancellation`; without dropping it every request to the worker is reset."""
    runner = module.AppRunner
    init = runner.__init__
    try:
        init_params = init.__code__.co_varnames
    except AttributeError:
        return
    if "handler_cancellation" in init_params:
        return

    def __init__(self, app, *args, handler_cancellation=False, **kwargs):
        init(self, app, *args, **kwargs)

    runner.__init__ = __init__


_AFTER_IMPORT = {
    "vastai.serverless.client.client": _patch_ssl_getter,
    "vastai.async_.client": _patch_ssl_getter,
    "aiohttp.web_runner": _patch_app_runner,
}


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs a patch right after one of the modules above has been executed (so importing this file stays cheap)."""

    def find_spec(self, fullname, path=None, target=None):
        patch = _AFTER_IMPORT.get(fullname)
        if patch is None:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


sys.meta_path.insert(0, _AfterImport())
