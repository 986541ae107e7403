"""Dependencies drawn as arrows on a line of their own (`- L1 → L3`, `E-10 -> E-20 -> E-30`, `A, B → C`): each part
after an arrow depends on the part before it. Only lines made of nothing but efforts and arrows count, so a labelled
critical path (`**Critical path**: ...`) or `Wave 1 → Wave 2` adds nothing."""

from __future__ import annotations

import re
from itertools import pairwise

from .blocks import Block
from .draft import Draft
from .index import Index
from .text import plain

_ARROW = re.compile(r"\s*(?:→|->|⟶|=>|⇒)\s*")
# What may stand between the efforts of one side of an arrow.
_JOINERS = re.compile(r"(?:\s|,|&|\+|\band\b)+", re.I)


def arrow_edges(blocks: list[Block], index: Index) -> list[tuple[Draft, Draft, int]]:
    """(effort before, effort after, line) of every arrow line of the document's paragraphs and lists."""
    out: list[tuple[Draft, Draft, int]] = []
    for block in blocks:
        if block.kind != "paragraph":
            continue
        for line, text in block.lines():
            if not _ARROW.search(text):
                continue
            sides = [_efforts(plain(part).strip(" -*+"), index) for part in _ARROW.split(text)]
            if len(sides) < 2 or not all(sides):
                continue
            for before, after in pairwise(sides):
                out += [(a, b, line) for a in before for b in after if a is not b]
    return out


def _efforts(part: str, index: Index) -> list[Draft]:
    """The efforts a side names, when it names nothing else."""
    named = index.explicit(part)
    rest = part
    for _, start, end in reversed(named):
        rest = rest[:start] + rest[end:]
    return [d for d, _, _ in named] if named and not _JOINERS.sub("", rest) else []
