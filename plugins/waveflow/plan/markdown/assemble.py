"""The plan model from what the markdown reader found, with every fact's line recorded for `path:line` messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..errors import PlanError, Problem
from ..model import Effort, Gate, Plan, Source, Wave, effort_key, gate_key, wave_key
from .draft import Draft
from .sections import Section, wave_facts


@dataclass
class Reading:
    path: str
    name: str
    title: str
    title_line: int
    sections: list[Section]
    drafts: list[Draft]
    deps: dict[int, list[str]]
    labels: dict[int, tuple[dict[str, str], int]] = field(default_factory=dict)  # id(draft) -> (labels, line)
    gates: list[tuple[int, str, str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def line_key(line: int) -> str:
    """A location key for a warning about a line that belongs to no effort (a stray port allocation)."""
    return f"line:{line}"


def to_plan(r: Reading) -> Plan:
    problems: list[Problem] = []
    locations: dict[str, int] = {"name": r.title_line, "title": r.title_line}
    locations |= {key: int(key[5:]) for key, _ in r.warnings if key.startswith("line:")}
    efforts = []
    for d in r.drafts:
        key = effort_key(d.id or "")
        locations.setdefault(key, d.line)
        for name, line in d.at.items():
            locations.setdefault(f"{key}/{name}", line)
        labels, labels_line = r.labels.get(id(d), ({}, d.line))
        if labels:
            locations.setdefault(f"{key}/labels", labels_line)
        effort = _build(
            problems,
            r.path,
            d.at.get("ports", d.line),
            Effort,
            id=d.id,
            name=d.name,
            wave=d.wave,
            branch=d.branch,
            worktree=d.worktree,
            lines=d.lines,
            agent=d.agent,
            depends_on=r.deps.get(id(d), []),
            namespace=d.namespace,
            labels=labels,
            ports={"start": d.ports[0], "end": d.ports[1]} if d.ports else None,
        )
        if effort is not None:
            efforts.append(effort)
    waves = _waves(r, locations, problems)
    gates = []
    for i, (line, metric, target, measurement) in enumerate(r.gates):
        locations[gate_key(i)] = line
        gates.append(Gate(metric=metric, target=target, measurement=measurement))
    if problems:
        raise PlanError(problems)
    plan = Plan(name=r.name, title=r.title, waves=waves, efforts=efforts, gates=gates)
    locations["efforts"] = r.drafts[0].line if r.drafts else r.title_line
    plan._source = Source(path=r.path, locations=locations, warnings=r.warnings)
    return plan


def _waves(r: Reading, locations: dict[str, int], problems: list[Problem]) -> list[Wave]:
    numbers = sorted({d.wave for d in r.drafts})
    with_efforts = {d.section for d in r.drafts}
    waves = []
    for number in numbers:
        own = [s for s in r.sections if s.number == number]
        staffed = [s for i, s in enumerate(r.sections) if s.number == number and i in with_efforts]
        named = [s for s in staffed + own if s.name]
        line = (staffed or own)[0].line if own else min(d.line for d in r.drafts if d.wave == number)
        locations[wave_key(number)] = line
        facts = [wave_facts(s) for s in staffed + own]
        duration = next((f.duration for f in facts if f.duration), None)
        wave = _build(
            problems,
            r.path,
            line,
            Wave,
            number=number,
            name=named[0].name if named else "",
            duration={"min_hours": duration[0], "max_hours": duration[1]} if duration else None,
            agents=next((f.agents for f in facts if f.agents is not None), None),
            total_lines=next((f.total_lines for f in facts if f.total_lines is not None), None),
        )
        if wave is not None:
            waves.append(wave)
    return waves


def _build(problems: list[Problem], path: str, line: int, model: Any, **values: Any) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            what = values.get("id") or f"wave {values.get('number')}"
            problems.append(Problem(path, line, "error", f"{what}: {where}: {err['msg']}"))
        return None
