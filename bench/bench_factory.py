"""Building the DAG of a generated 1,000-effort / 20-wave plan: read + validate + build, on both effort backends.

Baselines, measured in the same run: the same DAG (same task groups, tasks and edges, checked) written as a plain
Python DAG file with a one-line operator, and built by dag-factory from its YAML config. Targets: at most 1.2x the
hand-written file, at least 4x faster than dag-factory. Then what Airflow pays per parse of the shipped phase 10 DAG
files, and how much of it is reading the plan (what a cache keyed by the plan's content could save).
"""

from __future__ import annotations

import cProfile
import importlib
import logging
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from types import CodeType

import benchenv
import yaml
from dagshape import dagfactory_config, edges, python_source, shape_of
from plangen import as_yaml, generated_plan
from timing import median_seconds

from waveflow.airflow.factory import build_dag
from waveflow.airflow.loading import load_valid_plan
from waveflow.airflow.params import run_params
from waveflow.airflow.paths import PROJECT_ROOT, plans_dir

EFFORTS, WAVES = 1000, 20
REPEAT = 5
HAND_TARGET, DAGFACTORY_TARGET = 1.2, 4.0
# The shipped DAG files, with their plan and the effort backend parsed: `make run`'s, and a cluster deployment's.
SHIPPED = [
    ("plan_phase10_yaml.py", "phase10.yaml", "local"),
    ("plan_phase10_md.py", "phase10.md", "local"),
    ("plan_phase10_yaml.py", "phase10.yaml", "kubernetes"),
]

# A parse in the dag-processor (and at every task start) runs in a fresh child of a process that already imported
# Airflow's processing code, not ours: the child imports waveflow (the factory, the backend's operator) first.
COLD_PARSE = """
import importlib, sys, time
import airflow.dag_processing.processor
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization
t0 = time.perf_counter()
importlib.import_module("waveflow.airflow.factory")
importlib.import_module(sys.argv[2])
t1 = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
t2 = time.perf_counter()
for dag in bag.dags.values():
    DagSerialization.to_dict(dag)
assert bag.dags and not bag.import_errors, bag.import_errors
print(t1 - t0, t2 - t1, time.perf_counter() - t2)
"""


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


def build_rows(plan: dict, plan_file: Path, dagfactory: object) -> tuple[list[tuple], bool]:
    rows, ok = [], True
    for backend in ("local", "kubernetes"):
        os.environ["WAVEFLOW_BACKEND"] = backend
        ours = build_dag(load_valid_plan(plan_file), plan_file)  # warm: imports and first-use caches
        shape = shape_of(plan, ours)
        code = compile(python_source(shape), str(plan_file.with_name(f"hand_{backend}.py")), "exec")
        with_form = compile(python_source(shape, params=True), str(plan_file.with_name("hand_form.py")), "exec")
        form = run_params(load_valid_plan(plan_file))
        config_file = plan_file.with_name(f"dagfactory_{backend}.yaml")
        config_file.write_text(yaml.safe_dump(dagfactory_config(shape), sort_keys=False), encoding="utf-8")

        def hand(code: CodeType = code, form: object = form) -> object:
            namespace: dict[str, object] = {"PARAMS": form}
            exec(code, namespace)  # what importing the DAG file runs once its bytecode is cached
            return namespace["dag"]

        def by_dagfactory(config: Path = config_file) -> object:
            namespace: dict[str, object] = {}
            dagfactory.load_yaml_dags(  # type: ignore[attr-defined]
                globals_dict=namespace, config_filepath=str(config), defaults_config_path=str(config.parent)
            )
            return namespace[plan["name"]]

        same = edges(ours) == edges(hand()) == edges(by_dagfactory())  # type: ignore[arg-type]
        load_s = median_seconds(lambda: load_valid_plan(plan_file), REPEAT)
        total_s = median_seconds(lambda: build_dag(load_valid_plan(plan_file), plan_file), REPEAT)
        hand_s = median_seconds(hand, REPEAT)
        form_s = median_seconds(lambda code=with_form: hand(code), REPEAT)  # type: ignore[misc]
        df_s = median_seconds(by_dagfactory, REPEAT)
        vs_hand, vs_df = total_s / hand_s, df_s / total_s
        met = same and vs_hand <= HAND_TARGET and vs_df >= DAGFACTORY_TARGET
        ok &= met
        rows.append((backend, len(ours.tasks), same, load_s, total_s, hand_s, vs_hand, df_s, vs_df, met, form_s))
    return rows, ok


