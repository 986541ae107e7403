"""The Airflow REST API of a real api-server refuses to trigger, or even list, without a valid token."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = "secret_env"


def forged_token() -> str:
    """A well-formed JWT for the admin, signed with a key the server never issued."""
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': 'HS512', 'typ': 'JWT'})}.{part({'sub': 'admin', 'role': 'ADMIN'})}.{'A' * 86}"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {forged_token()}"},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
    ],
    ids=["no token", "garbage token", "forged token", "basic auth"],
)
def test_unauthenticated_triggers_are_refused(secured, headers):
    before = secured.api.call("GET", f"/dags/{PLAN}/dagRuns")["total_entries"]
    base = secured.api.base_url
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        trigger = client.post(f"/api/v2/dags/{PLAN}/dagRuns", json={"logical_date": None})
        listing = client.get("/api/v2/dags")
        unpause = client.patch(f"/api/v2/dags/{PLAN}", json={"is_paused": True})
    # 401 without credentials, 403 for a token the server did not issue: refused either way.
    refused = {401} if "Bearer" not in headers.get("Authorization", "") else {401, 403}
    assert {trigger.status_code, listing.status_code, unpause.status_code} <= refused
    assert secured.api.call("GET", f"/dags/{PLAN}/dagRuns")["total_entries"] == before
    assert secured.api.call("GET", f"/dags/{PLAN}")["is_paused"] is False
