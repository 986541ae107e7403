from __future__ import annotations

import pytest

from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_plan, read_text
from waveflow.plan.model import effort_key

PHASE10 = "include/plans/phase10.yaml"


def test_phase10_yaml_reads_the_seed_facts(repo_root):
    plan = read_plan(repo_root / PHASE10)
    assert plan.name == "phase10"
    assert [w.number for w in plan.waves] == [1, 2]
    assert [e.id for e in plan.wave_efforts(2)] == ["10.2.1", "10.2.2", "10.2.3", "10.2.4"]
    framework = plan.effort("10.1.1")
    assert framework.branch == "feature/tmc-completion/p10w1-e2e-framework"
    assert (framework.lines, framework.agent, framework.namespace) == (700, "Agent-1", "e2e-framework")
    assert framework.labels == {"test-type": "e2e-foundation"}
    assert (framework.ports.start, framework.ports.end) == (30000, 30099)
    assert all(e.depends_on == ["10.1.1"] for e in plan.wave_efforts(2))
    docs = plan.effort("10.2.4")
    assert docs.namespace is None and docs.ports is None
    assert [g.metric for g in plan.gates][-2:] == ["PR Size", "Test Isolation"]
    assert plan.parallel_agents == 4
    assert plan.defaults.commands.test == ["make", "test"]


def test_locations_point_at_keys(repo_root):
    text = (repo_root / PHASE10).read_text()
    plan = read_text(text, "p.yaml")
    line = plan.source.line(effort_key("10.2.3") + "/ports")
    assert line is not None and "ports:" in text.splitlines()[line - 1]
    # A key the effort does not have falls back to the effort's own line.
    parent = plan.source.line(effort_key("10.2.4") + "/ports")
    assert parent is not None and '"10.2.4"' in text.splitlines()[parent - 1]


def test_schema_errors_name_the_line_and_key():
    text = "name: p\nwaves:\n  - number: 1\nefforts:\n  - id: a\n    name: A\n    wave: 1\n    lines: many\n    colour: red\n"
    with pytest.raises(PlanError) as exc:
        read_text(text, "bad.yaml")
    messages = [str(p) for p in exc.value.problems]
    assert (
        "bad.yaml:8: error: efforts.0.lines: Input should be a valid integer, unable to parse string as an integer"
        in messages
    )
    assert "bad.yaml:9: error: efforts.0.colour: unknown key (typo?)" in messages
    assert len(messages) == 2


def test_malformed_yaml_is_a_plan_error_with_line():
    with pytest.raises(PlanError) as exc:
        read_text("name: p\nwaves: [1, 2\nefforts: []\n", "broken.yaml")
    (problem,) = exc.value.problems
    assert problem.path == "broken.yaml" and problem.line == 3 and "malformed YAML" in problem.message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_non_mapping_documents_are_refused(text):
    with pytest.raises(PlanError, match="YAML mapping"):
        read_text(text, "x.yaml")


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(PlanError, match="cannot read plan"):
        read_plan(tmp_path / "nope.yaml")
    (tmp_path / "plan.txt").write_text("name: x")
    with pytest.raises(PlanError, match="unknown plan format"):
        read_plan(tmp_path / "plan.txt")


def test_a_key_given_twice_is_refused_with_both_lines_every_one_at_once(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(
        "name: a\nwaves: [{number: 1}]\nname: b\nefforts:\n"
        "  - {id: a, name: A, wave: 1, wave: 2}\n  - id: b\n    name: B\n    wave: 1\n    name: C\n"
    )
    with pytest.raises(PlanError) as exc:
        read_plan(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:3: error: duplicate key 'name' (first at line 1): give each key once",
        f"{path}:5: error: duplicate key 'wave' (on this line): give each key once",
        f"{path}:9: error: duplicate key 'name' (first at line 7): give each key once",
    ]


def test_a_merged_key_a_mapping_overrides_is_no_duplicate():
    text = "defaults: &d {retries: 1}\nname: p\nwaves: [{number: 1}]\nefforts: []\nx:\n  <<: *d\n  retries: 2\n"
    with pytest.raises(PlanError) as exc:
        read_text(text, "p.yaml")
    assert [p.message for p in exc.value.problems] == ["x: unknown key (typo?)"]  # no duplicate `retries`
