"""The agents' transcripts of an effort, copied from the worker into the run's storage.

The runner writes each iteration's transcript into the effort's state directory on the worker that ran it: a file no
other worker, nor the api-server, can read. Once the runner has finished, the effort task copies every transcript it
finds there into `<run>/transcripts/<effort>/` and points the result at the copy, so the result in XCom and the report
name a place every reader reaches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .storage import location


def store_transcripts(result: dict[str, Any], folder: Any) -> list[str]:
    """Copies the transcripts `result` names into `folder` (a Path or an ObjectStoragePath) and rewrites their names
    in `result`; returns the stored copies. A name that is already a URL was stored by an earlier run; a file that is
    not on this worker belongs to a recorded result of an earlier run elsewhere: both are left as they are."""
    agent = result.get("agent")
    iterations = agent.get("iterations") if isinstance(agent, dict) else None
    stored: list[str] = []
    for it in iterations if isinstance(iterations, list) else []:
        name = it.get("transcript") if isinstance(it, dict) else None
        if not isinstance(name, str) or "://" in name or not Path(name).is_file():
            continue
        copy = folder / f"{it.get('number', len(stored) + 1)}-{Path(name).name}"
        folder.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(Path(name).read_bytes())
        it["transcript"] = location(copy)
        stored.append(location(copy))
    return stored
