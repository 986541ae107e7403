"""Efforts written as blocks (`### Effort 7.1.1: ...`, `#### Agent A: ...` with `**Branch**:` lines) or bullets."""

from __future__ import annotations

import re

from ..names import UNIT
from .blocks import Block, as_markdown, list_items
from .briefs import criteria
from .draft import Draft, namespace_in, ports_in
from .prose import order_notes, paragraph_dependencies
from .sections import fields
from .structured import metadata
from .text import (
    BRANCH,
    CODE,
    DIGITS,
    ID,
    SENTENCE_END,
    WORKTREE_NAME,
    agent_name,
    branch_in,
    dependency_notes,
    first_count,
    ids_in,
    is_duration,
    leading_id,
    line_count,
    plain,
    without_slot,
)

# `NEW PR 01d: ...`: a status word in capitals may come before the kind of work.
_EFFORT_HEADING = re.compile(
    r"^(?:(?-i:[A-Z]{2,})\s+)?(?:effort|task|work\s*item|component|item|story|track|lane|work\s*stream|ticket|pr|plan|worktree|sub-?task|step)"
    r"\s*#?\s*([A-Za-z]*\d[\w.-]*|(?-i:[A-Z])(?=\s*[:\-–—.)]))\s*(?:[:\-–—.)]\s*(.*))?$",
    re.I,
)
_SIZE_NOTE = re.compile(r"\s*\([^()]*\b(?:lines?|loc)\b[^()]*\)", re.I)  # `(~400 lines)`, `(~430 LOC, no deps)`
_UNIT_NUMBER = re.compile(rf"^({UNIT})\s*#?\s*(\d+[a-z]?)\b", re.I)
_NUMBER_ID = re.compile(r"\d+(?:[-.]\d+)+[a-z]?")
# `#### Agent A: API`, `#### Subagent BE — Backend` (a label of more letters says what comes after it)
_AGENT_HEADING = re.compile(
    r"^(?:sub-?)?agent[\s-]*([A-Z]|(?-i:[A-Z]{2,3})(?=\s*[:\-–—]\s)|\d+)\b\s*[:\-–—]?\s*(.*)$", re.I
)
_KEY_AFTER = re.compile(r"\(\s*([A-Z][A-Za-z]*-?\d+[a-z]?|[A-Z]{2,}-[a-z0-9]+)\s*\)\W*$")  # `(WU-1)`, `(AV-c3t1)`
_AGENT_PREFIX = re.compile(r"^\s*(?:\*\*)?(agent[\s-]*(?:[A-Z]|\d+))\b(?:\*\*)?\s*(?:->|[:\-–—→])\s*", re.I)
_LIST_LABEL = re.compile(
    r"^(?:branches|efforts|tasks|issues|work items|deliverables|components|effort list|task list)"
    r"(?:\s+(?:in|of|for)\s+(?:this\s+)?wave(?:\s+[\d.]+)?)?$"
)
# A code span that is a branch: one token with a `/` or `-` inside it (not a command line, not a `--flag`).
_BRANCH_SPAN = re.compile(r"[\w.]+(?:[/-][\w.]+)+")
_FILE = re.compile(r"\.[A-Za-z]{1,5}$")
# A worktree value that is a branch (`feature/task-12`), not a directory (`../wt-1`, `wave-1-tracking`).
_BRANCH_PATH = re.compile(r"^[a-z0-9][\w.-]*/[\w./-]+$")
_NAME_END = re.compile(r":\s|" + SENTENCE_END.pattern)
# `**QA1**`, `**1.2**`, and a letter before its branch or a dash (`**A** `s21/import` — importer`)
BOLD_ID = re.compile(r"^\s*\*\*([A-Z]{1,4}-?\d+(?:\.\d+)*[a-z]?|\d+(?:[-.]\d+)+|[A-Z](?=\*\*\s*[`—–]))\*\*")
# `@lena: ...`: the owner's handle before a bullet's effort.
HANDLE = re.compile(r"^\s*@([\w.-]+)\s*[:—–-]\s*")
# `[ ] `, `[x] `: a checklist item is an item like any other, ticked or not.
CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s+")
_TITLED = re.compile(ID.pattern + r"(?:\s*:|\s+[-—–])\s+\S")
_LABELLED_KEY = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![\w/])")
_VERB = re.compile(r"^(fix|finish|complete|implement|rework|update)\s+", re.I)
# `Sync queue (branch: \`mobile/sync\`)`: the field's label is left when its branch is taken out
_NAME_NOISE = re.compile(r"^(?:effort|task|branch)\b\s*|\b(?i:branch|worktree)\s*:|[()\[\]]")

