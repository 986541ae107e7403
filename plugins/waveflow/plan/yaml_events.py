"""Plain data and each key's line, built in one pass over libyaml's event stream.

Building PyYAML's node tree first and then walking it cost twice the parse itself on a 1,000-effort plan; events carry
the same marks. What PyYAML would resolve differently is left to PyYAML: tagged and typed scalars go through its
resolver and constructors, and anything a plan has no use for (`!!set`, custom tags on collections) is an error.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PREFIX = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = (_PREFIX + t for t in ("str", "map", "seq", "merge"))
# Typed scalars whose constructors return the value itself (the collection ones are generators).
_DIRECT = {_PREFIX + t for t in ("int", "float", "bool", "null", "timestamp", "binary", "str")}
# A plain decimal is an int in YAML 1.1 (no other type's pattern takes one), and its value is what `int()` gives: the
# commonest typed scalar in a plan needs neither the resolver's patterns nor a node for the constructor.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_BUILDING = object()
_NO_KEY = object()


class _Open:
    """A mapping or sequence whose end event has not come yet."""

    __slots__ = ("anchor", "key", "key_mark", "key_path", "mapping", "merges", "prefix", "value")

    def __init__(self, mapping: bool, prefix: str | None, anchor: str | None) -> None:
        self.mapping = mapping
        self.value: Any = {} if mapping else []
        # None inside a complex key: its parts have no location of their own.
        self.prefix = prefix
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        # The location key of the pending key's value (None for a merge key), made once for its line and its children.
        self.key_path: str | None = None
        self.merges: list[tuple[Any, Any]] = []


class EventBuilder:
    def __init__(self, loader: Any, locations: dict[str, int]) -> None:
        self.loader = loader
        self.locations = locations
        self.anchors: dict[str, Any] = {}
        resolvers = loader.yaml_implicit_resolvers
        # Plain scalars starting with any other character are strings ("" stands for the empty one, typed too); None
        # holds resolvers for every character.
        self.typed_starts = None if None in resolvers else frozenset(resolvers) | {""}
        # A plain scalar's value depends on its text alone, and plans repeat theirs (keys, wave numbers): each distinct
        # text is resolved and constructed once per document. The values are immutable (numbers, booleans, null,
        # dates), so sharing them is safe.
        self.plain_values: dict[str, Any] = {}

    def single_document(self) -> tuple[Any, int] | None:
        """(data, line of the document's first node), or None for an empty stream."""
        loader = self.loader
        loader.get_event()
        if loader.check_event(StreamEndEvent):
            return None
        document = loader.get_event()
        data, line = self._document()
        loader.get_event()
        if not loader.check_event(StreamEndEvent):
            found = loader.get_event()
            raise ComposerError(
                "expected a single document in the stream",
                document.start_mark,
                "but found another document",
                found.start_mark,
            )
        return data, line

    def _document(self) -> tuple[Any, int]:
        # One loop over a plan's ~10^4 events, so the common steps (a string scalar, a key and its line) are written
        # out here rather than in calls of their own.
        loader, locations, anchors, typed_starts = self.loader, self.locations, self.anchors, self.typed_starts
        get_event = loader.get_event
        first_line = loader.peek_event().start_mark.line + 1
        stack: list[_Open] = []
        parent: _Open | None = None
        while True:
            event = get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                done = stack.pop()
                value = _merged(done) if done.merges else done.value
                if done.anchor is not None:
                    anchors[done.anchor] = value
                parent = stack[-1] if stack else None
            else:
                # The location key of this node, for a collection's children.
                if parent is None:
                    place: str | None = ""
                elif parent.mapping:
                    place = None if parent.key is _NO_KEY else parent.key_path
                elif parent.prefix is None:
                    place = None
                else:
                    place = f"{parent.prefix}/{len(parent.value)}"
                    locations[place] = event.start_mark.line + 1
                if kind is ScalarEvent:
                    value = event.value
                    if event.tag is not None or (
                        event.implicit[0] and (typed_starts is None or value[:1] in typed_starts)
                    ):
                        value = self._scalar(event)
                        if value is _MERGE_KEY and (parent is None or not parent.mapping or parent.key is not _NO_KEY):
                            raise ConstructorError(None, None, "`<<` merges mappings only as a key", event.start_mark)
                    if event.anchor is not None:
                        anchors[event.anchor] = value
                elif kind is AliasEvent:
                    value = anchors.get(event.anchor, _NO_KEY)
                    if value is _NO_KEY:
                        raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
                    if value is _BUILDING:
                        # Building it would never end; PyYAML would hand back a structure that contains itself.
                        raise ConstructorError(None, None, "an anchor is used inside itself", event.start_mark)
                else:
                    mapping = kind is MappingStartEvent
                    if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                        raise ConstructorError(None, None, f"tag {event.tag!r} has no use in a plan", event.start_mark)
                    if event.anchor is not None:
                        anchors[event.anchor] = _BUILDING
                    parent = _Open(mapping, place, event.anchor)
                    stack.append(parent)
                    continue
            if parent is None:
                return value, first_line
            if not parent.mapping:
                parent.value.append(value)
            elif parent.key is _NO_KEY:
                if type(value) is not str:
                    _check_hashable(value, event)
                parent.key, parent.key_mark = value, event.start_mark
                if parent.prefix is None or value is _MERGE_KEY:
                    parent.key_path = None
                else:
                    parent.key_path = f"{parent.prefix}/{value}" if parent.prefix else str(value)
                    locations[parent.key_path] = event.start_mark.line + 1
            else:
                if parent.key is _MERGE_KEY:
                    parent.merges.append((value, parent.key_mark))
                else:
                    parent.value[parent.key] = value
                parent.key = _NO_KEY

    def _scalar(self, event: Any) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            if not event.implicit[0] or (self.typed_starts is not None and value[:1] not in self.typed_starts):
                return value
            known = self.plain_values.get(value, _NO_KEY)
            if known is _NO_KEY:
                known = self.plain_values[value] = self._resolved(event)
            return known
        return self._constructed(tag, event)

    def _resolved(self, event: Any) -> Any:
        """A plain scalar's value, as PyYAML's implicit resolvers type it."""
        if _DECIMAL.fullmatch(event.value):
            return int(event.value)
        tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        if tag == _MERGE:
            return _MERGE_KEY
        return self._constructed(tag, event)

    def _constructed(self, tag: str, event: Any) -> Any:
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        if tag in _DIRECT:
            return self.loader.yaml_constructors[tag](self.loader, node)
        return self.loader.construct_object(node, deep=True)


# `<<`: the mappings given as its value are merged into the mapping it is in.
_MERGE_KEY = object()


def _check_hashable(key: Any, event: Any) -> None:
    try:
        hash(key)
    except TypeError:
        raise ConstructorError(None, None, "unhashable key", event.start_mark) from None


def _merged(done: _Open) -> dict[Any, Any]:
    """YAML's merge: keys written in the mapping win over merged ones, and earlier merged mappings over later ones."""
    sources: list[dict[Any, Any]] = []
    for value, mark in done.merges:
        for part in value if isinstance(value, list) else [value]:
            if not isinstance(part, dict):
                raise ConstructorError(None, None, "`<<` merges mappings or lists of mappings", mark)
            sources.append(part)
    out: dict[Any, Any] = {}
    for part in reversed(sources):
        out.update(part)
    out.update(done.value)
    return out


def load_with_lines(text: str, locations: dict[str, int]) -> tuple[Any, int] | None:
    """(data, first line) of a single-document YAML text; fills `locations` with `a/b/0/c -> line`."""
    loader = _Loader(text)
    try:
        return EventBuilder(loader, locations).single_document()
    finally:
        loader.dispose()
