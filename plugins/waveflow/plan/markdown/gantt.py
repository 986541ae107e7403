"""Mermaid gantt charts: their sections and the tasks in each, with the tasks each one starts after.

section Phase 2
WP5 NIM backend      :b1, after a3, 45m
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*gantt\s*$")
_SECTION = re.compile(r"^\s*section\s+(\S.*)$")
_TASK = re.compile(r"^\s*([^:%]+?)\s*:\s*(.*)$")
_KEYWORD = re.compile(r"^\s*(?:title|dateFormat|axisFormat|tickInterval|excludes|includes|todayMarker|weekday)\b")
_TAGS = {"done", "active", "crit", "milestone"}


@dataclass
class GanttTask:
    name: str
    line: int
    alias: str | None = None
    after: list[str] = field(default_factory=list)  # aliases of the tasks it starts after


@dataclass
class GanttSection:
    title: str
    line: int
    tasks: list[GanttTask] = field(default_factory=list)


def parse_gantt(code: str, first_line: int) -> list[GanttSection] | None:
    """The sections of a `gantt` block; `first_line` is the document line of the block's first code line."""
    lines = code.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.strip().startswith("%%")), None)
    if start is None or not _HEADER.match(lines[start]):
        return None
    sections: list[GanttSection] = []
    for offset in range(start + 1, len(lines)):
        text = lines[offset].split("%%")[0]
        if not text.strip() or _KEYWORD.match(text):
            continue
        if m := _SECTION.match(text):
            sections.append(GanttSection(m.group(1).strip(), first_line + offset))
        elif (m := _TASK.match(text)) and sections:
            sections[-1].tasks.append(_task(m.group(1), m.group(2), first_line + offset))
    return sections


def _task(name: str, meta: str, line: int) -> GanttTask:
    """`WP7 Router :c1, after a1 a2, 1h30`: the tags, then an alias, then a start (`after ...`), then an end."""
    task = GanttTask(name.strip(), line)
    parts = [p.strip() for p in meta.split(",") if p.strip() not in _TAGS]
    for i, part in enumerate(parts):
        if part.startswith("after "):
            task.after = part.split()[1:]
        elif i == 0 and len(parts) >= 3 and re.fullmatch(r"[A-Za-z_][\w-]*", part):
            task.alias = part
    return task
