"""Efforts written as the agent-tool calls that launch them, in a fence of a wave's section:

    Task(subagent_type="backend-dev", description="API-1: Rate limiter",
         prompt="Implement the token bucket on branch `feat/api-1-rate-limit` ...")
    Task("backend-dev", "API-2: Quotas. Count requests per key ...")

Each call is read with Python's own parser: `description` gives the id and name, `subagent_type` the agent, `prompt`
the brief (and the branch and dependencies it names); written without keywords, the agent comes first and the prompt
second, its first sentence the description.
"""

from __future__ import annotations

import ast
import re

from .blocks import Block
from .draft import Draft
from .text import BRANCH, CODE, ID, SENTENCE_END, leading_id

_CALL = re.compile(r"\b(?:Task|Agent)\(")
_DEPENDS = re.compile(r"\b(?:depends\s+on|after|needs|requires)\s+([^.\n]+)", re.I)


def is_tool_calls(block: Block) -> bool:
    return block.kind == "fence" and bool(_CALL.search(block.text))


def tool_call_efforts(block: Block, wave: int, section: int) -> list[Draft]:
    out: list[Draft] = []
    text = block.text
    first = block.lines()[0][0]
    for m in _CALL.finditer(text):
        args = _arguments(text, m.start())
        if args is None:
            continue
        line = first + text.count("\n", 0, m.start())
        ident, name = leading_id(args.get("description", ""), loose=True)
        prompt = args.get("prompt", "")
        d = Draft(line, wave, section, source=text[m.start() :].split("\n", 1)[0])
        d.set("id", ident, line)
        d.set("name", name or args.get("description") or None, line)
        d.set("agent", args.get("subagent_type"), line)
        d.set("branch", _branch(prompt), line)
        d.brief = prompt
        for dep in _DEPENDS.findall(prompt):
            if ID.search(dep):
                d.deps.append((dep, line))
        if d.id or d.branch:
            out.append(d)
    return out


def _arguments(text: str, start: int) -> dict[str, str] | None:
    """The string keyword arguments of the call at `start`: the shortest span up to a `)` that parses."""
    end = text.find(")", start)
    while end != -1:
        try:
            tree = ast.parse(text[start : end + 1].strip(), mode="eval")
        except SyntaxError:
            end = text.find(")", end + 1)
            continue
        call = tree.body
        if not isinstance(call, ast.Call):
            return None
        # `Task("backend-engineer", "SA-1: Add the column. File: models.py")`: the agent, then what it is to do
        said = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        positional = dict(zip(("subagent_type", "prompt"), said, strict=False))
        if "prompt" in positional:
            positional["description"] = SENTENCE_END.split(positional["prompt"], maxsplit=1)[0]
        return positional | {
            k.arg: k.value.value
            for k in call.keywords
            if k.arg and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
        }
    return None


def _branch(prompt: str) -> str | None:
    m = re.search(r"\bbranch\s+(`[^`]+`|\S+)", prompt, re.I)
    if not m:
        return None
    word = m.group(1)
    spans = CODE.findall(word)
    value = (spans[0] if spans else word).strip(".,;:")
    return value if BRANCH.fullmatch(value) or "/" in value else None
