"""A plan's DAG written out as a person would write it by hand: the same operator classes, every argument a literal,
the plan's own data as one `Plan.model_validate` literal (the preflight, gate and report tasks take it), then `>>`.

It is generated from the factory's spec, and the benchmark checks that it serializes to the factory's DAG: the same
DAG, without the plan's reading, validation and spec.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from waveflow.airflow.materialize import operator_class
from waveflow.airflow.spec import DagSpec
from waveflow.plan.model import Plan


def source(spec: DagSpec, plan: Plan) -> str:
    imports: dict[str, set[str]] = {
        "airflow.sdk": {"DAG", "Param", "TaskGroup"},
        "datetime": {"datetime", "timedelta", "timezone"},
        "waveflow.plan.model": {"Plan"},
    }
    body = [
        f"PLAN = Plan.model_validate({_literal(plan.model_dump(mode='json', exclude_unset=True), plan)})",
        "with DAG(",
        f"    dag_id={spec.dag_id!r}, description={spec.description!r}, schedule={spec.cron!r},",
        "    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc), catchup=False,",
        f"    max_active_runs={spec.max_active_runs}, doc_md={spec.doc_md!r}, tags={list(spec.tags)!r},",
        f"    default_args={_literal(dict(spec.default_args), plan)},",
        "    params={"
        + ", ".join(f"{k!r}: Param({p.default!r}, **{dict(p.schema)!r})" for k, p in spec.params.items())
        + "},",
        ") as dag:",
    ]
    names: dict[str, str] = {}
    for group in spec.groups:
        names[group.group_id] = f"g_{group.group_id}"
        body.append(f"    g_{group.group_id} = TaskGroup({group.group_id!r}, tooltip={group.tooltip!r})")
    if any(t.status for t in spec.tasks):
        imports.setdefault("waveflow.airflow.status", set()).add("EffortStatus")
    for i, task in enumerate(spec.tasks):
        cls = operator_class(task.kind, spec.backend)
        imports.setdefault(cls.__module__, set()).add(cls.__name__)
        names[task.task_id] = name = f"t{i}"
        args = [f"task_id={task.name!r}"]
        if task.group:
            args.append(f"task_group={names[task.group]}")
        args += [f"{k}={_literal(v, plan, imports)}" for k, v in task.args.items()]
        if task.status:
            s = task.status
            body.append(f"    s{i} = EffortStatus({s.effort_id!r}, {s.branch!r}, {s.wave!r})")
            args += [f"on_execute_callback=s{i}.started", f"on_success_callback=s{i}.succeeded"]
            args.append(f"on_failure_callback=s{i}.failed")
        body.append(f"    {name} = {cls.__name__}({', '.join(args)})")
    groups = {g.group_id for g in spec.groups}
    # As `materialize` orders them: edges between tasks, then edges with a group on either side.
    for task in spec.tasks:
        body += [f"    {names[u]} >> {names[task.task_id]}" for u in task.upstream if u not in groups]
    for task in spec.tasks:
        body += [f"    {names[u]} >> {names[task.task_id]}" for u in task.upstream if u in groups]
    for group in spec.groups:
        body += [f"    {names[u]} >> {names[group.group_id]}" for u in group.upstream]
    head = [f"from {module} import {', '.join(sorted(found))}" for module, found in sorted(imports.items())]
    if "kubernetes.client" in imports:
        head.append("K8S = Configuration()")
    return "\n".join([*head, *body]) + "\n"


def _literal(value: Any, plan: Plan, imports: dict[str, set[str]] | None = None) -> str:
    if value is plan:
        return "PLAN"
    if isinstance(value, timedelta):
        return f"timedelta(seconds={value.total_seconds()!r})"
    if isinstance(value, list | tuple):
        items = ", ".join(_literal(v, plan, imports) for v in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v, plan, imports)}" for k, v in value.items()) + "}"
    if hasattr(type(value), "openapi_types"):
        # A Kubernetes client model, as a person writes one; given one client configuration, as the factory does
        # (each model would otherwise copy the default configuration).
        assert imports is not None
        imports.setdefault("kubernetes.client", set()).update({"models as k8s", "Configuration"})
        fields = [f"{k}={_literal(getattr(value, k), plan, imports)}" for k in value.openapi_types]
        return f"k8s.{type(value).__name__}({', '.join([*fields, 'local_vars_configuration=K8S'])})"
    return repr(value)
