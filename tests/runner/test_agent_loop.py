"""The agent's loop against real git: the task brief, iterations fed back what failed, cost, budgets, and
`run-effort --plan-file`, each with an agent that is a script of the test's own (the loop does not care which)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from gitrepo import git, run_runner

from waveflow.runner.result import EffortResult

# An agent: reads the brief (it must say what the plan says), and writes a module whose first version is wrong.
# From the second iteration on, it reads the feedback and fixes what the feedback names.
AGENT = textwrap.dedent(
    """
    import json, os, pathlib, sys
    brief = pathlib.Path(os.environ["WAVEFLOW_BRIEF_FILE"]).read_text()
    feedback = pathlib.Path(os.environ["WAVEFLOW_FEEDBACK_FILE"]).read_text()
    n = int(sys.argv[1])
    log = pathlib.Path(os.environ["AGENT_LOG"])
    with log.open("a") as f:
        f.write(json.dumps({"iteration": n, "brief": brief, "feedback": feedback, "argv": sys.argv[1:],
                            "key": os.environ.get("OPENAI_API_KEY"), "extra": os.environ.get("AGENT_EXTRA")}) + "\\n")
    assert "Add two numbers" in brief, brief
    calc = pathlib.Path("calc.py")
    fixed = "test_calc.py::test_add" in feedback or (calc.exists() and "+" in calc.read_text())
    pathlib.Path("calc.py").write_text("def add(a, b):\\n    return a %s b\\n" % ("+" if fixed else "-"))
    pathlib.Path("test_calc.py").write_text("from calc import add\\n\\ndef test_add():\\n    assert add(2, 3) == 5\\n")
    report = os.environ["WAVEFLOW_AGENT_REPORT"]
    json.dump({"cost_usd": 0.25, "tokens_in": 1000, "tokens_out": 200, "model": "scripted", "turns": 2},
              open(report, "w"))
    """
)
PYTEST = ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=junit.xml", "test_calc.py"]


def write_plan(tmp_path: Path, repo: Path, **profile: object) -> Path:
    agent = tmp_path / "agent.py"
    agent.write_text(AGENT)
    plan = {
        "name": "calc",
        "title": "Calculator phase",
        "repo": str(repo),
        "backend": "local",
        "defaults": {"agent": "scripted", "commands": {"test": PYTEST}},
        "agents": {
            "scripted": {
                "command": [sys.executable, str(agent), "{iteration}"],
                "max_iterations": 3,
                "env": {"AGENT_EXTRA": "from-profile"},
                **profile,
            }
        },
        "waves": [{"number": 1, "name": "Arithmetic"}],
        "efforts": [
            {
                "id": "1.1",
                "name": "Adder",
                "wave": 1,
                "branch": "feature/adder",
                "agent": "Agent-1",
                "lines": 40,
                "brief": "Add two numbers in `calc.add`.",
                "acceptance": ["`add(2, 3) == 5`"],
                "ports": {"start": 31000, "end": 31009},
            }
        ],
        "gates": [{"metric": "PR Size", "target": "<800 lines"}],
    }
    path = tmp_path / "calc.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    return path


def run_from_plan(plan: Path, tmp_path: Path, *extra: str, env: dict[str, str] | None = None):
    result = tmp_path / "result.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "waveflow.cli",
            "run-effort",
            "--plan-file",
            str(plan),
            "--effort",
            "1.1",
            "--workspace",
            str(tmp_path / "ws"),
            "--result-path",
            str(result),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**_env(), "AGENT_LOG": str(tmp_path / "agent.log"), **(env or {})},
    )
    parsed = EffortResult.model_validate_json(result.read_text()) if result.is_file() else None
    calls = [json.loads(x) for x in (tmp_path / "agent.log").read_text().splitlines()] if parsed else []
    return done, parsed, calls


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("WAVEFLOW_")}


def test_run_effort_from_a_plan_file_feeds_the_failing_test_back_and_passes_on_the_second_iteration(remote, tmp_path):
    plan = write_plan(tmp_path, remote.bare)
    done, r, calls = run_from_plan(plan, tmp_path, env={"OPENAI_API_KEY": "sk-agent-secret-1234"})
    assert done.returncode == 0, done.stderr
    assert r.status == "succeeded" and r.agent is not None
    first, second = calls
    # The brief: plan, wave, effort, acceptance, the gates, the ports, the test command.
    brief = first["brief"]
    for said in ("Calculator phase", "Arithmetic", "1.1", "Adder", "feature/adder", "about 40 lines",
                 "Add two numbers", "`add(2, 3) == 5`", "PR Size: <800 lines", "31000", "pytest"):  # fmt: skip
        assert said in brief, said
    assert first["argv"] == ["1"] and second["argv"] == ["2"]
    assert first["extra"] == "from-profile" and first["key"] == "sk-agent-secret-1234"
    assert "test_calc.py::test_add" not in first["feedback"]
    assert "test_calc.py::test_add" in second["feedback"] and "assert" in second["feedback"]

    it1, it2 = r.agent.iterations
    assert (it1.tests_failed, it1.failed_tests) == (1, ["test_calc::test_add"])
    assert (it2.tests_passed, it2.tests_failed) == (1, 0)
    assert (r.agent.cost_usd, r.agent.tokens_in, r.agent.tokens_out, r.agent.model) == (0.5, 2000, 400, "scripted")
    assert r.agent.profile == "scripted" and r.agent.stopped is None
    # Both iterations committed and pushed, each with its trailer; the tests' junit.xml in neither.
    log = git("--git-dir", str(remote.bare), "log", "--format=%B%x00", "feature/adder").split("\0")
    assert sum("Waveflow-Iteration: 1" in m for m in log) == 1 and sum("Waveflow-Iteration: 2" in m for m in log) == 1
    assert r.head == remote.head("feature/adder") and len(r.commits) == 2
    files = git("--git-dir", str(remote.bare), "ls-tree", "--name-only", "feature/adder").split()
    assert "junit.xml" not in files and "calc.py" in files
    # The brief and the feedback are outside the worktree, never committed; the transcripts are kept.
    assert not Path(r.agent.brief_file).is_relative_to(Path(r.worktree))
    assert all(Path(i.transcript).is_file() for i in r.agent.iterations)
    # The agent's key reached the agent only: never the tests, the log or the result.
    assert "sk-agent-secret-1234" not in done.stderr + r.model_dump_json()


def test_the_last_iteration_failing_fails_the_effort_with_its_reason_and_no_retry(remote, tmp_path):
    plan = write_plan(tmp_path, remote.bare, max_iterations=1)
    done, r, calls = run_from_plan(plan, tmp_path)
    assert done.returncode == 1 and len(calls) == 1
    assert (r.status, r.failed_step, r.retryable) == ("failed", "test", False)
    assert "1 failed, 0 passed" in r.failure_reason and "after 1 iteration" in r.failure_reason
    # The work is pushed all the same.
    assert r.pushed and r.head == remote.head("feature/adder")


def test_the_cost_budget_stops_the_loop_and_says_so(remote, tmp_path):
    plan = write_plan(tmp_path, remote.bare, max_cost_usd=0.4)
    done, r, calls = run_from_plan(plan, tmp_path)
    assert done.returncode == 1 and len(calls) == 1
    assert "stopped before iteration 2" in r.agent.stopped and "max_cost_usd $0.40" in r.agent.stopped
    assert r.agent.stopped in r.failure_reason


def test_a_gate_the_change_would_miss_is_fed_back(remote, tmp_path):
    plan_path = write_plan(tmp_path, remote.bare)
    plan = yaml.safe_load(plan_path.read_text())
    plan["gates"] = [{"metric": "PR Size", "target": "<3 lines"}]
    plan_path.write_text(yaml.safe_dump(plan))
    done, r, calls = run_from_plan(plan_path, tmp_path)
    # Tests pass from iteration 2, but the change stays over 3 lines: every iteration is used, the effort succeeds
    # (the gate, not the effort, fails the run) and the record says why the loop ended.
    assert done.returncode == 0, done.stderr
    assert len(calls) == 3
    assert "- PR Size: 6 lines (+6 -0), target < 3 lines\n" in calls[2]["feedback"]
    assert r.agent.iterations[-1].gate_misses and "gates still missed after 3 iterations" in r.agent.stopped


def test_a_rerun_with_the_same_brief_is_memoized_and_a_changed_brief_is_not(remote, tmp_path):
    plan_path = write_plan(tmp_path, remote.bare)
    assert run_from_plan(plan_path, tmp_path)[0].returncode == 0
    again = run_from_plan(plan_path, tmp_path)[1]
    assert again.memoized
    plan = yaml.safe_load(plan_path.read_text())
    plan["gates"] = [{"metric": "PR Size", "target": "<700 lines"}]  # only the brief's gate line changes
    plan_path.write_text(yaml.safe_dump(plan))
    assert not run_from_plan(plan_path, tmp_path)[1].memoized


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "--plan-file needs --effort"),
        (["--effort", "9.9"], "no effort '9.9'; the plan's efforts are 1.1"),
    ],
)
def test_plan_file_refusals(remote, tmp_path, args, said):
    plan = write_plan(tmp_path, remote.bare)
    done = subprocess.run(
        [sys.executable, "-m", "waveflow.cli", "run-effort", "--plan-file", str(plan), *args],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr


def test_a_plain_implement_command_is_a_one_iteration_agent(remote, make_inputs):
    out = run_runner(make_inputs())
    assert out.code == 0, out.stderr
    agent = out.result.agent
    assert agent.profile == "implement" and len(agent.iterations) == 1 and agent.max_iterations == 1
    assert agent.iterations[0].exit_code == 0 and agent.cost_usd is None
