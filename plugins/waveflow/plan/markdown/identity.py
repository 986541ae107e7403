"""Settling each effort's id and name, and joining the same effort read twice (a summary and its detail)."""

from __future__ import annotations

from ..model import effort_key, slug
from .draft import Draft
from .text import name_from_branch, short_branch


def settle(drafts: list[Draft]) -> tuple[list[Draft], list[tuple[str, str]], dict[int, Draft]]:
    """Ids are the document's own, else the branch, else a slug of the name.

    Returns the efforts, warnings, and which draft each merged-away draft became (by `id()`).
    """
    for d in drafts:
        if d.id is None:
            d.id = short_branch(d.branch) if d.branch else slug(d.name or f"effort-{d.line}")
            d.at.setdefault("id", d.line)
    kept: list[Draft] = []
    first: dict[str, Draft] = {}
    warnings: list[tuple[str, str]] = []
    merged: dict[int, Draft] = {}
    for d in drafts:
        ident = (d.id or "").lower()
        seen = first.get(ident)
        # The same effort in two sections, or in a table and a block, is one effort told twice; twice in one table
        # or list (or two blocks) is a real duplicate, left for the validator to report.
        if seen is not None and (seen.section != d.section or seen.origin != d.origin):
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
