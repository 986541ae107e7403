"""Plans drawn as a mermaid chart whose groups are the waves: a flowchart's subgraphs, with its nodes as the efforts,

    subgraph Wave1["Wave 1 (parallel)"]
        T001["TASK-001 Schema change"]
    end
    subgraph Wave2["Wave 2"]
        T003["TASK-003 List API"]
    end
    T001 --> T003

or a gantt chart's sections, with its tasks as the efforts and `after` as their dependencies:

    section Phase 2
    WP5 NIM backend      :b1, after a3, 45m

A node or task is an effort when its label opens with an id or a short label (`C1: ...`, `WP5 ...`); a flowchart's
edges are read as any graph's are.
"""

from __future__ import annotations

import re

from .blocks import Block
from .draft import Draft
from .gantt import GanttSection, parse_gantt
from .graph import label_parts
from .mermaid import Flowchart, parse_flowchart
from .sections import Section, titled_wave
from .text import KEBAB_KEY, leading_id

# `C1: arrange input columnar`, `WP6b opencode-bridge`: a short label opens a label as an id does
_LABELLED = re.compile(r"^([A-Z]{1,4}\d{1,3}[a-z]?)\s*[:—–]?\s+(\S.*)$")
# `T1[1 Contribute families]`: the document's own number for the node's work
_NUMBERED = re.compile(r"^(\d{1,3})\.?\s+(\S.*)$")
# `subgraph Wave1`, `subgraph wave_2`: a subgraph's id as its title, the number glued to the word
_GLUED = re.compile(r"^([A-Za-z]+)[_-]?(\d+)$")
# `Worker 1A: `, `Integrator: `: who does a node's work, before what it is
_ROLE = re.compile(r"^[A-Za-z]+(?:\s+\w{1,3})?:\s+(?=\S)")
Waves = tuple[list[Section], list[Draft]]


def chart_waves(blocks: list[Block]) -> Waves | None:
    """(a section per wave group, the efforts drawn in them) of the first chart with two numbered wave groups, or
    None."""
    for block in blocks:
        if block.kind != "fence" or not block.info.startswith("mermaid"):
            continue
        chart = parse_flowchart(block.text, block.line + 1)
        gantt = parse_gantt(block.text, block.line + 1) if chart is None else None
        found = _flowchart_waves(chart, block.line) if chart else _gantt_waves(gantt, block.line) if gantt else None
        if found and len({d.wave for d in found[1]}) >= 2:
            return found
    return None


def _flowchart_waves(chart: Flowchart, at: int) -> Waves:
    waves = {
        i: found for i, (title, _) in enumerate(chart.subgraphs) if (found := titled_wave(_GLUED.sub(r"\1 \2", title)))
    }
    out = _Waves(at)
    for node in chart.order:
        where = chart.inside.get(node)
        ident, name, lines = label_parts(chart.labels.get(node, ""))
        if ident is None and lines and (short := _LABELLED.match(lines[0]) or _NUMBERED.match(lines[0])):
            ident, name = short.group(1), short.group(2)
        elif ident is None and len(lines) == 1 and KEBAB_KEY.match(lines[0]):
            ident, name = lines[0], None  # `F001["001-stateful-runtime"]`: the key the document knows it by
        if where in waves and ident is None:
            # `W1A[Worker 1A: Tracking]`: drawn in a wave with no id of its own, it goes by its node's; its role
            # before the colon says who does it, the rest what
            ident, name = node, _ROLE.sub("", name or "") or name
        if where in waves:
            title, line = chart.subgraphs[where]
            d = out.effort(where, waves[where], title, line, chart.lines[node], chart.labels.get(node, ""))
            d.set("id", ident, d.line)
            d.set("name", name, d.line)
    return out.sections, out.drafts


def _gantt_waves(sections: list[GanttSection], at: int) -> Waves:
    out = _Waves(at)
    ids: dict[str, str] = {}  # task alias -> effort id
    placed: list[tuple[Draft, list[str]]] = []
    for i, section in enumerate(sections):
        wave = titled_wave(section.title)
        for task in section.tasks if wave else []:
            ident, name = leading_id(task.name)
            if ident is None and (short := _LABELLED.match(task.name)):
                ident, name = short.group(1), short.group(2)
            if ident is None:
                continue
            d = out.effort(i, wave or (0, ""), section.title, section.line, task.line, task.name)
            d.set("id", ident, task.line)
            d.set("name", name or None, task.line)
            if task.alias:
                ids[task.alias] = ident
            placed.append((d, task.after))
    for d, after in placed:
        named = [ids[a] for a in after if a in ids]
        if named:
            d.deps.append((", ".join(named), d.line))
    return out.sections, out.drafts


class _Waves:
    """The sections and efforts read from one chart, a section made for each group as its first effort is met."""

    def __init__(self, at: int):
        self.at = at
        self.sections: list[Section] = []
        self.drafts: list[Draft] = []
        self.index: dict[int, int] = {}  # group -> its section

    def effort(self, group: int, wave: tuple[int, str], title: str, title_line: int, line: int, text: str) -> Draft:
        if group not in self.index:
            self.index[group] = len(self.sections)
            self.sections.append(Section(wave[0], wave[1], title_line, 7, heading=title))
        d = Draft(line, wave[0], self.index[group], source=text)
        d.origin = f"chart:{self.at}"
        self.drafts.append(d)
        return d
