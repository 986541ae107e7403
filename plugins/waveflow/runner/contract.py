"""What the effort runner takes: one contract for the pod (env) and the local backend (env too, as a subprocess).

Every input is an environment variable so a pod spec, a subprocess and a person at a shell pass it the same way;
`waveflow run-effort --help` documents the same names as flags. Lists (commands, branches) are JSON so an argv element
may hold spaces or commas without any shell quoting.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

# Where the runner records each effort's result on its branch head, and where the landing check reads it.
NOTES_REF = "refs/notes/waveflow"

POD_RESULT_PATH = "/airflow/xcom/return.json"
# On the local backend the runner starts inside an Airflow worker: Airflow's configuration (the JWT secret that signs
# task tokens, the Fernet key), connections and variables are no business of the runner, an agent or a test suite.
AIRFLOW_PREFIXES = ("AIRFLOW__", "AIRFLOW_CONN_", "AIRFLOW_VAR_")

# field name -> environment variable
ENV_NAMES: dict[str, str] = {
    "plan": "WAVEFLOW_PLAN",
    "effort": "WAVEFLOW_EFFORT",
    "run_id": "WAVEFLOW_RUN_ID",
    "repo": "WAVEFLOW_REPO",
    "base_ref": "WAVEFLOW_BASE_REF",
    "branch": "WAVEFLOW_BRANCH",
    "dependency_branches": "WAVEFLOW_DEPENDENCY_BRANCHES",
    "implement": "WAVEFLOW_IMPLEMENT",
    "test": "WAVEFLOW_TEST",
    "workspace": "WAVEFLOW_WORKSPACE",
    "worktree": "WAVEFLOW_WORKTREE",
    "mode": "WAVEFLOW_MODE",
    "port_start": "PORT_RANGE_START",
    "port_end": "PORT_RANGE_END",
    "namespace": "WAVEFLOW_NAMESPACE",
    "implement_timeout": "WAVEFLOW_IMPLEMENT_TIMEOUT",
    "test_timeout": "WAVEFLOW_TEST_TIMEOUT",
    "result_path": "WAVEFLOW_RESULT",
    "effort_spec": "WAVEFLOW_EFFORT_SPEC",
    "exclude": "WAVEFLOW_EXCLUDE",
    "exclusive": "WAVEFLOW_EXCLUSIVE",
    "agent_profile": "WAVEFLOW_AGENT_PROFILE",
    "plan_context": "WAVEFLOW_PLAN_CONTEXT",
    "integration": "WAVEFLOW_INTEGRATION",
}
JSON_FIELDS = {"dependency_branches", "implement", "test", "exclude"}
INT_FIELDS = {"port_start", "port_end", "implement_timeout", "test_timeout"}
BOOL_FIELDS = {"exclusive"}
_TRUE, _FALSE = ("1", "true", "yes"), ("0", "false", "no")


@dataclass(frozen=True)
class RunnerInputs:
    plan: str
    effort: str
    repo: str
    branch: str
    base_ref: str = "main"
    run_id: str = ""
    dependency_branches: list[str] = field(default_factory=list)  # in dependency order; merged into the start point
    implement: list[str] = field(default_factory=list)  # argv; empty: nothing to implement, test what is there
    test: list[str] = field(default_factory=lambda: ["make", "test"])
    workspace: str = ".work/workspace"
    worktree: str = ""  # directory name under the workspace; default derived from the branch
    mode: str = "local"  # local: shared bare mirror + git worktree; pod: partial clone of one branch
    port_start: int | None = None
    port_end: int | None = None
    namespace: str = ""
    implement_timeout: int = 3600  # seconds
    test_timeout: int = 3600
    result_path: str = ""  # where the result JSON goes; POD_RESULT_PATH in a pod
    effort_spec: str = ""  # the plan's effort as canonical JSON: part of the memoization key
    exclude: list[str] = field(default_factory=list)  # glob patterns left out of the PR size (generated, vendored)
    exclusive: bool = False  # its test step runs with no other effort's step on the machine (benchmarks)
    agent_profile: str = ""  # JSON of the plan's agent profile for the effort; empty: `implement` runs once
    plan_context: str = ""  # JSON: the plan's title, the effort's wave, the gates (for the task brief)
    # JSON: set, the run is a wave's integration (see `integrate`): the dependency branches are the wave's efforts,
    # merged and tested together; nothing is implemented.
    integration: str = ""

    def to_env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for name, var, is_json in _ENV_FIELDS:
            value = getattr(self, name)
            if value is None or value is False or (value == "" and name in ("agent_profile", "integration")):
                continue
            env[var] = json.dumps(value) if is_json else "1" if value is True else str(value)
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> RunnerInputs:
        """Read the inputs from the environment; `overrides` (e.g. parsed flags) win over it."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, var in ENV_NAMES.items():
            raw = environ.get(var)
            if raw is None or raw == "":
                continue
            if name in JSON_FIELDS:
                try:
                    parsed = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{var} must be a JSON list of strings: {exc}") from None
                if not isinstance(parsed, list) or not all(isinstance(x, str) for x in parsed):
                    raise ValueError(f"{var} must be a JSON list of strings")
                values[name] = parsed
            elif name in BOOL_FIELDS:
                if raw.lower() not in _TRUE + _FALSE:
                    raise ValueError(f"{var} must be 1 or 0, not {raw!r}")
                values[name] = raw.lower() in _TRUE
            elif name in INT_FIELDS:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ValueError(f"{var} must be an integer, not {raw!r}") from None
            else:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [ENV_NAMES[k] for k in ("plan", "effort", "repo", "branch") if not values.get(k)]
        if missing:
            raise ValueError(f"missing runner inputs: {', '.join(missing)}")
        return cls(**values)  # type: ignore[arg-type]


# Made once: a plan's DAG turns every effort's inputs into an environment.
_ENV_FIELDS = tuple((f.name, ENV_NAMES[f.name], f.name in JSON_FIELDS) for f in fields(RunnerInputs))
