"""Write a run's report: `report.md`, a self-contained `report.html` and `summary.json` (what the UI lists).

`out_dir` is a local Path or an Airflow ObjectStoragePath; the writer uses only what both offer (`/`, `mkdir`,
`write_text`), so the same call fills a local reports directory or a bucket.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..plan.model import Plan
from ..runner.result import EffortResult
from .outcome import GateOutcome
from .report_html import render_html
from .report_md import render_markdown
from .report_model import RunInfo, RunReport, build_report

__all__ = ["ReportPaths", "RunInfo", "summary", "write_report"]

SUMMARY_NAME = "summary.json"


@dataclass(frozen=True)
class ReportPaths:
    markdown: Any
    html: Any
    summary: Any


def summary(report: RunReport) -> dict[str, Any]:
    """The few facts a list of runs shows, without reading the whole report."""
    statuses: dict[str, int] = {}
    for e in report.efforts:
        key = e.status.split(" ")[0]
        statuses[key] = statuses.get(key, 0) + 1
    return {
        "plan": report.plan.name,
        "title": report.plan.title,
        "dag_id": report.run.dag_id,
        "run_id": report.run.run_id,
        "generated_at": report.generated_at.isoformat(),
        "verdict": report.verdict,
        "makespan_seconds": report.makespan_seconds,
        "efforts": statuses,
        "gates": [{"metric": g.metric, "verdict": g.verdict} for g in report.gates],
    }


def write_report(
    plan: Plan,
    run: RunInfo,
    results: Mapping[str, EffortResult | None],
    outcomes: list[GateOutcome],
    out_dir: Any,
    now: datetime | None = None,
) -> ReportPaths:
    report = build_report(plan, run, results, outcomes, now)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(out_dir / "report.md", out_dir / "report.html", out_dir / SUMMARY_NAME)
    paths.markdown.write_text(render_markdown(report), encoding="utf-8")
    paths.html.write_text(render_html(report), encoding="utf-8")
    paths.summary.write_text(json.dumps(summary(report), indent=1), encoding="utf-8")
    return paths
