"""Effort tables (`Effort | Branch | Lines | Agent | Dependencies | ...` and their many spellings) and gate tables."""

from __future__ import annotations

import re
from functools import lru_cache

from .blocks import Block
from .briefs import row_brief
from .draft import Draft, namespace_in, ports_in
from .links import issue_links
from .prose import order_notes
from .sections import WAVE_WORDS
from .text import (
    DIGITS,
    KEBAB_KEY,
    SPACES,
    agent_name,
    branch_in,
    dependency_notes,
    first_count,
    is_duration,
    leading_id,
    plain,
)

_ROLES: dict[str, set[str]] = {
    "id": {
        "effort",
        "effort id",
        "id",
        "task",
        "task id",
        "#",
        "item",
        "work item",
        "ticket",
        "effort #",
        "key",
        "issue",
        "issue key",
        "issue id",
        "worktree",  # `| Worktree | Lines |`: the worktree each effort gets is what the plan calls it by
        "group",  # `| Group | Agent | Description |` over `| 4 | engineer | Budget controls |`
        "packet",
        "work package",
        "epic",
        "epic id",
    },
    "name": {
        "name",
        "effort name",
        "task name",
        "title",
        "focus area",
        "focus",
        "description",
        "component",
        "summary",
        "scope",
        "feature",
        "deliverable",
        "story",
        "user story",
        "workstream",
        "work stream",
        "lane",
        "track",
        "work",
    },
    "branch": {"branch", "git branch", "branch name", "feature branch"},
    "lines": {
        "lines",
        "estimated lines",
        "est. lines",
        "est lines",
        "size",
        "loc",
        "est. loc",
        "estimated loc",
        "lines of code",
        "estimate",
        "est",
        "est.",
        "line estimate",
        "estimated size",
        "planned lines",
    },
    "agent": {"agent", "engineer", "owner", "own", "dri", "assignee", "assigned to", "developer", "team"},
    "deps": {
        "dependencies",
        "depends on",
        "deps",
        "dep",
        "dependency",
        "depends",
        "prerequisites",
        "prereqs",
        "requires",
        "blocked by",
        "blocked on",
        "blockers",
        "after",
        "needs",
        "waits for",
        "predecessors",
    },
    "blocks": {"blocks", "unblocks", "enables", "depended on by", "required by", "needed by", "dependents"},
    "links": {"linked issues", "issue links", "links", "linked work items", "linked items"},
    "resources": {"resource usage", "resources", "isolation", "test namespace", "namespace", "test ns"},
    "ports": {"ports", "port range", "port", "port allocation"},
    "wave": {"wave", "wave #", "wave number"},
}
_GATE_METRIC = {"metric", "gate", "check", "criterion", "criteria", "quality gate"}
_GATE_TARGET = {"target", "requirement", "threshold", "goal", "limit", "expected"}
_GATE_MEASURE = {"measurement", "validation", "how measured", "tool", "method", "measured by", "verification"}
_NAMESPACE_HEADERS = {"namespace", "test namespace", "test ns"}
_DASH = {"", "-", "—", "–", "n/a", "tbd"}
_TOTAL = re.compile(r"^(?:total|sum|subtotal|overall)\b", re.I)
_BRANCHY = re.compile(r"[-/_.\d]")
_PAREN_TEXT = re.compile(r"\([^)]*\)")
# `A`, `L2`, `QA`: a short label that is an effort's id in a column of them.
_LABEL = re.compile(r"^[A-Z][A-Z0-9]{0,2}$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_MAY_ORDER = re.compile(r"depend|requir|after|needs|blocked|waiting", re.I)
_LABELLED_AGENT = re.compile(r"^[A-Z]{1,3}\d{1,3}[a-z]?\s*:\s*\S")


@lru_cache(maxsize=1024)  # tables of one plan repeat their headers, wave after wave
def _header(cell: str) -> str:
    # `BlockedBy`, `depends_on`: a header written as an identifier reads as its words.
    text = _PAREN_TEXT.sub("", _CAMEL.sub(" ", plain(cell)).replace("_", " ").lower())
    return SPACES.sub(" ", text).strip(" :")


def roles(header: list[str]) -> dict[str, int]:
    """Column index by role; a copy, as each table adjusts its own."""
    return dict(_roles(tuple(header)))


@lru_cache(maxsize=256)  # a plan's effort tables share a header: each wave's has the same columns
def _roles(header: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, cell in enumerate(header):
        h = _header(cell)
        for role, names in _ROLES.items():
            if h in names and role not in out:
                out[role] = i
            elif h in names and role == "name" and "name2" not in out:
                out["name2"] = i  # `| Lane | Work |`: `_labels_as_ids` says whether the first holds ids
            elif h in names and role == "id" and "id2" not in out:
                out["id2"] = i  # `| # | Task ID |` or `| ID | Task |`: `_pick_id` says which one is the id
    for i, cell in enumerate(header):
        worded = _role_by_words(_header(cell))
        if worded and worded not in out and i not in out.values():
            out[worded] = i
    return out


# Headers no list spells out, by their words: `PR branch`, `Est. size`, `Prerequisite(s)`, `Blocked by tickets`,
# `Unblocked by`.
_BRANCH_LAST = re.compile(r"^[\w.]+\s+branch$")
_SIZE_WORDS = re.compile(r"\b(?:lines|loc|size)\b")
_NOT_LINES = re.compile(r"\b(?:hours?|days?|points?|weeks?|time|files?)\b")
_DEPS_FIRST = re.compile(
    r"^(?:prerequisites?|prereqs?|dependenc(?:y|ies)|depends|(?:un)?blocked|requires|needs|after)\b"
)


def _role_by_words(h: str) -> str | None:
    if _BRANCH_LAST.match(h):
        return "branch"
    if _SIZE_WORDS.search(h) and not _NOT_LINES.search(h):
        return "lines"
    return "deps" if _DEPS_FIRST.match(h) else None


def _by_role(cells: list[str], col: dict[str, int]) -> dict[str, str]:
    """A row's cells under the role of their column; a short row has no cells for its last columns."""
    return {role: cells[i] for role, i in col.items() if i < len(cells)}


def is_gate_table(table: Block) -> bool:
    heads = {_header(c) for c in table.header}
    return bool(heads & _GATE_METRIC) and bool(heads & _GATE_TARGET) and "branch" not in heads


def effort_rows(table: Block, wave: int | None, section: int) -> list[Draft] | None:
    """The efforts of an effort table; None when the table is something else (risks, schedule, status)."""
    col = roles(table.header)
    if is_gate_table(table) or not ({"id", "name", "branch"} & col.keys()):
        return None
    _sizes_not_ids(col, table)
    _labels_as_ids(col, table)
    if not ({"branch", "lines", "deps", "agent", "id"} & col.keys()):
        return None
    if wave is None and "wave" not in col:
        # One table for the whole plan may say `Sprint` or `Stage` where others say `Wave`.
        other = next((i for i, h in enumerate(table.header) if _header(h) in WAVE_WORDS), None)
        if other is None:
            return None
        col["wave"] = other
    _pick_id(col, table)
    rows = [(line, cells, _by_role(cells, col)) for line, cells in table.rows]
    _final_wave([cell for _, _, cell in rows])
    agents = [cell.get("agent") for _, _, cell in rows]
    # Rows without an agent in a table whose other rows have one are post-hoc splits of the row above.
    staffed = "agent" in col and any(a and plain(a).lower() not in _DASH for a in agents)
    # A `Namespace` column holds just the name; a `Resource Usage` column says `Test ns: name` among other things.
    bare = "resources" in col and _header(table.header[col["resources"]]) in _NAMESPACE_HEADERS
    # `| Story |` of `1.2 Tailwind setup`, `1.3 Prisma schema`: with no id column, names numbered alike carry the ids
    numbered = "id" not in col and "name" in col and _numbered_names(col["name"], table)
    # A team is a few agents over many rows: each one's name is read once.
    agent_names = {a: agent_name(a) for a in set(agents) if a}
    # The columns no field is read from (Focus, Notes) go into each row's brief.
    read = {i for role, i in col.items() if role != "name"}
    unread = [i for i in range(len(table.header)) if i not in read]
    out: list[Draft] = []
    for (line, cells, cell), agent in zip(rows, agents, strict=True):
        if staffed and (not agent or plain(agent).lower() in _DASH):
            continue
        draft = _row(line, cells, cell, wave, section, bare, numbered)
        if numbered and draft is not None and draft.id is None and draft.branch is None:
            continue  # `Buffer / review` among numbered stories: a slot in the schedule, no story
        if draft is not None:
            draft.tell(row_brief(table.header, cells, unread))
            # `| Parallel? | Yes (depends on B032 being merged) |`, `| Notes | Depends on sync-p2w1-queue |`: what
            # another column says about the order.
            draft.deps += [(said, line) for i in unread if i < len(cells) for said in _order_notes(cells[i])]
            draft.set("agent", agent_names[agent] if agent else None, line)
            out.append(draft)
    return out if out or not table.rows else None


_NUMBERED_NAME = re.compile(r"^\d+\.\d+\s+\S")
_LABELLED_NAME = re.compile(r"^([A-Z]{1,3}\d{1,3}[a-z]?)\s+(?=[A-Za-z])")
# An id cell that opens with a key of its own making, a digit in it, before a dash and the name
_KEY_FIRST = re.compile(r"^((?=[^\s]*\d)[A-Za-z0-9][\w.-]*)\s+[—–]\s+(\S.*)$")


# `| T4 | F |` among rows of waves 0-2, `Final`: the wave after the numbered ones
_FINAL = re.compile(r"^(?:f|final|final\s+wave|wave\s+final)$", re.I)


def _final_wave(cells: list[dict[str, str]]) -> None:
    numbers = [n for c in cells if "wave" in c and (n := _wave_number(c["wave"])) is not None]
    for c in cells if numbers else []:
        if "wave" in c and _FINAL.match(plain(c["wave"]).strip()):
            c["wave"] = str(max(numbers) + 1)


def _order_notes(cell: str) -> list[str]:
    if not _MAY_ORDER.search(cell):
        return []  # most cells say nothing of the order: no closer look
    return order_notes(cell)


def _labels_as_ids(col: dict[str, int], table: Block) -> None:
    """`| Lane | Work |` whose lanes are `A`, `B`, `C`: a name column of short labels holds the ids, and the column of
    words beside it the names. `| Agent | Task |` whose agents are `**A1: Design System**`: the agent column does."""
    if "agent" in col and _labelled_agents(col["agent"], table) and not _holds_ids(col.get("id"), table):
        if "id" in col and "name" not in col:
            col["name"] = col["id"]  # `| Task |` of words beside labelled agents says what each one does
        col["id"] = col.pop("agent")
    second = col.pop("name2", None)
    if "id" in col or "name" not in col:
        return
    cells = [plain(cells[col["name"]]) for _, cells in table.rows if col["name"] < len(cells)]
    if cells and all(_LABEL.match(c) for c in cells):
        col["id"] = col.pop("name")
        if second is not None:
            col["name"] = second


def _labelled_agents(i: int, table: Block) -> bool:
    """Whether every cell of the column labels its row's work (`**A1: Form Kit**`); the first that does not ends it."""
    return bool(table.rows) and all(
        i < len(cells) and _LABELLED_AGENT.match(plain(cells[i])) for _, cells in table.rows
    )


def _holds_ids(i: int | None, table: Block) -> bool:
    return i is not None and any(i < len(cells) and leading_id(plain(cells[i]))[0] for _, cells in table.rows)


# `| Effort |` of `small`, `medium (no rebuild)`: how big the work is, not which
_SIZE_WORD = re.compile(r"^(?:x{0,2}s|m|x{0,2}l|small|medium|large|tiny|huge|low|high|trivial)(?![\w-])", re.I)


def _sizes_not_ids(col: dict[str, int], table: Block) -> None:
    i = col.get("id")
    cells = [plain(cells[i]) for _, cells in table.rows if i is not None and i < len(cells)]
    if cells and all(_SIZE_WORD.match(c) for c in cells):
        del col["id"]


def _pick_id(col: dict[str, int], table: Block) -> None:
    """Of two id-like columns, the one holding ids (`NOTIF-101`) is the id; beside it a column of slot labels that
    restart in every wave (`A1`, `A2`) says who works on it, and a column of words says what the effort is."""
    second = col.pop("id2", None)
    if second is None:
        return

    def strict(i: int) -> int:
        return sum(1 for _, cells in table.rows if i < len(cells) and leading_id(plain(cells[i]))[0])

    def counts(i: int) -> bool:  # `| # |` of `1`, `2`, `3`: the rows counted, beside `| ID |` of `db-migrations`
        return all(i < len(cells) and plain(cells[i]).isdigit() for _, cells in table.rows)

    if strict(second) > strict(col["id"]):
        if "agent" not in col:
            col["agent"] = col["id"]
        col["id"] = second
    elif strict(second) == strict(col["id"]) == 0 and counts(col["id"]) and not counts(second):
        col["id"] = second
    elif "name" not in col:
        col["name"] = second


def _numbered_names(i: int, table: Block) -> bool:
    """Whether most of a column's names open with a two-part number (a `💤 Rest/Review` row among them does not), or
    every one opens with a label of its own (`M1 live upgrade`, `M2 attach client`)."""
    names = [plain(cells[i]) if i < len(cells) else "" for _, cells in table.rows]
    numbered = sum(1 for name in names if _NUMBERED_NAME.match(name))
    labels = [m.group(1) for name in names if (m := _LABELLED_NAME.match(name))]
    if len(labels) == len(names) >= 2 and len(set(labels)) == len(labels):
        return True
    return numbered >= 1 and 3 * numbered >= 2 * len(table.rows)


def _row(
    line: int,
    cells: list[str],
    cell: dict[str, str],
    wave: int | None,
    section: int,
    bare_namespace: bool,
    numbered: bool,
) -> Draft | None:
    first = plain(cells[0]) if cells else ""
    if not (first or any(plain(c) for c in cells[1:])) or _TOTAL.match(first):
        return None
    number = _wave_number(cell["wave"]) if "wave" in cell else None
    if number is None and wave is None:
        return None
    draft = Draft(line, number if number is not None else wave or 0, section, source="| " + " | ".join(cells) + " |")
    for role in ("id", "name"):
        value = cell.get(role)
        if value is None or plain(value).lower() in _DASH:
            continue
        value, deps, blocks = dependency_notes(value)  # `iOS store (needs all D*)`
        if deps:
            draft.deps.append((deps, line))
        if blocks:
            draft.blocks.append((blocks, line))
        ident, rest = leading_id(plain(value), loose=role == "id" or numbered)
        if role == "id" and ident is None and (_LABEL.match(plain(value)) or plain(value).isdigit()):
            ident, rest = plain(value), ""
        elif role == "id" and ident is None and KEBAB_KEY.match(plain(value)):
            ident, rest = plain(value), ""  # `| db-migrations | Database migrations |`: a key of the plan's making
        elif role == "id" and ident is None and (keyed := _KEY_FIRST.match(plain(value))):
            ident, rest = keyed.group(1), keyed.group(2)  # `W1-tests — router + Postgres tests`
        draft.set("id", ident, line)
        if rest and not (role == "id" and branch_in(value) == rest):
            # `LED-101 (Account model)`: the name in brackets after the id
            draft.set("name", rest[1:-1] if rest[0] == "(" and rest[-1] == ")" and rest.count("(") == 1 else rest, line)
    branch = cell.get("branch")
    if branch is not None and plain(branch).lower() not in _DASH:
        draft.set("branch", branch_in(branch) or _bare_branch(plain(branch)), line)
    elif draft.branch is None and "id" in cell:
        # `W2-P1 Shared async/freshness state primitives`: a word with a slash inside a name is no branch
        named = branch_in(cell["id"])
        if named and (f"`{named}`" in cell["id"] or len(plain(cell["id"]).split()) <= 2):
            draft.set("branch", named, line)
    if draft.branch and draft.name == draft.branch:
        draft.name = None
    lines = cell.get("lines")
    draft.set("lines", first_count(lines) if lines and (lines.isdigit() or not is_duration(lines)) else None, line)
    deps = cell.get("deps")
    if deps is not None:
        draft.deps.append((deps, line))
    blocks = cell.get("blocks")
    if blocks is not None:
        draft.blocks.append((blocks, line))
    links = cell.get("links")
    if links is not None:
        on, before, notes = issue_links(links)
        if on:
            draft.deps.append((on, line))
        if before:
            draft.blocks.append((before, line))
        draft.notes += [(line, note) for note in notes]
    resources = cell.get("resources")
    if resources is not None:
        draft.set("namespace", namespace_in(resources, bare=bare_namespace), line)
    ports = cell.get("ports")
    draft.set("ports", ports_in(ports) if ports else None, line)
    if draft.id is None and draft.branch is None and draft.name is None:
        return None
    return draft


def _bare_branch(text: str) -> str | None:
    """A branch cell without a branch-like token: a lone word (`feature-x`, `spike`) is the branch; prose such as
    `Not created` or `To be decided` is none."""
    first, _, rest = text.partition(" ")
    if first.startswith(("(", "[")):
        return None  # `(manual)`: a note on the row, no branch
    if not rest or _BRANCHY.search(first) or rest.startswith("("):
        return first
    return None


def _wave_number(cell: str | None) -> int | None:
    m = DIGITS.search(plain(cell or ""))
    return int(m.group(0)) if m else None


def gate_rows(table: Block) -> list[tuple[int, str, str, str]]:
    """(line, metric, target, measurement) of each row of a gate table."""
    heads = [_header(c) for c in table.header]
    columns = [
        next((i for i, h in enumerate(heads) if h in names), None)
        for names in (_GATE_METRIC, _GATE_TARGET, _GATE_MEASURE)
    ]
    out = []
    for line, cells in table.rows:
        metric, target, measurement = (plain(cells[i]) if i is not None and i < len(cells) else "" for i in columns)
        if metric:
            out.append((line, metric, target, measurement))
    return out
