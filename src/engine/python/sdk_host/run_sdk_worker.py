"""Runs the SDK's own serve-mode worker (worker runtime "sdk") with what the bundled runtime has and the SDK lacks:
time limits on the boot phases, and a watch on the engine that ends the worker when the engine is gone.

The engine runs `python -u run_sdk_worker.py` in the worker folder instead of `python -u -m
vastai.serverless.remote.serve_deployment`; this script then runs that module as `-m` would (as `__main__`, the
working directory first on sys.path), unchanged. It sits in a folder of its own so that the runtime folder beside it,
whose `vastai` stand-in would hide the real package, is not on sys.path.

The SDK's boot has no hooks, so the phases are told apart by what the SDK does, seen through Python's audit events
(sys.addaudithook), which observe without changing anything:
- download: from the start until it reads config.json (after extracting the tarball);
- install (envs, pip, runs): until `import deployment` starts;
- import: until its server binds WORKER_PORT;
- contexts (`__aenter__`): until the benchmark looks for its cached score (.has_benchmark);
- benchmark: until it writes that score (or at once when the score is cached).
A phase that runs over its limit (src/engine/CONTRACT.md, "Time limits on the boot phases") ends the worker with exit
code 1 and a last stderr line naming the phase and its limit, which the engine shows as the worker's error.
Standard library only.
"""

import os
import runpy
import signal
import sys
import threading
import time

SDK_WORKER_MODULE = "vastai.serverless.remote.serve_deployment"
RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK_EVERY_S = 0.5
BENCHMARK_SCORE_FILE = ".has_benchmark"


def _runtime_modules():
    """The bundled runtime's phase limits and parent watch, imported with its folder on sys.path only meanwhile."""
    sys.path.append(RUNTIME_DIR)
    try:
        from vast_worker import parent, phases
        from vast_worker.worker import orphan_stop_grace_s
    finally:
        sys.path.remove(RUNTIME_DIR)
    return parent, phases, orphan_stop_grace_s


parent, phases, orphan_stop_grace_s = _runtime_modules()


class BootPhases:
    """Which boot phase the SDK is in, moved on by audit events; a watchdog thread enforces the limits."""

    ORDER = ("download", "install", "import", "contexts", "benchmark")

    def __init__(self, limits, worker_port: int):
        self.limits = limits
        self.worker_port = worker_port
        self.phase = "download"
        self.since = time.monotonic()
        self.lock = threading.Lock()

    def reach(self, phase) -> None:
        """Moves on to `phase` (None: booted); never back."""
        with self.lock:
            if self.phase is None:
                return
            if phase is not None and self.ORDER.index(phase) <= self.ORDER.index(self.phase):
                return
            self.phase = phase
            self.since = time.monotonic()

    def on_event(self, event: str, args) -> None:
        if self.phase is None:
            return  # booted: the hook stays installed (Python cannot remove one) but does nothing
        if event == "open":
            name, mode = os.path.basename(str(args[0])), args[1]
            reading = isinstance(mode, str) and mode.startswith("r")
            if name == "config.json" and reading:
                self.reach("install")
            elif name == BENCHMARK_SCORE_FILE and reading:
                # A cached score means no benchmark runs: the boot is over.
                self.reach(None if os.path.exists(BENCHMARK_SCORE_FILE) else "benchmark")
            elif name == BENCHMARK_SCORE_FILE and isinstance(mode, str) and "w" in mode:
                self.reach(None)
        elif event == "import" and args[0] == "deployment":
            self.reach("import")
        elif event == "socket.bind":
            address = args[1]
            if isinstance(address, tuple) and len(address) >= 2 and address[1] == self.worker_port:
                self.reach("contexts")

    def overrun(self):
        """(phase, limit) when the current phase has run past its limit."""
        with self.lock:
            if self.phase is None:
                return None
            limit = self.limits.get(self.phase)
            if limit is not None and time.monotonic() - self.since > limit:
                return self.phase, limit
        return None


def _signal_rest_of_group(sig: int) -> None:
    """Signals every other process of our group, found through /proc (Linux; elsewhere nothing is signalled here
    and the engine stops them by their worker tag). Not os.killpg: from a thread this process cannot ignore the
    signal meanwhile (only the main thread may set handlers), and it must live on to exit with its own code."""
    if not parent.leads_process_group():
        return
    me = os.getpid()
    try:
        names = os.listdir("/proc")
    except OSError:
        return
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == me:  # its process group is ours
                os.kill(int(name), sig)
        except (OSError, IndexError, ValueError):
            pass


def _end_group_and_exit(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except OSError:
        pass
    # Set-up steps (pip, runs) and the deployment's own subprocesses are in our group: the engine starts each worker
    # in a session of its own. Our message must stay the last line: the SDK's main thread, seeing its set-up step
    # killed, would print a traceback after it.
    parent.silence_output()
    _signal_rest_of_group(signal.SIGTERM)
    os._exit(1)


def watch_phases(boot: BootPhases) -> None:
    def run() -> None:
        while boot.phase is not None:
            over = boot.overrun()
            if over is not None:
                phase, limit = over
                _end_group_and_exit(
                    f"{phase} did not finish within {limit:g} s ({phases.PHASE_NAMES[phase]}); if it needs longer, "
                    f"set {phases.env_name(phase)} to more seconds (a -e flag of the deployment, or in the engine's "
                    "environment), 0 for no limit")
            time.sleep(CHECK_EVERY_S)

    threading.Thread(target=run, name="boot-limits", daemon=True).start()


def engine_gone(engine_pid: int) -> None:
    """The engine died without stopping us: stop as on SIGTERM (the SDK's server exits its contexts), and end the
    group after the grace if that did not end the process."""
    parent.silence_output()
    # What the engine does to stop an SDK worker: SIGTERM to the group, this process included.
    try:
        if parent.leads_process_group():
            os.killpg(os.getpid(), signal.SIGTERM)
        else:
            os.kill(os.getpid(), signal.SIGTERM)
    except OSError:
        pass
    time.sleep(orphan_stop_grace_s(dict(os.environ)))
    parent.signal_own_group(getattr(signal, "SIGKILL", signal.SIGTERM))
    os._exit(1)


def main() -> None:
    limits, warnings = phases.phase_limits(os.environ)
    for warning in warnings:
        print(f"[vast-worker] {warning}", flush=True)
    try:
        worker_port = int(os.environ.get("WORKER_PORT") or "0")
    except ValueError:
        worker_port = 0
    boot = BootPhases(limits, worker_port)
    sys.addaudithook(boot.on_event)
    watch_phases(boot)
    parent.watch_parent(engine_gone)
    # As `python -m`: the working directory (the worker folder) first on sys.path, not this script's folder.
    sys.path[0] = os.getcwd()
    runpy.run_module(SDK_WORKER_MODULE, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
