"""Memoization: the result of an effort, recorded as a git note on the commit it pushed.

The note is keyed by everything that decides what the effort does: the plan's effort spec, the commits it starts
from, its commands and agent profile, and the task brief the agent reads. A rerun whose key matches the note on the
branch head returns the recorded result without doing anything; only succeeded results are reused, so a rerun re-does
exactly the efforts that failed or changed.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time

from .contract import RunnerInputs
from .errors import StepFailed
from .gitcmd import Git
from .remote import NOTES_REF, RemoteState
from .result import EffortResult

MEMO_VERSION = 2
RECORD_ATTEMPTS = 5
RETRY_SECONDS = 0.5  # waits 0.5, 1, 1.5, 2 s between attempts


def inputs_key(inputs: RunnerInputs, remote: RemoteState, brief: str = "") -> str:
    material: dict[str, object] = {
        "memo_version": MEMO_VERSION,
        "plan": inputs.plan,
        "effort": inputs.effort,
        "effort_spec": inputs.effort_spec,
        "branch": inputs.branch,
        "base": [remote.base.ref, remote.base.sha],
        "dependencies": [[d.ref, d.sha] for d in remote.dependencies],
        "implement": inputs.implement,
        "test": inputs.test,
        "exclude": inputs.exclude,
        "namespace": inputs.namespace,
        "ports": [inputs.port_start, inputs.port_end],
        "agent_profile": inputs.agent_profile,
        "brief": hashlib.sha256(brief.encode()).hexdigest(),
    }
    if inputs.integration:  # only where set: an effort's key stays what it was before integrations existed
        material["integration"] = inputs.integration
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def read_note(repo: Git, commit: str) -> dict[str, object] | None:
    status, out, _ = repo.status("notes", f"--ref={NOTES_REF}", "show", commit)
    if status != 0:
        return None
    try:
        note = json.loads(out)
    except json.JSONDecodeError:
        return None  # someone else's note text on the same ref: not ours to reuse
    return note if isinstance(note, dict) else None


def recorded_result(repo: Git, remote: RemoteState, key: str) -> EffortResult | None:
    """The succeeded result recorded on the remote branch head for exactly these inputs, if any."""
    if remote.branch is None or remote.notes is None:
        return None
    note = read_note(repo, remote.branch.sha)
    if not note or note.get("key") != key:
        return None
    try:
        result = EffortResult.model_validate(note.get("result"))
    except ValueError:
        return None
    if result.status != "succeeded" or result.head != remote.branch.sha:
        return None
    return result


def record(repo: Git, commit: str, key: str, result: EffortResult) -> None:
    """Attach the result to `commit` and push the notes ref, retrying (other efforts push it too, a remote may fail
    for a moment); StepFailed("record") when it could not be recorded: the landing sensor waits for this note."""
    note = json.dumps({"key": key, "result": result.model_dump(mode="json")}, sort_keys=True)
    last = ""
    for attempt in range(RECORD_ATTEMPTS):
        if attempt:
            time.sleep(RETRY_SECONDS * attempt)
        # Start from the remote's notes so the push is a fast-forward; a missing ref (first note ever) is fine.
        repo.status("fetch", "--quiet", "origin", f"+{NOTES_REF}:{NOTES_REF}")
        # From a file: a result is not bounded by the size of one argument (128 KiB on Linux).
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json") as fh:
            fh.write(note)
            fh.flush()
            status, _, err = repo.status("notes", f"--ref={NOTES_REF}", "add", "--force", "--file", fh.name, commit)
        if status != 0:
            last = repo.describe_failure(("notes",), err)
            continue
        status, _, err = repo.status("push", "--quiet", "origin", f"{NOTES_REF}:{NOTES_REF}")
        if status == 0:
            return
        last = repo.describe_failure(("push",), err)
    raise StepFailed(
        "record", f"could not record the result as a git note ({RECORD_ATTEMPTS} attempts; the work is pushed): {last}"
    )
