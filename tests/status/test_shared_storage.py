"""A run whose storage is WAVEFLOW_REPORTS_URL (`dag.test()`, local backend): the report, every status event and the
agents' transcripts land under the URL, and nothing in the local reports directory, which the workers of a Celery
deployment would each have their own of."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from chaos.chaos_plans import new_remote
from plan_runs import migrate, run

from waveflow.plan.read_yaml import read_yaml

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

# The agent says which effort it is (its transcript must hold that) and writes a file of its own.
AGENT = """
import os, pathlib
effort = os.environ["WAVEFLOW_EFFORT"]
print("agent at work on", effort)
pathlib.Path(effort.replace(".", "_") + ".txt").write_text(effort + "\\n")
"""
EFFORTS = {"1.1": "wave_1.e1_1", "1.2": "wave_1.e1_2", "2.1": "wave_2.e2_1"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


def _plan(remote: Path) -> str:
    return yaml.safe_dump({
        "name": "shared-store", "repo": str(remote), "backend": "local", "schedule": None,
        "defaults": {"agent": "coder", "retries": 0, "commands": {"test": ["python3", "-c", "pass"]}},
        "agents": {"coder": {"command": ["python3", "-c", AGENT]}},
        "waves": [{"number": 1, "name": "Two"}, {"number": 2, "name": "One"}],
        "efforts": [
            {"id": "1.1", "name": "A", "wave": 1, "branch": "feat/a", "agent": "Agent-1", "brief": "Write A"},
            {"id": "1.2", "name": "B", "wave": 1, "branch": "feat/b", "agent": "Agent-2", "brief": "Write B"},
            {"id": "2.1", "name": "C", "wave": 2, "branch": "feat/c", "agent": "Agent-1", "brief": "Write C",
             "depends_on": ["1.1"]},
        ],
        "gates": [{"metric": "PR Size", "target": "<800 lines", "measurement": "Line counter"}],
    })  # fmt: skip


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> tuple[Any, dict[str, Any], Path]:
    """(dag run, {task id: task instance}, remote) of the plan, with its storage at `url`."""
    for name, value in {
        "WAVEFLOW_REPORTS_URL": url,
        "WAVEFLOW_REPORTS_DIR": str(tmp_path / "local-reports"),
        "WAVEFLOW_WORKSPACE": str(tmp_path / "workspace"),
        "WAVEFLOW_BACKEND": "local",
        "WAVEFLOW_DEADLINES": "off",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WAVEFLOW_REPO_URL", raising=False)
    monkeypatch.delenv("WAVEFLOW_NOTIFY_URL", raising=False)
    migrate()
    remote = new_remote(tmp_path / "remote.git")
    return *run(read_yaml(_plan(remote)), {}), remote


def test_a_run_writes_only_to_the_storage_url(tmp_path, monkeypatch):
    shared, local = tmp_path / "shared", tmp_path / "local-reports"
    dag_run, tis, _ = _run(tmp_path, monkeypatch, f"file://{shared}")

    assert dag_run.state == "success", {t: ti.state for t, ti in tis.items()}
    assert not local.exists()  # the local reports directory was never written
    run_dir = shared / "shared-store" / dag_run.run_id
    url = f"file://{run_dir}"

    # Every event, each its own object: two efforts of wave 1 each said "wave started"; the log keeps the first.
    events = sorted(p.name for p in (run_dir / "status").iterdir())
    assert len([e for e in events if e.endswith("~once-wave-1-started.event")]) == 2
    lines = (run_dir / "status.log").read_text().splitlines()
    assert all(STAMP.match(line) for line in lines)
    said = [STAMP.sub("", line) for line in lines]
    assert said.count("wave started wave=1") == 1 and said.count("wave started wave=2") == 1
    assert said.count("wave complete wave=1") == 1
    started = [s for s in said if s.startswith("effort started")]
    finished = [s for s in said if s.startswith("effort finished")]
    assert sorted(s.split()[2] for s in started) == sorted(f"effort={e}" for e in EFFORTS)
    assert len(finished) == 3 and all("outcome=succeeded" in s for s in finished)
    assert said.index("wave complete wave=1") < said.index("wave started wave=2")
    assert next(s for s in said if s.startswith("gate ")).startswith("gate metric=PR Size verdict=pass")
    assert (
        said[-1] == "run finished outcome=succeeded detail=every selected effort succeeded, every enforced gate passed"
    )
    assert len(events) == len(said) + 1  # the one "wave started wave=1" left out

    # The report, with its status log named by its URL.
    report = (run_dir / "report.md").read_text()
    assert f"[Status log]({url}/status.log)" in report
    assert f'href="{url}/status.log"' in (run_dir / "report.html").read_text()
    assert json.loads((run_dir / "summary.json").read_text())["verdict"] == "pass"
    assert tis["quality_gates.report"].xcom_pull(task_ids="quality_gates.report")["html"] == f"{url}/report.html"

    # Each effort's transcript, copied from the worker's state directory; the result and the report name the copy.
    for effort, task in EFFORTS.items():
        copy = run_dir / "transcripts" / effort / "1-implement-1.log"
        assert f"agent at work on {effort}" in copy.read_text()
        result = tis[task].xcom_pull(task_ids=task)
        assert result["agent"]["iterations"][0]["transcript"] == f"file://{copy}"
        assert f"`file://{copy}`" in report


def test_a_storage_url_that_cannot_be_used_stops_the_efforts_before_their_agents(tmp_path, monkeypatch, capfd, caplog):
    dag_run, tis, remote = _run(tmp_path, monkeypatch, "s3://bucket/waveflow")  # no provider serves s3 here
    assert dag_run.state == "failed"
    assert {tis[t].state for t in ("wave_1.e1_1", "wave_1.e1_2")} == {"failed"}
    assert tis["wave_1.e1_1"].try_number == 1  # not retried: the setting would be the same
    branches = subprocess.run(["git", "-C", str(remote), "branch", "--list", "feat/*"], capture_output=True, text=True)
    assert branches.stdout == ""  # no agent ran, nothing was pushed
    assert not (tmp_path / "local-reports").exists() and not (tmp_path / "workspace").exists()
    # The failure notification logs the effort's exception; where Airflow's logging sends it depends on what set the
    # logging up before this test: pytest's log capture or the process's output.
    said = "".join(capfd.readouterr()) + caplog.text
    why = "WAVEFLOW_REPORTS_URL='s3://bucket/waveflow' cannot be used: No filesystem registered for scheme s3"
    assert f"effort 1.1 (feat/a) failed: {why} (install apache-airflow-providers-amazon" in said
