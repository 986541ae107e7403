"""`waveflow run-effort` / `python -m waveflow.runner`: run one effort and write its result JSON.

Every flag defaults to its environment variable (the contract in contract.py), so a pod spec, a subprocess and a
person at a shell pass inputs the same way. With `--plan-file`, every input comes from the plan instead, as a run of
the plan's DAG would pass it, and flags override it: how a person tries an agent profile on one effort.
Exit codes: 0 the effort succeeded, 1 it failed (the result says why), 2 invalid input (nothing attempted).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .checks import check
from .contract import BOOL_FIELDS, ENV_NAMES, INT_FIELDS, JSON_FIELDS, POD_RESULT_PATH, RunnerInputs
from .effort import run_effort
from .errors import InvalidInput
from .process import adopt_orphans
from .redact import Redactor
from .result import EffortResult

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

_HELP = {
    "plan": "plan name (commit trailer Waveflow-Plan)",
    "effort": "effort id, e.g. 10.2.1 (trailer Waveflow-Effort)",
    "run_id": "run id, e.g. the Airflow run id (trailer Waveflow-Run)",
    "repo": "git URL or path of the repository; credentials in it are used, never logged",
    "base_ref": "branch or tag the effort starts from (default main)",
    "branch": "the effort's branch; resumed when it already exists on the remote",
    "dependency_branches": "branches merged into the start point, in this order",
    "implement": "argv of the implement command (the agent); none: only test",
    "test": 'argv of the test command (default ["make", "test"]); [] skips testing',
    "workspace": "directory holding mirrors, worktrees, logs and reports (default .work/workspace)",
    "worktree": "worktree directory name under the workspace (default: the branch, / -> -)",
    "mode": "local: shared bare mirror + git worktree; pod: partial clone of one branch",
    "port_start": "first port of the effort's range, given to commands as PORT_RANGE_START",
    "port_end": "last port of the effort's range, given to commands as PORT_RANGE_END",
    "namespace": "the effort's test namespace, given to commands as WAVEFLOW_NAMESPACE",
    "implement_timeout": "seconds before the implement command's process group is killed (default 3600)",
    "test_timeout": "seconds before the test command's process group is killed (default 3600)",
    "result_path": f"where the result JSON goes (default: stdout; {POD_RESULT_PATH} in pod mode)",
    "effort_spec": "the plan's effort as canonical JSON; part of the memoization key",
    "exclude": "glob patterns left out of the PR size, on top of the built-in generated/vendored ones",
    "exclusive": "run the test step with no other effort's step on this machine (benchmarks)",
    "agent_profile": "the agent profile as JSON: command, max_iterations, env, max_cost_usd... (see --plan-file)",
    "integration": "a wave's integration as JSON (set by the DAG): the dependency branches are merged and tested",
    "plan_context": "the plan's title, the effort's wave and the gates as JSON, for the task brief",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="waveflow run-effort",
        description="Run one effort: fetch, start point, implement, commit, test, measure, push, record.",
        epilog="Lists take a JSON array (as their variables do), or repeat the flag once per element. "
        "Exit codes: 0 succeeded, 1 effort failed (result written), 2 invalid input.",
    )
    p.add_argument(
        "--plan-file",
        metavar="PLAN",
        help="derive every input from this plan (YAML or markdown) and --effort: branch, base ref, dependency "
        "branches, commands, agent profile, brief, ports, namespace; the other flags override it, the WAVEFLOW_* "
        "variables are not read (WAVEFLOW_REPO_URL still names the repository, as for the plan's DAG)",
    )
    for f in fields(RunnerInputs):
        flag = "--" + f.name.replace("_", "-")
        help_text = f"{_HELP[f.name]} [env {ENV_NAMES[f.name]}]"
        if f.name in JSON_FIELDS:
            p.add_argument(flag, dest=f.name, action="append", metavar="JSON|ITEM", help=help_text)
        elif f.name in INT_FIELDS:
            p.add_argument(flag, dest=f.name, type=int, metavar="N", help=help_text)
        elif f.name in BOOL_FIELDS:
            p.add_argument(flag, dest=f.name, action="store_const", const=True, help=help_text)
        elif f.name == "mode":
            p.add_argument(flag, dest=f.name, choices=("local", "pod"), help=help_text)
        else:
            p.add_argument(flag, dest=f.name, metavar=f.name.split("_")[-1].upper(), help=help_text)
    return p


def _list_flag(name: str, values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    if len(values) == 1 and values[0].lstrip().startswith("["):
        try:
            parsed = json.loads(values[0])
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"a list flag is not valid JSON: {exc}") from None
        if not isinstance(parsed, list) or not all(isinstance(x, str) for x in parsed):
            raise InvalidInput(f"--{name.replace('_', '-')} must be a JSON list of strings")
        return parsed
    return values


def parse_inputs(argv: Sequence[str]) -> RunnerInputs:
    args = vars(_parser().parse_args(list(argv)))
    plan_file = args.pop("plan_file")
    overrides = {k: (_list_flag(k, v) if k in JSON_FIELDS else v) for k, v in args.items()}
    try:
        inputs = _from_plan(plan_file, overrides) if plan_file else RunnerInputs.from_env(None, **overrides)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(str(exc)) from None
    check(inputs)
    return inputs


def _from_plan(path: str, overrides: dict[str, object]) -> RunnerInputs:
    from ..plan.errors import PlanError
    from ..plan.load import read_plan
    from ..plan.validate import check as check_plan
    from .from_plan import inputs_for

    try:
        plan = read_plan(path)
        check_plan(plan)
    except PlanError as exc:
        raise InvalidInput("the plan has problems:\n" + "\n".join(str(p) for p in exc.problems)) from None
    effort_id = overrides.pop("effort", None)
    known = ", ".join(e.id for e in plan.efforts)
    if not effort_id:
        raise InvalidInput(f"--plan-file needs --effort: one of {known}")
    effort = next((e for e in plan.efforts if e.id == effort_id), None)
    if effort is None:
        raise InvalidInput(f"{path}: no effort {effort_id!r}; the plan's efforts are {known}")
    repo = overrides.pop("repo", None) or os.environ.get("WAVEFLOW_REPO_URL") or plan.repo
    if not repo:
        raise InvalidInput(f"{path} names no `repo:`; give --repo URL")
    run_id = overrides.pop("run_id", None) or "manual__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base_ref = overrides.pop("base_ref", None) or plan.base_ref
    inputs = inputs_for(plan, effort, repo=str(repo), base_ref=str(base_ref), run_id=str(run_id))
    given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    return replace(inputs, **given)


def write_result(result: EffortResult, inputs: RunnerInputs, redact: Redactor) -> None:
    text = redact(result.model_dump_json(indent=1)) + "\n"
    target = inputs.result_path or (POD_RESULT_PATH if inputs.mode == "pod" else "")
    if not target:
        sys.stdout.write(text)
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def summary(result: EffortResult) -> str:
    m = result.metrics
    if result.status == "failed":
        return f"{result.effort} failed at {result.failed_step}: {result.failure_reason}"
    parts = [f"{result.effort} succeeded{' (memoized)' if result.memoized else ''}: {result.branch} at {result.head}"]
    if m.tests_passed is not None:
        parts.append(f"tests {m.tests_passed} passed, {m.tests_failed} failed")
    if m.coverage_percent is not None:
        parts.append(f"coverage {m.coverage_percent}%")
    if m.pr_size is not None:
        parts.append(f"{m.pr_size} lines changed")
    return "; ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        inputs = parse_inputs(sys.argv[1:] if argv is None else argv)
        adopt_orphans()
        result = run_effort(inputs)
    except InvalidInput as exc:
        print(f"waveflow run-effort: invalid input: {exc}", file=sys.stderr)
        return EXIT_INVALID
    redact = Redactor.for_run(inputs.repo)
    write_result(result, inputs, redact)
    print(redact(f"waveflow-runner: {summary(result)}"), file=sys.stderr)
    return EXIT_OK if result.status == "succeeded" else EXIT_FAILED
