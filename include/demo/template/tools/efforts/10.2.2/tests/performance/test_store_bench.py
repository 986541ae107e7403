"""Benchmarks of the store and the protocol, each round's cost relative to a reference loop (see relative.py)."""

import os

import pytest
from relative import measure
from shelf.service import Service
from shelf.store import Store

UNSTABLE = os.environ.get("WAVEFLOW_EFFORT", "") in {
    s.strip() for s in os.environ.get("WAVEFLOW_DEMO_UNSTABLE_BENCH", "").split(",") if s.strip()
}
ROUNDS, ITERATIONS = 10, 40


@pytest.fixture
def report(capsys):
    """Print benchmark lines past pytest's capture, each on a line of its own, where the runner reads them."""

    def write(name: str, lines: list[str]) -> None:
        with capsys.disabled():
            print("\n" + "\n".join(f"{name} {line}" for line in lines), flush=True)

    return write


def fill(store: Store, n: int = 2000) -> int:
    for i in range(n):
        store.add(f"sku-{i % 50}", 1 + i % 3)
    return store.total()


def test_bench_store_fill(report):
    def run(n: int) -> int:
        if UNSTABLE and n // ITERATIONS % 2:
            fill(Store(), 6000)  # every other round four times the work: a benchmark nobody can trust
        return fill(Store())

    assert fill(Store()) > 0
    report("BenchmarkStoreFill", measure(run, rounds=ROUNDS, iterations=ITERATIONS))


def test_bench_protocol_lines(report):
    service = Service()
    lines = [f"add sku-{i % 20} 2" for i in range(500)] + ["total"] * 50

    def run(n: int) -> str:
        return [service.handle(line) for line in lines][-1]

    assert run(0).startswith("ok ")
    report("BenchmarkProtocolLines", measure(run, rounds=ROUNDS, iterations=ITERATIONS))
