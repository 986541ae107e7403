"""The append-only status log of one run (the seed's `phase10-status.log`), readable with `tail -f`.

Efforts on different workers append concurrently: each event is one `write()` of one line on a file opened with
O_APPEND, which POSIX keeps whole for writes this small, so lines never interleave.
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


@dataclass(frozen=True)
class StatusLog:
    path: Path

    def append(self, event: str, **fields: object) -> str:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [stamp, _clean(event)]
        parts += [f"{k}={_clean(v)}" for k, v in fields.items() if v is not None]
        line = " ".join(parts) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        return line

    def lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
