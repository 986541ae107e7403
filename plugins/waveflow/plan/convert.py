"""The normalized reading of a plan (`waveflow convert`): the shape the shared expected readings use, plus more."""

from __future__ import annotations

from typing import Any

from .counting import count
from .model import Plan, wave_key


def to_reading(plan: Plan) -> dict[str, Any]:
    # Waves keep the document's numbers: `1.1` where it wrote one.
    # A whole number moved by a dotted wave before it (`Wave 7` after `Wave 6.5`) is the document's number again.
    written: dict[int, int | str] = {
        w.number: (int(w.label) if w.label.isdigit() else w.label) if w.label else w.number for w in plan.waves
    }
    return {
        "name": plan.name,
        "title": plan.title,
        "waves": [
            {
                "number": written[w.number],
                "name": w.name,
                "efforts": [e.id for e in plan.wave_efforts(w.number)],
                "duration": w.duration.model_dump() if w.duration else None,
                "agents": w.agents,
                "total_lines": w.total_lines,
            }
            for w in plan.waves
        ],
        "efforts": [
            {
                "id": e.id,
                "name": e.name,
                "wave": written.get(e.wave, e.wave),
                "branch": e.branch,
                "lines": e.lines,
                "agent": e.agent,
                "depends_on": list(e.depends_on),
                "namespace": e.namespace,
                "labels": dict(e.labels),
                "ports": [e.ports.start, e.ports.end] if e.ports else None,
                "brief": e.brief,
                "acceptance": list(e.acceptance),
            }
            for e in plan.efforts
        ],
        "gates": [g.model_dump(exclude_defaults=True) | {"metric": g.metric} for g in plan.gates],
        "warnings": [msg for _, msg in plan.source.warnings],
        **({"integration": plan.integration.model_dump(mode="json")} if plan.integration else {}),
    }


def to_yaml_data(plan: Plan) -> dict[str, Any]:
    """The plan as a canonical YAML document: defaults left out so the file stays readable."""
    return plan.model_dump(mode="json", exclude_defaults=True) | {"name": plan.name}


def explain(plan: Plan) -> str:
    """Where each wave, effort, field and dependency was read from: what a user checks when a reading is wrong."""
    src = plan.source
    out = [f"{src.path}: {plan.name}: {count(len(plan.efforts), 'effort')} in {count(len(plan.waves), 'wave')}"]
    for wave in plan.waves:
        at = src.line(wave_key(wave.number)) or "?"
        out.append(f"wave {wave.label or wave.number} {wave.name!r}: line {at}")
        for e in plan.wave_efforts(wave.number):
            key = f"efforts[{e.id}]"
            out.append(f"  effort {e.id} {e.name!r}: line {src.line(key) or '?'}")
            for field in ("branch", "lines", "agent", "namespace", "ports"):
                value = getattr(e, field)
                if value is not None:
                    shown = f"{value.start}-{value.end}" if field == "ports" else value
                    out.append(f"    {field} {shown}: line {src.line(f'{key}/{field}') or '?'}")
            for dep in e.depends_on:
                out.append(
                    f"    depends on {dep}: line {src.line(f'{key}/depends_on/{dep}', f'{key}/depends_on') or '?'}"
                )
            if not e.depends_on:
                out.append("    depends on nothing")
            if e.brief:
                out.append(f"    brief: {len(e.brief.splitlines())} lines")
    return "\n".join(out)
