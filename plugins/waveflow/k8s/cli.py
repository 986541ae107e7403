"""`waveflow k8s PLAN [--out DIR]`: the plan's effort namespaces as Kubernetes manifests.

Without `--out`, one multi-document YAML stream on stdout (`| kubectl apply -f -`); with it, one file per namespace.
Exit 2 when the plan is invalid or cannot become manifests.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..plan.errors import PlanError
from ..plan.load import read_plan
from ..plan.model import Plan
from ..plan.validate import validate
from .network import DEFAULT_GIT_PORTS
from .render import DEFAULT_AIRFLOW_ACCOUNTS, ClusterOptions, RenderError, render, to_yaml

EXIT_INVALID = 2


def _account(text: str) -> tuple[str, str]:
    namespace, sep, name = text.partition("/")
    if not sep or not namespace or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAMESPACE/NAME")
    return namespace, name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="waveflow k8s",
        description="Render the effort namespaces of a plan: Namespace (the plan's labels, Pod Security restricted), "
        "runner ServiceAccount, Role/RoleBinding for Airflow, NetworkPolicies, ResourceQuota, LimitRange.",
    )
    parser.add_argument("plan", metavar="PLAN")
    parser.add_argument("--out", metavar="DIR", help="write one <namespace>.yaml per namespace into DIR")
    parser.add_argument(
        "--airflow-service-account",
        dest="accounts",
        metavar="NAMESPACE/NAME",
        type=_account,
        action="append",
        help="Airflow's service account that launches effort pods (repeatable; default: "
        + ", ".join(f"{ns}/{name}" for ns, name in DEFAULT_AIRFLOW_ACCOUNTS)
        + ", the Helm chart's worker and triggerer for a release named `airflow`)",
    )
    parser.add_argument(
        "--git-port",
        dest="git_ports",
        metavar="PORT",
        type=int,
        action="append",
        help=f"TCP port of the git remote (repeatable; default: {', '.join(map(str, DEFAULT_GIT_PORTS))})",
    )
    parser.add_argument(
        "--git-cidr",
        dest="git_cidrs",
        metavar="CIDR",
        action="append",
        help="addresses of the git remote (repeatable; default: any public address)",
    )
    return parser


def _header(plan_path: str) -> str:
    return f"# Rendered from {Path(plan_path).name} by `waveflow k8s`: edit the plan, not this file.\n"


def _load(path: str) -> Plan:
    """The plan, valid; every problem goes to stderr, and PlanError when any is an error."""
    try:
        plan = read_plan(path)
    except PlanError as exc:
        problems = exc.problems
    else:
        problems = validate(plan)
    for p in problems:
        print(p, file=sys.stderr)
    if any(p.severity == "error" for p in problems):
        raise PlanError(problems)
    return plan


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    options = ClusterOptions(
        airflow_accounts=tuple(args.accounts or DEFAULT_AIRFLOW_ACCOUNTS),
        git_ports=tuple(args.git_ports or DEFAULT_GIT_PORTS),
        git_cidrs=tuple(args.git_cidrs or ()),
    )
    try:
        manifests = render(_load(args.plan), options)
    except PlanError:
        return EXIT_INVALID
    except RenderError as exc:
        print(f"{args.plan}: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    header = _header(args.plan)
    if args.out is None:
        sys.stdout.write(header + "".join(to_yaml(docs) for docs in manifests.values()))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for namespace, docs in manifests.items():
        target = out / f"{namespace}.yaml"
        target.write_text(header + to_yaml(docs), encoding="utf-8")
        print(target)
    return 0
