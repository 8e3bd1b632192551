"""Debugging on the local engine: when the engine sets VAST_DEBUG_PORT, the worker listens for a debugger (debugpy,
the Debug Adapter Protocol) on that loopback port, and with VAST_DEBUG_WAIT=1 waits for one to attach before it
enters the deployment's contexts. debugpy is not part of this runtime (it is standard-library only): it must come
from the worker's own Python, and is imported only when debugging was asked for."""

import asyncio
import contextlib
import sys
from typing import Dict, Iterator, Optional

from .loader import WorkerFailure
from .log import log


# What the status reports say of the debugger (the engine shows it on the worker's record): nothing before debugpy
# listens, then "listening", "waiting" (VAST_DEBUG_WAIT: the contexts wait for a client) or "attached".
_listening = False
_waiting = False


def debug_port(environ: Dict[str, str]) -> int:
    """The port to listen on; 0 when the deployment is not being debugged."""
    raw = environ.get("VAST_DEBUG_PORT", "")
    return int(raw) if raw.isdigit() else 0


def listen(port: int) -> None:
    try:
        import debugpy  # type: ignore[import-not-found]
    except ImportError as e:
        raise WorkerFailure(
            f"cannot debug: this worker's Python ({sys.executable}) cannot import debugpy ({e}); install it with "
            f"\"{sys.executable} -m pip install debugpy\" (on Debian: apt install python3-debugpy)") from None
    global _listening
    debugpy.listen(("127.0.0.1", port))
    _listening = True
    log(f"debugpy {debugpy.__version__} listening on 127.0.0.1:{port}")


async def wait_for_client() -> None:
    import debugpy  # type: ignore[import-not-found]

    global _waiting
    log("waiting for a debugger to attach before entering contexts")
    _waiting = True
    try:
        # In a thread: the event loop keeps reporting status (and serving /health) while nobody is attached.
        await asyncio.get_running_loop().run_in_executor(None, debugpy.wait_for_client)
    finally:
        _waiting = False
    log("debugger attached")


def state() -> Optional[str]:
    """The debugger's state for the status report; None while debugpy does not listen (yet)."""
    if not _listening:
        return None
    import debugpy  # type: ignore[import-not-found]

    if debugpy.is_client_connected():
        return "attached"
    return "waiting" if _waiting else "listening"


@contextlib.contextmanager
def breakpoints_off_on_this_thread(debugging: bool) -> Iterator[None]:
    """The start-up benchmark calls the user's function, and a breakpoint set there (a debugger may already be
    attached, e.g. with VAST_DEBUG_WAIT) must not stop it: the user debugs calls, and a benchmark paused at a breakpoint
    keeps the worker from ever becoming ready. The benchmark runs on the event loop's thread, which serves no call
    until the worker is ready, so turning debugpy's tracing off for this one thread while it runs leaves every call
    after it traced. Code the benchmark hands to other threads (asyncio.to_thread) is still traced there."""
    if not debugging:
        yield
        return
    import debugpy  # type: ignore[import-not-found]

    debugpy.trace_this_thread(False)
    try:
        yield
    finally:
        debugpy.trace_this_thread(True)
