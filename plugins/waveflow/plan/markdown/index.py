"""Finding an effort from what a document calls it: an id, a branch or its short form, a graph node, a name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from operator import itemgetter

from ..names import UNIT, UNIT_NUMBER
from .draft import Draft
from .text import STEM_MIN, branch_prefix, ids_in, is_stem_of, short_branch, words

_TOKEN = re.compile(r"#?[A-Za-z0-9][\w./-]*[A-Za-z0-9]|[A-Za-z0-9]")
# What a number right after names: a wave under any of its names (`after Wave 1`, `Phase 2 complete`)
_GROUP_WORD = re.compile(
    r"\b(?:waves?|phases?|stages?|sprints?|batch(?:es)?|rounds?|weeks?|days?|milestones?|iterations?)\s*$", re.I
)
# `Task 4`, `PR 12`, `#4`: an id that is a unit of work and its number, which the document's tables may give alone.
_UNIT_ID = re.compile(rf"^(?:{UNIT}\s+|#)({UNIT_NUMBER})$", re.I)
# `1, 4`, `Tasks 5, 6`, `6 (soft)`, `4-9`, `F1-F4`
_NUMBERS_ONLY = re.compile(
    r"^\s*(?:tasks?\s+)?[A-Z]?\d+(?:\s*(?:,|&|\band\b|-|–)\s*[A-Z]?\d+)*\s*(?:\([^()]*\))?\s*$", re.I
)
_NUMBER = re.compile(r"([A-Z]?)(\d+)(?:\s*[-–]\s*\1(\d+))?", re.I)
# The last part of a key-style id (`99A5` of `TASK-BOOT-99A5`): three characters or more, with a digit.
_KEY_TAIL = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-((?=[A-Z0-9]*\d)[A-Z0-9]{3,})$")
# Words up to this long match by their stems, longer ones only whole: a word's stems are indexed by its prefixes, and
# the prefixes of a word of a megabyte would take its square.
_STEMMED_UP_TO = 64


class Names:
    """The names each effort goes by, as word sets, indexed by word: a lookup costs what the names holding its words
    cost, not a pass over every effort (a 4,000-row table of dependencies that name nothing was quadratic).

    Most plans refer to efforts outright (ids, branches), so the word sets are made when a name is first looked up.
    """

    def __init__(self) -> None:
        # The names not made into word sets yet, beside their efforts: two lists, not a pair per name, which a large
        # plan's thousands of names would keep alive (for the collector to go over) until a name is looked up.
        self.unread_efforts: list[Draft] = []
        self.unread_names: list[str] = []
        self.rank: dict[int, int] = {}  # id(draft) -> the order it was first named in, the order of every answer
        self.entries: list[tuple[Draft, frozenset[str]]] = []  # one per name of an effort
        self.seen: set[tuple[int, frozenset[str]]] = set()
        self.exact: dict[frozenset[str], list[int]] = defaultdict(list)
        self.holding: dict[str, list[int]] = defaultdict(list)  # word -> entries whose name holds it
        self.stems: dict[str, set[str]] = defaultdict(set)  # a leading part of 5+ letters -> words with it

    def add(self, d: Draft, text: str | None) -> None:
        if text:
            self.unread_efforts.append(d)
            self.unread_names.append(text)

    def _read(self) -> None:
        for d, text in zip(self.unread_efforts, self.unread_names, strict=True):
            self._learn(d, words(text))
        self.unread_efforts.clear()
        self.unread_names.clear()

    def _learn(self, d: Draft, found: frozenset[str]) -> None:
        if not found or (id(d), found) in self.seen:
            return
        self.seen.add((id(d), found))
        self.rank.setdefault(id(d), len(self.rank))
        entry = len(self.entries)
        self.entries.append((d, found))
        self.exact[found].append(entry)
        for w in found:
            if w not in self.holding and len(w) <= _STEMMED_UP_TO:
                for end in range(STEM_MIN, len(w)):
                    self.stems[w[:end]].add(w)
            self.holding[w].append(entry)

    def _like(self, word: str) -> set[int]:
        """Entries holding a word that names this one: itself, one it is a stem of, or its stem."""
        out = set(self.holding.get(word, ()))
        if len(word) > _STEMMED_UP_TO:
            return out
        for longer in self.stems.get(word, ()):
            if is_stem_of(word, longer):
                out.update(self.holding[longer])
        for end in range(STEM_MIN, len(word)):
            shorter = word[:end]
            if shorter in self.holding and is_stem_of(shorter, word):
                out.update(self.holding[shorter])
        return out

    def find(self, text: str, keep: Callable[[Draft], bool] | None = None, either_way: bool = False) -> list[Draft]:
        """Efforts named exactly so, else those whose name holds all the text's words (or, with `either_way`,
        whose name's words all appear in the text); only those `keep` accepts."""
        query = words(text)
        if not query:
            return []
        self._read()
        exact = self._drafts(self.exact.get(query, ()), keep)
        if exact:
            return exact
        # Every effort, whatever the plan's size: `Transform` may name `Transformation Pipeline`.
        matches: set[int] | None = None
        for w in sorted(query, key=lambda w: len(self.holding.get(w, ()))):
            found = self._like(w)
            matches = found if matches is None else matches & found
            if not matches:
                break
        hits = matches or set()
        if either_way:
            within = {e for w in query for e in self.holding.get(w, ()) if self.entries[e][1] <= query}
            hits |= within
        return self._drafts(hits, keep)

    def _drafts(self, entries: Iterable[int], keep: Callable[[Draft], bool] | None) -> list[Draft]:
        chosen = {id(d): d for d in (self.entries[e][0] for e in entries) if keep is None or keep(d)}
        return sorted(chosen.values(), key=lambda d: self.rank[id(d)])


