"""The pull requests a run asks reviewers to look at, as plain records: which branch into which, the title, and a body
that says what the plan asked (the brief, the acceptance criteria) and what the run measured (tests, coverage, size,
each gate's verdict, the agent's iterations and cost), with the report's link. Only efforts that succeeded get one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..plan.counting import count
from ..plan.model import Effort, Plan, integration_id
from ..runner.result import EffortResult
from .outcome import GateOutcome
from .report_model import agent_text

MARKER = "<!-- waveflow -->"  # ends every body: a reviewer can tell what the run wrote from what people added


@dataclass(frozen=True)
class PullRequest:
    head: str
    base: str
    title: str
    body: str
    ready: bool  # every gate of the run passed: ready for review; else a draft
    efforts: tuple[str, ...]


def pull_requests(
    plan: Plan,
    results: Mapping[str, EffortResult | None],
    integrations: Mapping[str, EffortResult | None],
    outcomes: list[GateOutcome],
    report_url: str,
    run_id: str,
) -> list[PullRequest]:
    if plan.review is None:
        return []
    ready = all(o.passed for o in outcomes)
    prs: list[PullRequest] = []
    footer = _footer(outcomes, report_url, run_id)
    succeeded = {e: r for e, r in results.items() if r is not None and r.status == "succeeded"}
    if plan.review.per == "effort":
        prs = []
        for e in plan.efforts:
            if r := succeeded.get(e.id):
                body = _effort_section(e, r, outcomes, 2) + footer
                prs.append(PullRequest(r.branch, r.base_ref, f"{e.id}: {e.name}", body, ready, (e.id,)))
        return prs
    for wave in sorted(plan.waves, key=lambda w: w.number):
        merged = integrations.get(integration_id(wave.number))
        if merged is None or merged.status != "succeeded":
            continue
        efforts = [e for e in plan.wave_efforts(wave.number) if e.id in succeeded]
        together = f"{count(len(efforts), 'effort')}, merged and tested together"
        intro = f"Wave {wave.number} of {plan.title or plan.name}: {together}."
        body = intro + "\n\n" + "".join(_effort_section(e, succeeded[e.id], outcomes, 3) for e in efforts) + footer
        title = f"Wave {wave.number}: {wave.name}"
        prs.append(PullRequest(merged.branch, plan.base_ref, title, body, ready, tuple(e.id for e in efforts)))
    return prs


def _effort_section(effort: Effort, r: EffortResult, outcomes: list[GateOutcome], level: int) -> str:
    h = "#" * level
    m = r.metrics
    lines = [f"{h} {effort.id}: {effort.name}", "", effort.brief.strip() or "(the plan gives no brief)", ""]
    if effort.acceptance:
        lines += ["Acceptance criteria:", *[f"- {a}" for a in effort.acceptance], ""]
    tests = f"{m.tests_passed or 0} passed, {m.tests_failed or 0} failed" if m.tests_passed is not None else "not run"
    coverage = f"{m.coverage_percent:.1f}%" if m.coverage_percent is not None else "not measured"
    size = f"+{m.lines_added} −{m.lines_deleted}" if m.pr_size is not None else "not measured"
    lines += [
        f"- Tests: {tests}; coverage: {coverage}; size: {size} lines; commits: {len(r.commits)}",
        f"- Agent: {agent_text(r)}",
    ]
    verdicts = [(o.metric, row.shown, row.target, row.verdict) for o in outcomes if (row := o.row_for(effort.id))]
    if verdicts:
        lines += ["", "| Gate | Measured | Target | Verdict |", "|---|---|---|---|"]
        lines += [f"| {metric} | {shown} | {target} | {verdict} |" for metric, shown, target, verdict in verdicts]
    return "\n".join(lines) + "\n\n"


def _footer(outcomes: list[GateOutcome], report_url: str, run_id: str) -> str:
    failed = [o.metric for o in outcomes if not o.passed]
    state = f"Draft: gates failed in this run: {', '.join(failed)}." if failed else "Every gate of the run passed."
    return f"{state}\n\nRun `{run_id}` · report: {report_url}\n\n{MARKER}\n"


PULL_REQUEST_HEADER = ("Efforts", "Head", "Base", "State", "Pull request")


def pull_request_cells(pr: dict[str, object]) -> tuple[str, ...]:
    """One pull request the review task opened (`url`) or, on a dry run, wrote (`file`)."""
    efforts = pr.get("efforts")
    state = "draft" if pr.get("draft") else "ready for review"
    where = str(pr.get("url") or f"not opened (dry run): {pr.get('file')}")
    return (", ".join(map(str, efforts)) if isinstance(efforts, list) else "—", str(pr.get("head")),
            str(pr.get("base")), state, where)  # fmt: skip
