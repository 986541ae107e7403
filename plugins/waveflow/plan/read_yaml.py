"""YAML plans: the canonical, hand-written format. Its shape is the model's (see include/schema/plan.schema.json)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from .errors import PlanError, Problem
from .model import Plan, Source, effort_key, gate_key, wave_key


def read_yaml(text: str, path: str = "<plan>") -> Plan:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise PlanError([Problem(path, line, "error", f"malformed YAML: {reason}")]) from None
    if not isinstance(data, dict) or root is None:
        need = "a plan is a YAML mapping with at least `name`, `waves` and `efforts`"
        raise PlanError([Problem(path, 1, "error", need)])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_problem(path, root, err) for err in exc.errors()]) from None
    plan._source = Source(path=path, locations=_locations(root, plan))
    return plan


def _problem(path: str, root: yaml.Node, err: Any) -> Problem:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    where = ".".join(str(p) for p in loc) or "plan"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (typo?)"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return Problem(path, _line_of(root, loc), "error", f"{where}: {msg}")


def _line_of(node: yaml.Node, loc: list[Any]) -> int:
    """The line of the deepest node the pydantic location still reaches."""
    line = node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        key_node, node = child
        line = (key_node or node).start_mark.line + 1
    return line


def _child(node: yaml.Node, part: Any) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                return k, v
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def _locations(root: yaml.Node, plan: Plan) -> dict[str, int]:
    locations: dict[str, int] = {}
    _record(locations, "", root)
    sections = {
        "efforts": [effort_key(e.id) for e in plan.efforts],
        "waves": [wave_key(w.number) for w in plan.waves],
        "gates": [gate_key(i) for i in range(len(plan.gates))],
    }
    for section, keys in sections.items():
        found = _child(root, section)
        if found is not None and isinstance(found[1], yaml.SequenceNode):
            for key, item in zip(keys, found[1].value, strict=False):
                locations[key] = item.start_mark.line + 1
                _record(locations, key, item)
    return locations


def _record(locations: dict[str, int], prefix: str, node: yaml.Node) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = f"{prefix}/{k.value}" if prefix else str(k.value)
            locations[key] = k.start_mark.line + 1
            _record(locations, key, v)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = f"{prefix}/{i}"
            locations[key] = item.start_mark.line + 1
            _record(locations, key, item)
