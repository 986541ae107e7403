"""Efforts kept as a planner's to-do items inside a wave: numbered checklist items, alone or with fields under them
(`- [ ] 3. Resource points` over `**Parallelization**: Wave 2 | Blocked by: 1`), or a bold title that goes on with
the effort's fields on its line (`- [ ] **Gap ranking** — role: pm, deps: gap discovery, est: 90m`)."""

from __future__ import annotations

import re

from .blocks import Block, as_markdown
from .draft import Draft
from .items import field_role, item_fields, told
from .sections import fields
from .text import KEBAB_KEY, SENTENCE_END, plain

# `- [ ] 3. Resource points` over `**Parallelization**: Wave 2 | Blocked by: 1`: a planner's numbered to-do.
_TODO = re.compile(r"^\s*\[[ xX]\]\s+(\d+)\.\s+(\S.*)$")
_BLOCKED = re.compile(r"(?:^|\|)\s*(?:blocked\s+by|depends\s+on|deps)\s*:\s*([^|]+)", re.I)


def numbered_todo(block: Block, first: str, nested: list[Block], wave: int, section: int) -> Draft | None:
    """A numbered checklist item with fields under it is an effort whose id is its number; a `|`-separated field
    value may hold its dependencies (`Wave 2 | Blocked by: 1, 2`)."""
    m = _TODO.match(block.text.split("\n")[0])
    found = [f for b in nested for f in fields(b, items=True)]
    if not m or not found:
        return None
    d = Draft(block.line, wave, section, source=first)
    d.set("id", m.group(1), block.line)
    d.set("name", plain(m.group(2)).strip(), block.line)
    for line, key, value in found:
        role = field_role(key)
        if role:
            told(d, role, line, value)
        d.deps += [(said.group(1).strip(), line) for said in _BLOCKED.finditer(value) if role != "deps"]
    d.tell(as_markdown([Block("paragraph", block.line, block.text), *nested]))
    return d


# `- [ ] **Gap ranking** — role: pm, deps: gap discovery, est: 90m`, `- **push-sender** — APNs sender. Branch: \`x\``: a
# bold title, then what it is and its fields on the same line.
_TITLE_THEN_FIELDS = re.compile(r"^\*\*([^*\n]+)\*\*\s*[—–:-]+\s*(.+)$")
# A field's key opens the text, or follows the end of a sentence or of another field.
_INLINE_KEY = re.compile(r"(?:^|(?<=[,.;])\s+)([A-Za-z][\w -]{0,20}?)\s*:\s+")


def titled_with_fields(text: str, line: int, wave: int, section: int) -> Draft | None:
    """An effort known by its title alone, when the line goes on with the fields of an effort (deps, role,
    estimate, branch): a titled bullet without them is a note, not an effort."""
    m = _TITLE_THEN_FIELDS.match(text)
    if not m:
        return None
    rest = m.group(2)
    keys = [(k, role) for k in _INLINE_KEY.finditer(rest) if (role := field_role(k.group(1).lower()))]
    if not any(role in ("deps", "agent", "lines", "branch") for _, role in keys):
        return None
    d = Draft(line, wave, section, source=text)
    title = plain(m.group(1)).strip()
    said = plain(rest[: keys[0][0].start()]).strip(" .,;")
    if KEBAB_KEY.match(title):  # `**push-sender** — APNs and FCM sender`: a key, then what it names
        d.set("id", title, line)
        d.set("name", said or None, line)
    else:
        d.set("name", title, line)
    ends = [k.start() for k, _ in keys[1:]] + [len(rest)]
    for (k, role), end in zip(keys, ends, strict=True):
        value = rest[k.end() : end].strip(" .,;")
        if not (role == "deps" and value.lower() in ("none", "-", "—")):
            told(d, role, line, value)
    return d


def numbered_checklist(blocks: list[Block], wave: int, section: int) -> list[Draft]:
    """A wave whose list is only numbered checklist items (`- [ ] 4. Build the scope context ...`): each item is an
    effort whose id is its number, though nothing is nested under it."""
    items = [b for b in blocks if b.kind == "paragraph" and b.item and b.depth == 1]
    found = [(b, m) for b in items if (m := _TODO.match(b.text.split("\n")[0]))]
    if len(found) < 2 or len(found) < len(items):
        return []
    out = []
    for block, m in found:
        d = Draft(block.line, wave, section, source=block.text.split("\n")[0])
        d.set("id", m.group(1), block.line)
        first = plain(" ".join([m.group(2), *block.text.split("\n")[1:]]))
        d.set("name", SENTENCE_END.split(first, maxsplit=1)[0].strip(), block.line)
        d.tell(block.text)
        out.append(d)
    return out


# `1. **Choice Card Component** (branch: feat/choice-cards)` over its sub-items: a feature's title alone on its line
_TITLE_ONLY = re.compile(r"^\*\*([^*\n]+)\*\*\s*(\([^()\n]*\))?\s*:?\s*$")
_BRANCH_NOTE = re.compile(r"\bbranch\s*:\s*`?([\w./-]+)`?", re.I)


def titled_items(blocks: list[Block], wave: int, section: int) -> list[Draft]:
    """A wave whose list is only bold titles, each over sub-items that say what it is (and perhaps `Dependencies:`):
    each is an effort known by its title. A list with any other item is notes, not efforts."""
    items = _top_items(blocks)
    titled = [(line, m, children) for line, first, children in items if (m := _TITLE_ONLY.match(first)) and children]
    if not titled or len(titled) < len(items):
        return []
    out = []
    for line, m, children in titled:
        d = Draft(line, wave, section, source=m.group(0))
        d.set("name", plain(m.group(1)).strip(), line)
        named = _BRANCH_NOTE.search(m.group(2) or "")
        d.set("branch", named.group(1) if named else None, line)
        for role, at, value in item_fields(children):
            told(d, role, at, value)
        d.tell(as_markdown([Block("paragraph", line, m.group(0), depth=1, item=True), *children]))
        out.append(d)
    return out


def _top_items(blocks: list[Block]) -> list[tuple[int, str, list[Block]]]:
    """(line, first line, what is nested under it) of each top-level item of the lists among the blocks."""
    items: list[tuple[int, str, list[Block]]] = []
    for b in blocks:
        if b.kind == "paragraph" and b.depth == 1 and b.item:
            first, _, rest = b.text.partition("\n")
            items.append((b.line, first, [Block("paragraph", b.line + 1, rest, depth=1)] if rest else []))
        elif b.depth and items:
            items[-1][2].append(b)
    return items
