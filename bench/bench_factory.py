"""Parsing a plan's DAG file as Airflow does at every task start: a fresh process, imports included.

Generated plans of real sizes (40 efforts in 7 waves, 200 in 20), on both effort backends. Each plan's generated DAG
file (which reads, validates and materializes the plan) is timed against a hand-written DAG file of the same DAG: the
same operator classes, every argument a literal (`handwritten.py`, checked to serialize to the factory's DAG).
Target: at most 1.2x the hand-written file. dag-factory is the peer: the same shape from its YAML config, with a
one-line operator (it cannot pass a plan to an operator); its ratio is reported, with no target.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import benchenv
import yaml
from dagshape import dagfactory_config, edges, shape_of
from handwritten import source
from plangen import as_yaml, generated_plan

from waveflow.airflow.dag_files import sync
from waveflow.airflow.factory import build_dag
from waveflow.airflow.loading import load_valid_plan
from waveflow.airflow.plan_spec import dag_spec

SIZES = ((40, 7), (200, 20))
REPEAT = 5
TARGET = 1.2
# A task's process starts with the Task SDK and Airflow's DAG loading imported; what the DAG file imports on top (its
# operators, the provider, waveflow) is part of the parse.
COLD_PARSE = """
import sys, time
from airflow.dag_processing.dagbag import DagBag
import airflow.sdk
t0 = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
elapsed = time.perf_counter() - t0
assert len(bag.dags) == 1 and not bag.import_errors, bag.import_errors
print(elapsed)
"""
DAGFACTORY_FILE = """# The Airflow DAG of a dag-factory config.
from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), config_filepath={config!r})
"""
_MACHINE_KEYS = ("fileloc", "relative_fileloc", "_processor_dags_folder")


def dag_factory() -> object:
    if not (benchenv.SITE / "dagfactory").is_dir():
        print(f"installing dag-factory ({benchenv.REQUIREMENTS.name}) into {benchenv.SITE}", flush=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(benchenv.SITE)]
        subprocess.run([*pip, "-r", str(benchenv.REQUIREMENTS)], check=True)
        importlib.invalidate_caches()  # the site directory was empty when the path was set up
    # Its import warns about Airflow 2 names and logs which optional providers are missing: noise here.
    logging.getLogger("dagfactory").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dagfactory
    return dagfactory


def _serialized(dag: object) -> str:
    from airflow.serialization.serialized_objects import DagSerialization

    data = DagSerialization.to_dict(dag)
    for key in _MACHINE_KEYS:
        data["dag"].pop(key, None)
    return json.dumps(data, sort_keys=True, default=str)


def cold_parse(dag_file: Path, env: dict[str, str]) -> float:
    """Median seconds of REPEAT parses, each in a fresh process."""
    argv = [sys.executable, "-c", COLD_PARSE, str(dag_file)]
    runs = [subprocess.run(argv, env=env, capture_output=True, text=True, check=True) for _ in range(REPEAT)]
    return statistics.median(float(run.stdout.split()[-1]) for run in runs)


def measure(efforts: int, waves: int, backend: str, tmp: Path) -> tuple:
    os.environ["WAVEFLOW_BACKEND"] = backend
    plan_dict = generated_plan(efforts, waves)
    base = tmp / f"{efforts}-{backend}"
    plans, dags, hand, peer = base / "plans", base / "dags", base / "hand", base / "peer"
    for d in (plans, hand, peer):
        d.mkdir(parents=True)
    plan_file = plans / "generated.yaml"
    plan_file.write_text(as_yaml(plan_dict), encoding="utf-8")
    sync(plans, dags)
    plan = load_valid_plan(plan_file)
    ours = build_dag(plan, plan_file)
    (hand / "hand_generated.py").write_text(source(dag_spec(plan, plan_file), plan), encoding="utf-8")
    namespace: dict[str, object] = {}
    exec(compile((hand / "hand_generated.py").read_text(), str(hand / "hand_generated.py"), "exec"), namespace)
    same = _serialized(ours) == _serialized(namespace["dag"])
    config = peer / "generated.yaml"
    config.write_text(yaml.safe_dump(dagfactory_config(shape_of(plan_dict, ours)), sort_keys=False))
    (peer / "peer_generated.py").write_text(DAGFACTORY_FILE.format(config=str(config)), encoding="utf-8")

    env = {
        **os.environ,
        "WAVEFLOW_PLANS_DIR": str(plans),
        "WAVEFLOW_BACKEND": backend,
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(benchenv.SITE)]),
    }
    [dag_file] = dags.glob("plan_*.py")
    factory_s = cold_parse(dag_file, env)
    hand_s = cold_parse(hand / "hand_generated.py", env)
    peer_s = cold_parse(peer / "peer_generated.py", env)
    peer_same = edges(ours) == _peer_edges(peer / "peer_generated.py")
    return (efforts, waves, backend, len(ours.tasks), same, hand_s, factory_s, peer_s, peer_same)


def _peer_edges(dag_file: Path) -> dict[str, frozenset[str]]:
    from airflow.dag_processing.dagbag import DagBag

    [dag] = DagBag(dag_folder=str(dag_file)).dags.values()
    return edges(dag)


def main() -> int:
    dagfactory = dag_factory()
    print(f"dag-factory {dagfactory.__version__}; medians of {REPEAT} parses, each in a fresh process")  # type: ignore[attr-defined]
    rows = []
    with tempfile.TemporaryDirectory(prefix="waveflow-bench-factory-") as tmp:
        for efforts, waves in SIZES:
            for backend in ("local", "kubernetes"):
                rows.append(measure(efforts, waves, backend, Path(tmp)))
    print(
        f"\n{'efforts':>7} {'waves':>5} {'backend':<10} {'tasks':>5} {'same DAG':>8} {'hand-written':>12} "
        f"{'factory':>8} {'vs hand':>8}  {'target':<8} {'dag-factory':>11} {'vs factory':>10}"
    )
    ok = True
    for efforts, waves, backend, tasks, same, hand_s, factory_s, peer_s, peer_same in rows:
        ratio = factory_s / hand_s
        met = same and ratio <= TARGET
        ok &= met
        verdict = f"{'ok' if met else 'MISSED'} (<= {TARGET:g}x)"
        shape = "" if peer_same else " (NOT the same shape)"
        print(
            f"{efforts:>7} {waves:>5} {backend:<10} {tasks:>5} {'yes' if same else 'NO':>8} "
            f"{hand_s * 1000:>9.0f} ms {factory_s * 1000:>5.0f} ms {ratio:>7.2f}x  {verdict:<8} "
            f"{peer_s * 1000:>8.0f} ms {peer_s / factory_s:>9.2f}x{shape}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
