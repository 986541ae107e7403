"""Dependency matrices drawn with marks: efforts down the first column, efforts across the header, a mark (`✓`, `x`,
`●`, `yes`) where two meet.

    |    | E1 | E2 |
    | E3 | ✓  | ✓  |

Which way a mark points is read from the waves: where every marked pair has the row's effort in the same or a later
wave than the column's, the row depends on the column; where every one is the other way round, the column depends on
the row. A matrix that fits neither is not guessed at: it is warned about at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block
from .draft import Draft
from .index import Index
from .text import plain

_MARK = re.compile(r"^(?:✓|✔|✅|☑|x|X|●|•|\*|yes|y)$")
_EMPTY = re.compile(r"^(?:|-|—|–|·|\.)$")


@dataclass
class Marks:
    edges: list[tuple[Draft, Draft, int]] = field(default_factory=list)  # (effort before, effort after, line)
    unread: list[int] = field(default_factory=list)  # lines of matrices whose direction the waves do not settle


def checkmark_edges(tables: list[Block], index: Index) -> Marks:
    out = Marks()
    for table in tables:
        columns = [_one(cell, index) for cell in table.header[1:]]
        if not columns or not all(columns):
            continue
        pairs: list[tuple[Draft, Draft, int]] = []  # (row effort, column effort, line)
        for line, cells in table.rows:
            row = _one(cells[0], index) if cells else None
            marks = [c.strip().strip("`_ ") for c in cells[1:]]  # plain text drops the marks themselves
            if row is None or not all(_MARK.match(m) or _EMPTY.match(m) for m in marks):
                pairs = []
                break
            pairs += [(row, col, line) for col, m in zip(columns, marks, strict=False) if col and _MARK.match(m)]
        if not pairs:
            continue
        if all(row.wave >= col.wave for row, col, _ in pairs):
            out.edges += [(col, row, line) for row, col, line in pairs if row is not col]
        elif all(row.wave <= col.wave for row, col, _ in pairs):
            out.edges += [(row, col, line) for row, col, line in pairs if row is not col]
        else:
            out.unread.append(table.line)
    return out


def _one(cell: str, index: Index) -> Draft | None:
    """The effort a header or first-column cell names, when it names exactly one and nothing else."""
    text = plain(cell).strip()
    named = index.explicit(text)
    if len(named) != 1:
        return None
    d, start, end = named[0]
    return d if not text[:start].strip() and not text[end:].strip() else None
