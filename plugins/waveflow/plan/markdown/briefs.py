"""What a document says an effort is to do — its brief — and the criteria its work must meet.

The brief gathers every place that talks about one effort: the blocks under its own heading, its table row's other
columns, the nested lines of its list item, the comments of its commands in a wave's execution fence
(`# Implement E2E test framework` / `# - Test harness setup`), and its agent's entry in an assignment list
(`**Agent-2**: Integration testing specialist` with `Focus:` and `Skills:` under it). Acceptance criteria come from a
`Success Criteria` / `Acceptance Criteria` / `Exit Criteria` heading or field and the list under it.
"""

from __future__ import annotations

import re

from .blocks import Block, heading_section, list_items
from .draft import Draft, by_section
from .sections import FIELD, Section, fields
from .text import agent_name, plain

_CRITERIA = {
    "success criteria",
    "acceptance criteria",
    "acceptance",
    "definition of done",
    "done when",
    "exit criteria",
    "success",
    "success metrics",
    "validation criteria",
    "completion criteria",
}
_AGENT_ITEM = re.compile(r"^\*\*(agent[\s-]*\w+)\*\*\s*:?\s*(.*)$", re.I)
_COMMENT = re.compile(r"^\s*#+\s?(.*)$")
_AGENT_COMMENT = re.compile(r"^\s*#\s*agent[\s-]*\w+\s*:", re.I)


def criteria(body: list[Block]) -> list[str]:
    """The list under a `Success Criteria` heading or field of these blocks (or the field's own value)."""
    out: list[str] = []
    for i, block in enumerate(body):
        if block.kind == "heading" and plain(block.text).lower().strip(" :") in _CRITERIA:
            out += [plain(text) for _, text, _ in list_items(body, i)]
            continue
        for line, key, value in fields(block, items=True):
            if key in _CRITERIA:
                last = line == block.lines()[-1][0]
                out += [plain(value)] if value else []
                out += [plain(text) for _, text, _ in list_items(body, i)] if last and not value else []
    return [c for c in out if c]


def row_brief(header: list[str], cells: list[str], unread: list[int]) -> str:
    """A table row's columns the reader has no field for (Focus, Resource Usage, Notes), as `**Column**: value`;
    `unread` holds their positions, in order."""
    lines = []
    for i in unread:
        value = cells[i].strip() if i < len(cells) else ""
        if value and plain(value).lower() not in ("-", "—", "n/a", "none"):
            lines.append(f"**{plain(header[i])}**: {value}")
    return "\n".join(lines)


def fill_briefs(blocks: list[Block], sections: list[Section], drafts: list[Draft]) -> None:
    """The briefs only the document as a whole gives: command comments and agent assignment lists."""
    _command_comments(sections, drafts)
    _agent_entries(blocks, drafts)
    _wave_criteria(sections, drafts)
    _keyed_headings(blocks, drafts)


def _keyed_headings(blocks: list[Block], drafts: list[Draft]) -> None:
    """`### 01-timetable-import` over a paragraph, for the feature a chart's node labels so: a heading that is an
    effort's key and nothing more holds what it is to do."""
    keyed = {d.id: d for d in drafts if d.id and len(d.id) > 3 and not d.brief}
    for i, block in enumerate(blocks if keyed else []):
        if block.kind == "heading" and (d := keyed.get(plain(block.text).strip())):
            d.tell(heading_section(blocks, i))


def _wave_criteria(sections: list[Section], drafts: list[Draft]) -> None:
    """`**Completion Criteria**: All tests pass` under a wave's heading holds for each of its efforts that lists none
    of its own."""
    members = by_section(drafts)
    for index, section in enumerate(sections):
        own: list[Block] = []
        for block in section.blocks:
            if block.kind == "heading":
                break
            own.append(block)
        found = criteria([b for b in own if not b.depth or b.item])
        for d in members.get(index, []):
            if not d.acceptance:
                d.acceptance = list(found)


def _command_comments(sections: list[Section], drafts: list[Draft]) -> None:
    """In a wave's fence, the comment lines after the line naming an effort's branch, up to the next effort's."""
    branched = [d for d in drafts if d.branch]
    for section in sections:
        for block in section.blocks:
            if block.kind != "fence" or not any((d.branch or "") in block.text for d in branched):
                continue
            current: Draft | None = None
            said: dict[int, list[str]] = {}
            launching = False  # the line before named an effort too: a launch of several, whose comments are no one's
            for _, text in block.lines():
                named = [d for d in branched if d.branch and d.branch in text]
                if named:
                    current = None if launching else named[0]
                    launching = True
                    continue
                if text.strip() and not text.strip().endswith("\\"):
                    launching = False
                if _AGENT_COMMENT.match(text):
                    current = None
                    continue
                m = _COMMENT.match(text)
                if current is not None and m and m.group(1).strip():
                    said.setdefault(id(current), []).append(m.group(1).rstrip())
            for d in branched:
                if id(d) in said:
                    d.tell("\n".join(said[id(d)]))


def _agent_entries(blocks: list[Block], drafts: list[Draft]) -> None:
    """`- **Agent-2**: Integration testing specialist` and the `Focus:`/`Skills:` lines under it, for the one effort
    that agent works on."""
    owners: dict[str, list[Draft]] = {}
    for d in drafts:
        if d.agent:
            owners.setdefault(d.agent.lower(), []).append(d)
    for block in blocks:
        if block.kind != "paragraph" or not block.item:
            continue
        m = _AGENT_ITEM.match(block.text.split("\n")[0])
        if not m:
            continue
        name = agent_name(m.group(1)) or ""
        mine = owners.get(name.lower(), [])
        if len(mine) != 1:
            continue
        lines = [f"**Role**: {m.group(2)}"] if m.group(2) else []
        i = blocks.index(block)
        for later in blocks[i + 1 :]:
            if later.kind != "paragraph" or later.depth <= block.depth:
                break
            lines += [t.strip() for t in later.text.split("\n") if FIELD.match(t)]
        mine[0].tell("\n".join(f"- {t}" for t in lines))
