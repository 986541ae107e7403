"""The report's Integration section: per wave, what its integration merged and in which order, the conflicts and how
they ended, the merged tree's tests, and the branch it advanced. Only what the integration's own result says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..plan.model import Plan, integration_id
from ..runner.result import EffortResult

INTEGRATION_HEADER = ("Wave", "Branch", "Status", "Merged, in order", "Conflicts", "Tests", "Advanced")


@dataclass(frozen=True)
class IntegrationLine:
    wave: int
    branch: str
    status: str
    merged: str
    conflicts: str
    tests: str
    published: str

    @property
    def failed(self) -> bool:
        return self.status.startswith(("failed", "upstream_failed"))


def integration_lines(
    plan: Plan, results: Mapping[str, EffortResult | None], states: Mapping[str, str]
) -> list[IntegrationLine]:
    if plan.integration is None:
        return []
    lines = []
    for wave in sorted(plan.waves, key=lambda w: w.number):
        key = integration_id(wave.number)
        if key not in states:
            continue
        result = results.get(key)
        lines.append(_line(wave.number, plan.integration_branch(wave.number), states[key], result))
    return lines


def _line(wave: int, branch: str, state: str, r: EffortResult | None) -> IntegrationLine:
    if r is None:
        return IntegrationLine(wave, branch, state if state != "none" else "did not run", "—", "—", "—", "—")
    status = "succeeded" if r.status == "succeeded" else f"failed at {r.failed_step}: {r.failure_reason}"
    if r.awaiting_person and r.status == "succeeded":
        status = "stopped at a conflict, left for a person"
    if r.memoized:
        status += " (memoized)"
    merged = ", ".join(
        f"{m.effort} `{m.commit[:8]}`" + (" (already held)" if m.already else "") for m in r.merged
    )  # the order they were merged in
    conflicts = "; ".join(f"{c.file}: {' and '.join(c.efforts)}, {c.resolution}" for c in r.conflicts)
    m = r.metrics
    tests = (
        "—"
        if m.tests_passed is None and m.tests_failed is None
        else f"{m.tests_passed or 0} passed, {m.tests_failed or 0} failed"
    )
    head = f" at `{r.head[:8]}`" if r.head else ""
    published = f"{r.published}{head}" if r.published else "—"
    return IntegrationLine(wave, branch, status, merged or "nothing to merge", conflicts or "none", tests, published)


def integration_cells(line: IntegrationLine) -> tuple[str, ...]:
    return (str(line.wave), line.branch, line.status, line.merged, line.conflicts, line.tests, line.published)
