"""The agent CLIs the runner knows: the argv each runs by default, where its API key comes from, and how its output
says what an iteration cost. Any other agent is a `command` of its own, and may write `WAVEFLOW_AGENT_REPORT`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from . import parse
from .parse import Usage

# The prompt every built-in adapter gets: the brief and the feedback are files, so the argv stays short and no
# document text ever reaches a command line.
PROMPT = (
    "Do the task described in the file {brief_file}. Read {feedback_file} first: it says what to do in this "
    "iteration ({iteration}) and what the previous one left failing. Work in the current directory; do not commit "
    "or push, the runner does."
)


_ACCEPT_EDITS = ("--permission-mode", "acceptEdits")


@dataclass(frozen=True)
class Adapter:
    name: str
    command: tuple[str, ...]
    key_vars: tuple[str, ...]  # where the CLI reads its API key from (any one of them)
    read_usage: Callable[[str], Usage]
    scratch: tuple[str, ...] = ()  # files the CLI leaves in the worktree that are not the change (git exclude patterns)
    model_at: int = 1  # where `--model` goes: after the executable, or after its subcommand (`codex exec`)

    def argv(self, model: str | None) -> list[str]:
        """The default argv, with `--model` when the profile names one."""
        argv = list(self.command)
        if model:
            argv[self.model_at : self.model_at] = ["--model", model]
        return argv


ADAPTERS: dict[str, Adapter] = {
    "claude-code": Adapter(
        "claude-code",
        # Claude Code reads only its working directories: `--add-dir` lets it read the brief and feedback files.
        ("claude", "-p", PROMPT, "--add-dir", "{agent_dir}", "--output-format", "json", *_ACCEPT_EDITS),
        ("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"),
        parse.claude_code,
    ),
    "codex": Adapter(
        "codex",
        # Commands the model runs may write the worktree only (Codex 0.171 dropped `--full-auto` for this).
        ("codex", "exec", "--json", "--sandbox", "workspace-write", "--skip-git-repo-check", PROMPT),
        ("OPENAI_API_KEY", "CODEX_API_KEY"),
        parse.codex,
        model_at=2,
    ),
    "aider": Adapter(
        "aider",
        (
            "aider",
            "--yes-always",
            "--no-auto-commits",
            "--no-check-update",
            "--no-show-model-warnings",
            "--no-pretty",
            "--no-stream",
            "--no-gitignore",
            "--analytics-disable",
            "--read",
            "{brief_file}",
            "--message-file",
            "{feedback_file}",
        ),
        ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY", "DEEPSEEK_API_KEY", "GEMINI_API_KEY"),
        parse.aider,
        scratch=(".aider*",),
    ),
}
_BY_EXECUTABLE = {"claude": "claude-code", "codex": "codex", "aider": "aider"}


def adapter_for(adapter: str | None, command: list[str] | None) -> Adapter | None:
    """The profile's adapter, else the one its command's executable names; None for any other agent."""
    if adapter:
        return ADAPTERS[adapter]
    if command:
        return ADAPTERS.get(_BY_EXECUTABLE.get(PurePath(command[0]).name, ""))
    return None


__all__ = ["ADAPTERS", "Adapter", "Usage", "adapter_for"]
