"""Plan options for markdown plans: an optional YAML front matter block (`---` ... `---`) at the top.

Prose and tables carry waves and efforts; what they cannot say (repo, backend, schedule, commands, wave gate) goes in
the front matter, under the same keys as a YAML plan.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import PlanError, Problem
from .model import Plan
from .read_yaml import duplicate_key, yaml_error_place
from .validate import validate
from .yaml_lines import DuplicateKeys, load_with_lines

# Waves, efforts and gates come from the document itself; the front matter may not contradict them.
_ALLOWED = set(Plan.model_fields) - {"waves", "efforts"}


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], dict[str, int], str]:
    """(options, option -> line, body); the body keeps its line numbers (front matter lines become blank)."""
    lines = text.split("\n")
    end = _closing_line(lines)
    if end is None:
        return {}, {}, text
    block = "\n".join(lines[1:end])
    try:
        root = yaml.compose(block, Loader=yaml.SafeLoader)
        # The YAML plan's reader: the same data PyYAML loads, and a key given twice refused, not the last one kept.
        document = load_with_lines(block, {})
    except DuplicateKeys as exc:
        repeats = [duplicate_key(path, key, first + 1, line + 1, "front matter: ") for key, first, line in exc.repeats]
        raise PlanError(repeats) from None
    except yaml.YAMLError as exc:
        line, reason = yaml_error_place(exc, block)
        raise PlanError([Problem(path, line + 1, "error", f"malformed front matter: {reason}")]) from None
    data = (document[0] if document else None) or {}
    if not isinstance(data, dict):
        raise PlanError([Problem(path, 2, "error", "front matter must be a YAML mapping of plan options")])
    key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in getattr(root, "value", [])}
    body = "\n" * end + "\n".join(lines[end:])
    return data, key_lines, body


def _closing_line(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter, or None when the document has none."""
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i in range(1, min(len(lines), 500)) if lines[i].strip() in ("---", "...")), None)


def as_fence(text: str) -> str:
    """The document with its front matter as a fenced YAML block on the same lines: what another tool's front matter
    says about the efforts (a tracker's `tasks:` with their `dependencies:`) is read as the document's own."""
    lines = text.split("\n")
    end = _closing_line(lines)
    if end is None:
        return text
    return "\n".join(["```yaml", *lines[1:end], "```", *lines[end + 1 :]])


def foreign_front_matter(options: dict[str, Any]) -> bool:
    """Front matter written for another tool (a task tracker's `id`, `status`, `created`; a docs site's `sidebar`; a
    note's `author`): none of its keys a plan option but the name or title every tool has, and three keys or more or
    none that looks like a plan option misspelt. A plan's own front matter with a typo (`backed:`) keeps its other
    options, and the typo is refused."""
    keys = set(map(str, options))
    if keys & (_ALLOWED - {"name", "title"}):
        return False
    if len(keys) >= 3:
        return True
    plan_like = keys & set(Plan.model_fields) or any(get_close_matches(k, _ALLOWED, n=1, cutoff=0.75) for k in keys)
    return not plan_like


def one_task(options: dict[str, Any]) -> str | None:
    """The id of the task a tracker's front matter describes (`id: TASK-FB-W3` with a `status`): the document is
    that one task's file, whatever waves its text mentions."""
    ident = str(options.get("id", ""))
    single = "status" in options and (ident.upper().startswith("TASK-") or "task_type" in options)
    return ident if single else None


def unknown_options(options: dict[str, Any], key_lines: dict[str, int], path: str) -> list[Problem]:
    return [
        # A key YAML reads as another type (`~:`, `true:`) is written otherwise: the front matter's first line then
        Problem(path, key_lines.get(str(k), 1), "error", f"front matter: {k!r} is not a plan option")
        for k in options
        if k not in _ALLOWED
    ]


def apply_front_matter(plan: Plan, options: dict[str, Any], key_lines: dict[str, int]) -> Plan:
    """The plan with its front matter's options. A wrong option is refused together with every problem the rest of
    the plan has: one typo must not hide the others."""
    if not options:
        return plan
    unknown = unknown_options(options, key_lines, plan.source.path)
    if unknown:
        known = {k: v for k, v in options.items() if k in _ALLOWED}
        try:
            rest = validate(apply_front_matter(plan, known, key_lines))
        except PlanError as exc:
            rest = exc.problems
        raise PlanError(unknown + rest)
    try:
        # What the document set, and nothing else: a field left at its default stays unset, so the front matter's
        # `defaults` (commands, image, retries...) still apply to it.
        merged = Plan.model_validate(plan.model_dump(exclude_unset=True) | options)
    except ValidationError as exc:
        path = plan.source.path
        raise PlanError(
            [
                Problem(
                    path,
                    key_lines.get(str(e["loc"][0])),
                    "error",
                    f"front matter: {'.'.join(map(str, e['loc']))}: {e['msg']}",
                )
                for e in exc.errors()
            ]
            + validate(plan)
        ) from None
    merged._source = plan.source
    merged.source.locations.update({k: v for k, v in key_lines.items()})
    return merged
