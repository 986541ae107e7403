"""Sentences and table rows the Markdown and HTML reports share, as plain text (each renderer escapes its own way)."""

from __future__ import annotations

from .report_model import EffortLine, IterationLine, RunReport, WaveLine
from .timing import duration_text

EFFORT_HEADER = ("Effort", "Wave", "Branch", "Status", "Commits", "Lines", "Tests", "Coverage", "Benchmark CV", "Agent")
ITERATION_HEADER = ("Effort", "Agent", "Model", "Iteration", "Exit", "Tests", "Gates missed", "Cost", "Tokens",
                    "Transcript")  # fmt: skip
WAVE_HEADER = ("Wave", "Name", "Efforts", "Planned", "Actual")
GATE_ROW_HEADER = ("Effort", "Value", "Target", "Verdict", "Note")


def headline(report: RunReport) -> str:
    failed = [g for g in report.gates if not g.passed]
    broken = [e.id for e in report.efforts if not e.status.startswith(("succeeded", "skipped"))]
    parts = [report.idle] if report.idle else []
    if broken:
        parts.append(f"efforts without success: {', '.join(broken)}")
    if failed_waves := [str(i.wave) for i in report.integrations if i.failed]:
        parts.append(f"integration failed in wave {', '.join(failed_waves)}")
    if failed:
        parts.append("gates failed: " + "; ".join(f"{g.metric} ({', '.join(g.failing) or g.error})" for g in failed))
    if parts:
        return "; ".join(parts)
    if report.efforts and all(e.status.endswith("(memoized)") or e.status == "skipped" for e in report.efforts):
        return "every effort was memoized (its recorded result reused; no work done in this run) and every gate passed"
    return "every effort succeeded and every gate passed"


def schedule_text(report: RunReport) -> str:
    est = report.estimate
    path = " → ".join(est.critical_path) or "none"
    text = (
        f"Critical path estimate: {path}, {est.critical_hours:.1f} h; "
        f"{est.parallel_hours:.1f} h with {est.agents} agents. Real makespan: {report.makespan}"
    )
    if report.makespan_seconds is not None and est.parallel_hours:
        text += f" ({report.makespan_seconds / 3600 / est.parallel_hours:.1%} of the estimate)"
    return text + "."


def wave_cells(wave: WaveLine) -> tuple[str, ...]:
    actual = duration_text(wave.actual_seconds) if wave.actual_seconds is not None else "—"
    return (str(wave.number), wave.name, ", ".join(wave.efforts), wave.planned, actual)


def effort_cells(effort: EffortLine) -> tuple[str, ...]:
    commits = "—" if effort.commits is None else str(effort.commits)
    if effort.head:
        commits += f" ({effort.head})"
    return (
        f"{effort.id} {effort.name}",
        str(effort.wave),
        effort.branch,
        effort.status,
        commits,
        effort.lines,
        effort.tests,
        effort.coverage,
        effort.benchmark_cv,
        effort.agent,
    )


def iteration_cells(it: IterationLine) -> tuple[str, ...]:
    return (it.effort, it.profile, it.model, str(it.number), it.exit_code, it.tests, it.gate_misses, it.cost,
            it.tokens, it.transcript)  # fmt: skip
