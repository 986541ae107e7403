"""A wave written as its roster of agents, one line each: `**Agent 1**: Project setup + Core types`. The labels
restart in every wave, so they say who works, not which effort it is: the effort is the work the line names."""

from __future__ import annotations

import re

from .draft import Draft
from .sections import Section
from .text import agent_name, dependency_notes, plain

# `**Agent 2**: API client`, `- **Worker B** — Parser (needs A)`, `**Subagent 3:** Docs`
_ROSTER_LINE = re.compile(
    r"^(?:[-*]\s+)?\*\*((?:sub-?)?(?:agent|worker|developer|dev|engineer)\s*[A-Z]?\d{0,2}[A-Z]?)\s*:?\*\*\s*[:—–-]?\s+(\S.*)$",
    re.I,
)

# `**Agents 2-3**: Secondary contributors`: a line about agents that is not one agent's work; a list holding it is a
# note on roles, not a roster.
_ABOUT_AGENTS = re.compile(r"^(?:[-*]\s+)?\*\*(?:sub-?)?(?:agents?|workers?)\b", re.I)


def roster_efforts(section: Section, index: int) -> list[Draft]:
    """One effort per line of a section's agent roster; a roster is two or more such lines, and nothing else in the
    paragraphs that hold them."""
    out: list[Draft] = []
    for block in section.blocks:
        if block.kind != "paragraph":
            continue
        lines = block.lines()
        found = [(line, m) for line, text in lines if (m := _ROSTER_LINE.match(text))]
        if any(_ABOUT_AGENTS.match(text) and not _ROSTER_LINE.match(text) for _, text in lines):
            return []
        if len(found) < len(lines):
            continue
        for line, m in found:
            name, deps, _ = dependency_notes(plain(m.group(2)))
            d = Draft(line, section.number, index, source=m.group(0))
            d.set("name", name.strip(" .") or None, line)
            d.set("agent", agent_name(m.group(1)), line)
            if deps:
                d.deps.append((deps, line))
            d.tell(m.group(0))
            out.append(d)
    return out if len(out) >= 2 else []
