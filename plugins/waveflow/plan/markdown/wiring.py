"""Dependencies from every place a plan states them, in order of authority: the effort's own row or block, the
rows of other tables (dependency matrices, `Blocks` columns), sentences, then the mermaid graph. Later sources add
edges; an edge that contradicts the waves or closes a cycle is left out with a warning."""

from __future__ import annotations

from itertools import pairwise

from ..model import effort_key
from .arrows import Arrows
from .assemble import line_key
from .blocks import Block
from .checkmarks import Marks
from .deps import Resolver
from .draft import Draft, by_section
from .graph import Chart
from .index import Index
from .prose import prose_dependencies
from .sections import Section, wave_heading
from .tables import effort_rows
from .text import plain
from .wave_gates import Gate, GroupGate


class Wiring:
    def __init__(self, drafts: list[Draft], index: Index, resolver: Resolver):
        self.drafts = drafts
        self.index = index
        self.resolver = resolver
        self.by_id = {d.id: d for d in drafts}
        self.deps: dict[int, list[str]] = {id(d): [] for d in drafts}
        self.stated: dict[int, tuple[list[str], int, str]] = {}
        self.warnings: list[tuple[str, str]] = []
        # (effort, index in `warnings`, the note): a dependency one place left out that a later place may add.
        self.left_out: list[tuple[Draft, int, str]] = []

    def _add(self, d: Draft, ident: str, line: int) -> None:
        deps = self.deps[id(d)]
        if ident not in deps and ident != d.id:
            deps.append(ident)
            d.at.setdefault("depends_on", line)
            d.at[f"depends_on/{ident}"] = line  # where each dependency was read, for `convert --explain`

    def own(self) -> None:
        """What each effort's row or block says it depends on (and what it says it blocks)."""
        for d in self.drafts:
            for text, line in d.deps:
                resolved = self.resolver.resolve(text, d)
                for ident in resolved.ids:
                    self._add(d, ident, line)
                self._notes(d, resolved.notes, line)
                if resolved.ids and id(d) not in self.stated:
                    self.stated[id(d)] = (list(resolved.ids), line, d.source if line == d.line else text)
            for text, line in d.blocks:
                for other in self.index.explicit(text):
                    target = other[0]
                    if target is not d:
                        self._add(target, d.id or "", line)

    def _notes(self, d: Draft, notes: list[str], line: int) -> None:
        for note in notes:
            # At the line that says it: the effort's first dependency may have been read from another place.
            if note.endswith("; left out"):
                self.left_out.append((d, len(self.warnings), note))
            self.warnings.append((line_key(line), f"effort {d.id}: dependency {note}"))

    def settle(self) -> None:
        """A note that left a dependency out must not stand when another place (a graph edge, a matrix) added one of
        its candidates after all: say where the dependency came from instead."""
        for d, index, note in self.left_out:
            candidates = note.partition(" could be any of ")[2].removesuffix("; left out").split(", ")
            kept = [ident for ident in self.deps[id(d)] if ident in candidates]
            if kept:
                where = ", ".join(f"{ident} (line {d.at.get(f'depends_on/{ident}', '?')})" for ident in kept)
                key, _ = self.warnings[index]
                text = note.removesuffix("; left out")
                self.warnings[index] = (key, f"effort {d.id}: dependency {text}; read as {where} from another place")

    def matrices(self, tables: list[Block]) -> None:
        """Tables outside the wave sections that key rows by effort (`Branch | Depends On | Blocks | ...`)."""
        for table in tables:
            for row in effort_rows(table, 0, -2) or []:
                known = [k for k in (self.index.key(k) for k in (row.id, row.branch) if k) if k is not None]
                # A row keyed by bare numbers (`| 4 |`, `| 1-3 |` beside `Task 4: ...`) has them as its name
                first = row.source.split("|")[1] if row.source.count("|") > 1 else ""
                for d in known[:1] or self.index.numbered(plain(first)):
                    self._matrix_row(d, row)

    def _matrix_row(self, d: Draft, row: Draft) -> None:
        for text, line in row.deps:
            for ident in self.resolver.resolve(text, d, names=False, waves=False).ids:
                if ident in self.by_id:
                    self._add(d, ident, line)
        for text, line in row.blocks:
            for target, _, _ in self.index.explicit(text):
                if target is not d:
                    self._add(target, d.id or "", line)

    def prose(self, sections: list[Section], outside: list[Block]) -> None:
        for d, ids, line in prose_dependencies(sections, self.drafts, self.index, self.resolver, outside):
            for ident in ids:
                if ident in self.by_id:
                    self._add(d, ident, line)

    def charts(self, charts: list[Chart]) -> None:
        """A graph edge `A --> B`: B depends on A, unless the tables put A in a later wave or it closes a cycle."""
        for chart in charts:
            for a, b, line in chart.chart.edges:
                if b not in chart.nodes:
                    continue
                if a in chart.nodes:
                    self._edge(chart.nodes[a].draft, chart.nodes[b].draft, f"graph edge {a} --> {b}", line)
                elif (wave := wave_heading(chart.chart.labels.get(a, ""))) and wave[0].isdigit():
                    # `Wave2 --> T1`: a wave's node (or subgraph) before an effort: every effort of that wave. Not
                    # `P3[Phase 3 Placement]`: another phase's work, outside the plan.
                    for d in self.drafts:
                        if d.wave == int(wave[0]):
                            self._edge(d, chart.nodes[b].draft, f"graph edge {a} --> {b}", line)

    def arrows(self, arrows: Arrows) -> None:
        """An arrow line `A → B`, read as a graph edge is."""
        for before, after, line in arrows.edges:
            self._edge(before, after, f"arrow {before.id} → {after.id}", line)
        for line, text in arrows.unread:
            self.warnings.append(
                (
                    line_key(line),
                    f"line {line} ({text}) names efforts beside other words around its arrows; no dependency read "
                    "from it (an arrow line reads as dependencies when each side is only efforts: `A, B → C`)",
                )
            )

    def checkmarks(self, marks: Marks) -> None:
        """A mark in a matrix of efforts, read as a graph edge is, in the direction the waves give it."""
        for before, after, line in marks.edges:
            self._edge(before, after, f"matrix mark {after.id} on {before.id}", line)
        for line in marks.unread:
            self.warnings.append(
                (
                    line_key(line),
                    f"the matrix of marks at line {line} has marks both ways between waves, so which way they point "
                    "is unclear; no dependency read from it",
                )
            )

    def _edge(self, before: Draft, after: Draft, what: str, line: int) -> None:
        if before is after or (before.id in self.deps[id(after)]):
            return
        key = effort_key(after.id or "") + "/depends_on"
        if before.wave > after.wave:
            self.warnings.append(
                (
                    key,
                    f"{what} (line {line}) makes {after.id} (wave {after.wave}) depend on "
                    f"{before.id} (wave {before.wave}); the tables win, edge left out",
                )
            )
        elif before.wave == after.wave and self._reaches(before, after):
            self.warnings.append((key, f"{what} (line {line}) would close a dependency cycle; left out"))
        else:
            self._add(after, before.id or "", line)

    def wave_gates(self, gates: list[Gate]) -> None:
        """A wave's gate, for each of its efforts, where none of them states a dependency of its own."""
        members = by_section(self.drafts)
        quiet = {g.section for g in gates if not any(self.deps[id(d)] for d in members.get(g.section, []))}
        for gate in gates:
            if gate.section not in quiet:
                continue
            for d in members.get(gate.section, []):
                for ident in self.resolver.resolve(gate.text, d, names=False).ids:
                    if ident in self.by_id and self.by_id[ident].wave < d.wave:
                        self._add(d, ident, gate.line)

    def each_after_previous(self, line: int | None) -> None:
        """`Merge wave N before starting wave N+1` (said once, at `line`): each wave none of whose efforts states a
        dependency of its own waits for every effort of the wave before it."""
        if line is None:
            return
        waves: dict[int, list[Draft]] = {}
        for d in self.drafts:
            waves.setdefault(d.wave, []).append(d)
        numbers = sorted(waves)
        for before, after in pairwise(numbers):
            if not any(self.deps[id(d)] for d in waves[after]):
                for d in waves[after]:
                    for earlier in waves[before]:
                        self._add(d, earlier.id or "", line)

    def group_gates(self, gates: list[GroupGate]) -> None:
        """`Group 1B (after Group 1A)`: each effort of 1B that states no dependency of its own waits for all of 1A."""
        members = by_section(self.drafts)
        for gate in gates:
            inside = members.get(gate.section, [])
            waiting = [d for d in inside if gate.lines[0] <= d.line < gate.lines[1]]
            before = [d for d in inside if gate.waits_for[0] <= d.line < gate.waits_for[1]]
            for d in waiting:
                if not self.deps[id(d)]:
                    for other in before:
                        self._add(d, other.id or "", gate.line)

    def _reaches(self, start: Draft, target: Draft) -> bool:
        """Whether `start` already depends, directly or not, on `target`."""
        seen = set()
        stack = [start.id]
        while stack:
            current = stack.pop()
            if current == target.id:
                return True
            if current in seen or current not in self.by_id:
                continue
            seen.add(current)
            stack += self.deps[id(self.by_id[current])]
        return False
