"""Dependencies stated in sentences (`TASK-EVAL-006 depends on TASK-EVAL-001 and TASK-EVAL-005.`), and sentences
that contradict a table (`Starting documentation (no framework dependency)` against a row that names one)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from .blocks import Block
from .deps import Resolver
from .draft import Draft, by_section
from .index import Index
from .sections import FIELD, Section
from .text import dependency_notes, lines_with, plain

_STATEMENT = re.compile(
    r"^(?P<subj>.*?)\b(?:additionally\s+|also\s+)?(?:depends?|relies|rely)\s+(?:up)?on\s+(?P<obj>.+)$"
    r"|^(?P<subj2>.*?)\b(?:requires?|needs|waits?\s+(?:for|on))\s+(?P<obj2>.+)$"
    r"|^(?P<subj3>.*?)\b(?:can\s+)?(?:starts?|begins?)\s+(?:once|after|when)\s+(?P<obj3>.+?)\s+"
    r"(?:completes?|is\s+(?:done|complete|merged)|lands)\b"
    r"|^(?P<subj4>.*?)\b(?:is\s+|are\s+)?blocked\s+(?:by|on)\s+(?P<obj4>.+)$"
    # `Once T-4 is merged, T-6 can begin.`: the condition first.
    r"|^(?:once|after|when)\s+(?P<obj5>.+?)\s+(?:is|are|has\s+been|have\s+been)?\s*"
    r"(?:merged|done|complete[ds]?|landed|lands|finished)\s*,\s*(?P<subj5>.+?)\s+(?:can|may|will)?\s*"
    r"(?:begin|start|proceed|go)\b"
    # `Start X only after Y is merged.`: an instruction, the effort after the verb.
    r"|^(?:start|begin)\s+(?P<subj6>.+?)\s+(?:only\s+)?(?:after|once|when)\s+(?P<obj6>.+?)"
    r"(?:\s+(?:is|are)\s+(?:merged|done|complete|landed|finished)|\s+lands?)?$"
    # `E (Enhanced Brief) after B completes`: an item of a list of what may run when.
    r"|^(?P<subj7>[^,;]+?)\s+after\s+(?P<obj7>.+?)\s+(?:completes?|(?:is|are)\s+(?:done|complete|merged)|lands?)\.?$",
    re.I,
)
_PARTS = ("", "2", "3", "4", "5", "6", "7")
_BLOCKS = re.compile(r"^(?P<subj>.*?)\b(?:blocks|unblocks|is\s+blocking)\s+(?P<obj>.+)$", re.I)
_CLAUSE = re.compile(r"\s*;\s*|,\s+and\s+(?=it\b)", re.I)
_IT = re.compile(r"^(?:it|this|this\s+one)\s", re.I)
_CUT = re.compile(r",\s*but\b|\bbut\b|;|\bwhile\b|\bso\s+that\b|\bfor\b", re.I)
_NEGATED = re.compile(r"\b(?:not|no|never|without)\b|n't\b", re.I)
_ALL = {"all", "both", "each", "all efforts", "all tasks", "all branches", "every effort", "these", "all of them"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CONTRADICTION = re.compile(
    r"\bno\s+(?:[\w-]+\s+){0,2}(?:dependenc(?:y|ies)|deps)\b|\bwithout\s+(?:any\s+)?dependenc|\bindependent\s+of\b",
    re.I,
)
# In every match of _CONTRADICTION: one search for it over the text skips the lines that need no closer look.
_DEPEND = re.compile("dep", re.I)


# `Requires the metrics exporter.`, `Starts after A and B are merged.`: under an effort's own heading, a sentence
# without a subject is about that effort.
_OWN = re.compile(
    r"^(?:it\s+|this\s+(?:effort|task|branch|one)\s+)?(?:requires|needs|depends\s+on|(?:can\s+)?(?:starts?|begins?)\s+"
    r"(?:after|once|when)|is\s+blocked\s+by|blocked\s+by|waits\s+for|waiting\s+(?:on|for))\s*:?\s+(?P<obj>.+?)"
    r"(?:\s+(?:is|are|has\s+been|have\s+been)\s+(?:merged|done|complete|landed|finished)|\s+lands?)?\s*$",
    re.I,
)


def order_notes(text: str) -> list[str]:
    """What a note beside an effort says it waits for: a `(depends on X)` note, else a sentence without a subject
    (`Depends on sync-p2w1-queue`, `starts after Phase 1 complete`)."""
    noted = dependency_notes(text)[1]
    return [noted] if noted else own_dependencies(text)


def own_dependencies(text: str) -> list[str]:
    """What the subject-less dependency sentences of a line of an effort's block name."""
    out = []
    for sentence in _SENTENCE.split(plain(text)):
        m = _OWN.match(sentence.strip().rstrip("."))
        obj = _CUT.split(m.group("obj"))[0].strip(" .") if m else ""
        if obj:
            out.append(obj)
    return out


def paragraph_dependencies(block: Block) -> list[tuple[str, int]]:
    """(what it names, the line it starts on) of each subject-less dependency sentence of a paragraph, a sentence
    running over a line break too (`... Depends on` / `1.1 and 1.2.`)."""
    lines = block.lines()
    if len(lines) == 1:
        return [(said, lines[0][0]) for said in own_dependencies(lines[0][1])]
    out = []
    joined, starts = "", []
    for _, text in lines:
        starts.append(len(joined))
        joined += text + " "
    position = 0
    for sentence in _SENTENCE.split(joined):
        at = joined.find(sentence, position)
        position = at + len(sentence)
        line = lines[bisect_right(starts, at) - 1][0]
        out += [(said, line) for said in own_dependencies(sentence)]
    return out


