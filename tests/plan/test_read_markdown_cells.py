"""What people write in one cell: line counts and dependency notations, read through a small plan."""

from __future__ import annotations

import pytest

from waveflow.plan.load import read_text

TEMPLATE = """# Phase 2: Cells

```mermaid
graph TD
    A[2.1.1 Parser Core] --> D
    B[2.1.2 Token Stream]
    C[2.1.3 Error Reporting]
    D[2.2.1 Checker]
```

## Wave 1: Base

| Effort | Branch | Lines | Dependencies |
|--------|--------|-------|--------------|
| 2.1.1 | `f/p2w1-parser` | 100 | None |
| 2.1.2 | `f/p2w1-tokens` | 100 | - |
| 2.1.3 | `f/p2w1-errors` | 100 | N/A |

## Wave 2: Top

| Effort | Branch | Lines | Dependencies |
|--------|--------|-------|--------------|
| 2.2.1 | `f/p2w2-checker` | {lines} | {deps} |
| 2.2.2 | `f/p2w2-linter` | 100 | None |
"""


def _read(lines: str = "100", deps: str = "None"):
    return read_text(TEMPLATE.format(lines=lines, deps=deps), "cells.md")


@pytest.mark.parametrize(
    ("cell", "count"),
    [("700", 700), ("~750", 750), ("1,400", 1400), ("550→1,081", 550), ("(350L)", 350), ("TBD", None)],
)
def test_line_counts(cell, count):
    assert _read(lines=cell).effort("2.2.1").lines == count


@pytest.mark.parametrize(
    ("cell", "deps"),
    [
        ("None", []),
        ("-", []),
        ("2.1.2", ["2.1.2"]),
        ("2.1.2, 2.1.3", ["2.1.2", "2.1.3"]),
        ("2.1.2 → 2.1.3", ["2.1.2", "2.1.3"]),
        ("2.1.1-3", ["2.1.1", "2.1.2", "2.1.3"]),
        ("Wave 1 complete", ["2.1.1", "2.1.2", "2.1.3"]),
        ("Wave 1 (2.1.2) only", ["2.1.2"]),
        ("Token Stream", ["2.1.2"]),  # a name, resolved through the graph's labels
        ("`f/p2w1-errors`", ["2.1.3"]),  # a branch
        ("p2w1-errors", ["2.1.3"]),  # its short form
        ("Error Reporting and Token Stream", ["2.1.3", "2.1.2"]),
        ("Phase 1 APIs", []),  # another phase's work is outside the plan
        ("2.2.2", ["2.2.2"]),  # same wave: allowed
    ],
)
def test_dependency_notations(cell, deps):
    plan = _read(deps=cell)
    # The graph's edge A --> D always adds 2.1.1.
    assert sorted(plan.effort("2.2.1").depends_on) == sorted({*deps, "2.1.1"})


def test_an_unknown_id_of_this_plan_is_kept_for_the_validator_and_an_unknown_name_is_a_warning():
    assert "2.1.9" in _read(deps="2.1.9").effort("2.2.1").depends_on
    plan = _read(deps="Frobnicator")
    assert plan.effort("2.2.1").depends_on == ["2.1.1"]
    assert any("'Frobnicator' names no effort" in m for _, m in plan.source.warnings)


def test_an_effort_column_of_sizes_holds_no_ids():
    # `| Effort |` means the work in most plans, but a column of `small`/`medium` sizes it: the rows are still
    # efforts, known by their branches
    plan = read_text(
        "# Sizes\n\n## Wave 1\n\n| Workstream | Branch | Effort |\n|---|---|---|\n"
        "| Retry writes | `fix/retry-writes` | small |\n| Trim payloads | `fix/trim-payloads` | small |\n"
        "| Decompiler fallback | `fix/decompiler` | medium (no rebuild) |\n",
        "sizes.md",
    )
    assert [e.branch for e in plan.efforts] == ["fix/retry-writes", "fix/trim-payloads", "fix/decompiler"]
    assert [e.name for e in plan.efforts] == ["Retry writes", "Trim payloads", "Decompiler fallback"]
