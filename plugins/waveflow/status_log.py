"""The append-only status log of one run (the seed's `phase10-status.log`), readable with `tail -f`.

Efforts on different workers of one machine append concurrently: each event is one `write()` of one line on a file
opened with O_APPEND, which POSIX keeps whole for writes this small, so lines never interleave. Workers on several
machines share no file they could append to: `status_events.StatusEvents` is the same log on object storage.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_UNSAFE = re.compile(r"[\r\n\t]+")
_MAX_VALUE = 300


def _clean(value: object) -> str:
    text = _UNSAFE.sub(" ", str(value)).strip()
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def format_line(at: datetime, event: str, fields: dict[str, object]) -> str:
    """One event as one line: `<UTC stamp> <event> key=value ...`, newline included; None values are left out."""
    parts = [at.strftime("%Y-%m-%dT%H:%M:%SZ"), _clean(event)]
    parts += [f"{k}={_clean(v)}" for k, v in fields.items() if v is not None]
    return " ".join(parts) + "\n"


@dataclass(frozen=True)
class StatusLog:
    path: Path

    @property
    def location(self) -> str:
        return str(self.path)

    def append(self, event: str, once: str | None = None, **fields: object) -> str | None:
        """Appends the event; with `once`, only the first append of that key in this log (`wave started`, which
        every effort of the wave may be first to say) writes it: None for the others."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if once and not self._first(once):
            return None
        line = format_line(datetime.now(UTC), event, fields)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        return line

    def _first(self, key: str) -> bool:
        """True for the first caller only, across concurrent processes (an O_EXCL marker file per key)."""
        try:
            os.close(os.open(self.path.parent / f".{key}", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            return False
        return True

    def lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
