"""Plans without wave sections whose efforts each name their own wave, as task lists kept for tools are written:

    - [ ] `t-02` Wire the blockers into readiness
      - wave: 2
      - depends_on: [t-01]

or entries of a fenced YAML list with `wave: 2`, or todo items with `**Parallel Group**: Wave 2 (with Tasks 4, 5)`.
Each effort goes in the wave it names; a wave is one section, placed where its first effort is.
"""

from __future__ import annotations

from .draft import Draft
from .sections import Section


def own_waves(drafts: list[Draft]) -> tuple[list[Section], list[Draft]] | None:
    """Of the efforts a document lists anywhere: (one section per wave named, the efforts that name one), or None
    when fewer than two waves are named or most efforts name none (a field that happens to say `Wave` is not how the
    plan is laid out)."""
    placed = [d for d in drafts if d.own_wave is not None]
    if len({d.own_wave for d in placed}) < 2 or 2 * len(placed) < len(drafts):
        return None
    sections: list[Section] = []
    numbers: dict[int, int] = {}
    for d in sorted(placed, key=lambda d: (d.own_wave or 0, d.line)):
        wave = d.own_wave or 0
        if wave not in numbers:
            numbers[wave] = len(sections)
            sections.append(Section(wave, "", d.line, 7, heading=f"Wave {wave}"))
        d.wave, d.section = wave, numbers[wave]
        d.origin = d.origin or "own wave"
    return sections, sorted(placed, key=lambda d: d.line)
