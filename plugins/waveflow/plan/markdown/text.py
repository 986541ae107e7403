"""Small readers for the values people write in plan prose and cells: ids, branches, counts, durations, names."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

# Effort ids as plans write them: `10.2.1`, `E1.1.4` (dotted, two dots when bare so `1.5 days` is no id),
# `TASK-EVAL-001`, `TASK-037A`, `TASK-B479`, `RWOP-1.2` (an upper-case key whose last part holds a digit), `#37`
# (an issue).
ID = re.compile(
    r"(?<![\w./-])(?:#\d+\b|\d+(?:\.\d+){2,}[a-z]?|[A-Z]{1,3}\d+(?:\.\d+)+[a-z]?|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[A-Z0-9]*\d[A-Z0-9]*(?:\.\d+)*)"
    r"(?![\w/]|-\w)"
)
_LOOSE_ID = re.compile(r"(?:[A-Za-z]{0,4}\d+(?:\.\d+)+[a-z]?|[A-Z]{1,4}-?\d+[a-z]?)(?![\w/]|-\w)|" + ID.pattern)
# `TASK-INIT-003-005`: keys 003 to 005 of TASK-INIT (the same width both ends, so `TASK-2024-001` is one key).
_KEY_RANGE = re.compile(r"(?<![\w./-])([A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-)(\d+)-(\d+)(?![\w/]|-\w)")
# `S1-S7`: labels S1 to S7 (the same letters both ends).
_LABEL_RANGE = re.compile(r"(?<![\w./-])([A-Z]{1,3})(\d+)\s*[-–]\s*([A-Z]{1,3})(\d+)(?![\w/]|-\w)")
# `7.2.1-3`: efforts 7.2.1 to 7.2.3.
ID_RANGE = re.compile(r"(?<![\w./-])((?:[A-Z]{1,3})?\d+(?:\.\d+)+)\.(\d+)\s*[-–]\s*(\d+)(?![\w.])")
# `db-migrations`, `auth_api`, `001-stateful-runtime`: a key of the plan's making, two worded parts at least (`wt-1`
# is a slot's label, which may come back every wave)
KEBAB_KEY = re.compile(r"^(?:\d+[-_.])?[a-z0-9]*[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*[-_.][a-z0-9]*[a-z][a-z0-9]*$")
# Where a name's first sentence ends: `Add the column. File: x`, `Theme — tokens`, `Login (v2)`
SENTENCE_END = re.compile(r"(?<=[^\s.])[.;]\s|\s+[—–]\s+|\s*_?\(")
# `1.2-1.5`: tasks 1.2 to 1.5 of group 1
DOTTED_RANGE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)*)\.(\d+)\s*[-–]\s*\1\.(\d+)(?![\w.])")
# A branch-like token: lower-case words joined by `-` or `/`, with a digit or a slash (so `read-only` is none).
# `P01-T03..P01-T11`, `R02-T02–R02-T04`: a range written with the whole id at both ends
SPELLED_RANGE = re.compile(r"\b([A-Z][A-Z0-9]*(?:-[A-Z]+)?-?)(\d+)\s*(?:\.\.|–|—)\s*\1(\d+)\b")
BRANCH = re.compile(r"(?<![\w./-])(?=[\w./-]*[\d/])[a-z0-9][a-z0-9._]*(?:[-/][a-z0-9._]+)+(?![\w/-])")
CODE = re.compile(r"`([^`\n]+)`")
_COUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?![\d,]*\.\d)")
_LINES = re.compile(r"~?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*\+?\s*(?:lines?|loc|L)\b", re.I)
_HOURS = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*)?(hours?|hrs?|h|days?|d|weeks?|wks?)\b(?!\s*\d)", re.I
)
_MARKUP = re.compile(r"[*_~`\[<]")
_EMPHASIS = re.compile(r"(\*\*|__|~~)")
# `*(optional)*`: one star each side of words is emphasis; a lone one is a wildcard (`all D*`)
_STARRED = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>\n]*>")
_STATUS = re.compile(r"[\u2190-\u21ff\u2300-\u2bff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "of", "and", "for", "to", "in", "on", "with", "by", "from"}
PARENS = re.compile(r"\([^()]*\)")  # one level of `(...)`
SPACES = re.compile(r"\s+")
DIGITS = re.compile(r"\d+")
HOURS_PER_DAY = 8.0
DAYS_PER_WEEK = 5.0


@lru_cache(maxsize=16384)  # a table cell is reduced several times over while its row is read
def spelled_out(m: re.Match[str]) -> list[str]:
    """The ids of a `SPELLED_RANGE` match, with the first id's zero padding; a range of more than 50 is not one."""
    first, last = int(m.group(2)), int(m.group(3))
    if not first < last <= first + 50:
        return [m.group(0)]
    return [f"{m.group(1)}{n:0{len(m.group(2))}d}" for n in range(first, last + 1)]


