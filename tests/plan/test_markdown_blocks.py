"""The markdown reader's shortcuts give what the long way gives: pipe-table paragraphs as markdown-it's own rules
make them, and lines found by one search over a text as a search of each line finds them."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from waveflow.plan.markdown import blocks
from waveflow.plan.markdown.blocks import parse_blocks
from waveflow.plan.markdown.text import lines_with

TABLE = "| Effort | Branch |\n|---|---|\n| 1.1.1 | `f/a` |\n| 1.1.2 | `f/b` |"

DOCUMENTS = [
    TABLE,
    f"Efforts of the wave:\n{TABLE}\n\nAfter.",
    f"{TABLE}\n- a list item right after the table",
    f"{TABLE}\n# a heading right after the table",
    f"{TABLE}\n```\ncode\n```",
    f"{TABLE}\n> a quote",
    f"{TABLE}\n<div>html</div>",
    f"{TABLE}\n***",
    f"{TABLE}\nplain text goes on the paragraph",
    f"{TABLE}\n---",
    "| heading by its underline |\n===",
    f"{TABLE}\n    | indented row |\n  | less |",
    f"- item\n\n  {TABLE.replace(chr(10), chr(10) + '  ')}\n| lazy row |",
    f"> {TABLE.replace(chr(10), chr(10) + '> ')}\n| lazy row in the quote |\n> | back |",
    "1. one\n   | a | b |\n   |---|---|\n   | c | d |\n2. two",
    "|\n|\n|",
    "| only one line",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_table_paragraphs_are_what_markdown_its_own_rules_make(text, monkeypatch):
    fast = parse_blocks(text)
    monkeypatch.setattr(blocks, "_MD", MarkdownIt("commonmark").disable(["inline", "text_join"]))
    assert fast == parse_blocks(text)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (re.compile("dep", re.I), "no deps\nDEPENDS on\n\nnothing\ndep"),
        (re.compile(r"\bno\s+deps"), "no\ndeps here\nno deps there\nno"),
        (re.compile(r"a\s+b"), "a\na b\na\n\nb"),
        (re.compile("x"), ""),
        (re.compile("x"), "\n\nx\n"),
    ],
)
def test_lines_with_a_hit_are_the_lines_a_search_per_line_finds(pattern, text):
    per_line = [(n, line) for n, line in enumerate(text.split("\n"), start=3) if pattern.search(line)]
    assert lines_with(pattern, text, first=3) == per_line