_FIELD_ROLES = {
    "branch": {"branch", "git branch", "branch name"},
    "worktree": {"worktree", "worktree branch"},
    "branches": {"branches"},
    "effort": {"effort", "task", "effort id", "id"},
    "efforts": {"efforts", "tasks"},
    "name": {"name", "title"},
    "lines": {
        "lines",
        "estimated lines",
        "size",
        "estimate",
        "est",
        "est.",
        "loc",
        "lines of code",
        "est. lines",
        "estimated size",
        "target size",
        "target lines",
        "estimated loc",
        "est. loc",
    },
    "deps": {
        "dependencies",
        "depends on",
        "depends",
        "deps",
        "dependency",
        "requires",
        "prerequisites",
        "prereqs",
        "blocked by",
        "blocked on",
        "after",
        "needs",
        "waits for",
    },
    "blocks": {"blocks", "blocking", "unblocks"},
    "agent": {"agent", "engineer", "owner", "assignee", "assigned to", "role"},
    "namespace": {"namespace", "test namespace", "test ns"},
    "ports": {"ports", "port range", "port"},
    "wave": {"wave", "parallel group", "execution wave"},
}


def field_role(key: str) -> str | None:
    """What a `Key:` of an effort's block or bullet sets (`deps`, `branch`, `lines`...), if anything."""
    key = key.replace("_", " ")  # `depends_on:` as tools write it
    return next((role for role, keys in _FIELD_ROLES.items() if key in keys), None)


# `[PAY-210] Refund reasons`: a ticket key in brackets opens a heading as a bare id does.
_BRACKETED = re.compile(r"^\[([^\]\s]+)\]\s*")


# `Phase 1, Track 2 — ...`: the wave a sub-heading repeats before its own kind and number.
_WAVE_PREFIX = re.compile(r"^(?:phase|wave|stage|sprint)\s+[\w.]+\s*,\s*(?=\w)", re.I)


def heading_title(text: str) -> str:
    # `### [x] T-06 — Update the docs`: a heading ticked as a checklist item is, not a bracketed key
    return _WAVE_PREFIX.sub("", _BRACKETED.sub(r"\1 ", CHECKBOX.sub("", plain(text))))


# `#### 2.1 Forced password reset`, `### Workstream: Rate cache`: a two-part number, or a kind of work and a name,
# open an effort's heading when its block names a branch.
_NUMBERED = re.compile(r"^(\d+\.\d+)[.:)]?\s+(\S.*)$")
# `### T4 [P]: Project the world map`: a short label (and a mark) and a colon.
# `### A. Names, JSON and the debounce`: a letter and a stop.
_LABEL_TITLE = re.compile(
    r"^([A-Z]{1,3}\d{1,3}[a-z]?|[A-Z](?=[.)]\s))(?:\s+\[[^\]]*\])?(?:\s*:|\s+[-—–]|[.)])\s+(\S.*)$"
)
_KIND_NAME = re.compile(r"^(?:effort|task|workstream|work\s+stream|track|lane|story|feature)\s*:\s*(\S.*)$", re.I)
# `### **S1** Tokenizer service` (or a `<details>` summary `<b>S1</b> ...`): a bold label opens an effort's heading
# when its block names a branch.
_BOLD_LABEL = re.compile(r"^\s*\*\*([^*\s]+)\*\*\s*[:\-–—.]?\s*(.*)$")


