"""Full boots of `python -m vast_worker` against a fake engine: the CONTRACT's lifecycle end to end."""

import io
import json
import os
import socket
import sys
import textwrap
import unittest
import unittest.mock
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import (REPO_ROOT, WAIT_S, FakeEngine, KeyPair, Sandbox, WorkerProcess,  # noqa: E402
                     config_json, deployment_tarball, make_tarball, post_json)

CONTEXT_DEPLOYMENT = textwrap.dedent('''
    import os
    from vastai import Deployment
    from vastai.data.query import gpu_name, RTX_4090

    app = Deployment(name="ctx-demo")
    VERSION = "v1"


    @app.context()
    class Counter:
        def __init__(self):
            self.calls = 0

        async def __aenter__(self):
            self.greeting = os.environ["GREETING"]
            # Shipped by image.copy("data.txt", "/app/data.txt"): the local worker redirects the absolute path.
            with open("/app/data.txt") as f:
                self.data = f.read()
            return self

        async def __aexit__(self, *exc):
            with open("exited.txt", "a") as f:
                f.write(f"Counter {VERSION}\\n")


    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y


    @app.remote(benchmark_dataset=[{"name": "a"}, {"name": "b"}], benchmark_runs=4)
    async def greet(name):
        ctx = app.get_context(Counter)
        ctx.calls += 1
        return f"{ctx.greeting} {name} {ctx.data} {VERSION} #{ctx.calls}"


    @app.remote
    async def explode(message):
        raise ValueError(message, 42)


    @app.remote
    async def flag():
        return True


    @app.remote
    async def swap(p):
        return Point(p.y, p.x)


    image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
    image.env(GREETING="hello").copy("data.txt", "/app/data.txt").require(gpu_name.in_([RTX_4090]))
    app.configure_autoscaling(min_load=1)
    app.ensure_ready()
''')


def context_tarball(version: str = "v1") -> bytes:
    source = CONTEXT_DEPLOYMENT.replace('VERSION = "v1"', f'VERSION = "{version}"')
    return make_tarball({
        "./config.json": config_json("ctx-demo", envs=[["GREETING", "hello"]], runs=["test -f /app/data.txt && echo ran > ran.txt"]).encode(),
        "./deployment.py": source.encode(),
        "/app/data.txt": b"DATA",
    })


class BootCase(unittest.TestCase):
    """One sandbox + fake engine + worker per test."""

    def start(self, tarball: bytes, extra_env=None) -> WorkerProcess:
        self.sandbox = Sandbox()
        self.addCleanup(self.sandbox.close)
        self.keys = KeyPair(self.sandbox.root)
        self.engine = FakeEngine(self.keys, tarball)
        self.addCleanup(self.engine.close)
        self.worker = WorkerProcess(self.engine, self.sandbox.workdir, extra_env)
        self.addCleanup(self.worker.kill)
        return self.worker

    def call(self, url: str, fname: str, kwargs, request_idx: int = 1):
        return post_json(f"{url}/remote/{fname}", {"auth_data": self.keys.auth_data(url, request_idx),
                                                   "session_id": None, "payload": {"kwargs": kwargs}})

    def expect_failure(self, tarball: bytes, needle: str, extra_env=None) -> str:
        worker = self.start(tarball, extra_env)
        message = self.engine.wait_error()
        self.assertIn(needle, message, worker.output())
        self.assertEqual(worker.proc.wait(WAIT_S), 1)
        return message


class SquareExample(BootCase):
    def test_square_example_boots_serves_and_stops(self) -> None:
        with open(os.path.join(REPO_ROOT, "examples", "square", "deploy.py")) as f:
            source = f.read()
        worker = self.start(deployment_tarball(source, "square"))
        report = self.engine.wait_ready()
        self.assertEqual(set(report), {
            "id", "mtoken", "version", "loadtime", "cur_load", "rej_load", "new_load", "error_msg", "max_perf",
            "cur_perf", "cur_capacity", "max_capacity", "num_requests_working", "num_requests_recieved",
            "additional_disk_usage", "working_request_idxs", "url"})
        self.assertEqual((report["id"], report["mtoken"], report["error_msg"]), (3, "mtoken-3", ""))
        self.assertGreater(report["loadtime"], 0)
        url = report["url"]
        self.assertRegex(url, r"^http://127\.0\.0\.1:\d+$")
        self.assertEqual(self.call(url, "square", {"x": 5}, request_idx=11), (200, {"result": {"ok": 25}}))
        deleted = self.engine.wait_for(lambda e: e.deletes, "a delete_requests call")[0]
        self.assertEqual((deleted["worker_id"], deleted["mtoken"]), (3, "mtoken-3"))
        entry = deleted["requests"][0]
        self.assertEqual((entry["request_idx"], entry["success"], entry["status"]), (11, True, 200))
        self.assertLessEqual(entry["entered_queue_at"], entry["work_started_at"])
        self.assertLessEqual(entry["work_started_at"], entry["work_completed_at"])
        # the report after the call counts it
        self.engine.wait_for(lambda e: any(r["num_requests_recieved"] == 1 and r["cur_perf"] == 100
                                           for r in e.reports), "a report counting the call")
        self.assertEqual(self.engine.unauthorized, [])
        self.assertIn("[vast-worker] ready: benchmark score", worker.output())
        self.assertEqual(worker.terminate(), 0)


