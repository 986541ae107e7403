"""Benchmark Stability: the coefficient of variation (stdev / mean) of each benchmark's samples.

Plans say "variance"; what they mean is spread relative to the mean, which is what makes figures comparable across
benchmarks of different magnitudes, so the gate reads the CV. An effort's value is its least stable benchmark.
"""

from __future__ import annotations

import statistics

from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, per_effort, unavailable
from .outcome import Row

SCALE = Scale(default_op="<=", perfect=0.0, units=frozenset({"%", ""}))


def cv_percent(samples: list[float]) -> float | None:
    """Sample CV in percent; None with fewer than two samples or a zero mean, where it means nothing."""
    if len(samples) < 2:
        return None
    mean = statistics.fmean(samples)
    if mean == 0:
        return None
    return 100.0 * statistics.stdev(samples) / abs(mean)


def worst_cv(result: EffortResult) -> tuple[float, str] | None:
    """The largest CV among the effort's benchmarks and its name; the runner's own figure if it sent no samples."""
    cvs = [(cv, name) for name, s in result.metrics.benchmark_samples.items() if (cv := cv_percent(s)) is not None]
    if cvs:
        return max(cvs)
    if result.metrics.benchmark_cv_percent is not None:
        return result.metrics.benchmark_cv_percent, "reported by the runner"
    return None


def measure(result: EffortResult) -> tuple[float | None, str, str]:
    worst = worst_cv(result)
    if worst is None:
        why = "fewer than two samples per benchmark" if result.metrics.benchmark_samples else ""
        return None, "", why or unavailable(result, "benchmark_samples", "benchmark_cv_percent", "benchmarks")
    cv, name = worst
    how = "alone on the machine" if result.tested_alone else "machine shared"
    return cv, f"CV {cv:.2f}% ({how})", f"{name}: CV {cv:.2f}% ({sampled(result)})"


def sampled(result: EffortResult) -> str:
    """How the samples were taken: a CV measured while other efforts loaded the same cores says little."""
    if result.tested_alone:
        waited = result.timing.waited.get("test")
        return "measured alone on the machine" + (f", after waiting {waited:.0f}s for it" if waited else "")
    return "measured while other efforts may have shared the machine: mark the effort `exclusive`"


def evaluate(ctx: GateContext) -> list[Row]:
    return per_effort(ctx, SCALE, measure)