def _bold_id(text: str) -> tuple[str, str] | None:
    m = _BOLD_LABEL.match(text)
    if not m or leading_id(m.group(1), loose=True) != (m.group(1), ""):
        return None
    return m.group(1), plain(m.group(2))


def effort_heading(text: str) -> bool:
    t = heading_title(text)
    return bool(
        _EFFORT_HEADING.match(t)
        or _AGENT_HEADING.match(t)
        or leading_id(t)[0]
        or _branch_span(text)
        or _NUMBERED.match(t)
        or _KIND_NAME.match(t)
        or _LABEL_TITLE.match(t)
        or _bold_id(text)
    )


def _branch_span(text: str) -> str | None:
    """The branch a heading names in a code span (`### Cache warmer (perf/cache-warmer in backticks, ~300 lines)`)."""
    return next((s.strip() for s in CODE.findall(text) if is_branch_span(s)), None)


def is_branch_span(span: str) -> bool:
    """A code span that is a branch name, not a file (`pkg/discovery/cache.go`)."""
    span = span.strip()
    return bool(_BRANCH_SPAN.fullmatch(span)) and not _FILE.search(span) and not span.startswith(".")


def title_notes(title: str) -> tuple[str, str | None]:
    """(the name, what it depends on) of a title with notes in brackets: `Login handlers (~480 LOC, deps: Q1 + Q2)`."""
    name, deps, _ = dependency_notes(title)
    if name.count("(") > name.count(")"):
        name = name[: name.rindex("(")]
    return _SIZE_NOTE.sub("", name).strip(), deps


