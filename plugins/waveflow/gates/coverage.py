"""Test Coverage: each effort's line coverage, and the run's overall figure."""

from __future__ import annotations

from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, judge, per_effort, require_target, unavailable
from .outcome import Row

SCALE = Scale(default_op=">=", perfect=100.0, units=frozenset({"%", ""}))


def measure(result: EffortResult) -> tuple[float | None, str, str]:
    value = result.metrics.coverage_percent
    if value is None:
        return None, "", unavailable(result, "coverage_percent", "coverage")
    return value, f"{value:.1f}%", f"coverage {value:.1f}%"


def overall(results: list[EffortResult]) -> tuple[float, str] | None:
    """Coverage of the whole run: the efforts' figures weighted by lines added, a plain mean if any lacks a size.

    Weighting by size keeps a 10-line effort at 100% from hiding a 700-line one at 60%.
    """
    measured = [r for r in results if r.metrics.coverage_percent is not None]
    if not measured:
        return None
    weights = [r.metrics.lines_added for r in measured]
    if all(w for w in weights):
        total = sum(w for w in weights if w)
        value = sum((r.metrics.coverage_percent or 0.0) * (w or 0) for r, w in zip(measured, weights, strict=True))
        return value / total, f"mean of {len(measured)} weighted by lines added"
    return sum(r.metrics.coverage_percent or 0.0 for r in measured) / len(measured), f"mean of {len(measured)}"


def evaluate(ctx: GateContext) -> list[Row]:
    rows = per_effort(ctx, SCALE, measure)
    whole = overall([r for _, r in ctx.in_plan_order() if r is not None])
    target = require_target(ctx)
    if whole is None:
        rows.append(judge("overall", None, "", "no effort reported coverage", target, SCALE))
    else:
        value, how = whole
        rows.append(judge("overall", value, f"{value:.1f}% ({how})", how, target, SCALE))
    return rows
