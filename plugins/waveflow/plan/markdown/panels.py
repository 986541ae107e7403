"""Efforts drawn in box-drawing panels inside code fences, as some plans sketch a wave:

    │ WT-1: TASK-038A  Generic Structure Analyzer   (6h) │
    │       depends: [TASK-037A ✓, TASK-038 ✓]           │
    │       + TASK-057 Testing Section (4h - can pair)   │

A row opening with an id is an effort (a worktree slot label before it, `WT-1:`, is not); `+ id` is a second effort
of the same slot; `depends: [...]`, wrapped over rows until its `]`, belongs to the effort above.
"""

from __future__ import annotations

import re

from .blocks import Block
from .draft import Draft
from .text import PARENS, hours, leading_id, plain, without_slot

_BORDER = "│┃║"
_RULE = re.compile(r"^[\s─━═┌┐└┘├┤┬┴┼╔╗╚╝╠╣╭╮╰╯]*$")
_DEPENDS = re.compile(r"^(?:depends(?:\s+on)?|deps|requires|needs|after)\s*:\s*(.*)$", re.I)


def is_panel(block: Block) -> bool:
    return block.kind == "fence" and sum(1 for _, t in block.lines() if t.strip()[:1] in _BORDER) >= 2


def panel_efforts(block: Block, wave: int, section: int) -> list[Draft]:
    out: list[Draft] = []
    open_deps: list[str] | None = None  # a `depends: [` list still waiting for its `]`
    for line, raw in block.lines():
        row = raw.strip().strip(_BORDER).strip()
        if not row or _RULE.match(row):
            continue
        if open_deps is not None:
            open_deps.append(row)
            if "]" in row:
                _depend(out, " ".join(open_deps), line)
                open_deps = None
            continue
        deps = _DEPENDS.match(row)
        if deps and out:
            if "[" in deps.group(1) and "]" not in deps.group(1):
                open_deps = [deps.group(1)]
            else:
                _depend(out, deps.group(1), line)
            continue
        ident, rest = leading_id(without_slot(plain(row.lstrip("+ "))))
        if ident:
            d = Draft(line, wave, section, source=raw.strip())
            d.set("id", ident, line)
            d.set("name", _name(rest), line)
            d.tell(row)
            out.append(d)
    return out


def _depend(drafts: list[Draft], text: str, line: int) -> None:
    drafts[-1].deps.append((text.strip().strip("[]").replace("]", " ").replace("[", " "), line))


def _name(rest: str) -> str | None:
    # `Testing Section (4h - can pair)`: the parentheses hold the estimate, not the name.
    name = PARENS.sub(lambda m: "" if hours(m.group(0)) else m.group(0), rest)
    return " ".join(name.split()) or None
