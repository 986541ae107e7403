"""Wave-level gates: what a whole wave waits for (`**Dependencies**: Wave 1.1 complete`, `Start Condition: Wave 1
done`, `**Gate:** W-2 merged`, a heading's `(depends on Wave 1)`).

The corpus rule: a gate becomes each effort's dependency only for a wave whose efforts state none of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import Block
from .mermaid import Flowchart, label_lines
from .sections import FIELD, Section, fields, wave_heading
from .text import PARENS, plain

# The keys of a wave's own lines that say what it waits for; the value is read whole.
_GATE_KEYS = {
    "dependencies",
    "dependency",
    "depends on",
    "start condition",
    "starts",
    "start",
    "gate",
    "dispatch gate",
    "prerequisites",
    "prerequisite",
    "requires",
    "blocked by",
    "blocked on",
    "wave gate",
}
# Elsewhere (a heading's parentheses, `**Parallel**: No (depends on Wave 1)`, `(depends: Wave 2 + 3)`), what
# follows one of these words.
_WAITS = re.compile(
    r"\b(?:depends?\s+on|depends?(?=\s*:)|after|once|requires?|needs|waits?\s+for|blocked\s+by|gate[ds]?\s+(?:on|by))"
    r"\s*:?\s+(.+)",
    re.I,
)
_OVERVIEW = {"overview", "summary", "wave overview", "dependencies", "gate", "start condition"}


@dataclass
class Gate:
    section: int  # index of the section it gates
    text: str  # what it waits for, to resolve
    line: int


# `**Must complete before Wave 2.**` under Wave 1: the later wave waits for this one.
_BEFORE = re.compile(
    r"\b(?:complete[ds]?|finish(?:ed|es)?|land(?:ed|s)?|merged?)\s+before\s+(?:wave|phase|stage)\s+(\d+(?:\.\d+)*)",
    re.I,
)


def wave_gates(sections: list[Section]) -> list[Gate]:
    return [Gate(g.section, _within_phase(g.text, sections[g.section], sections), g.line) for g in _gates(sections)]


# `Wave 1 complete` under `## Phase 2`, whose waves are 2.1, 2.2: its own phase's wave; `Phase 1 complete`: every
# wave of phase 1.
_NAMES_WAVE = re.compile(r"\b(?:waves?|phases?|stages?)\s+\d", re.I)
_BARE_WAVE = re.compile(r"\bwaves?\s+(\d+)\b(?!\.\d)", re.I)
_PHASE = re.compile(r"\bphases?\s+(\d+)\b(?!\.\d)", re.I)


def _within_phase(text: str, section: Section, sections: list[Section]) -> str:
    if not section.label or "." not in section.label:
        return text
    phase = section.label.split(".")[0]
    labels = [s.label for s in sections if s.label]

    def of_phase(m: re.Match[str]) -> str:
        waves = [f"wave {label}" for label in labels if label.split(".")[0] == m.group(1)]
        return ", ".join(waves) if waves else m.group(0)

    return _PHASE.sub(of_phase, _BARE_WAVE.sub(lambda m: f"wave {phase}.{m.group(1)}", text))


def _gates(sections: list[Section]) -> list[Gate]:
    out: list[Gate] = []
    numbers = _by_number(sections)
    for index, section in enumerate(sections):
        for block in _own_blocks(section):
            for line, text in block.lines() if block.kind == "paragraph" else []:
                for later in _BEFORE.finditer(plain(text)):
                    waiting = numbers.get(later.group(1))
                    if waiting not in (None, index):
                        out.append(Gate(waiting, f"{section.word} {section.label or section.number}", line))
                # `Execute after Wave 1 completes:` on a line of its own under the wave's heading
                said = _WAITS.search(plain(text)) if not FIELD.match(text) or text.rstrip().endswith(":") else None
                if said and _NAMES_WAVE.search(said.group(1)):
                    out.append(Gate(index, said.group(1).strip(" :."), line))
        for inner in PARENS.findall(section.heading):
            m = _WAITS.search(inner.strip("()"))
            if m:
                out.append(Gate(index, m.group(1), section.line))
        for line, key, value in _own_fields(section):
            if key in _GATE_KEYS:
                out.append(Gate(index, value, line))
            else:
                m = _WAITS.search(value)
                if m:
                    out.append(Gate(index, m.group(1).strip(" ()."), line))
    return out


# `Merge wave N before starting wave N+1`, `Never start Wave N+1 before Wave N is merged`: every wave waits for the one
# before it.
_EACH_AFTER_PREVIOUS = re.compile(
    r"\bwave\s+n\b[^.]{0,40}?\bbefore\b[^.]{0,20}?\bwave\s+n\s*\+\s*1\b"
    r"|\bwave\s+n\s*\+\s*1\b[^.]{0,40}?\b(?:before|after)\b[^.]{0,20}?\bwave\s+n\b",
    re.I,
)


def each_after_previous(text: str) -> int | None:
    """The line of a rule for every wave, written once (`Merge wave N before starting wave N+1`), if there is one."""
    m = _EACH_AFTER_PREVIOUS.search(text)
    return 1 + text.count("\n", 0, m.start()) if m else None


# `# Wave 2 (sequential - depends on Wave 1)`: a comment in a code block of commands, heading one wave's commands.
_COMMENT_WAVE = re.compile(r"^\s*#\s*wave\s+(\d+(?:\.\d+)?)\b[^(\n]*\(([^)\n]*)\)", re.I)


def comment_gates(blocks: list[Block], sections: list[Section]) -> list[Gate]:
    """What a wave waits for, said in a code block's comment that heads its commands."""
    numbers = _by_number(sections)
    out = []
    for block in blocks:
        for line, text in block.lines() if block.kind == "fence" else []:
            m = _COMMENT_WAVE.match(text)
            said = _WAITS.search(m.group(2)) if m and m.group(1) in numbers else None
            if m and said and _NAMES_WAVE.search(said.group(1)):
                out.append(Gate(numbers[m.group(1)], said.group(1), line))
    return out


