"""`Wave N` sections: the heading, the blocks under it, and the wave's own figures (duration, agents, lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block
from .text import first_count, hours, plain

# Waves numbered (`Wave 2`, `Wave 1.1`), in Roman numerals (`Wave IV`) or lettered (`Wave B`: its place in the
# alphabet; I, V and X are read as Roman numerals); `Phase 2A` and `Phase 2B` are two halves of wave 2.
_NUMBER = r"(\d+(?:\.\d+)?(?-i:[A-Z](?![a-z]))?|(?-i:[IVX]+|[A-Z]))(?![\d.]\d)\b(.*)$"
# `### W0 — Picker`: a wave's short label (not `W3C`); `### Parallel Wave 1 (4 agents)`.
_WAVE_HEADING = re.compile(
    r"^[^\w]*(?:\d+[.)]\s*)?(?:phase\s+\d+\s*[,:\-–—]?\s*)?"
    r"(?:(?:parallel|sequential|serial|concurrent)\s+)?(?:wave\s+|(?-i:W)(?=\d+(?:\.\d+)?\b))" + _NUMBER,
    re.I,
)
# What teams call their waves when they do not say `Wave`: a plan without `Wave N` headings whose headings number
# one of these twice or more uses them as its waves (`## Stage 1`, `### Sprint 2: Screens`, `# Milestone 3`).
WAVE_WORDS = ("stage", "sprint", "batch", "iteration", "round", "milestone", "phase", "week", "day", "group")
_OTHER_HEADINGS = {
    word: re.compile(rf"^[^\w]*(?:\d+[.)]\s*)?(?:(?:parallel|execution)\s+)?{word}\s+" + _NUMBER, re.I)
    for word in WAVE_WORDS
}
# `Wave 0 → Wave 1`, `Wave 1-2 Transition`: about two waves, not one.
_TRANSITION = re.compile(r"^\s*(?:→|->|-|–|to|&|and|,)\s*(?:wave\s+)?\d|(?:→|->)\s*wave\s+\d", re.I)
_LEADING_REMARK = re.compile(r"^\s*\([^()]*\)\s*[:\-–—]\s*(?=\S)")
# What follows a wave's name: `(No Dependencies)`, `[DONE]`, `COMPLETE`, `- 6 Tasks`.
_TRAILING = re.compile(
    r"(\s*(\([^()]*\)|\[[^\]]*\]|\b(?:COMPLETED?|DONE|IN PROGRESS|PENDING|TODO|WIP)\b"
    r"|[-–—]\s*\d+\s+(?:tasks?|efforts?|agents?|issues?|items?|prs?)\b))+\s*$",
    re.I,
)
# `**Wave 2**`, `**Wave 2** (after wave 1 merges)`: the remark is the heading's as a heading's own would be
_BOLD_LABEL = re.compile(r"^\*\*([^*\n]+)\*\*(\s*\([^()\n]*\))?\s*$")
# The words that open a wave's line (`Wave 1 (parallel): A, B`, `Round 2: C`) where it is not a heading
LINE_WAVE_WORDS = "wave|sprint|stage|batch|round|group"
# `Wave 1 (parallel, worktrees):` on a line of its own over the wave's list
_COLON_LABEL = re.compile(rf"^((?:{LINE_WAVE_WORDS})\s+\d[^\n:]*)()?:\s*$", re.I)
_SIDE_BY_SIDE = re.compile(r"\s+\|\s+(?=\*\*[^*\n]+\*\*)")
FIELD = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*|__|)([A-Za-z][\w /&().'-]{0,40}?)\s*(?::\s*\1|\1\s*:)\s*(.*)$")


@dataclass
class Section:
    number: int
    name: str
    line: int
    level: int
    blocks: list[Block] = field(default_factory=list)
    heading: str = ""  # the heading as written: `(depends on Wave 1)` after the name gates the wave
    label: str | None = None  # the document's own number when it is not a whole one (`1.1`)
    word: str = "wave"  # what the document calls its waves: `phase`, `stage`, `sprint`...
    letter: str | None = None  # `B` of `Wave B`, `II` of `Wave II`: how the document's other lines name the wave


def wave_heading(text: str, pattern: re.Pattern[str] = _WAVE_HEADING) -> tuple[str, str] | None:
    """(the wave's number as written, its name) of a `Wave N: name` heading."""
    m = pattern.match(plain(text))
    if not m or _TRANSITION.search(m.group(2)):
        return None
    # `Stage 1 (parallel) — Implementation`: a remark before the name is no part of it
    name = _TRAILING.sub("", _LEADING_REMARK.sub("", m.group(2))).strip(" :-–—.|")
    return m.group(1), name


def wave_sections(blocks: list[Block], other_words: bool = False) -> list[Section]:
    """Each `Wave N` heading with the blocks up to the next heading of the same or a higher level, or the next
    wave's heading; where the document has no `Wave N` ones, the headings of the word of `WAVE_WORDS` it numbers
    most often (two numbers or more), the outer ones of two words numbered as often (`## Sprint 1` over
    `### Stage 1`); else bold `**Wave N**` lines. `other_words` skips the `Wave N` headings, for a plan whose
    `Wave N` sections hold no efforts (a closing summary) while its `Phase N` sections do."""
    sections = _sections(blocks, _WAVE_HEADING) if not other_words else []
    if sections and not any(s.number == 0 for s in sections):
        sections = _phase_zero(blocks, sections[0]) + sections
    if not sections:
        best = (2, -7)  # two numbers at least, at any heading level
        for word, pattern in _OTHER_HEADINGS.items():
            if other_words and word == "group":
                continue  # beside `Wave N` sections, `### GROUP 2` holds tasks the waves pick from, not a wave
            found = _sections(blocks, pattern)
            rank = (len({s.number for s in found}), -min((s.level for s in found), default=7))
            if rank > best:
                sections, best = found, rank
                for s in sections:
                    s.word = word
    if not sections:
        sections = _bold_sections(blocks)
    return _numbered(blocks, sections)


def bold_wave_sections(blocks: list[Block]) -> list[Section]:
    """The sections of bold `**Wave N**` lines alone, for a plan whose other numbered headings hold no efforts (a
    task's own `#### Phase A` steps)."""
    return _numbered(blocks, _bold_sections(blocks))


def _bold_sections(blocks: list[Block]) -> list[Section]:
    # `**Wave 1 — Foundations**` on a line of its own: a heading in all but markup, below every real heading.
    labelled = [
        Block("heading", b.line, m.group(1) + (m.group(2) or ""), level=7)
        if b.kind == "paragraph" and not b.depth and (m := _BOLD_LABEL.match(b.text) or _COLON_LABEL.match(b.text))
        else b
        for b in blocks
    ]
    return [s for s in _sections(labelled, _WAVE_HEADING) if s.level == 7]


def _numbered(blocks: list[Block], sections: list[Section]) -> list[Section]:
    """The sections with their order settled: waves numbered afresh in each phase, dotted waves among whole ones."""
    _number_by_phase(blocks, sections)
    dotted = sorted({s.label for s in sections if s.label}, key=_parts)
    if dotted and all(s.label for s in sections):
        # `Wave 1.1`, `Wave 1.2`: waves run in the order of their numbers, which keep their own spelling.
        order = {label: i + 1 for i, label in enumerate(dotted)}
        for s in sections:
            if s.label:
                s.number = order[s.label]
    elif dotted:
        _between(sections)
    return sections


def _parts(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def _between(sections: list[Section]) -> None:
    """`Wave 6`, `Wave 6.5`, `Wave 7`: a dotted wave among whole ones runs between them, so the waves are numbered
    in order from the first, and each whose number moves keeps the document's as its label (`6.5`, `7`)."""
    written = {s.label or str(s.number) for s in sections}
    first = min(s.number for s in sections if not s.label)
    order = {w: first + i for i, w in enumerate(sorted(written, key=_parts))}
    for s in sections:
        mine = s.label or str(s.number)
        if order[mine] != s.number or s.label:
            s.label, s.number = mine, order[mine]


def _number_by_phase(blocks: list[Block], sections: list[Section]) -> None:
    """`## Phase 2` over `### Wave 1`, `### Wave 2` again: waves numbered afresh in each phase are `2.1`, `2.2`."""
    numbers = [s.number for s in sections if s.label is None]
    if len(set(numbers)) == len(numbers):
        return
    parents = [b for b in blocks if b.kind == "heading"]
    phases = []
    for s in sections:
        above = [b for b in reversed(parents) if b.line < s.line and b.level < s.level]
        phases.append(next((n for n in map(_numbered_phase, above) if n is not None), None))
    # Every wave in a numbered phase, and more than one phase: else the document repeats a wave (an overview, then
    # the details) or numbers its waves some other way.
    if None in phases or len(set(phases)) < 2 or any(s.label for s in sections):
        return
    for s, phase in zip(sections, phases, strict=True):
        s.label = f"{phase}.{s.number}"


def _numbered_phase(heading: Block) -> int | None:
    named = next((w for p in _OTHER_HEADINGS.values() if (w := wave_heading(heading.text, p))), None)
    return int(named[0]) if named and named[0].isdigit() else None


def _phase_zero(blocks: list[Block], first: Section) -> list[Section]:
    """`### Phase 0: Foundation fixes (do first)` just before `### Wave 1` at the same level: the wave before the
    first, as the document says under another name."""
    before = [b for b in blocks if b.kind == "heading" and b.line < first.line and b.level <= first.level]
    if not before or before[-1].level != first.level:
        return []
    for word, pattern in _OTHER_HEADINGS.items():
        for s in _sections([before[-1]], pattern):
            if s.number == 0 and s.label is None:
                s.blocks = [b for b in blocks if s.line < b.line < first.line]
                s.word = word  # `after Phase 0` names it
                return [s]
    return []


def _sections(blocks: list[Block], pattern: re.Pattern[str]) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    for block in blocks:
        if block.kind == "heading":
            wave = wave_heading(block.text, pattern)
            other = wave is not None and wave[0] != (current.label or str(current.number)) if current else False
            if current is not None and (block.level <= current.level or other):
                current = None  # plans mix levels (`## Wave 1`, `### Wave 2`): another wave's heading ends this one
            if wave is not None and current is None:
                number, name = wave
                dotted = "." in number
                current = Section(
                    _whole(number) if not dotted else 0,
                    name,
                    block.line,
                    block.level,
                    heading=plain(block.text),
                    label=number if dotted else None,
                    letter=number if number.isalpha() else None,
                )
                sections.append(current)
                continue
        if current is not None:
            current.blocks.append(block)
    return sections


_ROMAN = {"I": 1, "V": 5, "X": 10}


def rival_waves(blocks: list[Block], sections: list[Section]) -> tuple[int, str] | None:
    """(line, warning) where another word numbers headings as often as the one read as the plan's waves."""
    if not sections or sections[-1].word == "wave":
        return None
    chosen = sections[-1].word
    for word, pattern in _OTHER_HEADINGS.items():
        found = _sections(blocks, pattern) if word != chosen else []
        if len({s.number for s in found}) >= 2:
            return (
                found[0].line,
                f"`{found[0].heading}` (line {found[0].line}) and the other {word} headings could be the waves too; "
                f"the {chosen} headings (line {sections[0].line}) are read as the waves",
            )
    return None


def numbered_heading(text: str) -> bool:
    """Whether a heading numbers a wave under any of the names teams give waves (`Sprint 4`, `Wave B`)."""
    return any(wave_heading(text, p) for p in (_WAVE_HEADING, *_OTHER_HEADINGS.values()))


def titled_wave(text: str) -> tuple[int, str] | None:
    """(number, name) of a title that numbers a wave under any name (`Wave 2 (parallel)`, `PHASE 1: Ready`)."""
    for pattern in (_WAVE_HEADING, *_OTHER_HEADINGS.values()):
        found = wave_heading(text, pattern)
        if found and "." not in found[0]:
            return _whole(found[0]), found[1]
    return None


def _whole(number: str) -> int:
    if number.isdigit():
        return int(number)
    if number[:-1].isdigit():
        return int(number[:-1])
    if set(number) <= _ROMAN.keys():
        values = [_ROMAN[c] for c in number]
        return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))
    return ord(number) - ord("A") + 1


