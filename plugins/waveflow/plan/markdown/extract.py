"""Walk the `Wave N` sections and collect every effort they define, whatever shape it is written in."""

from __future__ import annotations

import re

from .blocks import Block, as_markdown, list_items
from .briefs import criteria
from .draft import Draft
from .items import (
    BOLD_ID,
    CHECKBOX,
    block_efforts,
    effort_heading,
    is_branch_span,
    is_list_label,
    item_fields,
    line_efforts,
    told,
    without_owner,
)
from .panels import is_panel, panel_efforts
from .sections import Section, fields
from .structured import structured_efforts
from .tables import effort_rows
from .text import leading_id, plain
from .tool_calls import is_tool_calls, tool_call_efforts

# A paragraph that is one bold line, perhaps with a remark in parentheses after it.
_LEAD = re.compile(r"^\*\*([^*\n]+)\*\*(.+)$")
_BOLD_LINE = re.compile(r"^\*\*([^*\n]+)\*\*\s*(?:\([^()\n]*\))?\s*$")


def section_efforts(sections: list[Section]) -> list[Draft]:
    out: list[Draft] = []
    for index, section in enumerate(sections):
        found = _walk(section, index)
        # Next to an effort table or effort blocks, a section's bullet lists say what those efforts deliver.
        if any(not d.origin.startswith("list:") for d in found):
            found = [d for d in found if not d.origin.startswith("list:")]
        if not found:
            found = _id_bullets(section, index)
        out += found
    # An agent known only by its label is an effort only in a plan whose efforts are all such agents; beside efforts
    # with ids or branches, `#### Agent 1 (API Lead)` repeats one of them in an instructions section.
    labelled = [d for d in out if d.slot and d.id == d.slot and not d.branch]
    if len(labelled) < len(out):
        out = [d for d in out if not any(d is x for x in labelled)]
    return out


def _walk(section: Section, index: int) -> list[Draft]:
    blocks = section.blocks
    found: list[Draft] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "heading" and effort_heading(block.text):
            end = next(
                (
                    j
                    for j in range(i + 1, len(blocks))
                    if blocks[j].kind == "heading" and blocks[j].level <= block.level
                ),
                len(blocks),
            )
            found += _told(block_efforts(block, blocks[i + 1 : end], section.number, index), "blocks")
            i = end
            continue
        led = _led(block, section.number, index)
        if led:
            found += _told(led, "blocks")
            i += 1
            continue
        card = _card(block)
        if _bold_heading(block) or card:
            # `**Agent 1: Scheduler Specialist**` over a list of `- Branch: ...` lines: a heading in all but markup;
            # with its `Branch: ...` lines in the same paragraph, a card.
            end = next(
                (
                    j
                    for j in range(i + 1, len(blocks))
                    if blocks[j].kind == "heading" or _bold_heading(blocks[j]) or _card(blocks[j])
                ),
                len(blocks),
            )
            title, body = card or (block, [])
            found += _told(block_efforts(title, body + blocks[i + 1 : end], section.number, index), "blocks")
            i = end
            continue
        if is_tool_calls(block):
            found += _told(tool_call_efforts(block, section.number, index), f"calls:{block.line}")
        elif is_panel(block):
            found += _told(panel_efforts(block, section.number, index), f"panel:{block.line}")
        elif block.kind == "fence":
            found += _told(structured_efforts(block, section.number, index), f"fence:{block.line}")
        elif block.kind == "table":
            found += _told(effort_rows(block, section.number, index) or [], f"table:{block.line}")
        elif block.kind == "heading" and is_list_label(plain(block.text).lower().strip(" :")):
            found += _told(_items(blocks, i, section.number, index), f"list:{block.line}")
        elif block.kind == "paragraph" and not block.item:
            labelled = fields(block)
            if labelled and is_list_label(labelled[-1][1]):
                line, _, value = labelled[-1]
                found += _told(line_efforts(value, line, section.number, index) if value else [], f"list:{line}")
                if line == block.lines()[-1][0] and not value:
                    found += _told(_items(blocks, i, section.number, index), f"list:{line}")
        i += 1
    return found