def print_build(rows: list[tuple]) -> None:
    print(
        f"{'backend':<11} {'tasks':>5} {'same shape':>10} {'read+validate':>13} {'+ build':>8} "
        f"{'hand-written':>12} {'vs hand':>8} {'dag-factory':>11} {'speed-up':>9}  target"
    )
    for backend, tasks, same, load_s, total_s, hand_s, vs_hand, df_s, vs_df, met, _ in rows:
        verdict = "ok" if met else "MISSED"
        print(
            f"{backend:<11} {tasks:>5} {'yes' if same else 'NO':>10} {load_s * 1000:>10.0f} ms "
            f"{total_s * 1000:>5.0f} ms "
            f"{hand_s * 1000:>9.0f} ms {vs_hand:>7.1f}x {df_s * 1000:>8.0f} ms {vs_df:>8.2f}x  {verdict} "
            f"(<= {HAND_TARGET:g}x hand-written, >= {DAGFACTORY_TARGET:g}x faster than dag-factory)"
        )
    print(f"(medians of {REPEAT} runs after a warm-up, for each figure)")
    for backend, _, _, _, total_s, hand_s, _, _, _, _, form_s in rows:
        print(
            f"{backend}: the hand-written file with the same trigger-form params takes {form_s * 1000:.0f} ms "
            f"({form_s / hand_s:.1f}x without them); the factory is {total_s / form_s:.1f}x that"
        )


def print_profile(plan_file: Path) -> None:
    """Where the factory's time goes, by our own functions (cumulative, under the profiler)."""
    profile = cProfile.Profile()
    profile.runcall(lambda: build_dag(load_valid_plan(plan_file), plan_file))
    stats = pstats.Stats(profile)
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(cum for (_, _, _, cum, _) in entries.values())
    ours = [(cum, calls, f"{Path(f).parent.name}/{Path(f).name}:{line}({fn})")
            for (f, line, fn), (_, calls, _, cum, _) in entries.items() if "/waveflow/" in f]  # fmt: skip
    print(f"where the {os.environ['WAVEFLOW_BACKEND']} factory's time goes (cumulative share, calls):")
    for cum, calls, where in sorted(ours, reverse=True)[:8]:
        print(f"  {cum / total:>6.1%} {calls:>8}  {where}")


def parse_rows(plans: Path) -> list[tuple]:
    """Per parse of each shipped DAG file: cold (a fresh child, as the dag-processor and each task start pay it) and
    warm (modules already imported), and the share of reading + validating the plan in it."""
    from airflow.dag_processing.dagbag import DagBag

    rows = []
    for name, plan_name, backend in SHIPPED:
        os.environ["WAVEFLOW_BACKEND"] = backend
        path, plan_file = PROJECT_ROOT / "dags" / "plans" / name, plans / plan_name
        module = f"waveflow.airflow.{'kpo' if backend == 'kubernetes' else 'local'}"
        cold = [_cold_parse(path, module) for _ in range(3)]
        DagBag(dag_folder=str(path))
        warm_s = median_seconds(lambda p=path: DagBag(dag_folder=str(p)), REPEAT)  # type: ignore[misc]
        read_s = median_seconds(lambda f=plan_file: load_valid_plan(f), REPEAT)  # type: ignore[misc]
        imports_s, parse_s, serialize_s = (statistics.median(c[i] for c in cold) for i in range(3))
        rows.append((name, backend, imports_s, imports_s + parse_s, serialize_s, warm_s, read_s))
    return rows


def _cold_parse(path: Path, backend_module: str) -> list[float]:
    argv = [sys.executable, "-c", COLD_PARSE, str(path), backend_module]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()[-3:]]


def print_parse(rows: list[tuple]) -> None:
    print(
        f"\n{'shipped DAG file':<21} {'backend':<10} {'cold parse':>10} {'imports':>8} {'+ serialize':>11} "
        f"{'warm parse':>10} {'read+validate':>13} {'of cold':>8} {'of warm':>8}"
    )
    for name, backend, imports_s, cold_s, serialize_s, warm_s, read_s in rows:
        print(
            f"{name:<21} {backend:<10} {cold_s * 1000:>7.0f} ms {imports_s * 1000:>5.0f} ms "
            f"{serialize_s * 1000:>8.1f} ms {warm_s * 1000:>7.1f} ms {read_s * 1000:>10.1f} ms "
            f"{read_s / cold_s:>8.1%} {read_s / warm_s:>8.1%}"
        )
    print(
        "(cold: a fresh process that had imported Airflow's processing code, median of 3; `imports`: of waveflow's "
        "factory and the backend's operator, in the cold parse; warm: medians of 5)"
    )


def main() -> int:
    dagfactory = dag_factory()
    plan = generated_plan(EFFORTS, WAVES)
    with tempfile.TemporaryDirectory(prefix="waveflow-bench-factory-") as tmp:
        plan_file = Path(tmp) / f"{plan['name']}.yaml"
        plan_file.write_text(as_yaml(plan), encoding="utf-8")
        print(f"plan: {EFFORTS} efforts in {WAVES} waves; dag-factory {dagfactory.__version__}")  # type: ignore[attr-defined]
        rows, ok = build_rows(plan, plan_file, dagfactory)
        print_build(rows)
        for row in rows:
            if not row[-2]:
                os.environ["WAVEFLOW_BACKEND"] = row[0]
                print_profile(plan_file)
    print_parse(parse_rows(plans_dir()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
