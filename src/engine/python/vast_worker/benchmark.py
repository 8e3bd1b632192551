"""The startup benchmark, whose score the worker reports as max_perf (docs/protocol.md, "Workers").

Warmup with one call, then `benchmark_runs` rounds of N concurrent calls (N = 10 with allow_parallel_requests,
else 1); each request is 100 workload units; score = max over rounds of Σ successful workload / round seconds.
Unlike the SDK, inputs cycle through the WHOLE benchmark_dataset (the SDK keeps only its last item), and a call
that raises counts as a failure, so a broken benchmark says why instead of scoring its exceptions.
"""

import asyncio
import inspect
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple

WORKLOAD_PER_REQUEST = 100.0
PARALLEL_CONCURRENCY = 10


class BenchmarkError(RuntimeError):
    pass


def score_from_rounds(rounds: Sequence[Tuple[float, float]]) -> float:
    """rounds = [(Σ successful workload, round wall seconds)] → the best throughput (workload per second)."""
    best = 0.0
    for workload, seconds in rounds:
        if workload <= 0:
            raise BenchmarkError("No successful responses from benchmark")
        best = max(best, workload / max(seconds, 1e-9))
    return best


class BenchmarkInputs:
    """Keyword-argument dicts for the benchmark: cycles through the dataset, or calls the generator."""

    def __init__(self, dataset: Optional[List[dict]], generator: Optional[Callable[[], Any]]):
        self.dataset = dataset
        self.generator = generator
        self.next_index = 0

    async def next(self) -> Dict[str, Any]:
        if self.dataset is not None:
            item = self.dataset[self.next_index % len(self.dataset)]
            self.next_index += 1
        else:
            assert self.generator is not None
            item = self.generator()
            if inspect.isawaitable(item):
                item = await item
        if not isinstance(item, dict):
            raise BenchmarkError(f"benchmark input must be a dict of keyword arguments, got {type(item).__name__}")
        return item


async def run_benchmark(call: Callable[[Dict[str, Any]], Awaitable[Any]], inputs: BenchmarkInputs, runs: int,
                        parallel: bool, clock: Callable[[], float] = time.perf_counter,
                        on_round: Optional[Callable[[int, float, float], None]] = None) -> float:
    """`call(kwargs)` runs the function once and raises on failure. Returns the score."""
    concurrency = PARALLEL_CONCURRENCY if parallel else 1
    first_error: List[BaseException] = []

    async def one(kwargs: Dict[str, Any]) -> bool:
        try:
            await call(kwargs)
            return True
        except Exception as e:  # the user's function failed: the round counts it as unsuccessful
            if not first_error:
                first_error.append(e)
            return False

    await one(await inputs.next())  # warmup: settles caches, JIT and allocations; not timed
    rounds: List[Tuple[float, float]] = []
    for i in range(max(1, runs)):
        batch = [await inputs.next() for _ in range(concurrency)]
        start = clock()
        results = await asyncio.gather(*(one(kwargs) for kwargs in batch))
        seconds = clock() - start
        workload = WORKLOAD_PER_REQUEST * sum(results)
        if on_round is not None:
            on_round(i + 1, workload, seconds)
        if workload <= 0:
            detail = f": {type(first_error[0]).__name__}: {first_error[0]}" if first_error else ""
            raise BenchmarkError(f"No successful responses from benchmark{detail}") from (
                first_error[0] if first_error else None)
        rounds.append((workload, seconds))
    return score_from_rounds(rounds)