def plain(text: str) -> str:
    """Inline markdown reduced to its text: emphasis, code ticks, links, html tags and status emoji go."""
    if text.isascii() and not _MARKUP.search(text):
        return " ".join(text.split())
    # Most cells with markup hold code spans only: a pass (a link's above all) is made only where it can match.
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text.replace("`", ""))
    if "*" in text:
        text = _STARRED.sub(r"\1", text)
    if not text.isascii():
        text = _STATUS.sub(" ", text)
    return " ".join(text.split())


# An estimate of `6h`, `8-12h`, `2 days`, `90m`: time, not lines.
_DURATION = re.compile(
    r"^\s*~?\d+(?:\.\d+)?\s*(?:[-–]\s*\d+(?:\.\d+)?\s*)?(?:h|hrs?|hours?|d|days?|w|wks?|weeks?|m|mins?|minutes?)\b",
    re.I,
)


def is_duration(text: str) -> bool:
    return bool(_DURATION.match(plain(text)))


def first_count(text: str) -> int | None:
    """`700`, `~750`, `1,400`, `550→1,081` (the planned first figure), `(350L)`."""
    if text.isascii() and text.isdigit():  # most size cells hold the bare figure: no search needed
        return int(text)
    m = _COUNT.search(text.replace("~", ""))
    return int(m.group(1).replace(",", "")) if m else None


def line_count(text: str) -> tuple[int, str] | None:
    """A size written in prose: `(~600 lines)`, `350L`; with the span it covers."""
    m = _LINES.search(text)
    return (int(m.group(1).replace(",", "")), m.group(0)) if m else None


def hours(text: str) -> tuple[float, float] | None:
    """`4-6 hours`, `1.5 days`, `2 weeks` (of 5 working days), `1 day (estimated) / <4 hours (actual)`: the first
    range, in hours."""
    m = _HOURS.search(text)
    if not m:
        return None
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else low
    unit = {"d": HOURS_PER_DAY, "w": HOURS_PER_DAY * DAYS_PER_WEEK}.get(m.group(3)[0].lower(), 1.0)
    return (low * unit, high * unit) if high >= low else None


def spelled_dotted(m: re.Match[str]) -> str:
    """The ids of a `DOTTED_RANGE` match as a list; a range of more than 50 is not one."""
    low, high = int(m.group(2)), int(m.group(3))
    return ", ".join(f"{m.group(1)}.{n}" for n in range(low, high + 1)) if low < high <= low + 50 else m.group(0)


def ids_in(text: str) -> list[tuple[str, int, int]]:
    """Effort ids in text with their spans; `7.2.1-3` gives 7.2.1, 7.2.2 and 7.2.3."""
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (ID_RANGE, DOTTED_RANGE):
        for m in pattern.finditer(text):
            low, high = int(m.group(2)), int(m.group(3))
            if low < high <= low + 50:
                found += [(f"{m.group(1)}.{n}", m.start(), m.end()) for n in range(low, high + 1)]
                taken.append(m.span())
    for m in _LABEL_RANGE.finditer(text):
        low, high = int(m.group(2)), int(m.group(4))
        if m.group(1) == m.group(3) and low < high <= low + 50:
            found += [(f"{m.group(1)}{n}", m.start(), m.end()) for n in range(low, high + 1)]
            taken.append(m.span())
    for m in _KEY_RANGE.finditer(text):
        low, high, width = int(m.group(2)), int(m.group(3)), len(m.group(2))
        if low < high <= low + 50 and len(m.group(3)) == width:
            found += [(f"{m.group(1)}{n:0{width}d}", m.start(), m.end()) for n in range(low, high + 1)]
            taken.append(m.span())
    for m in ID.finditer(text):
        if not (taken and any(a <= m.start() < b for a, b in taken)):
            found.append((m.group(0), m.start(), m.end()))
    if taken:  # a range's ids come before the ids found after it; the rest are found in order
        found.sort(key=itemgetter(1))
    return found


def leading_id(text: str, loose: bool = False) -> tuple[str | None, str]:
    """(`10.2.1`, `Integration Tests`) from `10.2.1: Integration Tests`; (None, text) when it starts otherwise.

    `loose` also takes `2.1` or `E7`, for cells and headings that can only hold an id.
    """
    text = text.strip()
    m = (_LOOSE_ID if loose else ID).match(text)
    if not m:
        return None, text
    return m.group(0), text[m.end() :].strip(" \t:-–—.|")


# `Android store (needs D1, D2)`, `Theme [depends on F-01]`, `Suite — Depends on C1`, `Soak tests: After all C tasks
# complete`.
_DEPS_NOTE = re.compile(
    r"[(\[]\s*(?:depends\s+on|deps?|dependencies|after|requires|needs|blocked\s+by)\b\s*:?\s*([^)\]]*)[)\]]"
    r"|(?:\s[—–-]+|[:.,;])\s*(?:depends\s+on|depends:|deps?:|dependencies:|after|needs|requires|blocked\s+by|waits\s+for)\s+(.*)$",
    re.I,
)
# `Release notes. Blocks QA2.`: the efforts named wait for this one.
_BLOCKS_NOTE = re.compile(r"(?:[.;]|\s[—–-]+)\s*(?:blocks|unblocks)\s+([^.;]+)\.?\s*$", re.I)


