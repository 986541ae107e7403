"""Waves written as the lines of an execution order rather than as sections:

    Wave 1 (all independent): A, B, C
    **Wave 2 (depends on Wave 1):** P0-6 + P0-12
    Wave 3 (after Wave 2):
      TASK-ABE-003: Review summaries
    Wave 4 (integration):
    ├── Task 8: Integration tests

Each line (or line over indented `label: name` lines) is a wave and the labels it lists are its efforts. A label
is taken only where the document says what it is: an id (`P0-6`), or a list item or heading that opens with it
(`- [ ] A: Update the tokens`), which also gives the effort its name and brief. A toy example (`Wave 1: A, C` with
nothing called A) is not a plan.
"""

from __future__ import annotations

import re

from ..names import UNIT, UNIT_NUMBER
from .blocks import Block, heading_section
from .draft import Draft
from .items import CHECKBOX, title_notes
from .mermaid import label_lines, parse_flowchart
from .sections import LINE_WAVE_WORDS, Section
from .text import DIGITS, ID, SPELLED_RANGE, plain, spelled_out

# What a wave line lists: labels (`A`, `F1`, `P0-6`) or task numbers (`1.2`).
_WORD = r"[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*"
_NUMBER = r"\d+(?:\.\d+)+"
_WAVE = rf"^\W*(?:{LINE_WAVE_WORDS})\s+(\d+)\b\s*(\([^)]*\))?"
# `Wave 1 (parallel): A, B`, `**Wave 2 — deps on Wave 1:** #7 (←6), #8`
_WAVE_LINE = re.compile(_WAVE + r"(?:\s*[—–-]\s[^:]*|[^:\w]*):\**\s*(\S.*)$", re.I)
_WAVE_OVER = re.compile(_WAVE + r"\s*:\**\s*$", re.I)
# An indented line or a branch of a drawn tree (`├── Task 1: Add the id`); a unit and its number is a label too.
_UNIT = rf"{UNIT}\s+{UNIT_NUMBER}"
_LABEL = re.compile(rf"^(?:{_UNIT}|{_WORD}|{_NUMBER}|#\d+|\d+)$")
# `## Execution waves` over `1. Specification: P01-T01, P01-T02`: the list's n-th item is wave n
_WAVES_HEADING = re.compile(r"\bwaves\b", re.I)
_ROSTER_HEADS = {"steps", "tasks", "efforts", "items", "issues", "prs", "stories", "work items"}
_KEY = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
_TREE = r"^[\s│├└┣┗|]+[─━-]*\s*"
_TREE_ITEM = re.compile(_TREE + r"(\S+)(.*)$")
_TREE_DEPS = re.compile(_TREE + r"(?:depends\s+on|blocked\s+by|needs|after)\s*:?\s+(\S.*)$", re.I)
_NAMED_ITEM = re.compile(r"^[^:]{1,80}:\s*(\S.*)$")
_INDENTED = re.compile(rf"^[\s│├└┣┗|]+(?:[-─━*]+\s*)?({_UNIT}|{_WORD})\s*[:—–]\s+(\S.*)$")
_SEPARATORS = re.compile(r"\s*(?:,|\+|&|‖|\band\b)\s*")
# `**Wave 2:** M2 ‖ M7. **Wave 3:** M3 ‖ M4.`: a sentence that opens with a wave word starts another wave's line
_NEXT_WAVE = re.compile(rf"(?<=[.;])\s+(?=\**(?i:{LINE_WAVE_WORDS})\s+\d+\b)")
_NOTE = re.compile(r"\([^)]*\)")
_REMARK = re.compile(r"\s[—–]\s")  # `M1 ‖ M5 — no shared files.`

