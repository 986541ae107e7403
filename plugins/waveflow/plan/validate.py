"""Every problem of a plan at once, each pointing at the row or key it comes from."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable

from .errors import PlanError, Problem, Severity
from .model import AGENT_PLACEHOLDERS, Effort, Plan, effort_key, gate_key, task_id, wave_key
from .names import ISSUE_ID, base_ref_problem, branch_name_problem, dns_label_problem, label_problem, shell_problem
from .runnable import check_runnable


def validate(plan: Plan) -> list[Problem]:
    """Errors and warnings, errors first; the reader's own warnings come along."""
    out = _Collector(plan)
    for key, message in plan.source.warnings:
        out.add("warning", message, key)
    _check_waves(plan, out)
    _check_unique(plan, out)
    _check_names(plan, out)
    _check_dependencies(plan, out)
    _check_ports(plan, out)
    _check_sizes(plan, out)
    _check_schedule(plan, out)
    _check_agents(plan, out)
    _check_briefs(plan, out)
    check_runnable(plan, out.add)
    return sorted(out.problems, key=lambda p: (p.severity != "error", p.line or 0))


def check(plan: Plan) -> list[Problem]:
    """Validate; raise PlanError when any problem is an error, else return the warnings."""
    problems = validate(plan)
    if any(p.severity == "error" for p in problems):
        raise PlanError(problems)
    return problems


class _Collector:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.problems: list[Problem] = []

    def add(self, severity: Severity, message: str, *keys: str) -> None:
        self.problems.append(Problem(self.plan.source.path, self.plan.source.line(*keys), severity, message))


def _check_waves(plan: Plan, out: _Collector) -> None:
    if not plan.efforts:
        out.add("error", "the plan has no efforts", "efforts", "name")
    declared: set[int] = set()
    staffed = {e.wave for e in plan.efforts}
    for wave in plan.waves:
        if wave.number in declared:
            out.add("error", f"wave {wave.number} is declared twice", wave_key(wave.number))
        declared.add(wave.number)
        if wave.number not in staffed:
            out.add("error", f"wave {wave.number} ({wave.name or 'unnamed'}) has no efforts", wave_key(wave.number))
    for effort in plan.efforts:
        if effort.wave not in declared:
            out.add(
                "error",
                f"effort {effort.id} is in wave {effort.wave}, which the plan does not declare",
                effort_key(effort.id) + "/wave",
            )


def _check_unique(plan: Plan, out: _Collector) -> None:
    # Each field's value for every effort, in plan order; efforts are grouped only under the values two of them share
    # (a list per value of a large plan, nearly all of them unique, would cost more than the check).
    columns: dict[str, list[str | None]] = {"id": [], "branch": [], "task id": [], "namespace": [], "worktree": []}
    namespaces = plan.isolation.namespaces
    for e in plan.efforts:
        branch = plan.branch_of(e)
        columns["id"].append(e.id)
        columns["branch"].append(branch)
        columns["task id"].append(task_id(e.id))
        columns["namespace"].append(e.namespace if e.namespace and namespaces else None)
        # The runner's default worktree is the branch with '/' -> '-': `feat/a-b` and `feat-a/b` would share one.
        columns["worktree"].append(posixpath.normpath(e.worktree or branch.replace("/", "-")))
    reported_ids: set[str] = set()
    for field, column in columns.items():
        shared = {value for value, n in Counter(column).items() if n > 1 and value is not None}
        groups: dict[str, list[Effort]] = {}
        for e, value in zip(plan.efforts, column, strict=True):
            if value in shared:
                groups.setdefault(value, []).append(e)
        if field == "id":
            reported_ids = shared
        for value, efforts in groups.items():
            if field == "task id" and efforts[0].id in reported_ids:
                continue
            if field == "worktree" and len({plan.branch_of(e) for e in efforts}) == 1:
                continue  # said as a duplicate branch
            ids = ", ".join(e.id for e in efforts)
            sub = {"id": "", "task id": "", "branch": "/branch", "namespace": "/namespace", "worktree": "/worktree"}
            key = effort_key(efforts[1].id) + sub[field]
            why = ""
            if field == "worktree":
                why = "; their runners would take turns in one directory, or one would refuse"
                key = key if efforts[1].worktree else effort_key(efforts[1].id) + "/branch"
            out.add("error", f"duplicate {field} {value!r}: efforts {ids}{why}", key)


