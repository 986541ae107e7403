"""Settling each effort's id and name, and joining the same effort read twice (a summary and its detail)."""

from __future__ import annotations

import re
from collections import defaultdict

from ..model import effort_key, slug
from .draft import Draft
from .text import name_from_branch, short_branch

# A numbered label with no path in it (`worktree-1`, `wt3`, `lane-2`): a slot when it restarts in every wave.
_SLOT_LABEL = re.compile(r"^([a-z]+)[-_]?\d{1,2}$", re.I)


def _slots(drafts: list[Draft]) -> None:
    """Ids that restart in every wave (`A1` in wave 1 and again in wave 2, each on its own branch) are slots, not
    efforts: such efforts go by their branches, and the label stays as their slot (`A1 of Wave 2`)."""
    by_id: dict[str, list[Draft]] = defaultdict(list)
    for d in drafts:
        by_id[(d.id or "").lower()].append(d)
    for same in by_id.values():
        waves = {d.wave for d in same}
        branches = {d.branch for d in same}
        if len(waves) > 1 and None not in branches and len(branches) == len(same):
            for d in same:
                d.slot, d.id = d.id, short_branch(d.branch or "")
        elif len(waves) == len(same) > 1 and all(d.slot for d in same):
            for d in same:  # `Agent 1` of every wave, with no branch: the wave tells them apart
                d.id = f"w{d.wave}-{d.slot}"
    _worktree_turns(drafts)


def _worktree_turns(drafts: list[Draft]) -> None:
    """`| worktree-1 | FEAT-009 |` in wave 1 and `| worktree-1 | FEAT-015 |` in wave 2: the worktrees a wave's efforts
    take turns in, not branches; `worktree-5`, used once, is one of them too."""
    by_label: dict[tuple[str, str], list[Draft]] = defaultdict(list)  # (label, its word) -> efforts
    for d in drafts:
        if d.branch and (m := _SLOT_LABEL.match(d.branch)):
            by_label[(d.branch.lower(), m.group(1).lower())].append(d)
    turns = {
        word
        for (_, word), same in by_label.items()
        if len({d.wave for d in same}) == len(same) > 1 and len({d.id for d in same}) == len(same)
    }
    for (_, word), same in by_label.items():
        if word in turns:
            for d in same:
                d.slot, d.branch = d.branch, None


def _retold(seen: Draft, d: Draft) -> bool:
    return d.origin == "blocks" and not (seen.branch and d.branch and seen.branch != d.branch)


def _short(made: str) -> str:
    return made if len(made) <= 63 else made[:63].rpartition("-")[0] or made[:63]


def settle(drafts: list[Draft]) -> tuple[list[Draft], list[tuple[str, str]], dict[int, Draft]]:
    """Ids are the document's own, else the branch, else a slug of the name.

    Returns the efforts, warnings, and which draft each merged-away draft became (by `id()`).
    """
    for d in drafts:
        if d.id is None:
            # A made-up id is a label value and a task id too: 63 characters at most, cut at a word.
            d.id = short_branch(d.branch) if d.branch else _short(slug(d.name or f"effort-{d.line}"))
            d.at.setdefault("id", d.line)
    _slots(drafts)
    kept: list[Draft] = []
    first: dict[str, Draft] = {}
    warnings: list[tuple[str, str]] = []
    merged: dict[int, Draft] = {}
    for d in drafts:
        ident = (d.id or "").lower()
        seen = first.get(ident)
        # The same effort in two sections, in a table and a block, or in two blocks of one section (its details, then
        # a preview of the wave) is one effort told twice; twice in one table or list, or two blocks naming different
        # branches, is a real duplicate, left for the validator to report.
        if seen is not None and (seen.section != d.section or seen.origin != d.origin or _retold(seen, d)):
            if seen.wave != d.wave:
                warnings.append(
                    (
                        effort_key(seen.id or "") + "/wave",
                        f"effort {seen.id} is in wave {seen.wave} at line {seen.line} and in wave {d.wave} at line "
                        f"{d.line}; the first wins",
                    )
                )
            seen.fill(d)
            merged[id(d)] = seen
            continue
        first.setdefault(ident, d)
        kept.append(d)
    for d in kept:  # after merging, so a block's name beats one made up from the branch
        if d.name is None:
            d.name = name_from_branch(d.branch) if d.branch else d.id
    return kept, warnings, merged
