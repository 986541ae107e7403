"""The run report as Markdown: readable as plain text in a log, a PR comment or a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .pull_requests import PULL_REQUEST_HEADER, pull_request_cells
from .report_integration import INTEGRATION_HEADER, integration_cells
from .report_model import RunReport
from .report_text import (
    EFFORT_HEADER,
    GATE_ROW_HEADER,
    ITERATION_HEADER,
    WAVE_HEADER,
    effort_cells,
    headline,
    iteration_cells,
    schedule_text,
    wave_cells,
)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or " "


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _agents(report: RunReport) -> list[str]:
    """Each iteration of every effort's agent; a transcript is its copy in the run's storage (local backend) or a file
    of the pod that is gone with it."""
    rows = [iteration_cells(it) for e in report.efforts for it in e.iterations]
    if not rows:
        return []
    return ["## Agents", "", *_table(ITERATION_HEADER, ((*r[:-1], f"`{r[-1]}`") for r in rows))]


def _integration(report: RunReport) -> list[str]:
    out = []
    if report.integrations:
        out += ["## Integration", "", *_table(INTEGRATION_HEADER, (integration_cells(i) for i in report.integrations))]
    prs = report.run.pull_requests
    if prs is not None:
        rows = (pull_request_cells(pr) for pr in prs)
        out += [
            "## Pull requests",
            "",
            *(_table(PULL_REQUEST_HEADER, rows) if prs else ["None: no effort succeeded.", ""]),
        ]
    return out


def render_markdown(report: RunReport) -> str:
    plan, run = report.plan, report.run
    links = [f"[Run in Airflow]({run.run_url()})"]
    if run.status_log:
        links.append(f"[Status log]({run.status_log})" if run.status_log_is_url else f"Status log: `{run.status_log}`")
    out = [
        f"# Run report: {plan.title or plan.name}",
        "",
        f"Plan `{plan.name}` · DAG `{run.dag_id}` · run `{run.run_id}` · "
        f"generated {report.generated_at:%Y-%m-%d %H:%M:%S} UTC",
        "",
        "Started from: " + ("; ".join(f"`{s}`" for s in report.sources) or "no effort reported its repository"),
        "",
        f"**Verdict: {report.verdict.upper()}**: {headline(report)}",
        "",
        " · ".join(links),
        "",
        "## Waves: planned and actual",
        "",
        schedule_text(report),
        "",
        *_table(WAVE_HEADER, (wave_cells(w) for w in report.waves)),
        "## Efforts",
        "",
        *_table(
            (*EFFORT_HEADER, "Failure", "Log"),
            ((*effort_cells(e), e.failure or "—", f"[log]({e.log_url})") for e in report.efforts),
        ),
        *_agents(report),
        *_integration(report),
        "## Gate verdicts by effort",
        "",
        *_table(
            ("Effort", *(g.metric for g in report.gates)),
            ((e.id, *(e.verdicts.get(g.metric, "—") for g in report.gates)) for e in report.efforts),
        ),
        "## Gates",
        "",
    ]
    for gate in report.gates:
        out += [f"### {gate.metric} ({gate.target}): {gate.verdict.upper()}", ""]
        if gate.error:
            out += [gate.error, ""]
        else:
            out += _table(GATE_ROW_HEADER, ((r.effort, r.shown, r.target, r.verdict, r.note) for r in gate.rows))
    return "\n".join(out).rstrip() + "\n"
