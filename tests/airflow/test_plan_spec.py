"""The plan's DAG as data (`plan_spec`), and the DAG `materialize` makes of it: every task with exactly its own
arguments, whatever the other efforts set."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from waveflow.airflow.plan_spec import dag_spec
from waveflow.airflow.spec import EFFORT, LANDED
from waveflow.plan.load import read_text
from waveflow.plan.validate import validate

pytestmark = pytest.mark.filterwarnings("ignore")

# Efforts that differ in every argument an effort task takes from its effort: image, resources, retries, time-out,
# namespace or none, ports or none, labels, dependencies inside and across waves, implement commands.
VARIED = """
name: varied
backend: kubernetes
defaults: {retries: 1, timeout_minutes: 30}
waves:
  - {number: 1, name: First}
  - {number: 2, name: Second, duration: {min_hours: 1, max_hours: 3}}
efforts:
  - {id: A1, name: Base, wave: 1, branch: feat/a1, namespace: ns-a1, labels: {team: core}, ports: {start: 31000, end: 31009}}
  - {id: A2, name: Other, wave: 1, image: "tools:2", retries: 4, timeout_minutes: 5,
     resources: {cpu: "1", memory: 1Gi}, commands: {implement: [make, gen]}}
  - {id: A3, name: Third, wave: 1, depends_on: [A2], namespace: ns-a3}
  - {id: B1, name: Next, wave: 2, depends_on: [A1, A3], branch: feat/b1, labels: {test-type: chaos}}
  - {id: B2, name: Last, wave: 2, depends_on: [B1], retries: 0, ports: {start: 31010, end: 31019}}
"""


def _varied():
    plan = read_text(VARIED, "varied.yaml")
    assert [p for p in validate(plan) if p.severity == "error"] == []
    return plan


def test_the_spec_is_data_built_without_airflow(repo_root: Path, tmp_path: Path):
    """Building the spec of phase 10 (both backends) imports no Airflow module."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from waveflow.plan.load import read_plan\n"
        "from waveflow.airflow.plan_spec import dag_spec\n"
        "p = Path(sys.argv[1])\n"
        "spec = dag_spec(read_plan(p), p)\n"
        "print(len(spec.tasks), sorted(m for m in sys.modules if m == 'airflow' or m.startswith('airflow.')))\n"
    )
    plan = repo_root / "include" / "plans" / "phase10.yaml"
    for backend in ("local", "kubernetes"):
        env = {"WAVEFLOW_BACKEND": backend, "AIRFLOW_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", probe, str(plan)], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        count, imported = out.stdout.split(" ", 1)
        assert int(count) >= 19 and imported.strip() == "[]", (backend, out.stdout)


def test_the_spec_orders_waves_and_efforts(monkeypatch):
    monkeypatch.setenv("WAVEFLOW_BACKEND", "kubernetes")
    spec = dag_spec(_varied(), Path("varied.yaml"))
    assert [g.group_id for g in spec.groups] == ["preflight", "wave_1", "wave_2", "quality_gates"]
    assert [g.upstream for g in spec.groups] == [(), ("preflight",), ("wave_1_landed",), ("wave_2",)]
    efforts = {t.task_id: t for t in spec.tasks if t.kind == EFFORT}
    assert efforts["wave_1.ea3"].upstream == ("wave_1.ea2",)
    assert efforts["wave_2.eb1"].upstream == ("wave_1.ea1", "wave_1.ea3")
    [sensor] = [t for t in spec.tasks if t.kind == LANDED]
    assert sensor.upstream == ("wave_1",)
    assert sensor.args["efforts"] == {"A1": "feat/a1", "A2": "waveflow/varied/a2", "A3": "waveflow/varied/a3"}
    assert "preflight.cluster_access" in {t.task_id for t in spec.tasks}
    # Turns follow the plan's dependency order, one list for all.
    assert efforts["wave_1.ea3"].args["turn"] > efforts["wave_1.ea2"].args["turn"]
    assert efforts["wave_1.ea1"].args["turn_order"] is efforts["wave_2.eb2"].args["turn_order"]


