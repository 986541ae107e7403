"""PR size: lines added plus deleted against the start point (`git diff --numstat`), generated/vendored files excluded.

A pattern without `/` matches a file name anywhere; one with `/` matches the path from the repository root, `*`
crossing directories. Go files that carry the standard `Code generated ... DO NOT EDIT.` header are excluded too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from ..errors import StepFailed
from ..result import Metrics
from .evidence import Evidence

DEFAULT_EXCLUDE = (
    "vendor/*", "*/vendor/*", "third_party/*", "node_modules/*", "*/node_modules/*",
    "*.pb.go", "*.pb.gw.go", "*.gen.go", "zz_generated*", "*_generated.*", "*.min.js",
    "go.sum", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock", "Cargo.lock",
)  # fmt: skip
_GENERATED = re.compile(r"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)


def excluded(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    name = PurePosixPath(path).name
    return any(fnmatchcase(path if "/" in p else name, p) for p in patterns)


def parse_numstat(out: str) -> list[tuple[str, int, int]]:
    """`git diff --numstat -z` -> (path, added, deleted); binary files count 0 lines."""
    rows = []
    fields = iter(out.split("\0"))
    for head in fields:
        if not head:
            continue
        added, deleted, path = head.split("\t", 2)
        if path == "":  # a rename: the old and new paths follow as separate fields
            next(fields)
            path = next(fields)
        rows.append((path, int(added) if added != "-" else 0, int(deleted) if deleted != "-" else 0))
    return rows


def size(
    rows: list[tuple[str, int, int]], patterns: tuple[str, ...] | list[str], generated: Callable[[str], bool]
) -> tuple[int, int, list[str]]:
    added = deleted = 0
    skipped = []
    for path, a, d in rows:
        if excluded(path, patterns) or generated(path):
            skipped.append(path)
            continue
        added += a
        deleted += d
    return added, deleted, skipped


def collect(evidence: Evidence, metrics: Metrics) -> None:
    git, start = evidence.git, evidence.start_point
    if git is None or start is None:
        metrics.unavailable["pr_size"] = "no start point to compare the branch against"
        return
    try:
        rows = parse_numstat(git("diff", "--numstat", "-z", "-M", start, "HEAD", step="pr_size"))
    except StepFailed as exc:
        metrics.unavailable["pr_size"] = exc.reason
        return

    def generated(path: str) -> bool:
        if not path.endswith(".go"):
            return False
        head = git.status("show", f"HEAD:{path}")[1][:4096]
        return bool(_GENERATED.search(head))

    patterns = (*DEFAULT_EXCLUDE, *evidence.exclude)
    metrics.lines_added, metrics.lines_deleted, metrics.excluded_files = size(rows, patterns, generated)
    metrics.sources["pr_size"] = f"git diff --numstat {start[:12]}..HEAD"
