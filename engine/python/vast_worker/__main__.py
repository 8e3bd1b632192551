"""`python -m vast_worker`: the local engine's Python worker (engine/CONTRACT.md)."""

import asyncio
import os
import signal
import sys

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
    await worker.start()
    await worker.done.wait()
    await worker.shutdown()
    return worker.exit_code


def main() -> None:
    log(f"vast_worker starting (Python {sys.version.split()[0]}, pid {os.getpid()})")
    code = asyncio.run(_amain())
    log(f"exit {code}")
    sys.stdout.flush()
    sys.stderr.flush()
    # Threads still blocked in a download or pip run must not keep the process alive after shutdown.
    os._exit(code)


if __name__ == "__main__":
    main()