def _relative_path_problem(path: str) -> str | None:
    if path.startswith("/") or ".." in path.split("/"):
        return "must be a relative path inside the workspace (no leading '/', no '..')"
    return None


_ID_CHECKS = (shell_problem, label_problem)
_BRANCH_CHECKS = (shell_problem, branch_name_problem)
_NAMESPACE_CHECKS = (shell_problem, dns_label_problem)
_WORKTREE_CHECKS = (shell_problem, _relative_path_problem)
_SHELL_CHECK = (shell_problem,)


# Airflow's presets that are not cron expressions, and those croniter knows as well.
_PRESETS = {"@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"}


def _check_schedule(plan: Plan, out: _Collector) -> None:
    """Caught here, a schedule Airflow cannot read is the plan's error with its line, not an import error later."""
    if plan.schedule is None or plan.schedule in _PRESETS:
        return
    from croniter import croniter

    if not croniter.is_valid(plan.schedule):
        why = "not a cron expression (`0 2 * * *`) or one of " + ", ".join(sorted(_PRESETS))
        out.add("error", f"schedule {plan.schedule!r}: {why}", "schedule")


def _check_names(plan: Plan, out: _Collector) -> None:
    if not plan.name:
        out.add("error", "the plan has an empty name (it becomes the DAG id)", "name")
    for why in filter(None, [label_problem(plan.name), shell_problem(plan.name)]):
        out.add("error", f"plan name {plan.name!r}: {why}", "name")
    wrong_ref = base_ref_problem(plan.base_ref)
    if wrong_ref:
        out.add("error", f"base_ref {plan.base_ref!r}: {wrong_ref}", "base_ref")
    for e in plan.efforts:
        key = effort_key(e.id)
        for field, value, checks in (
            ("id", e.id, () if ISSUE_ID.fullmatch(e.id) else _ID_CHECKS),
            ("branch", plan.branch_of(e), _BRANCH_CHECKS),
            ("namespace", e.namespace, _NAMESPACE_CHECKS),
            ("worktree", e.worktree, _WORKTREE_CHECKS),
            ("image", e.image, _SHELL_CHECK),
            ("agent", e.agent, _SHELL_CHECK),
        ):
            if value is None:
                continue
            for check_ in checks:
                wrong = check_(value)
                if wrong:
                    out.add("error", f"effort {e.id}: {field} {value!r}: {wrong}", f"{key}/{field}", key)
        for k, v in e.labels.items():
            for why in filter(None, [label_problem(k, key=True), label_problem(v)]):
                out.add("error", f"effort {e.id}: label {k}={v}: {why}", f"{key}/labels", key)
        if not e.branch:
            out.add("warning", f"effort {e.id} names no branch; it will use {plan.branch_of(e)!r}", key)
        if not e.agent:
            # Not an error here: a plan is read, converted and estimated without agents. A run needs them.
            why = f"effort {e.id} names no agent: a run's preflight `agents` check fails until every effort names one"
            out.add("warning", why, key)


def _check_dependencies(plan: Plan, out: _Collector) -> None:
    by_id = {e.id: e for e in plan.efforts}
    cycles = list(_cycles(plan))
    in_cycle = {ident for cycle in cycles for ident in cycle}
    for e in plan.efforts:
        for dep in e.depends_on:
            target = by_id.get(dep)
            if target is None:
                why = f"effort {e.id} depends on {dep!r}, which is not an effort of this plan"
            elif dep == e.id:
                why = f"effort {e.id} depends on itself"
            elif target.wave > e.wave:
                why = f"effort {e.id} (wave {e.wave}) depends on {dep} from a later wave ({target.wave})"
            elif target.wave == e.wave and not {e.id, dep} <= in_cycle:
                # Allowed, but not what a wave promises (its efforts run in parallel): say so.
                why = (
                    f"effort {e.id} depends on {dep} of the same wave ({e.wave}): it starts only when {dep} has "
                    "finished, not alongside it"
                )
                out.add("warning", why, f"{effort_key(e.id)}/depends_on/{dep}", effort_key(e.id) + "/depends_on")
                continue
            else:
                continue
            out.add("error", why, effort_key(e.id) + "/depends_on")
    for cycle in cycles:
        path = " -> ".join([*cycle, cycle[0]])
        out.add("error", f"dependency cycle: {path}", effort_key(cycle[0]) + "/depends_on")


