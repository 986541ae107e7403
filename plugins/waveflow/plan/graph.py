"""A mermaid graph of a plan: one subgraph per wave, one node per effort, edges from dependencies."""

from __future__ import annotations

import re

from .model import Plan

_NOT_IN_NODE_ID = re.compile(r"[^A-Za-z0-9_]")
# Mermaid labels end at quotes and brackets; keep the words.
_ENDS_LABEL = re.compile(r'["\[\]{}<>|]')


def _node(effort_id: str) -> str:
    return "E_" + _NOT_IN_NODE_ID.sub("_", effort_id)


def _label(text: str) -> str:
    return _ENDS_LABEL.sub(" ", text).strip()


def mermaid(plan: Plan) -> str:
    out = ["graph TD"]
    by_wave = plan.efforts_by_wave()
    for wave in plan.waves:
        out.append(f'    subgraph wave_{wave.number}["Wave {wave.number}: {_label(wave.name)}"]')
        for e in by_wave.get(wave.number, []):
            size = f"<br/>{e.lines} lines" if e.lines is not None else ""
            out.append(f'        {_node(e.id)}["{_label(e.id)}: {_label(e.name)}{size}"]')
        out.append("    end")
    known = {e.id for e in plan.efforts}
    for e in plan.efforts:
        for dep in e.depends_on:
            if dep in known:
                out.append(f"    {_node(dep)} --> {_node(e.id)}")
    return "\n".join(out) + "\n"
