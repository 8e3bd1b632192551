"""Getting the deployment's code into the process: download, safe extraction, config.json steps, `import deployment`.

Blocking functions; the worker runs them in a thread so its event loop keeps reporting meanwhile.
"""

import importlib
import importlib.machinery
import importlib.util
import json
import os
import shutil
import site
import sys
import tempfile
import traceback
import urllib.parse
from typing import Any, Dict, List, Optional

from . import http_client, install
from .extract import UnsafeTarball, safe_extract
from .install import DeploymentConfig, InstallError, Venv
from .log import log
from .remap import PathRemap

ROOT_MODULE = "deployment"
# The runtime's own folder (dist/python): holds the serve-mode `vastai` package that must shadow any other.
BUNDLE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACEBACK_LIMIT_CHARS = 4000


class WorkerFailure(RuntimeError):
    """A boot or update step failed; str() is the error_msg the worker reports."""


class LoadedDeployment:
    def __init__(self, module: Any, app: Any, config: DeploymentConfig, venv: Optional[Venv]):
        self.module = module
        self.app = app
        self.config = config
        self.venv = venv
        self.functions: Dict[str, Any] = dict(app.remote_functions)
        benchmarked = [f for f in self.functions.values() if f.has_benchmark]
        if not self.functions:
            raise WorkerFailure("deployment.py defines no @app.remote function, so the worker has nothing to serve")
        if len(benchmarked) != 1:
            names = ", ".join(f.name for f in benchmarked)
            found = f"{len(benchmarked)} have one ({names})" if benchmarked else "none has one"
            raise WorkerFailure(
                "exactly one @app.remote function must set benchmark_dataset or benchmark_generator, but "
                f"{found}. (The real Vast worker crashes at boot without reporting why.)")
        self.benchmarked = benchmarked[0]


