"""The markdown wave-plan reader on the shipped phase 10 rendering and on hand-written fixtures of each shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from waveflow.plan.convert import to_reading, to_yaml_data
from waveflow.plan.errors import NotAWavePlan, PlanError
from waveflow.plan.load import read_plan, read_text
from waveflow.plan.model import effort_key
from waveflow.plan.validate import check, validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "markdown"
SHAPES = sorted(p.stem for p in FIXTURES.glob("*.md") if p.with_suffix(".expected.json").exists())


def test_phase10_markdown_reads_as_the_yaml_plan(repo_root):
    md = read_plan(repo_root / "include/plans/phase10.md")
    yml = read_plan(repo_root / "include/plans/phase10.yaml")
    assert (md.name, yml.name) == ("phase10-md", "phase10")
    assert to_reading(md) | {"name": "phase10"} == to_reading(yml)
    # Front matter options and worktrees too: the whole canonical YAML is the same, but for the schedule: the same
    # branches must not be worked on by two nightly runs, so the markdown rendering is triggered only.
    md_data = to_yaml_data(md)
    assert md_data.pop("schedule") is None and yml.schedule == "0 2 * * *"
    assert md_data | {"name": "phase10"} == to_yaml_data(yml)
    assert validate(md) == []


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_reads_to_its_expected_plan(shape):
    plan = read_plan(FIXTURES / f"{shape}.md")
    expected = json.loads((FIXTURES / f"{shape}.expected.json").read_text())
    assert not [p for p in validate(plan) if p.severity == "error"]
    assert {str(w.number): [e.id for e in plan.wave_efforts(w.number)] for w in plan.waves} == expected["waves"]
    assert {str(w.number): w.name for w in plan.waves} == expected["wave_names"]
    for effort_id, fields in expected["efforts"].items():
        reading = next(e for e in to_reading(plan)["efforts"] if e["id"] == effort_id)
        for field, value in fields.items():
            got = reading[field]
            if field == "depends_on":
                got, value = sorted(got), sorted(value)
            assert got == value, f"{shape}: {effort_id}.{field}"
    for effort_id, parts in expected.get("brief_contains", {}).items():
        brief = next(e.brief for e in plan.efforts if e.id == effort_id)
        assert all(p in brief for p in parts), f"{shape}: {effort_id} brief {brief!r}"
    if "gates" in expected:
        assert [g.metric for g in plan.gates] == expected["gates"]


def test_wave_figures_are_read_from_the_wave_heading_block():
    plan = read_plan(FIXTURES / "column-variants.md")
    w1, w2, w3 = plan.waves
    assert (w1.duration.min_hours, w1.duration.max_hours, w1.agents, w1.total_lines) == (8, 8, 2, 1400)
    assert (w2.duration.min_hours, w2.duration.max_hours, w2.agents, w2.total_lines) == (6, 8, 3, None)
    assert (w3.duration, w3.agents) == (None, 1)


def test_weeks_are_working_weeks_and_panel_estimates_are_not_lines():
    plan = read_plan(FIXTURES / "panels.md")
    wave = plan.waves[0]
    assert (wave.duration.min_hours, wave.duration.max_hours) == (40, 40)
    assert [e.lines for e in plan.efforts] == [None] * 5


def test_a_broken_plan_reports_every_problem_at_its_row():
    path = FIXTURES / "broken.md"
    problems = [str(p).replace(str(path), "broken.md") for p in validate(read_plan(path))]
    assert problems == [
        "broken.md:7: error: dependency cycle: 9.1.1 -> 9.1.2 -> 9.1.1",
        "broken.md:8: error: duplicate branch 'feature/p9/base': efforts 9.1.1, 9.1.2",
        "broken.md:8: error: duplicate namespace 'shared-ns': efforts 9.1.1, 9.1.2",
        "broken.md:8: error: effort 9.1.2: agent 'Agent;2': contains ';', a character a shell would interpret",
        "broken.md:9: error: effort 9.1.3: branch 'feature/p9/bad..name': '..' is not allowed in a git branch name",
        "broken.md:9: error: effort 9.1.3: namespace 'Bad_NS': not a valid Kubernetes name (RFC 1123 label: "
        "lowercase letters, digits and '-', at most 63)",
        "broken.md:9: error: effort 9.1.3 (wave 1) depends on 9.2.1 from a later wave (2)",
        "broken.md:15: error: effort 9.2.1 depends on '9.1.9', which is not an effort of this plan",
        "broken.md:20: error: port ranges overlap: 9.1.1 32000-32099 and 9.1.3 32050-32149",
        "broken.md:9: warning: effort 9.1.3 is estimated at 950 lines, over the PR Size gate (<800 lines); "
        "consider splitting it",
        "broken.md:21: warning: port ranges overlap: 9.1.3 32050-32149 and 9.2.1 32100-32199",
        "broken.md:22: warning: ports 32500-32599 for 'Nowhere' match no effort; left out",
    ]


def test_locations_point_at_the_line_each_fact_came_from(repo_root):
    text = (repo_root / "include/plans/phase10.md").read_text()
    plan = read_text(text, "phase10.md")
    lines = text.splitlines()

    def at(key: str) -> str:
        line = plan.source.line(key)
        assert line is not None, key
        return lines[line - 1]

    assert at(effort_key("10.2.3")).startswith("| 10.2.3 |")
    assert at(effort_key("10.2.3") + "/ports").startswith("Chaos Testing:")
    assert at(effort_key("10.2.3") + "/labels").strip() == "name: chaos-tests"
    assert at(effort_key("10.2.3") + "/worktree").startswith("wt-create feature/tmc-completion/p10w2-chaos")
    assert at("waves[2]") == "### Wave 2: Parallel Testing & Documentation"
    assert at("gates[4]").startswith("| PR Size |")


def test_prose_that_contradicts_a_table_is_a_warning_quoting_both_lines():
    plan = read_plan(FIXTURES / "names-and-aliases.md")
    (warning,) = [m for k, m in plan.source.warnings if k == effort_key("p6w2-auth-filters") + "/depends_on"]
    assert warning.startswith("effort p6w2-auth-filters: line 40 says it depends on p6w1-tls-manager (")
    assert "TLS Manager" in warning and 'line 42 says "Agent 2: ' in warning and "no controller dependency" in warning
    assert warning.endswith("the table wins")
    # The table's dependency stays.
    assert "p6w1-tls-manager" in plan.effort("p6w2-auth-filters").depends_on


def test_a_graph_edge_against_the_waves_is_left_out_with_a_warning():
    plan = read_plan(FIXTURES / "names-and-aliases.md")
    assert plan.effort("p6w1-route-controller").depends_on == []
    assert any("graph edge G2.2 --> G1 (line 16)" in m for _, m in plan.source.warnings)


@pytest.mark.parametrize(
    ("fixture", "why"),
    [
        ("not-a-plan-single-effort", 'it plans a single effort ("Effort E2.1.3 Implementation Plan - Retry Budget")'),
        ("not-a-plan-merge-order", "it sets out a merge order"),
        ("not-a-plan-completion-report", 'it reports on work already done ("Wave 2 Plan — Completion Report")'),
    ],
)
def test_documents_that_are_not_wave_plans_are_refused(fixture, why):
    with pytest.raises(NotAWavePlan) as exc:
        read_plan(FIXTURES / f"{fixture}.md")
    (problem,) = exc.value.problems
    assert problem.line == 1 and problem.message.startswith(f"not a wave plan: {why}")


def test_a_document_for_one_branch_built_in_steps_is_refused_at_its_branch_line():
    with pytest.raises(NotAWavePlan) as exc:
        read_plan(FIXTURES / "not-a-plan-one-branch.md")
    (problem,) = exc.value.problems
    assert problem.line == 3
    assert problem.message == (
        "not a wave plan: it plans one effort (branch `search/compaction-v2`, line 3) in steps; its waves have no "
        "branches"
    )


def test_wave_sections_without_efforts_are_refused_with_the_first_section_and_what_is_read():
    with pytest.raises(NotAWavePlan) as exc:
        read_text("# Cache Plan\n\n## Wave 1: Warmup\n\nWe warm the cache first.\n", "cache.md")
    (problem,) = exc.value.problems
    assert "the first, `Wave 1: Warmup` at line 3, holds no effort table" in problem.message
    assert "efforts are read from tables with a Branch or Effort column" in problem.message


def test_cli_refuses_a_document_that_is_not_a_plan_with_exit_2(repo_root):
    path = FIXTURES / "not-a-plan-merge-order.md"
    out = subprocess.run(
        [sys.executable, "-m", "waveflow.cli", "convert", str(path)], cwd=repo_root, capture_output=True, text=True
    )
    assert out.returncode == 2
    assert f"{path}:1: error: not a wave plan: it sets out a merge order" in out.stderr
    assert "Traceback" not in out.stderr


def test_empty_and_heading_only_documents_are_plan_errors():
    for text in ("", "# Title only\n", "## Wave 1: Nothing here\n\nJust prose.\n"):
        with pytest.raises(PlanError, match="not a wave plan"):
            read_text(text, "x.md")


def test_a_dependency_names_an_effort_by_the_stem_of_its_words_either_way():
    table = "\n".join(
        [
            "## Wave 1: Base",
            "| Effort | Branch | Name | Dependencies |",
            "|---|---|---|---|",
            "| 1.1 | f/transformation | Transformation Pipeline | None |",
            "| 1.2 | f/store | Storage Layer | None |",
            "## Wave 2: Use",
            "| Effort | Branch | Name | Dependencies |",
            "|---|---|---|---|",
            "| 2.1 | f/a | Reports | Transform pipelines |",  # a stem of a word of the name, and a plural
            "| 2.2 | f/b | Exports | Storages |",  # a word of the name is the stem of the dependency's
            "| 2.3 | f/c | Audits | Transit |",  # `Transit` is too short a part of `Transformation`
        ]
    )
    plan = read_text(table, "stems.md")
    assert {e.id: e.depends_on for e in plan.wave_efforts(2)} == {"2.1": ["1.1"], "2.2": ["1.2"], "2.3": []}


def test_a_long_table_whose_dependencies_name_nothing_validates(tmp_path):
    # Each such cell is looked up as an effort's name. When every lookup went through every effort, 4,000 rows took
    # minutes (docs/reliability.md has the figures); the time-out only guards against that coming back.
    rows = [f"| 1.{i} | feature/t-{i} | Effort {i} | Retire legacy billing export |" for i in range(1, 4001)]
    path = tmp_path / "long.md"
    path.write_text(
        "\n".join(
            ["# Billing", "## Wave 1: All", "| Effort | Branch | Name | Dependencies |", "|---|---|---|---|", *rows]
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "waveflow.cli", "validate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{path}: ok: billing: 4000 efforts in 1 wave" in done.stdout
    left_out = f"{path}:4004: warning: effort 1.4000: dependency 'Retire legacy billing export' names no effort"
    assert left_out in done.stderr


def test_the_integration_branch_a_document_names_is_the_plans(tmp_path):
    text = (FIXTURES / "table-and-blocks.md").read_text()
    lines = text.splitlines()
    lines.insert(2, "**Target Integration Branch:** `p5-integration`  ")
    path = tmp_path / "p5.md"
    path.write_text("\n".join(lines) + "\n")
    plan = read_plan(path)
    assert plan.integration is not None and plan.integration.branch == "p5-integration"
    assert plan.integration_branch(2) == "p5-integration-wave-2"
    assert plan.source.locations["integration/branch"] == 3
    assert to_reading(plan)["integration"]["branch"] == "p5-integration"
    # A document that names none does not integrate.
    assert read_plan(FIXTURES / "table-and-blocks.md").integration is None


WORKTREES_ON_OTHER_BRANCHES = """\
# Demo: Wave Implementation Plan

