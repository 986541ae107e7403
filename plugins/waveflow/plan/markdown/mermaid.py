"""Mermaid flowcharts: node labels and edges, with the noise (styles, classes, subgraphs, edge labels) dropped."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

# A node reference with an optional shape-delimited label: A, A[x], A(x), A{x}, A[(x)], A(["x"]), A[/x/] ...
_NODE = re.compile(
    r"([A-Za-z0-9_][\w.]*)\s*(\[\[.*?\]\]|\[\(.*?\)\]|\(\[.*?\]\)|\(\(.*?\)\)|\[.*?\]|\(.*?\)|\{\{.*?\}\}|\{.*?\}|>.*?\])?"
)
_EDGE = re.compile(r"<?(?:-{2,}|-\.+-|={2,}|~{3})[>ox]?\s*(?:\|[^|]*\|)?")
_TEXT_EDGE = re.compile(r"--\s+[^->|]+?\s+-->")
_SKIP = re.compile(r"^\s*(?:%%|style\b|classDef\b|class\b|linkStyle\b|click\b|direction\b|accTitle\b|accDescr\b)")
# `subgraph Wave1["Wave 1 (parallel)"]`, `subgraph "PHASE 1: Ready"`, `subgraph W2 [Wave 2]`, `subgraph Wave 3`
_SUBGRAPH = re.compile(r"^\s*subgraph\b\s*(?:([\w.-]+)\s*)?(?:\[\s*\"?([^\]\"]*)\"?\s*\]|\"([^\"]*)\")?")
_END = re.compile(r"^\s*end\s*$")
_HEADER = re.compile(r"^\s*(?:graph|flowchart)\b", re.I)
_BREAK = re.compile(r"<br\s*/?>|\\n", re.I)


@dataclass
class Flowchart:
    labels: dict[str, str] = field(default_factory=dict)  # node id -> label text
    edges: list[tuple[str, str, int]] = field(default_factory=list)  # (from, to, line)
    order: dict[str, None] = field(default_factory=dict)  # node ids as first seen (an ordered set)
    lines: dict[str, int] = field(default_factory=dict)  # node id -> line it is first seen on
    subgraphs: list[tuple[str, int]] = field(default_factory=list)  # (title, line) of each subgraph
    inside: dict[str, int] = field(default_factory=dict)  # node id -> the subgraph it is first seen in


def label_lines(label: str) -> list[str]:
    """A label's lines: `E2E Test Framework<br/>700 lines` -> [`E2E Test Framework`, `700 lines`]."""
    return [line for part in _BREAK.split(label) if (line := part.strip(" \"'"))]


def parse_flowchart(code: str, first_line: int) -> Flowchart | None:
    """A `graph`/`flowchart` block; `first_line` is the document line of the block's first code line."""
    lines = code.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.strip().startswith("%%")), None)
    if start is None or not _HEADER.match(lines[start]):
        return None
    chart = Flowchart()
    within: list[int] = []  # the subgraphs open at this line, innermost last
    for offset in range(start + 1, len(lines)):
        line = lines[offset]
        if _SKIP.match(line) or not line.strip():
            continue
        if sub := _SUBGRAPH.match(line):
            title = (sub.group(2) or sub.group(3) or line.split("subgraph", 1)[1]).strip().strip("\"'")
            chart.subgraphs.append((title, first_line + offset))
            if sub.group(1) and (sub.group(2) or sub.group(3)):
                chart.labels.setdefault(sub.group(1), title)  # `Wave1 ==> Wave2` names the subgraphs
            within.append(len(chart.subgraphs) - 1)
            continue
        if _END.match(line):
            if within:
                within.pop()
            continue
        seen = len(chart.order)
        for statement in line.split(";"):
            groups = _scan(_TEXT_EDGE.sub("-->", statement.split("%%")[0]).strip(), chart)
            for left, right in itertools.pairwise(groups):
                chart.edges += [(a, b, first_line + offset) for a in left for b in right]
        for node in list(chart.order)[seen:]:
            chart.lines[node] = first_line + offset
            if within:
                chart.inside[node] = within[-1]
    return chart


def _label(raw: str | None) -> str:
    if not raw:
        return ""
    inner = raw[1:-1]
    if len(inner) >= 2 and inner[0] in "[({/\\" and inner[-1] in "])}/\\":
        inner = inner[1:-1]
    return inner.strip().strip("\"'").strip()


def _scan(line: str, chart: Flowchart) -> list[list[str]]:
    """Nodes grouped between edges: `A & B --> C` is [[A, B], [C]]."""
    groups: list[list[str]] = [[]]
    pos = 0
    while pos < len(line):
        while pos < len(line) and line[pos].isspace():
            pos += 1
        edge = _EDGE.match(line, pos)
        if edge and edge.end() > pos:
            groups.append([])
            pos = edge.end()
            continue
        if line.startswith("&", pos):
            pos += 1
            continue
        node = _NODE.match(line, pos)
        if not node or node.end() == pos:
            break
        name, raw = node.group(1), node.group(2)
        if raw and name not in chart.labels:
            chart.labels[name] = _label(raw)
        chart.order.setdefault(name)
        groups[-1].append(name)
        pos = node.end()
        if line.startswith(":::", pos):  # a class shorthand: `A:::done`
            cls = _NODE.match(line, pos + 3)
            pos = cls.end() if cls else len(line)
    return [g for g in groups if g]