def prose_dependencies(
    sections: list[Section], drafts: list[Draft], index: Index, resolver: Resolver, outside: list[Block]
) -> list[tuple[Draft, list[str], int]]:
    """(effort, ids it depends on, line) for each dependency sentence inside the `Wave N` sections, and outside them
    (a `Dependencies` section after the waves) for sentences that name their efforts."""
    out = []
    in_section = by_section(drafts)
    places = [(in_section.get(n, []), s.blocks) for n, s in enumerate(sections)]
    for members, blocks in [*places, ([], outside)]:
        for block in blocks:
            if block.kind != "paragraph":
                continue
            for line, text in block.lines():
                field = FIELD.match(text)
                # `**Notes**: A needs B` is about its value; `TASK-7: ... (depends on 7536)` is about TASK-7.
                text = field.group(3) if field and not index.explicit(field.group(2)) else text
                for sentence in _SENTENCE.split(plain(text)):
                    out += _sentence(sentence, line, members, index, resolver)
    return out


def _sentence(
    sentence: str, line: int, members: list[Draft], index: Index, resolver: Resolver
) -> list[tuple[Draft, list[str], int]]:
    """`C3 depends on D2 only; it blocks QA1.`: each clause, `it` being the effort the clause before named."""
    out: list[tuple[Draft, list[str], int]] = []
    last: list[Draft] = []
    for clause in _CLAUSE.split(sentence):
        clause = clause.strip()
        pronoun = _IT.match(clause)
        if pronoun and last:
            clause = (last[0].id or "") + clause[pronoun.end() - 1 :]
        named = [d for d, _, _ in index.explicit(clause.split(" ", 1)[0])]
        last = named or last
        blocked = _BLOCKS.match(clause)
        if blocked:
            out += _blocks(blocked, line, index)
        else:
            out += _statement(clause, line, members, index, resolver)
    return out


def _blocks(m: re.Match[str], line: int, index: Index) -> list[tuple[Draft, list[str], int]]:
    """`A7 blocks QA2 and QA3`: the efforts after the verb depend on the one before it."""
    subject = m.group("subj").strip(" -*>:")
    if _NEGATED.search(subject):
        return []
    named = [d for d, _, _ in index.explicit(subject)]
    if len(named) != 1:
        return []
    return [(d, [named[0].id or ""], line) for d, _, _ in index.explicit(m.group("obj")) if d is not named[0]]


def _statement(
    sentence: str, line: int, members: list[Draft], index: Index, resolver: Resolver
) -> list[tuple[Draft, list[str], int]]:
    m = _STATEMENT.match(sentence.strip())
    if not m:
        return []
    subject = next((m.group(f"subj{n}") for n in _PARTS if m.group(f"subj{n}")), "").strip(" -*>:")
    obj = _CUT.split(next((m.group(f"obj{n}") for n in _PARTS if m.group(f"obj{n}")), ""))[0].strip(" .")
    # `YES (with T2, T3 after T1 — but needs T3's posts)`: efforts named in a bracket left open are its companions,
    # not the subject of what follows
    if _NEGATED.search(subject) or not obj or subject.count("(") > subject.count(")"):
        return []
    named = [d for d, _, _ in index.explicit(subject)]
    if subject.lower() in _ALL:
        # `All depend on Wave 1 outputs` is about the wave; only named efforts make it about each effort.
        if not index.explicit(obj):
            return []
        subjects = members
    elif named:
        subjects = named
    elif not subject and len(members) == 1:
        subjects = members
    else:
        return []
    out = []
    for d in subjects:
        ids = [i for i in resolver.resolve(obj, d).ids if i != d.id]
        if ids:
            out.append((d, ids, line))
    return out


def contradictions(
    text: str, drafts: list[Draft], stated: dict[int, tuple[list[str], int, str]]
) -> list[tuple[Draft, str]]:
    """Warnings for lines that say an effort has no dependency when its table row names some; the table wins.

    `stated` maps id(draft) to (its ids, the line saying so, that line's text).
    """
    negations = [(n, line.strip()) for n, line in lines_with(_DEPEND, text) if _CONTRADICTION.search(line)]
    if not negations:
        return []
    agents = Counter(d.agent for d in drafts if d.agent)
    out = []
    for d in drafts:
        said = stated.get(id(d))
        if not said or not said[0]:
            continue
        ids, row_line, row = said
        for n, line in negations:
            if n != row_line and _mentions(line, d, agents[d.agent] == 1 if d.agent else False):
                out.append(
                    (
                        d,
                        f"effort {d.id}: line {row_line} says it depends on {', '.join(ids)} ({_quote(row)}), "
                        f"but line {n} says {_quote(line)}; the table wins",
                    )
                )
                break
    return out


def _mentions(line: str, d: Draft, agent_unique: bool) -> bool:
    low = line.lower()
    terms = [d.id, d.branch, d.name, d.agent if agent_unique else None]
    return any(
        t and len(t) >= 4 and re.search(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])", low) is not None for t in terms
    )


def _quote(text: str, limit: int = 100) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'