def _bold_heading(block: Block) -> bool:
    m = _BOLD_LINE.match(block.text) if block.kind == "paragraph" and not block.depth else None
    return bool(m and effort_heading(m.group(1)))


def _led(block: Block, wave: int, section: int) -> list[Draft]:
    """A paragraph led by a bold effort title with its branch, size and dependencies after it on the same line
    (``**Effort A1: Tokenizer** (`nlp/a1-tokenizer`, ~300 lines) — depends on X.``)."""
    if block.kind != "paragraph" or block.depth:
        return []
    first = block.text.split("\n")[0]
    m = _LEAD.match(first)
    if not m or _BOLD_LINE.match(first) or not effort_heading(m.group(1)):
        return []
    after = line_efforts(m.group(2), block.line, wave, section)
    drafts = block_efforts(Block("paragraph", block.line, f"**{m.group(1)}**"), [], wave, section)
    if len(after) != 1 or len(drafts) != 1:
        return []
    drafts[0].fill(after[0])
    drafts[0].tell(block.text)
    return drafts


def _card(block: Block) -> tuple[Block, list[Block]] | None:
    """(its title, the rest) of a paragraph whose first line is a bold effort title and whose next lines are
    `Key: value` fields (`**FE-1 — Charts**` then `Branch: web/fe-1`, `LOC: ~350`)."""
    if block.kind != "paragraph" or block.depth or "\n" not in block.text:
        return None
    first, rest = block.text.split("\n", 1)
    title = Block("paragraph", block.line, first)
    body = Block("paragraph", block.line + 1, rest)
    return (title, [body]) if _bold_heading(title) and fields(body) else None


def _told(drafts: list[Draft], origin: str) -> list[Draft]:
    for d in drafts:
        d.origin = origin
    return drafts


def _items(blocks: list[Block], i: int, wave: int, section: int) -> list[Draft]:
    """One effort per item of the list after block i; `**Prerequisites**: ...` under an item is about its effort."""
    out: list[Draft] = []
    for line, text, children in list_items(blocks, i):
        found = line_efforts(text, line, wave, section)
        if len(found) == 1:
            for role, at, value in item_fields(children):
                told(found[0], role, at, value)
            found[0].tell(as_markdown(children))
            found[0].acceptance += criteria(children)
        out += found
    return out


# `1. \`geo/extract-client\` — Extract the client`: an item that opens with a branch in a code span.
_CODE_FIRST = re.compile(r"^`([^`]+)`")


def _id_bullets(section: Section, index: int) -> list[Draft]:
    """A section that lists its efforts as bare bullets starting with an id (`- 10.2.1 Integration tests ...`) or a
    branch, or as bold effort titles (`- **Task 1.1 – CSV reader**`) with their fields nested under them."""
    out: list[Draft] = []
    blocks = section.blocks
    for i, block in enumerate(blocks):
        if not (block.kind == "paragraph" and block.item and block.depth == 1):
            continue
        first, _, rest = CHECKBOX.sub("", block.text).partition("\n")
        bare = without_owner(first)
        nested = [Block("paragraph", block.line + 1, rest, depth=1)] if rest else []
        for child in blocks[i + 1 :]:
            if child.kind != "paragraph" or child.depth < 2:
                break
            nested.append(child)
        title = Block("paragraph", block.line, first)
        if _bold_heading(title):
            out += block_efforts(title, nested, section.number, index)
        elif leading_id(plain(bare))[0] or BOLD_ID.match(bare) or _branch_first(bare):
            found = line_efforts(first, block.line, section.number, index)
            if len(found) == 1:
                for role, at, value in item_fields(nested):
                    told(found[0], role, at, value)
            out += found
    return out


def _branch_first(text: str) -> bool:
    m = _CODE_FIRST.match(text)
    return bool(m and is_branch_span(m.group(1)))


def table_efforts(blocks: list[Block]) -> list[Draft]:
    """Efforts from tables with a `Wave` column, for plans that keep everything in one table."""
    out: list[Draft] = []
    for block in blocks:
        if block.kind == "table":
            out += effort_rows(block, None, -1) or []
    return out