# `A: Update the tokens`, `**P0-6** — Comprehension test`, `[ ] 1.2 Append the 2025 rates`: an item or heading that
# says what a label is.
_DESCRIBED = re.compile(
    rf"^(?i:(?:work)?stream\s+|track\s+|lane\s+)?\**({_WORD})\**\s*[:—–]\s+(\S.*)$|^({_NUMBER})\s+(\S.*)$"
)
# `## 2. Make a deleted download undoable`: a numbered heading says what item 2 is (a list's numbers are its markup's)
_NUMBERED_HEADING = re.compile(r"^(\d+)[.)]\s+(\S.*)$")
# `items 2, 3 and 5. They share no files.`: the unit word before the numbers, the sentences after them
_ITEMS_WORD = re.compile(r"^(?:items?|tasks?|steps?)\s+(?=\d)", re.I)
_LIST_END = re.compile(r"(?<=\d)\.\s+(?=[A-Z])")
Described = dict[str, tuple[int, str, str]]  # label -> (line, name, text) of what says what the label is
# `<!-- agent: build, depends_on: [1.1], touches: [...] -->`: a tool's note on the item, with its dependencies.
_COMMENT = re.compile(r"<!--.*?-->")
_NOTED_DEPS = re.compile(r"<!--.*?\bdepends_on\s*:\s*\[([^\]]*)\].*?-->")


def wave_lines(blocks: list[Block]) -> tuple[list[Section], list[Draft]] | None:
    """(one section per wave line, the efforts they list), or None when the document has no such lines."""
    described = _described(blocks)
    said: dict[str, list[tuple[str, int]]] = {}  # label -> the dependencies a tree's branch under it names
    waves: list[tuple[int, str, int, list[str]]] = []  # (number, the line as written, line, labels)
    listed = 0  # items so far of the list under a `waves` heading, or -1 when not under one
    for block in blocks:
        if block.kind == "heading":
            listed = 0 if _WAVES_HEADING.search(plain(block.text)) else -1
        if listed >= 0 and block.kind == "paragraph" and block.item and block.depth == 1:
            listed += 1
            if ids := _numbered_item(block):
                waves.append((listed, plain(block.text).strip(), block.line, ids))
            continue
        if block.kind == "table":
            waves += _roster(block, described)
            continue
        if block.kind not in ("paragraph", "fence"):
            continue
        lines = block.lines()
        for i, (line, text) in enumerate(lines):
            for said_as in _NEXT_WAVE.split(plain(text).strip()):
                m = _WAVE_LINE.match(said_as) or _WAVE_OVER.match(said_as)
                if not m:
                    continue
                labels = _listed_below(lines[i + 1 :], described, said) if m.re is _WAVE_OVER else _labels(m.group(3))
                if labels and all(_known(t, described) for t in labels):
                    waves.append((int(m.group(1)), said_as, line, labels))
    if len({number for number, *_ in waves}) < 2:
        return None
    sections: list[Section] = []
    drafts: list[Draft] = []
    for number, heading, line, labels in waves:
        sections.append(Section(number, "", line, 7, heading=heading))
        for label in labels:
            d = Draft(line, number, len(sections) - 1, source=heading)
            d.set("id", label, line)
            if label in described:
                at, name, text = described[label]
                d.set("name", name, at)
                d.tell(text)
                d.deps += [(noted.group(1), at) for noted in _NOTED_DEPS.finditer(text) if noted.group(1).strip()]
            d.deps += said.get(label, [])
            d.origin = f"waves:{line}"
            drafts.append(d)
    return sections, drafts


def _known(label: str, described: Described) -> bool:
    """Whether a label is one the document says what it is, or an id or key that says so itself."""
    return bool(_LABEL.match(label)) and (label in described or _is_key(label))


def _is_key(label: str) -> bool:
    # `APP-002-W1-READ-DEPLOYMENT`: a tracker's key whose last part is a word is a key as `P0-6` is
    return bool(ID.fullmatch(label) or (_KEY.fullmatch(label) and any(c.isdigit() for c in label)))


