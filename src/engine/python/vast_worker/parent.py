"""Exit when the engine that started this worker is gone, however it died (kill -9 included).

A thread polls the parent pid every second: when the engine dies the worker is re-parented (to init or a
subreaper), so `os.getppid()` changes. Polling from a thread rather than the event loop still works while
deployment code blocks the loop. The standard library has no portable parent-death signal (prctl is Linux only), and
the pipes the engine reads are not watched because the worker writes to them but never reads them.
"""

import os
import signal
import threading
import time
from typing import Callable

POLL_S = 1.0


def watch_parent(on_gone: Callable[[int], None], poll_s: float = POLL_S) -> bool:
    """Calls `on_gone(old_parent_pid)` once, from a daemon thread, when the parent process is gone. False when there
    is no parent to watch (already re-parented to init)."""
    parent = os.getppid()
    if parent <= 1:
        return False

    def run() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        on_gone(parent)

    threading.Thread(target=run, name="parent-watch", daemon=True).start()
    return True


def silence_output() -> None:
    """The engine read our stdout and stderr: with it gone, writing there fails (broken pipe). Point both at the null
    device, for us and for every child started from now on."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    os.close(devnull)


def leads_process_group() -> bool:
    """True when this process leads its own process group (the engine starts each worker in a new session), so
    signalling the group reaches what the worker started (pip, run steps, the deployment's subprocesses) and nobody
    else."""
    getpgid = getattr(os, "getpgid", None)
    return getpgid is not None and getpgid(0) == os.getpid()


def signal_own_group(sig: int) -> None:
    """Signals the rest of our process group; this process ignores `sig` meanwhile unless it is SIGKILL."""
    if not leads_process_group():
        return
    if sig != getattr(signal, "SIGKILL", None):
        signal.signal(sig, signal.SIG_IGN)
    try:
        os.killpg(os.getpid(), sig)
    except OSError:
        pass
