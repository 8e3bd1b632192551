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


if __name__ == "__main__":
    unittest.main()
