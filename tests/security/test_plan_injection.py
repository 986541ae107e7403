"""Plan fields crafted to reach a shell or leave the workspace are refused by the validator, at the line they are on,
and the DAG factory refuses the plan (an import error, not a DAG)."""

from __future__ import annotations

import json

import pytest
import yaml

from waveflow.airflow.loading import PlanImportError
from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.names import shell_problem
from waveflow.plan.validate import validate

PAYLOADS = ["x; rm -rf /", "$(touch pwned)", "`touch pwned`", "x && touch pwned", "x | sh", "main\nevil", "$HOME"]
TRAVERSALS = ["../../etc", "../outside", "/etc/cron.d", "a/../../b"]


def yaml_plan(**effort: object) -> str:
    base = {"id": "1.1", "name": "a", "wave": 1, "branch": "feature/a", "agent": "Agent-1"}
    plan = {"name": effort.pop("plan_name", "p"), "waves": [{"number": 1}], "efforts": [{**base, **effort}]}
    return yaml.safe_dump(plan, sort_keys=False)


def errors_of(text: str, name: str) -> list[tuple[int | None, str]]:
    try:
        problems = validate(read_text(text, name))
    except PlanError as exc:
        problems = exc.problems
    return [(p.line, p.message) for p in problems if p.severity == "error"]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["id", "branch", "namespace", "worktree", "agent", "image", "plan_name"])
def test_shell_payloads_in_yaml_fields_are_refused_where_they_are(field, payload, plans_dir):
    from waveflow.airflow.factory import plan_dag

    text = yaml_plan(**{field: payload})
    key = "name:" if field == "plan_name" else f"{field}:"
    errors = errors_of(text, "p.yaml")
    assert errors, f"{field}={payload!r} passed validation"
    assert any(line == line_of(text, key) for line, _ in errors), errors
    assert all("\n" not in message for _, message in errors)
    (plans_dir / "p.yaml").write_text(text)
    with pytest.raises(PlanImportError):
        plan_dag("p.yaml")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_worktrees_outside_the_workspace_are_refused(path):
    text = yaml_plan(worktree=path)
    errors = errors_of(text, "p.yaml")
    assert [line for line, _ in errors] == [line_of(text, "worktree:")]
    assert "relative path inside the workspace" in errors[0][1]


@pytest.mark.parametrize("payload", ["x;rm", "$(id)", "`id`", "../up", "a b"])
def test_dependencies_naming_no_effort_are_refused(payload):
    text = yaml_plan(depends_on=[payload])
    errors = errors_of(text, "p.yaml")
    assert any(f"depends on {payload!r}, which is not an effort" in m for _, m in errors)


@pytest.mark.parametrize("payload", ["x; rm -rf /", "$(touch pwned)", "`id`", "``id``", "../../etc", "x&&y"])
@pytest.mark.parametrize("column", ["Effort", "Branch", "Agent"])
def test_shell_payloads_in_markdown_tables_never_become_names(column, payload):
    """The markdown reader either leaves a cell that is no id or branch out of the plan, or the validator refuses it
    on its row: no effort of a plan that validates carries a character a shell would interpret."""
    cells = {"Effort": "1.1", "Branch": "`feature/a`", "Agent": "Agent-1"}
    cells[column] = f"`{payload}`" if column == "Branch" else payload
    text = (
        "---\nname: p\n---\n### Wave 1: W\n\n| Effort | Name | Branch | Agent |\n|---|---|---|---|\n"
        f"| {cells['Effort']} | A | {cells['Branch']} | {cells['Agent']} |\n"
    )
    errors = errors_of(text, "p.md")
    if errors:
        assert line_of(text, "| A |") in {line for line, _ in errors}, errors
        return
    plan = read_text(text, "p.md")
    for effort in plan.efforts:
        for value in (effort.id, plan.branch_of(effort), effort.agent, effort.namespace, effort.worktree):
            assert value is None or shell_problem(value) is None, (column, value)
        for path in (plan.branch_of(effort), effort.worktree or ""):
            assert ".." not in path, (column, path)


def test_commands_are_argv_lists_whatever_they_hold():
    """Commands are argv lists: a plan may put anything in them, and nothing reads them as shell text."""
    argv = ["python3", "-c", "print(1)", "; rm -rf /", "$(touch pwned)"]
    text = yaml.safe_dump(
        {
            "name": "p",
            "waves": [{"number": 1}],
            "efforts": [
                {"id": "1.1", "name": "a", "wave": 1, "branch": "f/a", "agent": "A", "commands": {"test": argv}}
            ],
        }
    )
    plan = read_text(text, "p.yaml")
    assert not [p for p in validate(plan) if p.severity == "error"]
    from waveflow.airflow.effort_env import runner_env

    env = runner_env(plan, plan.efforts[0])
    assert json.loads(env["WAVEFLOW_TEST"]) == argv


@pytest.mark.parametrize("key", ["securityContext", "privileged", "hostNetwork", "command", "shell"])
def test_a_plan_cannot_carry_pod_or_shell_settings(key):
    text = yaml_plan(**{key: True})
    assert any("unknown key" in m for _, m in errors_of(text, "p.yaml"))
