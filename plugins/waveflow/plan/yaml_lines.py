"""A YAML plan as plain data, with the line of every key and sequence item: PyYAML composes the node tree (each node
has its mark), we record the lines, PyYAML's safe constructor builds the data.

What a plan has no use for is refused with its line: a tag on a collection (`!!set`, `!!omap`), `<<` anywhere but as
a key, an anchor used inside itself. An alias has its anchor's lines: the node tree holds the anchored node itself
where each alias is.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PREFIX = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE = (_PREFIX + t for t in ("map", "seq", "merge"))


def load_with_lines(text: str, locations: dict[str, int]) -> tuple[Any, int] | None:
    """(data, line of its first node) of a single-document YAML text, or None for an empty one; fills `locations`
    with `a/b/0/c -> line`."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _Lines(locations).record(root, "")
        return loader.construct_document(root), root.start_mark.line + 1
    finally:
        loader.dispose()


class _Lines:
    def __init__(self, locations: dict[str, int]) -> None:
        self.locations = locations
        # An aliased node is recorded where its anchor is, once: a plan of aliases of aliases stays linear.
        self.done: set[int] = set()
        self.open: set[int] = set()

    def record(self, node: Node, path: str | None) -> None:
        """`path` is the node's location key; None inside a complex key or a merged mapping (no place of its own)."""
        if id(node) in self.open:
            raise ConstructorError(None, None, "an anchor is used inside itself", node.start_mark)
        if id(node) in self.done:
            return
        self.done.add(id(node))
        if isinstance(node, ScalarNode):
            if node.tag == _MERGE:
                raise ConstructorError(None, None, "`<<` merges mappings only as a key", node.start_mark)
            return
        if node.tag not in (_MAP if isinstance(node, MappingNode) else _SEQ, "!"):
            raise ConstructorError(None, None, f"tag {node.tag!r} has no use in a plan", node.start_mark)
        self.open.add(id(node))
        if isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                place = None if path is None else f"{path}/{i}" if path else str(i)
                if place is not None:
                    self.locations[place] = item.start_mark.line + 1
                self.record(item, place)
        else:
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.tag == _MERGE:
                    self.record(value, None)
                    continue
                place = None
                if path is not None and isinstance(key, ScalarNode):
                    place = f"{path}/{key.value}" if path else key.value
                    self.locations[place] = key.start_mark.line + 1
                else:
                    self.record(key, None)
                self.record(value, place)
        self.open.discard(id(node))
