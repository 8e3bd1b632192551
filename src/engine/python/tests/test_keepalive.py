import asyncio
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401

from vast_worker.keepalive import KeepAliveClient  # noqa: E402


async def start_echo(close_after: int):
    """An HTTP/1.1 server answering {"path", "auth", "body"}; it closes each connection after `close_after` answers."""
    connections = []

    async def serve(reader, writer):
        connections.append(writer)
        served = 0
        try:
            while served < close_after:
                line = await reader.readline()
                if not line:
                    return
                headers = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b""):
                        break
                    name, _, value = h.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                answer = json.dumps({"path": line.decode().split(" ")[1], "auth": headers.get("authorization"),
                                     "body": json.loads(body)}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(answer)).encode() + b"\r\n\r\n" + answer)
                await writer.drain()
                served += 1
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], connections


class KeepAlive(unittest.TestCase):
    def test_reuses_one_connection(self) -> None:
        async def scenario():
            server, port, connections = await start_echo(close_after=100)
            client = KeepAliveClient()
            try:
                for i in range(3):
                    status, raw = await client.post_json(f"http://127.0.0.1:{port}/delete_requests/?x=1", {"n": i},
                                                         bearer="k")
                    self.assertEqual(status, 200)
                    self.assertEqual(json.loads(raw), {"path": "/delete_requests/?x=1", "auth": "Bearer k",
                                                       "body": {"n": i}})
                self.assertEqual(len(connections), 1)
            finally:
                client.close()
                await asyncio.sleep(0.05)  # the server's handler sees the close and returns
                server.close()
        asyncio.run(scenario())

    def test_reopens_a_connection_the_server_closed(self) -> None:
        async def scenario():
            server, port, connections = await start_echo(close_after=1)
            client = KeepAliveClient()
            try:
                for i in range(3):
                    await asyncio.sleep(0.05)  # let the server's close reach the idle connection
                    status, raw = await client.post_json(f"http://127.0.0.1:{port}/r", {"n": i})
                    self.assertEqual((status, json.loads(raw)["body"]), (200, {"n": i}))
                self.assertEqual(len(connections), 3)
            finally:
                client.close()
                server.close()
        asyncio.run(scenario())

    def test_unreachable_server_is_an_os_error(self) -> None:
        async def scenario():
            server, port, _ = await start_echo(close_after=1)
            server.close()
            await server.wait_closed()
            with self.assertRaises(OSError):
                await KeepAliveClient().post_json(f"http://127.0.0.1:{port}/r", {}, timeout=2.0)
        asyncio.run(scenario())


async def start_raw(answer: bytes, delay: float = 0.0):
    """A server that reads one request, waits `delay`, writes `answer` verbatim and closes; counts connections."""
    connections = []

    async def serve(reader, writer):
        connections.append(writer)
        try:
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(delay)
            writer.write(answer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], connections


class Answers(unittest.TestCase):
    def post_once(self, answer: bytes, delay: float = 0.0, timeout: float = 5.0, posts: int = 1):
        async def scenario():
            server, port, connections = await start_raw(answer, delay)
            client = KeepAliveClient()
            try:
                results = [await client.post_json(f"http://127.0.0.1:{port}/r", {}, timeout=timeout)
                           for _ in range(posts)]
                return results, len(connections)
            finally:
                client.close()
                server.close()
        return asyncio.run(scenario())

    def test_body_without_content_length_runs_to_the_end_of_the_connection(self) -> None:
        [(status, body)], _ = self.post_once(b"HTTP/1.1 202 Accepted\r\nX-A: b\r\n\r\nuntil the end")
        self.assertEqual((status, body), (202, b"until the end"))

    def test_connection_close_answer_is_not_reused(self) -> None:
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        results, connections = self.post_once(answer, posts=2)
        self.assertEqual(results, [(200, b"ok"), (200, b"ok")])
        self.assertEqual(connections, 2)

    def test_malformed_status_line_is_an_os_error(self) -> None:
        with self.assertRaisesRegex(OSError, "malformed status line"):
            self.post_once(b"NOT-HTTP\r\n\r\n")

    def test_no_answer_within_the_timeout_is_an_os_error(self) -> None:
        with self.assertRaisesRegex(OSError, "within 0.2 s"):
            self.post_once(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", delay=2.0, timeout=0.2)


if __name__ == "__main__":
    unittest.main()
