"""Isolation facts kept outside the effort tables: Namespace YAML blocks, a Port Allocation block, Quality Gates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .blocks import Block
from .tables import gate_rows, is_gate_table
from .text import lines_with, plain

# `## Port Allocation`, `### Ports`: not `# Integration Report`.
_ABOUT_PORTS = re.compile(r"\bports?\b", re.I)
_PORT_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:#+\s*)?(?:\*\*)?(?P<name>[^:=|#`]+?)(?:\*\*)?\s*[:=]\s*`?(?P<start>\d{2,5})\s*(?:-|–|to|\.\.)\s*"
    r"(?P<end>\d{2,5})\b"
)
# `wt-create <branch> <dir>` and `git worktree add [-b <branch>] <dir> [<branch>]` in the plan's shell blocks.
_WORKTREE = re.compile(
    r"\bwt-create\s+(?P<branch>[\w./-]+)\s+(?P<dir>[\w./-]+)"
    r"|\bgit\s+worktree\s+add\s+(?:-b\s+(?P<new>[\w./-]+)\s+)?(?P<path>[\w./-]+)(?:[ \t]+(?P<existing>[\w./-]+))?"
)
# In every match of _WORKTREE: one search for it over a block skips the lines that need no closer look.
_WORKTREE_WORD = re.compile("wt-create|worktree")
_DOC_START = re.compile(r"^\s*(?:---\s*$|apiVersion\s*:)")
_COMMENT = re.compile(r"^\s*#\s*(?P<name>[^:]+?)\s*:")


@dataclass
class NamespaceDoc:
    line: int  # of `name:`
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    comment: str = ""  # `# E2E Framework: e2e-framework namespace` -> `E2E Framework`


def port_lines(blocks: list[Block]) -> list[tuple[int, str, int, int]]:
    """(line, who, start, end) of each `Name: 30000-30099` line under a heading about ports."""
    out: list[tuple[int, str, int, int]] = []
    level = None
    for block in blocks:
        if block.kind == "heading":
            if level is not None and block.level <= level:
                level = None
            if _ABOUT_PORTS.search(block.text):
                level = block.level
            continue
        if level is None:
            continue
        if block.kind == "table":
            lines = [(line, " : ".join(plain(c) for c in cells[:2])) for line, cells in block.rows]
        else:
            lines = block.lines()
        for line, text in lines:
            m = _PORT_LINE.match(text)
            if m:
                out.append((line, plain(m.group("name")), int(m.group("start")), int(m.group("end"))))
    return out


def namespace_docs(blocks: list[Block]) -> list[NamespaceDoc]:
    """`kind: Namespace` documents in code blocks, even when written one after another without `---`."""
    out: list[NamespaceDoc] = []
    for block in blocks:
        if block.kind != "fence" or "namespace" not in block.text.lower():
            continue
        lines = block.text.split("\n")
        starts = [i for i, line in enumerate(lines) if _DOC_START.match(line)]
        if not starts or any(line.strip() and not line.lstrip().startswith("#") for line in lines[: starts[0]]):
            starts.insert(0, 0)
        for k, first in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            doc = _namespace(lines[first:end], block.line + 1 + first, _comment_above(lines, first))
            if doc is not None:
                out.append(doc)
    return out


def _comment_above(lines: list[str], first: int) -> str:
    """The `# E2E Framework: ...` comment right above a document names whom it is for."""
    j = first - 1
    while j >= 0 and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
        m = _COMMENT.match(lines[j])
        if m:
            return m.group("name")
        j -= 1
    return ""


def _namespace(chunk: list[str], start: int, comment: str) -> NamespaceDoc | None:
    try:
        data = yaml.safe_load("\n".join(line for line in chunk if line.strip() != "---"))
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or str(data.get("kind", "")).lower() != "namespace":
        return None
    meta = data.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        return None
    labels = meta.get("labels")
    labels = labels if isinstance(labels, dict) else {}
    name_line = next((start + i for i, line in enumerate(chunk) if line.strip().startswith("name:")), start)
    return NamespaceDoc(name_line, meta["name"], {str(k): str(v) for k, v in labels.items()}, comment)


def worktrees(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(line, branch, worktree dir) from the shell blocks that create each effort's worktree."""
    out = []
    for block in blocks:
        if block.kind != "fence":
            continue
        for line, text in lines_with(_WORKTREE_WORD, block.text, block.line + 1):
            for m in _WORKTREE.finditer(text):
                branch = m.group("branch") or m.group("new") or m.group("existing")
                where = m.group("dir") or m.group("path")
                if branch and where:
                    out.append((line, branch, where))
    return out


def gates(blocks: list[Block]) -> list[tuple[int, str, str, str]]:
    return [row for block in blocks if block.kind == "table" and is_gate_table(block) for row in gate_rows(block)]
