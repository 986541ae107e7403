"""Dependencies drawn in a fence under a heading about the order of the work, as a tree or as a chain:

    Task 1 (scaffolding) ─── blocks all ───┐          01-daemon-command
                                            ├── Task 2: DS2 framing      │
                                            ├── Task 4: PRG decryptor    ▼
                                            │     └── Task 5: Extractor  02-daemon-message

A branch (`├──`, `└──`) waits for the effort it hangs from: the nearest line above whose effort starts left of the
branch. An effort below a line of nothing but a downward arrow (`▼`, `↓`) waits for the one above it. Only lines
that open with an effort count, so a tree of files or of waves adds nothing; edges are read as arrow lines are.
"""

from __future__ import annotations

import re

from ..names import UNIT, UNIT_NUMBER
from .arrows import Arrows
from .blocks import Block
from .draft import Draft
from .index import Index
from .text import plain

_BRANCH = re.compile(r"[├└┣┗]\s*[─━-]*\s*")
_DOWN = re.compile(r"^[\s│|]*[▼↓]\s*$")
_ABOUT_ORDER = re.compile(r"\b(?:depend|dependency|dependencies|graph|order|sequence|critical\s+path)", re.I)
_UNIT_NODE = re.compile(rf"^(?:{UNIT}\s+|#)({UNIT_NUMBER})\b", re.I)
_ACROSS = re.compile(r"[►▶→]|[─-]>")
_DRAWING = {"", "text", "txt", "plain", "plaintext"}


def tree_edges(blocks: list[Block], index: Index) -> Arrows:
    out = Arrows()
    heading = ""
    for block in blocks:
        if block.kind == "heading":
            heading = plain(block.text)
        elif block.kind == "fence" and block.info in _DRAWING and _ABOUT_ORDER.search(heading):
            if _ACROSS.search(block.text):
                continue  # `T1.3 ──┼──► T2.2`: a graph drawn left to right, whose branches join columns, not lines
            out.edges += _drawn(block, index)
    return out


def _drawn(block: Block, index: Index) -> list[tuple[Draft, Draft, int]]:
    edges: list[tuple[Draft, Draft, int]] = []
    above: list[tuple[int, Draft]] = []  # (column its effort starts at, effort) of the lines read so far
    last: Draft | None = None  # the effort of the line above, when that line holds one only
    down = False  # whether a downward arrow stands between that line and the next
    for line, text in block.lines():
        if _DOWN.match(text):
            down = last is not None
            continue
        branch = _BRANCH.search(text)
        start = branch.end() if branch else len(text) - len(text.lstrip())
        effort = _opening(text[start:], index)
        if effort is not None and len(index.explicit(plain(text[start:]))) > 1 and not branch:
            effort = None  # `#5 (CI)   #6 (Husky)   #7 (Result)`: a row of a graph drawn in two dimensions
        if effort is None:
            last, down = None, False
            continue
        if branch:
            parent = next((d for column, d in reversed(above) if column < branch.start()), None)
        else:
            parent = last if down else None
        if parent is not None and parent is not effort:
            edges.append((parent, effort, line))
        above.append((start, effort))
        last, down = effort, False
    return edges


def _opening(text: str, index: Index) -> Draft | None:
    """The effort a node's text opens with (`T-5: PRG job extractor`, `Task 5` of the effort numbered 5), or None."""
    text = plain(text)
    unit = _UNIT_NODE.match(text)
    if unit and (d := index.numbers.get(unit.group(1)) or index.key(unit.group(1))):
        return d
    named = index.explicit(text)
    return named[0][0] if named and named[0][1] == 0 else None
