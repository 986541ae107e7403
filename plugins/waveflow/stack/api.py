"""The few REST API (`/api/v2`) calls a person's UI clicks amount to: log in, unpause, trigger, watch, clear."""

from __future__ import annotations

import time
from typing import Any

import httpx


class AirflowAPI:
    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url
        self.client = httpx.Client(base_url=base_url, timeout=30)
        self.username, self.password = username, password
        self._login()

    def _login(self) -> None:
        response = self.client.post("/auth/token", json={"username": self.username, "password": self.password})
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, f"/api/v2{path}", **kwargs)
        if response.status_code == 401:
            self._login()
            response = self.client.request(method, f"/api/v2{path}", **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def wait_for_dag(self, dag_id: str, timeout: float = 180) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return dict(self.call("GET", f"/dags/{dag_id}"))
            except RuntimeError:
                if time.monotonic() > deadline:
                    errors = self.call("GET", "/importErrors")
                    raise TimeoutError(
                        f"DAG {dag_id} was not parsed in {timeout:.0f} s; import errors: {errors}"
                    ) from None
                time.sleep(2)

    def unpause(self, dag_id: str) -> None:
        self.call("PATCH", f"/dags/{dag_id}", json={"is_paused": False})

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        body = {"logical_date": None, "conf": conf or {}}
        return str(self.call("POST", f"/dags/{dag_id}/dagRuns", json=body)["dag_run_id"])

    def run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}"))

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        return list(
            self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 500})["task_instances"]
        )

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value") -> Any:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/{key}"
        return self.call("GET", path)["value"]
