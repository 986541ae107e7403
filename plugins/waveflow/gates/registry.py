"""Which evaluator judges a gate, whether a plan's gates can be judged at all, and judging them.

Lookup order for a gate: the plan's own `evaluator: module:function`, then the built-in evaluator of its metric (names
are matched loosely: "Test Coverage", "coverage", "code-coverage"), then an installed entry point in the group
`waveflow.gates` whose name matches the metric the same way. docs/gates.md shows how to write and register one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from ..plan.errors import Problem
from ..plan.model import Gate, Plan, gate_key
from ..runner.result import EffortResult
from . import agent_cost, benchmarks, chaos, coverage, docs, isolation, pr_size
from .evaluator import Evaluator, GateContext, Scale
from .outcome import GateOutcome, Row
from .targets import Target, TargetError, parse_target

ENTRY_POINT_GROUP = "waveflow.gates"


@dataclass(frozen=True)
class Builtin:
    name: str
    aliases: tuple[str, ...]
    evaluate: Evaluator
    scale: Scale
    default_target: str | None = None  # used when the plan gives none; None: the plan must give one


BUILTINS = (
    Builtin("Test Coverage", ("coverage", "code coverage", "line coverage"), coverage.evaluate, coverage.SCALE),
    Builtin(
        "Benchmark Stability",
        ("benchmark variance", "benchmark cv", "benchmarks", "stability", "performance stability"),
        benchmarks.evaluate,
        benchmarks.SCALE,
    ),
    Builtin(
        "Chaos Recovery",
        ("chaos", "chaos tests", "resilience", "recovery"),
        chaos.evaluate,
        chaos.SCALE,
        default_target="100%",
    ),
    Builtin(
        "Doc Completeness",
        ("docs", "documentation", "doc coverage", "api docs", "documentation completeness"),
        docs.evaluate,
        docs.SCALE,
        default_target="All APIs documented",
    ),
    Builtin(
        "PR Size",
        ("pull request size", "diff size", "change size", "lines changed", "lines of change"),
        pr_size.evaluate,
        pr_size.SCALE,
    ),
    Builtin(
        "Test Isolation",
        ("isolation", "parallel isolation", "parallel execution"),
        isolation.evaluate,
        isolation.SCALE,
        default_target="No conflicts",
    ),
    Builtin(
        "Agent Cost",
        ("cost", "agent spend", "llm cost", "model cost", "cost per effort"),
        agent_cost.evaluate,
        agent_cost.SCALE,
    ),
)


class GateConfigError(ValueError):
    """A gate no evaluator can judge."""


def normalize(metric: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", metric.lower())


_BY_NAME = {normalize(n): b for b in BUILTINS for n in (b.name, *b.aliases)}


def builtin_for(metric: str) -> Builtin | None:
    return _BY_NAME.get(normalize(metric))


def load_function(spec: str) -> Evaluator:
    """Import `package.module:function` (the function part may be dotted: `module:Class.method`)."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise GateConfigError(f"evaluator {spec!r} must be written module:function")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise GateConfigError(f"evaluator {spec!r}: cannot import {module_name}: {exc}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise GateConfigError(f"evaluator {spec!r}: {module_name} has no {attr}") from None
    if not callable(obj):
        raise GateConfigError(f"evaluator {spec!r} is not a function")
    return obj


def entry_point_for(metric: str) -> EntryPoint | None:
    wanted = normalize(metric)
    return next((ep for ep in entry_points(group=ENTRY_POINT_GROUP) if normalize(ep.name) == wanted), None)


@dataclass(frozen=True)
class Resolved:
    evaluate: Evaluator
    target: Target | None  # None: a custom evaluator whose target the generic reader cannot read
    by: str  # where the evaluator came from, for messages


def resolve(gate: Gate) -> Resolved:
    """The evaluator and target of a gate; GateConfigError or TargetError says why there is none."""
    if gate.evaluator:
        return Resolved(load_function(gate.evaluator), _custom_target(gate), f"plan evaluator {gate.evaluator}")
    builtin = builtin_for(gate.metric)
    if builtin:
        return Resolved(builtin.evaluate, builtin_target(gate, builtin), f"built-in {builtin.name}")
    ep = entry_point_for(gate.metric)
    if ep:
        return Resolved(load_function(ep.value), _custom_target(gate), f"entry point {ep.name} = {ep.value}")
    known = ", ".join(b.name for b in BUILTINS)
    raise GateConfigError(
        f"unknown metric; the built-in metrics are {known}; for another, name a function "
        f"with `evaluator: module:function` or register one in the entry point group {ENTRY_POINT_GROUP}"
    )


def builtin_target(gate: Gate, builtin: Builtin) -> Target:
    text = gate.target.strip() or builtin.default_target
    if text is None:
        raise TargetError(f"the {builtin.name} gate needs a target, e.g. {_example(builtin.scale)}")
    target = parse_target(text)
    if target.unit not in builtin.scale.units:
        units = " or ".join(sorted(u or "a plain number" for u in builtin.scale.units))
        raise TargetError(f"target {text!r} is in {target.unit}; {builtin.name} takes {units}")
    return target


def _example(scale: Scale) -> str:
    if "usd" in scale.units:
        return "`<$5 per effort`"
    unit = "%" if "%" in scale.units else " lines" if "lines" in scale.units else ""
    return f"`{'>' if scale.default_op == '>=' else '<'}80{unit}`"


def _custom_target(gate: Gate) -> Target | None:
    try:
        return parse_target(gate.target)
    except TargetError:
        return None


def gate_problems(plan: Plan) -> list[Problem]:
    """Gates that cannot be judged: unknown metrics, custom evaluators that do not import, unreadable targets."""
    problems = []
    for index, gate in enumerate(plan.gates):
        try:
            resolve(gate)
        except (GateConfigError, TargetError) as exc:
            key = gate_key(index)
            line = plan.source.line(f"{key}/target" if isinstance(exc, TargetError) else f"{key}/metric")
            problems.append(Problem(plan.source.path, line, "error", f"gate {gate.metric!r}: {exc}"))
    return problems


def evaluate_gate(plan: Plan, gate: Gate, results: Mapping[str, EffortResult | None]) -> GateOutcome:
    """Judge one gate over the efforts of a run. Never raises: a gate that cannot be judged fails with the reason."""
    outcome = GateOutcome(gate.metric, gate.target, gate.required)
    try:
        resolved = resolve(gate)
    except (GateConfigError, TargetError) as exc:
        outcome.error = str(exc)
        return outcome
    if resolved.target is not None:
        outcome.target = resolved.target.text
    try:
        rows = list(resolved.evaluate(GateContext(plan, gate, resolved.target, results)))
    except Exception as exc:  # a broken evaluator fails its gate, with the reason in the task log, not the DAG
        outcome.error = f"{resolved.by} raised {type(exc).__name__}: {exc}"
        return outcome
    wrong = [r for r in rows if not isinstance(r, Row)]
    if wrong:
        outcome.error = f"{resolved.by} returned {type(wrong[0]).__name__}, not Row"
        return outcome
    outcome.rows = rows
    return outcome


def evaluate_gates(plan: Plan, results: Mapping[str, EffortResult | None]) -> list[GateOutcome]:
    return [evaluate_gate(plan, gate, results) for gate in plan.gates]
