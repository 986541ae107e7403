"""Gate targets as plans write them: `>80%`, `<5% variance`, `100% recovery`, `<800 lines`, `<$5 per effort`,
`All APIs documented`.

A target is either a comparison (an operator, a number and a unit; words after the unit only describe it) or a word
target ("all", "no", "none", "every", "zero") meaning nothing may fall short. Which way a bare number points, and what
"nothing falls short" means in numbers, depends on the metric, so the evaluator supplies both.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Op = Literal[">", ">=", "<", "<=", "="]

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
}
# Spellings people use for the five operators, longest first so `>=` wins over `>`.
_OP_WORDS: dict[str, Op] = {
    ">=": ">=",
    "=>": ">=",
    "≥": ">=",
    "at least": ">=",
    "min": ">=",
    "minimum": ">=",
    "<=": "<=",
    "=<": "<=",
    "≤": "<=",
    "at most": "<=",
    "max": "<=",
    "maximum": "<=",
    "up to": "<=",
    "no more than": "<=",
    "not more than": "<=",
    "no less than": ">=",
    "not less than": ">=",
    "==": "=",
    "=": "=",
    "exactly": "=",
    ">": ">",
    "over": ">",
    "above": ">",
    "more than": ">",
    "<": "<",
    "under": "<",
    "below": "<",
    "less than": "<",
    "fewer than": "<",
}
_OP_PATTERN = "|".join(re.escape(w) for w in sorted(_OP_WORDS, key=len, reverse=True))
_COMPARISON = re.compile(
    rf"(?:(?P<op>{_OP_PATTERN})\s*)?(?P<dollar>\$\s*)?(?P<num>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<unit>%|percent\b|lines?\b|loc\b|usd\b|dollars?\b)?",
    re.IGNORECASE,
)
_WORD_TARGET = re.compile(r"\b(all|every|no|none|zero|full|fully|complete)\b", re.IGNORECASE)
_UNITS = {"%": "%", "percent": "%", "line": "lines", "lines": "lines", "loc": "lines", "usd": "usd", "dollar": "usd",
          "dollars": "usd"}  # fmt: skip


class TargetError(ValueError):
    """A target no rule can read; the message says what was expected."""


@dataclass(frozen=True)
class Target:
    text: str
    op: Op | None = None  # None: a bare number; the metric says which way it points
    value: float | None = None  # None: a word target, nothing may fall short
    unit: str = ""  # "%", "lines" or "" (a plain count)

    @property
    def is_word(self) -> bool:
        return self.value is None

    def threshold(self, default_op: Op, perfect: float) -> tuple[Op, float]:
        """The comparison a measured value must satisfy.

        `default_op` is the direction of a bare number (`100% recovery` means at least 100); `perfect` is what a word
        target means in numbers (`All APIs documented` is at most 0 undocumented).
        """
        if self.value is None:
            return default_op, perfect
        return self.op or default_op, self.value

    def met(self, value: float, default_op: Op, perfect: float) -> bool:
        op, limit = self.threshold(default_op, perfect)
        return _OPS[op](value, limit)

    def describe(self, default_op: Op, perfect: float) -> str:
        op, limit = self.threshold(default_op, perfect)
        if self.unit == "usd":
            return f"{op} ${limit:g}"
        unit = "%" if self.unit == "%" else f" {self.unit}" if self.unit else ""
        return f"{op} {limit:g}{unit}"

    def __str__(self) -> str:
        return self.text


def parse_target(text: str) -> Target:
    """Read a target; raises TargetError for text with neither a number nor a word target."""
    stripped = " ".join(text.split())
    found = list(_COMPARISON.finditer(stripped))
    # A number with an operator is the threshold; a bare one may only be a label (`Phase 2: >80%`).
    m = next((c for c in found if c.group("op")), found[0] if found else None)
    if m:
        op = _OP_WORDS[m.group("op").lower()] if m.group("op") else None
        value = float(m.group("num").replace(",", ""))
        unit = "usd" if m.group("dollar") else _UNITS.get((m.group("unit") or "").lower(), "")
        return Target(stripped, op, value, unit)
    if _WORD_TARGET.search(stripped):
        return Target(stripped)
    if not stripped:
        raise TargetError("the gate has no target")
    raise TargetError(
        f"cannot read target {text!r}: write a comparison such as `>80%`, `<5% variance`, `<800 lines`, `>= 90 %`, "
        "or a word target such as `All APIs documented` or `No conflicts`"
    )
