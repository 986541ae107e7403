from __future__ import annotations

import textwrap

import pytest

from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.validate import check, validate

HEADER = """\
name: demo
waves:
  - {number: 1, name: One}
  - {number: 2, name: Two}
gates:
  - {metric: PR Size, target: "<800 lines"}
efforts:
"""


def problems(efforts: str, header: str = HEADER) -> list[str]:
    plan = read_text(header + textwrap.dedent(efforts), "plan.yaml")
    return [str(p) for p in validate(plan)]


def test_a_clean_plan_has_no_problems():
    assert (
        problems("""\
      - {id: a, name: A, wave: 1, branch: feat/a, agent: x, namespace: ns-a, ports: {start: 2000, end: 2099}}
      - {id: b, name: B, wave: 2, branch: feat/b, agent: y, depends_on: [a], ports: {start: 2100, end: 2199}}
    """)
        == []
    )


def test_every_problem_is_reported_at_once_with_its_line():
    found = problems("""\
      - {id: a, name: A, wave: 1, branch: feat/a, agent: x, depends_on: [ghost, b]}
      - {id: b, name: B, wave: 2, branch: feat/a, agent: x, namespace: Bad_NS}
      - {id: c, name: C, wave: 2, branch: "feat/c; rm -rf /", agent: x, lines: 900}
    """)
    assert "plan.yaml:8: error: effort a depends on 'ghost', which is not an effort of this plan" in found
    assert "plan.yaml:8: error: effort a (wave 1) depends on b from a later wave (2)" in found
    assert "plan.yaml:9: error: duplicate branch 'feat/a': efforts a, b" in found
    assert any(
        p.startswith("plan.yaml:9: error: effort b: namespace 'Bad_NS': not a valid Kubernetes name") for p in found
    )
    assert any(p.startswith("plan.yaml:10: error: effort c: branch 'feat/c; rm -rf /': contains ';'") for p in found)
    assert any(
        p.startswith("plan.yaml:10: warning: effort c is estimated at 900 lines, over the PR Size gate") for p in found
    )
    # Errors come before warnings.
    severities = [p.split(": ")[1] for p in found]
    assert severities == sorted(severities)


def test_cycles_are_named():
    found = problems("""\
      - {id: a, name: A, wave: 1, agent: x, depends_on: [c]}
      - {id: b, name: B, wave: 1, agent: x, depends_on: [a]}
      - {id: c, name: C, wave: 1, agent: x, depends_on: [b]}
      - {id: d, name: D, wave: 2, agent: x}
    """)
    assert "plan.yaml:8: error: dependency cycle: a -> c -> b -> a" in found


def test_self_dependency_and_duplicate_ids():
    found = problems("""\
      - {id: a, name: A, wave: 1, agent: x, depends_on: [a]}
      - {id: a, name: A2, wave: 2, agent: x}
    """)
    assert "plan.yaml:8: error: effort a depends on itself" in found
    assert any("duplicate id 'a'" in p for p in found)
    assert not any("duplicate task id" in p for p in found)


def test_task_id_collisions_are_caught():
    found = problems("""\
      - {id: "1.1", name: A, wave: 1, agent: x}
      - {id: "1_1", name: B, wave: 2, agent: x}
    """)
    assert any("duplicate task id 'e1_1': efforts 1.1, 1_1" in p for p in found)


def test_ports_overlap_in_one_wave_is_an_error_across_waves_a_warning():
    found = problems("""\
      - {id: a, name: A, wave: 1, agent: x, ports: {start: 100, end: 200}}
      - {id: b, name: B, wave: 1, agent: x, ports: {start: 150, end: 250}}
      - {id: c, name: C, wave: 2, agent: x, ports: {start: 240, end: 260}}
    """)
    assert "plan.yaml:9: error: port ranges overlap: a 100-200 and b 150-250" in found
    assert "plan.yaml:10: warning: port ranges overlap: b 150-250 and c 240-260" in found


def test_empty_and_undeclared_waves():
    found = problems("""\
      - {id: a, name: A, wave: 1, agent: x}
      - {id: z, name: Z, wave: 7, agent: x}
    """)
    assert "plan.yaml:4: error: wave 2 (Two) has no efforts" in found
    assert any(
        p.startswith("plan.yaml:9: error: effort z is in wave 7, which the plan does not declare") for p in found
    )


