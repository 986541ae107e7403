"""The `local` effort backend: the runner as a subprocess in a git worktree on the Airflow worker.

Same contract as the pod: the runner's environment in, its result JSON out (to XCom). The result is pushed even when
the effort fails, so the gates and the report can say why; the agents' transcripts, files of this worker, are copied
into the run's storage first and the result names the copies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from ..runner.contract import AIRFLOW_PREFIXES
from .paths import workspace_dir
from .storage import name_part, run_root
from .transcripts import store_transcripts
from .turns import before_effort

EXIT_FAILED = 1


def failure(effort_id: str, result: dict[str, Any]) -> AirflowException:
    """A failed effort's exception: retried by Airflow only when a retry may help (fetch, push, a busy machine); a
    failing test after the agent's last iteration, a merge conflict or an invalid input fail the task at once."""
    why = (
        f"effort {effort_id} failed at {result.get('failed_step') or '?'}: {result.get('failure_reason') or 'see log'}"
    )
    if result.get("retryable"):
        return AirflowException(why + " (retried: a retry may help)")
    return AirflowFailException(why + " (not retried: it would fail the same way; fix and clear the task)")


class LocalEffortOperator(BaseOperator):
    template_fields = ("env",)
    ui_color = "#e8f4ea"

    def __init__(
        self,
        *,
        effort_id: str,
        env: Mapping[str, str],
        credentials: Mapping[str, str] | None = None,
        turn_order: Sequence[str] = (),
        turn: int = 0,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.effort_id, self.env, self.turn_order, self.turn = effort_id, dict(env), turn_order, turn
        # Not a template field: Airflow stores and shows rendered fields, and these hold a password.
        self.credentials = dict(credentials or {})
        self._proc: subprocess.Popen[str] | None = None

    def execute(self, context: Any) -> dict[str, Any]:
        before_effort(context, self.effort_id, self.turn_order, self.turn, self.log)
        # Resolved first: a storage setting that cannot be used fails the task before the agent spends anything.
        stored = run_root(context["dag"].dag_id, context["run_id"]) / "transcripts" / name_part(self.effort_id)
        with tempfile.TemporaryDirectory(prefix="waveflow-result-") as tmp:
            result_path = Path(tmp) / "result.json"
            own = {k: v for k, v in os.environ.items() if not k.startswith(AIRFLOW_PREFIXES)}
            env = {**own, **self.env, **self.credentials}
            env.setdefault("WAVEFLOW_WORKSPACE", str(workspace_dir()))
            env.update(WAVEFLOW_MODE="local", WAVEFLOW_RUN_ID=context["run_id"], WAVEFLOW_RESULT=str(result_path))
            code = self._run([sys.executable, "-m", "waveflow.runner"], env)
            result = self._read(result_path, code)
        for copy in store_transcripts(result, stored):
            self.log.info("transcript stored: %s", copy)
        context["ti"].xcom_push(key="return_value", value=result)
        if code != 0 or result.get("status") != "succeeded":
            raise failure(self.effort_id, result)
        return result

    def _run(self, argv: list[str], env: dict[str, str]) -> int:
        # Own process group: on_kill (task cleared or timed out) must stop the runner and everything it started.
        self._proc = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.log.info("%s", line.rstrip())
        return self._proc.wait()

    def _read(self, path: Path, code: int) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise AirflowException(
                f"effort {self.effort_id}: runner exited {code} without a readable result: {exc}"
            ) from None
        if not isinstance(data, dict):
            raise AirflowException(f"effort {self.effort_id}: the runner's result is not a JSON object")
        return data

    def on_kill(self) -> None:
        if self._proc and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
