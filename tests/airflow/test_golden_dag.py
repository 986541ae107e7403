"""The serialized DAG of phase 10, on both backends, with and without the approval checkpoint, against the golden
copies in `golden/`: what the scheduler stores and every worker rebuilds must change only when a change means it to.

After an intended change, `WAVEFLOW_WRITE_GOLDEN=1 pytest tests/airflow/test_golden_dag.py` rewrites them; review
the diff as you would the code's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.filterwarnings("ignore")

GOLDEN = Path(__file__).parent / "golden"
# Where this checkout and the test's temporary directories are: not part of what the DAG is.
_MACHINE_KEYS = {"fileloc", "relative_fileloc", "_processor_dags_folder"}


def _portable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _portable(v) for k, v in value.items() if k not in _MACHINE_KEYS}
    if isinstance(value, list):
        return [_portable(v) for v in value]
    return value


def _by_task_id(serialized: dict[str, Any]) -> dict[str, Any]:
    """The DAG's tasks keyed by id: the order they were made in means nothing to Airflow. A task that carries the
    DAG's own params (as every task does whose DAG was given them by its constructor) is read without them: a task
    sees the DAG's params whether or not it holds a copy. Any other params of a task stay, and are compared."""
    dag = dict(serialized["dag"])
    tasks = {}
    for task in dag["tasks"]:
        var = dict(task["__var"])
        if _inherited(var.get("params"), dag["params"]):
            del var["params"]
        tasks[var["task_id"]] = {**task, "__var": var}
    dag["tasks"] = tasks
    return {**serialized, "dag": dag}


def _inherited(task_params: list[Any] | None, dag_params: list[Any]) -> bool:
    """The DAG's params as a task holds them: each marked as coming from the DAG."""
    if task_params is None or len(task_params) != len(dag_params):
        return False
    return all(
        name == dag_name and param.get("source") == "dag" and {**param, "source": dag_param.get("source")} == dag_param
        for (name, param), (dag_name, dag_param) in zip(task_params, dag_params, strict=True)
    )


def _without_inherited_params(serialized: dict[str, Any]) -> dict[str, Any]:
    """As the golden copies are kept: the tasks in their order, without the DAG's params each task holds."""
    by_id = _by_task_id(serialized)
    return {**by_id, "dag": {**by_id["dag"], "tasks": list(by_id["dag"]["tasks"].values())}}


def _differences(got: Any, expected: Any, path: str = "") -> list[str]:
    if isinstance(got, dict) and isinstance(expected, dict):
        out = []
        for key in sorted(got.keys() | expected.keys()):
            if key not in got or key not in expected:
                out.append(f"{path}/{key}: only in {'the golden copy' if key in expected else 'this build'}")
            else:
                out += _differences(got[key], expected[key], f"{path}/{key}")
        return out
    if isinstance(got, list) and isinstance(expected, list) and len(got) == len(expected):
        return [
            d for i, (g, e) in enumerate(zip(got, expected, strict=True)) for d in _differences(g, e, f"{path}/{i}")
        ]
    return [] if got == expected else [f"{path}: {got!r} (golden: {expected!r})"]


def _serialized(plan_file: Path) -> dict[str, Any]:
    from airflow.serialization.serialized_objects import DagSerialization

    from waveflow.airflow.factory import build_dag
    from waveflow.airflow.loading import load_valid_plan

    dag = build_dag(load_valid_plan(plan_file), plan_file)
    # Through JSON, as the scheduler stores it: tuples and lists alike.
    return _portable(json.loads(json.dumps(DagSerialization.to_dict(dag), sort_keys=True)))


@pytest.mark.parametrize("checkpoint", [False, True], ids=["no-checkpoint", "checkpoint"])
@pytest.mark.parametrize("backend", ["local", "kubernetes"])
def test_phase10_serializes_as_its_golden_copy(backend, checkpoint, repo_root, tmp_path, monkeypatch):
    monkeypatch.setenv("WAVEFLOW_BACKEND", backend)
    monkeypatch.delenv("WAVEFLOW_REPO_URL", raising=False)
    monkeypatch.delenv("WAVEFLOW_POD_TEMPLATE", raising=False)
    text = (repo_root / "include" / "plans" / "phase10.yaml").read_text(encoding="utf-8")
    assert "checkpoint: false" in text
    plan_file = tmp_path / "phase10.yaml"
    plan_file.write_text(text.replace("checkpoint: false", f"checkpoint: {str(checkpoint).lower()}", 1))
    got = _serialized(plan_file)
    golden = GOLDEN / f"phase10-{backend}{'-checkpoint' if checkpoint else ''}.json"
    if os.environ.get("WAVEFLOW_WRITE_GOLDEN"):
        golden.write_text(json.dumps(_without_inherited_params(got), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert got["dag"]["dag_id"] == "phase10" and len(got["dag"]["tasks"]) >= 19
    assert _differences(_by_task_id(got), _by_task_id(expected)) == []
