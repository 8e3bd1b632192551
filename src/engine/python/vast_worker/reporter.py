"""`POST {REPORT_ADDR}/worker_status/`: every 1 s while something changed, else every 10 s, at once when kicked."""

import asyncio
import time
from typing import Any, Callable, Dict, List, Optional

from . import http_client
from .log import log

VERSION = "1.1.0"
FAST_INTERVAL_S = 1.0
SLOW_INTERVAL_S = 10.0


class WorkerStats:
    """What the report says; counters marked 'since the last report' reset after each successful send."""

    def __init__(self) -> None:
        self.loadtime = 0.0
        self.error_msg = ""
        self.max_perf = 0.0
        self.cur_load = 0.0  # workload accepted and not finished
        self.num_requests_working = 0
        self.working_request_idxs: List[int] = []
        # Local debugging only (debug.state): the debugger's state, sent as "debugger", a key the SDK's report lacks.
        self.debugger: Optional[Callable[[], Optional[str]]] = None
        self.additional_disk_usage = 0.0
        # since the last report
        self.new_load = 0.0
        self.rej_load = 0.0
        self.cur_perf = 0.0
        self.num_requests_recieved = 0

    def reset_window(self) -> None:
        self.new_load = 0.0
        self.rej_load = 0.0
        self.cur_perf = 0.0
        self.num_requests_recieved = 0


class StatusReporter:
    def __init__(self, report_addrs: List[str], worker_id: Any, mtoken: str, url: str, stats: WorkerStats,
                 api_key: str = ""):
        self.report_addrs = [a.strip().rstrip("/") for a in report_addrs if a.strip()]
        self.worker_id = worker_id
        self.mtoken = mtoken
        self.url = url
        self.stats = stats
        self.api_key = api_key  # CONTAINER_API_KEY, sent as Bearer
        self._kick = asyncio.Event()
        self._lock = asyncio.Lock()
        self._last_sent: Optional[Dict[str, Any]] = None
        self._last_time = 0.0
        self._failing = False
        self._task: Optional["asyncio.Task[None]"] = None

    def body(self) -> Dict[str, Any]:
        s = self.stats
        body: Dict[str, Any] = {
            "id": self.worker_id,
            "mtoken": self.mtoken,
            "version": VERSION,
            "loadtime": round(s.loadtime, 3),
            "cur_load": s.cur_load,
            "rej_load": s.rej_load,
            "new_load": s.new_load,
            "error_msg": s.error_msg,
            "max_perf": s.max_perf,
            "cur_perf": s.cur_perf,
            "cur_capacity": 0,
            "max_capacity": 0,
            "num_requests_working": s.num_requests_working,
            "num_requests_recieved": s.num_requests_recieved,
            "additional_disk_usage": s.additional_disk_usage,
            "working_request_idxs": list(s.working_request_idxs),
            "url": self.url,
        }
        debugger = s.debugger() if s.debugger is not None else None
        if debugger:
            body["debugger"] = debugger
        return body

    def kick(self) -> None:
        """Report as soon as possible (readiness, errors)."""
        self._kick.set()

    async def send_now(self) -> bool:
        async with self._lock:
            body = self.body()
            for addr in self.report_addrs:
                try:
                    status, raw = await http_client.request("POST", f"{addr}/worker_status/", body,
                                                             bearer=self.api_key, timeout=10.0)
                except OSError as e:
                    last = f"{addr}: {e}"
                    continue
                if 200 <= status < 300:
                    if self._failing:
                        log("worker_status reports go through again")
                    self._failing = False
                    self._last_sent = body
                    self._last_time = time.monotonic()
                    self.stats.reset_window()
                    return True
                last = f"{addr}: HTTP {status} {raw[:200].decode('utf-8', 'replace')}"
            if not self._failing:
                log(f"worker_status report failed ({last if self.report_addrs else 'no REPORT_ADDR'})")
            self._failing = True
            return False

    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._kick.wait(), timeout=FAST_INTERVAL_S)
            except asyncio.TimeoutError:
                pass
            kicked = self._kick.is_set()
            self._kick.clear()
            changed = self._last_sent is None or self.body() != self._last_sent
            if kicked or changed or time.monotonic() - self._last_time >= SLOW_INTERVAL_S:
                await self.send_now()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
