"""Benchmarks timed against a reference loop run alternately with them, in the same process.

A shared host speeds up and slows down a guest's cores by up to a factor of two within seconds, so raw per-round
times vary far more than the code does. Each iteration times the reference loop and then the benchmarked call; a
round's figure is their ratio (the call's cost in reference loops), which a slower machine changes on both sides
alike. Results are printed in the Go benchmark data format (`BenchmarkName N value unit`), which any tool can read:
one line per round, the ratio first and the round's CPU time per call second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CLOCK = time.process_time  # CPU time: waiting for a core is not the code's cost


def reference() -> int:
    """A fixed mix of the kinds of work the benchmarks do: formatting, splitting, calls, dict updates."""
    counts: dict[str, int] = {}
    for i in range(1000):
        _, key, amount = f"add ref-{i % 50} {1 + i % 3}".split()
        bump(counts, key, int(amount))
    return sum(counts.values())


def bump(counts: dict[str, int], key: str, amount: int) -> None:
    counts[key] = counts.get(key, 0) + amount


def measure(call: Callable[[int], object], *, rounds: int, iterations: int, warmup: int = 3) -> list[str]:
    """Benchmark lines for `call(n)`, n counting every call from 0; warm-up rounds are timed but not reported."""
    lines, n = [], 0
    for r in range(warmup + rounds):
        spent_ref = spent_call = 0.0
        for _ in range(iterations):
            t0 = CLOCK()
            reference()
            t1 = CLOCK()
            call(n)
            t2 = CLOCK()
            spent_ref, spent_call, n = spent_ref + t1 - t0, spent_call + t2 - t1, n + 1
        if r >= warmup:
            ratio, ns = spent_call / spent_ref, 1e9 * spent_call / iterations
            lines.append(f"{iterations} {ratio:.4f} ref/op {ns:.0f} ns/op")
    return lines
