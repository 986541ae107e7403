"""What a gate found: one row per effort (or per wave, or overall) and the gate's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["pass", "fail", "no data"]


@dataclass(frozen=True)
class Row:
    effort: str  # an effort id, or a label such as `overall` or `wave 2`
    value: float | None
    shown: str  # the value as the table prints it, or why there is none
    target: str
    verdict: Verdict
    note: str = ""  # what made it fail, or why there is no data


@dataclass
class GateOutcome:
    metric: str
    target: str
    required: bool
    rows: list[Row] = field(default_factory=list)
    error: str | None = None  # the gate could not be evaluated at all

    @property
    def verdict(self) -> Verdict:
        if self.error or any(r.verdict == "fail" for r in self.rows):
            return "fail"
        if any(r.verdict == "pass" for r in self.rows):
            return "fail" if self.required and self.missing else "pass"
        return "fail" if self.required else "no data"

    @property
    def passed(self) -> bool:
        return self.verdict != "fail"

    @property
    def failing(self) -> list[str]:
        """Who made the gate fail: failed rows, and rows without data when the gate is required."""
        return [r.effort for r in self.rows if r.verdict == "fail" or (self.required and r.verdict == "no data")]

    @property
    def missing(self) -> list[str]:
        return [r.effort for r in self.rows if r.verdict == "no data"]

    def row_for(self, effort: str) -> Row | None:
        return next((r for r in self.rows if r.effort == effort), None)

    def summary(self) -> str:
        head = f"{self.metric} ({self.target}): {self.verdict.upper()}"
        if self.error:
            return f"{head}: {self.error}"
        if self.failing:
            return f"{head}: {', '.join(self.failing)}"
        return head

    def table(self) -> str:
        """A plain text table for the task log."""
        header = ("effort", "value", "target", "verdict", "note")
        body = [(r.effort, r.shown, r.target, r.verdict, r.note) for r in self.rows]
        widths = [max(len(str(c)) for c in col) for col in zip(header, *body, strict=True)]
        lines = [self.summary()]
        if self.error is None:
            lines += [_line(header, widths), _line(tuple("-" * w for w in widths), widths)]
            lines += [_line(row, widths) for row in body]
        if self.required and self.missing:
            lines.append("no data fails this gate: it is required")
        return "\n".join(lines)


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
