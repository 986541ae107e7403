"""What the collectors read: the files the test command left behind, its output, and the branch's history."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ..gitcmd import Git

MAX_REPORT_BYTES = 64 * 1024 * 1024
# Ignored trees that hold other projects' files, never this run's reports.
_SKIP_DIRS = {".git", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}


@dataclass
class Evidence:
    worktree: Path
    files: list[Path] = field(default_factory=list)  # reports: untracked files in the worktree, the reports dir
    test_output: str = ""
    git: Git | None = None
    start_point: str | None = None
    exclude: list[str] = field(default_factory=list)

    def with_suffix(self, *suffixes: str) -> list[Path]:
        return [f for f in self.files if f.suffix.lower() in suffixes and f.stat().st_size <= MAX_REPORT_BYTES]

    def xml_roots(self, *tags: str) -> tuple[list[tuple[Path, ET.Element]], list[str]]:
        """Parsed XML reports whose root element is one of `tags`, and why other candidates could not be read."""
        found, bad = [], []
        for path in self.with_suffix(".xml"):
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError as exc:
                bad.append(f"{self.show(path)}: not well-formed XML ({exc})")
                continue
            if root.tag in tags:
                found.append((path, root))
        return found, bad

    def json_reports(self, has_key: str) -> tuple[list[tuple[Path, dict[str, object]]], list[str]]:
        found, bad = [], []
        for path in self.with_suffix(".json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                bad.append(f"{self.show(path)}: not JSON ({exc})")
                continue
            if isinstance(data, dict) and has_key in data:
                found.append((path, data))
        return found, bad

    def show(self, path: Path) -> str:
        """A report's path as the result shows it: relative to the worktree when inside it."""
        try:
            return str(path.relative_to(self.worktree))
        except ValueError:
            return path.name


def find_reports(worktree: Path, git: Git, reports_dir: Path | None) -> list[Path]:
    """Files the tests left: untracked (ignored or not) files of the worktree, plus everything in the reports dir."""
    found: list[Path] = []
    for extra in ((), ("--ignored", "--exclude-standard")):
        status, out, _ = git.status("ls-files", "--others", "-z", *extra)
        if status == 0:
            found.extend(worktree / name for name in out.split("\0") if name)
    if reports_dir is not None and reports_dir.is_dir():
        found.extend(p for p in reports_dir.rglob("*") if p.is_file())
    return sorted({p for p in found if p.is_file() and not _SKIP_DIRS.intersection(p.parts)})
