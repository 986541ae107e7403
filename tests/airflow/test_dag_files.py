"""The generated DAG files: one per plan file, whatever the plan files are called."""

from __future__ import annotations

from pathlib import Path


def _bag(folder: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(folder))


def _plan(name: str) -> str:
    return f"name: {name}\nbackend: local\nwaves: [{{number: 1}}]\nefforts:\n  - {{id: a, name: A, wave: 1}}\n"


def test_plan_files_whose_names_differ_in_case_or_punctuation_each_get_a_dag(dag_folder):
    files = {"col-x.yaml": _plan("col-dash"), "col_x.yaml": _plan("col-underscore"), "Col-X.yaml": _plan("col-upper")}
    folder = dag_folder(files | {"other.yaml": _plan("other")})
    bag = _bag(folder)
    assert bag.import_errors == {}
    assert set(bag.dags) == {"col-dash", "col-underscore", "col-upper", "other"}
    # Only the names that would collide are told apart: every other plan keeps its readable DAG file name.
    assert len(list(folder.glob("plan_col_x_yaml_*.py"))) == 3 and (folder / "plan_other_yaml.py").exists()