def _cycles(plan: Plan) -> Iterable[list[str]]:
    """Each cycle once, found by an iterative DFS (plans can be large; no recursion limit)."""
    graph = {e.id: [d for d in e.depends_on if d != e.id] for e in plan.efforts}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    seen_cycles: set[frozenset[str]] = set()
    for root in graph:
        if root in state:
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(graph[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)  # type: ignore[call-overload]
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif child in graph and state.get(child) == 1:
                cycle = path[path.index(child) :]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    yield cycle
            elif child in graph and child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))


def _check_ports(plan: Plan, out: _Collector) -> None:
    if not plan.isolation.ports:
        return
    ranged = sorted((e for e in plan.efforts if e.ports), key=lambda e: e.ports.start)  # type: ignore[union-attr]
    # Sorted by start, a range can only overlap the ranges that start before it ends.
    for i, a in enumerate(ranged):
        for j in range(i + 1, len(ranged)):  # not `ranged[i + 1 :]`, a copy of the rest for every range
            b = ranged[j]
            assert a.ports and b.ports
            if b.ports.start > a.ports.end:
                break
            severity: Severity = "error" if a.wave == b.wave else "warning"
            out.add(
                severity,
                f"port ranges overlap: {a.id} {a.ports.start}-{a.ports.end} and {b.id} {b.ports.start}-{b.ports.end}",
                effort_key(b.id) + "/ports",
            )


_PR_SIZE = re.compile(r"pr\s*size|diff\s*size|lines\s*changed", re.I)
_NUMBER = re.compile(r"(\d[\d,]*)")


def _check_sizes(plan: Plan, out: _Collector) -> None:
    for index, gate in enumerate(plan.gates):
        if not _PR_SIZE.search(gate.metric):
            continue
        m = _NUMBER.search(gate.target)
        if not m:
            continue
        limit = int(m.group(1).replace(",", ""))
        for e in plan.efforts:
            if e.lines is not None and e.lines >= limit:
                out.add(
                    "warning",
                    f"effort {e.id} is estimated at {e.lines} lines, over the {gate.metric} gate "
                    f"({gate.target}); consider splitting it",
                    effort_key(e.id) + "/lines",
                    gate_key(index),
                )


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # `{"a": 1}` is no placeholder
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _check_agents(plan: Plan, out: _Collector) -> None:
    """Agent profiles: what each one runs must be known before any effort is started with it."""
    default = plan.defaults.agent
    if default and default not in plan.agents:
        known = ", ".join(sorted(plan.agents)) or "none"
        out.add(
            "error", f"defaults.agent {default!r} names no profile of `agents` (profiles: {known})", "defaults/agent"
        )
    for name, profile in plan.agents.items():
        key = f"agents/{name}"
        if profile.command is None and profile.adapter is None:
            out.add("error", f"agent profile {name!r} has neither a command nor an adapter", key)
        for word in profile.command or []:
            for found in _PLACEHOLDER.findall(word):
                if found not in AGENT_PLACEHOLDERS:
                    known = ", ".join("{" + p + "}" for p in AGENT_PLACEHOLDERS)
                    out.add("error", f"agent profile {name!r}: unknown placeholder {{{found}}} in {word!r}; "
                            f"an argv element may hold {known}", f"{key}/command", key)  # fmt: skip
        for var in profile.env:
            if not _ENV_NAME.fullmatch(var):
                out.add("error", f"agent profile {name!r}: {var!r} is not an environment variable name", f"{key}/env")
        if profile.command == []:
            out.add("error", f"agent profile {name!r}: an empty command runs nothing", f"{key}/command")


# An effort's brief reaches its runner in one environment variable, and Linux refuses to start a process with a
# single variable over 128 KiB (MAX_ARG_STRLEN), in a pod as on a worker: half of that leaves room for the rest.
MAX_BRIEF_BYTES = 64 * 1024


def _check_briefs(plan: Plan, out: _Collector) -> None:
    for e in plan.efforts:
        size = len(e.brief.encode()) + sum(len(a.encode()) for a in e.acceptance)
        if size > MAX_BRIEF_BYTES:
            why = (
                f"effort {e.id}: its brief and acceptance criteria are {size // 1024} KiB; an effort's brief travels "
                f"to its runner in the environment, at most {MAX_BRIEF_BYTES // 1024} KiB: link longer documents "
                "from the brief instead (the agent can read files of the repository)"
            )
            out.add("error", why, f"{effort_key(e.id)}/brief", effort_key(e.id))
