"""A small HTTP/1.1 server on asyncio streams: keep-alive, Content-Length (and chunked) request bodies, JSON replies.

Enough for the engine's calls to /remote/<fname> and /pyworker/update; no third-party packages.
"""

import asyncio
import json
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from .log import log

MAX_HEADER_BYTES = 64 * 1024
# A request body is read whole before the handler can check its signature (the signature is inside it), so its size
# is the only thing to check first. Remote calls carry their arguments here; 64 MiB is far above a typical payload
# and keeps one hostile request from costing more than that. VAST_WORKER_MAX_BODY_BYTES changes it.
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 410: "Gone", 411: "Length Required", 413: "Payload Too Large",
           422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
           503: "Service Unavailable"}


class Request:
    def __init__(self, method: str, target: str, version: str, headers: Dict[str, str], body: bytes):
        self.method = method
        self.path = target.split("?", 1)[0]
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


Response = Tuple[int, Any]  # (status, JSON-able body)
Handler = Callable[[Request], Awaitable[Response]]


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def max_body_bytes() -> int:
    try:
        return max(1, int(os.environ.get("VAST_WORKER_MAX_BODY_BYTES", "")))
    except ValueError:
        return DEFAULT_MAX_BODY_BYTES


_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def refusal(headers: Dict[str, str]) -> Optional[str]:
    """Why a request must be refused before its body is read, or None.

    The worker listens on loopback only, yet a web page in the user's browser can still reach it: through DNS
    rebinding (its own host name resolving to 127.0.0.1, so the Host header names that host) or a cross-origin
    request (an Origin header). No legitimate client of a local worker is a browser, so both are refused."""
    host = headers.get("host")
    if host is not None:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.lower() not in _LOOPBACK_HOSTS:
            return f"Host {host!r} is not a loopback address"
    if "origin" in headers:
        return "requests from a browser origin are refused"
    return None


async def _read_body(reader: asyncio.StreamReader, headers: Dict[str, str]) -> bytes:
    limit = max_body_bytes()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        total = 0
        while True:
            size_line = await reader.readline()
            try:
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            except ValueError:
                raise BadRequest(400, "bad chunk size") from None
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > limit:
                raise BadRequest(413, f"request body exceeds the worker's limit of {limit} bytes")
            chunks.append(await reader.readexactly(size))
            await reader.readline()
    length = headers.get("content-length")
    if length is None:
        return b""
    try:
        n = int(length)
    except ValueError:
        raise BadRequest(400, "bad Content-Length") from None
    if n > limit:
        raise BadRequest(413, f"request body of {n} bytes exceeds the worker's limit of {limit} bytes")
    return await reader.readexactly(n) if n > 0 else b""


async def _read_request(reader: asyncio.StreamReader) -> Optional[Request]:
    # The whole header block in one readuntil: one await per request instead of one per header line (the worker's
    # largest per-call cost in this module). The stream's limit (MAX_HEADER_BYTES) bounds it.
    try:
        block = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial.strip():
            return None  # the peer closed between requests
        raise
    except asyncio.LimitOverrunError:
        raise BadRequest(413, "headers too large") from None
    while block.startswith(b"\r\n"):  # tolerate stray CRLF between pipelined requests
        block = block[2:]
        if not block.strip():
            return await _read_request(reader)
    lines = block[:-4].decode("latin-1").split("\r\n")
    parts = lines[0].strip().split(" ")
    if len(parts) != 3:
        raise BadRequest(400, "malformed request line")
    method, target, version = parts
    headers: Dict[str, str] = {}
    for h in lines[1:]:
        name, _, value = h.partition(":")
        headers[name.strip().lower()] = value.strip()
    refused = refusal(headers)
    if refused:
        raise BadRequest(403, refused)
    body = await _read_body(reader, headers)
    return Request(method.upper(), target, version, headers, body)


def _head_template(status: int, keep_alive: bool) -> Tuple[bytes, bytes]:
    """The bytes before and after the Content-Length value, for one (status, keep-alive) pair."""
    before = (f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n"
              "Content-Type: application/json\r\nContent-Length: ")
    after = f"\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    return before.encode("latin-1"), after.encode("latin-1")


# Every answer is built from one of these; formatting the head per call was a measurable share of a call's CPU.
_HEADS = {(status, keep_alive): _head_template(status, keep_alive) for status in REASONS for keep_alive in (True, False)}


def _encode(status: int, body: Any, keep_alive: bool) -> bytes:
    payload = json.dumps(body).encode("utf-8")
    before, after = _HEADS.get((status, keep_alive)) or _head_template(status, keep_alive)
    return b"".join((before, str(len(payload)).encode("latin-1"), after, payload))


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler) -> None:
    transport = writer.transport
    try:
        while True:
            try:
                request = await _read_request(reader)
            except BadRequest as e:
                writer.write(_encode(e.status, {"error": str(e)}, False))
                await writer.drain()
                return
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
                return
            if request is None:
                return
            connection = request.headers.get("connection", "").lower()
            keep_alive = connection != "close" and (request.version == "HTTP/1.1" or connection == "keep-alive")
            try:
                status, body = await handler(request)
            except Exception as e:  # a bug in a handler must not kill the connection loop silently
                log(f"HTTP handler error on {request.method} {request.path}: {type(e).__name__}: {e}")
                status, body = 500, {"error": f"{type(e).__name__}: {e}"}
            writer.write(_encode(status, body, keep_alive))
            # write() hands the bytes to the socket at once when it can; drain() only matters when some are still
            # buffered (a slow reader), so the common case skips its coroutine.
            if transport.get_write_buffer_size():
                await writer.drain()
            if not keep_alive:
                return
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def start_server(host: str, port: int, handler: Handler) -> Tuple[asyncio.AbstractServer, int]:
    """Starts serving; returns the server and the bound port (port 0 picks a free one)."""
    server = await asyncio.start_server(lambda r, w: _serve_connection(r, w, handler), host, port,
                                        limit=MAX_HEADER_BYTES)
    bound = server.sockets[0].getsockname()[1]
    return server, bound
