"""YAML plans: the canonical, hand-written format. Its shape is the model's (see include/schema/plan.schema.json)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from .errors import PlanError, Problem
from .model import Plan, Source, effort_key, gate_key, wave_key
from .yaml_lines import DuplicateKeys, load_with_lines


def read_yaml(text: str, path: str = "<plan>") -> Plan:
    locations: dict[str, int] = {}
    try:
        document = load_with_lines(text, locations)
    except DuplicateKeys as exc:
        raise PlanError([duplicate_key(path, *repeat) for repeat in exc.repeats]) from None
    except yaml.YAMLError as exc:
        line, reason = yaml_error_place(exc, text)
        raise PlanError([Problem(path, line, "error", f"malformed YAML: {reason}")]) from None
    if document is None or not isinstance(document[0], dict):
        need = "a plan is a YAML mapping with at least `name`, `waves` and `efforts`"
        raise PlanError([Problem(path, 1, "error", need)])
    data, first_line = document
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_problem(path, locations, first_line, err) for err in exc.errors()]) from None
    aliases: dict[str, str] = {}
    # A duplicated id or wave keeps its first place: messages about it then point at the first definition.
    for i, e in enumerate(plan.efforts):
        aliases.setdefault(effort_key(e.id), f"efforts/{i}")
    for i, w in enumerate(plan.waves):
        aliases.setdefault(wave_key(w.number), f"waves/{i}")
    aliases |= {gate_key(i): f"gates/{i}" for i in range(len(plan.gates))}
    plan._source = Source(path=path, locations=locations, aliases=aliases)
    return plan


def duplicate_key(path: str, key: Any, first: int, line: int, what: str = "") -> Problem:
    """A key given twice in one mapping, where PyYAML would keep the last one silently."""
    where = "on this line" if first == line else f"first at line {first}"
    return Problem(path, line, "error", f"{what}duplicate key {key!r} ({where}): give each key once")


def yaml_error_place(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(line, reason) of a YAML error; a character the reader refuses (NUL, DEL) has a position, not a mark."""
    if isinstance(exc, yaml.reader.ReaderError):
        return text.count("\n", 0, exc.position) + 1, f"character {exc.character!r} is not allowed in YAML"
    mark = getattr(exc, "problem_mark", None)
    return (mark.line + 1 if mark is not None else 1), getattr(exc, "problem", None) or str(exc).splitlines()[0]


def _problem(path: str, locations: dict[str, int], first_line: int, err: Any) -> Problem:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    where = ".".join(str(p) for p in loc) or "plan"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (typo?)"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return Problem(path, _line_of(locations, first_line, loc), "error", f"{where}: {msg}")


def _line_of(locations: dict[str, int], first_line: int, loc: list[Any]) -> int:
    """The line of the deepest key or item the pydantic location still reaches."""
    line, key = first_line, ""
    for part in loc:
        key = f"{key}/{part}" if key else str(part)
        if key not in locations:
            break
        line = locations[key]
    return line
