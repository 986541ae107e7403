"""The DAG's `doc_md`: what a person opening the DAG page needs to know about the plan."""

from __future__ import annotations

from ..plan.counting import count
from ..plan.graph import mermaid
from ..plan.model import Plan
from ..plan.schedule import estimate, explain


def plan_doc(plan: Plan, path: str) -> str:
    rows = ["| Effort | Name | Wave | Branch | Lines | Agent | Depends on | Namespace | Ports |", "|" + "---|" * 9]
    for e in plan.efforts:
        ports = f"{e.ports.start}-{e.ports.end}" if e.ports else ""
        deps = ", ".join(e.depends_on) or "—"
        rows.append(
            f"| {e.id} | {e.name} | {e.wave} | `{plan.branch_of(e)}` | {e.lines or ''} | {e.agent or ''} "
            f"| {deps} | {e.namespace or ''} | {ports} |"
        )
    by_wave = plan.efforts_by_wave()
    waves = [
        f"- **Wave {w.number}: {w.name}** — {count(len(by_wave.get(w.number, [])), 'effort')}"
        + (f", planned {w.duration.min_hours:g}-{w.duration.max_hours:g} h" if w.duration else "")
        for w in plan.waves
    ]
    try:
        schedule = explain(plan, estimate(plan, None))
    except ValueError as exc:
        schedule = str(exc)
    return "\n".join(
        [
            f"# {plan.title or plan.name}",
            f"Plan file: `{path}`",
            "## Waves",
            *waves,
            "## Efforts",
            *rows,
            "## Dependencies",
            "```mermaid",
            mermaid(plan).rstrip(),
            "```",
            "## Schedule estimate",
            "```",
            schedule,
            "```",
        ]
    )
