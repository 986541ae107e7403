"""A YAML plan as plain data, with the line of every key and sequence item, from PyYAML's node tree (each node has
its mark and its resolved tag). One walk records the lines and builds the data: strings and decimals as they are,
every other typed scalar by PyYAML's safe constructor, merge keys by its `flatten_mapping`.

What a plan has no use for is refused with its line: a tag on a collection (`!!set`, `!!omap`), `<<` anywhere but as
a key, an anchor used inside itself. A key written twice in one mapping is refused with both lines (PyYAML keeps the
last silently), every one of them at once. An alias has its anchor's lines: the node tree holds the anchored node
itself where each alias is.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PREFIX = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE, _STR, _INT = (_PREFIX + t for t in ("map", "seq", "merge", "str", "int"))


class DuplicateKeys(yaml.YAMLError):
    """Keys written twice in one mapping: (key, line of the first, line of the repeat) each."""

    def __init__(self, repeats: list[tuple[Any, int, int]]):
        self.repeats = repeats
        super().__init__(f"{len(repeats)} duplicate keys")


def load_with_lines(text: str, locations: dict[str, int]) -> tuple[Any, int] | None:
    """(data, line of its first node) of a single-document YAML text, or None for an empty one; fills `locations`
    with `a/b/0/c -> line`."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        lines = _Lines(loader, locations)
        data = lines.build(root, "")
        if lines.repeats:
            raise DuplicateKeys(lines.repeats)
        return data, root.start_mark.line + 1
    finally:
        loader.dispose()


class _Lines:
    def __init__(self, loader: Any, locations: dict[str, int]) -> None:
        self.loader, self.locations = loader, locations
        # An aliased node is built once, where its anchor is, and is the same object wherever an alias names it: a
        # plan of aliases of aliases stays linear.
        self.built: dict[int, Any] = {}
        self.open: set[int] = set()
        self.repeats: list[tuple[Any, int, int]] = []

    def build(self, node: Node, path: str | None) -> Any:
        """`path` is the node's location key; None inside a complex key or a merged mapping (no place of its own)."""
        key = id(node)
        if key in self.open:
            raise ConstructorError(None, None, "an anchor is used inside itself", node.start_mark)
        if key in self.built:
            return self.built[key]
        if isinstance(node, ScalarNode):
            value = self._scalar(node)
        else:
            self.open.add(key)
            if isinstance(node, MappingNode):
                value = self._mapping(node, path)
            else:
                assert isinstance(node, SequenceNode)
                value = self._sequence(node, path)
            self.open.discard(key)
        self.built[key] = value
        return value

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        if node.tag == _INT and node.value.isdigit() and (node.value == "0" or node.value[0] != "0"):
            return int(node.value)
        if node.tag == _MERGE:
            raise ConstructorError(None, None, "`<<` merges mappings only as a key", node.start_mark)
        return self.loader.construct_object(node, deep=True)

    def _sequence(self, node: SequenceNode, path: str | None) -> list[Any]:
        self._check_tag(node, _SEQ)
        items = []
        for i, item in enumerate(node.value):
            place = None if path is None else f"{path}/{i}" if path else str(i)
            if place is not None:
                self.locations[place] = item.start_mark.line + 1
            items.append(self.build(item, place))
        return items

    def _mapping(self, node: MappingNode, path: str | None) -> dict[Any, Any]:
        self._check_tag(node, _MAP)
        own = {id(k) for k, _ in node.value}
        # PyYAML's own merge: `<<` pairs become the merged mappings' pairs, written keys winning.
        self.loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        written: dict[Any, int] = {}  # the mapping's own keys (not merged ones, which its own may override)
        for key_node, value_node in node.value:
            place = None
            key = self.build(key_node, None)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                ) from None
            if id(key_node) in own:
                line = key_node.start_mark.line + 1
                if key in written:
                    self.repeats.append((key, written[key], line))
                    continue  # the first stays: its value and its line are what the messages about it use
                written[key] = line
                if path is not None and isinstance(key_node, ScalarNode):
                    place = f"{path}/{key_node.value}" if path else key_node.value
                    self.locations[place] = line
            out[key] = self.build(value_node, place)
        return out

    @staticmethod
    def _check_tag(node: Node, plain: str) -> None:
        if node.tag not in (plain, "!"):
            raise ConstructorError(None, None, f"tag {node.tag!r} has no use in a plan", node.start_mark)
