"""Claude Code and Codex, the real CLIs from npm (`make agents` installs them under `.work/agents/npm`), each do an
effort of a plan through `run-effort --plan-file` with their built-in adapter's argv. The model behind them is the
one stand-in: a local endpoint in the wire format each CLI speaks, whose scripted model reads the brief and the
feedback file with the CLI's own tools, writes a wrong adder first and the right one once the feedback names the
failing test. The CLIs run those tool calls themselves: the files in the worktree are their work."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from agent_endpoint import (
    TOKENS_IN,
    TOKENS_OUT,
    Answer,
    messages_endpoint,
    messages_text,
    responses_endpoint,
    tool_rounds,
)
from gitrepo import git, run_plan_effort

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-scripted-endpoint-key"
BRIEF = "Write `calc.add(a, b)` returning the sum, and a test of it."
FAILING = "test_calc::test_add"
TEST_CALC = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"


def calc(fixed: bool) -> str:
    return f"def add(a, b):\n    return a {'+' if fixed else '-'} b\n"


def npm_bin(name: str) -> Path | None:
    for candidate in (REPO / ".work" / "agents" / "npm" / "node_modules" / ".bin" / name, shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def prompt_files(text: str) -> tuple[str, str]:
    """The brief and feedback files the adapter's prompt names."""
    m = re.search(r"described in the file (\S+)\. Read (\S+) first", text)
    assert m, "the adapter's prompt names the brief and the feedback file"
    return m[1], m[2]


def claude_model(body: dict[str, Any]) -> Answer:
    """Read the brief, the feedback and calc.py (Claude Code's Write refuses a file it has not read), then write."""
    text = messages_text(body)
    brief, feedback = prompt_files(text)
    cwd = re.search(r"Primary working directory: (\S+)", text)
    assert cwd, "Claude Code tells the model its working directory"
    rounds = tool_rounds(body)
    if rounds == 0:
        return Answer([("Read", {"file_path": p}) for p in (brief, feedback, f"{cwd[1]}/calc.py")])
    if rounds == 1:
        fixed = FAILING in text
        writes = [("Write", {"file_path": f"{cwd[1]}/calc.py", "content": calc(fixed)})]
        if not fixed:
            writes.append(("Write", {"file_path": f"{cwd[1]}/test_calc.py", "content": TEST_CALC}))
        return Answer(writes)
    return Answer(text="Done.")


def codex_model(body: dict[str, Any]) -> Answer:
    """Read the brief and the feedback with a shell command, then write the files with another."""
    text = messages_text(body)
    brief, feedback = prompt_files(text)
    rounds = tool_rounds(body)
    if rounds == 0:
        return Answer([("exec_command", {"cmd": f"cat '{brief}' '{feedback}'"})])
    if rounds == 1:
        fixed = FAILING in text
        cmd = f"cat > calc.py <<'EOF'\n{calc(fixed)}EOF\n"
        if not fixed:
            cmd += f"cat > test_calc.py <<'EOF'\n{TEST_CALC}EOF\n"
        return Answer([("exec_command", {"cmd": cmd})])
    return Answer(text="Done.")


def claude_setup(url: str, home: Path) -> dict[str, Any]:
    # The CLI appends /v1/messages to the base URL; nonessential traffic (telemetry, update checks) has no network.
    return {"ANTHROPIC_BASE_URL": url.removesuffix("/v1"), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}


def codex_setup(url: str, home: Path) -> dict[str, Any]:
    # A provider of the user's own, as Codex configures one: its config.toml in CODEX_HOME.
    codex_home = home / "codex"
    codex_home.mkdir(parents=True)
    (codex_home / "config.toml").write_text(
        'model_provider = "scripted"\n\n[model_providers.scripted]\nname = "scripted"\n'
        f'base_url = "{url}"\nenv_key = "OPENAI_API_KEY"\nwire_api = "responses"\n'
    )
    return {"CODEX_HOME": str(codex_home)}