def block_efforts(heading: Block, body: list[Block], wave: int, section: int) -> list[Draft]:
    """The efforts of one `Effort N:` / `Agent X:` / `<id>: name` heading and the blocks under it."""
    title = heading_title(heading.text)
    base = Draft(heading.line, wave, section, source=heading.text)
    agent = _AGENT_HEADING.match(title)
    effort = _EFFORT_HEADING.match(title)
    bold = _bold_id(heading.text) if not (agent or effort or leading_id(title)[0]) else None
    if agent:
        base.set("agent", agent_name(f"Agent {agent.group(1)}"), heading.line)
        if keyed := _KEY_AFTER.search(agent.group(2)):
            # `**Agent A — Coordinator** (WU-1)`: the agent works on the unit whose key closes its heading
            base.set("id", keyed.group(1), heading.line)
            base.set("name", agent.group(2)[: keyed.start()].strip(" :-–—*") or None, heading.line)
    elif effort:
        ident, _ = leading_id(effort.group(1), loose=True)
        name = _SIZE_NOTE.sub("", effort.group(2) or "").strip()
        if ident is None and (_NUMBER_ID.fullmatch(effort.group(1)) or effort.group(1).isalpha()):
            # `Plan 02-01: Database schema`: a number in parts is an id; `Workstream A: Voice`, a letter
            ident = effort.group(1)
        elif ident is None:
            # `Track 1 — TASK-FIX-7.1 (wire the linker)`: a bare count, and the effort's id after it.
            ident, rest = leading_id(name)
            name = rest if ident else name
        base.set("id", ident, heading.line)
        base.set("name", name or None, heading.line)
    elif numbered := _NUMBERED.match(title) if not leading_id(title)[0] else None:
        base.set("id", numbered.group(1), heading.line)
        base.set("name", numbered.group(2).strip(), heading.line)
    elif kind := _KIND_NAME.match(title):
        base.set("name", kind.group(1).strip(), heading.line)
    elif short := _LABEL_TITLE.match(title):
        # `### Q4 — Login handlers (~480 LOC, deps: Q1 + Q2)`: the notes in brackets say its size and dependencies
        name, deps = title_notes(short.group(2))
        base.set("id", short.group(1), heading.line)
        base.set("name", name, heading.line)
        base.set("lines", size[0] if (size := line_count(short.group(2))) else None, heading.line)
        if deps:
            base.deps.append((deps, heading.line))
    elif bold:
        base.set("id", bold[0], heading.line)
        base.set("name", bold[1] or None, heading.line)
    elif leading_id(title)[0] or not _branch_span(heading.text):
        ident, rest = leading_id(title)
        base.set("id", ident, heading.line)
        base.set("name", rest or None, heading.line)
    else:
        base.fill(line_efforts(heading.text, heading.line, wave, section)[0])
    # `#### PR 01: Cluster API (\`feature/tmc/01-cluster\`)`: the heading names the branch beside its number
    base.set("branch", _branch_span(heading.text), heading.line)
    unit = _UNIT_NUMBER.match(title) if effort else None
    if effort and (size := line_count(title)):
        base.set("lines", size[0], heading.line)  # `#### PR 1: SyncTarget API (~400 lines)`
    for block in body:
        if block.kind == "paragraph" and (not block.depth or block.item):
            base.deps += paragraph_dependencies(block)
    listed: dict[str, list[Draft]] = {"branches": [], "efforts": []}
    for role, line, value, items in _fields_with_lists(body):
        if role in listed:
            listed[role] += [d for item_line, text in items for d in line_efforts(text, item_line, wave, section)]
            if value:
                listed[role] += line_efforts(value, line, wave, section)
        else:
            told(base, role, line, value)
    for role, line, value in (f for block in body for f in metadata(block)):
        told(base, "effort" if role == "id" else role, line, value)
    for line, key, value in (f for block in body for f in _attribute_rows(block)):
        if says := field_role(key):
            told(base, says, line, value)
        else:
            # `| **Parallel** | No - depends on PD-005 |`: a note on the order in another attribute
            base.deps += [(said, line) for said in order_notes(_YES_NO.sub("", plain(value)))]
    # `Opaque, signed cursors. ~200 lines.`: a size the block's first paragraph gives in prose.
    lead = next((b for b in body if b.kind == "paragraph" and not b.depth and not fields(b)), None)
    if lead is not None and (size := line_count(lead.text)):
        base.set("lines", size[0], lead.line)
    base.tell(as_markdown(body))
    base.acceptance += criteria(body)
    many = _join(listed["branches"], listed["efforts"])
    if not many and agent and not (base.id or base.branch):
        # `### Agent A - Store trait`: where the agent is the unit of work, its label is the effort's id.
        base.set("id", agent.group(1), heading.line)
        base.set("name", agent.group(2).strip(" :-–—") or None, heading.line)
        base.slot = agent.group(1)
    if not many and unit and not (base.id or base.branch):
        # `#### PR 3: Health collector (~400 lines)`: a unit of work known by its number is that unit, as written
        base.set("id", f"{unit.group(1)} {unit.group(2)}", heading.line)
    if not many:
        # A numbered sub-section without a branch (`### 1.1 Overview`) is the document's outline, not an effort.
        outline = _NUMBERED.match(title) or _KIND_NAME.match(title) or bold
        return [base] if base.branch or (base.id and not outline) else []
    for draft in many:
        draft.tell(base.brief)
        draft.acceptance += base.acceptance
        for name in ("lines", "agent", "namespace", "ports"):
            draft.set(name, getattr(base, name), base.at.get(name, base.line))
        draft.deps += base.deps
        draft.blocks += base.blocks
    return many


_ATTRIBUTE_HEADERS = {"attribute", "field", "property", "key", "item"}
_YES_NO = re.compile(r"^\s*(?:yes|no)\s*[-–—:,]\s*", re.I)


