"""Faults end in a clear state: boot phases that run over their time limit are reported, and a worker whose engine
died stops itself and what it started."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest
from typing import Dict, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import PYTHON_DIR, WAIT_S, FakeEngine, KeyPair, Sandbox, deployment_tarball  # noqa: E402
from test_boot import BootCase  # noqa: E402

from vast_worker.phases import PHASE_DEFAULTS_S, phase_limits  # noqa: E402

FAST_FUNCTION = textwrap.dedent('''
    from vastai import Deployment
    app = Deployment(name="limits")

    @app.remote(benchmark_dataset=[{"x": 1}])
    async def f(x):
        return x
''')


def process_gone(pid: int) -> bool:
    """Exited (a zombie nobody reaped counts: it runs nothing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def wait_gone(pid: int, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not process_gone(pid):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (pid {pid}) still runs after {WAIT_S:g} s")
        time.sleep(0.2)


def read_pid(path: str) -> int:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return int(text)
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{path} was never written")


class PhaseLimitParsing(unittest.TestCase):
    def test_defaults_overrides_zero_and_bad_values(self) -> None:
        limits, warnings = phase_limits({})
        self.assertEqual(limits, PHASE_DEFAULTS_S)
        self.assertEqual(warnings, [])
        self.assertEqual(PHASE_DEFAULTS_S["benchmark"], 600)
        self.assertEqual(PHASE_DEFAULTS_S["install"], 1800)
        limits, warnings = phase_limits({"VAST_BOOT_TIMEOUT_BENCHMARK": "2.5", "VAST_BOOT_TIMEOUT_INSTALL": "0",
                                         "VAST_BOOT_TIMEOUT_CONTEXTS": "soon", "VAST_BOOT_TIMEOUT_IMPORT": "-1"})
        self.assertEqual(limits["benchmark"], 2.5)
        self.assertIsNone(limits["install"], "0 turns the limit off")
        self.assertEqual(limits["contexts"], PHASE_DEFAULTS_S["contexts"])
        self.assertEqual(limits["import"], PHASE_DEFAULTS_S["import"])
        self.assertEqual(len(warnings), 2, warnings)
        self.assertTrue(any("VAST_BOOT_TIMEOUT_CONTEXTS='soon'" in w for w in warnings), warnings)


class PhasesRunningOver(BootCase):
    def test_a_benchmark_that_never_finishes(self) -> None:
        source = FAST_FUNCTION.replace("return x", "import asyncio\n    await asyncio.sleep(3600)")
        msg = self.expect_failure(deployment_tarball(source, "limits"), "benchmark did not finish within 1 s",
                                  {"VAST_BOOT_TIMEOUT_BENCHMARK": "1"})
        self.assertIn("VAST_BOOT_TIMEOUT_BENCHMARK", msg)

    def test_contexts_that_never_enter(self) -> None:
        source = FAST_FUNCTION + textwrap.dedent('''
            import asyncio

            @app.context()
            class Model:
                async def __aenter__(self):
                    await asyncio.sleep(3600)
                async def __aexit__(self, *exc):
                    pass
        ''')
        self.expect_failure(deployment_tarball(source, "limits"), "contexts did not finish within 1 s",
                            {"VAST_BOOT_TIMEOUT_CONTEXTS": "1"})

    def test_an_import_that_never_returns_still_lets_the_worker_exit(self) -> None:
        source = "import time\ntime.sleep(3600)\n" + FAST_FUNCTION
        self.expect_failure(deployment_tarball(source, "limits"), "import did not finish within 1 s",
                            {"VAST_BOOT_TIMEOUT_IMPORT": "1"})

    def test_a_run_step_that_never_ends_is_stopped(self) -> None:
        tarball = deployment_tarball(FAST_FUNCTION, "limits",
                                     runs=[["sh", "-c", "echo $$ > step.pid; exec sleep 3600"]])
        self.expect_failure(tarball, "install did not finish within 2 s", {"VAST_BOOT_TIMEOUT_INSTALL": "2"})
        wait_gone(read_pid(os.path.join(self.sandbox.workdir, "step.pid")), "the run step")


# Starts the worker the way the engine does (a new session, so it leads its process group), prints its pid, then
# waits to be killed.
ENGINE_STAND_IN = textwrap.dedent('''
    import subprocess, sys, time
    worker = subprocess.Popen([sys.executable, "-u", "-m", "vast_worker"], start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(worker.pid, flush=True)
    for line in worker.stdout:
        sys.stderr.buffer.write(line)
''')


BLOCKED_CONTEXT = FAST_FUNCTION + textwrap.dedent('''
    import time

    @app.context()
    class Model:
        async def __aenter__(self):
            open("entered", "w").close()
            time.sleep(3600)  # blocks the event loop: the worker cannot stop itself
        async def __aexit__(self, *exc):
            pass
''')


@unittest.skipUnless(sys.platform.startswith("linux"), "reads /proc")
class EngineGone(unittest.TestCase):
    def start(self, source: str, extra_env: Dict[str, str]) -> Tuple[subprocess.Popen, int, "FakeEngine", Sandbox]:
        """The worker under an engine stand-in; returns the stand-in, the worker pid, the fake engine and the sandbox."""
        sandbox = Sandbox()
        self.addCleanup(sandbox.close)
        engine = FakeEngine(KeyPair(sandbox.root), deployment_tarball(source, "orphan", runs=[
            ["sh", "-c", "sleep 3600 >/dev/null 2>&1 & echo $! > background.pid"]]))
        self.addCleanup(engine.close)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VAST_", "PIP_"))}
        env.update({
            "PYTHONPATH": PYTHON_DIR, "IS_DEPLOYMENT": "true", "DEPLOYMENT_ID": engine.deployment_id,
            "CONTAINER_ID": "3", "CONTAINER_API_KEY": engine.api_key, "MASTER_TOKEN": "mtoken-3",
            "VAST_API_URL": engine.base, "REPORT_ADDR": engine.base, "WORKER_PORT": "0",
            "VAST_VENV_CACHE": os.path.join(sandbox.root, "venvs"),
        })
        env.update(extra_env)
        log = open(os.path.join(sandbox.root, "stand-in.log"), "wb")
        self.addCleanup(log.close)
        stand_in = subprocess.Popen([sys.executable, "-c", ENGINE_STAND_IN], cwd=sandbox.workdir, env=env,
                                    stdout=subprocess.PIPE, stderr=log)
        assert stand_in.stdout is not None
        worker_pid = int(stand_in.stdout.readline())
        self.addCleanup(lambda: process_gone(worker_pid) or os.killpg(worker_pid, signal.SIGKILL))
        return stand_in, worker_pid, engine, sandbox

    def test_the_worker_and_its_children_exit_when_the_engine_is_killed(self) -> None:
        stand_in, worker_pid, engine, sandbox = self.start(FAST_FUNCTION, {})
        engine.wait_ready()
        background = read_pid(os.path.join(sandbox.workdir, "background.pid"))
        self.assertFalse(process_gone(background))

        stand_in.kill()  # SIGKILL: the engine gets no chance to stop anything
        stand_in.wait()
        wait_gone(worker_pid, "the worker")
        wait_gone(background, "a process the worker's run step left in the background")

    def test_a_worker_whose_event_loop_is_blocked_ends_its_group_after_the_grace(self) -> None:
        # The parent watch sees the engine gone, but the stop it asks of the blocked event loop never runs: after
        # the grace (40 s; 1 s here) the watch thread kills the group and exits.
        stand_in, worker_pid, _engine, sandbox = self.start(BLOCKED_CONTEXT, {"VAST_WORKER_ORPHAN_GRACE_S": "1"})
        entered = os.path.join(sandbox.workdir, "entered")
        deadline = time.monotonic() + WAIT_S
        while not os.path.exists(entered):
            self.assertLess(time.monotonic(), deadline, "the context was never entered")
            time.sleep(0.1)
        background = read_pid(os.path.join(sandbox.workdir, "background.pid"))
        stand_in.kill()
        stand_in.wait()
        wait_gone(worker_pid, "the worker blocked in __aenter__")
        wait_gone(background, "a process the worker's run step left in the background")


class OrphanGraceSetting(unittest.TestCase):
    def test_the_grace_is_40_s_unless_a_number_of_seconds_is_set(self) -> None:
        from vast_worker.worker import orphan_stop_grace_s
        self.assertEqual(orphan_stop_grace_s({}), 40.0)
        self.assertEqual(orphan_stop_grace_s({"VAST_WORKER_ORPHAN_GRACE_S": "1.5"}), 1.5)
        for bad in ("x", "-1", "nan"):
            self.assertEqual(orphan_stop_grace_s({"VAST_WORKER_ORPHAN_GRACE_S": bad}), 40.0, bad)


if __name__ == "__main__":
    unittest.main()
