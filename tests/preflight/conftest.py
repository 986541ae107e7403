"""A git remote to check against, and the Kubernetes API emulator of the pod operator tests taught RBAC."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The pod emulator lives with the pod operator tests; these tests reuse it as it is.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "airflow"))

from k8s_rbac_emulator import WORKER_TOKEN, Cluster, service_account
from kpo_support.emulator import kubeconfig, serve
from preflight_git import commit, git


@pytest.fixture
def remote(tmp_path: Path) -> tuple[Path, str, Path]:
    """(bare remote with `main`, its head, a clone to make more commits and branches in)."""
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    work = tmp_path / "work"
    git("clone", "-q", str(bare), str(work))
    head = commit(work, "README")
    git("push", "-q", "origin", "main", cwd=work)
    return bare, head, work


def _no_pods(pod: dict[str, Any]) -> tuple[dict[str, Any], str]:
    raise AssertionError(f"preflight must not start a pod: {pod['metadata']['name']}")


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Cluster, Any, Path]]:
    """(cluster state, emulator, kubeconfig for Airflow's worker), also set as the `kubernetes_default` connection."""
    state = Cluster(tokens={WORKER_TOKEN: service_account("airflow", "airflow-worker")})
    with serve(_no_pods) as (emulator, url):
        state.install(emulator)
        config = json.loads(kubeconfig(url))
        config["users"][0]["user"]["token"] = WORKER_TOKEN
        path = tmp_path / "kubeconfig.json"
        path.write_text(json.dumps(config))
        conn = {"conn_type": "kubernetes", "extra": {"kube_config_path": str(path)}}
        monkeypatch.setenv("AIRFLOW_CONN_KUBERNETES_DEFAULT", json.dumps(conn))
        yield state, emulator, path
