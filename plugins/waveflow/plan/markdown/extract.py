"""Walk the `Wave N` sections and collect every effort they define, whatever shape it is written in."""

from __future__ import annotations

import re
from dataclasses import replace

from ..names import UNIT, UNIT_NUMBER
from .blocks import Block, as_markdown, list_items, parse_blocks
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
from .named import heading_ids
from .panels import is_panel, panel_efforts
from .roster import roster_efforts
from .sections import Section, fields
from .structured import structured_efforts
from .tables import effort_rows
from .text import DOTTED_RANGE, dependency_notes, leading_id, plain, spelled_dotted
from .todos import numbered_checklist, numbered_todo, titled_items, titled_with_fields
from .tool_calls import is_tool_calls, tool_call_efforts

# A paragraph that is one bold line, perhaps with a remark in parentheses, a status mark or a bold status after it
# (`**PR 01a: Cluster API** ✅ **KEEP AS-IS**`); not a `**Key**:` label.
_LEAD = re.compile(r"^\*\*([^*\n]+)\*\*(.+)$")
_BOLD_ID_TITLE = re.compile(r"^\*\*([^*\n]+)\*\*\s*[:—–]\s+[^\n]+$")
_ARROW = re.compile(r"→|-->|->|⟶")
_BOLD_LINE = re.compile(r"^\*\*([^*\n]+)\*\*(?:\s*(?:\([^()\n]*\)|[^\w\s*():→<>-]|\*\*[^*\n]+\*\*))*\s*$")


def section_efforts(sections: list[Section]) -> list[Draft]:
    out: list[Draft] = []
    for index, section in enumerate(sections):
        found = _walk(section, index)
        # Next to an effort table or effort blocks, a section's bullet lists say what those efforts deliver.
        if any(not d.origin.startswith("list:") for d in found):
            found = [d for d in found if not d.origin.startswith("list:")]
        if not found:
            found = (
                _id_bullets(section, index)
                or heading_ids(section, index)
                or numbered_checklist(section.blocks, section.number, index)
                or titled_items(section.blocks, section.number, index)
                or _told(roster_efforts(section, index), "roster")
            )
        out += found
    out = _first_rosters(out)
    # An agent known only by its label is an effort only in a plan whose efforts are all such agents; beside efforts
    # with ids or branches, `#### Agent 1 (API Lead)` repeats one of them in an instructions section.
    labelled = [d for d in out if d.slot and d.id == d.slot and not d.branch]
    if len(labelled) < len(out):
        out = [d for d in out if not any(d is x for x in labelled)]
    return out


def _first_rosters(drafts: list[Draft]) -> list[Draft]:
    """A roster restated later (`## Implementation Order` over the same `Phase 1`) names each wave's agents again:
    an agent's first line in a wave is its effort. Beside a wave's efforts read from elsewhere, a roster assigns
    roles (`#### Agent Role Assignment` under `### Wave 2 Coordination`)."""
    read = {d.wave for d in drafts if d.origin != "roster"}
    staffed: set[tuple[int, str | None]] = set()
    out = []
    for d in drafts:
        if d.origin == "roster":
            if d.wave in read or (d.wave, d.agent) in staffed:
                continue
            staffed.add((d.wave, d.agent))
        out.append(d)
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
        led = _led(block, section.number, index) or _named_agent(block, section.number, index)
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
        elif is_panel(block) and (drawn := panel_efforts(block, section.number, index)):
            found += _told(drawn, f"panel:{block.line}")
        elif block.kind == "fence":
            listed = structured_efforts(block, section.number, index) or _fenced_list(block, section, index)
            found += _told(listed, f"fence:{block.line}")
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
    if block.kind != "paragraph" or block.depth:
        return False
    m = _BOLD_LINE.match(block.text)
    if m:
        return effort_heading(m.group(1))
    # `**TASK-GWR-002**: Wire coach context` on a line of its own, its bullets below: a heading in all but markup.
    m = _BOLD_ID_TITLE.match(block.text)
    return bool(m and leading_id(m.group(1))[0] == m.group(1))


