"""What a dependency cell or line says, as effort ids: `None`, `-`, ids, branches, names, `Wave 1 complete`,
`Waves 1-3`, `Wave 2.1 downstream core`, `all previous`, `8.2.1 → 8.2.3`; other phases' work is outside the plan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .draft import Draft
from .index import Index
from .sections import Section
from .text import DIGITS, ID, PARENS, SPELLED_RANGE, plain, spelled_out

_NONE = re.compile(
    r"^(?:none|n/?a|nothing|immediate|-+|—|–|\[\s*\]|independent|no(?:ne)?\b.*|\(?none\)?.*|start immediately"
    r"|[-—–]\s*\(.*\))?$",  # `— (adoption list needs M7)`: none, and a remark on it
    re.I,
)
_WAVES = re.compile(r"\bwaves?\s+(\d+)(?:\.(\d+))?((?:\s*(?:-|–|to|&|and|,|\+)\s*(?:wave\s+)?\d+(?![.\d]))*)", re.I)
_PHASE = re.compile(r"\bphases?\s+\d", re.I)
_LABELLED = re.compile(r"\b(waves?)\s+(\d+(?:\.\d+)?)\b", re.I)
_LETTERED = re.compile(r"\b((?i:waves?))\s+([A-Z]|[IVX]+)\b")
# `all previous`, `everything before`, `all of the above`, a cell that says only `all`
_PREVIOUS = re.compile(
    r"\ball\s+(?:previous|prior|earlier|preceding)\b|\beverything\s+before\b|\ball\s+of\s+the\s+above\b|^all$", re.I
)
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\+|\s→\s|->|\bthen\b)\s*", re.I)
_FILLER = re.compile(
    r"\b(?:complete[ds]?|completion|done|finished|merged|ready|landed|outputs?|tasks?|efforts?|branch(?:es)?|all|"
    r"the|of|only|interfaces?\s+from|must\s+be|is|are|be|first|in\s+place|needs?|requires?|uses?|types?)\b",
    re.I,
)
# `types from Agent 1`: in a wave of agent blocks, the effort that agent works on in that wave.
_AGENT = re.compile(r"\bagent[\s-]*(\d+|[A-Z])\b", re.I)
# `all D*`, `all QA tasks`, `all W2`: every effort whose id is that prefix and a number (`W2-1` for `W2`).
_FAMILY = re.compile(
    r"^(?:all\s+([A-Z]{1,4}\d*)\*?(?:\s+(?:tasks|efforts|items|agents))?|([A-Z]{1,4})(?:\*|\s+(?:tasks|efforts|items|agents)))$"
)
_FILLER_EDGES = re.compile(r"^(?:after|once|when)\s+|\s+(?:complete[ds]?|are\s+done|done|merged|land)$", re.I)
_PLACEHOLDER = "\x00{}\x00"
# `1.1/1.2`: two numbered tasks
_OR_SLASH = re.compile(r"(?<=\.\d)/(?=\d+\.\d)")


@dataclass
class Resolved:
    ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why a part was left out, for warnings

    def add(self, ident: str) -> None:
        if ident not in self.ids:
            self.ids.append(ident)


_PLACED = re.compile(r"\x00(\d+)\x00")
_ID_PARTS = re.compile(r"[.-]")
_TO = re.compile(r"\s*(?:-|–|to)\s*")


class Resolver:
    def __init__(self, index: Index, drafts: list[Draft], sections: Sequence[Section] = ()):
        self.index = index
        self.drafts = drafts
        # `Wave 1.1` is the wave the document numbers so (else it is effort 1 of wave 1); `Phase 0`, `Stage 2` are
        # waves 0 and 2 where the document calls its waves phases or stages.
        self.labels = {s.label: s.number for s in sections if s.label}
        self.letters = {s.letter: s.number for s in sections if s.letter}
        word = next((s.word for s in sections if s.word != "wave"), None)
        self.word = re.compile(rf"\b{word}(s?)\b", re.I) if word else None
        self.waves = sorted({d.wave for d in drafts})
        # Ids of this plan share a first part (`7.` of `7.2.1`); an unknown id with another first part is elsewhere.
        self.families = {_family(d.id) for d in drafts if d.id}

    def resolve(self, text: str, effort: Draft, names: bool = True, waves: bool = True) -> Resolved:
        out = Resolved()
        cleaned = _OR_SLASH.sub(", ", SPELLED_RANGE.sub(_spelled, self._waves_named(plain(text).strip())))
        if _NONE.match(cleaned.strip(" .")):
            return out
        protected: list[str] = []

        def protect(m: re.Match[str]) -> str:
            protected.append(m.group(0))
            return _PLACEHOLDER.format(len(protected) - 1)

        # Keep `Waves 2&3`, `Wave 1 and Wave 2` and parentheses whole while splitting on `,` and `and`.
        masked = PARENS.sub(protect, _WAVES.sub(protect, cleaned))
        for clause in _SPLIT.split(masked):
            if protected:  # else there is nothing to put back
                clause = _PLACED.sub(lambda m: protected[int(m.group(1))], clause)
            clause = clause.strip(" .:")
            if clause:
                self._clause(clause, effort, out, names, waves)
        return out

    def _waves_named(self, text: str) -> str:
        if self.word:
            text = self.word.sub(lambda m: "wave" + m.group(1), text)
        if self.labels:
            # `Wave 1.1`; `Wave 7` after a `Wave 6.5`, its number moved along to make room: in one pass, so a number
            # once mapped is not mapped again
            text = _LABELLED.sub(lambda m: f"{m.group(1)} {self.labels.get(m.group(2), m.group(2))}", text)
        if self.letters:
            text = _LETTERED.sub(lambda m: f"{m.group(1)} {self.letters.get(m.group(2), m.group(2))}", text)
        return text

    def _clause(self, clause: str, effort: Draft, out: Resolved, names: bool, waves: bool) -> None:
        named = self.index.explicit(clause)
        if named:
            for d, _, _ in named:
                out.add(d.id or "")
            return
        unknown = [m.group(0) for m in ID.finditer(clause)]
        if unknown:
            for ident in unknown:
                if _family(ident) in self.families:
                    out.add(ident)  # the validator reports it as unknown: a typo, not another plan's work
                else:
                    out.notes.append(f"{ident!r} is not in this plan; taken as earlier work")
            return
        if _PHASE.search(clause):
            return
        family = _FAMILY.match(_FILLER_EDGES.sub("", clause).strip())
        if family:
            stem = family.group(1) or family.group(2)
            prefix = re.compile(rf"{stem}[-.]\d" if stem[-1].isdigit() else rf"{stem}-?\d", re.I)
            members = [d for d in self.drafts if d is not effort and d.id and prefix.match(d.id)]
            if members:
                for d in members:
                    out.add(d.id or "")
                return
        agent = _AGENT.search(clause)
        if agent:
            same = [d for d in self.drafts if d.wave == effort.wave and d is not effort]
            by_agent = [d for d in same if d.agent and d.agent.lower() == f"agent-{agent.group(1).lower()}"]
            if len(by_agent) == 1:
                out.add(by_agent[0].id or "")
                return
        wave = _WAVES.search(clause)
        if wave and waves:
            numbers = _wave_numbers(wave)
            rest = _FILLER.sub(" ", clause[: wave.start()] + " " + clause[wave.end() :]).strip(" ()-:,")
            members = [d for d in self.drafts if d.wave in numbers and d is not effort]
            slotted = [d for d in members if rest.lower() in ((d.slot or "").lower(), (d.agent or "").lower())]
            if rest and len(slotted) == 1:  # `A1 of Wave 2`
                out.add(slotted[0].id or "")
                return
            if rest and names:
                found = self.index.by_name(rest, lambda d: d.wave in numbers and d is not effort)
                if len(found) == 1:
                    out.add(found[0].id or "")
                    return
            if wave.group(2):
                position = int(wave.group(2)) - 1
                ordered = [d for d in self.drafts if d.wave == numbers[0]]
                if 0 <= position < len(ordered):
                    out.add(ordered[position].id or "")
                    return
            for d in members:
                out.add(d.id or "")
            return
        if _PREVIOUS.search(clause) and waves:
            for d in self.drafts:
                if d.wave < effort.wave:
                    out.add(d.id or "")
            return
        if names:
            self._name(clause, effort, out)

    def _name(self, clause: str, effort: Draft, out: Resolved) -> None:
        text = _FILLER.sub(" ", clause).strip(" ()-:,")
        if not text:
            return
        # A short name (`Core`, `Storage`) in a wave's table means the sibling listed above it before anything else.
        # Each a test, not a list of the efforts: a list per dependency made reading quadratic in the plan.
        found = (
            self.index.by_name(text, lambda d: d is not effort and d.wave == effort.wave and d.line < effort.line)
            or self.index.by_name(text, lambda d: d is not effort and d.wave <= effort.wave)
            or self.index.by_name(text, lambda d: d is not effort)
        )
        if len(found) == 1:
            out.add(found[0].id or "")
        elif found:
            ids = ", ".join(d.id or "" for d in found)
            out.notes.append(f"{clause!r} could be any of {ids}; left out")
        else:
            out.notes.append(f"{clause!r} names no effort of this plan; left out")


def _spelled(m: re.Match[str]) -> str:
    return ", ".join(spelled_out(m))


def _family(ident: str) -> str:
    return _ID_PARTS.split(ident)[0].lower()


def _wave_numbers(m: re.Match[str]) -> list[int]:
    first = int(m.group(1))
    tail = m.group(3) or ""
    numbers = [first] + [int(n) for n in DIGITS.findall(tail)]
    if _TO.match(tail) and len(numbers) == 2:
        return list(range(numbers[0], numbers[1] + 1))
    return numbers