AGENTS: dict[str, tuple[str, str, Callable[..., Any], Callable[[dict[str, Any]], Answer], Callable[..., Any]]] = {
    "claude-code": ("claude", "ANTHROPIC_API_KEY", messages_endpoint, claude_model, claude_setup),
    "codex": ("codex", "OPENAI_API_KEY", responses_endpoint, codex_model, codex_setup),
}


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(AGENTS))
def test_the_cli_does_an_effort_in_two_iterations_through_its_adapter(adapter, remote, tmp_path):
    executable, key_var, endpoint, model, setup = AGENTS[adapter]
    cli = npm_bin(executable)
    if cli is None:
        pytest.skip(f"{executable} is not installed: `make agents` installs it from npm under .work/agents/npm")
    home = tmp_path / "home"
    home.mkdir()
    with endpoint(model) as (url, requests):
        plan_path = tmp_path / "calc.yaml"
        plan_path.write_text(yaml.safe_dump({
            "name": "calc", "title": "Calculator", "repo": str(remote.bare), "backend": "local",
            "defaults": {"agent": "coder", "commands": {"test": [
                "python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=junit.xml", "test_calc.py"]}},
            "agents": {"coder": {"adapter": adapter, "max_iterations": 3, "env": setup(url, home)}},
            "waves": [{"number": 1, "name": "Arithmetic"}],
            "efforts": [{"id": "1.1", "name": "Adder", "wave": 1, "branch": "feature/adder", "agent": "Agent-1",
                         "brief": BRIEF}],
        }))  # fmt: skip
        path = os.pathsep.join([str(cli.parent), os.environ.get("PATH", "")])
        done = run_plan_effort(plan_path, tmp_path, {key_var: KEY, "HOME": str(home), "PATH": path})
    assert done.code == 0 and done.result, done.stderr[-4000:]
    r = done.result
    agent = r.agent
    assert agent is not None and agent.adapter == adapter and len(agent.iterations) == 2
    first, second = agent.iterations
    assert first.failed_tests == [FAILING] and (second.tests_passed, second.tests_failed) == (1, 0)
    # Each iteration is one conversation: the brief reached the model through the CLI's own file tool, and the
    # second iteration's feedback file named the failing test (the first's did not).
    starts = [i for i, body in enumerate(requests) if tool_rounds(body) == 0]
    assert len(starts) == 2
    first_reads, second_reads = requests[starts[0] + 1], requests[starts[1] + 1]
    assert BRIEF in messages_text(first_reads) and FAILING not in messages_text(first_reads)
    assert BRIEF in messages_text(second_reads) and FAILING in messages_text(second_reads)
    # Tokens as the CLI reported them, one scripted answer at a time; Claude Code prices them, Codex does not.
    assert (agent.tokens_in, agent.tokens_out) == (len(requests) * TOKENS_IN, len(requests) * TOKENS_OUT)
    if adapter == "claude-code":
        assert first.cost_usd and second.cost_usd and agent.cost_usd == pytest.approx(first.cost_usd + second.cost_usd)
    else:
        assert agent.cost_usd is None and first.turns == 1
    # Both iterations on the branch, the right adder last, nothing of the CLI's own, the key nowhere.
    bodies = git("--git-dir", str(remote.bare), "log", "--format=%B", "feature/adder")
    assert "Waveflow-Iteration: 1" in bodies and "Waveflow-Iteration: 2" in bodies
    tree = git("--git-dir", str(remote.bare), "ls-tree", "-r", "--name-only", "feature/adder").split()
    assert sorted(tree) == ["README", "calc.py", "test_calc.py"]
    assert "return a + b" in git("--git-dir", str(remote.bare), "show", "feature/adder:calc.py")
    transcripts = "".join(Path(i.transcript).read_text() for i in agent.iterations if i.transcript)
    assert KEY not in done.stderr + r.model_dump_json() + transcripts
