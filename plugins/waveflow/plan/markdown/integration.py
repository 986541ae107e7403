"""Where a document names the branch its efforts meet on (`**Target Integration Branch:** `phase1-integration``):
the plan's integration branch. A document that names none does not integrate unless its front matter says so."""

from __future__ import annotations

import re

_TARGET = re.compile(
    r"^[ \t>*_-]*(?:target[ \t]+)?integration[ \t]+branch[*_ \t]*:[*_ \t]*`([^`\s]+)`", re.IGNORECASE | re.MULTILINE
)


def integration_branch(text: str) -> tuple[str, int] | None:
    """(the branch, its line), from the first line that names one."""
    m = _TARGET.search(text)
    if m is None:
        return None
    return m[1], text.count("\n", 0, m.start()) + 1
