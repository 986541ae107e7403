"""Efforts found by name in a markdown plan: the word index behind the lookups."""

from __future__ import annotations

from waveflow.plan.load import read_text


def test_a_word_too_long_for_a_name_matches_only_whole():
    # Stems are indexed by their prefixes: for a word of 100,000 letters that would be 5 GB of prefixes.
    word = "x" * 100_000
    table = "\n".join(
        [
            "## Wave 1: Base",
            "| Effort | Branch | Name |",
            "|---|---|---|",
            f"| 1.1 | f/long | {word} |",
            "## Wave 2: Use",
            "| Effort | Branch | Name | Dependencies |",
            "|---|---|---|---|",
            f"| 2.1 | f/a | A | {word} |",
            f"| 2.2 | f/b | B | {word[:-1]} |",
        ]
    )
    plan = read_text(table, "long.md")
    assert {e.id: e.depends_on for e in plan.wave_efforts(2)} == {"2.1": ["1.1"], "2.2": []}
