"""`waveflow`: validate, convert, graph and schedule plans; run one effort; render Kubernetes manifests; run plans
on Airflow on this machine (`up`).

Exit codes: 0 ok, 2 invalid input (a plan with errors, a document that is not a wave plan).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from .plan.convert import explain as explain_reading
from .plan.convert import to_reading, to_yaml_data
from .plan.counting import count
from .plan.errors import PlanError, Problem
from .plan.graph import mermaid
from .plan.load import read_plan
from .plan.model import Plan, plan_schema
from .plan.schedule import estimate, explain
from .plan.validate import validate

EXIT_INVALID = 2


def _load(path: str, gates: bool = True) -> Plan:
    """Read and validate; `gates=False` leaves out whether Waveflow can evaluate the plan's gates, which is not part
    of reading the plan (a converted plan may name metrics a team registers evaluators for later)."""
    try:
        plan = read_plan(path)
    except PlanError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        raise
    problems = validate(plan) + (_gate_problems(plan) if gates else [])
    for p in problems:
        print(p, file=sys.stderr)
    if any(p.severity == "error" for p in problems):
        raise PlanError(problems)
    return plan


def _gate_problems(plan: Plan) -> list[Problem]:
    try:
        from .gates.registry import gate_problems
    except ImportError:
        return []
    return gate_problems(plan)


def _cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for path in args.plans:
        try:
            plan = _load(path)
        except PlanError:
            status = EXIT_INVALID
            continue
        print(f"{path}: ok: {plan.name}: {count(len(plan.efforts), 'effort')} in {count(len(plan.waves), 'wave')}")
    return status


def _cmd_convert(args: argparse.Namespace) -> int:
    plan = _load(args.plan, gates=False)
    if args.explain:
        print(explain_reading(plan))
    elif args.to == "json":
        print(json.dumps(to_reading(plan), indent=1))
    else:
        print(yaml.safe_dump(to_yaml_data(plan), sort_keys=False, allow_unicode=True), end="")
    return 0


def _cmd_graph(args: argparse.Namespace) -> int:
    print(mermaid(_load(args.plan)), end="")
    return 0


def _cmd_schedule(args: argparse.Namespace) -> int:
    plan = _load(args.plan)
    print(explain(plan, estimate(plan, args.agents)))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(plan_schema(), indent=2))
    return 0


def _cmd_dags(args: argparse.Namespace) -> int:
    from .airflow.dag_files import sync
    from .airflow.paths import plans_dir

    for line in sync(Path(args.plans) if args.plans else plans_dir(), Path(args.out)):
        print(line)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="waveflow", description="Wave implementation plans, run as Airflow DAGs.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="print every problem of each plan; exit 2 if any is an error")
    p.add_argument("plans", nargs="+", metavar="PLAN")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("convert", help="print the normalized reading of a plan")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--to", choices=["json", "yaml"], default="json")
    p.add_argument("--explain", action="store_true", help="say where each wave, effort and dependency was read from")
    p.set_defaults(func=_cmd_convert)
    p = sub.add_parser("graph", help="print a mermaid graph of waves and efforts")
    p.add_argument("plan", metavar="PLAN")
    p.set_defaults(func=_cmd_graph)
    p = sub.add_parser("schedule", help="order, critical path and makespan estimates")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--agents", type=int, default=None, help="parallel agents (default: the plan's)")
    p.set_defaults(func=_cmd_schedule)
    p = sub.add_parser("schema", help="print the JSON Schema of YAML plans")
    p.set_defaults(func=_cmd_schema)
    p = sub.add_parser("dags", help="write one Airflow DAG file per plan (and remove those of deleted plans)")
    p.add_argument("--plans", help="plans directory (default: WAVEFLOW_PLANS_DIR or include/plans)")
    p.add_argument("--out", default="dags/plans", help="where the DAG files go (default: dags/plans)")
    p.set_defaults(func=_cmd_dags)
    sub.add_parser("run-effort", help="run one effort (see `waveflow run-effort --help`)", add_help=False)
    sub.add_parser("k8s", help="render Kubernetes manifests for a plan", add_help=False)
    sub.add_parser("up", help="run plans on Airflow on this machine (see `waveflow up --help`)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # These own their flags; hand them everything after the sub-command.
    if argv[:1] == ["run-effort"]:
        from .runner.cli import main as run_effort

        return run_effort(argv[1:])
    if argv[:1] == ["k8s"]:
        from .k8s.cli import main as k8s

        return k8s(argv[1:])
    if argv[:1] == ["up"]:
        from .stack.demo import main as up

        return up(argv[1:])
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PlanError:
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
