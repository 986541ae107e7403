"""Benchmark samples and their coefficient of variation, from pytest-benchmark JSON or benchmark lines in the output.

Benchmark lines are the Go benchmark data format (`go test -bench -count N` writes it, other tools and languages can):
`BenchmarkName[-procs] <iterations> <value> <unit> [<value> <unit>...]`, one line per sample; the first value is
the sample (`ns/op` in Go's own output, whatever the writer measures first otherwise). The CV (sample standard
deviation over mean, in %) says how stable a benchmark is; the metric is the largest CV of any benchmark with at
least two samples.
"""

from __future__ import annotations

import re
import statistics

from ..result import Metrics
from . import gotest
from .evidence import Evidence

MAX_SAMPLES_KEPT = 200  # per benchmark in the result; the CV uses them all
_BENCH_LINE = re.compile(r"^(Benchmark\S*?)(?:-\d+)?\s+\d+\s+(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+\S+")


def from_output(output: str) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for line in gotest.text(output).splitlines():
        m = _BENCH_LINE.match(line)
        if m:
            samples.setdefault(m.group(1), []).append(float(m.group(2)))
    return samples


def from_pytest_benchmark(data: dict[str, object]) -> dict[str, tuple[list[float], float | None]]:
    """name -> (samples, CV %); the samples are per-round times when the run saved them (--benchmark-save-data)."""
    benchmarks = data.get("benchmarks")
    if not isinstance(benchmarks, list):
        raise ValueError("`benchmarks` is not a list")
    found: dict[str, tuple[list[float], float | None]] = {}
    for b in benchmarks:
        if not isinstance(b, dict) or not isinstance(b.get("stats"), dict):
            raise ValueError("a benchmark without `stats`")
        stats = b["stats"]
        name = str(b.get("fullname") or b.get("name"))
        data_points = [float(x) for x in stats.get("data") or []]
        mean, stddev = stats.get("mean"), stats.get("stddev")
        if len(data_points) >= 2:
            found[name] = (data_points, cv(data_points))
        elif isinstance(mean, int | float) and isinstance(stddev, int | float) and mean > 0:
            found[name] = (data_points, 100.0 * stddev / mean)
        else:
            found[name] = (data_points, None)
    return found


def cv(samples: list[float]) -> float | None:
    if len(samples) < 2:
        return None
    mean = statistics.fmean(samples)
    return 100.0 * statistics.stdev(samples) / mean if mean > 0 else None


def collect(evidence: Evidence, metrics: Metrics) -> None:
    cvs: dict[str, float | None] = {}
    samples: dict[str, list[float]] = {}
    sources: list[str] = []
    problems: list[str] = []
    reports, _ = evidence.json_reports("benchmarks")
    for path, data in reports:
        try:
            parsed = from_pytest_benchmark(data)
        except (ValueError, TypeError) as exc:
            problems.append(f"{evidence.show(path)}: {exc}")
            continue
        for name, (points, value) in parsed.items():
            samples[name], cvs[name] = points, value
        sources.append(f"{evidence.show(path)} (pytest-benchmark JSON)")
    lines = from_output(evidence.test_output)
    for name, points in lines.items():
        samples[name], cvs[name] = points, cv(points)
    if lines:
        sources.append("benchmark lines in the test output")
    if not cvs:
        why = "no pytest-benchmark JSON and no benchmark lines (Go benchmark format) in the test output"
        metrics.unavailable["benchmarks"] = why + (f" ({'; '.join(problems)})" if problems else "")
        return
    metrics.benchmark_samples = {name: points[:MAX_SAMPLES_KEPT] for name, points in samples.items() if points}
    metrics.sources["benchmarks"] = ", ".join(sources)
    known = [v for v in cvs.values() if v is not None]
    if known:
        metrics.benchmark_cv_percent = round(max(known), 3)
    else:
        metrics.unavailable["benchmarks"] = "every benchmark has a single sample: run with -count >= 2 or more rounds"
