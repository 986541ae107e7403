"""Everything the run report shows, computed once; the Markdown and HTML renderers only lay it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ..plan.model import Effort, Plan, Wave, task_id
from ..plan.schedule import Estimate, estimate
from ..runner.result import EffortResult
from .benchmarks import worst_cv
from .outcome import GateOutcome, Verdict
from .report_integration import IntegrationLine, integration_lines
from .timing import Span, duration_text, span_of, window


@dataclass(frozen=True)
class RunInfo:
    """The Airflow run a report describes, and where its pages live in the Airflow UI."""

    dag_id: str
    run_id: str
    ui_base_url: str = ""  # e.g. https://airflow.example.com; empty: links relative to the UI's own host
    effort_states: Mapping[str, str] = field(default_factory=dict)  # effort id -> task state in this run
    problems: Mapping[str, str] = field(default_factory=dict)  # effort id -> why it has no result
    task_ids: Mapping[str, str] = field(default_factory=dict)  # effort id -> full task id (task groups prefix it)
    status_log: str | None = None  # URL or path of the run's status log
    integrations: Mapping[str, EffortResult | None] = field(default_factory=dict)  # each wave's integration result
    integration_states: Mapping[str, str] = field(default_factory=dict)  # integration id -> its task's state
    # What the review task opened (`url`) or wrote (`file`) per pull request; None: the plan asks for none.
    pull_requests: list[dict[str, Any]] | None = None

    @property
    def status_log_is_url(self) -> bool:
        """A path on a worker is no link a reader's browser can follow; it is shown as text instead."""
        return "://" in (self.status_log or "")

    def run_url(self) -> str:
        return f"{self.ui_base_url.rstrip('/')}/dags/{quote(self.dag_id, safe='')}/runs/{quote(self.run_id, safe='')}"

    def task_url(self, effort_id: str) -> str:
        task = self.task_ids.get(effort_id) or task_id(effort_id)
        return f"{self.run_url()}/tasks/{quote(task, safe='')}"


@dataclass(frozen=True)
class IterationLine:
    """One iteration of an effort's agent, as the report's Agents table shows it."""

    effort: str
    profile: str
    model: str
    number: int
    exit_code: str
    tests: str
    gate_misses: str
    cost: str
    tokens: str
    transcript: str


@dataclass(frozen=True)
class EffortLine:
    id: str
    name: str
    wave: int
    branch: str
    status: str
    commits: int | None
    head: str | None
    lines: str
    tests: str
    coverage: str
    benchmark_cv: str
    verdicts: dict[str, Verdict]  # gate metric -> verdict for this effort (or its wave)
    agent: str  # iterations, cost and tokens, in one cell
    iterations: tuple[IterationLine, ...]
    failure: str
    log_url: str
    span: Span | None


@dataclass(frozen=True)
class WaveLine:
    number: int
    name: str
    planned: str
    planned_hours: float
    actual_seconds: float | None
    efforts: list[str]


@dataclass
class RunReport:
    plan: Plan
    run: RunInfo
    generated_at: datetime
    waves: list[WaveLine]
    efforts: list[EffortLine]
    gates: list[GateOutcome]
    estimate: Estimate
    makespan_seconds: float | None
    run_start: datetime | None

    idle: str | None = None  # why no work was done in this run, when none was (see `no_work`)
    integrations: list[IntegrationLine] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # "repo, base_ref at commit" the efforts started from

    @property
    def verdict(self) -> Verdict:
        broken = any(not e.status.startswith(("succeeded", "skipped")) for e in self.efforts)
        broken = broken or any(i.failed for i in self.integrations)
        return "fail" if broken or self.idle or not all(g.passed for g in self.gates) else "pass"

    @property
    def makespan(self) -> str:
        return duration_text(self.makespan_seconds) if self.makespan_seconds is not None else "unknown"


def build_report(
    plan: Plan,
    run: RunInfo,
    results: Mapping[str, EffortResult | None],
    outcomes: list[GateOutcome],
    now: datetime | None = None,
) -> RunReport:
    spans = {eid: s for eid, r in results.items() if (s := span_of(eid, r))}
    est = estimate(plan)
    whole = window(spans.values())
    return RunReport(
        plan=plan,
        run=run,
        generated_at=now or datetime.now(UTC),
        waves=[_wave_line(plan, w, est, spans) for w in plan.waves],
        efforts=[_effort_line(plan, e, run, results, outcomes, spans.get(e.id)) for e in plan.efforts],
        gates=outcomes,
        estimate=est,
        makespan_seconds=(whole[1] - whole[0]).total_seconds() if whole else None,
        run_start=whole[0] if whole else None,
        idle=no_work(results),
        sources=_sources(results),
        integrations=integration_lines(plan, run.integrations, run.integration_states),
    )


def no_work(results: Mapping[str, EffortResult | None]) -> str | None:
    """Why a run whose efforts all succeeded did no work, or None. Efforts that changed nothing and were not
    memoized say their commands did nothing; a run of memoized efforts only says so in the headline instead."""
    done = [r for r in results.values() if r is not None and r.status == "succeeded"]
    if not done or len(done) != len(results) or not all(r.changed_nothing or r.memoized for r in done):
        return None
    if all(r.memoized for r in done):
        return None
    idle = ", ".join(r.effort for r in done if r.changed_nothing)
    return f"no effort changed anything in this run (0 commits, 0 lines: {idle}): check the implement command"