@pytest.mark.parametrize("backend", ["local", "kubernetes"])
def test_every_effort_task_has_exactly_its_own_arguments(backend, monkeypatch):
    from waveflow.airflow.factory import build_dag

    monkeypatch.setenv("WAVEFLOW_BACKEND", backend)
    dag = build_dag(_varied(), Path("varied.yaml"))
    tasks = {t.effort_id: t for t in dag.tasks if hasattr(t, "effort_id")}
    assert {e: t.retries for e, t in tasks.items()} == {"A1": 1, "A2": 4, "A3": 1, "B1": 1, "B2": 0}
    timeouts = {e: t.execution_timeout for e, t in tasks.items()}
    assert timeouts == {e: timedelta(minutes=5 if e == "A2" else 30) for e in tasks}
    if backend == "local":
        env = {e: t.env for e, t in tasks.items()}
    else:
        from kpo_support.render import env_of, render_pod

        params = {"base_ref": None, "image": None, "efforts": [], "dry_run": False}
        env = {e: env_of(render_pod(t, params)) for e, t in tasks.items()}
    implement = {e: json.loads(env[e]["WAVEFLOW_IMPLEMENT"]) for e in tasks}
    assert implement.pop("A2") == ["make", "gen"]
    assert set(map(tuple, implement.values())) == {()}
    assert ("PORT_RANGE_START" in env["A1"], "PORT_RANGE_START" in env["A2"]) == (True, False)
    assert env["B2"]["PORT_RANGE_START"] == "31010"
    if backend == "kubernetes":
        assert {e: t.namespace for e, t in tasks.items()} == {
            "A1": "ns-a1",
            "A2": "waveflow-varied",
            "A3": "ns-a3",
            "B1": "waveflow-varied",
            "B2": "waveflow-varied",
        }
        assert {e: t.active_deadline_seconds for e, t in tasks.items()} == {
            e: int(timeouts[e].total_seconds()) for e in tasks
        }
        assert tasks["A2"].image == "tools:2" and tasks["A1"].image != "tools:2"
        assert tasks["A2"].container_resources.requests == {"cpu": "1", "memory": "1Gi"}
        assert tasks["A1"].container_resources.requests == {"cpu": "500m", "memory": "512Mi"}
        assert tasks["A1"].labels["team"] == "core" and "team" not in tasks["B1"].labels
        assert tasks["B1"].labels["test-type"] == "chaos"
    # Nothing one task holds is another's.
    for name in ("upstream_task_ids", "downstream_task_ids", "env_vars" if backend == "kubernetes" else "env"):
        held = [id(getattr(t, name)) for t in tasks.values()]
        assert len(set(held)) == len(held), name
    assert dag.get_task("wave_2.eb1").upstream_task_ids == {"wave_1_landed", "wave_1.ea1", "wave_1.ea3"}


def test_a_base_ref_with_a_quote_renders_as_itself(monkeypatch):
    """The plan's base ref goes into a Jinja template: a quote in it (git allows one) must stay data."""
    from waveflow.airflow.factory import build_dag

    monkeypatch.setenv("WAVEFLOW_BACKEND", "local")
    plan = read_text(VARIED.replace("name: varied\n", 'name: varied\nbase_ref: "rel/it\'s-{x}"\n'), "varied.yaml")
    assert [p for p in validate(plan) if p.severity == "error"] == []
    task = build_dag(plan, Path("varied.yaml")).get_task("wave_1.ea1")
    task.render_template_fields({"params": {"base_ref": None}, "run_id": "r"})
    assert task.env["WAVEFLOW_BASE_REF"] == "rel/it's-{x}"
    task = build_dag(plan, Path("varied.yaml")).get_task("wave_1.ea1")
    task.render_template_fields({"params": {"base_ref": "main"}, "run_id": "r"})
    assert task.env["WAVEFLOW_BASE_REF"] == "main"


@pytest.mark.parametrize("ref", ["bad..ref", "has space", "ends/", "-x"])
def test_a_base_ref_that_is_no_git_ref_is_refused(ref):
    plan = read_text(VARIED.replace("name: varied\n", f'name: varied\nbase_ref: "{ref}"\n'), "varied.yaml")
    errors = [p for p in validate(plan) if p.severity == "error"]
    assert any("base_ref" in p.message and p.line == 3 for p in errors), errors