@pytest.mark.parametrize(
    "branch",
    [
        "feat/a..b",
        "feat/a.lock",
        "-feat",
        "feat/a b",
        "feat/a\nb",
        "feat/",
        "feat//a",
        "feat/.hidden",
        "a@{b",
        "x~1",
        "HEAD",
    ],
)
def test_git_branch_rules(branch):
    plan = read_text(HEADER + f"  - {{id: a, name: A, wave: 1, agent: x, branch: {branch!r}}}\n", "plan.yaml")
    assert any("branch" in p.message and p.severity == "error" for p in validate(plan)), branch


@pytest.mark.parametrize(
    "branch", ["feat/a", "feature/tmc-completion/p10w1-e2e_framework", "A_1", "release/v1.2", "@x"]
)
def test_ordinary_branch_names_pass(branch):
    plan = read_text(HEADER + f"  - {{id: a, name: A, wave: 1, agent: x, branch: {branch!r}}}\n", "plan.yaml")
    assert not [p for p in validate(plan) if "branch" in p.message], branch


@pytest.mark.parametrize("worktree", ["../escape", "/abs/path", "a/../../b"])
def test_worktree_must_stay_in_workspace(worktree):
    plan = read_text(HEADER + f"  - {{id: a, name: A, wave: 1, agent: x, worktree: {worktree!r}}}\n", "plan.yaml")
    assert any("relative path inside the workspace" in p.message for p in validate(plan))


def test_missing_branch_and_agent_are_warnings_and_check_raises_only_on_errors():
    plan = read_text(HEADER + "  - {id: a, name: A, wave: 1}\n  - {id: b, name: B, wave: 2}\n", "plan.yaml")
    warnings = check(plan)
    assert "plan.yaml:8: warning: effort a names no branch; it will use 'waveflow/demo/a'" in map(str, warnings)
    assert all(w.severity == "warning" for w in warnings)
    bad = read_text(HEADER + "  - {id: a, name: A, wave: 1, depends_on: [nope]}\n", "plan.yaml")
    with pytest.raises(PlanError) as exc:
        check(bad)
    assert exc.value.errors


def test_phase10_is_clean(repo_root):
    plan = read_text((repo_root / "include/plans/phase10.yaml").read_text(), "phase10.yaml")
    assert validate(plan) == []


def test_an_id_with_a_bracket_still_gets_its_line(repo_root):
    from waveflow.plan.load import read_text
    from waveflow.plan.validate import validate

    text = (repo_root / "include" / "plans" / "phase10.yaml").read_text().replace('id: "10.1.1"', 'id: "]0.1.1"')
    problems = [p for p in validate(read_text(text, "bracket.yaml")) if "]0.1.1" in p.message]
    assert problems and all(p.line is not None for p in problems)


@pytest.mark.parametrize(("schedule", "wrong"), [("nightly", True), ("0 2 * *", True), ("0 25 * * *", True),
                                                  ("0 2 * * *", False), ("@daily", False), ("@once", False)])  # fmt: skip
def test_a_schedule_airflow_cannot_read_is_an_error_at_its_line(schedule, wrong):
    header = HEADER.replace("name: demo\n", f"name: demo\nschedule: {schedule!r}\n")
    found = problems("      - {id: a, name: A, wave: 1, branch: feat/a, agent: x}\n", header)
    errors = [p for p in found if "schedule" in p]
    assert errors == ([f"plan.yaml:2: error: schedule {schedule!r}: not a cron expression (`0 2 * * *`) or one of "
                       "@continuous, @daily, @hourly, @monthly, @once, @quarterly, @weekly, @yearly"] if wrong else [])  # fmt: skip


def test_an_effort_without_an_agent_is_warned_of_what_a_run_will_do():
    from waveflow.preflight.plan_checks import PoolReading, agents

    plan = read_text(HEADER + "  - {id: a, name: A, wave: 1, branch: feat/a}\n", "plan.yaml")
    [warning] = [p for p in validate(plan) if "agent" in p.message]
    assert warning.severity == "warning"
    assert "preflight `agents` check fails" in warning.message
    assert agents(plan, PoolReading("waveflow-demo", skipped="not asked"), deferrable_efforts=False).ok is False


