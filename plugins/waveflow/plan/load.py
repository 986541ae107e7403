"""Read any plan file: the format follows the file's suffix."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import NotAWavePlan, PlanError, Problem
from .front_matter import (
    apply_front_matter,
    as_fence,
    foreign_front_matter,
    one_task,
    split_front_matter,
    unknown_options,
)
from .model import Plan
from .read_yaml import read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
PLAN_SUFFIXES = YAML_SUFFIXES + MARKDOWN_SUFFIXES
MAX_PLAN_BYTES = 2 * 1024 * 1024


def read_text(text: str, path: str) -> Plan:
    # A byte order mark is how some editors save UTF-8, not text: left in, it hides a markdown plan's front matter.
    text = text.removeprefix("\ufeff")
    suffix = Path(path).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        # markdown-it and the reader's patterns: a tenth of a DAG file's import, which a YAML plan does without.
        from .read_markdown import read_markdown

        options, key_lines, body = split_front_matter(text, path)
        if foreign_front_matter(options):
            task = one_task(options)
            if task:
                raise NotAWavePlan(path, f"it is one task's file (front matter `id: {task}`), not efforts in waves", 2)
            body = as_fence(text) if options else body
            options, key_lines = {}, {}  # a docs site's or a tracker's fields (sidebar, status...): not ours
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
    where = str(p)
    try:
        # Non-blocking: a FIFO in a plan's place must not hang the open; it is refused below, unread.
        with os.fdopen(os.open(p, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
            kind = _not_a_file(os.fstat(f.fileno()).st_mode)
            if kind:
                why = f"this is a {kind}, not a file: a plan is read from a regular file only (nothing was read)"
                raise PlanError([Problem(where, None, "error", why)])
            # Never more than the limit: a file may grow, and /proc files say they are empty.
            data = f.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise PlanError([Problem(where, None, "error", f"cannot read plan: {exc.strerror or exc}")]) from None
    if len(data) > MAX_PLAN_BYTES:
        line = data.count(b"\n", 0, MAX_PLAN_BYTES) + 1
        size = max(len(data), p.stat().st_size)
        why = f"plan is {size} bytes; the limit is {MAX_PLAN_BYTES}, reached on this line"
        raise PlanError([Problem(where, line, "error", why)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        why = f"not UTF-8: byte 0x{data[exc.start]:02x} at column {exc.start - line_start + 1}; save the plan as UTF-8"
        raise PlanError([Problem(where, line, "error", why)]) from None
    return read_text(text, where)


def _not_a_file(mode: int) -> str | None:
    for test, kind in (
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "special file"
