"""Mutated, generated and arbitrary markdown plans: only the project's own error type ever comes out."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waveflow.plan.convert import to_reading
from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.validate import validate

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "include/plans/phase10.md", *sorted((ROOT / "tests/fixtures/markdown").glob("*.md"))]
DOCUMENTS = [p.read_text().splitlines(keepends=True) for p in SOURCES]
MARKUP = [*"|#`-*>:~[](){}_\\\t\n0123456789", "→", "<br/>", "```", "---", "Wave 2", "None", "✅", "\x00", "é"]
INSERTS = [
    "### Wave 7: Extra\n",
    "## Wave 0 → Wave 1\n",
    "| Effort | Branch | Lines | Dependencies |\n|---|---|---|---|\n",
    "| 9.9.9 | `x/y` | ~1,000 | Wave 1 complete |\n",
    "```mermaid\ngraph TD\n  A[9.9.9 X] --> B\n```\n",
    "```yaml\nkind: Namespace\nmetadata: {name: [x}\n```\n",
    "**Branches**:\n- Agent 1: a-01-x, b-02-y (depends on all previous)\n",
    "#### Agent A: Someone\n**Efforts**:\n- 1.2.3 - Thing (~10 lines)\n",
    "> X-1 depends on Wave 99 and on 1.1.1.\n",
]


def _read(text: str) -> None:
    """Read, validate and convert; a refusal must be a PlanError naming the file, anything else fails the test."""
    try:
        plan = read_text(text, "fuzz.md")
        problems = validate(plan)
        json.dumps(to_reading(plan))
    except PlanError as exc:
        assert exc.problems
        problems = exc.problems
    assert {p.path for p in problems} <= {"fuzz.md"}


def _edit(lines: list[str], data: st.DataObject) -> None:
    """One markdown-minded edit: lines dropped, repeated, moved, nested, inserted, or a character replaced."""
    i = data.draw(st.integers(0, len(lines) - 1))
    edit = data.draw(st.sampled_from(["drop", "repeat", "move", "nest", "insert", "replace"]))
    if edit == "drop" and len(lines) > 1:
        lines.pop(i)
    elif edit == "repeat":
        lines[i:i] = [lines[i]]
    elif edit == "move":
        lines.insert(data.draw(st.integers(0, len(lines))), lines.pop(i))
    elif edit == "nest":
        lines[i] = data.draw(st.sampled_from(["  ", "    ", "> ", "- ", "1. "])) + lines[i]
    elif edit == "insert":
        lines[i:i] = [data.draw(st.sampled_from(INSERTS))]
    elif lines[i]:
        at = data.draw(st.integers(0, len(lines[i]) - 1))
        lines[i] = lines[i][:at] + data.draw(st.sampled_from(MARKUP)) + lines[i][at + 1 :]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_plans(data):
    lines = list(data.draw(st.sampled_from(DOCUMENTS)))
    for _ in range(data.draw(st.integers(1, 8))):
        _edit(lines, data)
    _read("".join(lines))


_HEADERS = ["Effort", "Task", "Branch", "Lines", "Estimated Lines", "Agent", "Dependencies", "Depends On", "Name",
            "Resource Usage", "Ports", "Wave", "Status", "Blocks"]  # fmt: skip
_CELLS = ["1.1.1", "1.2.1", "2.1.1", "TASK-X-001", "`feat/a-1`", "b-2-c", "~750", "1,400", "550→1,081", "(350L)",
          "None", "-", "Wave 1 complete", "Waves 1-3", "1.1.1 → 1.2.1", "All previous", "Test ns: `n-1`",
          "30000-30099", "Agent 1", "Phase 5", "", "Parser Core", "99999-1", "W1E1"]  # fmt: skip


@st.composite
def generated_plans(draw: st.DrawFn) -> str:
    out = ["# Phase 1: Generated\n"]
    for wave in draw(st.lists(st.integers(0, 4), min_size=1, max_size=4)):
        out.append(f"{draw(st.sampled_from(['##', '###', '####']))} Wave {wave}: W{wave}\n")
        out.append(f"**Duration**: {draw(st.sampled_from(['4-6 hours', '1 day', '9-2 h', 'soon']))}\n\n")
        header = draw(st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=6, unique=True))
        out.append("| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n")
        for _ in range(draw(st.integers(0, 4))):
            cells = draw(st.lists(st.sampled_from(_CELLS), min_size=len(header), max_size=len(header)))
            out.append("| " + " | ".join(cells) + " |\n")
        out.append("\n")
    if draw(st.booleans()):
        edges = draw(st.lists(st.tuples(st.sampled_from(_CELLS), st.sampled_from(_CELLS)), max_size=5))
        out.append("```mermaid\ngraph TD\n" + "".join(f"  N{i}[{a}] --> M{i}[{b}]\n" for i, (a, b) in enumerate(edges)))
        out.append("```\n")
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_plans())
def test_generated_plans(text):
    _read(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text(text):
    _read(text)
