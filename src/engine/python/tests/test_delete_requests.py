"""The worker's /delete_requests/ reports: one POST in flight at most, later finishes batched, none lost."""

import asyncio
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401

from vast_worker.worker import Worker, WorkerEnv  # noqa: E402


class GatedEngine:
    """Stands in for the keep-alive client: records each POST and holds it until released."""

    def __init__(self) -> None:
        self.posts = []
        self.gates = []

    async def post_json(self, url, body, bearer=None, timeout=10.0):
        self.posts.append((url, body))
        gate = asyncio.Event()
        self.gates.append(gate)
        await gate.wait()
        return 200, b"{}"

    def close(self) -> None:
        pass


def finished(worker: Worker, idx: int) -> None:
    worker._request_finished(idx, True, 200, 1.0, None, 2.0)


class DeleteRequests(unittest.TestCase):
    def test_finishes_during_a_post_ride_on_the_next_one(self) -> None:
        async def scenario():
            worker = Worker(WorkerEnv({"REPORT_ADDR": "http://127.0.0.1:9/", "MASTER_TOKEN": "m",
                                       "CONTAINER_ID": "7"}), "/tmp")
            engine = worker.engine_http = GatedEngine()
            finished(worker, 1)
            tasks_after_first = len(worker.tasks)
            await asyncio.sleep(0.01)  # the first POST is now in flight
            finished(worker, 2)
            finished(worker, 3)
            tasks_while_in_flight = len(worker.tasks)  # appended only: no task per call
            engine.gates[0].set()
            await asyncio.sleep(0.01)
            engine.gates[1].set()
            await asyncio.sleep(0.01)
            return worker, engine, tasks_after_first, tasks_while_in_flight

        worker, engine, tasks_after_first, tasks_while_in_flight = asyncio.run(scenario())
        self.assertEqual(tasks_after_first, 1)
        self.assertEqual(tasks_while_in_flight, 1)
        self.assertEqual([url for url, _ in engine.posts], ["http://127.0.0.1:9/delete_requests/"] * 2)
        self.assertEqual([[r["request_idx"] for r in body["requests"]] for _, body in engine.posts], [[1], [2, 3]])
        first = engine.posts[0][1]
        self.assertEqual((first["worker_id"], first["mtoken"]), (7, "m"))
        self.assertEqual(first["requests"][0], {"request_idx": 1, "success": True, "status": 200,
                                                "entered_queue_at": 1.0, "work_started_at": 1.0,
                                                "work_completed_at": 2.0})
        self.assertFalse(worker.deleting)
        self.assertEqual(worker.finished_requests, [])

    def test_a_finish_after_the_batch_drained_starts_a_new_post(self) -> None:
        async def scenario():
            worker = Worker(WorkerEnv({"REPORT_ADDR": "http://127.0.0.1:9"}), "/tmp")
            engine = worker.engine_http = GatedEngine()
            finished(worker, 1)
            await asyncio.sleep(0.01)
            engine.gates[0].set()
            await asyncio.sleep(0.01)
            idle = not worker.deleting
            finished(worker, 2)
            await asyncio.sleep(0.01)
            engine.gates[1].set()
            await asyncio.sleep(0.01)
            return engine, idle

        engine, idle = asyncio.run(scenario())
        self.assertTrue(idle)
        self.assertEqual([[r["request_idx"] for r in body["requests"]] for _, body in engine.posts], [[1], [2]])


if __name__ == "__main__":
    unittest.main()
