"""A mermaid graph of a plan: one subgraph per wave, one node per effort, edges from dependencies."""

from __future__ import annotations

import re

from .model import Plan


def _node(effort_id: str) -> str:
    return "E_" + re.sub(r"[^A-Za-z0-9_]", "_", effort_id)


def _label(text: str) -> str:
    # Mermaid labels end at quotes and brackets; keep the words.
    return re.sub(r'["\[\]{}<>|]', " ", text).strip()


def mermaid(plan: Plan) -> str:
    out = ["graph TD"]
    for wave in plan.waves:
        out.append(f'    subgraph wave_{wave.number}["Wave {wave.number}: {_label(wave.name)}"]')
        for e in plan.wave_efforts(wave.number):
            size = f"<br/>{e.lines} lines" if e.lines is not None else ""
            out.append(f'        {_node(e.id)}["{_label(e.id)}: {_label(e.name)}{size}"]')
        out.append("    end")
    known = {e.id for e in plan.efforts}
    for e in plan.efforts:
        for dep in e.depends_on:
            if dep in known:
                out.append(f"    {_node(dep)} --> {_node(e.id)}")
    return "\n".join(out) + "\n"
