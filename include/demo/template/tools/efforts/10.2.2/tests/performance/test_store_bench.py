"""Benchmarks of the store and the protocol: warmed up, with rounds long enough to even out scheduler noise."""

import os

from shelf.service import Service
from shelf.store import Store

UNSTABLE = os.environ.get("WAVEFLOW_EFFORT", "") in {
    s.strip() for s in os.environ.get("WAVEFLOW_DEMO_UNSTABLE_BENCH", "").split(",") if s.strip()
}
ITERATIONS = 40


def fill(store: Store, n: int = 2000) -> int:
    for i in range(n):
        store.add(f"sku-{i % 50}", 1 + i % 3)
    return store.total()


def test_bench_store_fill(benchmark):
    calls = iter(range(10**9))

    def run() -> int:
        if UNSTABLE and next(calls) // ITERATIONS % 2:
            fill(Store(), 6000)  # every other round four times the work: a benchmark nobody can trust
        return fill(Store())

    assert benchmark.pedantic(run, rounds=10, iterations=ITERATIONS, warmup_rounds=3) > 0


def test_bench_protocol_lines(benchmark):
    service = Service()
    lines = [f"add sku-{i % 20} 2" for i in range(500)] + ["total"] * 50

    def run() -> str:
        return [service.handle(line) for line in lines][-1]

    assert benchmark.pedantic(run, rounds=10, iterations=ITERATIONS, warmup_rounds=3).startswith("ok ")
