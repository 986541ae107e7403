"""Before an effort starts: skip it if the run leaves it out, and in `sequential` mode wait for its turn.

`sequential` is the seed's fallback for resource contention: one effort at a time, in plan order. Pools are fixed at
parse time, so the turn is taken at run time: an effort waits until every effort before it in this run is finished.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from .run_results import task_states
from .selection import skip_if_not_selected

_FINISHED = {"success", "failed", "skipped", "upstream_failed", "removed"}
_TURN_POLL_SECONDS = 5.0


def _pending(context: Mapping[str, Any], earlier: Sequence[str]) -> list[str]:
    states = task_states(context, earlier)
    return [t for t in earlier if states[t] not in _FINISHED]


def before_effort(context: Mapping[str, Any], effort_id: str, turn_order: Sequence[str], turn: int, log: Any) -> None:
    """`turn_order` holds every effort task of the DAG in plan order; this effort's place in it is `turn`."""
    skip_if_not_selected(context, effort_id)
    earlier = turn_order[:turn]
    if not (context.get("params") or {}).get("sequential") or not earlier:
        return
    while pending := _pending(context, earlier):
        log.info("sequential run: waiting for %s to finish", ", ".join(pending))
        time.sleep(_TURN_POLL_SECONDS)
