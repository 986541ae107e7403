from __future__ import annotations

import pytest

from waveflow.plan.errors import PlanError
from waveflow.plan.front_matter import apply_front_matter, split_front_matter
from waveflow.plan.load import read_text

FRONT = "---\nname: phase10-md\nbackend: local\nwave_gate: {mode: merged, poke_interval_seconds: 5}\n---\n"


def test_front_matter_lines_become_blank_so_line_numbers_hold():
    options, key_lines, body = split_front_matter(FRONT + "# Title\n", "p.md")
    assert options["name"] == "phase10-md" and options["wave_gate"]["mode"] == "merged"
    assert key_lines == {"name": 2, "backend": 3, "wave_gate": 4}
    assert body.split("\n")[5] == "# Title"


def test_documents_without_front_matter_pass_through():
    assert split_front_matter("# Title\n---\n", "p.md") == ({}, {}, "# Title\n---\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\nname: [x\n---\n", "p.md:2: error: malformed front matter"),
        ("---\n- a\n---\n", "p.md:2: error: front matter must be a YAML mapping"),
        ("---\nname: x\nefforts: []\n---\n", "p.md:3: error: front matter: 'efforts' is not a plan option"),
        # A key YAML reads as null: no key text to find its line by, so the front matter's
        ("---\nname: x\n~: 1\n---\n", "p.md:1: error: front matter: None is not a plan option"),
    ],
)
def test_bad_front_matter_is_refused_with_its_line(text, message):
    with pytest.raises(PlanError) as exc:
        read_text(text + "# Phase 1\n\n## Wave 1: One\n\n| Effort | Branch |\n|---|---|\n| 1.1 A | `f/a` |\n", "p.md")
    assert str(exc.value.problems[0]).startswith(message)


def test_a_front_matter_typo_hides_no_other_problem():
    text = (
        "---\nbacked: local\nschedule: nightly\n---\n# Phase 1\n\n## Wave 1: One\n\n"
        "| Effort | Branch |\n|---|---|\n| 1.1 A | `f/a` |\n| 1.2 B | `f/a` |\n"
    )
    with pytest.raises(PlanError) as exc:
        read_text(text, "p.md")
    found = [str(p) for p in exc.value.problems]
    assert found[0] == "p.md:2: error: front matter: 'backed' is not a plan option"
    # The other front matter key still applies, and the document's own problems are there too.
    assert any(p.startswith("p.md:3: error: schedule 'nightly'") for p in found), found
    assert any("f/a" in p and ": error:" in p for p in found[1:]), found


def test_a_front_matter_typo_is_reported_beside_the_documents_refusal():
    with pytest.raises(PlanError) as exc:
        read_text("---\nbacked: local\n---\n# Notes\n\nNothing planned here.\n", "p.md")
    found = [str(p) for p in exc.value.problems]
    assert found[0] == "p.md:2: error: front matter: 'backed' is not a plan option" and len(found) >= 2


def test_options_apply_on_top_of_a_read_plan(repo_root):
    plan = read_text((repo_root / "include/plans/phase10.yaml").read_text(), "phase10.yaml")
    options, key_lines, _ = split_front_matter(FRONT, "p.md")
    merged = apply_front_matter(plan, options, key_lines)
    assert (merged.name, merged.backend, merged.wave_gate.mode) == ("phase10-md", "local", "merged")
    assert merged.efforts == plan.efforts and merged.source.line("backend") == 3
    with pytest.raises(PlanError, match=r"phase10\.yaml:3: error: front matter: backend: Input should be"):
        apply_front_matter(plan, {"backend": "mainframe"}, {"backend": 3})


def test_a_front_matter_typo_beside_a_refused_document_keeps_the_refusal_kind():
    from waveflow.plan.errors import NotAWavePlan

    with pytest.raises(NotAWavePlan) as exc:
        read_text("---\nbacked: local\n---\n# Notes\n\nNothing planned here.\n", "p.md")
    assert str(exc.value).startswith("p.md:2: error: front matter: 'backed' is not a plan option\n")
    assert "not a wave plan" in str(exc.value)


def test_a_front_matter_key_given_twice_is_refused_with_both_lines():
    text = "---\nbackend: local\ndefaults:\n  retries: 1\n  retries: 2\nbackend: kubernetes\n---\n# Phase 3\n"
    with pytest.raises(PlanError) as exc:
        read_text(text, "p.md")
    assert [str(p) for p in exc.value.problems] == [
        "p.md:5: error: front matter: duplicate key 'retries' (first at line 4): give each key once",
        "p.md:6: error: front matter: duplicate key 'backend' (first at line 2): give each key once",
    ]


def test_front_matter_of_another_tool_is_not_read_as_plan_options():
    # A docs site's fields: none a plan option but the title, so the plan reads as if they were not there.
    text = "---\ntitle: Roadmap\ndescription: what ships when\nsidebar: 3\n---\n# Roadmap\n\n## Wave 1: One\n\n"
    plan = read_text(text + "| Effort | Branch |\n|---|---|\n| 1.1 A | `f/a` |\n", "p.md")
    assert [e.branch for e in plan.efforts] == ["f/a"]
    # Two keys of a note: neither a plan option nor one misspelt.
    text = "---\nauthor: Lena\ncreated_at: 2026-08-06 15:08:37\n---\n# Roadmap\n\n## Wave 1: One\n\n"
    plan = read_text(text + "| Effort | Branch |\n|---|---|\n| 1.1 A | `f/a` |\n", "p.md")
    assert [e.branch for e in plan.efforts] == ["f/a"]


def test_a_trackers_task_file_is_one_task_not_a_plan():
    from waveflow.plan.errors import NotAWavePlan

    text = "---\nid: TASK-W3\ntitle: 'Wave 3: Resume'\nstatus: completed\n---\n# Wave 3: Resume\n\n## Wave 1: One\n\n"
    with pytest.raises(NotAWavePlan) as exc:
        read_text(text + "| Effort | Branch |\n|---|---|\n| 1.1 A | `f/a` |\n", "p.md")
    assert str(exc.value) == (
        "p.md:2: error: not a wave plan: it is one task's file (front matter `id: TASK-W3`), not efforts in waves"
    )