def fields(block: Block, items: bool = False) -> list[tuple[int, str, str]]:
    """`**Key**: value` lines of a paragraph as (line, key in lower case, value).

    In a list the key must be bold (`- Note: ...` is prose), unless `items`: under an effort's own heading, a list of
    `- Branch: x` lines is its fields, and so is a plain fence of nothing but `Key: value` lines.
    """
    if block.kind == "fence" and items and not block.info:
        found = [(line, m) for line, text in block.lines() if text.strip() and (m := FIELD.match(text))]
        if found and len(found) == sum(1 for _, text in block.lines() if text.strip()):
            return [(line, plain(m.group(2)).lower().strip(), m.group(3).strip()) for line, m in found]
        return []
    if block.kind != "paragraph":
        return []
    out = []
    for line, whole in block.lines():
        # `**Agent:** x | **Branch:** y`: two bold fields on one line
        for text in _SIDE_BY_SIDE.split(whole) if "|" in whole and "**" in whole else (whole,):
            m = FIELD.match(text)
            if m and (m.group(1) or not block.depth or items):
                out.append((line, plain(m.group(2)).lower().strip(), m.group(3).strip()))
    return out


@dataclass
class WaveFacts:
    duration: tuple[float, float] | None = None
    agents: int | None = None
    total_lines: int | None = None


_AGENT_KEYS = {"agents required", "parallel agents", "agents", "max parallel agents", "agent count"}
_LINE_KEYS = {"total lines", "lines", "estimated lines", "total estimated lines", "size"}


def wave_facts(section: Section) -> WaveFacts:
    facts = WaveFacts()
    for block in section.blocks:
        if block.kind == "heading":
            break  # the figures sit under the wave heading, before its sub-sections
        for _, key, value in fields(block):
            if key in ("duration", "estimated duration", "time") and facts.duration is None:
                facts.duration = hours(value)
            elif key in _AGENT_KEYS and facts.agents is None:
                facts.agents = first_count(value)
            elif key in _LINE_KEYS and facts.total_lines is None:
                facts.total_lines = first_count(value)
    return facts
