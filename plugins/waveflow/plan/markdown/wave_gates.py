"""Wave-level gates: what a whole wave waits for (`**Dependencies**: Wave 1.1 complete`, `Start Condition: Wave 1
done`, `**Gate:** W-2 merged`, a heading's `(depends on Wave 1)`).

The corpus rule: a gate becomes each effort's dependency only for a wave whose efforts state none of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sections import Section, fields
from .text import PARENS, plain

# The keys of a wave's own lines that say what it waits for; the value is read whole.
_GATE_KEYS = {
    "dependencies",
    "dependency",
    "depends on",
    "start condition",
    "starts",
    "start",
    "gate",
    "dispatch gate",
    "prerequisites",
    "prerequisite",
    "requires",
    "blocked by",
    "wave gate",
}
# Elsewhere (a heading's parentheses, `**Parallel**: No (depends on Wave 1)`), what follows one of these words.
_WAITS = re.compile(
    r"\b(?:depends?\s+on|after|once|requires?|needs|waits?\s+for|blocked\s+by|gate[ds]?\s+(?:on|by))\s*:?\s+(.+)", re.I
)
_OVERVIEW = {"overview", "summary", "wave overview", "dependencies", "gate", "start condition"}


@dataclass
class Gate:
    section: int  # index of the section it gates
    text: str  # what it waits for, to resolve
    line: int


def wave_gates(sections: list[Section]) -> list[Gate]:
    out: list[Gate] = []
    for index, section in enumerate(sections):
        for inner in PARENS.findall(section.heading):
            m = _WAITS.search(inner.strip("()"))
            if m:
                out.append(Gate(index, m.group(1), section.line))
        for line, key, value in _own_fields(section):
            if key in _GATE_KEYS:
                out.append(Gate(index, value, line))
            else:
                m = _WAITS.search(value)
                if m:
                    out.append(Gate(index, m.group(1).strip(" ()."), line))
    return out


def _own_fields(section: Section) -> list[tuple[int, str, str]]:
    """The `Key: value` lines under the wave's heading, before its first sub-section that is not an overview."""
    out: list[tuple[int, str, str]] = []
    for block in section.blocks:
        if block.kind == "heading":
            if plain(block.text).lower().strip(" :") not in _OVERVIEW:
                break
            continue
        out += fields(block)
    return out


# `### Parallel Group 1B (after Group 1A)`: a group of a wave's efforts that waits for another group of it.
_GROUP = re.compile(r"^(?:parallel\s+)?(?:group|track|lane|stream)\s+([\w.]+)\b(.*)$", re.I)


@dataclass
class GroupGate:
    section: int
    lines: tuple[int, int]  # the lines the waiting group's efforts are on
    waits_for: tuple[int, int]  # the lines of the group it waits for
    line: int


def group_gates(sections: list[Section]) -> list[GroupGate]:
    out: list[GroupGate] = []
    for index, section in enumerate(sections):
        headings = [b for b in section.blocks if b.kind == "heading"]
        groups: dict[str, tuple[int, int]] = {}
        waits: list[tuple[str, str, int]] = []
        for i, heading in enumerate(headings):
            m = _GROUP.match(plain(heading.text))
            if not m:
                continue
            end = headings[i + 1].line if i + 1 < len(headings) else 1 << 30
            groups[m.group(1).lower()] = (heading.line, end)
            waits += [
                (m.group(1).lower(), w.group(1), heading.line)
                for w in map(_WAITS.search, PARENS.findall(m.group(2)))
                if w
            ]
        for name, text, line in waits:
            target = _GROUP.match(text.strip(" ()"))
            if target and target.group(1).lower() in groups and name in groups:
                out.append(GroupGate(index, groups[name], groups[target.group(1).lower()], line))
    return out
