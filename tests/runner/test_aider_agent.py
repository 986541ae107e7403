"""A real agent CLI end to end: aider, installed in its own virtualenv as a user installs it (`make agents`), does an
effort of a plan through `run-effort --plan-file`. The model behind it is the one stand-in: a local endpoint whose
scripted first answer leaves a test failing; the second answer, to the feedback that names the test, fixes it."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from agent_endpoint import chat_endpoint, messages_text
from gitrepo import git, run_plan_effort

from waveflow.gates.registry import evaluate_gates
from waveflow.gates.report import RunInfo, write_report
from waveflow.plan.load import read_plan

REPO = Path(__file__).resolve().parents[2]
MODEL = "openai/scripted-coder"
TESTS = "test_calc.py\n```python\nfrom calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n```\n"


def aider_bin() -> Path | None:
    for candidate in (os.environ.get("WAVEFLOW_AIDER"), REPO / ".work" / "agents" / "aider" / "bin" / "aider"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("aider")
    return Path(found) if found else None


def scripted(body: dict) -> str:
    """The model: a wrong adder first; the right one once the feedback names the failing test."""
    fixed = "test_calc::test_add" in messages_text(body)
    op = "+" if fixed else "-"
    return f"calc.py\n```python\ndef add(a, b):\n    return a {op} b\n```\n\n" + ("" if fixed else TESTS)


@pytest.mark.slow
def test_aider_does_an_effort_in_two_iterations_and_the_report_shows_its_cost(remote, tmp_path):
    aider = aider_bin()
    if aider is None:
        pytest.skip("aider is not installed: `make agents` installs it in its own virtualenv")
    prices = tmp_path / "model-metadata.json"
    prices.write_text(json.dumps({MODEL: {
        "max_input_tokens": 128000, "max_output_tokens": 4096, "litellm_provider": "openai", "mode": "chat",
        "input_cost_per_token": 0.001, "output_cost_per_token": 0.002,
    }}))  # fmt: skip
    with chat_endpoint(scripted) as (url, requests):
        plan_path = tmp_path / "calc.yaml"
        plan_path.write_text(yaml.safe_dump({
            "name": "calc", "title": "Calculator", "repo": str(remote.bare), "backend": "local",
            "defaults": {"agent": "aider", "commands": {"test": [
                "python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=junit.xml", "test_calc.py"]}},
            "agents": {"aider": {"adapter": "aider", "model": MODEL, "max_iterations": 3, "env": {
                "OPENAI_API_BASE": url, "AIDER_MODEL_METADATA_FILE": str(prices), "AIDER_EDIT_FORMAT": "whole"}}},
            "waves": [{"number": 1, "name": "Arithmetic"}],
            "efforts": [{"id": "1.1", "name": "Adder", "wave": 1, "branch": "feature/adder", "agent": "Agent-1",
                         "brief": "Write `calc.add(a, b)` returning the sum, and a test of it."}],
            "gates": [{"metric": "Agent Cost", "target": "<$5 per effort"}],
        }))  # fmt: skip
        env = {
            "OPENAI_API_KEY": "sk-scripted-endpoint-key",
            "HOME": str(tmp_path / "home"),  # aider keeps its settings there, as for a new user
            "PATH": os.pathsep.join([os.environ.get("PATH", ""), str(aider.parent)]),
        }
        done = run_plan_effort(plan_path, tmp_path, env)
    assert done.code == 0 and done.result, done.stderr[-4000:]
    r = done.result
    agent = r.agent
    assert agent.adapter == "aider" and agent.model == MODEL and len(agent.iterations) == 2
    first, second = agent.iterations
    assert first.failed_tests == ["test_calc::test_add"] and (second.tests_passed, second.tests_failed) == (1, 0)
    # The model saw the brief (aider's read-only file) first, then the feedback naming the failing test.
    assert "calc.add(a, b)" in messages_text(requests[0])
    assert "test_calc::test_add" not in messages_text(requests[0])
    assert "test_calc::test_add" in messages_text(requests[-1])
    # Cost and tokens as aider printed them, summed over the iterations.
    assert first.tokens_in == 1200 and first.tokens_out == 40 and first.cost_usd == pytest.approx(1.28, abs=0.01)
    assert agent.cost_usd == pytest.approx(first.cost_usd + second.cost_usd)
    # (aider may ask twice in one iteration: it adds a file its answer names to the chat and asks again)
    assert agent.tokens_in == sum(i.tokens_in for i in agent.iterations) >= 2400
    assert agent.tokens_out == sum(i.tokens_out for i in agent.iterations) >= 80
    assert len(requests) == first.turns + second.turns
    # Both iterations on the branch, aider's own files in neither, the key nowhere.
    subjects = git("--git-dir", str(remote.bare), "log", "--format=%B", "feature/adder")
    assert "Waveflow-Iteration: 1" in subjects and "Waveflow-Iteration: 2" in subjects
    tree = git("--git-dir", str(remote.bare), "ls-tree", "--name-only", "feature/adder").split()
    assert "calc.py" in tree and not any(name.startswith(".aider") for name in tree)
    assert "return a + b" in git("--git-dir", str(remote.bare), "show", "feature/adder:calc.py")
    assert "sk-scripted-endpoint-key" not in done.stderr + r.model_dump_json()

    plan = read_plan(plan_path)
    outcomes = evaluate_gates(plan, {"1.1": r})
    assert [o.verdict for o in outcomes] == ["pass"]
    run = RunInfo(dag_id="calc", run_id="manual__1")
    written = write_report(plan, run, {"1.1": r}, outcomes, tmp_path / "report", now=datetime.now(UTC))
    md = written.markdown.read_text()
    assert f"2 of 3 iterations, ${agent.cost_usd:.2f}, {agent.tokens_in:,} in, {agent.tokens_out:,} out tokens" in md
    assert "| 1.1 | aider (aider) | openai/scripted-coder | 2 | 0 | 1 passed, 0 failed |" in md
