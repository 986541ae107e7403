"""A run against a remote that wants a password: the credential (from the environment, or in the remote URL) appears
in no log, XCom, rendered field, report or workspace file of the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.polling import wait_run

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def api_texts(secured: Any, plan: str, run_id: str) -> dict[str, str]:
    """Every task's rendered fields, every XCom value, every try's log, as the REST API serves them."""
    texts = {}
    for ti in secured.api.task_instances(plan, run_id):
        task = ti["task_id"]
        texts[f"{task} (task instance)"] = json.dumps(ti)
        prefix = f"/dags/{plan}/dagRuns/{run_id}/taskInstances/{task}"
        for entry in secured.api.call("GET", f"{prefix}/xcomEntries")["xcom_entries"]:
            texts[f"{task} xcom {entry['key']}"] = json.dumps(secured.api.xcom(plan, run_id, task, entry["key"]))
        for attempt in range(1, ti["try_number"] + 1):
            log = secured.api.call("GET", f"{prefix}/logs/{attempt}", params={"full_content": True})
            texts[f"{task} log {attempt}"] = json.dumps(log)
    return texts


def file_texts(root: Path) -> dict[str, str]:
    """Every file under `root` that is text (logs, reports, the status log, the workspace and its git config)."""
    texts = {}
    for path in root.rglob("*"):
        if path.is_file() and "objects" not in path.parts:
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


_runs: dict[str, tuple[str, str]] = {}


def run_once(secured: Any, plan: str) -> tuple[str, str]:
    """(run id, final state) of the plan's one run in this session."""
    if plan not in _runs:
        run_id = secured.api.trigger(plan, {"enforce_gates": False})
        _runs[plan] = (run_id, wait_run(secured.api, plan, run_id))
    return _runs[plan]


@pytest.mark.parametrize(
    "plan",
    [
        "secret_env",
        "secret_url",
    ],
)
def test_the_git_credential_is_in_nothing_the_run_leaves(secured, plan):
    run_id, _ = run_once(secured, plan)
    texts = {
        **api_texts(secured, plan, run_id),
        **file_texts(secured.base / "airflow"),
        **file_texts(secured.base / "workspace"),
        **file_texts(secured.base / "reports"),
    }
    leaks = sorted(where for where, text in texts.items() if secured.token in text)
    assert len(texts) > 20
    assert leaks == [], f"{plan}: the credential is in {leaks}"


def test_a_credential_in_the_url_runs_the_plan(secured):
    assert run_once(secured, "secret_url")[1] == "success"


def test_a_credential_from_the_environment_runs_the_plan(secured):
    assert run_once(secured, "secret_env")[1] == "success"
