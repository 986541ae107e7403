"""The built-in adapters: the argv each runs, and what they read from output in the formats the CLIs document."""

from __future__ import annotations

import json

import pytest

from waveflow.runner.agents import ADAPTERS, adapter_for, parse
from waveflow.runner.contract import RunnerInputs
from waveflow.runner.loop import fill, profile_of

# `claude -p --output-format json`: one result object (fields as Claude Code documents them).
CLAUDE = json.dumps({
    "type": "result", "subtype": "success", "is_error": False, "duration_ms": 41250, "num_turns": 7,
    "result": "Implemented the harness.", "session_id": "5b1c", "total_cost_usd": 0.4213,
    "usage": {"input_tokens": 31, "cache_creation_input_tokens": 9000, "cache_read_input_tokens": 52000,
              "output_tokens": 2450},
    "modelUsage": {"claude-sonnet-4-5": {"inputTokens": 31, "outputTokens": 2450}},
})  # fmt: skip
# `codex exec --json`: one event per line; usage on each completed turn, no cost.
CODEX = "\n".join(json.dumps(e) for e in [
    {"type": "thread.started", "thread_id": "0199"},
    {"type": "turn.started"},
    {"type": "item.completed", "item": {"id": "item_0", "type": "agent_message", "text": "Editing store.py"}},
    {"type": "turn.completed", "usage": {"input_tokens": 24763, "cached_input_tokens": 24448, "output_tokens": 122}},
    {"type": "turn.started"},
    {"type": "turn.completed", "usage": {"input_tokens": 1000, "cached_input_tokens": 0, "output_tokens": 78}},
])  # fmt: skip
AIDER = """Aider v0.86.2
Model: anthropic/claude-sonnet-4-5 with diff edit format, infinite output
Git repo: .git with 41 files
Tokens: 4.5k sent, 1.2k cache hit, 429 received. Cost: $0.0182 message, $0.0182 session.
Applied edit to src/shelf/store.py
Tokens: 12,450 sent, 3,200 received. Cost: $0.052 message, $0.0702 session.
"""


def test_claude_code_output():
    u = parse.claude_code("some progress on stderr\n" + CLAUDE)
    assert (u.cost_usd, u.tokens_in, u.tokens_out, u.turns, u.model) == (0.4213, 61031, 2450, 7, "claude-sonnet-4-5")


def test_codex_output_has_tokens_and_turns_but_no_cost():
    u = parse.codex(CODEX)
    assert (u.cost_usd, u.tokens_in, u.tokens_out, u.turns) == (None, 25763, 200, 2)


def test_aider_output_sums_its_messages():
    u = parse.aider(AIDER)
    assert (u.tokens_in, u.tokens_out, u.turns, u.model) == (16950, 3629, 2, "anthropic/claude-sonnet-4-5")
    assert u.cost_usd == pytest.approx(0.0702)


@pytest.mark.parametrize("reader", [parse.claude_code, parse.codex, parse.aider])
def test_unreadable_output_gives_no_usage(reader):
    assert reader("Traceback (most recent call last):\n  boom\n{not json") == parse.Usage()


def test_an_agent_report_file_wins_over_parsed_output(tmp_path):
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"cost_usd": 1.5, "model": "local-7b", "turns": 3}))
    written, problem = parse.report_file(report)
    merged = parse.codex(CODEX).merged(written)
    assert problem is None and (merged.cost_usd, merged.model, merged.turns, merged.tokens_out) == (
        1.5,
        "local-7b",
        3,
        200,
    )
    report.write_text("[1, 2]")
    assert parse.report_file(report)[1] == "agent report r.json is not a JSON object"
    assert parse.report_file(tmp_path / "absent.json") == (parse.Usage(), None)


def test_adapters_argv_model_and_detection():
    assert adapter_for(None, ["/opt/bin/claude", "-p", "x"]) is ADAPTERS["claude-code"]
    assert adapter_for(None, ["./my-agent.sh"]) is None
    claude = ADAPTERS["claude-code"].argv("claude-opus-4")
    assert claude[:3] == ["claude", "--model", "claude-opus-4"] and "--output-format" in claude
    assert ADAPTERS["codex"].argv(None)[:3] == ["codex", "exec", "--json"]
    assert ADAPTERS["codex"].argv("gpt-5-codex")[:5] == ["codex", "exec", "--model", "gpt-5-codex", "--json"]
    aider = ADAPTERS["aider"].argv("openai/gpt-5")
    assert aider[:3] == ["aider", "--model", "openai/gpt-5"] and "--no-auto-commits" in aider


def test_a_profile_without_a_command_runs_its_adapters_argv_with_placeholders_filled():
    profile = json.dumps({"name": "claude", "adapter": "claude-code", "model": "claude-opus-4", "max_iterations": 2})
    inputs = RunnerInputs(plan="p", effort="1.1", repo="r", branch="b", agent_profile=profile)
    p = profile_of(inputs)
    assert p is not None and (p.name, p.max_iterations, p.adapter.name) == ("claude", 2, "claude-code")
    argv = fill(p.command, {"brief_file": "/s/brief.md", "feedback_file": "/s/feedback-2.md", "iteration": "2"})
    prompt = argv[argv.index("-p") + 1]
    assert "/s/brief.md" in prompt and "/s/feedback-2.md" in prompt and "(2)" in prompt
    # `{` and `}` that are not placeholders stay as they are (no str.format).
    assert fill(['--json={"a": 1}', "{effort_id}"], {"effort_id": "1.1"}) == ['--json={"a": 1}', "1.1"]