def _attribute_rows(block: Block) -> list[tuple[int, str, str]]:
    """(line, key, value) of a two-column `| Attribute | Value |` table under an effort's heading."""
    if block.kind != "table" or len(block.header) != 2 or plain(block.header[0]).lower() not in _ATTRIBUTE_HEADERS:
        return []
    return [(line, plain(cells[0]).lower().strip(" :"), cells[1]) for line, cells in block.rows if len(cells) == 2]


def told(draft: Draft, role: str, line: int, value: str) -> None:
    """What one `**Key**: value` line of an effort's block or list item says about it."""
    if role == "effort":
        ident, rest = leading_id(plain(value))
        if ident is None and (key := _LABELLED_KEY.match(plain(value))):
            # Where the line says it names the task (`**Task**: [TASK-DFFA](...)`), a key without a digit is its id.
            ident, rest = key.group(0), plain(value)[key.end() :].strip(" \t:-–—.|")
        draft.set("id", ident, line)
        draft.set("name", rest or None, line)
    elif role == "name":
        draft.set("name", plain(value) or None, line)
    elif role == "branch":
        named = branch_in(value)
        if named and named.startswith("/") and named.strip("/"):
            # `**Branch:** \`/phase1/wave1/effort1\``: no git branch starts with `/`; the rest is the branch
            draft.notes.append(
                (line, f"branch {named} is read as {named.lstrip('/')}: a branch name cannot start with /")
            )
            named = named.lstrip("/")
        draft.set("branch", named, line)
    elif role == "worktree" and _BRANCH_PATH.match(plain(value)):
        draft.set("branch", branch_in(value), line)  # `Worktree: feature/task-12`: the branch it is made for
    elif role == "lines" and not is_duration(value):
        draft.set("lines", first_count(value), line)
    elif role == "agent":
        draft.set("agent", agent_name(value), line)
    elif role == "namespace":
        draft.set("namespace", namespace_in(value, bare=True), line)
    elif role == "ports":
        draft.set("ports", ports_in(value), line)
    elif role == "wave" and (number := DIGITS.search(plain(value))):
        draft.set("own_wave", int(number.group(0)), line)  # `Wave: 2`, `Parallel Group: Wave 1 (with Tasks 2, 3)`
    elif role in ("deps", "blocks"):
        (draft.deps if role == "deps" else draft.blocks).append((value, line))


def without_owner(text: str) -> str:
    """A bullet's text after who works on it (`Agent 2: `, `**Agent A** → `, `@lena: `)."""
    m = _AGENT_PREFIX.match(text) or HANDLE.match(text)
    return text[m.end() :] if m else text


def item_fields(children: list[Block]) -> list[tuple[str, int, str]]:
    """(role, line, value) of the known `**Key**: value` (or `- branch: x`) lines nested under a list item."""
    return [
        (role, line, value) for b in children for line, key, value in fields(b, items=True) if (role := field_role(key))
    ]


def _fields_with_lists(body: list[Block]) -> list[tuple[str, int, str, list[tuple[int, str]]]]:
    """(role, line, value, list items) of each known `**Key**: value` line; a key left empty takes the list below."""
    out: list[tuple[str, int, str, list[tuple[int, str]]]] = []
    for i, block in enumerate(body):
        found = fields(block, items=True)
        for j, (line, key, value) in enumerate(found):
            role = field_role(key)
            if role is None:
                # `**Parallelization**: Can Parallel: NO | Wave 2 | Blocked By: Task 1, Task 2`: fields in a line
                out += [(r, line, v.strip(), []) for k, _, v in _inline_fields(value) if (r := field_role(k))]
                continue
            last = j == len(found) - 1 and line == block.lines()[-1][0]
            items = following_items(body, i) if last and not value else []
            out.append((role, line, value, items))
    return out


def _inline_fields(value: str) -> list[tuple[str, str, str]]:
    if " | " not in value:
        return []
    parts = [part.partition(":") for part in value.split(" | ") if ":" in part]
    return [(key.strip().lower(), colon, said) for key, colon, said in parts]


