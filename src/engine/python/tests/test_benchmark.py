import asyncio
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402,F401

from vast_worker.benchmark import (BenchmarkError, BenchmarkInputs, run_benchmark,  # noqa: E402
                                   score_from_rounds)


class FakeClock:
    """Each call to the function advances time by the duration its input asks for."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ScoreMath(unittest.TestCase):
    def test_score_is_the_best_round_throughput(self) -> None:
        # 100 workload in 0.5 s = 200/s; 100 in 0.25 s = 400/s; 1000 in 4 s = 250/s
        self.assertAlmostEqual(score_from_rounds([(100, 0.5), (100, 0.25), (1000, 4.0)]), 400.0)

    def test_a_round_without_success_fails(self) -> None:
        with self.assertRaises(BenchmarkError) as cm:
            score_from_rounds([(100, 0.5), (0, 0.1)])
        self.assertIn("No successful responses from benchmark", str(cm.exception))


class RunBenchmark(unittest.TestCase):
    def run_bench(self, dataset=None, generator=None, runs=10, parallel=False, fail_when=lambda kw: False):
        clock = FakeClock()
        seen = []

        async def call(kwargs):
            seen.append(kwargs)
            clock.now += kwargs.get("seconds", 0.1)
            if fail_when(kwargs):
                raise ValueError(f"bad input {kwargs}")

        score = asyncio.run(run_benchmark(call, BenchmarkInputs(dataset, generator), runs, parallel, clock=clock))
        return score, seen

    def test_uses_the_whole_dataset_after_one_warmup(self) -> None:
        dataset = [{"x": 1, "seconds": 0.5}, {"x": 2, "seconds": 0.25}, {"x": 3, "seconds": 1.0}]
        score, seen = self.run_bench(dataset, runs=5)
        self.assertEqual(len(seen), 1 + 5)  # warmup + one call per round at concurrency 1
        self.assertEqual({kw["x"] for kw in seen}, {1, 2, 3})  # not only the last item, as the SDK does
        # warmup took item 1; rounds took 2, 3, 1, 2, 3 → fastest round is x=2: 100 / 0.25 s
        self.assertAlmostEqual(score, 400.0)

    def test_parallel_requests_run_rounds_of_ten(self) -> None:
        score, seen = self.run_bench([{"seconds": 0.1}], runs=3, parallel=True)
        self.assertEqual(len(seen), 1 + 3 * 10)
        # the fake clock adds every call's time, so a round of 10 takes 1.0 s for 1000 workload
        self.assertAlmostEqual(score, 1000.0)

    def test_generator_is_called_per_input(self) -> None:
        counter = iter(range(100))
        score, seen = self.run_bench(generator=lambda: {"x": next(counter), "seconds": 0.2}, runs=4)
        self.assertEqual([kw["x"] for kw in seen], [0, 1, 2, 3, 4])
        self.assertAlmostEqual(score, 500.0)

    def test_async_generator_function_result_is_awaited(self) -> None:
        async def gen():
            return {"seconds": 0.5}

        score, _ = self.run_bench(generator=gen, runs=2)
        self.assertAlmostEqual(score, 200.0)

    def test_failures_explain_themselves(self) -> None:
        with self.assertRaises(BenchmarkError) as cm:
            self.run_bench([{"x": 1}], runs=3, fail_when=lambda kw: True)
        self.assertIn("No successful responses from benchmark", str(cm.exception))
        self.assertIn("ValueError: bad input", str(cm.exception))

    def test_non_dict_input_is_refused(self) -> None:
        with self.assertRaises(BenchmarkError) as cm:
            self.run_bench(generator=lambda: [1], runs=1)
        self.assertIn("dict of keyword arguments", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
