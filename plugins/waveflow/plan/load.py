"""Read any plan file: the format follows the file's suffix."""

from __future__ import annotations

from pathlib import Path

from .errors import PlanError, Problem
from .front_matter import apply_front_matter, split_front_matter, unknown_options
from .model import Plan
from .read_yaml import read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
PLAN_SUFFIXES = YAML_SUFFIXES + MARKDOWN_SUFFIXES
MAX_PLAN_BYTES = 2 * 1024 * 1024


def read_text(text: str, path: str) -> Plan:
    suffix = Path(path).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        # markdown-it and the reader's patterns: a tenth of a DAG file's import, which a YAML plan does without.
        from .read_markdown import read_markdown

        options, key_lines, body = split_front_matter(text, path)
        try:
            plan = read_markdown(body, path)
        except PlanError as exc:
            # A refused document (NotAWavePlan...) keeps its kind; a wrong option is said first.
            exc.problems[:0] = unknown_options(options, key_lines, path)
            raise
        return apply_front_matter(plan, options, key_lines)
    if suffix in YAML_SUFFIXES:
        return read_yaml(text, path)
    raise PlanError([Problem(path, None, "error", f"unknown plan format {suffix!r}: use one of {PLAN_SUFFIXES}")])


def read_plan(path: str | Path) -> Plan:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanError([Problem(str(p), None, "error", f"plan is {size} bytes; the limit is {MAX_PLAN_BYTES}")])
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([Problem(str(p), None, "error", f"cannot read plan: {exc}")]) from None
    return read_text(text, str(p))