def _sources(results: Mapping[str, EffortResult | None]) -> list[str]:
    seen: dict[str, None] = {}
    for r in results.values():
        if r is not None:
            commit = f" at {r.base_commit[:12]}" if r.base_commit else ""
            seen[f"{r.repo or 'repository unknown'}, {r.base_ref}{commit}"] = None
    return list(seen)


def _wave_line(plan: Plan, wave: Wave, est: Estimate, spans: Mapping[str, Span]) -> WaveLine:
    ids = [e.id for e in plan.wave_efforts(wave.number)]
    planned_hours = max((est.starts[i] + est.hours[i] for i in ids), default=0.0) - min(
        (est.starts[i] for i in ids), default=0.0
    )
    planned = f"{planned_hours:.1f} h (estimate)"
    if wave.duration:
        d = wave.duration
        planned = f"{d.min_hours:g}–{d.max_hours:g} h" if d.max_hours != d.min_hours else f"{d.min_hours:g} h"
    actual = window(s for i, s in spans.items() if i in ids)
    seconds = (actual[1] - actual[0]).total_seconds() if actual else None
    return WaveLine(wave.number, wave.name, planned, planned_hours, seconds, ids)


def _effort_line(
    plan: Plan,
    effort: Effort,
    run: RunInfo,
    results: Mapping[str, EffortResult | None],
    outcomes: list[GateOutcome],
    span: Span | None,
) -> EffortLine:
    result = results.get(effort.id)
    verdicts: dict[str, Verdict] = {}
    for outcome in outcomes:
        row = outcome.row_for(effort.id) or outcome.row_for(f"wave {effort.wave}")
        if row:
            verdicts[outcome.metric] = row.verdict
    return EffortLine(
        id=effort.id,
        name=effort.name,
        wave=effort.wave,
        branch=result.branch if result else plan.branch_of(effort),
        status=_status(effort.id, result, run, taking_part=effort.id in results)
        + (" — changed nothing (0 commits, 0 lines)" if result and result.changed_nothing else ""),
        commits=len(result.commits) if result else None,
        head=result.head[:12] if result and result.head else None,
        lines=_lines(result),
        tests=_tests(result),
        coverage=_coverage(result),
        benchmark_cv=_cv(result),
        verdicts=verdicts,
        agent=agent_text(result),
        iterations=_iterations(effort.id, result),
        failure=_failure(effort.id, result, run),
        log_url=run.task_url(effort.id),
        span=span,
    )


def _status(effort_id: str, result: EffortResult | None, run: RunInfo, taking_part: bool) -> str:
    if result is not None:
        return f"{result.status} (memoized)" if result.memoized else result.status
    state = run.effort_states.get(effort_id)
    if not taking_part:
        return "skipped" if state in (None, "skipped") else state
    return f"no result ({state})" if state else "no result"


def _lines(result: EffortResult | None) -> str:
    if result is None or result.metrics.pr_size is None:
        return "—"
    m = result.metrics
    return f"{m.pr_size} (+{m.lines_added} −{m.lines_deleted})"


def _tests(result: EffortResult | None) -> str:
    if result is None or (result.metrics.tests_passed is None and result.metrics.tests_failed is None):
        return "—"
    return f"{result.metrics.tests_passed or 0} passed, {result.metrics.tests_failed or 0} failed"


def _coverage(result: EffortResult | None) -> str:
    if result is None or result.metrics.coverage_percent is None:
        return "—"
    return f"{result.metrics.coverage_percent:.1f}%"


def _cv(result: EffortResult | None) -> str:
    worst = worst_cv(result) if result else None
    return f"{worst[0]:.2f}%" if worst else "—"


def _tokens(tokens_in: int | None, tokens_out: int | None) -> str:
    if tokens_in is None and tokens_out is None:
        return "—"
    return f"{tokens_in or 0:,} in, {tokens_out or 0:,} out"


def _cost(cost: float | None) -> str:
    return "—" if cost is None else f"${cost:.2f}"


def agent_text(result: EffortResult | None) -> str:
    """An effort agent's iterations, cost and tokens in one phrase."""
    agent = result.agent if result else None
    if agent is None:
        return "—"
    n = len(agent.iterations)
    parts = [f"{n} of {agent.max_iterations} iteration{'s' if agent.max_iterations != 1 else ''}"]
    if agent.cost_usd is not None:
        parts.append(_cost(agent.cost_usd))
    if agent.tokens_in is not None or agent.tokens_out is not None:
        parts.append(_tokens(agent.tokens_in, agent.tokens_out) + " tokens")
    return ", ".join(parts)


def _iterations(effort_id: str, result: EffortResult | None) -> tuple[IterationLine, ...]:
    agent = result.agent if result else None
    if agent is None:
        return ()
    return tuple(
        IterationLine(
            effort=effort_id,
            profile=agent.profile + (f" ({agent.adapter})" if agent.adapter else ""),
            model=it.model or agent.model or "—",
            number=it.number,
            exit_code="time-out or not run" if it.exit_code is None else str(it.exit_code),
            tests="—"
            if it.tests_passed is None and it.tests_failed is None
            else f"{it.tests_passed or 0} passed, {it.tests_failed or 0} failed",
            gate_misses="; ".join(it.gate_misses) or "—",
            cost=_cost(it.cost_usd),
            tokens=_tokens(it.tokens_in, it.tokens_out),
            transcript=it.transcript or "—",
        )
        for it in agent.iterations
    )


def _failure(effort_id: str, result: EffortResult | None, run: RunInfo) -> str:
    if result is None:
        return run.problems.get(effort_id, "")
    if result.status != "failed":
        return ""
    step = f"{result.failed_step}: " if result.failed_step else ""
    return step + (result.failure_reason or "failed without a reason")
