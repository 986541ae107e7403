"""The plan model from what the markdown reader found, with every fact's line recorded for `path:line` messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import PlanError, Problem
from ..model import Effort, Gate, Integration, Plan, Source, Wave, effort_key, gate_key, wave_key
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
    integration: tuple[str, int] | None = None  # the branch the document names for its efforts to meet on, its line


def line_key(line: int) -> str:
    """A location key for a warning about a line that belongs to no effort (a stray port allocation)."""
    return f"line:{line}"


# A list is validated in one call: a call per model pays pydantic's entry each time, half as much again as the
# validation itself.
_EFFORTS = TypeAdapter(list[Effort])
_BENCHMARKS = re.compile(r"\b(?:benchmark|perf(?:ormance)?\b)", re.IGNORECASE)
_WAVES = TypeAdapter(list[Wave])


def to_plan(r: Reading) -> Plan:
    problems: list[Problem] = []
    locations: dict[str, int] = {"name": r.title_line, "title": r.title_line}
    locations |= {key: int(key[5:]) for key, _ in r.warnings if key.startswith("line:")}
    efforts = []
    for d in r.drafts:
        key = effort_key(d.id or "")
        if key in locations:  # an id told twice: the lines of its first effort stand
            for name, line in d.at.items():
                locations.setdefault(f"{key}/{name}", line)
        else:  # nothing under the key yet: one update, not a lookup per location
            locations[key] = d.line
            locations.update({f"{key}/{name}": line for name, line in d.at.items()})
        labels, labels_line = r.labels.get(id(d), ({}, d.line))
        if labels:
            locations.setdefault(f"{key}/labels", labels_line)
        effort: dict[str, Any] = {
            "id": d.id,
            "name": d.name,
            "wave": d.wave,
            "branch": d.branch,
            "worktree": d.worktree,
            "lines": d.lines,
            "agent": d.agent,
            "depends_on": r.deps.get(id(d), []),
            "namespace": d.namespace,
            "labels": labels,
            "ports": {"start": d.ports[0], "end": d.ports[1]} if d.ports else None,
            "brief": d.brief,
            "acceptance": d.acceptance,
        }
        if _BENCHMARKS.search(d.name or "") or _BENCHMARKS.search(labels.get("test-type", "")):
            # A document says which effort benchmarks by what it calls it: its tests get the machine to themselves.
            effort["exclusive"] = True
        efforts.append(effort)
    built_efforts = _build(problems, r.path, _EFFORTS, efforts, [d.at.get("ports", d.line) for d in r.drafts])
    waves, wave_lines = _waves(r, locations)
    built_waves = _build(problems, r.path, _WAVES, waves, wave_lines)
    gates = []
    for i, (line, metric, target, measurement) in enumerate(r.gates):
        locations[gate_key(i)] = line
        gates.append(Gate(metric=metric, target=target, measurement=measurement))
    if problems:
        raise PlanError(problems)
    plan = Plan(name=r.name, title=r.title, waves=built_waves, efforts=built_efforts, gates=gates)
    if r.integration:
        plan.integration = Integration(branch=r.integration[0])
        locations["integration"] = locations["integration/branch"] = r.integration[1]
    locations["efforts"] = r.drafts[0].line if r.drafts else r.title_line
    plan._source = Source(path=r.path, locations=locations, warnings=r.warnings)
    return plan


def _waves(r: Reading, locations: dict[str, int]) -> tuple[list[dict[str, Any]], list[int]]:
    """Each wave's values, and the line its problems point at."""
    numbers = sorted({d.wave for d in r.drafts})
    with_efforts = {d.section for d in r.drafts}
    waves, lines = [], []
    for number in numbers:
        own = [(i, s) for i, s in enumerate(r.sections) if s.number == number]
        staffed = [s for i, s in own if i in with_efforts]
        # The sections with efforts speak for the wave first; each is read once.
        speaking = staffed + [s for i, s in own if i not in with_efforts]
        named = [s for s in speaking if s.name]
        line = speaking[0].line if own else min(d.line for d in r.drafts if d.wave == number)
        locations[wave_key(number)] = line
        facts = [wave_facts(s) for s in speaking]
        duration = next((f.duration for f in facts if f.duration), None)
        waves.append(
            {
                "number": number,
                "label": next((s.label for _, s in own if s.label), None),
                "name": named[0].name if named else "",
                "duration": {"min_hours": duration[0], "max_hours": duration[1]} if duration else None,
                "agents": next((f.agents for f in facts if f.agents is not None), None),
                "total_lines": next((f.total_lines for f in facts if f.total_lines is not None), None),
            }
        )
        lines.append(line)
    return waves, lines


def _build(
    problems: list[Problem], path: str, models: TypeAdapter[Any], values: list[dict[str, Any]], lines: list[int]
) -> list[Any]:
    """The models, or [] with a problem per error, at the line of the value it is in."""
    try:
        return models.validate_python(values)
    except ValidationError as exc:
        for err in exc.errors():
            position, *loc = err["loc"]  # the list's own position first
            value = values[int(position)]
            where = ".".join(str(p) for p in loc)
            what = value.get("id") or f"wave {value.get('number')}"
            problems.append(Problem(path, lines[int(position)], "error", f"{what}: {where}: {err['msg']}"))
        return []
