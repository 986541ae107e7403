"""Plain data and each key's line, built in one pass over libyaml's event stream.

Building PyYAML's node tree first and then walking it cost twice the parse itself on a 1,000-effort plan; events carry
the same marks. What PyYAML would resolve differently is left to PyYAML: tagged and typed scalars go through its
resolver and constructors, and anything a plan has no use for (`!!set`, custom tags on collections) is an error.
"""

from __future__ import annotations

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
_BUILDING = object()
_NO_KEY = object()


class _Open:
    """A mapping or sequence whose end event has not come yet."""

    __slots__ = ("anchor", "key", "key_mark", "mapping", "merges", "prefix", "value")

    def __init__(self, mapping: bool, prefix: str | None, anchor: str | None) -> None:
        self.mapping = mapping
        self.value: Any = {} if mapping else []
        # None inside a complex key: its parts have no location of their own.
        self.prefix = prefix
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        self.merges: list[tuple[Any, Any]] = []


class EventBuilder:
    def __init__(self, loader: Any, locations: dict[str, int]) -> None:
        self.loader = loader
        self.locations = locations
        self.anchors: dict[str, Any] = {}
        resolvers = loader.yaml_implicit_resolvers
        # Plain scalars starting with any other character are strings; None holds resolvers for every character.
        self.resolved_starts = None if None in resolvers else frozenset(resolvers)

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
        loader, locations = self.loader, self.locations
        stack: list[_Open] = []
        first_line = 0
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                done = stack.pop()
                value = _merged(done) if done.merges else done.value
                if done.anchor is not None:
                    self.anchors[done.anchor] = value
            else:
                if not first_line:
                    first_line = event.start_mark.line + 1
                parent = stack[-1] if stack else None
                if parent is None:
                    prefix: str | None = ""
                elif parent.mapping:
                    keyed = parent.key is not _NO_KEY and parent.key is not _MERGE_KEY
                    prefix = _join(parent.prefix, parent.key) if keyed and parent.prefix is not None else None
                elif parent.prefix is None:
                    prefix = None
                else:
                    prefix = f"{parent.prefix}/{len(parent.value)}"
                    locations[prefix] = event.start_mark.line + 1
                if kind is ScalarEvent:
                    value = self._scalar(event)
                    if value is _MERGE_KEY and (parent is None or not parent.mapping or parent.key is not _NO_KEY):
                        raise ConstructorError(None, None, "`<<` merges mappings only as a key", event.start_mark)
                    if event.anchor is not None:
                        self.anchors[event.anchor] = value
                elif kind is AliasEvent:
                    value = self.anchors.get(event.anchor, _NO_KEY)
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
                        self.anchors[event.anchor] = _BUILDING
                    stack.append(_Open(mapping, prefix, event.anchor))
                    continue
            if not stack:
                return value, first_line
            self._attach(stack[-1], value, event)

    def _attach(self, parent: _Open, value: Any, event: Any) -> None:
        if not parent.mapping:
            parent.value.append(value)
            return
        if parent.key is _NO_KEY:
            try:
                hash(value)
            except TypeError:
                raise ConstructorError(None, None, "unhashable key", event.start_mark) from None
            parent.key, parent.key_mark = value, event.start_mark
            if parent.prefix is not None and value is not _MERGE_KEY:
                self.locations[_join(parent.prefix, value)] = event.start_mark.line + 1
            return
        if parent.key is _MERGE_KEY:
            parent.merges.append((value, parent.key_mark))
        else:
            parent.value[parent.key] = value
        parent.key = _NO_KEY

    def _scalar(self, event: Any) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            plain = event.implicit[0]
            if not plain or (self.resolved_starts is not None and value and value[0] not in self.resolved_starts):
                return value
            tag = self.loader.resolve(ScalarNode, value, event.implicit)
            if tag == _STR:
                return value
            if tag == _MERGE:
                return _MERGE_KEY
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        if tag in _DIRECT:
            return self.loader.yaml_constructors[tag](self.loader, node)
        return self.loader.construct_object(node, deep=True)


# `<<`: the mappings given as its value are merged into the mapping it is in.
_MERGE_KEY = object()


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}/{key}" if prefix else str(key)


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