def _listed_below(
    lines: list[tuple[int, str]], described: Described, said: dict[str, list[tuple[str, int]]]
) -> list[str]:
    """The labels under `Wave 1 (parallel):`: indented `TASK-ABE-001: Lint in ACs` lines, the branches of a drawn
    tree (`├─ APP-2-READ (todo — Codex)` over `│   └─ Depends on: APP-2-BASE`), or one indented line of labels."""
    labels: list[str] = []
    for at, below in lines:
        if u := _INDENTED.match(below):
            described.setdefault(u.group(1), (at, u.group(2).strip(), u.group(0).strip()))
            labels.append(u.group(1).rstrip("*"))
        elif (needs := _TREE_DEPS.match(below)) and labels:
            said.setdefault(labels[-1], []).append((needs.group(1).strip(), at))
        elif (branch := _TREE_ITEM.match(below)) and _is_key(branch.group(1)):
            described.setdefault(branch.group(1), (at, _NOTE.sub("", branch.group(2)).strip(" -—–:"), below.strip()))
            labels.append(branch.group(1))
        else:
            if not labels and below[:1].isspace():
                labels = [t for t in _SEPARATORS.split(_NOTE.sub("", below).strip(" .")) if t]
            break
    return labels


def _roster(table: Block, described: Described) -> list[tuple[int, str, int, list[str]]]:
    """`| Wave | Steps |` over `| 2 | S4, S5, S6 |`: a table of waves, each row's labels its efforts."""
    heads = [plain(h).lower().strip() for h in table.header]
    wave = next((i for i, h in enumerate(heads) if h in ("wave", "wave #")), None)
    listed = next((i for i, h in enumerate(heads) if h in _ROSTER_HEADS), None)
    if wave is None or listed is None:
        return []
    out = []
    for line, cells in table.rows:
        number = DIGITS.fullmatch(plain(cells[wave]).strip()) if max(wave, listed) < len(cells) else None
        labels = _labels(plain(cells[listed])) if number else []
        if labels and all(_known(t, described) for t in labels):
            out.append((int(number.group(0)) if number else 0, f"Wave {plain(cells[wave]).strip()}", line, labels))
    return out


def _numbered_item(block: Block) -> list[str]:
    """The ids of `2. Rules: R02-T02–R02-T04.` under a `waves` heading, or none."""
    m = _NAMED_ITEM.match(plain(block.text).strip())
    ids = _labels(m.group(1)) if m else []
    return ids if ids and all(ID.fullmatch(t) for t in ids) else []


def _labels(text: str) -> list[str]:
    """The labels a line lists, without the notes after them (`#7 (←6)`), ranges spelled out."""
    out = []
    text = _LIST_END.split(_ITEMS_WORD.sub("", text.strip(" *")), maxsplit=1)[0]
    for label in _SEPARATORS.split(_REMARK.split(_NOTE.sub("", text), maxsplit=1)[0].strip(" .*")):
        label = label.strip("*` ")
        span = SPELLED_RANGE.fullmatch(label)
        if span:
            out += spelled_out(span)
        elif label:
            out.append(label)
    return out


def _charted(block: Block, out: Described) -> None:
    chart = parse_flowchart(block.text, block.line + 1)
    for node, label in chart.labels.items() if chart else []:
        first, _, name = (label_lines(label) or [""])[0].partition(" ")
        if chart and first == node and name:
            out.setdefault(node, (chart.lines.get(node, block.line), name.strip(), label))


def _described(blocks: list[Block]) -> dict[str, tuple[int, str, str]]:
    """label -> (line, name, text) of the list items and headings that open with a label and say what it is, and of
    the mermaid nodes whose label opens with their own id (`S4[S4 fitter<br/>gnm_fit.py]`)."""
    out: dict[str, tuple[int, str, str]] = {}
    for i, block in enumerate(blocks):
        if block.kind == "fence" and block.info == "mermaid":
            _charted(block, out)
        if block.kind == "heading" or (block.kind == "paragraph" and block.item):
            first = block.text.split("\n")[0]
            said_as = CHECKBOX.sub("", plain(first) if block.kind == "heading" else first).strip()
            m = _DESCRIBED.match(said_as) or (_NUMBERED_HEADING.match(said_as) if block.kind == "heading" else None)
            label, said = (m.group(1), m.group(2)) if m and m.group(1) else (m.group(3), m.group(4)) if m else ("", "")
            if label and label not in out:
                name = title_notes(re.split(r"\s+[—–]\s+", plain(_COMMENT.sub("", said)))[0])[0]
                out[label] = (block.line, name, heading_section(blocks, i) if block.kind == "heading" else block.text)
    return out
