"""The DAG a plan becomes, as Airflow's own DagBag loads it from per-plan DAG files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.filterwarnings("ignore")


def _bag(folder: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(folder))


def test_phase10_dag_shape(dag_folder, shipped_plans):
    bag = _bag(dag_folder({"phase10.yaml": shipped_plans["phase10.yaml"]}))
    assert bag.import_errors == {}
    dag = bag.dags.get("phase10")
    assert dag is not None
    assert dag.schedule == "0 2 * * *"
    assert dag.catchup is False
    groups = set(dag.task_group.children)
    assert {"preflight", "wave_1", "wave_2", "quality_gates", "wave_1_landed"} <= groups
    preflight = {t for t in dag.task_ids if t.startswith("preflight.")}
    assert preflight == {
        f"preflight.{c}" for c in ("base_ref", "previous_phase", "agents", "isolation", "image_and_secret")
    }
    assert dag.get_task("wave_1.e10_1_1").upstream_task_ids == preflight
    efforts = {"wave_1.e10_1_1", "wave_2.e10_2_1", "wave_2.e10_2_2", "wave_2.e10_2_3", "wave_2.e10_2_4"}
    assert efforts <= set(dag.task_ids)
    # Each wave ends with its integration: the wave's branches merged and tested together, when none failed.
    integrate = dag.get_task("wave_1.integrate")
    assert integrate.upstream_task_ids == {"wave_1.e10_1_1"} and integrate.trigger_rule == "none_failed"
    assert integrate.env["WAVEFLOW_BRANCH"] == "waveflow/phase10/integration-wave-1"
    assert dag.get_task("wave_2.integrate").upstream_task_ids == {f"wave_2.e10_2_{i}" for i in range(1, 5)}
    sensor = dag.get_task("wave_1_landed")
    assert sensor.upstream_task_ids == {"wave_1.integrate"}
    assert sensor.efforts["integration-wave-1"] == "waveflow/phase10/integration-wave-1"
    assert sensor.downstream_task_ids == {f"wave_2.e10_2_{i}" for i in range(1, 5)}
    for i in range(1, 5):
        task = dag.get_task(f"wave_2.e10_2_{i}")
        assert task.upstream_task_ids == {"wave_1_landed", "wave_1.e10_1_1"}
        assert task.pool == "waveflow-phase10"
        assert task.trigger_rule == "none_failed"
        # Wave 2 starts where wave 1's branches met, not from the base ref.
        assert task.env["WAVEFLOW_BASE_REF"] == "waveflow/phase10/integration-wave-1"
    gates = {t for t in dag.task_ids if t.startswith("quality_gates.gate_")}
    assert gates == {
        "quality_gates.gate_test_coverage",
        "quality_gates.gate_benchmark_stability",
        "quality_gates.gate_chaos_recovery",
        "quality_gates.gate_doc_completeness",
        "quality_gates.gate_pr_size",
        "quality_gates.gate_test_isolation",
    }
    for g in gates:
        assert dag.get_task(g).trigger_rule == "all_done"
        assert dag.get_task(g).upstream_task_ids == {"wave_2.integrate"}
    efforts = {"wave_1.e10_1_1", *(f"wave_2.e10_2_{i}" for i in range(1, 5))}
    integrations = {"wave_1.integrate", "wave_2.integrate"}
    # Every effort directly: a clear of "only failed" leaves passed gates alone, and must not let these run early.
    assert dag.get_task("quality_gates.report").upstream_task_ids == gates | efforts | integrations
    outcome = dag.get_task("quality_gates.run_outcome")
    assert outcome.upstream_task_ids == gates | efforts | integrations | {"quality_gates.report"}
    assert [t.task_id for t in dag.leaves] == ["quality_gates.run_outcome"]
    assert set(dag.params.keys()) == {"efforts", "base_ref", "image", "dry_run", "sequential", "enforce_gates"}
    assert dag.params["base_ref"] == "main"
    assert "10.2.4" in dag.doc_md and "mermaid" in dag.doc_md and "Critical path" in dag.doc_md


def test_a_person_resolving_conflicts_gets_an_approval_then_the_integration_goes_on(dag_folder, shipped_plans):
    plan = yaml.safe_load(shipped_plans["phase10.yaml"])
    plan["integration"]["resolve_conflicts"] = "person"
    dag = _bag(dag_folder({"phase10.yaml": yaml.safe_dump(plan, sort_keys=False)})).dags["phase10"]
    from airflow.providers.standard.operators.hitl import ApprovalOperator

    approval = dag.get_task("wave_1.resolve_conflict")
    assert isinstance(approval, ApprovalOperator) and approval.fail_on_reject
    assert approval.upstream_task_ids == {"wave_1.integrate"} and approval.integration_task == "wave_1.integrate"
    again = dag.get_task("wave_1.integrate_resolved")
    # Skipped with the approval (no conflict); after a resolution a second conflict fails instead of asking again.
    assert again.upstream_task_ids == {"wave_1.resolve_conflict"} and again.trigger_rule == "all_success"
    assert '"on_conflict":"person"' in dag.get_task("wave_1.integrate").env["WAVEFLOW_INTEGRATION"]
    assert '"on_conflict":"fail"' in again.env["WAVEFLOW_INTEGRATION"]
    assert again.env["WAVEFLOW_BRANCH"] == "waveflow/phase10/integration-wave-1"
    assert dag.get_task("wave_1_landed").upstream_task_ids == {"wave_1.integrate_resolved"}
    report = dag.get_task("quality_gates.report")
    assert {"wave_2.resolve_conflict", "wave_2.integrate_resolved"} <= report.upstream_task_ids
    assert report.person_tasks == {2: ("wave_2.resolve_conflict", "wave_2.integrate_resolved"),
                                   1: ("wave_1.resolve_conflict", "wave_1.integrate_resolved")}  # fmt: skip


def test_a_plan_without_integration_lands_each_effort_on_its_own(dag_folder, shipped_plans):
    plan = yaml.safe_load(shipped_plans["phase10.yaml"])
    del plan["integration"]
    dag = _bag(dag_folder({"phase10.yaml": yaml.safe_dump(plan, sort_keys=False)})).dags["phase10"]
    assert not [t for t in dag.task_ids if t.endswith(".integrate")]
    assert dag.get_task("wave_1_landed").upstream_task_ids == {"wave_1.e10_1_1"}
    assert dag.get_task("wave_2.e10_2_1").env["WAVEFLOW_BASE_REF"] == "{{ params.base_ref or 'main' }}"


def test_task_ids_are_deterministic(dag_folder, shipped_plans):
    folder = dag_folder({"phase10.yaml": shipped_plans["phase10.yaml"]})
    assert _bag(folder).dags.get("phase10").task_ids == _bag(folder).dags.get("phase10").task_ids


def test_waves_run_in_number_order_whatever_order_the_plan_lists_them(dag_folder, shipped_plans):
    plan = yaml.safe_load(shipped_plans["phase10.yaml"])
    plan["waves"].reverse()
    bag = _bag(dag_folder({"phase10.yaml": yaml.safe_dump(plan, sort_keys=False)}))
    assert bag.import_errors == {}
    dag = bag.dags["phase10"]
    assert dag.get_task("wave_1_landed").upstream_task_ids == {"wave_1.integrate"}
    assert dag.get_task("wave_2.e10_2_1").upstream_task_ids == {"wave_1_landed", "wave_1.e10_1_1"}


def test_broken_plan_is_an_import_error_and_hides_nothing(dag_folder, shipped_plans):
    broken = yaml.safe_load(shipped_plans["phase10.yaml"])
    broken["name"] = "broken"
    broken["efforts"][1]["depends_on"] = ["10.9.9"]
    broken["efforts"][2]["branch"] = broken["efforts"][3]["branch"]
    text = yaml.safe_dump(broken, sort_keys=False)
    bag = _bag(dag_folder({"phase10.yaml": shipped_plans["phase10.yaml"], "broken.yaml": text}))
    assert bag.dags.get("phase10") is not None
    assert bag.dags.get("broken") is None
    [(file, message)] = bag.import_errors.items()
    assert file.endswith("plan_broken_yaml.py")
    assert "10.9.9" in message and "duplicate" in message.lower()
    # Every problem with its line in the plan file.
    lines = [line for line in message.splitlines() if "broken.yaml:" in line and ": error:" in line]
    assert len(lines) >= 2


def test_local_backend_runs_the_runner_as_a_subprocess(dag_folder, shipped_plans):
    from waveflow.airflow.local import LocalEffortOperator

    dag = _bag(dag_folder({"phase10.yaml": shipped_plans["phase10.yaml"]}, backend="local")).dags.get("phase10")
    task = dag.get_task("wave_2.e10_2_3")
    assert isinstance(task, LocalEffortOperator)
    assert task.env["WAVEFLOW_BRANCH"] == "feature/tmc-completion/p10w2-chaos-testing"
    assert task.env["WAVEFLOW_DEPENDENCY_BRANCHES"] == '["feature/tmc-completion/p10w1-e2e-framework"]'
    assert (task.env["PORT_RANGE_START"], task.env["PORT_RANGE_END"]) == ("30300", "30399")
    assert task.env["WAVEFLOW_BASE_REF"] == "waveflow/phase10/integration-wave-1"
    assert "params.base_ref" in dag.get_task("wave_1.e10_1_1").env["WAVEFLOW_BASE_REF"]
    assert task.execution_timeout.total_seconds() == 8 * 3600


def test_checkpoint_puts_an_approval_between_waves(dag_folder, shipped_plans):
    plan = yaml.safe_load(shipped_plans["phase10.yaml"])
    plan["wave_gate"]["checkpoint"] = True
    dag = _bag(dag_folder({"phase10.yaml": yaml.safe_dump(plan)})).dags.get("phase10")
    approval = dag.get_task("wave_2_approval")
    assert approval.upstream_task_ids == {"wave_1_landed"}
    assert dag.get_task("wave_2.e10_2_1").upstream_task_ids == {"wave_2_approval", "wave_1.e10_1_1"}


def test_shipped_dag_files_match_the_plans(repo_root, tmp_path):
    from waveflow.airflow.dag_files import sync

    assert sync(repo_root / "include" / "plans", tmp_path) != []
    shipped = {p.name: p.read_text() for p in (repo_root / "dags" / "plans").glob("plan_*.py")}
    generated = {p.name: p.read_text() for p in tmp_path.glob("plan_*.py")}
    assert shipped == generated


def test_wave_deadlines_are_opt_in(dag_folder, shipped_plans, monkeypatch):
    folder = dag_folder({"phase10.yaml": shipped_plans["phase10.yaml"]})
    assert not _bag(folder).dags["phase10"].deadline
    monkeypatch.setenv("WAVEFLOW_DEADLINES", "on")
    alerts = _bag(folder).dags["phase10"].deadline
    # Wave 1 is planned at most 6 h, wave 2 another 8 h: alerts at 6 h and 14 h after the run was queued.
    assert [a.interval.total_seconds() / 3600 for a in alerts] == [6.0, 14.0]


def test_a_local_dag_file_parse_imports_no_git_markdown_or_kubernetes_client(tmp_path):
    """Airflow imports the factory afresh at every task start: what only tasks or other formats need stays out."""
    import subprocess
    import sys

    probe = (
        "import sys, waveflow.airflow.factory, waveflow.airflow.local\n"
        "print(sorted(m for m in ('git', 'markdown_it', 'kubernetes') if m in sys.modules))"
    )
    env = {"WAVEFLOW_BACKEND": "local", "AIRFLOW_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_markdown_plans_efforts_run_the_front_matters_agent_and_commands(dag_folder, shipped_plans):
    """A markdown plan names no commands per effort: its efforts run the front matter's agent profile and
    `defaults.commands` — also `implement`, when the front matter gives one instead of a profile."""
    import json

    from waveflow.plan.load import read_text

    shipped = shipped_plans["phase10.md"]
    plan = read_text(shipped, "phase10.md")
    profile = plan.agents[plan.defaults.agent or ""]
    assert profile.command
    implement = (
        shipped.replace("  agent: demo\n", "")
        .replace('agents:\n  demo: {command: ["python3", "tools/apply_effort.py"], max_iterations: 2}\n', "")
        .replace("  commands:\n", '  commands:\n    implement: ["python3", "tools/apply_effort.py"]\n')
    )
    assert "\nagents:" not in implement and "implement:" in implement
    bag = _bag(dag_folder({"phase10.md": shipped, "implement.md": implement.replace("phase10-md", "phase10-impl")},
                          backend="local"))  # fmt: skip
    assert bag.import_errors == {}
    for dag_id in ("phase10-md", "phase10-impl"):
        efforts = [t for t in bag.dags[dag_id].tasks if hasattr(t, "effort_id") and not t.task_id.endswith("integrate")]
        assert len(efforts) == 5
        for task in efforts:
            assert json.loads(task.env["WAVEFLOW_TEST"]) == plan.defaults.commands.test, task.task_id
            if dag_id == "phase10-md":
                got = json.loads(task.env["WAVEFLOW_AGENT_PROFILE"])
                assert (got["name"], got["command"], got["max_iterations"]) == ("demo", profile.command, 2)
            else:
                assert "WAVEFLOW_AGENT_PROFILE" not in task.env
                assert json.loads(task.env["WAVEFLOW_IMPLEMENT"]) == ["python3", "tools/apply_effort.py"]
