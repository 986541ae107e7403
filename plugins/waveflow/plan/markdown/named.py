"""Efforts a wave only names by id, in its heading's parentheses (`### Wave 3: Polish (TASK-3, TASK-4)`), and
described by an effort table outside the waves (`## Subtasks`)."""

from __future__ import annotations

import re

from .blocks import Block, as_markdown
from .draft import Draft
from .items import line_efforts
from .sections import Section
from .tables import effort_rows
from .text import ID, PARENS, ids_in

# `(TASK-FBC-003, TASK-FBC-004)`, not `(Parallel, T-03 after T-02)`: parentheses that hold ids and nothing else.
_AFTER_COLON = re.compile(r":\s*([^:()]+)$")
_ONLY_IDS = re.compile(r"^\(\s*" + ID.pattern + r"(?:\s*(?:,|and|&)\s*" + ID.pattern + r")*\s*\)$")


def heading_ids(section: Section, index: int) -> list[Draft]:
    """`### Wave 3: Polish (TASK-FBC-003, TASK-FBC-004)`: a wave that names its efforts only in its heading's
    parentheses (a table elsewhere describes them); what the section says is their brief."""
    named = [
        ident for inner in PARENS.findall(section.heading) if _ONLY_IDS.match(inner) for ident, _, _ in ids_in(inner)
    ]
    listed = _AFTER_COLON.search(section.heading)
    if listed and _ONLY_IDS.match(f"({listed.group(1)})"):
        named += [ident for ident, _, _ in ids_in(listed.group(1))]  # `### Wave 2 (after #150 merges): #151`
    out = []
    for ident in dict.fromkeys(named):
        d = Draft(section.line, section.number, index, source=section.heading)
        d.set("id", ident, section.line)
        d.tell(as_markdown(section.blocks))
        d.origin = f"heading:{section.line}"
        out.append(d)
    # One effort named and one branch in the wave's lines (`\`.worktrees/task-151\` on \`task/151-renderers\``): the
    # branch is that effort's
    branches = {
        d.branch: block.line
        for block in section.blocks
        if block.item
        for d in line_efforts(block.text, block.line, 0, 0)
        if d.branch
    }
    if len(out) == 1 and len(branches) == 1:
        branch, line = branches.popitem()
        out[0].set("branch", branch, line)
    return out


def describe_named(drafts: list[Draft], tables: list[Block]) -> None:
    """Efforts a wave names only by id in its heading take their name, row and fields from an effort table that
    lists them outside the waves (`## Subtasks`)."""
    named = {d.id: d for d in drafts if d.origin.startswith("heading:") and d.id}
    for table in tables if named else []:
        for row in effort_rows(table, 0, 0) or []:
            if row.id in named:
                named[row.id].fill(row)
