"""`python -m vast_worker`: the local engine's Python worker (src/engine/CONTRACT.md)."""

import asyncio
import os
import signal
import sys

from . import parent
from .log import log
from .worker import Worker, WorkerEnv


async def _amain() -> int:
    worker = Worker(WorkerEnv(dict(os.environ)), os.getcwd())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, worker.request_stop)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(worker.request_stop))
    parent.watch_parent(lambda pid: worker.engine_gone(loop, pid))
    await worker.start()
    await worker.done.wait()
    await worker.shutdown()
    if worker.orphaned:
        # Nobody is left to stop what the worker started (pip, run steps, the deployment's own subprocesses).
        parent.signal_own_group(signal.SIGTERM)
    return worker.exit_code


def main() -> None:
    log(f"vast_worker starting (Python {sys.version.split()[0]}, pid {os.getpid()})")
    # Not asyncio.run: its clean-up waits for every thread of the default executor, and a download, pip run or
    # import that ran past its time limit may never return.
    loop = asyncio.new_event_loop()
    code = loop.run_until_complete(_amain())
    try:
        log(f"exit {code}")
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the engine, which read our output, is gone
        pass
    # Threads still blocked in a download or pip run must not keep the process alive after shutdown.
    os._exit(code)


if __name__ == "__main__":
    main()