def _led(block: Block, wave: int, section: int) -> list[Draft]:
    """A paragraph led by a bold effort title with its branch, size and dependencies after it on the same line
    (``**Effort A1: Tokenizer** (`nlp/a1-tokenizer`, ~300 lines) — depends on X.``)."""
    if block.kind != "paragraph" or block.depth:
        return []
    first = block.text.split("\n")[0]
    m = _LEAD.match(first)
    # `**Effort 2.2.1** (Foundational) → **Effort 2.2.2**`: an order between efforts, not one effort's title.
    if not m or _BOLD_LINE.match(first) or not effort_heading(m.group(1)) or _ARROW.search(m.group(2)):
        return []
    after = line_efforts(m.group(2), block.line, wave, section)
    drafts = block_efforts(Block("paragraph", block.line, f"**{m.group(1)}**"), [], wave, section)
    if len(after) != 1 or len(drafts) != 1:
        return []
    drafts[0].fill(after[0])
    drafts[0].tell(block.text)
    return drafts


# `**Agent: demo-app** — Vite app with ...`: a kind of worker and its name, then what it builds.
_NAMED_AGENT = re.compile(r"^\*\*(?:agent|workstream|stream|track|lane)\s*:\s*([^*\n]+)\*\*\s*[—–:-]+\s*\S", re.I)


def _named_agent(block: Block, wave: int, section: int) -> list[Draft]:
    """A paragraph led by a named agent (or stream) is that agent's effort: its name is the id it goes by."""
    m = _NAMED_AGENT.match(block.text) if block.kind == "paragraph" and not block.depth else None
    if not m:
        return []
    d = Draft(block.line, wave, section, source=block.text.split("\n")[0])
    d.set("name", plain(m.group(1)).strip(), block.line)
    d.tell(block.text)
    return [d]


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


# `- ENV-01: Confirm the roster`: a bullet that opens with an id, inside a fence.
_FENCED_ITEM = re.compile(r"^\s*[-*]\s+\S+:\s", re.M)
# `- Task 1: Create the nav bar`: an item that opens with a numbered unit of work, which is its id as written.
_UNIT_ITEM = re.compile(rf"^({UNIT}\s+{UNIT_NUMBER})\s*[:—–]\s+(\S.*)$", re.I)
# `1. \`geo/extract-client\` — Extract the client`: an item that opens with a branch in a code span.
_CODE_FIRST = re.compile(r"^`([^`]+)`")
_CODE_ID = re.compile(r"^`([A-Z]{1,4}-?\d+[a-z]?)`(?=\s*[—–:-])")
# A tracker's lower-case key: `t-02`, `task-01`, and a dotted one (`akv.5`, `8ov.1`) that has a letter before its dot.
_TRACKER_KEY = r"[a-z]{1,6}-\d{1,4}|(?=[0-9]*[a-z])[a-z0-9]{2,6}\.\d{1,4}"
_LOWER_KEY = re.compile(rf"^(?:`({_TRACKER_KEY})`\s*[:—–]?|({_TRACKER_KEY})\s*[:—–])\s+(\S.*)$")
_TASK_CODE = re.compile(r"^([A-Z]{1,4}-?\d+[a-z]?)(?:\s+\[[^\]\s]{1,12}\])*\s+(?=[^\s—–:-])")
# `**B1 `s21/desc-singles`**`: the label and its branch in one bold
_BOLD_LABEL_BRANCH = re.compile(r"^\*\*([A-Z][A-Z0-9]{0,3})\s+(`[^`\n]+`)\*\*")
_LABEL_ID = re.compile(r"^([A-Z]{1,3}\d{1,3}[a-z]?):(?=\s)")


