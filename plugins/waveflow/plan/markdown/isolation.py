"""Namespace YAML, port allocations and worktree commands matched to the efforts they are for."""

from __future__ import annotations

import re

from ..model import effort_key
from .assemble import line_key
from .blocks import Block
from .draft import Draft
from .index import Index
from .resources import namespace_docs, port_lines, worktrees


def isolation(
    blocks: list[Block], drafts: list[Draft], index: Index
) -> tuple[dict[int, tuple[dict[str, str], int]], list[tuple[str, str]]]:
    """Sets namespaces and ports on the drafts; returns each draft's namespace labels (by `id()`) and warnings."""
    labels: dict[int, tuple[dict[str, str], int]] = {}
    warnings: list[tuple[str, str]] = []
    for doc in namespace_docs(blocks):
        owner = next((d for d in drafts if d.namespace == doc.name), None)
        if owner is None and doc.comment:
            candidates = index.by_name(doc.comment, lambda d: d.namespace is None)
            owner = candidates[0] if len(candidates) == 1 else None
            if owner is not None:
                owner.set("namespace", doc.name, doc.line)
        if owner is not None and doc.labels and id(owner) not in labels:
            labels[id(owner)] = (doc.labels, doc.line)
    for line, who, start, end in port_lines(blocks):
        owner = index.key(who)
        if owner is None:
            candidates = index.by_name(who)
            owner = candidates[0] if len(candidates) == 1 else None
        if owner is None:
            warnings.append((line_key(line), f"ports {start}-{end} for {who!r} match no effort; left out"))
        elif owner.ports is None:
            owner.set("ports", (start, end), line)
        elif owner.ports != (start, end):
            warnings.append(
                (
                    effort_key(owner.id or "") + "/ports",
                    f"effort {owner.id}: line {line} gives ports {start}-{end}, but line {owner.at['ports']} gives "
                    f"{owner.ports[0]}-{owner.ports[1]}; the first wins",
                )
            )
    for line, branch, where in worktrees(blocks):
        owner = index.key(branch)
        if owner is not None and owner.branch == branch:
            owner.set("worktree", where, line)
            continue
        # A command for an effort (its directory names it) on a branch the effort does not have: the effort's own
        # branch stays, and the reader says so rather than pick one of the two without a word.
        named = _named_by_dir(where, drafts)
        if len(named) == 1 and owner is None:
            (d,) = named
            if d.branch and d.branch != branch:
                warnings.append(
                    (
                        effort_key(d.id or "") + "/branch",
                        f"effort {d.id}: line {line} creates its worktree {where} on branch {branch}, but line "
                        f"{d.at.get('branch', d.line)} names its branch {d.branch}; {d.branch} is kept",
                    )
                )
    return labels, warnings


def _named_by_dir(where: str, drafts: list[Draft]) -> list[Draft]:
    """The efforts a worktree directory is named for: its last part is, or holds as a `-`/`_` separated word, the
    effort's id or the last part of its branch (`../wt-1.1`, `worktrees/p10w2-docs`)."""
    last = where.rstrip("/").rpartition("/")[2].lower()
    words = {last, *re.split(r"[-_]", last)}
    return [
        d
        for d in drafts
        if (d.id and d.id.lower() in words) or (d.branch and d.branch.rpartition("/")[2].lower() in words)
    ]