def chart_gates(charts: list[Flowchart], sections: list[Section]) -> list[Gate]:
    """`W1[Wave 1: Core] --> W2[Wave 2: Build]`: a chart's edge between two nodes that name waves gates the second."""
    out: list[Gate] = []
    numbers = _by_number(sections)
    for chart in charts:
        for source, target, line in chart.edges:
            before, after = (_wave_of(chart.labels.get(n, ""), numbers) for n in (source, target))
            if before is not None and after is not None and before != after:
                out.append(Gate(after, plain(chart.labels[source]), line))
    return out


def _wave_of(label: str, numbers: dict[str, int]) -> int | None:
    """The index of the section a node's label names (`Wave 2.1: Command Structure`)."""
    named = wave_heading(label_lines(label)[0]) if label else None
    return numbers.get(named[0]) if named else None


def _by_number(sections: list[Section]) -> dict[str, int]:
    """Each section's index by the number the document gives its wave (`2`, `1.1`, `B`)."""
    return {key: i for i, s in enumerate(sections) for key in (s.label or str(s.number), s.letter) if key}


def _own_fields(section: Section) -> list[tuple[int, str, str]]:
    """The `Key: value` lines under the wave's heading, before its first sub-section that is not an overview."""
    return [f for block in _own_blocks(section) for f in fields(block)]


def _own_blocks(section: Section) -> list[Block]:
    """The blocks under the wave's heading, before its first sub-section that is not an overview."""
    out: list[Block] = []
    for block in section.blocks:
        if block.kind == "heading":
            if plain(block.text).lower().strip(" :") not in _OVERVIEW:
                break
            continue
        out.append(block)
    return out


# `### Parallel Group 1B (after Group 1A)`: a group of a wave's efforts that waits for another group of it.
_GROUP = re.compile(r"^(?:parallel\s+)?(?:group|track|lane|stream)\s+([\w.]+)\b(.*)$", re.I)


@dataclass
class GroupGate:
    section: int
    lines: tuple[int, int]  # the lines the waiting group's efforts are on
    waits_for: tuple[int, int]  # the lines of the group it waits for
    line: int


def group_gates(sections: list[Section]) -> list[GroupGate]:
    out: list[GroupGate] = []
    for index, section in enumerate(sections):
        headings = [b for b in section.blocks if b.kind == "heading"]
        groups: dict[str, tuple[int, int]] = {}
        waits: list[tuple[str, str, int]] = []
        for i, heading in enumerate(headings):
            m = _GROUP.match(plain(heading.text))
            if not m:
                continue
            end = headings[i + 1].line if i + 1 < len(headings) else 1 << 30
            groups[m.group(1).lower()] = (heading.line, end)
            waits += [
                (m.group(1).lower(), w.group(1), heading.line)
                for w in map(_WAITS.search, PARENS.findall(m.group(2)))
                if w
            ]
        for name, text, line in waits:
            target = _GROUP.match(text.strip(" ()"))
            if target and target.group(1).lower() in groups and name in groups:
                out.append(GroupGate(index, groups[name], groups[target.group(1).lower()], line))
    return out