## Wave 1: Core

| Effort | Branch | Lines | Agent |
|---|---|---|---|
| 1.1 Greeting | `feat/greeting` | 40 | Agent-1 |
| 1.2 Farewell | `feat/farewell` | 40 | Agent-2 |

```bash
git worktree add -b feat/hello ../wt-1.1 main
git worktree add wt-farewell feat/farewell
```
"""


def test_a_worktree_command_on_another_branch_than_the_table_keeps_the_tables_and_says_so():
    plan = read_text(WORKTREES_ON_OTHER_BRANCHES, "demo.md")
    assert [(e.id, e.branch, e.worktree) for e in plan.efforts] == [
        ("1.1", "feat/greeting", None),
        ("1.2", "feat/farewell", "wt-farewell"),
    ]
    said = [m for k, m in plan.source.warnings if k == effort_key("1.1") + "/branch"]
    assert said == [
        "effort 1.1: line 11 creates its worktree ../wt-1.1 on branch feat/hello, but line 7 names its branch "
        "feat/greeting; feat/greeting is kept"
    ]
    assert not [m for k, m in plan.source.warnings if k.startswith(effort_key("1.2"))]


def test_counts_read_as_people_write_them(tmp_path):
    path = tmp_path / "demo.md"
    path.write_text(WORKTREES_ON_OTHER_BRANCHES)
    done = subprocess.run([sys.executable, "-m", "waveflow.cli", "validate", str(path)], capture_output=True, text=True)
    assert f"{path}: ok: demo: 2 efforts in 1 wave\n" in done.stdout, done.stdout + done.stderr
    assert f"{path}:7: warning: effort 1.1: line 11 creates its worktree" in done.stderr


def test_only_a_heading_about_ports_opens_a_port_allocation():
    # `Portal` holds the letters of `port`: a dated field under such a title is no port range.
    text = (
        "# Support Portal Rollout\n\n**Created**: 2026-03-02\n\n## Wave 1\n\n"
        "| Effort | Branch |\n|---|---|\n| 1.1.1 | pay/a |\n\n"
        "## Port Allocation\n\n- 1.1.1: 30100-30199\n"
    )
    plan = read_text(text, "rollout.md")
    assert not [m for _, m in plan.source.warnings if "ports" in m], plan.source.warnings
    assert plan.efforts[0].ports.start == 30100


def test_a_branch_written_with_a_leading_slash_is_read_without_it_and_said_so():
    text = "# P\n\n## Wave 1: One\n\n### E1.1.1: Types\n**Branch:** `/p1/w1/types`\n"
    plan = read_text(text, "p.md")
    assert plan.efforts[0].branch == "p1/w1/types"
    said = [m for _, m in plan.source.warnings if "read as p1/w1/types" in m]
    assert said == ["effort E1.1.1: branch /p1/w1/types is read as p1/w1/types: a branch name cannot start with /"]


def test_an_empty_list_of_dependencies_says_there_are_none():
    text = (
        "# Tasks\n\n- [ ] TK-1 Schema\n  - wave: 1\n  - depends_on: []\n"
        "- [ ] TK-2 Loader\n  - wave: 2\n  - depends_on: [TK-1]\n"
    )
    plan = read_text(text, "tasks.md")
    assert [(e.id, e.wave, e.depends_on) for e in plan.efforts] == [("TK-1", 1, []), ("TK-2", 2, ["TK-1"])]
    assert not [m for _, m in plan.source.warnings if "dependency" in m], plan.source.warnings


def test_a_dependency_cell_that_says_all_waits_for_every_earlier_effort():
    text = (
        "# Decisions web\n\n| Wave | Task | Branch | Depends on |\n|---|---|---|---|\n"
        "| 1 | T1 Operations | `dw/t1` | — |\n| 1 | T2 UI split | `dw/t2` | — |\n"
        "| 2 | T3 Decisions | `dw/t3` | T1 |\n| 3 | Review | `dw/review` | all |\n"
    )
    plan = read_text(text, "web.md")
    assert {e.id: e.depends_on for e in plan.efforts}["review"] == ["T1", "T2", "T3"]


def test_a_dependency_sentence_may_run_over_a_line_break_and_pair_ids_with_a_slash():
    text = (
        "# Phase 1: sync\n\n## Batch 1\n\n#### Item 1.1: Mirror columns\nAdd the columns.\n\n"
        "#### Item 1.2: Coverage tables\nAdd the tables.\n\n## Batch 2\n\n#### Item 1.3: Nullable QC\n"
        "Store NULL as pending. Depends on\n1.1/1.2 schema.\n"
    )
    plan = read_text(text, "sync.md")
    assert {e.id: e.depends_on for e in plan.efforts}["1.3"] == ["1.1", "1.2"]
    assert plan.source.locations[effort_key("1.3") + "/depends_on"] == 14  # where the sentence starts


def test_a_matrix_may_key_its_rows_by_ranges_of_task_numbers():
    text = (
        "# Labs PoC\n\n```\nWave 1 (foundation):\n├── Task 1: Translations\n└── Task 2: Routes\n\n"
        "Wave 2 (screens):\n├── Task 3: Wizard\n└── Task 4: Dashboard\n\nWave 3 (checks):\n└── Task 5: QA pass\n```\n\n"
        "### Dependency Matrix\n\n| Task | Depends On | Blocks |\n|---|---|---|\n"
        "| 1-2 | — | 3-4 |\n| 3-4 | 1-2 | 5 |\n| 5 | 3-4 | — |\n"
    )
    plan = read_text(text, "labs.md")
    deps = {e.id: sorted(e.depends_on) for e in plan.efforts}
    assert deps == {
        "Task 1": [],
        "Task 2": [],
        "Task 3": ["Task 1", "Task 2"],
        "Task 4": ["Task 1", "Task 2"],
        "Task 5": ["Task 3", "Task 4"],
    }


def test_a_task_tools_lower_case_key_opens_an_item_as_its_id_not_a_branch():
    text = (
        "# Tasks\n\n## Wave 1 — backend\n- task-01: Probe the credentials\n- task-02: Push the switch\n\n"
        "## Wave 2 — front end\n- `task-03` Show the result\n  - depends_on: [task-01]\n"
    )
    plan = read_text(text, "tasks.md")
    read = [(e.id, e.name, e.wave, e.branch, e.depends_on) for e in plan.efforts]
    assert read == [
        ("task-01", "Probe the credentials", 1, None, []),
        ("task-02", "Push the switch", 1, None, []),
        ("task-03", "Show the result", 2, None, ["task-01"]),
    ]


def test_a_numbered_unit_of_work_read_from_a_tree_is_an_id_validation_takes():
    text = "# T\n\n```\nWave 1 (a):\n├── Task 1.1: Alpha\n└── Task 1.2: Beta\n\nWave 2 (b):\n└── Task 2.1: Gamma\n```\n"
    plan = read_text(text, "tree.md")
    check(plan)  # raises on an id the reader made but validation refuses
    assert [e.id for e in plan.efforts] == ["Task 1.1", "Task 1.2", "Task 2.1"]


def test_an_agent_roster_beside_a_waves_efforts_assigns_roles_and_adds_none():
    text = (
        "# T\n\n## Wave 1\n\n| Effort | Branch |\n|---|---|\n| 1.1 Schema | `p/schema` |\n| 1.2 Parser | `p/parser` |\n\n"
        "## Coordination\n\n### Wave 1 coordination\n\n- **Agent 1**: Primary for the schema package\n"
        "- **Agent 2**: Owner of the parser package\n\n"
        "## Wave 2\n\n**Agent 1**: Ranking\n**Agent 2**: Caching\n"
    )
    plan = read_text(text, "roles.md")
    assert [(e.id, e.wave) for e in plan.efforts] == [("1.1", 1), ("1.2", 1), ("ranking", 2), ("caching", 2)]


def test_a_task_block_after_the_waves_that_list_it_is_its_brief(repo_root):
    plan = read_plan(repo_root / "tests/plan/family/quiz-bold-waves-todo-blocks.md")
    editor = next(e for e in plan.efforts if e.id == "Task 3")
    assert "Recompose the editor from the new components" in editor.brief
    assert "Use the extracted answer list." in editor.brief


def test_efforts_named_in_an_open_bracket_are_not_what_the_sentence_is_about():
    text = (
        "# T\n\n## Wave 1\n\n### T1: Scaffold\nSet up the project.\n\n### T2: Styles\nTheme tokens.\n\n"
        "### T3: Posts\nSample posts.\n\n"
        "### T4: Content schema\n- **Can Run In Parallel**: YES (with T2, T3 after T1 — but needs T3's posts)\n"
    )
    plan = read_text(text, "open-bracket.md")
    check(plan)  # T1 -> T3 -> T1 was read as a cycle
    assert {e.id: e.depends_on for e in plan.efforts if e.id != "T4"} == {"T1": [], "T2": [], "T3": []}


def test_a_remark_before_a_waves_name_is_no_part_of_it(repo_root):
    plan = read_plan(repo_root / "tests/plan/family/timeline-subagent-stages.md")
    assert [(w.number, w.name) for w in plan.waves] == [(1, "Implementation")]
