"""Request admission and ordering: one FIFO per function (unless allow_parallel_requests) and the 429 rule.

The estimated wait is Σ workload in progress on the worker / benchmark throughput, as the SDK's worker computes it;
above the function's max_queue_time the request is refused with 429 so the router tries another worker.
"""

import asyncio
import collections
from typing import Any, Awaitable, Callable, Deque, Optional, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    def __init__(self, wait: float, limit: float):
        super().__init__(f"estimated queue wait {wait:.1f} s exceeds max_queue_time {limit:g} s")
        self.wait = wait
        self.limit = limit


class WorkerLoad:
    """Workload accepted and not yet finished, over every function of the worker."""

    def __init__(self) -> None:
        self.in_progress = 0.0

    def estimated_wait(self, perf: float) -> float:
        return self.in_progress / perf if perf > 0 else 0.0


class FunctionQueue:
    """FIFO for one remote function: at most one call runs unless `parallel`; waiters start in arrival order."""

    def __init__(self, load: WorkerLoad, max_queue_time: float, parallel: bool):
        self.load = load
        self.max_queue_time = max_queue_time
        self.parallel = parallel
        self.running = 0
        self.waiters: Deque["asyncio.Future[None]"] = collections.deque()

    def admit(self, perf: float) -> None:
        """Raises QueueFull when the estimated wait exceeds max_queue_time."""
        wait = self.load.estimated_wait(perf)
        if wait > self.max_queue_time:
            raise QueueFull(wait, self.max_queue_time)

    async def run(self, workload: float, job: Callable[[], Awaitable[T]],
                  on_start: Optional[Callable[[], Any]] = None) -> T:
        self.load.in_progress += workload
        try:
            if self.parallel or (self.running == 0 and not self.waiters):
                self.running += 1
            else:
                fut: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
                self.waiters.append(fut)
                try:
                    await fut  # _wake_next counted us in `running` before waking us
                except asyncio.CancelledError:
                    if fut.done() and not fut.cancelled():
                        self.running -= 1  # handed the slot, then cancelled: pass it on
                        self._wake_next()
                    elif fut in self.waiters:
                        self.waiters.remove(fut)
                    raise
            try:
                if on_start is not None:
                    on_start()
                return await job()
            finally:
                self.running -= 1
                self._wake_next()
        finally:
            self.load.in_progress -= workload

    def _wake_next(self) -> None:
        if self.parallel or self.running > 0:
            return
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                self.running += 1
                fut.set_result(None)
                return
