"""Plans drawn as a mermaid graph whose subgraphs are the waves, the efforts the nodes inside them:

    subgraph Wave1["Wave 1 (parallel)"]
        T001["TASK-001 Schema change"]
    end
    subgraph Wave2["Wave 2"]
        T003["TASK-003 List API"]
    end
    T001 --> T003

A node is an effort when its label opens with an id or a short label and a colon (`C1: ...`); the graph's edges
are read as any graph's are.
"""

from __future__ import annotations

import re

from .blocks import Block
from .draft import Draft
from .graph import label_parts
from .mermaid import parse_flowchart
from .sections import Section, titled_wave

# `C1: arrange input columnar`: a short label and a colon open a label as an id does
_LABELLED = re.compile(r"^([A-Z]{1,4}\d{1,3}[a-z]?)\s*[:—–]\s+(\S.*)$")


def chart_waves(blocks: list[Block]) -> tuple[list[Section], list[Draft]] | None:
    """(a section per wave subgraph, the efforts drawn in them) of the first graph with two numbered wave
    subgraphs, or None."""
    for block in blocks:
        if block.kind != "fence" or not block.info.startswith("mermaid"):
            continue
        chart = parse_flowchart(block.text, block.line + 1)
        if chart is None:
            continue
        waves = {i: found for i, (title, _) in enumerate(chart.subgraphs) if (found := titled_wave(title))}
        if len({number for number, _ in waves.values()}) < 2:
            continue
        sections: list[Section] = []
        at: dict[int, int] = {}  # subgraph -> its section
        drafts: list[Draft] = []
        for node in chart.order:
            where = chart.inside.get(node)
            ident, name, lines = label_parts(chart.labels.get(node, ""))
            if ident is None and lines and (short := _LABELLED.match(lines[0])):
                ident, name = short.group(1), short.group(2)
            if where not in waves or ident is None:
                continue
            if where not in at:
                title, line = chart.subgraphs[where]
                at[where] = len(sections)
                sections.append(Section(waves[where][0], waves[where][1], line, 7, heading=title))
            line = chart.lines[node]
            d = Draft(line, sections[at[where]].number, at[where], source=chart.labels.get(node, ""))
            d.set("id", ident, line)
            d.set("name", name, line)
            d.origin = f"chart:{block.line}"
            drafts.append(d)
        if len({d.wave for d in drafts}) >= 2:
            return sections, drafts
    return None
