"""Mermaid dependency graphs matched to the efforts the tables define.

A node is an effort when its label carries the effort's id or branch, its node id spells the id (`E10_1_1`), its
label is the effort's name, or, last, its node id gives wave and position (`W2E3`, `W2_3`). A chart where two nodes
land on the same effort is a data-flow picture, not a dependency graph, and is left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .blocks import Block
from .draft import Draft
from .index import Index, Names
from .mermaid import Flowchart, label_lines, parse_flowchart
from .sections import numbered_heading
from .text import DIGITS, leading_id, short_branch

_META = re.compile(
    r"^(?:~?[\d,]+\s*(?:lines?|loc|l)\b|~?[\d,.]+$|deps?\b|dependencies\b|depends\b|no\s+deps|complexity\b|"
    r"wave\s+\d|est\b|size\b|status\b|\(.*\)$)",
    re.I,
)
_POSITIONAL = re.compile(r"^W(?:\d+\.)?(\d+)(?:[._]?E|[._])(\d+)$", re.I)  # `W2E3`, `W2_3`
_BRANCH_LIKE = re.compile(r"[a-z0-9][\w./-]*")


@dataclass
class Node:
    draft: Draft
    label_id: str | None
    label_name: str | None


@dataclass
class Chart:
    chart: Flowchart
    nodes: dict[str, Node] = field(default_factory=dict)

    def remap(self, merged: dict[int, Draft]) -> None:
        for node in self.nodes.values():
            node.draft = merged.get(id(node.draft), node.draft)


def flowcharts(blocks: list[Block]) -> list[Flowchart]:
    out = []
    for block in blocks:
        if block.kind == "fence" and block.info.startswith("mermaid"):
            chart = parse_flowchart(block.text, block.line + 1)
            if chart is not None:
                out.append(chart)
    return out


def match_charts(charts: list[Flowchart], drafts: list[Draft]) -> list[Chart]:
    """Each chart's nodes matched to efforts; charts that are not dependency graphs are dropped."""
    labels: dict[str, str] = {}
    for chart in charts:
        for node, label in chart.labels.items():
            labels.setdefault(node, label)
    out = []
    for chart in charts:
        matched = _match(chart, labels, drafts)
        claims = Counter(id(n.draft) for n in matched.values())
        if len(matched) >= 2 and max(claims.values()) == 1:
            out.append(Chart(chart, matched))
    return out


def label_parts(label: str) -> tuple[str | None, str | None, list[str]]:
    """(id, name, all lines) of a label such as `5.1.1: SyncTarget API<br/>600 lines`."""
    lines = label_lines(label)
    ident = None
    name = None
    for line in lines:
        lead, rest = leading_id(line)
        if lead and ident is None:
            ident = lead
            if rest and not _META.match(rest):
                name = name or rest
        elif not _META.match(line) and name is None and not _BRANCH_LIKE.fullmatch(line):
            name = line
    return ident, name, lines


def _match(chart: Flowchart, labels: dict[str, str], drafts: list[Draft]) -> dict[str, Node]:
    found: dict[str, Node] = {}
    parts = {n: label_parts(chart.labels.get(n) or labels.get(n, "")) for n in chart.order}
    refs = _References(drafts)
    # Outright references first (label id or branch, node id spelling the id), then names, then positions.
    for node in chart.order:
        ident, name, lines = parts[node]
        ref = refs.find(node, ident, lines)
        if ref is not None:
            found[node] = Node(ref, ident, name)
    unmatched = [n for n in chart.order if n not in found and parts[n][1]]
    names = Names()
    for draft in drafts if unmatched else []:
        names.add(draft, draft.name)
        names.add(draft, short_branch(draft.branch) if draft.branch else None)
    claimed = {id(n.draft) for n in found.values()}
    for node in unmatched:
        ident, name, _ = parts[node]
        if name:
            # `CLI[Agent CLI]` beside `A13[AGENT-013 CLI Tool]`: an effort its id names is not another node's too
            hits = [d for d in names.find(name, either_way=True) if id(d) not in claimed]
            if len(hits) == 1:
                found[node] = Node(hits[0], ident, name)
                claimed.add(id(hits[0]))
    by_wave: dict[int, list[Draft]] = {}
    for d in drafts:
        by_wave.setdefault(d.wave, []).append(d)
    for node in [n for n in chart.order if n not in found]:
        m = _POSITIONAL.match(node)
        # `W2.1[Wave 2.1: Command Structure]`: a node that names a wave stands for the wave, not its first effort.
        if not m or any(numbered_heading(line) for line in parts[node][2]):
            continue
        wave = by_wave.get(int(m.group(1)), [])
        position = int(m.group(2)) - 1
        if 0 <= position < len(wave) and id(wave[position]) not in claimed:
            ident, name, _ = parts[node]
            found[node] = Node(wave[position], ident, name)
            claimed.add(id(wave[position]))
    return found


class _References:
    """Efforts by id, by branch, by an agent of one effort, and by the digits of their id (`10.1.1` for node
    `E10_1_1`)."""

    def __init__(self, drafts: list[Draft]):
        self.ids: dict[str, Draft] = {}
        self.branches: dict[str, Draft] = {}
        self.digits: dict[str, list[Draft]] = {}
        # `C[agent-contracts]`: a node may name the agent of an effort that is the agent's only one
        agents: dict[str, list[Draft]] = {}
        for d in drafts:
            if d.agent:
                agents.setdefault(d.agent, []).append(d)
        self.agents = {name: same[0] for name, same in agents.items() if len(same) == 1}
        for d in drafts:
            if d.id:
                self.ids.setdefault(d.id.lower(), d)
                self.digits.setdefault(".".join(DIGITS.findall(d.id)), []).append(d)
            if d.branch:
                self.branches.setdefault(d.branch, d)
                self.branches.setdefault(short_branch(d.branch), d)

    def find(self, node: str, ident: str | None, lines: list[str]) -> Draft | None:
        if ident and ident.lower() in self.ids:
            return self.ids[ident.lower()]
        for line in lines:
            if line in self.branches:
                return self.branches[line]
            if line in self.agents:
                return self.agents[line]
        spelled = self.digits.get(".".join(DIGITS.findall(node)), [])
        return spelled[0] if len(spelled) == 1 else None


def learn_labels(charts: list[Chart]) -> None:
    """Labels give efforts the ids and names their tables lack (`5.1.1: SyncTarget API` for a row with no id)."""
    for chart in charts:
        for n in chart.nodes.values():
            n.draft.set("id", n.label_id, n.draft.line)
            n.draft.set("name", n.label_name, n.draft.line)


def learn_aliases(charts: list[Chart], index: Index) -> None:
    """Node ids and labels become names the document may use for the effort (`W6E1`, `VW Core`)."""
    for chart in charts:
        for node, n in chart.nodes.items():
            index.alias(node, n.draft)
            if n.label_name:
                index.add_name(n.label_name, n.draft)