def test_agent_profiles_are_checked_with_their_lines():
    header = textwrap.dedent("""\
        name: demo
        defaults: {agent: claud}
        agents:
          claude: {adapter: claude-code, max_cost_usd: 5}
          mine:
            command: [./agent.sh, "{brief}", "--json={\\"a\\": 1}", "{iteration}"]
            env: {"BAD NAME": x}
          empty: {max_iterations: 2}
        waves:
          - {number: 1, name: One}
        efforts:
        """)
    got = problems("  - {id: a, name: A, wave: 1, branch: feat/a, agent: claude}\n", header)
    assert (
        "plan.yaml:2: error: defaults.agent 'claud' names no profile of `agents` (profiles: claude, empty, mine)" in got
    )
    assert any(p.startswith("plan.yaml:6: error: agent profile 'mine': unknown placeholder {brief}") for p in got)
    assert not any('{\\"a\\"' in p or '"a": 1' in p for p in got)  # braces that are no placeholder are fine
    assert "plan.yaml:7: error: agent profile 'mine': 'BAD NAME' is not an environment variable name" in got
    assert "plan.yaml:8: error: agent profile 'empty' has neither a command nor an adapter" in got
    plan = read_text(header.replace("claud}", "claude}") + "  - {id: a, name: A, wave: 1, agent: Agent-1}\n", "p.yaml")
    assert plan.profile_of(plan.efforts[0])[0] == "claude"  # an agent that names no profile uses the default


def test_a_dependency_in_the_same_wave_is_a_warning_that_says_what_it_does():
    got = problems("""\
      - {id: a, name: A, wave: 1, branch: feat/a, agent: x}
      - {id: b, name: B, wave: 1, branch: feat/b, agent: y, depends_on: [a]}
      - {id: c, name: C, wave: 2, branch: feat/c, agent: z, depends_on: [b]}
    """)
    assert got == [
        "plan.yaml:9: warning: effort b depends on a of the same wave (1): it starts only when a has finished, not "
        "alongside it"
    ]


def test_a_dependency_left_out_in_one_place_and_read_in_another_says_where_it_came_from():
    doc = textwrap.dedent("""\
        # Shop: Wave Implementation Plan

        ## Wave 1: Core

        | Effort | Branch | Depends On |
        |---|---|---|
        | 1.1 Storage API | feat/storage-api | — |
        | 1.2 Storage UI | feat/storage-ui | — |

        ## Wave 2: Extras

        | Effort | Branch | Depends On |
        |---|---|---|
        | 2.1 Reports | feat/reports | Storage |
        """)
    chart = "\n```mermaid\ngraph TD\n    A[1.1 Storage API] --> C[2.1 Reports]\n```\n"
    alone = [p.message for p in validate(read_text(doc, "shop.md")) if "could be any of" in p.message]
    assert alone == ["effort 2.1: dependency 'Storage' could be any of 1.1, 1.2; left out"]
    plan = read_text(doc + chart, "shop.md")
    assert plan.effort("2.1").depends_on == ["1.1"]
    said = [str(p) for p in validate(plan) if "could be any of" in p.message]
    assert said == ["shop.md:14: warning: effort 2.1: dependency 'Storage' could be any of 1.1, 1.2; read as 1.1 "
                    "(line 18) from another place"]  # fmt: skip


def test_two_efforts_that_would_share_a_worktree_are_refused_at_their_line():
    found = problems("""\
      - {id: a, name: A, wave: 1, branch: feat/a-b, agent: x}
      - {id: b, name: B, wave: 1, branch: feat-a/b, agent: x}
      - {id: c, name: C, wave: 2, branch: feat/c, agent: x, worktree: shared}
      - {id: d, name: D, wave: 2, branch: feat/d, agent: x, worktree: ./shared}
      - {id: e, name: E, wave: 2, branch: feat/e, agent: x, worktree: feat-a-b}
    """)
    assert "plan.yaml:9: error: duplicate worktree 'feat-a-b': efforts a, b, e" in " ".join(found)
    assert any(p.startswith("plan.yaml:11: error: duplicate worktree 'shared': efforts c, d") for p in found)


@pytest.mark.parametrize(
    ("ident", "refused"),
    [("PR 3", False), ("Task 12", False), ("#37", False), ("PR;3", True), ("PR 3; rm", True), ("a b", True)],
)
def test_a_document_s_own_ids_are_kept_but_shell_characters_are_not(ident, refused):
    # `PR 3` and `#37` are how documents name their units of work; nothing else with a space or a shell character.
    found = problems(f'  - {{id: "{ident}", name: A, wave: 1, branch: feat/a, agent: x}}\n')
    assert any(f"id {ident!r}" in p for p in found) is refused, found
