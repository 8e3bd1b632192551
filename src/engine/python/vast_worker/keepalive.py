"""A keep-alive JSON POST client on asyncio streams, for the per-call reports to the engine (`/delete_requests/`).

urllib in a thread opened a new connection and took a thread hop for every report: about 0.6 ms of worker time per
call on loopback, more than the call itself. One connection per (host, port) is kept and reused; a connection the
server closed while idle is reopened once before the request counts as failed.
"""

import asyncio
import json
import urllib.parse
from typing import Any, Dict, Optional, Tuple

from . import http_client

_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+


class KeepAliveClient:
    def __init__(self) -> None:
        self._conns: Dict[Tuple[str, int], Tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}
        self._lock: Optional[asyncio.Lock] = None  # made in the running loop (Python 3.9 binds locks at creation)
        self._targets: Dict[str, Tuple[Tuple[str, int], str]] = {}  # url → ((host, port), request line + fixed headers)

    async def post_json(self, url: str, body: Any, bearer: Optional[str] = None,
                        timeout: float = 10.0) -> Tuple[int, bytes]:
        """Returns (status, body); raises OSError when the server cannot be reached or answers garbage."""
        target = self._targets.get(url)
        if target is None:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme != "http" or not parts.hostname:  # https report addresses: the general client
                return await http_client.request("POST", url, body, bearer=bearer, timeout=timeout)
            key = (parts.hostname, parts.port or 80)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            head = f"POST {path} HTTP/1.1\r\nHost: {key[0]}:{key[1]}\r\nContent-Type: application/json\r\n"
            target = self._targets[url] = (key, head)  # one parse per address: the worker posts to one or two
        key, head = target
        payload = json.dumps(body).encode("utf-8")
        request = (f"{head}Content-Length: {len(payload)}\r\nConnection: keep-alive\r\n"
                   + (f"Authorization: Bearer {bearer}\r\n" if bearer else "") + "\r\n").encode("latin-1") + payload
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            try:
                if _timeout is not None:  # Python 3.11+: a deadline on this task; wait_for wraps it in a new task
                    async with _timeout(timeout):
                        return await self._exchange(key, request)
                return await asyncio.wait_for(self._exchange(key, request), timeout)
            except asyncio.TimeoutError:
                self._drop(key)
                raise OSError(f"no answer from {url} within {timeout} s") from None

    async def _exchange(self, key: Tuple[str, int], request: bytes) -> Tuple[int, bytes]:
        for attempt in (0, 1):
            reused = key in self._conns
            if not reused:
                self._conns[key] = await asyncio.open_connection(key[0], key[1])
            reader, writer = self._conns[key]
            try:
                writer.write(request)
                await writer.drain()
                return await self._read_response(key, reader)
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as e:
                self._drop(key)
                # An idle connection the server already closed: retry once on a fresh one.
                if not reused or attempt == 1:
                    raise OSError(f"request to {key[0]}:{key[1]} failed: {e}") from None
        raise OSError("unreachable")

    async def _read_response(self, key: Tuple[str, int], reader: asyncio.StreamReader) -> Tuple[int, bytes]:
        # The status line and headers in one readuntil (one await instead of one per line).
        try:
            block = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as e:
            if not e.partial:
                raise ConnectionResetError("the server closed the connection") from None
            raise
        except asyncio.LimitOverrunError:
            raise OSError("response headers too large") from None
        lines = block[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise OSError(f"malformed status line {lines[0][:80]!r}")
        version, status = parts[0], int(parts[1])
        headers: Dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
            keep = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
        else:  # no length: the body runs to the end of the connection
            body = await reader.read()
            keep = False
        if not keep:
            self._drop(key)
        return status, body

    def _drop(self, key: Tuple[str, int]) -> None:
        conn = self._conns.pop(key, None)
        if conn is not None:
            try:
                conn[1].close()
            except Exception:
                pass

    def close(self) -> None:
        for key in list(self._conns):
            self._drop(key)
