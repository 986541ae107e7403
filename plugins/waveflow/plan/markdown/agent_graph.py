"""Agent dependency graphs in a fence, as scout-and-wave plans write them (`yaml type=impl-dep-graph`):

    Wave 2 (1 agent — command):
        [C] cli/export.py
             Add the `export` command.
             depends on: [A] [B] (both exporters must exist
                         before the command can dispatch to them)

Each `[X]` under a `Wave N` line is an effort of that wave (its files and description follow); `depends on:` names
the agents it waits for, `✓ root` none. The fence is YAML in name only, so it is read line by line.
"""

from __future__ import annotations

import re

from .blocks import Block
from .draft import Draft

_WAVE = re.compile(r"^\s*wave\s+(\d+)\b[^:\n]*:\s*$", re.I)
_AGENT = re.compile(r"^\s*\[([A-Z][A-Z0-9]{0,2})\]\s*(.*)$")
_DEPENDS = re.compile(r"^\s*depends\s+on\s*:?\s*(.*)$", re.I)
_LABEL = re.compile(r"\[([A-Z][A-Z0-9]{0,2})\]")
_ROOT = re.compile(r"^\s*✓?\s*root\b", re.I)


def is_agent_graph(block: Block) -> bool:
    if block.kind != "fence":
        return False
    if "impl-dep-graph" in block.info:
        return True
    if "[" not in block.text:  # no `[A]` line can be in it: most fences are settled without a pass over their lines
        return False
    lines = block.text.split("\n")
    return any(_WAVE.match(t) for t in lines) and sum(1 for t in lines if _AGENT.match(t)) >= 2


def agent_graph_efforts(block: Block) -> list[Draft]:
    out: list[Draft] = []
    wave: int | None = None
    for line, text in block.lines():
        if m := _WAVE.match(text):
            wave = int(m.group(1))
        elif (m := _AGENT.match(text)) and wave is not None:
            d = Draft(line, wave, -1, id=m.group(1), source=text.strip())
            d.at.update(id=line, wave=line)
            out.append(d)
        elif out and (m := _DEPENDS.match(text)):
            out[-1].deps.append((" ".join(_LABEL.findall(m.group(1))) or m.group(1), line))
        elif out and text.strip() and not _ROOT.match(text):
            out[-1].tell(text.strip())
            if _sentence(text):
                # The first sentence under the agent's files says what it does: its name where no heading gives one.
                out[-1].set("name", text.strip().rstrip("."), line)
    return out


def _sentence(text: str) -> bool:
    words = text.split()
    return len(words) >= 3 and not text.strip().startswith(("(", "["))
