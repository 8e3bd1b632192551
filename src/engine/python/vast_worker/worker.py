"""The worker process: boot sequence, HTTP routes, soft update and shutdown (src/engine/CONTRACT.md)."""

import asyncio
import os
import signal
import time
from typing import Any, Dict, List, Optional, Tuple

from . import codec, debug, http_client, install, loader, parent, signature
from .benchmark import WORKLOAD_PER_REQUEST, BenchmarkError, BenchmarkInputs, run_benchmark
from .http_server import Request, Response, start_server
from .keepalive import KeepAliveClient
from .loader import LoadedDeployment, WorkerFailure, short_traceback
from .log import log
from .phases import phase_limits, time_boxed
from .queue import FunctionQueue, QueueFull, WorkerLoad
from .reporter import StatusReporter, WorkerStats

AUTH_FIELDS = ("cost", "endpoint", "reqnum", "request_idx", "signature", "url")
_AUTH_FIELD_SET = frozenset(AUTH_FIELDS)
_PAYLOAD_KEYS = frozenset(("args", "kwargs"))
PUBKEY_RETRY_DELAYS_S = (1, 2, 4, 8)
CONTEXT_EXIT_TIMEOUT_S = 30.0
# A worker whose engine died gets this long to stop cleanly (contexts exit within CONTEXT_EXIT_TIMEOUT_S); then the
# parent-watch thread ends the process group itself. VAST_WORKER_ORPHAN_GRACE_S (seconds) changes it, for tests.
ORPHAN_STOP_GRACE_S = CONTEXT_EXIT_TIMEOUT_S + 10.0


def orphan_stop_grace_s(environ: Dict[str, str]) -> float:
    raw = environ.get("VAST_WORKER_ORPHAN_GRACE_S", "")
    try:
        value = float(raw)
    except ValueError:
        return ORPHAN_STOP_GRACE_S
    return value if value >= 0 else ORPHAN_STOP_GRACE_S  # NaN fails the comparison too


class WorkerEnv:
    def __init__(self, environ: Dict[str, str]):
        self.deployment_id = environ.get("DEPLOYMENT_ID", "")
        container_id = environ.get("CONTAINER_ID", "0")
        self.worker_id: Any = int(container_id) if container_id.isdigit() else container_id
        self.api_key = environ.get("CONTAINER_API_KEY") or environ.get("VAST_API_KEY", "")
        self.master_token = environ.get("MASTER_TOKEN", "")
        self.api_url = environ.get("VAST_API_URL") or "https://console.vast.ai"
        self.report_addrs = [a for a in environ.get("REPORT_ADDR", "").split(",") if a.strip()]
        self.public_ip = environ.get("PUBLIC_IPADDR") or "127.0.0.1"
        self.port = int(environ.get("WORKER_PORT") or "0")
        # What clients reach the port as: a container's port is mapped, and Vast names the mapping
        # VAST_TCP_PORT_<internal port> (the engine maps each port to itself).
        self.mapped_port = environ.get(f"VAST_TCP_PORT_{self.port}", "") if self.port else ""
        self.use_ssl = environ.get("USE_SSL", "false").lower() == "true"
        self.unsecured = environ.get("UNSECURED", "").lower() == "true"
        self.venv_cache = environ.get("VAST_VENV_CACHE") or os.path.join(
            os.path.expanduser("~"), ".cache", "vast-worker", "venvs")
        # VAST_BOOT_TIMEOUT_<PHASE> (vast_worker/phases.py).
        self.boot_limits, self.boot_limit_warnings = phase_limits(environ)
        # Local debugging (debug.py): the debugpy port, and whether to wait for a client before the contexts.
        self.debug_port = debug.debug_port(environ)
        self.debug_wait = environ.get("VAST_DEBUG_WAIT") == "1"

    def public_url(self, bound_port: int) -> str:
        """`http://$PUBLIC_IPADDR:$VAST_TCP_PORT_<WORKER_PORT>`, as the SDK's worker reports it; the bound port when
        the engine gave no port (WORKER_PORT 0). Always http: this worker serves plain HTTP (USE_SSL is ignored)."""
        return f"http://{self.public_ip}:{self.mapped_port or bound_port}"


