"""config.json steps, in the SDK's order: export envs, check apt_gets, per-deployment venv + pip install, runs."""

import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional

from .log import log
from .remap import PathRemap

PIP_LOG_TAIL_LINES = 40
RUN_LOG_TAIL_LINES = 30
VENV_LOCK_WAIT_S = 1800.0

# Child processes running now (pip, runs), so a SIGTERM can stop them instead of waiting for them.
running_processes: "set[subprocess.Popen]" = set()


class InstallError(RuntimeError):
    """A config.json step failed; the message is what the worker reports as error_msg."""


class DeploymentConfig:
    def __init__(self, name: str, pip_installs: List[str], apt_gets: List[str], envs: List[List[str]],
                 runs: List[Any]):
        self.name = name
        self.pip_installs = pip_installs
        self.apt_gets = apt_gets
        self.envs = envs
        self.runs = runs


def read_config(path: str) -> DeploymentConfig:
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        raise InstallError("the deployment tarball has no config.json") from None
    except ValueError as e:
        raise InstallError(f"config.json is not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise InstallError("config.json is not a JSON object")

    def string_list(key: str) -> List[str]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InstallError(f"config.json: {key!r} must be a list of strings")
        return value

    envs = raw.get("envs", [])
    if not isinstance(envs, list) or not all(isinstance(p, list) and len(p) == 2 for p in envs):
        raise InstallError("config.json: 'envs' must be a list of [KEY, VALUE] pairs")
    runs = raw.get("runs", [])
    if not isinstance(runs, list) or not all(
        isinstance(r, str) or (isinstance(r, list) and r and all(isinstance(a, str) for a in r)) for r in runs
    ):
        raise InstallError("config.json: 'runs' must be a list of shell strings or non-empty argument lists")
    name = raw.get("name", "")
    return DeploymentConfig(name if isinstance(name, str) else "", string_list("pip_installs"),
                            string_list("apt_gets"), [[str(k), str(v)] for k, v in envs], runs)


def export_envs(config: DeploymentConfig) -> None:
    for key, value in config.envs:
        os.environ[key] = value
    if config.envs:
        log(f"exported {len(config.envs)} env var(s): {', '.join(k for k, _ in config.envs)}")


def _apt_package_present(package: str) -> bool:
    if shutil.which(package):
        return True
    if shutil.which("dpkg-query"):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        return r.returncode == 0 and "install ok installed" in r.stdout
    return False


def check_apt_gets(config: DeploymentConfig) -> List[str]:
    """Returns the apt packages that look missing; installs nothing (the local engine never runs apt-get)."""
    missing = [p for p in config.apt_gets if not _apt_package_present(p)]
    for p in missing:
        log(f"apt_get({p!r}): not found on this machine; the local engine installs no system packages, so code "
            "that needs it may fail (install it yourself to test locally)")
    return missing


def requirements_key(pip_installs: List[str]) -> str:
    """Venv cache key: the requirements in order plus the interpreter, so two Pythons never share a venv."""
    feed = json.dumps({"pip_installs": pip_installs, "python": sys.executable, "version": sys.version})
    return hashlib.sha256(feed.encode("utf-8")).hexdigest()[:24]


def _tail(lines: "collections.deque[str]") -> str:
    return "".join(lines).rstrip()


def _run_logged(cmd: List[str], tail_lines: int, cwd: Optional[str] = None,
                env: Optional[Dict[str, str]] = None) -> "tuple[int, str]":
    """Runs `cmd`, echoing its output to our stdout; returns (exit code, last lines of output)."""
    tail: "collections.deque[str]" = collections.deque(maxlen=tail_lines)
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    except OSError as e:
        return 127, f"cannot start {cmd[0]!r}: {e}"
    assert proc.stdout is not None
    running_processes.add(proc)
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            sys.stdout.write(line)
            tail.append(line)
        sys.stdout.flush()
        return proc.wait(), _tail(tail)
    finally:
        running_processes.discard(proc)


def _venv_python(venv_dir: str) -> str:
    if os.name == "nt":
        return os.path.join(venv_dir, "Scripts", "python.exe")
    return os.path.join(venv_dir, "bin", "python")


def _site_packages(python: str) -> List[str]:
    r = subprocess.run([python, "-c", "import json, sysconfig; p = sysconfig.get_paths(); "
                                      "print(json.dumps(sorted({p['purelib'], p['platlib']})))"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise InstallError(f"cannot read the venv's site-packages: {r.stderr.strip()}")
    return json.loads(r.stdout)


class Venv:
    def __init__(self, path: str, python: str, site_packages: List[str]):
        self.path = path
        self.python = python
        self.site_packages = site_packages

    def bin_dir(self) -> str:
        return os.path.dirname(self.python)


class InstallLock:
    """An exclusive lock on a file that the operating system releases when its holder dies (flock on POSIX, msvcrt
    on Windows). A lock folder or pid file would outlive a worker or engine killed mid-install and make every later
    worker wait for nothing."""

    def __init__(self, path: str, wait_s: float):
        self.path = path
        self.wait_s = wait_s
        self.file = None

    def _try_lock(self) -> bool:
        try:
            if os.name == "nt":
                import msvcrt
                self.file.seek(0)
                msvcrt.locking(self.file.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl
                fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _holder(self) -> str:
        try:
            with open(self.path, encoding="utf-8") as f:
                return f.read().strip() or "unknown"
        except OSError:
            return "unknown"

    def __enter__(self) -> "InstallLock":
        self.file = open(self.path, "a+", encoding="utf-8")
        deadline = time.monotonic() + self.wait_s
        said = False
        while not self._try_lock():
            if not said:
                log(f"pip: waiting for another worker's install (pid {self._holder()}) to finish")
                said = True
            if time.monotonic() > deadline:
                holder = self._holder()
                self.file.close()
                raise InstallError(f"timed out after {self.wait_s:.0f} s waiting for another worker's pip install "
                                   f"(pid {holder}, lock {self.path})")
            time.sleep(0.2)
        self.file.seek(0)
        self.file.truncate()
        self.file.write(str(os.getpid()))
        self.file.flush()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.file.close()  # closing releases the lock


def ensure_venv(config: DeploymentConfig, cache_dir: str) -> Optional[Venv]:
    """The deployment's venv with pip_installs installed (None when there is nothing to install).

    Cached under cache_dir/<requirements hash>; a `.complete` marker means a finished install. Concurrent workers
    of one deployment serialise on an InstallLock, which dies with its holder.
    """
    if not config.pip_installs:
        return None
    os.makedirs(cache_dir, exist_ok=True)
    key = requirements_key(config.pip_installs)
    venv_dir = os.path.join(cache_dir, key)
    marker = os.path.join(venv_dir, ".complete")
    if os.path.exists(marker):
        python = _venv_python(venv_dir)
        log(f"pip: reusing cached venv {venv_dir} for {len(config.pip_installs)} requirement(s)")
        return Venv(venv_dir, python, _site_packages(python))
    with InstallLock(venv_dir + ".install-lock", VENV_LOCK_WAIT_S):
        if os.path.exists(marker):  # another worker finished it while this one waited
            return ensure_venv(config, cache_dir)
        shutil.rmtree(venv_dir, ignore_errors=True)
        log(f"pip: creating venv {venv_dir}")
        # System site-packages stay visible, so what the user's interpreter already has (torch...) is reused.
        code, out = _run_logged([sys.executable, "-m", "venv", "--system-site-packages", venv_dir], PIP_LOG_TAIL_LINES)
        if code != 0:
            raise InstallError(f"creating the venv failed (exit {code}):\n{out}")
        python = _venv_python(venv_dir)
        log(f"pip install {' '.join(config.pip_installs)}")
        cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", *config.pip_installs]
        code, out = _run_logged(cmd, PIP_LOG_TAIL_LINES)
        if code != 0:
            shutil.rmtree(venv_dir, ignore_errors=True)
            raise InstallError(f"pip install {' '.join(config.pip_installs)} failed (exit {code}):\n{out}")
        with open(marker, "w") as f:
            f.write(json.dumps(config.pip_installs))
        return Venv(venv_dir, python, _site_packages(python))


def run_steps(config: DeploymentConfig, cwd: str, venv: Optional[Venv], remap: PathRemap) -> None:
    """Runs each `runs` entry (string → sh -c, list → exec) in order; any failure stops the boot.

    Absolute image.copy() destinations named in a step point at their local place (`remap`, remap.py)."""
    env = dict(os.environ)
    if venv is not None:
        env["VIRTUAL_ENV"] = venv.path
        env["PATH"] = venv.bin_dir() + os.pathsep + env.get("PATH", "")
    for i, step in enumerate(config.runs, 1):
        local = remap.shell(step) if isinstance(step, str) else [remap.path(a) or a for a in step]
        cmd = ["sh", "-c", local] if isinstance(local, str) else list(local)
        shown = step if isinstance(step, str) else " ".join(step)
        log(f"run {i}/{len(config.runs)}: {shown.strip()[:200]}")
        if local != step:
            log(f"run {i}: absolute copy destinations redirected under {cwd}")
        code, out = _run_logged(cmd, RUN_LOG_TAIL_LINES, cwd=cwd, env=env)
        if code != 0:
            raise InstallError(f"run step {i} failed (exit {code}): {shown.strip()[:500]}\n{out}")
