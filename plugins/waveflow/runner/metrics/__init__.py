"""Metric collectors: each reads the files the tests left (or their output) and fills its part of `Metrics`.

A collector never raises for bad input: a missing or malformed report becomes `metrics.unavailable[name] = why`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..result import Metrics
from . import bench, chaos, coverage, docs, junit, prsize
from .evidence import Evidence

Collector = Callable[[Evidence, Metrics], None]

# name in `metrics.unavailable` -> collector
COLLECTORS: dict[str, Collector] = {
    "tests": junit.collect,
    "coverage": coverage.collect,
    "benchmarks": bench.collect,
    "chaos": chaos.collect,
    "docs": docs.collect,
    "pr_size": prsize.collect,
}


def collect(evidence: Evidence, only: tuple[str, ...] | None = None) -> Metrics:
    metrics = Metrics()
    for name, collector in COLLECTORS.items():
        if only is not None and name not in only:
            continue
        try:
            collector(evidence, metrics)
        except Exception as exc:  # a collector bug must not cost the effort its result
            metrics.unavailable[name] = f"collector failed: {type(exc).__name__}: {exc}"
    return metrics