def _id_bullets(section: Section, index: int) -> list[Draft]:
    """A section that lists its efforts as bare bullets starting with an id (`- 10.2.1 Integration tests ...`) or a
    branch, or as bold effort titles (`- **Task 1.1 – CSV reader**`) with their fields nested under them."""
    out: list[Draft] = []
    blocks = section.blocks
    for i, block in enumerate(blocks):
        if not (block.kind == "paragraph" and block.item and block.depth == 1):
            continue
        first, _, rest = CHECKBOX.sub("", block.text).partition("\n")
        # `` `T1` — Schema `` and `S2: Shifts` open with an id as `**T1** — Schema` does, and so does a checklist's
        # task code with its markers (`- [ ] T005 [P] [US1] Album service`)
        first = _LABEL_ID.sub(r"**\1** —", _CODE_ID.sub(r"**\1**", _BOLD_LABEL_BRANCH.sub(r"**\1** \2", first)))
        first = _TASK_CODE.sub(r"**\1** — ", first) if CHECKBOX.match(block.text) else first
        bare = without_owner(first)
        nested = [Block("paragraph", block.line + 1, rest, depth=1)] if rest else []
        for child in blocks[i + 1 :]:
            # The item's own: its sub-items, and its further paragraphs and fences (`**What to do**:` under it)
            if child.kind not in ("paragraph", "fence") or child.depth < 1 or (child.depth == 1 and child.item):
                break
            nested.append(child)
        title = Block("paragraph", block.line, first)
        if keyed := _keyed_item(first, block.line, section.number, index):
            for role, at, value in item_fields(nested):
                told(keyed, role, at, value)
            keyed.tell(block.text)
            out.append(keyed)
        elif _bold_heading(title):
            out += block_efforts(title, nested, section.number, index)
        elif leading_id(plain(bare))[0] or BOLD_ID.match(bare) or _branch_first(bare) or _branch_last(bare):
            found = line_efforts(first, block.line, section.number, index, written=block.text.partition("\n")[0])
            if len(found) == 1:
                for role, at, value in item_fields(nested):
                    told(found[0], role, at, value)
            out += found
        elif titled := titled_with_fields(bare, block.line, section.number, index):
            titled.tell(block.text)
            out.append(titled)
        elif numbered := numbered_todo(block, first, nested, section.number, index):
            out.append(numbered)
    return _once(out)


def _keyed_item(text: str, line: int, wave: int, section: int) -> Draft | None:
    """`` - `t-02` Wire the blockers ``, `- task-01: Probe the credentials`: a task tool's lower-case key opens the
    item; it is the effort's id, not a branch. So is a numbered unit of work (`- Task 1: Create the nav bar`)."""
    if m := _LOWER_KEY.match(text):
        ident, rest = m.group(1) or m.group(2), m.group(3)
    elif m := _UNIT_ITEM.match(plain(text)):
        ident, rest = m.group(1), m.group(2)
    else:
        return None
    d = Draft(line, wave, section, source=text)
    d.set("id", ident, line)
    # `Export scheduler (needs bex.1) · sonnet · exports/csv.py`: the name, then its notes and `·`-separated fields
    name, deps, blocks = dependency_notes(plain(rest).split(" · ")[0])
    d.set("name", name.strip() or None, line)
    d.deps += [(deps, line)] if deps else []
    d.blocks += [(blocks, line)] if blocks else []
    return d


def document_items(blocks: list[Block]) -> list[Draft]:
    """The efforts a document lists anywhere as entries of a structured fence, bullets or effort blocks, for plans
    whose waves are not sections."""
    fenced = [d for b in blocks if b.kind == "fence" for d in _told(structured_efforts(b, 0, -1), f"fence:{b.line}")]
    # `# ADR-0004: Workstream Breakdown`: a document's one title is about all of it, not an effort over the rest
    titles = [b for b in blocks if b.kind == "heading" and b.level == 1]
    whole = Section(0, "", 0, 0, blocks=[b for b in blocks if len(titles) != 1 or b is not titles[0]])
    headed = [d for d in _walk(whole, -1) if d.origin == "blocks"]
    return _once(sorted(fenced + _id_bullets(whole, -1) + headed, key=lambda d: d.line))


def id_rows(blocks: list[Block]) -> list[Draft]:
    """The rows with an id of every effort table, wherever it stands: what a table beside the waves tells of the
    efforts they list (`| M1 live upgrade | `mux/m1-takeover` | — |`)."""
    return [d for b in blocks if b.kind == "table" for d in effort_rows(b, 0, -1) or [] if d.id]


