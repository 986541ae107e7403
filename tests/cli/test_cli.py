"""The `waveflow` console script, run as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from waveflow.plan.model import plan_schema

WAVEFLOW = [sys.executable, "-m", "waveflow.cli"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WAVEFLOW, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_validate_ok_and_exit_codes(repo_root, tmp_path):
    ok = run("validate", "include/plans/phase10.yaml", cwd=repo_root)
    assert ok.returncode == 0, ok.stderr
    assert "ok: phase10: 5 efforts in 2 waves" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nwaves: [{number: 1}]\nefforts:\n  - {id: a, name: A, wave: 1, depends_on: [zz]}\n")
    out = run("validate", "include/plans/phase10.yaml", str(bad), cwd=repo_root)
    assert out.returncode == 2
    assert f"{bad}:4: error: effort a depends on 'zz', which is not an effort of this plan" in out.stderr
    assert "Traceback" not in out.stderr


def test_convert_json_and_yaml_round_trip(repo_root, tmp_path):
    out = run("convert", "include/plans/phase10.yaml", "--to", "json", cwd=repo_root)
    assert out.returncode == 0, out.stderr
    reading = json.loads(out.stdout)
    assert reading["name"] == "phase10"
    assert [w["efforts"] for w in reading["waves"]] == [["10.1.1"], ["10.2.1", "10.2.2", "10.2.3", "10.2.4"]]
    assert reading["efforts"][1]["ports"] == [30100, 30199]
    as_yaml = run("convert", "include/plans/phase10.yaml", "--to", "yaml", cwd=repo_root)
    copy = tmp_path / "copy.yaml"
    copy.write_text(as_yaml.stdout)
    again = run("convert", str(copy), "--to", "json", cwd=repo_root)
    assert json.loads(again.stdout) == reading


def test_convert_explain_says_where_each_fact_was_read(repo_root):
    out = run("convert", "--explain", "tests/fixtures/markdown/bold-agent-blocks.md", cwd=repo_root)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    # The graph gave the id and name (line 20 is the agent block it was matched to); the block gave the branch.
    assert "  effort 3.1.1 'Export Schema': line 20" in lines
    assert "    branch feature/billing/p3w1-export-schema: line 21" in lines
    # Each dependency at the line that states it: a named wave member, an agent of the same wave, a whole wave.
    assert "    depends on 3.1.1: line 37" in lines
    assert "    depends on 3.2.1: line 42" in lines and "    depends on 3.1.2: line 42" in lines


def test_graph_and_schedule(repo_root):
    graph = run("graph", "include/plans/phase10.yaml", cwd=repo_root)
    assert graph.stdout.startswith("graph TD")
    assert "E_10_1_1 --> E_10_2_4" in graph.stdout
    sched = run("schedule", "include/plans/phase10.yaml", "--agents", "2", cwd=repo_root)
    assert sched.returncode == 0
    assert "Parallel (2 agents" in sched.stdout and "Critical path: 10.1.1 -> 10.2.1" in sched.stdout


@pytest.mark.parametrize("document", ["not: [valid", "# Just a heading\n\nSome prose.\n"])
def test_bad_documents_exit_2_without_traceback(tmp_path, repo_root, document):
    for suffix in (".yaml", ".md"):
        path = tmp_path / f"doc{suffix}"
        path.write_text(document)
        out = run("convert", str(path), cwd=repo_root)
        assert out.returncode == 2
        assert str(path) in out.stderr and "Traceback" not in out.stderr


def test_published_schema_is_current(repo_root):
    published = json.loads((repo_root / "include/schema/plan.schema.json").read_text())
    assert published == plan_schema(), "run `waveflow schema > include/schema/plan.schema.json`"


def test_unknown_gate_metric_fails_validate_but_not_convert(repo_root, tmp_path):
    text = (repo_root / "include" / "plans" / "phase10.yaml").read_text()
    plan = tmp_path / "custom.yaml"
    plan.write_text(text.replace("metric: Test Isolation", "metric: Linting"))
    checked = run("validate", str(plan), cwd=repo_root)
    assert checked.returncode == 2 and "Linting" in checked.stderr
    converted = run("convert", str(plan), cwd=repo_root)
    assert converted.returncode == 0
    assert {g["metric"] for g in json.loads(converted.stdout)["gates"]} >= {"Linting", "Test Coverage"}
