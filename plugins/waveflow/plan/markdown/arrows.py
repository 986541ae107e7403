"""Dependencies drawn as arrows on a line of their own (`- L1 → L3`, `E-10 -> E-20 -> E-30`, `A, B → C`): each part
after an arrow depends on the part before it. Only lines made of nothing but efforts and arrows count, so a labelled
critical path (`**Critical path**: ...`) or `Wave 1 → Wave 2` adds nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .blocks import Block
from .draft import Draft
from .index import Index
from .text import plain

_ARROW = re.compile(r"\s*(?:→|->|⟶|=>|⇒)\s*")
# What may stand between the efforts of one side of an arrow.
_JOINERS = re.compile(r"(?:\s|,|&|\+|\band\b)+", re.I)


@dataclass
class Arrows:
    edges: list[tuple[Draft, Draft, int]] = field(default_factory=list)  # (effort before, effort after, line)
    unread: list[tuple[int, str]] = field(default_factory=list)  # lines naming efforts around arrows, not read


def arrow_edges(blocks: list[Block], index: Index) -> Arrows:
    """The arrow lines of the document's paragraphs and lists; a line that names efforts among other words around
    its arrows is not guessed at but kept to warn about."""
    out = Arrows()
    for block in blocks:
        if block.kind != "paragraph":
            continue
        for line, text in block.lines():
            if not _ARROW.search(text):
                continue
            parts = [plain(part).strip(" -*+") for part in _ARROW.split(text)]
            sides = [_efforts(part, index) for part in parts]
            if len(sides) < 2 or not all(sides):
                # Every side names efforts, some with other words (`critical path: A → B`): said, but not only that.
                named = [{id(d) for d, _, _ in index.explicit(part)} for part in parts]
                if all(named) and len({frozenset(n) for n in named}) > 1:
                    out.unread.append((line, text.strip()))
                continue
            for before, after in pairwise(sides):
                out.edges += [(a, b, line) for a in before for b in after if a is not b]
    return out


def _efforts(part: str, index: Index) -> list[Draft]:
    """The efforts a side names, when it names nothing else."""
    named = index.explicit(part)
    rest = part
    for _, start, end in reversed(named):
        rest = rest[:start] + rest[end:]
    return [d for d, _, _ in named] if named and not _JOINERS.sub("", rest) else []
