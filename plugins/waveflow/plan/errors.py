"""The only error type a plan reader or the validator raises: every problem at once, each with a location."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        # A problem is one line of output (Airflow's import error, the CLI): a newline taken from a plan's own text
        # would forge another `path:line:` entry.
        if "\n" in self.message or "\r" in self.message:
            object.__setattr__(self, "message", self.message.replace("\r", "\\r").replace("\n", "\\n"))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.severity}: {self.message}"


class PlanError(Exception):
    """A plan that cannot be used; `problems` holds every error (and the warnings found alongside)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __str__(self) -> str:
        # From the problems as they are now: a caller may add the ones it found beside them.
        return "\n".join(str(p) for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class NotAWavePlan(PlanError):
    """A document that is not a wave plan (one effort's plan, a merge order): rejected, not guessed at."""

    def __init__(self, path: str, why: str, line: int | None = None):
        super().__init__([Problem(path, line, "error", f"not a wave plan: {why}")])
