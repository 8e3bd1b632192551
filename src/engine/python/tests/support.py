"""Test helpers: a fake engine (console + autoscaler roles) on http.server, tarballs, RSA keys via the openssl CLI,
and a spawned `python -m vast_worker` process."""

import base64
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(PYTHON_DIR)))
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from vast_worker import signature  # noqa: E402

WAIT_S = 60.0  # generous: the test machine is shared and slow; nothing asserts on durations


def config_json(name: str, pip_installs: Optional[List[str]] = None, apt_gets: Optional[List[str]] = None,
                envs: Optional[List[List[str]]] = None, runs: Optional[List[Any]] = None) -> str:
    return json.dumps({"name": name, "pip_installs": pip_installs or [], "apt_gets": apt_gets or [],
                       "envs": envs or [], "runs": runs or []})


def make_tarball(files: Dict[str, bytes]) -> bytes:
    """A gzip tarball like the SDK's: config.json, deployment.py, then the copies (names verbatim)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def deployment_tarball(source: str, name: str, **config: Any) -> bytes:
    return make_tarball({"./config.json": config_json(name, **config).encode(),
                         "./deployment.py": source.encode()})


class KeyPair:
    """An RSA key made with the openssl CLI; signs the autoscaler's message for a worker URL."""

    def __init__(self, directory: str):
        self.private = os.path.join(directory, "key.pem")
        subprocess.run(["openssl", "genrsa", "-out", self.private, "2048"], check=True, capture_output=True)
        self.public_pem = subprocess.run(["openssl", "rsa", "-in", self.private, "-pubout"], check=True,
                                         capture_output=True).stdout.decode()

    def sign(self, message: bytes) -> str:
        out = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.private], input=message, check=True,
                             capture_output=True).stdout
        return base64.b64encode(out).decode()

    def auth_data(self, url: str, request_idx: int = 1) -> Dict[str, Any]:
        return {"url": url, "reqnum": request_idx, "signature": self.sign(signature.signed_message(url)),
                "endpoint": "test-endpoint", "cost": 100, "request_idx": request_idx}


class FakeEngine:
    """Serves download_url, the tarball, /pubkey/ and records /worker_status/ and /delete_requests/ bodies."""

    def __init__(self, keys: KeyPair, tarball: bytes, deployment_id: str = "7", api_key: str = "cak-secret"):
        self.keys = keys
        self.tarball = tarball
        self.deployment_id = deployment_id
        self.api_key = api_key
        self.reports: List[Dict[str, Any]] = []
        self.deletes: List[Dict[str, Any]] = []
        self.unauthorized: List[str] = []
        self.cond = threading.Condition()
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a worker that exits right after reporting does not wait for our answer

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {engine.api_key}":
                    engine.unauthorized.append(self.path)
                    self._reply(401, b'{"error": "bad key"}')
                    return False
                return True

            def do_GET(self) -> None:
                if self.path == f"/api/v0/deployment/{engine.deployment_id}/download_url/":
                    if self._authorized():
                        self._reply(200, json.dumps({"success": True, "download_url": engine.base + "/blob"}).encode())
                elif self.path == "/blob":
                    self._reply(200, engine.tarball, "application/gzip")
                elif self.path == "/pubkey/":
                    if self._authorized():
                        self._reply(200, engine.keys.public_pem.encode(), "text/plain")
                else:
                    self._reply(404, b"{}")

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                if not self._authorized():
                    return
                with engine.cond:
                    if self.path == "/worker_status/":
                        engine.reports.append(body)
                    elif self.path == "/delete_requests/":
                        engine.deletes.append(body)
                    engine.cond.notify_all()
                self._reply(200, b'{"success": true}')

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, predicate: Callable[["FakeEngine"], Any], what: str, timeout: float = WAIT_S) -> Any:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                result = predicate(self)
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; reports: {self.reports[-3:]}")
                self.cond.wait(min(left, 0.5))

    def wait_ready(self, after: int = 0) -> Dict[str, Any]:
        def ready(e: "FakeEngine") -> Any:
            for r in e.reports[after:]:
                if r["error_msg"]:
                    raise AssertionError(f"worker failed: {r['error_msg']}")
                if r["max_perf"] > 0:
                    return r
            return None

        return self.wait_for(ready, "a ready report")

    def wait_error(self) -> str:
        return self.wait_for(lambda e: next((r["error_msg"] for r in e.reports if r["error_msg"]), None),
                             "an error report")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class WorkerProcess:
    def __init__(self, engine: FakeEngine, workdir: str, extra_env: Optional[Dict[str, str]] = None):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VAST_", "PIP_"))}
        env.update({
            "PYTHONPATH": PYTHON_DIR, "IS_DEPLOYMENT": "true", "DEPLOYMENT_ID": engine.deployment_id,
            "CONTAINER_ID": "3", "CONTAINER_API_KEY": engine.api_key, "MASTER_TOKEN": "mtoken-3",
            "VAST_API_URL": engine.base, "REPORT_ADDR": engine.base, "PUBLIC_IPADDR": "127.0.0.1",
            "WORKER_PORT": "0", "USE_SSL": "false", "VAST_VENV_CACHE": os.path.join(workdir, "..", "venvs"),
            "VAST_LOCAL_ENGINE": "1",
        })
        env.update(extra_env or {})
        self.log_path = os.path.join(workdir, "..", "worker.log")
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-u", "-m", "vast_worker"], cwd=workdir, env=env,
                                     stdout=self.log_file, stderr=subprocess.STDOUT)

    def output(self) -> str:
        if not self.log_file.closed:
            self.log_file.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def terminate(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(WAIT_S)
        finally:
            self.log_file.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log_file.closed:
            self.log_file.close()


def post_json(url: str, body: Any, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=WAIT_S) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Sandbox:
    """A temp folder with a worker dir inside; removed on close."""

    def __init__(self) -> None:
        self.root = tempfile.mkdtemp(prefix="vast-worker-test-")
        self.workdir = os.path.join(self.root, "worker")
        os.makedirs(self.workdir)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
