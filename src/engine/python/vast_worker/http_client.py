"""Outgoing HTTP (urllib, run in a thread so the event loop keeps serving and reporting)."""

import asyncio
import json
import shutil
import urllib.error
import urllib.request
from typing import Any, Optional, Tuple


# The engine is on loopback: never send its calls through an http_proxy from the user's environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HttpError(RuntimeError):
    def __init__(self, url: str, status: int, text: str):
        super().__init__(f"HTTP {status} from {url}: {text[:500]}")
        self.status = status
        self.text = text


def _request(method: str, url: str, body: Any = None, bearer: Optional[str] = None) -> urllib.request.Request:
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if bearer:
        req.add_header("Authorization", f"Bearer {bearer}")
    return req


def request_sync(method: str, url: str, body: Any = None, bearer: Optional[str] = None,
                 timeout: float = 30.0) -> Tuple[int, bytes]:
    """Returns (status, body) for any status; raises OSError (URLError) when the server cannot be reached."""
    try:
        with _opener.open(_request(method, url, body, bearer), timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def download_sync(url: str, dest: str, bearer: Optional[str] = None, timeout: float = 300.0) -> int:
    """Streams `url` into `dest` in 1 MB chunks; returns the byte count."""
    try:
        with _opener.open(_request("GET", url, None, bearer), timeout=timeout) as resp, \
                open(dest, "wb") as out:
            shutil.copyfileobj(resp, out, 1 << 20)
            return out.tell()
    except urllib.error.HTTPError as e:
        raise HttpError(url, e.code, e.read().decode("utf-8", "replace")) from None


async def request(method: str, url: str, body: Any = None, bearer: Optional[str] = None,
                  timeout: float = 30.0) -> Tuple[int, bytes]:
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: request_sync(method, url, body, bearer, timeout))


async def request_json(method: str, url: str, body: Any = None, bearer: Optional[str] = None,
                       timeout: float = 30.0) -> Any:
    status, raw = await request(method, url, body, bearer, timeout)
    text = raw.decode("utf-8", "replace")
    if not 200 <= status < 300:
        raise HttpError(url, status, text)
    try:
        return json.loads(text)
    except ValueError:
        raise HttpError(url, status, f"not JSON: {text[:200]}") from None
