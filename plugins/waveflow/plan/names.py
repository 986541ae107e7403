"""Name rules: Kubernetes (RFC 1123, labels), git refs (`git check-ref-format`), and what a shell would interpret.

Each check returns why a value is unacceptable, or None.
"""

from __future__ import annotations

import re

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_LABEL_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Characters a POSIX shell gives meaning to; plan text never reaches a shell, but refusing them keeps it so everywhere
# (logs copied into terminals, users' own scripts).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SHELL = re.compile(r"[;&|$`<>(){}!*?\\\"'\s#]")
# Letters, digits, `_` and `-`, in parts joined by single slashes, the first not starting with `-`: such a name breaks
# no rule of `branch_name_problem`, and most names are such.
# `#37`: efforts that are the issues they close keep the issue's name; every place an id reaches (task ids, labels,
# branches) takes a form of it made for that place.
# Ids a document gives in its own words, kept as written: an issue (`#37`) or a unit of work and its number (`PR 3`,
# `Task 12`). They never reach a shell (commands are argv lists), and labels and task ids are made from them safely.
UNIT = r"(?:PR|Task|Ticket|Issue|Story)"  # the units of work a document numbers: `PR 3`, `Task 1.2`
UNIT_NUMBER = r"\d+[a-z]?(?:\.\d+)*"
ISSUE_ID = re.compile(rf"#\d+|{UNIT} {UNIT_NUMBER}", re.I)
_PLAIN_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*(?:/[A-Za-z0-9_-]+)*")


def shell_problem(value: str) -> str | None:
    m = _SHELL.search(value)
    if m:
        shown = {"\n": "newline", "\r": "carriage return", "\t": "tab", " ": "space"}.get(m.group(), m.group())
        return f"contains {shown!r}, a character a shell would interpret"
    return None


def dns_label_problem(value: str) -> str | None:
    if len(value) > 63 or not _DNS_LABEL.match(value):
        return "not a valid Kubernetes name (RFC 1123 label: lowercase letters, digits and '-', at most 63)"
    return None


def label_problem(value: str, key: bool = False) -> str | None:
    if key:
        prefix, _, name = value.rpartition("/")
        if prefix and (len(prefix) > 253 or not _LABEL_PREFIX.match(prefix)):
            return "label key prefix is not a DNS subdomain"
        value = name
        if not value:
            return "empty label key"
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        return "not a valid Kubernetes label value (letters, digits, '-', '_', '.', at most 63)"
    return None


def branch_name_problem(name: str) -> str | None:
    """The rules of `git check-ref-format --branch`."""
    if name == "HEAD":
        return "'HEAD' is not a valid branch name"
    if _PLAIN_BRANCH.fullmatch(name):
        return None
    if not name:
        return "empty branch name"
    if name.startswith("-"):
        return "a branch name cannot start with '-'"
    if name == "@":
        return "'@' is not a valid branch name"
    if _CONTROL.search(name):
        return "control characters are not allowed in a branch name"
    for bad in (" ", "~", "^", ":", "?", "*", "[", "\\", "..", "@{", "//"):
        if bad in name:
            return f"{bad!r} is not allowed in a git branch name"
    if name.startswith("/") or name.endswith("/") or name.endswith("."):
        return "a git branch name cannot start or end with '/' or end with '.'"
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "no path component of a git branch name may start with '.' or end with '.lock'"
    return None


# Where git keeps notes (the runner records each effort's result under refs/notes/waveflow): no branch to build on.
NOTES_PREFIX = "refs/notes/"


def base_ref_problem(ref: str) -> str | None:
    """The ref every effort of a run starts from: the plan's `base_ref`, and a run's `base_ref` parameter."""
    if ref.startswith(NOTES_PREFIX):
        return f"it is under {NOTES_PREFIX}, where git keeps notes, not commits to build on"
    return branch_name_problem(ref)
