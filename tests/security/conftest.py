"""Security tests: hostile plans and inputs, rendered pods, and (end to end) credentials and the REST API's auth."""

from __future__ import annotations

import secrets
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
# The pod rendering helpers and the restricted-profile checker live with the Kubernetes backend's tests.
sys.path.insert(0, str(TESTS / "airflow"))

from chaos.chaos_plans import new_remote, plan_yaml  # noqa: E402
from chaos.local_stack import local_stack  # noqa: E402
from support.postgres import pg_bin  # noqa: E402

from security.git_http import serve_git  # noqa: E402


@pytest.fixture
def bare_remote(tmp_path: Path) -> Path:
    return new_remote(tmp_path / "remote.git")


@pytest.fixture
def plans_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    monkeypatch.setenv("WAVEFLOW_PLANS_DIR", str(plans))
    return plans


@dataclass
class Secured:
    """An Airflow of the security tests' own whose efforts push to a remote that wants a password."""

    stack: Any
    api: Any
    base: Path
    token: str
    remote_url: str  # without credentials


TOKEN_USER = "ci-bot"
SECURED_PLANS = {"secret_env": {1: ["1.1"], 2: ["2.1"]}, "secret_url": {1: ["1.1"]}}


# Package scope: the stack stops after the last security test, not at the end of the whole session.
@pytest.fixture(scope="package")
def secured() -> Iterator[Secured]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    base = Path(tempfile.mkdtemp(prefix="waveflow-secured-"))
    token = "tok-" + secrets.token_hex(16)
    root = base / "git"
    for name in SECURED_PLANS:
        new_remote(root / f"{name}.git")
    with serve_git(root, TOKEN_USER, token) as url:
        plans = {
            # One plan finds its credential in the environment (GIT_USERNAME/GIT_PASSWORD, as a Secret gives a pod),
            # the other in its remote URL.
            "secret_env.yaml": plan_yaml("secret_env", f"{url}/secret_env.git", SECURED_PLANS["secret_env"], 0),
            "secret_url.yaml": plan_yaml(
                "secret_url", f"http://{TOKEN_USER}:{token}@{url[7:]}/secret_url.git", SECURED_PLANS["secret_url"], 0
            ),
        }
        env = {"GIT_USERNAME": TOKEN_USER, "GIT_PASSWORD": token, "CHAOS_MARKERS": str(base)}
        with local_stack(base, plans, env) as (stack, api):
            yield Secured(stack, api, base, token, url)
