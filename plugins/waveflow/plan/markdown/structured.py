"""Efforts kept as entries of a fenced YAML or JSON block inside a wave, as some teams write them for their tooling:

    ```yaml
    efforts:
      - id: D3
        branch: docs/d3-api-reference
        lines: 400
        depends_on: [D1, D2]
    ```

A list under `efforts:` / `tasks:` (or the fence's own list, or each wave's under `waves:`) whose entries are mappings
with an id or a branch.
Each entry keeps the line it starts on.
"""

from __future__ import annotations

from typing import Any

import yaml

from .blocks import Block
from .draft import Draft
from .text import DIGITS, agent_name, first_count

_LANGUAGES = {"yaml", "yml", "json"}
_LIST_KEYS = ("efforts", "tasks", "items", "workstreams", "stories", "tickets")
_FIELDS = {
    "id": ("id", "key", "ticket", "effort_id", "task_id"),
    "name": ("name", "title", "summary", "effort_name", "task_name"),
    "branch": ("branch", "branch_name", "git_branch"),
    "lines": ("lines", "loc", "size", "estimate", "estimated_lines", "estimated_size", "target_lines"),
    "deps": ("depends_on", "dependencies", "deps", "needs", "requires", "after", "blocked_by", "prereqs"),
    "agent": ("agent", "owner", "assignee"),
    "wave": ("wave", "parallel_group"),
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _root(block: Block) -> Any:
    """The fence's first YAML document (a block wrapped in `---` lines is one), or None."""
    if block.kind != "fence" or (block.info.split() or [""])[0].lower() not in _LANGUAGES:
        return None
    try:
        return next((d for d in yaml.compose_all(block.text, Loader=_Loader) if d is not None), None)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None  # not YAML after all: a sketch in a fence says nothing about efforts


def structured_efforts(block: Block, wave: int, section: int) -> list[Draft]:
    entries = _entries(_root(block))
    out: list[Draft] = []
    for node, wave_number in entries:
        fields = _scalars(node)
        if not (fields.get("id") or fields.get("branch")):
            continue
        line = block.line + 1 + node.start_mark.line
        d = Draft(line, wave, section, source=block.text.split("\n")[node.start_mark.line].strip())
        d.set("id", fields.get("id"), line)
        d.set("name", fields.get("name"), line)
        d.set("branch", fields.get("branch"), line)
        d.set("lines", first_count(fields["lines"]) if fields.get("lines") else None, line)
        d.set("agent", agent_name(fields["agent"]) if fields.get("agent") else None, line)
        if fields.get("deps"):
            d.deps.append((fields["deps"], line))
        if (wave_field := DIGITS.search(fields.get("wave", ""))) is not None:
            d.set("own_wave", int(wave_field.group(0)), line)
        d.set("own_wave", wave_number, line)
        d.tell(yaml.safe_dump(_plain(node), sort_keys=False, allow_unicode=True))
        out.append(d)
    return out


def metadata(block: Block) -> list[tuple[str, int, str]]:
    """(role, line, value) of an effort's own metadata fence under its heading: one mapping (or one mapping under a
    single key, `effort_metadata:`) that names its branch or id, as `**Key**: value` lines would."""
    node = _root(block)
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1 and isinstance(node.value[0][1], yaml.MappingNode):
        node = node.value[0][1]
    if not isinstance(node, yaml.MappingNode):
        return []
    fields = _scalars(node)
    if not (fields.get("branch") or fields.get("id")):
        return []
    line = block.line + 1 + node.start_mark.line
    return [(role, line, value) for role, value in fields.items() if value]


def _entries(root: Any) -> list[tuple[yaml.MappingNode, int | None]]:
    """The mapping entries of the fence's list, or of the list under one of `_LIST_KEYS`; under `waves:`, those of
    each wave's list with the wave's number (its `wave:` or `number:`, else its place)."""
    if isinstance(root, yaml.MappingNode) and (waves := _under(root, ("waves",))) is not None:
        if not isinstance(waves, yaml.SequenceNode):
            return []
        out: list[tuple[yaml.MappingNode, int | None]] = []
        for place, wave in enumerate(waves.value, start=1):
            if not isinstance(wave, yaml.MappingNode):
                continue
            said = _plain(wave)
            number = DIGITS.search(str(said.get("wave") or said.get("number") or place))
            out += [(n, int(number.group(0)) if number else place) for n, _ in _entries(wave)]
        return out
    seq = _under(root, _LIST_KEYS) if isinstance(root, yaml.MappingNode) else root
    if not isinstance(seq, yaml.SequenceNode):
        return []
    return [(n, None) for n in seq.value if isinstance(n, yaml.MappingNode)]


def _under(node: yaml.MappingNode, keys: tuple[str, ...]) -> Any:
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value in keys), None)


def _scalars(node: yaml.MappingNode) -> dict[str, str]:
    """An entry's known fields as text; a list (`[D1, D2]`) as its items joined by commas."""
    out: dict[str, str] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        role = next((r for r, names in _FIELDS.items() if key.value.lower() in names), None)
        if role is None or role in out:
            continue
        if isinstance(value, yaml.ScalarNode):
            out[role] = value.value
        elif isinstance(value, yaml.SequenceNode):
            out[role] = ", ".join(v.value for v in value.value if isinstance(v, yaml.ScalarNode))
    return out


def _plain(node: yaml.MappingNode) -> dict[str, Any]:
    """The entry as text keys and values, for its brief."""
    out: dict[str, Any] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
            out[key.value] = value.value
        elif isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.SequenceNode):
            out[key.value] = [v.value for v in value.value if isinstance(v, yaml.ScalarNode)]
    return out
