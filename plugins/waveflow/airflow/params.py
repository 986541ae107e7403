"""The trigger form of a plan's DAG; scheduled runs take these defaults."""

from __future__ import annotations

from airflow.sdk import Param

from ..plan.model import Plan

MAX_LISTED_EFFORTS = 50


def run_params(plan: Plan) -> dict[str, Param]:
    ids = [e.id for e in plan.efforts]
    # Airflow copies the params into every task: a plan of a thousand efforts would copy a thousand ids a thousand
    # times. Past a form's worth, the trigger form takes free text and an unknown id selects nothing.
    small = len(ids) <= MAX_LISTED_EFFORTS
    items = {"type": "string", "enum": ids} if small else {"type": "string"}
    listed = ", ".join(ids) if small else f"{', '.join(ids[:10])}, … ({len(ids)} efforts)"
    return {
        "efforts": Param(
            [],
            type="array",
            items=items,
            title="Efforts",
            description=f"Run only these efforts; empty runs all. The others skip. Ids: {listed}",
        ),
        "base_ref": Param(
            plan.base_ref, type="string", minLength=1, title="Base ref", description="Where efforts start"
        ),
        "image": Param(plan.defaults.image, type="string", title="Image", description="Effort image (kubernetes)"),
        "dry_run": Param(False, type="boolean", title="Dry run", description="Run the preflight checks only"),
        "sequential": Param(False, type="boolean", title="Sequential", description="One effort at a time"),
        "enforce_gates": Param(True, type="boolean", title="Enforce gates", description="A failed gate fails the run"),
    }