class Worker:
    def __init__(self, env: WorkerEnv, cwd: str):
        self.env = env
        self.cwd = cwd
        self.started_at = time.monotonic()
        self.stats = WorkerStats()
        if env.debug_port:
            self.stats.debugger = debug.state
        self.load = WorkerLoad()
        self.phase = "booting"  # booting → ready ⇄ updating; failed / stopping end the process
        self.deployment: Optional[LoadedDeployment] = None
        self.queues: Dict[str, FunctionQueue] = {}
        self.entered: List[Tuple[type, Any]] = []
        self.pubkey: Optional[Tuple[int, int]] = None
        self.reporter: Optional[StatusReporter] = None
        self.server: Optional[asyncio.AbstractServer] = None
        self.url = ""
        self.in_flight = 0
        self.update_pending = False
        # Finished requests not yet reported by /delete_requests/; one POST at a time carries all of them.
        self.finished_requests: List[Dict[str, Any]] = []
        self.deleting = False
        self.engine_http = KeepAliveClient()
        self.tasks: List["asyncio.Task[Any]"] = []
        self.done = asyncio.Event()
        self.exit_code = 0
        # Set when the engine that started this worker is gone: the worker stops, and then stops its process group.
        self.orphaned = False

    # -- lifecycle ----------------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Binds the HTTP server first, so every report (even a boot error) carries the worker's url."""
        if self.env.use_ssl:
            log("USE_SSL=true is ignored: the local worker serves plain HTTP on loopback")
        for warning in self.env.boot_limit_warnings:
            log(f"warning: {warning}")
        try:
            self.server, port = await start_server("127.0.0.1", self.env.port, self.handle)
        except OSError as e:
            # Reported the SDK worker's way, so the engine can tell a port taken since it picked it (and retry on
            # new ports) from other failures.
            self.url = self.env.public_url(self.env.port)
            self.reporter = StatusReporter(self.env.report_addrs, self.env.worker_id, self.env.master_token,
                                           self.url, self.stats, self.env.api_key)
            await self.fail(f"Worker Server failed to launch: {e}")
            return
        self.url = self.env.public_url(port)
        log(f"listening on {self.url}")
        self.reporter = StatusReporter(self.env.report_addrs, self.env.worker_id, self.env.master_token, self.url,
                                       self.stats, self.env.api_key)
        self.reporter.start()
        self.spawn(self.boot())

    def spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.append(task)
        task.add_done_callback(lambda t: self.tasks.remove(t) if t in self.tasks else None)

    async def boot(self) -> None:
        try:
            if self.env.debug_port:
                debug.listen(self.env.debug_port)
            dep = await self._load_code()
            await self._fetch_pubkey()
            await self._activate(dep)
        except WorkerFailure as e:
            await self.fail(str(e))
            return
        except Exception as e:  # a bug of ours: still report it rather than hang in "loading"
            await self.fail(f"worker runtime error: {short_traceback(e)}")
            return
        if self.update_pending:
            self.update_pending = False
            self.spawn(self.soft_update())

    async def _load_code(self) -> LoadedDeployment:
        env = self.env
        log(f"downloading deployment {env.deployment_id} from {env.api_url}")
        limits = env.boot_limits
        remap = await time_boxed("download", limits["download"], asyncio.to_thread(
            loader.download_and_extract, env.api_url, env.deployment_id, env.api_key, self.cwd))
        self.stats.additional_disk_usage = await asyncio.to_thread(loader.disk_usage_gb, self.cwd)
        config, venv = await time_boxed("install", limits["install"], asyncio.to_thread(
            loader.install_steps, self.cwd, env.venv_cache, remap))
        dep = await time_boxed("import", limits["import"], asyncio.to_thread(
            loader.import_deployment, self.cwd, config, venv, remap))
        names = ", ".join(dep.functions)
        log(f"imported deployment {dep.app.name!r}: remote functions {names}; benchmark on {dep.benchmarked.name}")
        return dep

    async def _fetch_pubkey(self) -> None:
        last = "no REPORT_ADDR"
        for attempt, delay in enumerate((*PUBKEY_RETRY_DELAYS_S, None)):
            for addr in self.env.report_addrs:
                url = f"{addr.strip().rstrip('/')}/pubkey/"
                try:
                    status, raw = await http_client.request("GET", url, bearer=self.env.api_key, timeout=10.0)
                    if status != 200:
                        last = f"{url}: HTTP {status}"
                        continue
                    self.pubkey = signature.parse_public_key_pem(raw.decode("utf-8", "replace"))
                    return
                except (OSError, signature.PublicKeyError) as e:
                    last = f"{url}: {e}"
            if delay is None:
                break
            log(f"public key not available yet ({last}); retrying in {delay} s")
            await asyncio.sleep(delay)
        if self.env.unsecured:
            log(f"no public key ({last}); UNSECURED=true, so signatures are not checked")
            return
        raise WorkerFailure(f"cannot get the autoscaler's public key: {last}")

    async def _activate(self, dep: LoadedDeployment) -> None:
        """Enters the contexts, benchmarks, and starts serving `dep`."""
        if self.env.debug_port and self.env.debug_wait:
            await debug.wait_for_client()
        await self._enter_contexts(dep)
        fn = dep.benchmarked

        async def call(kwargs: Dict[str, Any]) -> None:
            result = await fn.func(**kwargs)
            codec.serialize(result, f"return value of {fn.name}()", loader.ROOT_MODULE)  # the wire must carry it

        def on_round(i: int, workload: float, seconds: float) -> None:
            log(f"benchmark round {i}/{fn.benchmark_runs}: {workload:g} workload in {seconds * 1000:.1f} ms")

        log(f"benchmark: warmup + {fn.benchmark_runs} round(s) of {fn.name}"
            f"{' at concurrency 10' if fn.allow_parallel_requests else ''}")
        try:
            with debug.breakpoints_off_on_this_thread(bool(self.env.debug_port)):
                score = await time_boxed("benchmark", self.env.boot_limits["benchmark"], run_benchmark(
                    call, BenchmarkInputs(fn.benchmark_dataset, fn.benchmark_generator), fn.benchmark_runs,
                    fn.allow_parallel_requests, on_round=on_round))
        except BenchmarkError as e:
            cause = e.__cause__
            detail = f"\n{short_traceback(cause)}" if cause is not None else ""
            raise WorkerFailure(f"{e}{detail}") from None
        self.deployment = dep
        self.queues = {name: FunctionQueue(self.load, f.max_queue_time, f.allow_parallel_requests)
                       for name, f in dep.functions.items()}
        self.stats.max_perf = round(score, 6)
        self.stats.loadtime = time.monotonic() - self.started_at
        self.stats.error_msg = ""
        self.phase = "ready"
        log(f"ready: benchmark score {score:.3f} (workload/s), loaded in {self.stats.loadtime:.2f} s")
        assert self.reporter is not None
        await self.reporter.send_now()

    async def _enter_contexts(self, dep: LoadedDeployment) -> None:
        items = list(dep.app.context_instances.items())
        if not items:
            return
        log(f"entering {len(items)} context(s): {', '.join(cls.__name__ for cls, _ in items)}")
        results = await time_boxed("contexts", self.env.boot_limits["contexts"], asyncio.gather(
            *(inst.__aenter__() for _, inst in items), return_exceptions=True))
        failures = []
        for (cls, inst), result in zip(items, results):
            if isinstance(result, BaseException):
                failures.append(f"{cls.__name__}.__aenter__ raised {short_traceback(result)}")
                continue
            if result is None:
                log(f"warning: {cls.__name__}.__aenter__ returned None, so app.get_context({cls.__name__}) "
                    "returns None (add 'return self')")
            dep.app.context_values[cls] = result
            self.entered.append((cls, inst))
        if failures:
            await self._exit_contexts()
            raise WorkerFailure("Lifecycle startup failed: " + "\n".join(failures))

    async def _exit_contexts(self) -> None:
        entered, self.entered = self.entered, []
        if not entered:
            return
        log(f"exiting {len(entered)} context(s)")
        try:
            results = await asyncio.wait_for(
                asyncio.gather(*(inst.__aexit__(None, None, None) for _, inst in entered), return_exceptions=True),
                CONTEXT_EXIT_TIMEOUT_S)
        except asyncio.TimeoutError:
            log(f"contexts did not exit within {CONTEXT_EXIT_TIMEOUT_S:g} s")
            return
        for (cls, _), result in zip(entered, results):
            if isinstance(result, BaseException):
                log(f"{cls.__name__}.__aexit__ raised {type(result).__name__}: {result}")

    async def fail(self, message: str) -> None:
        self.phase = "failed"
        self.stats.error_msg = message
        self.stats.max_perf = 0.0
        log(f"error: {message}")
        if self.reporter is not None:
            await self.reporter.send_now()
        self.exit_code = 1
        self.done.set()

    def request_stop(self, why: str = "signal") -> None:
        if self.phase != "stopping":
            log(f"stopping ({why})")
            self.phase = "stopping"
            self.done.set()

    def engine_gone(self, loop: asyncio.AbstractEventLoop, engine_pid: int) -> None:
        """From the parent-watch thread: the engine died without stopping us. Stop as on SIGTERM; if the event loop
        is blocked (deployment code) and cannot, end the whole process group from here."""
        parent.silence_output()
        self.orphaned = True
        loop.call_soon_threadsafe(self.request_stop, f"the engine, pid {engine_pid}, is gone")
        time.sleep(orphan_stop_grace_s(dict(os.environ)))
        parent.signal_own_group(getattr(signal, "SIGKILL", signal.SIGTERM))
        os._exit(1)

    async def shutdown(self) -> None:
        for proc in list(install.running_processes):
            proc.terminate()
        for task in list(self.tasks):
            task.cancel()
        if self.server is not None:
            self.server.close()
        await self._exit_contexts()
        if self.reporter is not None:
            await self.reporter.stop()
        self.engine_http.close()

    # -- soft update ----------------------------------------------------------------------------------------------
    async def soft_update(self) -> None:
        """Re-download, re-install, re-import, swap contexts, re-benchmark; the process keeps its port."""
        log("soft update: started")
        self.phase = "updating"
        self.stats.max_perf = 0.0  # not ready until the new code is benchmarked
        assert self.reporter is not None
        self.reporter.kick()
        while self.in_flight > 0:
            await asyncio.sleep(0.05)
        try:
            dep = await self._load_code()
            await self._exit_contexts()
            await self._activate(dep)
        except WorkerFailure as e:
            await self.fail(f"soft update failed: {e}")
            return
        except Exception as e:
            await self.fail(f"soft update failed: worker runtime error: {short_traceback(e)}")
            return
        log("soft update: done")
        if self.update_pending:
            self.update_pending = False
            self.spawn(self.soft_update())

    # -- HTTP -----------------------------------------------------------------------------------------------------
    async def handle(self, req: Request) -> Response:
        if req.path.startswith("/remote/"):
            if req.method != "POST":
                return 405, {"error": "use POST"}
            return await self.handle_remote(req, req.path[len("/remote/"):])
        if req.path == "/pyworker/update":
            return self.handle_update(req)
        if req.path.startswith("/session/"):
            return 404, {"error": "sessions are not supported by the local worker"}
        if req.path == "/health":
            # Liveness for anyone; the phase and the error (which can hold a traceback of the user's code) only for
            # the engine, which holds the worker's MASTER_TOKEN.
            if not self.env.master_token or req.headers.get("authorization", "") != f"Bearer {self.env.master_token}":
                return 200, {"alive": True}
            return 200, {"phase": self.phase, "max_perf": self.stats.max_perf, "error_msg": self.stats.error_msg}
        return 404, {"error": f"no route {req.method} {req.path}"}

    def handle_update(self, req: Request) -> Response:
        if req.method != "POST":
            return 405, {"error": "use POST"}
        if req.headers.get("authorization", "") != f"Bearer {self.env.master_token}" or not self.env.master_token:
            return 401, {"error": "bad or missing Bearer MASTER_TOKEN"}
        if self.phase in ("booting", "updating"):
            self.update_pending = True
            return 202, {"status": "queued", "phase": self.phase}
        if self.phase != "ready":
            return 503, {"error": f"worker is {self.phase}"}
        self.spawn(self.soft_update())
        return 200, {"status": "updating"}

    async def handle_remote(self, req: Request, fname: str) -> Response:
        received_at = time.time()
        try:
            body = req.json()
        except ValueError as e:
            return 422, {"error": f"request body is not JSON: {e}"}
        except RecursionError:
            # Python's JSON reader has its own nesting limit (about 1000 levels of [ and {); the codec's own limit
            # (codec.MAX_DEPTH containers) refuses anything deeper than that sooner, with the argument's name.
            return 422, {"error": f"request body is nested too deeply to read (arguments may hold at most "
                                  f"{codec.MAX_DEPTH} containers inside one another)"}
        if not isinstance(body, dict):
            return 422, {"error": "request body must be a JSON object {auth_data, payload}"}
        auth = body.get("auth_data")
        if not isinstance(auth, dict):
            return 422, {"auth_data": {f: "missing parameter" for f in AUTH_FIELDS}}
        if not auth.keys() >= _AUTH_FIELD_SET:  # one C-level check on the common path; the dict only on failure
            return 422, {"auth_data": {f: "missing parameter" for f in AUTH_FIELDS if f not in auth}}
        if not self.env.unsecured:
            # The signature covers only the URL. The real worker checks the signature but not that the URL is its
            # own, so route data signed for one endpoint's worker would open every worker sharing the key (locally:
            # every deployment on the engine). A worker accepts only data signed for itself.
            if auth["url"] != self.url:
                return 401, {"error": "the route data was signed for another worker"}
            if self.pubkey is None:
                return 503, {"error": "worker has no public key yet"}
            if not isinstance(auth["signature"], str) or not isinstance(auth["url"], str) or not signature.verify_url(
                    self.pubkey, auth["url"], auth["signature"]):
                return 401, {"error": "invalid signature"}
        status, answer = await self._call(auth, body, fname, received_at)
        return status, answer

    async def _call(self, auth: Dict[str, Any], body: Dict[str, Any], fname: str, received_at: float) -> Response:
        request_idx = auth.get("request_idx")
        times: Dict[str, Optional[float]] = {"started": None}

        def finish(status: int, answer: Any, success: bool) -> Response:
            self._request_finished(request_idx, success, status, received_at, times["started"], time.time())
            return status, answer

        if self.phase != "ready" or self.deployment is None:
            return finish(503, {"error": f"worker is not ready ({self.phase})"}, False)
        dep = self.deployment
        fn = dep.functions.get(fname)
        if fn is None:
            return finish(404, {"error": f"no @app.remote function {fname!r}; this worker serves "
                                         f"{', '.join(dep.functions)}"}, False)
        payload = body.get("payload", {})
        if not isinstance(payload, dict) or not payload.keys() <= _PAYLOAD_KEYS:
            return finish(422, {"error": "payload must be an object with only 'args' (list) and/or 'kwargs' "
                                         "(object)"}, False)
        wire_args = payload.get("args", [])
        wire_kwargs = payload.get("kwargs", {})
        if not isinstance(wire_args, list) or not isinstance(wire_kwargs, dict):
            return finish(422, {"error": "payload 'args' must be a list and 'kwargs' an object"}, False)
        root_globals = vars(dep.module)
        try:
            args = [codec.deserialize(v, root_globals, loader.ROOT_MODULE, f"argument #{i}")
                    for i, v in enumerate(wire_args)]
            kwargs = {k: codec.deserialize(v, root_globals, loader.ROOT_MODULE, f"argument {k!r}")
                      for k, v in wire_kwargs.items()}
        except codec.CodecError as e:
            return finish(422, {"error": f"{fname}(): {e}"}, False)
        except Exception as e:  # a fault of ours while reading bad input must still refuse it before the call
            return finish(422, {"error": f"{fname}(): the arguments cannot be decoded: {type(e).__name__}: {e}"}, False)
        queue = self.queues[fname]
        try:
            queue.admit(self.stats.max_perf)
        except QueueFull as e:
            self.stats.rej_load += WORKLOAD_PER_REQUEST
            return finish(429, {"error": str(e)}, False)

        self.stats.new_load += WORKLOAD_PER_REQUEST
        self.stats.num_requests_recieved += 1
        self._track(request_idx, +1)

        # From here on the function has run (or is running): whatever goes wrong is answered as the call's error
        # value with a 200, never as a 5xx, because clients retry a 5xx and would run the function again.
        async def job() -> Dict[str, Any]:
            times["started"] = time.time()
            try:
                value = await fn.func(*args, **kwargs)
            except (Exception, SystemExit) as e:
                log(f"{fname}() raised {_describe(e)}")
                return _error_answer(e)
            try:
                return {"ok": codec.serialize(value, f"return value of {fname}()", loader.ROOT_MODULE)}
            except codec.CodecError as e:
                log(f"{fname}() result cannot be sent: {e}")
                return _error_answer(TypeError(str(e)))
            except Exception as e:  # e.g. a property of the result that raises while its __dict__ is read
                log(f"{fname}() result cannot be sent: {_describe(e)}")
                return _error_answer(TypeError(f"return value of {fname}() cannot be sent: {_describe(e)}"))

        def _error_answer(exc: BaseException) -> Dict[str, Any]:
            try:
                return codec.error_answer(exc, loader.ROOT_MODULE)
            except Exception as e:
                return codec.error_answer(RuntimeError(f"{fname}() raised {type(exc).__name__}, which cannot be sent "
                                                       f"({_describe(e)})"), loader.ROOT_MODULE)

        try:
            result = await queue.run(WORKLOAD_PER_REQUEST, job)
        finally:
            self._track(request_idx, -1)
        self.stats.cur_perf += WORKLOAD_PER_REQUEST
        # As the real worker reports it: the call was served, whether the function returned or raised.
        return finish(200, {"result": result}, True)

    def _track(self, request_idx: Any, delta: int) -> None:
        self.in_flight += delta
        self.stats.num_requests_working = self.in_flight
        self.stats.cur_load = self.load.in_progress
        if delta > 0:
            self.stats.working_request_idxs.append(request_idx)
        elif request_idx in self.stats.working_request_idxs:
            self.stats.working_request_idxs.remove(request_idx)

    def _request_finished(self, request_idx: Any, success: bool, status: int, entered: float,
                          started: Optional[float], completed: float) -> None:
        self.finished_requests.append({
            "request_idx": request_idx, "success": success, "status": status, "entered_queue_at": entered,
            "work_started_at": started if started is not None else entered, "work_completed_at": completed})
        # Under load a POST per call (urllib: a new connection and a thread hop each) cost more than the call
        # itself; batching what finished while the previous POST was in flight keeps one POST in flight at most.
        # While one is in flight, appending is all there is to do: no task per call.
        if not self.deleting:
            self.deleting = True
            self.spawn(self._delete_finished_requests())

    async def _delete_finished_requests(self) -> None:
        try:
            while self.finished_requests:
                batch, self.finished_requests = self.finished_requests, []
                await self._send_delete_requests(batch)
        finally:
            self.deleting = False

    async def _send_delete_requests(self, requests: List[Dict[str, Any]]) -> None:
        body = {"worker_id": self.env.worker_id, "mtoken": self.env.master_token, "requests": requests}
        for addr in self.env.report_addrs:
            try:
                code, _ = await self.engine_http.post_json(f"{addr.strip().rstrip('/')}/delete_requests/", body,
                                                           bearer=self.env.api_key, timeout=10.0)
                if 200 <= code < 300:
                    return
            except OSError:
                continue
        log(f"delete_requests for request(s) {', '.join(str(r['request_idx']) for r in requests)} did not go through")


def _describe(exc: BaseException) -> str:
    """`Class: message` for logs and messages; str() of a user's exception may itself raise (a huge int arg)."""
    try:
        return f"{type(exc).__name__}: {exc}"
    except Exception:
        return type(exc).__name__
