"""Airflow pools for the plans in a directory, as `airflow pools import` reads them (JSON on stdout).

    python include/airflow/pools.py include/plans > pools.json && airflow pools import pools.json

One pool per valid plan, named as the DAG factory names it, with the plan's agent count as slots. Deferred tasks
count against the pool: an effort's KubernetesPodOperator is deferred for as long as its pod runs, so a pool that
did not count them would let every effort of a wave start at once. A plan that does not validate gets no pool (its
DAG is an import error anyway) and is reported on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from waveflow.airflow.dag_files import plan_files
from waveflow.airflow.loading import PlanImportError, load_valid_plan
from waveflow.airflow.pool import pool_name


def pools(plans_dir: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in plan_files(plans_dir):
        try:
            plan = load_valid_plan(plans_dir / name)
        except PlanImportError as exc:
            print(f"{exc}\n(no pool for {name})", file=sys.stderr)
            continue
        pool = pool_name(plan)
        # The same plan may exist as YAML and as markdown: one pool, big enough for either.
        slots = max(plan.parallel_agents, out.get(pool, {}).get("slots", 0))
        out[pool] = {
            "slots": slots,
            "description": f"waveflow plan {plan.name}: efforts running at once",
            "include_deferred": True,
        }
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: pools.py PLANS_DIR", file=sys.stderr)
        return 2
    print(json.dumps(pools(Path(argv[0])), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
