"""`waveflow k8s`: YAML on stdout or files in a folder; exit 2, with the reasons, for what cannot be rendered."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from waveflow.cli import main


def test_stdout_is_one_multi_document_stream_namespaces_first(repo_root: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["k8s", str(repo_root / "include/plans/phase10.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Rendered from phase10.yaml by `waveflow k8s`")
    docs = list(yaml.safe_load_all(out))
    assert len(docs) == 49
    namespaces = [d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"]
    assert namespaces == ["e2e-framework", "integration-tests", "perf-benchmarks", "chaos-tests", "waveflow-phase10"]
    assert "&id" not in out, "no YAML anchors: people read these files"


def test_out_writes_one_file_per_namespace(tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_plan_yaml: str):
    plan = tmp_path / "shared.yaml"
    plan.write_text(shared_plan_yaml, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["k8s", str(plan), "--out", str(out), "--airflow-service-account", "ops/airflow-sa"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["big.yaml", "team-ns.yaml"]
    docs = list(yaml.safe_load_all((out / "team-ns.yaml").read_text(encoding="utf-8")))
    binding = next(d for d in docs if d["kind"] == "RoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "airflow-sa", "namespace": "ops"}]
    assert capsys.readouterr().out.splitlines() == [str(out / "team-ns.yaml"), str(out / "big.yaml")]


def test_invalid_plan_exits_2_with_each_problem_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    plan = tmp_path / "broken.yaml"
    plan.write_text("name: broken\nwaves: [{number: 1}]\nefforts:\n  - {id: a, name: a, wave: 1, depends_on: [zz]}\n")
    assert main(["k8s", str(plan)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = [line for line in captured.err.splitlines() if ": error: " in line]
    assert errors and len(errors) == len(set(errors))
    assert any("zz" in line and line.startswith(f"{plan}:") for line in errors)


def test_unreadable_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["k8s", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read plan" in capsys.readouterr().err


def test_conflicting_labels_exit_2_naming_the_namespace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_plan_yaml: str
):
    plan = tmp_path / "clash.yaml"
    plan.write_text(
        shared_plan_yaml.replace("labels: {tier: x}, ports: {start: 31010", "labels: {tier: y}, ports: {start: 31010")
    )
    assert main(["k8s", str(plan)]) == 2
    assert "namespace team-ns: efforts 1.1 and 1.2 give label tier different values" in capsys.readouterr().err


def test_malformed_service_account_is_a_usage_error(repo_root: Path):
    with pytest.raises(SystemExit) as exc:
        main(["k8s", str(repo_root / "include/plans/phase10.yaml"), "--airflow-service-account", "no-namespace"])
    assert exc.value.code == 2


def test_rendering_imports_no_airflow(repo_root: Path):
    """The k8s package stays usable where Airflow is not importable (and cheap to start)."""
    code = (
        "import sys, io, contextlib\n"
        "from waveflow.k8s.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main([{str(repo_root / 'include/plans/phase10.yaml')!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m == 'airflow' or m.startswith('airflow.'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=repo_root)