def dependency_notes(text: str) -> tuple[str, str | None, str | None]:
    """(the text without them, what it depends on, what it blocks) of a name or bullet with notes after it."""
    blocks = None
    m = _BLOCKS_NOTE.search(text)
    if m:
        blocks, text = m.group(1).strip(), text[: m.start()] + text[m.end() :]
    deps = None
    m = _DEPS_NOTE.search(text)
    if m:
        deps = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        text = text[: m.start()] + text[m.end() :]
    return text, deps, blocks


_SLOT = re.compile(r"^([A-Z]{1,4}-?\d+)\s*:\s*(?=\S)")


def without_slot(text: str) -> str:
    """`TASK-038A Name` of `WT-1: TASK-038A Name`: a label before an id is the slot (worktree, lane) it runs in."""
    m = _SLOT.match(text)
    return text[m.end() :] if m and leading_id(text[m.end() :])[0] else text


# `- **TASK-7** (Tracking) - Worktree: \`wave-1-tracking\``: where the work happens, not the branch it is on (a
# `Worktree: feature/task-7` names the branch the worktree is made for).
WORKTREE_NAME = re.compile(
    r"\b(?:worktree|workspace)\s*(?:name|dir(?:ectory)?|path)?\s*[:=]\s*(?!`?[a-z0-9][\w.-]*/[\w.-])`?[^\s`,;]+`?", re.I
)


# `.software-factory/wave1/work-log.md`: a file, not a branch.
_FILE_PATH = re.compile(r"(?:^\.|/\.)|\.[A-Za-z]{1,5}$")


def branch_in(text: str) -> str | None:
    """The branch a cell or bullet names: its first code span that looks like one, else a bare branch-like word."""
    if "work" in text.lower():  # most cells name no worktree: no substitution to run
        text = WORKTREE_NAME.sub("", text)
    for span in CODE.findall(text):
        span = span.strip()
        # `deploy/`: a directory, as a file path is no branch
        if " " not in span and ("/" in span or "-" in span) and not _FILE_PATH.search(span) and span[-1] != "/":
            return span
    m = BRANCH.search(plain(text))
    return m.group(0) if m else None


def short_branch(branch: str) -> str:
    return branch.rstrip("/").rpartition("/")[2]


def branch_prefix(branch: str) -> str | None:
    """`sync-01` of `sync-01-interfaces`: the words up to the first one holding a digit, when more follow."""
    parts = short_branch(branch).split("-")
    for i, part in enumerate(parts[:-1]):
        if any(map(str.isdigit, part)):
            return "-".join(parts[: i + 1])
    return None


def name_from_branch(branch: str) -> str:
    """`sync-04-transform-pipeline` -> `Transform Pipeline`."""
    parts = short_branch(branch).split("-")
    numbered = [i for i, p in enumerate(parts[:-1]) if any(map(str.isdigit, p))]
    words = parts[numbered[0] + 1 :] if numbered else parts
    return " ".join(w.capitalize() for w in words if w) or branch


@lru_cache(maxsize=8192)
def words(text: str) -> frozenset[str]:
    """A name's words for matching: lower case, plural `s` dropped, filler words gone."""
    out = set()
    for w in _WORD.findall(plain(text).lower()):
        if w in _STOP:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return frozenset(out)


# `Transform` names `Transformation Pipeline`: a prefix counts when it is most of the longer word.
STEM_MIN = 5


def is_stem_of(short: str, long: str) -> bool:
    return len(short) >= STEM_MIN and long.startswith(short) and len(short) >= 0.6 * len(long)


def agent_name(text: str) -> str | None:
    """`Agent 1` -> `Agent-1`: plan text never reaches a shell, but spaces in names would trip the validator."""
    value = PARENS.sub(" ", plain(text)).strip(" -–—")  # `Agent-1 (backend)` is Agent-1
    if not value or set(value) <= {"-", "—", "–", "?"} or value.lower() in ("n/a", "tbd", "none"):
        return None
    return SPACES.sub("-", value)


def lines_with(pattern: re.Pattern[str], text: str, first: int = 1) -> list[tuple[int, str]]:
    """(number, line) of each line of `text` that `pattern` finds something in; `first` numbers the first line.

    One search over the whole text skips the lines without a hit, where a search per line costs a call per line. A hit
    may run on past its line's end, so the line it starts on is searched again on its own. For patterns that find the
    same in a line whether or not a newline follows it (no `^`, `$`, or lookarounds for whitespace).
    """
    out = []
    number, start = first, 0
    while (hit := pattern.search(text, start)) is not None:
        newline = text.rfind("\n", start, hit.start())
        begin = start if newline == -1 else newline + 1
        number += text.count("\n", start, begin)
        end = text.find("\n", hit.start())
        line = text[begin:] if end == -1 else text[begin:end]
        if pattern.search(line):
            out.append((number, line))
        if end == -1:
            break
        start, number = end + 1, number + 1
    return out
