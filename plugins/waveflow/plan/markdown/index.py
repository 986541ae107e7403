"""Finding an effort from what a document calls it: an id, a branch or its short form, a graph node, a name."""

from __future__ import annotations

import re
from collections import defaultdict
from operator import itemgetter

from .draft import Draft
from .text import branch_prefix, ids_in, short_branch, word_in, words

_TOKEN = re.compile(r"#?[A-Za-z0-9][\w./-]*[A-Za-z0-9]|[A-Za-z0-9]")


class Names:
    """The names each effort goes by, as word sets.

    Most plans refer to efforts outright (ids, branches), so the word sets are made when a name is first looked up.
    """

    def __init__(self) -> None:
        self.of: dict[int, list[frozenset[str]]] = defaultdict(list)
        self.everyone: list[Draft] = []
        self.unread: list[tuple[Draft, str]] = []

    def add(self, d: Draft, text: str | None) -> None:
        if text:
            self.unread.append((d, text))

    def _read(self) -> None:
        for d, text in self.unread:
            self._learn(d, words(text))
        self.unread.clear()

    def _learn(self, d: Draft, found: frozenset[str]) -> None:
        known = self.of[id(d)]
        if not found or found in known:
            return
        if not known:
            self.everyone.append(d)
        known.append(found)

    def find(self, text: str, among: list[Draft] | None = None, either_way: bool = False) -> list[Draft]:
        """Efforts named exactly so, else those whose name holds all the text's words (or, with `either_way`,
        whose name's words all appear in the text)."""
        query = words(text)
        if not query:
            return []
        self._read()
        # Every effort, whatever the plan's size: `Transform` may name `Transformation Pipeline`.
        pool = {id(d): d for d in self.everyone}
        if among is not None:
            allowed = {id(d) for d in among}
            pool = {k: d for k, d in pool.items() if k in allowed}
        exact = [d for d in pool.values() if query in self.of[id(d)]]
        if exact:
            return exact
        return [
            d
            for d in pool.values()
            if any(all(word_in(w, n) for w in query) or (either_way and n <= query) for n in self.of[id(d)])
        ]


class Index:
    def __init__(self, drafts: list[Draft]):
        self.drafts = drafts
        self.by_key: dict[str, list[Draft]] = defaultdict(list)
        self.names = Names()
        # What each text names outright: dependency cells and sentences name the same efforts over and over.
        self.named: dict[str, tuple[tuple[Draft, int, int], ...]] = {}
        for d in drafts:
            self._learn(d)

    def _learn(self, d: Draft) -> None:
        keys = {d.id} if d.id else set()
        short = None
        if d.branch:
            short = short_branch(d.branch)
            keys |= {d.branch, short}
            prefix = branch_prefix(d.branch)
            if prefix:
                keys.add(prefix)
        for key in keys:
            same_key = self.by_key[key.lower()]
            # Drafts are learned one by one, so one already under this key is the last one.
            if not same_key or same_key[-1] is not d:
                same_key.append(d)
        for text in (d.name, short, d.namespace):
            self.names.add(d, text)

    def alias(self, key: str, d: Draft) -> None:
        """Another name the document uses for an effort: a graph node id (`W6E1`) or a label (`VW Core`)."""
        if d not in self.by_key[key.lower()]:
            self.by_key[key.lower()].append(d)
            self.named.clear()

    def add_name(self, text: str, d: Draft) -> None:
        self.names.add(d, text)

    def key(self, token: str) -> Draft | None:
        found = self.by_key.get(token.lower(), [])
        return found[0] if len(found) == 1 else None

    def explicit(self, text: str) -> tuple[tuple[Draft, int, int], ...]:
        """Efforts named outright in text (ids, branches, branch prefixes, graph node ids) with their spans."""
        named = self.named.get(text)
        if named is None:
            named = self.named[text] = tuple(self._explicit(text))
        return named

    def _explicit(self, text: str) -> list[tuple[Draft, int, int]]:
        out: list[tuple[Draft, int, int]] = []
        for ident, start, end in ids_in(text):
            d = self.key(ident)
            if d is not None:
                out.append((d, start, end))
        for m in _TOKEN.finditer(text):
            if any(s <= m.start() < e for _, s, e in out):
                continue
            d = self.key(m.group(0))
            if d is not None:
                out.append((d, m.start(), m.end()))
        out.sort(key=itemgetter(1))
        return out

    def by_name(self, text: str, among: list[Draft]) -> list[Draft]:
        """The efforts whose name the text is: an exact name first, else names holding all the text's words."""
        return self.names.find(text, among)
