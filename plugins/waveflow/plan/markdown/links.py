"""A tracker's `Linked issues` cell (`is blocked by BILL-11, relates to BILL-20`): each link says how the issues
relate; only the blocking ones are dependencies."""

from __future__ import annotations

import re

from .text import plain

_DEPENDS = re.compile(
    r"^(?:is\s+)?(?:blocked\s+(?:by|on)|depends\s+on|dependent\s+on|requires|needs|waits\s+for|after)\b\s*:?\s*", re.I
)
_BLOCKS = re.compile(
    r"^(?:blocks|unblocks|enables|is\s+a\s+blocker\s+(?:of|for)|is\s+(?:depended\s+on|required|needed)\s+by)\b\s*:?\s*",
    re.I,
)
# Links that relate two issues without ordering them.
_OTHER = re.compile(
    r"^(?:(?:is\s+)?relate[ds]?\s+to|(?:is\s+)?duplicate[ds]?(?:\s+by)?|(?:is\s+)?clone[ds]?(?:\s+by)?|"
    r"(?:is\s+)?cause[ds]?(?:\s+by)?|causes|(?:is\s+)?mention(?:s|ed\s+(?:in|by))|(?:is\s+)?split\s+(?:from|to|into)|"
    r"(?:is\s+)?(?:parent|child|subtask)\s+of|(?:is\s+)?implement(?:s|ed\s+by)|(?:is\s+)?tested\s+by|tests|"
    r"see\s+also)\b\s*:?\s*",
    re.I,
)
_PARTS = re.compile(r"\s*(?:[,;]|<br\s*/?>)\s*", re.I)
# A part that starts with a name, not a verb: it continues the link before it (`is blocked by A, B`).
_CONTINUES = re.compile(r"^[^a-z]")


def issue_links(cell: str) -> tuple[str | None, str | None, list[str]]:
    """(what the issue depends on, what it blocks, notes on the links left out) of a linked-issues cell."""
    depends: list[str] = []
    blocks: list[str] = []
    notes: list[str] = []
    kind: list[str] | None = None
    for part in _PARTS.split(cell.strip()):
        text = plain(part).strip(" .")
        if not text or text.lower() in {"-", "—", "–", "none", "n/a"}:
            continue
        for pattern, into in ((_DEPENDS, depends), (_BLOCKS, blocks), (_OTHER, None)):
            m = pattern.match(text)
            if m:
                kind = into if into is not None else []
                text = text[m.end() :]
                break
        else:
            if kind is None or not _CONTINUES.match(text):
                notes.append(f"link {text!r} does not say it blocks or is blocked; left out")
                continue
        if text and kind is not None:
            kind.append(text)
    return ", ".join(depends) or None, ", ".join(blocks) or None, notes