def _once(drafts: list[Draft]) -> list[Draft]:
    """`- TASK-15 can overlap with TASK-13` after TASK-15's own item: a later bullet that opens with an effort's id
    says more about it, it is not a second effort."""
    first: dict[str, Draft] = {}
    out = []
    for d in drafts:
        seen = first.get(d.id or "") if d.id else None
        if seen is not None and not (d.branch and seen.branch and d.branch != seen.branch):
            seen.fill(d)
            continue
        first.setdefault(d.id or "", d)
        out.append(d)
    return out


def efforts_by_mention(outside: list[Block], sections: list[Section]) -> list[Draft]:
    """Waves that only name their efforts (an arrow sketch, a line of ids) while each effort has a block of its own
    elsewhere (`### T-05: Store config`): each effort goes in the first wave that names it. Every effort must be
    named by a wave, and the efforts must spread over two waves at least, else this is not how the plan is written."""
    # The efforts' own blocks: tables and sketches outside the waves repeat them (checks, maps, matrices). Without
    # blocks, the first effort table outside them (`| Task ID | Title | Branch |`) is where they are told.
    walked = _walk(Section(0, "", 0, 0, blocks=outside), -1)
    drafts = [d for d in walked if d.id and d.origin == "blocks"]
    first = next((d.origin for d in walked if d.origin.startswith("table:")), None)
    # `### GROUP 2` over a table like the first: the task tables of one breakdown, each group in its own
    header = next((b.header for b in outside if first and b.kind == "table" and f"table:{b.line}" == first), None)
    alike = {f"table:{b.line}" for b in outside if b.kind == "table" and b.header == header}
    table = [d for d in walked if d.origin in alike]
    if not drafts:
        drafts = table if all(d.id for d in table) else []
    rows = {d.id.lower(): d for d in table if d.id}
    for d in drafts:  # `### F6 — Structured logging` told in the table's row too, with its branch
        if (row := rows.get((d.id or "").lower())) is not None and row is not d:
            d.fill(row)
    if len({d.id for d in drafts}) < len(drafts):
        return []  # one id with several blocks: splits of one effort, not efforts of their own
    texts = [DOTTED_RANGE.sub(spelled_dotted, " ".join([s.heading, *(b.text for b in s.blocks)])) for s in sections]
    for d in drafts:
        named = re.compile(rf"(?<![\w-]){re.escape(d.id or '')}(?![\w-])")
        where = next((i for i, text in enumerate(texts) if named.search(text)), None)
        if where is None:
            return []
        d.wave, d.section = sections[where].number, where
    return drafts if len({d.section for d in drafts}) >= 2 else []


def _fenced_list(block: Block, section: Section, index: int) -> list[Draft]:
    """A plain fence that holds the wave's task list as markdown bullets (`- ENV-01: Confirm the roster`, nested
    `- BLOCKS: ...` lines): read as the list it is, each line keeping its place in the document."""
    if block.info or not _FENCED_ITEM.search(block.text):
        return []
    inner = [replace(b, line=b.line + block.line) for b in parse_blocks(block.text)]
    found = _id_bullets(replace(section, blocks=inner), index)
    return found if len(found) >= 2 else []


def _branch_first(text: str) -> bool:
    m = _CODE_FIRST.match(text)
    return bool(m and is_branch_span(m.group(1)))


# `1. Email sender with retries — \`notif/email\``: what the item is, then its branch
_CODE_LAST = re.compile(r"\s[—–:-]+\s*`([^`]+)`\s*(?:\([^()]*\))?\s*$")


def _branch_last(text: str) -> bool:
    m = _CODE_LAST.search(text)
    return bool(m and is_branch_span(m.group(1)))


def table_efforts(blocks: list[Block]) -> list[Draft]:
    """Efforts from tables with a `Wave` column, for plans that keep everything in one table."""
    out: list[Draft] = []
    for block in blocks:
        if block.kind == "table":
            out += effort_rows(block, None, -1) or []
    return out