def following_items(body: list[Block], i: int) -> list[tuple[int, str]]:
    """The top-level items of the list right after block i."""
    return [(line, text) for line, text, _ in list_items(body, i)]


def _join(branches: list[Draft], efforts: list[Draft]) -> list[Draft]:
    """`**Branches**:` and `**Efforts**:` lists of one block describe the same efforts: join by id, else in order."""
    if not branches or not efforts:
        return branches or efforts
    by_id = {d.id: d for d in efforts if d.id}
    if all(b.id in by_id for b in branches):
        for b in branches:
            by_id[b.id or ""].fill(b)
        return efforts
    for b, e in zip(branches, efforts, strict=False):
        e.fill(b)
    return efforts + branches[len(efforts) :]


def line_efforts(text: str, line: int, wave: int, section: int, written: str | None = None) -> list[Draft]:
    """A bullet (or one-line value) naming one effort or several branches of one agent; `written`, the bullet as the
    document has it where the text is its reading, is the brief."""
    rest = without_slot(CHECKBOX.sub("", text.strip()))
    agent = None
    m = _AGENT_PREFIX.match(rest) or HANDLE.match(rest)
    if m:
        agent, rest = agent_name(m.group(1)), rest[m.end() :]
    # `**QA1** Soak tests`: a bold short id opening a bullet is the effort's id.
    lead = BOLD_ID.match(rest)
    rest, deps, blocks = dependency_notes(WORKTREE_NAME.sub(" ", rest))
    size = line_count(rest)
    if size:
        rest = rest.replace(size[1], " ")
    verb = _VERB.match(plain(rest))
    spans = [s.strip() for s in CODE.findall(rest) if is_branch_span(s)]
    # After `#34:` or a bold id comes the effort's name, where `tab/pane` is a word, not a branch.
    titled = _TITLED.match(plain(rest))
    branches = spans or ([] if titled or lead else BRANCH.findall(plain(rest)))
    ids = [lead.group(1)] if lead else [i for i, _, _ in ids_in(plain(rest))]
    left = plain(CODE.sub(" ", rest))
    for word in [*branches, *ids]:
        # whole words only: `B1` goes, `TRACK-B1.md` stays
        left = re.sub(rf"(?<![\w./-]){re.escape(word)}(?![\w/-])", " ", left)
    if lead:
        # `**A** `r4/api` — season bookings: a booking holds ...`: after a bold label, the name is what comes before
        # the description (or a note in brackets)
        left = _NAME_END.split(left.strip(" \t:-–—.,;|"), maxsplit=1)[0]
    left = " ".join(_NAME_NOISE.sub(" ", left).split()).strip(" \t:-–—.,;|")
    # `Fix a-01, b-02`: nothing but a verb besides the branches names one effort per branch, `Fix <branch>`.
    doing = verb.group(1) if verb else ""
    only_verb = bool(doing) and left.lower() == doing.lower()
    out: list[Draft] = []
    if len(branches) > 1 and (only_verb or not left):
        for b in branches:
            d = Draft(line, wave, section, branch=b, source=text, name=f"{doing} {b}" if doing else None)
            d.at.update(branch=line, name=line)
            out.append(d)
    else:
        d = Draft(line, wave, section, source=text)
        d.set("id", ids[0] if ids else None, line)
        d.set("branch", branches[0] if branches else None, line)
        d.set("name", f"{doing} {branches[0]}" if only_verb and branches else (left or None), line)
        out = [d] if d.id or d.branch else []
    for d in out:
        d.tell(written or text)
        d.set("agent", agent, line)
        d.set("lines", size[0] if size else None, line)
        if deps:
            d.deps.append((deps, line))
        if blocks:
            d.blocks.append((blocks, line))
    return out


def is_list_label(key: str) -> bool:
    return bool(_LIST_LABEL.match(key))
