"""Memory of process trees as Linux accounts it: PSS (shared pages split between the processes sharing them), so the
figures of several trees add up to what they really cost together."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group)."""
    found = {}
    for stat in PROC.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name may hold spaces and parentheses: the fields after the last ')' are unambiguous.
            fields = stat.read_text().rpartition(")")[2].split()
            found[int(stat.parent.name)] = (int(fields[1]), int(fields[2]))
    return found


def _pss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _root_of(pid: int, roots: dict[int, str], processes: dict[int, tuple[int, int]]) -> int | None:
    while pid > 1:
        if pid in roots:
            return pid
        pid = processes.get(pid, (0, 0))[0]
    return None


@dataclass
class PssSampler:
    """Samples the PSS of each named tree: a root process leading its own process group, and its descendants.

    Descendants that started a session of their own (a task's subprocesses, kept apart so they can be stopped as one)
    are counted under `<name> +sessions`, apart from the component itself.
    """

    roots: dict[int, str]
    peak_kb: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total_kb: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    most_processes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: int = 0

    def sample(self) -> None:
        processes = _processes()
        kb: dict[str, int] = defaultdict(int)
        count: dict[str, int] = defaultdict(int)
        for pid, (_, group) in processes.items():
            root = _root_of(pid, self.roots, processes)
            if root is not None:
                name = self.roots[root] if group == root else f"{self.roots[root]} +sessions"
                kb[name] += _pss_kb(pid)
                count[name] += 1
        for name in [*self.roots.values(), *(f"{n} +sessions" for n in self.roots.values())]:
            self.peak_kb[name] = max(self.peak_kb[name], kb[name])
            self.total_kb[name] += kb[name]
            self.most_processes[name] = max(self.most_processes[name], count[name])
        self.samples += 1

    def mean_kb(self, name: str) -> float:
        return self.total_kb[name] / max(self.samples, 1)
