"""One effort as read from a table row, an effort or agent block, or a bullet, before ids and dependencies settle."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import CODE, plain

# The name as written (`Bad_NS` too): the validator, not the reader, says what is wrong with it.
_NAMESPACE = re.compile(r"\b(?:test\s+)?(?:ns|namespace)\s*:\s*`?([A-Za-z0-9][^\s`|,;()]*)`?", re.I)
_PORTS = re.compile(r"(?<!\d)(\d{2,5})\s*(?:-|–|to|\.\.)\s*(\d{2,5})(?!\d)")
_BARE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


@dataclass(eq=False)  # two drafts are the same effort only when they are the same object
class Draft:
    line: int  # the row, heading or bullet that defines the effort
    wave: int
    section: int  # which `Wave N` section it came from (a table outside any section: -1)
    id: str | None = None
    name: str | None = None
    branch: str | None = None
    lines: int | None = None
    agent: str | None = None
    deps: list[tuple[str, int]] = field(default_factory=list)  # (what the document says, line)
    blocks: list[tuple[str, int]] = field(default_factory=list)  # efforts this one is said to block
    namespace: str | None = None
    ports: tuple[int, int] | None = None
    worktree: str | None = None
    brief: str = ""  # what the document says the effort is to do, in markdown, for the agent
    acceptance: list[str] = field(default_factory=list)  # the criteria it lists for the finished work
    own_wave: int | None = None  # the wave its own `Wave: 2` field names, where no wave section holds it
    slot: str | None = None  # a label that restarts in every wave (`A1`), where the id is the branch
    at: dict[str, int] = field(default_factory=dict)  # model field -> line it was read from
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, what was left out there), for warnings
    source: str = ""  # the defining line's text, quoted in warnings
    origin: str = ""  # the table, list or heading blocks it was read from: one effort may be told in several

    def set(self, name: str, value: object, line: int) -> None:
        if value is None or getattr(self, name) is not None:
            return
        setattr(self, name, value)
        self.at[name] = line

    def fill(self, other: Draft) -> None:
        """Take what another reading of the same effort knows and this one does not."""
        for name in ("id", "name", "branch", "lines", "agent", "namespace", "ports", "worktree", "own_wave"):
            self.set(name, getattr(other, name), other.at.get(name, other.line))
        self.hear(other)

    def hear(self, other: Draft) -> None:
        """Take what another place says about the effort, but not who it is: its order, its brief, its criteria."""
        self.deps += [d for d in other.deps if d not in self.deps]
        self.blocks += [b for b in other.blocks if b not in self.blocks]
        self.notes += [n for n in other.notes if n not in self.notes]
        self.tell(other.brief)
        self.acceptance += [a for a in other.acceptance if a not in self.acceptance]

    def tell(self, text: str) -> None:
        """Add to the brief what another place says about the effort (a row, its block, an agent's section)."""
        text = text.strip()
        if text and text not in self.brief:
            self.brief = f"{self.brief}\n\n{text}" if self.brief else text


def by_section(drafts: list[Draft]) -> dict[int, list[Draft]]:
    """The drafts of each section, in document order: one pass, where picking each section's out of all the drafts
    makes a pass per section."""
    out: dict[int, list[Draft]] = {}
    for d in drafts:
        out.setdefault(d.section, []).append(d)
    return out


def namespace_in(text: str, bare: bool = False) -> str | None:
    """`Test ns: \\`chaos-tests\\``; with `bare`, a cell that holds only the name (a Namespace column)."""
    m = _NAMESPACE.search(text)
    if m:
        return m.group(1)
    if bare:
        spans = CODE.findall(text)
        value = (spans[0] if spans else plain(text)).strip()
        if _BARE_NAME.fullmatch(value):
            return value
    return None


def ports_in(text: str) -> tuple[int, int] | None:
    m = _PORTS.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None
