"""Real wave plans from public repositories (in ../shared) against their expected readings.

Scoring as the corpus defines it: efforts matched by branch, else id, else name; a plan reads right when the
effort-set F1 >= 0.95, wave membership >= 0.95 and dependency-edge F1 >= 0.90. Documents that are not wave plans
must be refused. The reference plan (the seed) must read exactly, namespaces, ports and gates included.
"""

from __future__ import annotations

import json

import pytest
from plan_scoring import convert, reads_right, scores, wrong_sizes

from waveflow.plan.errors import NotAWavePlan


def test_the_scoring_itself():
    a = {"efforts": [{"id": "1", "branch": "b1", "wave": 1, "depends_on": []}]}
    b = {"efforts": [{"id": "x", "branch": "B1", "wave": 2, "depends_on": []}]}
    assert scores(a, b) == {"efforts": 1.0, "waves": 0.0, "deps": 1.0}


def test_every_corpus_document_reads_as_expected(shared_dir):
    documents = sorted((shared_dir / "corpus").glob("*.expected.json"))
    assert documents, "the corpus holds no expected readings"
    failures = []
    for expected_path in documents:
        expected = json.loads(expected_path.read_text())
        source = expected_path.with_name(expected_path.name.replace(".expected.json", ".md"))
        if expected.get("kind") == "not-a-plan":
            with pytest.raises(NotAWavePlan) as exc:
                convert(source)
            assert "not a wave plan: " in str(exc.value)
            continue
        reading = convert(source)
        got = scores(expected, reading)
        briefless = [e["id"] for e in reading["efforts"] if not e["brief"].strip()]
        if briefless:
            failures.append(f"{source.name}: no brief for {briefless}")
        if not reads_right(got):
            failures.append(f"{source.name}: {got}")
        failures += [f"{source.name}: {wrong}" for wrong in wrong_sizes(expected, reading)]
    assert not failures, "\n".join(failures)


def test_the_seed_reads_exactly(shared_dir):
    seed = shared_dir / "seeds" / "phase10-wave-plan.md"
    expected = json.loads(seed.with_name("phase10-wave-plan.expected.json").read_text())
    got = convert(seed)
    assert (got["name"], got["title"]) == (expected["name"], expected["title"])
    assert [(w["number"], w["name"], w["efforts"]) for w in got["waves"]] == [
        (w["number"], w["name"], w["efforts"]) for w in expected["waves"]
    ]
    fields = ("id", "name", "wave", "branch", "lines", "agent", "depends_on", "namespace", "ports")
    assert [{f: e[f] for f in fields} for e in got["efforts"]] == [
        {f: e[f] for f in fields} for e in expected["efforts"]
    ]
    assert got["gates"] == expected["gates"]
    # What the document says each effort is to do reaches its brief: the execution block's comments and the agent's
    # entry in the assignment list.
    framework = got["efforts"][0]["brief"]
    assert "- Test harness setup" in framework and "Focus: Test infrastructure and utilities" in framework
    docs = got["efforts"][4]["brief"]
    assert "Create comprehensive documentation" in docs and "Skills: Technical writing, API documentation" in docs
    # Where the table and the prose disagree (docs effort), the table wins and a warning quotes both lines.
    (warning,) = got["warnings"]
    assert warning.startswith("effort 10.2.4: line 91 says it depends on 10.1.1") and "line 233 says" in warning
    assert "no framework dependency" in warning
