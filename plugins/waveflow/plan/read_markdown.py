"""Markdown wave plans as people write them (placeholder until the reader lands)."""

from __future__ import annotations

from .errors import PlanError, Problem
from .model import Plan


def read_markdown(text: str, path: str = "<plan>") -> Plan:
    raise PlanError([Problem(path, None, "error", "markdown reader not built yet")])
