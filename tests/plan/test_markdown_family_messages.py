"""What the reader says where a plan of the family is refused or reads oddly: what it found, where, and the fix."""

from __future__ import annotations

import pytest

from waveflow.plan.errors import NotAWavePlan
from waveflow.plan.load import read_text

_TWO_LANES = """# Lanes

## Wave 1

- **L1** VPC — `infra/l1-vpc`
- **L2** IAM — `infra/l2-iam`

## Wave 2

- **L3** Node pools — `infra/l3-pools`

## Order

- L1, L2 → L3
- Critical path only: L1 → L3
"""


def _refusal(text: str) -> tuple[int | None, str]:
    """(line, message) of the one problem a document is refused with."""
    with pytest.raises(NotAWavePlan) as exc:
        read_text(text, "doc.md")
    (problem,) = exc.value.problems
    return problem.line, problem.message


def test_arrow_lines_of_efforts_are_dependencies_and_other_arrow_lines_are_warned_about():
    plan = read_text(_TWO_LANES, "lanes.md")
    assert plan.effort("L3").depends_on == ["L1", "L2"]
    warnings = [(key, message) for key, message in plan.source.warnings if "arrows" in message]
    assert warnings == [
        (
            "line:15",
            "line 15 (Critical path only: L1 → L3) names efforts beside other words around its arrows; no dependency "
            "read from it (an arrow line reads as dependencies when each side is only efforts: `A, B → C`)",
        )
    ]


def test_a_document_without_waves_is_refused_with_what_was_found_and_the_nearest_fix():
    text = "# Roadmap\n\n## Sprint 4\n\n| Branch | Owner |\n|---|---|\n| `web/cart` | ali |\n"
    assert _refusal(text)[1] == (
        "not a wave plan: no `Wave N` sections (nor two or more numbered Stage, Sprint, Batch, Iteration, Round, "
        "Milestone, Phase, Week, Day or Group headings) and no effort table with a Wave column; found an effort table at line "
        "5 without "
        "a Wave column and a single numbered heading, `Sprint 4` at line 3; to read it as a plan, put its efforts "
        "under `## Wave 1`, `## Wave 2`... headings or give its effort table a Wave column (waves are also read from "
        "lines such as `Wave 1: A-1, A-2`, a `| Wave | Tasks |` table, a mermaid graph's `Wave N` subgraphs or gantt "
        "sections, or a `wave: N` field under each effort)"
    )


def test_two_sprints_are_two_waves_and_a_dependency_on_a_sprint_is_on_its_efforts():
    text = (
        "# Plan\n\n## Sprint 1\n\n| Task | Branch |\n|---|---|\n| A-1 Model | `x/a-1` |\n| A-2 Store | `x/a-2` |\n\n"
        "## Sprint 2\n\n| Task | Branch | After |\n|---|---|---|\n| A-3 Api | `x/a-3` | Sprint 1 |\n"
    )
    plan = read_text(text, "sprints.md")
    assert [(e.id, e.wave) for e in plan.efforts] == [("A-1", 1), ("A-2", 1), ("A-3", 2)]
    assert plan.effort("A-3").depends_on == ["A-1", "A-2"]


def test_a_plan_numbering_two_kinds_of_headings_says_which_it_read_as_the_waves():
    text = (
        "# Plan\n\n## Sprint 1\n\n### Stage 1\n\n| Task | Branch |\n|---|---|\n| A-1 Model | `x/a-1` |\n\n"
        "## Sprint 2\n\n### Stage 2\n\n| Task | Branch |\n|---|---|\n| A-2 Api | `x/a-2` |\n"
    )
    plan = read_text(text, "sprints.md")
    assert [(e.id, e.wave) for e in plan.efforts] == [("A-1", 1), ("A-2", 2)]
    assert (
        "line:5",
        "`Stage 1` (line 5) and the other stage headings could be the waves too; the sprint headings "
        "(line 3) are read as the waves",
    ) in plan.source.warnings


def test_numbered_stages_of_which_one_lists_efforts_are_steps_not_waves():
    text = (
        "# Guide\n\n## Stage 1: Branches\n\n- `feature/abc-1-x`\n- `fix/abc-2-y`\n\n"
        "## Stage 2: Releases\n\nCut a release branch monthly.\n"
    )
    assert _refusal(text) == (
        3,
        "not a wave plan: of its 2 `Stage N` sections only `Stage 1: Branches` at line 3 lists efforts, so they read "
        "as steps, not waves; to read it as a plan, head its waves `## Wave 1`, `## Wave 2`...",
    )


_MARKED = """# Plan

## Wave 1

| ID | Effort | Branch |
|---|---|---|
| E1 | Connectors | `etl/e1` |
| E2 | Schema | `etl/e2` |

## Wave 2

| ID | Effort | Branch |
|---|---|---|
| E3 | Loads | `etl/e3` |

## Matrix

| | E1 | E2 | E3 |
|---|---|---|---|
{rows}
"""


def test_a_matrix_of_marks_points_the_way_the_waves_do_and_is_warned_about_when_they_do_not_settle_it():
    plan = read_text(_MARKED.format(rows="| E3 | ✓ | x | |"), "m.md")
    assert plan.effort("E3").depends_on == ["E1", "E2"]
    plan = read_text(_MARKED.format(rows="| E1 | | | ✓ |\n| E3 | | ✓ | |"), "m.md")
    assert plan.effort("E3").depends_on == [] and plan.effort("E1").depends_on == []
    assert (
        "line:18",
        "the matrix of marks at line 18 has marks both ways between waves, so which way they point is unclear; no "
        "dependency read from it",
    ) in plan.source.warnings


def test_a_template_whose_efforts_are_placeholders_is_refused_at_the_first_one():
    text = (
        "# Template\n\n## Wave 1: <name>\n\n| Effort | Branch |\n|---|---|\n| X.1.1 <effort name> | `f/<effort>` |\n\n"
        "## Wave 2: <name>\n\n| Effort | Branch |\n|---|---|\n| X.2.1 <effort name> | `f/<other>` |\n"
    )
    assert _refusal(text) == (
        7,
        "not a wave plan: it is a template: its efforts are placeholders (line 7: | X.1.1 <effort name> | "
        "`f/<effort>` |); fill in the efforts' ids, names and branches",
    )


_LINKED = """# Billing

## Wave 1

| Issue key | Summary | Branch | Linked issues |
|---|---|---|---|
| PAY-1 | Ledger | pay/PAY-1-ledger | |
| PAY-2 | Refunds | pay/PAY-2-refunds | blocks PAY-3 |

## Wave 2

| Issue key | Summary | Branch | Linked issues |
|---|---|---|---|
| PAY-3 | Disputes | pay/PAY-3-disputes | is blocked by PAY-1, relates to PAY-2 |
| PAY-4 | Payouts | pay/PAY-4-payouts | follows PAY-1 |
"""


def test_linked_issues_are_dependencies_only_where_they_block_and_other_links_are_warned_about():
    plan = read_text(_LINKED, "billing.md")
    assert sorted(plan.effort("PAY-3").depends_on) == ["PAY-1", "PAY-2"]  # PAY-2 by its own `blocks PAY-3`
    assert plan.effort("PAY-4").depends_on == []
    assert (
        "line:15",
        "effort PAY-4: link 'follows PAY-1' does not say it blocks or is blocked; left out",
    ) in plan.source.warnings
