"""The report's timeline: an inline SVG Gantt chart, planned beside actual, one row per wave and per effort.

Plans are estimated in hours while a run may take minutes, so the two panels share rows but not a time scale: each is
scaled to its own makespan, and each has its own axis. Bars carry a <title>, which browsers show on hover without JS.
"""

from __future__ import annotations

import math
from html import escape

from .report_model import RunReport
from .timing import duration_text

LABEL_W, PANEL_W, GAP, ROW_H, TOP = 230, 330, 50, 24, 48
COLORS = {"planned": "#8da2c0", "succeeded": "#3f9d5a", "failed": "#c8473d", "other": "#a0a0a0"}


def nice_step(total: float, most: int = 5) -> float:
    """A 1, 2 or 5 times a power of ten step that cuts `total` into at most `most` parts."""
    if total <= 0:
        return 1.0
    raw = total / most
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _axis(x0: float, total: float, label: str, fmt_unit: tuple[str, float]) -> list[str]:
    unit, per = fmt_unit
    parts = [f'<text x="{x0}" y="14" class="panel">{escape(label)}</text>']
    step = nice_step(total / per) * per
    tick = 0.0
    while tick <= total + 1e-9:
        x = x0 + PANEL_W * tick / total
        parts.append(f'<line x1="{x:.1f}" y1="30" x2="{x:.1f}" y2="100%" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP - 8}" class="tick">{tick / per:g}{unit}</text>')
        tick += step
    return parts


def _unit(seconds: float) -> tuple[str, float]:
    if seconds < 120:
        return " s", 1.0
    if seconds < 7200:
        return " min", 60.0
    return " h", 3600.0


def _bar(x0: float, y: float, start: float, length: float, total: float, css: str, title: str) -> str:
    x = x0 + PANEL_W * start / total
    w = max(PANEL_W * length / total, 2.0)
    return (
        f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{ROW_H - 10}" class="{css}">'
        f"<title>{escape(title)}</title></rect>"
    )


def _label(x: int, y: float, css: str, text: str) -> str:
    """A row label cut to fit beside the chart; the whole text stays in its tooltip."""
    room = (LABEL_W - x - 8) // 7
    shown = text if len(text) <= room else text[: room - 1] + "…"
    return f'<text x="{x}" y="{y + 16}" class="{css}">{escape(shown)}<title>{escape(text)}</title></text>'


def render_gantt(report: RunReport) -> str:
    est = report.estimate
    planned_total = max((est.starts[i] + est.hours[i] for i in est.order), default=0.0) or 1.0
    actual_total = report.makespan_seconds or 1.0
    px, ax = LABEL_W, LABEL_W + PANEL_W + GAP
    rows: list[str] = []
    y = TOP
    for wave in report.waves:
        ids = wave.efforts
        w_start = min((est.starts[i] for i in ids), default=0.0)
        rows.append(_label(6, y, "wave", f"Wave {wave.number}: {wave.name}"))
        rows.append(_bar(px, y, w_start, wave.planned_hours, planned_total, "planned wave", f"planned {wave.planned}"))
        spans = [e.span for e in report.efforts if e.id in ids and e.span]
        if spans and report.run_start and wave.actual_seconds is not None:
            offset = (min(s.start for s in spans) - report.run_start).total_seconds()
            title = f"actual {duration_text(wave.actual_seconds)}"
            rows.append(_bar(ax, y, offset, wave.actual_seconds, actual_total, "actual wave", title))
        y += ROW_H
        for effort in (e for e in report.efforts if e.id in ids):
            rows.append(_label(18, y, "effort", f"{effort.id} {effort.name}"))
            hours = est.hours[effort.id]
            rows.append(_bar(px, y, est.starts[effort.id], hours, planned_total, "planned", f"planned {hours:.1f} h"))
            if effort.span and report.run_start:
                offset = (effort.span.start - report.run_start).total_seconds()
                css = next((k for k in ("succeeded", "failed") if effort.status.startswith(k)), "other")
                title = f"{effort.status}, {duration_text(effort.span.seconds)}"
                rows.append(_bar(ax, y, offset, effort.span.seconds, actual_total, css, title))
            else:
                rows.append(f'<text x="{ax + 4}" y="{y + 16}" class="none">{escape(effort.status)}</text>')
            y += ROW_H
    height = y + 8
    width = ax + PANEL_W + 30  # room for the last tick label
    axes = _axis(px, planned_total * 3600, f"Planned: {est.parallel_hours:.1f} h", _unit(planned_total * 3600))
    axes += _axis(ax, actual_total, f"Actual: {report.makespan}", _unit(actual_total))
    return "\n".join(
        [
            f'<svg class="gantt" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" aria-label="Planned and actual duration per wave and effort">',
            "<style>"
            ".panel{font:600 13px sans-serif}.tick{font:11px sans-serif;fill:#555;text-anchor:middle}"
            ".grid{stroke:#e2e2e2}.wave{font:600 12px sans-serif}.effort{font:12px sans-serif}"
            ".none{font:italic 11px sans-serif;fill:#777}"
            f".planned{{fill:{COLORS['planned']}}}.succeeded{{fill:{COLORS['succeeded']}}}"
            f".failed{{fill:{COLORS['failed']}}}.other{{fill:{COLORS['other']}}}"
            ".wave.planned,.wave.actual{fill:#34495e;fill-opacity:.35}"
            "</style>",
            *axes,
            *rows,
            "</svg>",
        ]
    )
