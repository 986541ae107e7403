"""The trigger form of a plan's DAG; scheduled runs take these defaults."""

from __future__ import annotations

from airflow.sdk import Param

from ..plan.model import Plan


def run_params(plan: Plan) -> dict[str, Param]:
    ids = [e.id for e in plan.efforts]
    return {
        "efforts": Param(
            [],
            type="array",
            items={"type": "string", "enum": ids},
            title="Efforts",
            description=f"Run only these efforts; empty runs all. The others skip. Ids: {', '.join(ids)}",
        ),
        "base_ref": Param(
            plan.base_ref, type="string", minLength=1, title="Base ref", description="Where efforts start"
        ),
        "image": Param(plan.defaults.image, type="string", title="Image", description="Effort image (kubernetes)"),
        "dry_run": Param(False, type="boolean", title="Dry run", description="Run the preflight checks only"),
        "sequential": Param(False, type="boolean", title="Sequential", description="One effort at a time"),
        "enforce_gates": Param(True, type="boolean", title="Enforce gates", description="A failed gate fails the run"),
    }
