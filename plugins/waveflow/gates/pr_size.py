"""PR Size: lines added plus lines deleted by each effort's branch."""

from __future__ import annotations

from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, per_effort, unavailable
from .outcome import Row

SCALE = Scale(default_op="<=", perfect=0.0, units=frozenset({"lines", ""}))


def measure(result: EffortResult) -> tuple[float | None, str, str]:
    size = result.metrics.pr_size
    if size is None:
        return None, "", unavailable(result, "lines_added", "lines_deleted", "pr_size", "lines")
    m = result.metrics
    return float(size), f"{size} lines", f"{size} lines (+{m.lines_added} -{m.lines_deleted})"


def evaluate(ctx: GateContext) -> list[Row]:
    return per_effort(ctx, SCALE, measure)
