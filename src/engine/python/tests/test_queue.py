import asyncio
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401

from vast_worker.queue import FunctionQueue, QueueFull, WorkerLoad  # noqa: E402


class FifoQueue(unittest.TestCase):
    def test_one_at_a_time_in_arrival_order(self) -> None:
        async def scenario():
            q = FunctionQueue(WorkerLoad(), 30.0, parallel=False)
            gates = [asyncio.Event() for _ in range(4)]
            log = []
            running = [0]
            peak = [0]

            def job(i):
                async def run():
                    running[0] += 1
                    peak[0] = max(peak[0], running[0])
                    log.append(f"start {i}")
                    await gates[i].wait()
                    running[0] -= 1
                    log.append(f"end {i}")
                    return i
                return run

            tasks = [asyncio.ensure_future(q.run(100, job(i))) for i in range(4)]
            await asyncio.sleep(0.01)
            self.assertEqual(q.load.in_progress, 400)
            for i in (3, 2, 1, 0):  # release out of order: the queue must still start them in order
                gates[i].set()
            results = await asyncio.gather(*tasks)
            return results, log, peak[0], q.load.in_progress

        results, log, peak, left = asyncio.run(scenario())
        self.assertEqual(results, [0, 1, 2, 3])
        self.assertEqual(log, ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3"])
        self.assertEqual(peak, 1)
        self.assertEqual(left, 0)

    def test_parallel_functions_run_together(self) -> None:
        async def scenario():
            q = FunctionQueue(WorkerLoad(), 30.0, parallel=True)
            gate = asyncio.Event()
            started = []

            async def run(i):
                started.append(i)
                await gate.wait()

            tasks = [asyncio.ensure_future(q.run(100, lambda i=i: run(i))) for i in range(3)]
            await asyncio.sleep(0.01)
            n = len(started)
            gate.set()
            await asyncio.gather(*tasks)
            return n

        self.assertEqual(asyncio.run(scenario()), 3)

    def test_cancelled_waiter_does_not_block_the_queue(self) -> None:
        async def scenario():
            q = FunctionQueue(WorkerLoad(), 30.0, parallel=False)
            gate = asyncio.Event()

            async def slow():
                await gate.wait()
                return "first"

            async def fast():
                return "third"

            first = asyncio.ensure_future(q.run(100, slow))
            second = asyncio.ensure_future(q.run(100, fast))
            third = asyncio.ensure_future(q.run(100, fast))
            await asyncio.sleep(0.01)
            second.cancel()
            gate.set()
            return await first, await third, q.running, q.load.in_progress

        self.assertEqual(asyncio.run(scenario()), ("first", "third", 0, 0))


class QueueAdmission(unittest.TestCase):
    def test_429_when_the_estimated_wait_exceeds_max_queue_time(self) -> None:
        load = WorkerLoad()
        q = FunctionQueue(load, max_queue_time=1.5, parallel=False)
        perf = 100.0  # one request (100 workload) per second
        q.admit(perf)  # nothing in progress
        load.in_progress = 100.0
        q.admit(perf)  # 1 s wait
        load.in_progress = 200.0
        with self.assertRaises(QueueFull) as cm:
            q.admit(perf)  # 2 s wait > 1.5 s
        self.assertIn("exceeds max_queue_time 1.5 s", str(cm.exception))
        q.admit(0.0)  # no benchmark score yet: no estimate, no refusal


if __name__ == "__main__":
    unittest.main()