def short_traceback(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text if len(text) <= TRACEBACK_LIMIT_CHARS else "…" + text[-TRACEBACK_LIMIT_CHARS:]


def download_and_extract(api_url: str, deployment_id: str, api_key: str, cwd: str) -> PathRemap:
    """Fetches and extracts the deployment; returns where its absolute copy() destinations went (remap.py)."""
    local = os.environ.get("DEBUG_DEPLOYMENT_TAR")
    if local:
        log(f"using the local tarball DEBUG_DEPLOYMENT_TAR={local}")
        return _extract(local, cwd)
    url = f"{api_url.rstrip('/')}/api/v0/deployment/{deployment_id}/download_url/"
    try:
        status, raw = http_client.request_sync("GET", url, bearer=api_key)
    except OSError as e:
        raise WorkerFailure(f"cannot reach {url}: {e}") from None
    text = raw.decode("utf-8", "replace")
    if status != 200:
        raise WorkerFailure(f"GET {url} answered HTTP {status}: {text[:500]}")
    try:
        answer = json.loads(text)
    except ValueError:
        raise WorkerFailure(f"GET {url} did not answer JSON: {text[:200]}") from None
    blob_url = answer.get("download_url") if isinstance(answer, dict) else None
    if not isinstance(blob_url, str) or not blob_url or answer.get("success") is False:
        raise WorkerFailure(f"GET {url} gave no download_url: {text[:500]}")
    blob_url = urllib.parse.urljoin(url, blob_url)
    # A presigned S3 URL refuses an Authorization header; the engine's own blob URL (same origin) may want one.
    same_origin = urllib.parse.urlsplit(blob_url)[:2] == urllib.parse.urlsplit(url)[:2]
    fd, tar_path = tempfile.mkstemp(prefix=".vast-download-", suffix=".tar.gz", dir=cwd)
    os.close(fd)
    try:
        try:
            size = http_client.download_sync(blob_url, tar_path, bearer=api_key if same_origin else None)
        except (OSError, http_client.HttpError) as e:
            raise WorkerFailure(f"downloading the deployment tarball failed: {e}") from None
        log(f"downloaded the deployment ({size} bytes)")
        return _extract(tar_path, cwd)
    finally:
        os.remove(tar_path)


def _extract(tar_path: str, cwd: str) -> PathRemap:
    absolute: List[str] = []
    try:
        names = safe_extract(tar_path, cwd, absolute)
    except UnsafeTarball as e:
        raise WorkerFailure(f"refused the deployment tarball: {e}") from None
    except Exception as e:  # tarfile.ReadError, OSError, EOFError: a broken or truncated tarball
        raise WorkerFailure(f"cannot extract the deployment tarball: {type(e).__name__}: {e}") from None
    log(f"extracted {len(names)} file(s) into {cwd}")
    remap = PathRemap(cwd, absolute)
    if remap:
        log(f"image.copy() destinations {', '.join(remap.roots())} live under {cwd} on this machine; string "
            "literals in deployment.py and run steps that name them are redirected there")
    return remap


def install_steps(cwd: str, venv_cache: str, remap: PathRemap) -> "tuple[DeploymentConfig, Optional[Venv]]":
    try:
        config = install.read_config(os.path.join(cwd, "config.json"))
        install.export_envs(config)
        install.check_apt_gets(config)
        venv = install.ensure_venv(config, venv_cache)
        install.run_steps(config, cwd, venv, remap)
    except InstallError as e:
        raise WorkerFailure(str(e)) from None
    return config, venv


def _use_bundled_vastai() -> Any:
    """Makes `import vastai` resolve to the serve-mode stand-in next to this package, whatever else is installed."""
    for name in list(sys.modules):
        if name == "vastai" or name.startswith("vastai."):
            mod_file = getattr(sys.modules[name], "__file__", None) or ""
            if not os.path.abspath(mod_file).startswith(BUNDLE_DIR + os.sep):
                del sys.modules[name]
    from vastai.deployment import Deployment  # noqa: E402 (after the sys.path fix by the caller)

    return Deployment


def _set_sys_path(cwd: str, venv: Optional[Venv]) -> None:
    # Order: bundled vastai, the deployment folder, the venv's site-packages, then the interpreter's own paths.
    front: List[str] = [BUNDLE_DIR, cwd]
    if venv is not None:
        before = list(sys.path)
        for sp in venv.site_packages:
            site.addsitedir(sp)  # also runs the venv's .pth files
        added = [p for p in sys.path if p not in before]
        for sp in venv.site_packages:
            if sp not in added:
                added.append(sp)
        front += added
    rest = [p for p in sys.path if p not in front and os.path.abspath(p or ".") != os.path.abspath(cwd)]
    sys.path[:] = front + rest


def import_deployment(cwd: str, config: DeploymentConfig, venv: Optional[Venv], remap: PathRemap) -> LoadedDeployment:
    _set_sys_path(cwd, venv)
    Deployment = _use_bundled_vastai()
    Deployment._reset_registry()
    for name in list(sys.modules):
        if name == ROOT_MODULE or name.startswith(ROOT_MODULE + "."):
            del sys.modules[name]
    # A soft update can rewrite deployment.py within the same second at the same size: stale bytecode would load.
    shutil.rmtree(os.path.join(cwd, "__pycache__"), ignore_errors=True)
    importlib.invalidate_caches()
    os.environ.setdefault("IS_DEPLOYMENT", "true")
    try:
        module = _import_root(cwd, remap)
    except BaseException as e:  # SyntaxError, ImportError, SystemExit from the file... all end the boot
        raise WorkerFailure(f"importing deployment.py failed:\n{short_traceback(e)}") from None
    app = Deployment.lookup(config.name) if config.name else None
    if app is None:
        instances = list(Deployment._instances)
        if len(instances) == 1:
            app = instances[0]
        elif not instances:
            raise WorkerFailure("deployment.py creates no Deployment(...) object")
        else:
            names = ", ".join(repr(i.name) for i in instances)
            raise WorkerFailure(f"deployment.py creates several Deployment objects ({names}) and none is named "
                                f"{config.name!r} as config.json says")
    return LoadedDeployment(module, app, config, venv)


class _RemappingLoader(importlib.machinery.SourceFileLoader):
    """deployment.py compiled with its absolute copy destinations redirected (remap.py); never cached as bytecode."""

    def __init__(self, fullname: str, path: str, remap: PathRemap):
        super().__init__(fullname, path)
        self.remap = remap

    def get_code(self, fullname: str) -> Any:
        return self.remap.source_to_code(self.get_data(self.path), self.path)


def _import_root(cwd: str, remap: PathRemap) -> Any:
    if not remap:
        return importlib.import_module(ROOT_MODULE)
    path = os.path.join(cwd, ROOT_MODULE + ".py")
    loader = _RemappingLoader(ROOT_MODULE, path, remap)
    spec = importlib.util.spec_from_file_location(ROOT_MODULE, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[ROOT_MODULE] = module
    try:
        loader.exec_module(module)
    except BaseException:
        sys.modules.pop(ROOT_MODULE, None)
        raise
    return module


def disk_usage_gb(path: str) -> float:
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return round(total / 1e9, 6)