class Index:
    def __init__(self, drafts: list[Draft]):
        self.drafts = drafts
        # The draft first known by each key (lower case), and the keys two or more go by: a key names an effort only
        # when it names one, so no list of the drafts under each key is kept.
        self.first: dict[str, Draft] = {}
        self.shared: set[str] = set()
        self.names = Names()
        # What each text names outright: dependency cells and sentences name the same efforts over and over.
        self.named: dict[str, tuple[tuple[Draft, int, int], ...]] = {}
        # `Task 4` by its number, for a cell that gives only numbers (`| 4 | 1, 2 |`): in a sentence `Phase 1` or
        # `3 files` is not a task
        self.numbers: dict[str, Draft] = {}
        for d in drafts:
            self._learn(d)

    def _learn(self, d: Draft) -> None:
        keys = {d.id} if d.id else set()
        if d.id and _KEY_TAIL.search(d.id):
            # `(depends on 7536)` for TASK-FIX-7536, `ABFIX-001` for TASK-ABFIX-001: the id's ends name it, when no
            # other effort's id ends so
            parts = d.id.split("-")
            keys.add(parts[-1])
            keys |= {"-".join(parts[k:]) for k in range(1, len(parts) - 1) if parts[k][:1].isalpha()}
        if d.id and (unit := _UNIT_ID.match(d.id)):
            self.numbers.setdefault(unit.group(1), d)
        short = None
        if d.branch:
            short = short_branch(d.branch)
            keys |= {d.branch, short}
            prefix = branch_prefix(d.branch)
            if prefix:
                keys.add(prefix)
        for key in keys:
            self._file(key, d)
        for text in (d.name, short, d.namespace):
            self.names.add(d, text)

    def _file(self, key: str, d: Draft) -> bool:
        """Know d by key; whether that changes what the key names."""
        k = key.lower()
        held = self.first.get(k)
        if held is None:
            self.first[k] = d
            return True
        if held is d or k in self.shared:
            return False
        self.shared.add(k)
        return True

    def alias(self, key: str, d: Draft) -> None:
        """Another name the document uses for an effort: a graph node id (`W6E1`) or a label (`VW Core`)."""
        if self._file(key, d):
            self.named.clear()

    def add_name(self, text: str, d: Draft) -> None:
        self.names.add(d, text)

    def key(self, token: str) -> Draft | None:
        k = token.lower()
        return None if k in self.shared else self.first.get(k)

    def explicit(self, text: str) -> tuple[tuple[Draft, int, int], ...]:
        """Efforts named outright in text (ids, branches, branch prefixes, graph node ids) with their spans."""
        named = self.named.get(text)
        if named is None:
            named = self.named[text] = tuple(self._explicit(text))
        return named

    def _explicit(self, text: str) -> list[tuple[Draft, int, int]]:
        if self.numbers and _NUMBERS_ONLY.match(text):
            return [(d, m.start(), m.end()) for m in _NUMBER.finditer(text) for d in self._numbered(m)]
        out: list[tuple[Draft, int, int]] = []
        for ident, start, end in ids_in(text):
            d = self.key(ident)
            if d is not None:
                out.append((d, start, end))
        for m in _TOKEN.finditer(text):
            if out and any(s <= m.start() < e for _, s, e in out):
                continue
            if m.group(0).isdigit() and _GROUP_WORD.search(text, max(0, m.start() - 12), m.start()):
                continue  # `after Wave 1`: a wave, not the effort numbered 1
            d = self.key(m.group(0))
            if d is not None:
                out.append((d, m.start(), m.end()))
        out.sort(key=itemgetter(1))
        return out

    def numbered(self, text: str) -> list[Draft]:
        """The efforts a cell of numbers alone names (`4`, `1-3`, `F1-F4`), or none."""
        if not (self.numbers and _NUMBERS_ONLY.match(text)):
            return []
        return [d for m in _NUMBER.finditer(text) for d in self._numbered(m)]

    def _numbered(self, m: re.Match[str]) -> list[Draft]:
        letter, first, last = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        keys = [f"{letter}{n}" for n in range(first, last + 1)] if last - first <= 50 else []
        return [d for k in keys if (d := self.numbers.get(k.upper()) or self.numbers.get(k)) is not None]

    def by_name(self, text: str, keep: Callable[[Draft], bool] | None = None) -> list[Draft]:
        """The efforts whose name the text is: an exact name first, else names holding all the text's words; only
        those `keep` accepts."""
        return self.names.find(text, keep)
