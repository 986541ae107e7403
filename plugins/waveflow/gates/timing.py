"""When efforts ran, from the timing in their results: spans, overlap, and the run's makespan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ..runner.result import EffortResult


@dataclass(frozen=True)
class Span:
    effort: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    # A naive stamp is the runner's UTC clock without its suffix.
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def span_of(effort: str, result: EffortResult | None) -> Span | None:
    """The effort's wall-clock span; None without a result or a finish time (it never finished cleanly)."""
    if result is None:
        return None
    start, end = parse_time(result.timing.started_at), parse_time(result.timing.finished_at)
    if start is None or end is None or end < start:
        return None
    return Span(effort, start, end)


def spans(results: Mapping[str, EffortResult | None]) -> list[Span]:
    return [s for eid, r in results.items() if (s := span_of(eid, r)) is not None]


def peak_concurrency(items: Iterable[Span]) -> int:
    """The most efforts running at one instant. Touching spans (one ends as the next starts) do not overlap."""
    events = sorted((t, delta) for s in items for t, delta in ((s.start, 1), (s.end, -1)))
    running = peak = 0
    for _, delta in events:  # at equal times the end (-1) sorts before the start (+1)
        running += delta
        peak = max(peak, running)
    return peak


def window(items: Iterable[Span]) -> tuple[datetime, datetime] | None:
    listed = list(items)
    if not listed:
        return None
    return min(s.start for s in listed), max(s.end for s in listed)


def duration_text(seconds: float) -> str:
    """`42 s`, `3 min 12 s`, `2 h 05 min`: whole units a reader compares at a glance."""
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
