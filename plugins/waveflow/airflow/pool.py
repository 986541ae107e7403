"""The Airflow pool that bounds a plan's concurrent efforts: its name, and its size read through Airflow's REST API (in
Airflow 3 a task has no database session, and the Execution API a task talks to knows nothing of pools). The API's
address and a login come from one Airflow connection."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from ..plan.model import Plan
from ..preflight.plan_checks import PoolReading

API_CONN_ID = "waveflow_api"


def pool_name(plan: Plan) -> str:
    return f"waveflow-{plan.name}"


def read_pool(name: str) -> PoolReading:
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(API_CONN_ID)
    except AirflowNotFoundException:
        why = f"no `{API_CONN_ID}` connection (the Airflow REST API's address and a login) to ask it with"
        return PoolReading(name, skipped=why)
    return fetch_pool(api_url(conn.host or "", conn.port, conn.schema), conn.login or "", conn.password or "", name)


def api_url(host: str, port: int | None, scheme: str | None) -> str:
    """`host` may be a whole URL (`http://api-server:8080`) or a host name with the port and scheme beside it."""
    url = host if "://" in host else f"{scheme or 'http'}://{host}"
    return f"{url}:{port}" if port else url


def fetch_pool(base_url: str, login: str, password: str, name: str) -> PoolReading:
    where = f"the `{API_CONN_ID}` connection ({base_url} as {login or 'nobody'})"
    try:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            token = client.post("/auth/token", json={"username": login, "password": password})
            if token.status_code >= 400:
                return PoolReading(name, error=f"{where} could not log in ({token.status_code}); fix its login")
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            response = client.get(f"/api/v2/pools/{quote(name, safe='')}", headers=headers)
    except httpx.HTTPError as exc:
        return PoolReading(name, error=f"{where} did not answer ({exc}); fix its address")
    if response.status_code == 404:
        return PoolReading(name)
    if response.status_code >= 400:
        return PoolReading(name, error=f"{where} was refused the pool ({response.status_code}); give that login access")
    body = response.json()
    return PoolReading(name, slots=int(body["slots"]), include_deferred=bool(body.get("include_deferred", True)))