def square_tarball() -> bytes:
    with open(os.path.join(REPO_ROOT, "examples", "square", "deploy.py")) as f:
        return deployment_tarball(f.read(), "square")


class PortsFromTheEngine(BootCase):
    """The engine hands out WORKER_PORT (and its VAST_TCP_PORT_ mapping) as Vast's machine does."""

    def test_binds_worker_port_and_reports_the_mapped_url_like_the_sdk(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.start(square_tarball(), {"WORKER_PORT": str(port), f"VAST_TCP_PORT_{port}": "54321"})
        report = self.engine.wait_ready()
        self.assertEqual(report["url"], "http://127.0.0.1:54321")
        # The route data names the public (mapped) URL, which is what the autoscaler signs; the call itself reaches
        # the worker on the port it bound.
        status, body = post_json(f"http://127.0.0.1:{port}/remote/square", {
            "auth_data": self.keys.auth_data(report["url"]), "session_id": None, "payload": {"kwargs": {"x": 3}}})
        self.assertEqual((status, body), (200, {"result": {"ok": 9}}))

    def test_a_taken_port_is_reported_as_the_sdk_worker_does(self) -> None:
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            message = self.expect_failure(square_tarball(), "Worker Server failed to launch",
                                          {"WORKER_PORT": str(port), f"VAST_TCP_PORT_{port}": str(port)})
        self.assertIn("address already in use", message.lower())
        self.assertEqual(self.engine.reports[-1]["url"], f"http://127.0.0.1:{port}")


class ContextDeployment(BootCase):
    def setUp(self) -> None:
        self.start(context_tarball())
        self.url = self.engine.wait_ready()["url"]

    def test_context_envs_copies_and_runs(self) -> None:
        status, body = self.call(self.url, "greet", {"name": "bob"})
        self.assertEqual(status, 200)
        # warmup + 4 benchmark rounds came first; the context's counter proves one shared instance
        self.assertEqual(body, {"result": {"ok": "hello bob DATA v1 #6"}})
        self.assertTrue(os.path.exists(os.path.join(self.sandbox.workdir, "ran.txt")))

    def test_remote_exception_comes_back_with_message_and_traceback(self) -> None:
        status, body = self.call(self.url, "explode", {"message": "boom"})
        self.assertEqual(status, 200)
        err = body["result"]["err"]
        self.assertEqual((err["type"], err["class"]), ("obj", "ValueError"))
        self.assertEqual(err["module"], {"type": "absolute", "path": ["builtins"]})
        self.assertEqual(err["contents"], {"args": {"type": "tuple", "contents": ["boom", 42]}})
        # beside "err", where the SDK's client never looks (inside the exception it would fail to set it)
        self.assertIn("raise ValueError(message, 42)", body["result"]["traceback"])
        deleted = self.engine.wait_for(lambda e: e.deletes, "a delete_requests call")[0]
        # served: the real worker counts a call whose function raised as a success too
        self.assertTrue(deleted["requests"][0]["success"])

    def test_health_details_only_with_the_master_token(self) -> None:
        def health(headers):
            req = urllib.request.Request(f"{self.url}/health", headers=headers)
            with urllib.request.urlopen(req, timeout=WAIT_S) as resp:
                return json.loads(resp.read())
        self.assertEqual(health({}), {"alive": True})
        self.assertEqual(health({"Authorization": "Bearer wrong"}), {"alive": True})
        self.assertEqual(health({"Authorization": "Bearer mtoken-3"}), {"phase": "ready", "max_perf": unittest.mock.ANY,
                                                                         "error_msg": ""})

    def test_bool_result_and_bool_argument_are_explained(self) -> None:
        status, body = self.call(self.url, "flag", {})
        self.assertEqual(status, 200)
        err = body["result"]["err"]
        self.assertEqual(err["class"], "TypeError")
        self.assertIn("return value of flag() is a bool", err["contents"]["args"]["contents"][0])
        status, body = self.call(self.url, "greet", {"name": True})
        self.assertEqual(status, 422)
        self.assertIn("argument 'name'", body["error"])
        self.assertIn("bool", body["error"])

    def test_objects_of_the_deployment_module_round_trip(self) -> None:
        point = {"type": "obj", "module": {"type": "relative", "path": []}, "class": "Point",
                 "contents": {"x": 1, "y": "two"}}
        status, body = self.call(self.url, "swap", {"p": point})
        self.assertEqual(status, 200)
        self.assertEqual(body["result"]["ok"]["contents"], {"x": "two", "y": 1})

    def test_auth_and_payload_errors(self) -> None:
        url = self.url
        status, body = post_json(f"{url}/remote/greet", {"auth_data": {"url": url}, "payload": {"kwargs": {}}})
        self.assertEqual(status, 422)
        self.assertEqual(body["auth_data"]["signature"], "missing parameter")
        self.assertNotIn("url", body["auth_data"])
        forged = self.keys.auth_data(url)
        forged["url"] = "http://127.0.0.1:1"
        self.assertEqual(post_json(f"{url}/remote/greet", {"auth_data": forged, "payload": {}})[0], 401)
        # validly signed, but for another worker's URL (another endpoint's route data): refused
        other = self.keys.auth_data("http://127.0.0.1:1")
        status, body = post_json(f"{url}/remote/greet", {"auth_data": other, "payload": {"kwargs": {"name": "x"}}})
        self.assertEqual((status, body), (401, {"error": "the route data was signed for another worker"}))
        status, body = post_json(f"{url}/remote/greet", {"auth_data": self.keys.auth_data(url),
                                                         "payload": {"kwargs": {}, "extra": 1}})
        self.assertEqual(status, 422)
        self.assertIn("payload", body["error"])
        status, body = self.call(url, "nope", {})
        self.assertEqual(status, 404)
        self.assertIn("greet", body["error"])
        status, body = self.call(url, "greet", {})  # missing argument: a TypeError from the call, like the SDK
        self.assertEqual(status, 200)
        self.assertEqual(body["result"]["err"]["class"], "TypeError")
        self.assertEqual(post_json(f"{url}/pyworker/update", {}, {"Authorization": "Bearer wrong"})[0], 401)


class SoftUpdateAndShutdown(BootCase):
    def test_soft_update_reloads_code_and_contexts_then_sigterm_exits_them(self) -> None:
        worker = self.start(context_tarball("v1"))
        url = self.engine.wait_ready()["url"]
        self.assertIn("v1 #6", self.call(url, "greet", {"name": "x"})[1]["result"]["ok"])
        self.engine.tarball = context_tarball("v2")
        seen = len(self.engine.reports)
        status, body = post_json(f"{url}/pyworker/update", {}, {"Authorization": "Bearer mtoken-3"})
        self.assertEqual((status, body), (200, {"status": "updating"}))
        report = self.engine.wait_ready(after=seen + 1)
        self.assertEqual(report["url"], url)  # same process, same port
        self.assertTrue(any(r["max_perf"] == 0 for r in self.engine.reports[seen:]), "not-ready report missing")
        status, body = self.call(url, "greet", {"name": "x"})
        self.assertEqual(body, {"result": {"ok": "hello x DATA v2 #6"}})  # fresh context, new code
        exited = os.path.join(self.sandbox.workdir, "exited.txt")
        with open(exited) as f:
            self.assertEqual(f.read(), "Counter v1\n")  # the old context was exited during the update
        self.assertEqual(worker.terminate(), 0)
        with open(exited) as f:
            self.assertEqual(f.read(), "Counter v1\nCounter v2\n")
        self.assertIn("[vast-worker] soft update: done", worker.output())


BROKEN_BENCH = '''
from vastai import Deployment
app = Deployment(name="b")

@app.remote{first}
async def one(x):
    return x

@app.remote{second}
async def two(x):
    return x
'''


class BootFailures(BootCase):
    def test_zero_benchmarked_functions(self) -> None:
        source = BROKEN_BENCH.format(first="", second="")
        msg = self.expect_failure(deployment_tarball(source, "b"), "exactly one @app.remote function")
        self.assertIn("none has one", msg)

    def test_two_benchmarked_functions(self) -> None:
        decorator = '(benchmark_dataset=[{"x": 1}])'
        source = BROKEN_BENCH.format(first=decorator, second=decorator)
        self.expect_failure(deployment_tarball(source, "b"), "2 have one (one, two)")

    def test_context_failure_is_a_lifecycle_error(self) -> None:
        source = textwrap.dedent('''
            from vastai import Deployment
            app = Deployment(name="lc")

            @app.context()
            class Broken:
                async def __aenter__(self):
                    raise RuntimeError("no GPU here")
                async def __aexit__(self, *exc):
                    pass

            @app.remote(benchmark_dataset=[{"x": 1}])
            async def f(x):
                return x
        ''')
        msg = self.expect_failure(deployment_tarball(source, "lc"), "Lifecycle startup failed")
        self.assertIn("RuntimeError: no GPU here", msg)

    def test_benchmark_without_success(self) -> None:
        source = textwrap.dedent('''
            from vastai import Deployment
            app = Deployment(name="nb")

            @app.remote(benchmark_dataset=[{"x": 1}])
            async def f(x):
                raise KeyError("model not loaded")
        ''')
        msg = self.expect_failure(deployment_tarball(source, "nb"), "No successful responses from benchmark")
        self.assertIn("model not loaded", msg)

    def test_import_error_and_run_failure(self) -> None:
        msg = self.expect_failure(deployment_tarball("import not_a_module_xyz\n", "x"), "importing deployment.py")
        self.assertIn("not_a_module_xyz", msg)

    def test_failing_run_step_reports_its_output(self) -> None:
        source = 'from vastai import Deployment\napp = Deployment(name="r")\n'
        tarball = deployment_tarball(source, "r", runs=[["sh", "-c", "echo model.pt missing >&2; exit 3"]])
        msg = self.expect_failure(tarball, "run step 1 failed (exit 3)")
        self.assertIn("model.pt missing", msg)

    def test_unsafe_tarball_is_refused(self) -> None:
        tarball = make_tarball({"./config.json": config_json("t").encode(), "../escape.py": b"x"})
        self.expect_failure(tarball, "refused the deployment tarball")
        self.assertFalse(os.path.exists(os.path.join(self.sandbox.root, "escape.py")))

    def test_pip_failure_reports_pip_log(self) -> None:
        source = ('from vastai import Deployment\napp = Deployment(name="p")\n'
                  '@app.remote(benchmark_dataset=[{}])\nasync def f():\n    return 1\n')
        tarball = deployment_tarball(source, "p", pip_installs=["vast-no-such-package-xyz==1.0"])
        # PIP_NO_INDEX is pip's own env form of --no-index: nothing touches the network.
        msg = self.expect_failure(tarball, "pip install vast-no-such-package-xyz==1.0 failed", {"PIP_NO_INDEX": "1"})
        self.assertIn("vast-no-such-package-xyz", msg.split("failed", 1)[1])  # pip's own log tail
        venvs = os.path.join(self.sandbox.root, "venvs")
        self.assertEqual([n for n in os.listdir(venvs) if not n.endswith(".install-lock")], [])  # no half-made venv kept


def tiny_wheel() -> bytes:
    """A pure-Python wheel built by hand, so pip can install it with --no-index (no network, no build backend)."""
    files = {
        "vasthello/__init__.py": "GREETING = 'hi from the venv'\n",
        "vasthello-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: vasthello\nVersion: 1.0\n",
        "vasthello-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + "vasthello-1.0.dist-info/RECORD,,\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr("vasthello-1.0.dist-info/RECORD", record)
    return buf.getvalue()


class PipInstalls(BootCase):
    def test_venv_is_built_imported_from_and_reused(self) -> None:
        source = textwrap.dedent('''
            from vastai import Deployment
            app = Deployment(name="venv-demo")

            @app.remote(benchmark_dataset=[{}])
            async def hello():
                import vasthello
                return vasthello.GREETING
        ''')
        wheel = "./wheels/vasthello-1.0-py3-none-any.whl"
        tarball = make_tarball({
            "./config.json": config_json("venv-demo", pip_installs=[wheel]).encode(),
            "./deployment.py": source.encode(),
            wheel: tiny_wheel(),
        })
        worker = self.start(tarball, {"PIP_NO_INDEX": "1"})
        url = self.engine.wait_ready()["url"]
        self.assertEqual(self.call(url, "hello", {}), (200, {"result": {"ok": "hi from the venv"}}))
        self.assertEqual(worker.terminate(), 0)
        venvs = os.path.join(self.sandbox.root, "venvs")
        self.assertEqual(len([n for n in os.listdir(venvs) if not n.endswith(".install-lock")]), 1)
        # a second worker of the same deployment reuses the cached venv instead of running pip again
        self.engine.reports.clear()
        second = WorkerProcess(self.engine, self.sandbox.workdir, {"PIP_NO_INDEX": "1"})
        self.addCleanup(second.kill)
        self.engine.wait_ready()
        self.assertIn("pip: reusing cached venv", second.output())
        self.assertEqual(second.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
