"""The worker's HTTP/1.1 server on raw sockets: framing, keep-alive, chunked bodies, error answers."""

import asyncio
import json
import os
import sys
import unittest
from typing import List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401

from vast_worker.http_server import Request, _encode, start_server  # noqa: E402


BIG = "x" * (8 * 1024 * 1024)  # more than the socket buffers hold: write() leaves bytes buffered


async def echo_handler(req: Request):
    if req.path == "/boom":
        raise RuntimeError("kaboom")
    if req.path == "/big":
        return 200, {"big": BIG}
    if req.path == "/teapot":
        return 418, {"short": "and stout"}
    return 200, {"method": req.method, "path": req.path, "target": req.target, "version": req.version,
                 "headers": req.headers, "body": req.body.decode("latin-1")}


async def read_response(reader: asyncio.StreamReader) -> Tuple[int, dict, dict]:
    status_line = await reader.readline()
    status = int(status_line.split(b" ")[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.lower()] = value.strip()
    body = await reader.readexactly(int(headers["content-length"]))
    return status, headers, json.loads(body)


def exchange(raw: bytes, responses: int) -> Tuple[List[Tuple[int, dict, dict]], bool]:
    """Sends `raw` on one connection, reads `responses` answers; returns them and whether the server then closed."""
    async def scenario():
        server, port = await start_server("127.0.0.1", 0, echo_handler)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(raw)
            await writer.drain()
            answers = [await asyncio.wait_for(read_response(reader), 10) for _ in range(responses)]
            try:
                closed = await asyncio.wait_for(reader.read(1), 0.5) == b""
            except asyncio.TimeoutError:
                closed = False
            writer.close()
            return answers, closed
        finally:
            server.close()
    return asyncio.run(scenario())


class Framing(unittest.TestCase):
    def test_keep_alive_serves_several_requests_on_one_connection(self) -> None:
        raw = (b"POST /remote/f?api_key=k HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: 5\r\n\r\nhello"
               b"GET /health HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n")
        answers, closed = exchange(raw, 2)
        (s1, h1, b1), (s2, h2, b2) = answers
        self.assertEqual((s1, b1["method"], b1["path"], b1["target"], b1["body"]),
                         (200, "POST", "/remote/f", "/remote/f?api_key=k", "hello"))
        self.assertEqual(h1["connection"], "keep-alive")
        self.assertEqual(h1["content-type"], "application/json")
        self.assertEqual((s2, b2["method"], b2["body"]), (200, "GET", ""))
        self.assertFalse(closed)

    def test_header_names_are_case_insensitive_and_values_trimmed(self) -> None:
        raw = b"post /x HTTP/1.1\r\nX-Token:   Abc Def  \r\nCONTENT-LENGTH: 2\r\n\r\nhi"
        [(status, _, body)], _ = exchange(raw, 1)
        self.assertEqual(status, 200)
        self.assertEqual(body["method"], "POST")
        self.assertEqual(body["headers"]["x-token"], "Abc Def")
        self.assertEqual(body["body"], "hi")

    def test_connection_close_and_http_1_0_close_after_the_answer(self) -> None:
        for raw in (b"GET /a HTTP/1.1\r\nConnection: Close\r\n\r\n", b"GET /a HTTP/1.0\r\n\r\n"):
            [(status, headers, _)], closed = exchange(raw, 1)
            self.assertEqual((status, headers["connection"]), (200, "close"))
            self.assertTrue(closed, raw)

    def test_http_1_0_keep_alive_stays_open(self) -> None:
        [(status, headers, _)], closed = exchange(b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1)
        self.assertEqual((status, headers["connection"]), (200, "keep-alive"))
        self.assertFalse(closed)

    def test_chunked_body_with_extensions_and_trailers(self) -> None:
        raw = (b"POST /c HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
               b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
               b"GET /after HTTP/1.1\r\n\r\n")
        answers, _ = exchange(raw, 2)
        self.assertEqual(answers[0][2]["body"], "hello world")
        self.assertEqual(answers[1][2]["path"], "/after")

    def test_a_reader_slower_than_the_answer_still_gets_every_byte(self) -> None:
        async def scenario():
            server, port = await start_server("127.0.0.1", 0, echo_handler)
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET /big HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n")
                await writer.drain()
                await asyncio.sleep(0.3)  # the server's write buffer fills up meanwhile
                first = await asyncio.wait_for(read_response(reader), 20)
                second = await asyncio.wait_for(read_response(reader), 20)
                writer.close()
                return first, second
            finally:
                server.close()
        (s1, _, b1), (s2, _, b2) = asyncio.run(scenario())
        self.assertEqual((s1, len(b1["big"])), (200, len(BIG)))
        self.assertEqual((s2, b2["path"]), (200, "/after"))

    def test_status_without_a_known_reason_still_gets_a_head(self) -> None:
        [(status, headers, body)], _ = exchange(b"GET /teapot HTTP/1.1\r\n\r\n", 1)
        self.assertEqual((status, headers["connection"], body), (418, "keep-alive", {"short": "and stout"}))
        self.assertTrue(_encode(418, {}, False).startswith(b"HTTP/1.1 418 Status\r\n"))

    def test_stray_crlf_between_requests_is_tolerated(self) -> None:
        raw = b"GET /one HTTP/1.1\r\n\r\n\r\n\r\nGET /two HTTP/1.1\r\n\r\n"
        answers, _ = exchange(raw, 2)
        self.assertEqual([a[2]["path"] for a in answers], ["/one", "/two"])


class ErrorAnswers(unittest.TestCase):
    def test_malformed_request_line_is_400_and_closes(self) -> None:
        [(status, headers, body)], closed = exchange(b"GARBAGE\r\n\r\n", 1)
        self.assertEqual((status, body["error"], headers["connection"]), (400, "malformed request line", "close"))
        self.assertTrue(closed)

    def test_bad_content_length_is_400(self) -> None:
        [(status, _, body)], closed = exchange(b"POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 1)
        self.assertEqual((status, body["error"]), (400, "bad Content-Length"))
        self.assertTrue(closed)

    def test_bad_chunk_size_is_400(self) -> None:
        [(status, _, body)], _ = exchange(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1)
        self.assertEqual((status, body["error"]), (400, "bad chunk size"))

    def test_oversized_headers_are_413(self) -> None:
        raw = b"GET /x HTTP/1.1\r\nX-Big: " + b"a" * (70 * 1024) + b"\r\n\r\n"
        [(status, _, body)], _ = exchange(raw, 1)
        self.assertEqual((status, body["error"]), (413, "headers too large"))

    def test_handler_exception_is_a_500_and_the_connection_keeps_serving(self) -> None:
        answers, closed = exchange(b"GET /boom HTTP/1.1\r\n\r\nGET /fine HTTP/1.1\r\n\r\n", 2)
        self.assertEqual(answers[0][0], 500)
        self.assertEqual(answers[0][2]["error"], "RuntimeError: kaboom")
        self.assertEqual((answers[1][0], answers[1][2]["path"]), (200, "/fine"))
        self.assertFalse(closed)


class Refusals(unittest.TestCase):
    """What a browser or a hostile local client sends is refused before the body is read."""

    def test_a_host_that_is_not_loopback_is_refused(self) -> None:
        # DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1
        raw = b"POST /remote/f HTTP/1.1\r\nHost: evil.example:8000\r\nContent-Length: 2\r\n\r\n{}"
        [(status, _, body)], closed = exchange(raw, 1)
        self.assertEqual((status, body["error"]), (403, "Host 'evil.example:8000' is not a loopback address"))
        self.assertTrue(closed)
        for host in (b"127.0.0.1", b"localhost:1234", b"[::1]:80", b"LOCALHOST"):
            [(status, _, _)], _ = exchange(b"GET /a HTTP/1.1\r\nHost: " + host + b"\r\n\r\n", 1)
            self.assertEqual(status, 200, host)

    def test_a_browser_origin_is_refused(self) -> None:
        raw = b"POST /remote/f HTTP/1.1\r\nHost: 127.0.0.1:9\r\nOrigin: https://evil.example\r\n\r\n"
        [(status, _, body)], _ = exchange(raw, 1)
        self.assertEqual((status, body["error"]), (403, "requests from a browser origin are refused"))

    def test_a_body_over_the_limit_is_refused_before_it_is_read(self) -> None:
        os.environ["VAST_WORKER_MAX_BODY_BYTES"] = "1000"
        self.addCleanup(os.environ.pop, "VAST_WORKER_MAX_BODY_BYTES")
        # Content-Length says 10 MB but only the head is sent: the answer comes without waiting for the body
        [(status, _, body)], closed = exchange(b"POST /x HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n", 1)
        self.assertEqual((status, body["error"]), (413, "request body of 10000000 bytes exceeds the worker's limit of 1000 bytes"))
        self.assertTrue(closed)
        chunked = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"3e8\r\n" + b"a" * 1000 + b"\r\n1\r\n"
        [(status, _, body)], _ = exchange(chunked, 1)
        self.assertEqual((status, body["error"]), (413, "request body exceeds the worker's limit of 1000 bytes"))


if __name__ == "__main__":
    unittest.main()
