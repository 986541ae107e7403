"""YAML plans: the canonical, hand-written format. Its shape is the model's (see include/schema/plan.schema.json)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from .errors import PlanError, Problem
from .model import Plan, Source, effort_key, gate_key, wave_key


def read_yaml(text: str, path: str = "<plan>") -> Plan:
    locations: dict[str, int] = {}
    try:
        root, data = _parse(text, locations)
    except yaml.YAMLError as exc:
        line, reason = yaml_error_place(exc, text)
        raise PlanError([Problem(path, line, "error", f"malformed YAML: {reason}")]) from None
    if not isinstance(data, dict) or root is None:
        need = "a plan is a YAML mapping with at least `name`, `waves` and `efforts`"
        raise PlanError([Problem(path, 1, "error", need)])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_problem(path, root, err) for err in exc.errors()]) from None
    aliases: dict[str, str] = {}
    # A duplicated id or wave keeps its first place: messages about it then point at the first definition.
    for i, e in enumerate(plan.efforts):
        aliases.setdefault(effort_key(e.id), f"efforts/{i}")
    for i, w in enumerate(plan.waves):
        aliases.setdefault(wave_key(w.number), f"waves/{i}")
    aliases |= {gate_key(i): f"gates/{i}" for i in range(len(plan.gates))}
    plan._source = Source(path=path, locations=locations, aliases=aliases)
    return plan


def yaml_error_place(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(line, reason) of a YAML error; a character the reader refuses (NUL, DEL) has a position, not a mark."""
    if isinstance(exc, yaml.reader.ReaderError):
        return text.count("\n", 0, exc.position) + 1, f"character {exc.character!r} is not allowed in YAML"
    mark = getattr(exc, "problem_mark", None)
    return (mark.line + 1 if mark is not None else 1), getattr(exc, "problem", None) or str(exc).splitlines()[0]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


def _parse(text: str, locations: dict[str, int]) -> tuple[yaml.Node | None, Any]:
    """One parse (libyaml when present) gives the node tree; one walk builds the data and records each key's line."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (_build(root, "", locations, loader) if root is not None else None)
    finally:
        loader.dispose()


_BUILDING = object()


def _build(
    node: yaml.Node, prefix: str, locations: dict[str, int], loader: Any, built: dict[int, Any] | None = None
) -> Any:
    # An alias is the same node again: build it once. Walking it at every use would let a few hundred bytes of nested
    # aliases expand to billions of nodes, and an anchor used inside itself would never end.
    built = {} if built is None else built
    if id(node) in built:
        if built[id(node)] is _BUILDING:
            raise yaml.constructor.ConstructorError(None, None, "an anchor is used inside itself", node.start_mark)
        return built[id(node)]
    built[id(node)] = _BUILDING
    built[id(node)] = value = _build_node(node, prefix, locations, loader, built)
    return value


def _build_node(node: yaml.Node, prefix: str, locations: dict[str, int], loader: Any, built: dict[int, Any]) -> Any:
    if isinstance(node, yaml.ScalarNode):
        # Plain strings are most of a plan; other tags (int, bool, null, ...) take PyYAML's own rules.
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            key = f"{prefix}/{i}"
            locations[key] = item.start_mark.line + 1
            out.append(_build(item, key, locations, loader, built))
        return out
    if isinstance(node, yaml.MappingNode) and not any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
        mapping: dict[Any, Any] = {}
        for k, v in node.value:
            name = _build(k, prefix, {}, loader, built)
            key = f"{prefix}/{name}" if prefix else str(name)
            locations[key] = k.start_mark.line + 1
            try:
                mapping[name] = _build(v, key, locations, loader, built)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "unhashable key", k.start_mark) from None
        return mapping
    return loader.construct_object(node, deep=True)


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
