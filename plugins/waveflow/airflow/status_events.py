"""The run's status log on object storage, where tasks on different machines add events concurrently.

Object stores cannot append, and a rewrite of one shared object would lose whatever another writer added meanwhile.
So each event is its own small object under `<run>/status/`, written once and never changed, named
`<UTC time to the microsecond>~<writer>~<tag>.event`: listing the prefix in name order gives the events in time order
(to the writers' clock agreement), the writer (task id and try) keeps two machines' names apart, and the tag keeps
one writer's events of the same microsecond apart. Reading merges them into the lines `StatusLog` writes.

`once` events (`wave started`: whichever effort of the wave starts first says it) cannot be decided by an exclusive
create, which object stores do not offer alike: every writer writes its own, tagged with the key, and the reader keeps
the earliest. `write_log()` puts the merged lines into `<run>/status.log` when the run finishes, for people to read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..status_log import format_line
from .storage import location, name_part

SUFFIX = ".event"


@dataclass(frozen=True)
class StatusEvents:
    """`run` is the run's folder (an ObjectStoragePath); `writer` names who appends (a task id and its try)."""

    run: Any
    writer: str

    @property
    def folder(self) -> Any:
        return self.run / "status"

    @property
    def log(self) -> Any:
        return self.run / "status.log"

    @property
    def location(self) -> str:
        return location(self.log)

    def append(self, event: str, once: str | None = None, **fields: object) -> str:
        at = datetime.now(UTC)
        line = format_line(at, event, fields)
        tag = f"once-{name_part(once)}" if once else uuid.uuid4().hex[:12]
        name = f"{at.strftime('%Y%m%dT%H%M%S.%fZ')}~{name_part(self.writer)}~{tag}{SUFFIX}"
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_text(line, encoding="utf-8")
        return line

    def lines(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        seen_once: set[str] = set()
        out = []
        for obj in sorted((o for o in self.folder.iterdir() if o.name.endswith(SUFFIX)), key=lambda o: o.name):
            text = obj.read_text(encoding="utf-8")
            if not text.endswith("\n"):  # a local file being written is read whole next time; an object always is
                continue
            tag = obj.name[: -len(SUFFIX)].rpartition("~")[2]
            if tag.startswith("once-"):
                if tag in seen_once:
                    continue
                seen_once.add(tag)
            out.append(text[:-1])
        return out

    def write_log(self) -> None:
        """The merged lines as one `status.log` beside the events: what the report links to."""
        self.log.write_text("".join(line + "\n" for line in self.lines()), encoding="utf-8")
