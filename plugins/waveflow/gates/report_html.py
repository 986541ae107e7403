"""The run report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched from elsewhere.

It must open from object storage, a mail attachment or an iframe in the Airflow UI alike, so it loads nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from .gantt import render_gantt
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

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d1d1f;max-width:1300px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:18px 0 6px}
.meta{color:#555}table{border-collapse:collapse;margin:6px 0 12px}
th,td{border:1px solid #d8d8d8;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6}
code{font-size:12px}.verdict{display:inline-block;padding:1px 8px;border-radius:9px;font-weight:600;font-size:12px}
.v-pass{background:#dff3e4;color:#1d6b34}.v-fail{background:#fadcd9;color:#9b2419}
.v-no-data{background:#ececec;color:#555}.headline{font-size:15px;margin:10px 0}
.failure{color:#9b2419}details{margin:4px 0 10px}.gantt{max-width:100%;height:auto}
"""


def _verdict(verdict: str | None) -> str:
    if verdict is None:
        return "—"
    css = "v-" + verdict.replace(" ", "-")
    return f'<span class="verdict {css}">{escape(verdict)}</span>'


def _table(header: Sequence[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """Cells arrive as HTML already; the callers escape text."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def render_html(report: RunReport) -> str:
    plan, run = report.plan, report.run
    links = [_link(run.run_url(), "Run in Airflow"), _link("report.md", "Markdown")]
    if run.status_log and run.status_log_is_url:
        links.append(_link(run.status_log, "Status log"))
    elif run.status_log:
        links.append(f"Status log: <code>{escape(run.status_log)}</code>")
    efforts = _table(
        (*EFFORT_HEADER, "Failure", "Log"),
        (
            (
                *(escape(c) for c in effort_cells(e)),
                f'<span class="failure">{escape(e.failure)}</span>' if e.failure else "—",
                _link(e.log_url, "task log"),
            )
            for e in report.efforts
        ),
        "efforts",
    )
    iterations = [iteration_cells(it) for e in report.efforts for it in e.iterations]
    agents = ""
    if iterations:
        # A transcript is its copy in the run's storage (a pod's stays in the pod): a path or a storage URL such as
        # s3://..., which a browser cannot open: shown as text, not as a link.
        rows = ((*(escape(c) for c in r[:-1]), f"<code>{escape(r[-1])}</code>") for r in iterations)
        agents = "<h2>Agents</h2>\n" + _table(ITERATION_HEADER, rows, "agents")
    integration = ""
    if report.integrations:
        merged = ((escape(c) for c in integration_cells(i)) for i in report.integrations)
        integration = "<h2>Integration</h2>\n" + _table(INTEGRATION_HEADER, merged, "integration")
    if report.run.pull_requests:
        pr_rows: list[tuple[str, ...]] = []
        for pr in report.run.pull_requests:
            *cells, where = pull_request_cells(pr)
            link = _link(str(pr["url"]), f"#{pr.get('number')}") if pr.get("url") else escape(where)
            pr_rows.append((*(escape(c) for c in cells), link))
        integration += "\n<h2>Pull requests</h2>\n" + _table(PULL_REQUEST_HEADER, pr_rows, "pull-requests")
    matrix = _table(
        ("Effort", *(g.metric for g in report.gates)),
        ((escape(e.id), *(_verdict(e.verdicts.get(g.metric)) for g in report.gates)) for e in report.efforts),
        "verdicts",
    )
    gates = []
    for gate in report.gates:
        summary = f"{escape(gate.metric)} <code>{escape(gate.target)}</code> {_verdict(gate.verdict)}"
        if gate.error:
            detail = f'<p class="failure">{escape(gate.error)}</p>'
        else:
            rows = ((r.effort, r.shown, r.target, _verdict(r.verdict), r.note) for r in gate.rows)
            detail = _table(
                GATE_ROW_HEADER, ((escape(a), escape(b), escape(c), v, escape(n)) for a, b, c, v, n in rows)
            )
        is_open = " open" if not gate.passed else ""
        gates.append(f'<details class="gate"{is_open}><summary>{summary}</summary>{detail}</details>')
    title = escape(plan.title or plan.name)
    sources = "; ".join(f"<code>{escape(s)}</code>" for s in report.sources) or "no effort reported its repository"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: run {escape(run.run_id)}</title>
<style>{CSS}</style></head>
<body>
<h1>Run report: {title}</h1>
<p class="meta">Plan <code>{escape(plan.name)}</code> · DAG <code>{escape(run.dag_id)}</code> ·
run <code id="run-id">{escape(run.run_id)}</code> · generated {report.generated_at:%Y-%m-%d %H:%M:%S} UTC</p>
<p class="meta" id="sources">Started from: {sources}</p>
<p class="headline" id="verdict">{_verdict(report.verdict)} {escape(headline(report))}</p>
<p>{" · ".join(links)}</p>
<h2>Waves: planned and actual</h2>
<p id="schedule">{escape(schedule_text(report))}</p>
{_table(WAVE_HEADER, ((escape(c) for c in wave_cells(w)) for w in report.waves), "waves")}
{render_gantt(report)}
<h2>Efforts</h2>
{efforts}
{agents}
{integration}
<h2>Gate verdicts by effort</h2>
{matrix}
<h2>Gates</h2>
{"".join(gates)}
</body></html>
"""
