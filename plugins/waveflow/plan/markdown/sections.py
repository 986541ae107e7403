"""`Wave N` sections: the heading, the blocks under it, and the wave's own figures (duration, agents, lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block
from .text import first_count, hours, plain

_WAVE_HEADING = re.compile(r"^[^\w]*(?:\d+[.)]\s*)?(?:phase\s+\d+\s*[,:\-–—]?\s*)?wave\s+(\d+)(?![\d.]\d)\b(.*)$", re.I)
# `Wave 0 → Wave 1`, `Wave 1-2 Transition`: about two waves, not one.
_TRANSITION = re.compile(r"^\s*(?:→|->|-|–|to|&|and|,)\s*(?:wave\s+)?\d|(?:→|->)\s*wave\s+\d", re.I)
_TRAILING = re.compile(r"(\s*(\([^()]*\)|\[[^\]]*\]|\b(?:COMPLETED?|DONE|IN PROGRESS|PENDING|TODO|WIP)\b))+\s*$")
FIELD = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*|__|)([A-Za-z][\w /&().'-]{0,40}?)\s*(?::\s*\1|\1\s*:)\s*(.*)$")


@dataclass
class Section:
    number: int
    name: str
    line: int
    level: int
    blocks: list[Block] = field(default_factory=list)


def wave_heading(text: str) -> tuple[int, str] | None:
    m = _WAVE_HEADING.match(plain(text))
    if not m or _TRANSITION.search(m.group(2)):
        return None
    name = _TRAILING.sub("", m.group(2)).strip(" :-–—.|")
    return int(m.group(1)), name


def wave_sections(blocks: list[Block]) -> list[Section]:
    """Each `Wave N` heading with the blocks up to the next heading of the same or a higher level, or the next
    wave's heading."""
    sections: list[Section] = []
    current: Section | None = None
    for block in blocks:
        if block.kind == "heading":
            wave = wave_heading(block.text)
            if current is not None and (block.level <= current.level or (wave and wave[0] != current.number)):
                current = None  # plans mix levels (`## Wave 1`, `### Wave 2`): another wave's heading ends this one
            if wave is not None and current is None:
                current = Section(wave[0], wave[1], block.line, block.level)
                sections.append(current)
                continue
        if current is not None:
            current.blocks.append(block)
    return sections


def fields(block: Block) -> list[tuple[int, str, str]]:
    """`**Key**: value` lines of a paragraph as (line, key in lower case, value)."""
    if block.kind != "paragraph":
        return []
    out = []
    for line, text in block.lines():
        m = FIELD.match(text)
        if m and (m.group(1) or not block.depth):
            out.append((line, plain(m.group(2)).lower().strip(), m.group(3).strip()))
    return out


@dataclass
class WaveFacts:
    duration: tuple[float, float] | None = None
    agents: int | None = None
    total_lines: int | None = None


_AGENT_KEYS = {"agents required", "parallel agents", "agents", "max parallel agents", "agent count"}
_LINE_KEYS = {"total lines", "lines", "estimated lines", "total estimated lines", "size"}


def wave_facts(section: Section) -> WaveFacts:
    facts = WaveFacts()
    for block in section.blocks:
        if block.kind == "heading":
            break  # the figures sit under the wave heading, before its sub-sections
        for _, key, value in fields(block):
            if key in ("duration", "estimated duration", "time") and facts.duration is None:
                facts.duration = hours(value)
            elif key in _AGENT_KEYS and facts.agents is None:
                facts.agents = first_count(value)
            elif key in _LINE_KEYS and facts.total_lines is None:
                facts.total_lines = first_count(value)
    return facts
