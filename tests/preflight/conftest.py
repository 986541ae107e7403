"""A git remote to check against, and the Kubernetes API emulator of the pod operator tests taught RBAC."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The pod emulator lives with the pod operator tests; these tests reuse it as it is.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "airflow"))

from cluster import Cluster, service_account
from kpo_support.emulator import kubeconfig, serve

WORKER = service_account("airflow", "airflow-worker")
TOKEN = "worker-token"


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commit(work: Path, name: str) -> str:
    (work / name).write_text(f"{name}\n")
    git("add", name, cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", name, cwd=work)
    return git("rev-parse", "HEAD", cwd=work)


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
    state = Cluster(tokens={TOKEN: WORKER})
    with serve(_no_pods) as (emulator, url):
        state.install(emulator)
        config = json.loads(kubeconfig(url))
        config["users"][0]["user"]["token"] = TOKEN
        path = tmp_path / "kubeconfig.json"
        path.write_text(json.dumps(config))
        conn = {"conn_type": "kubernetes", "extra": {"kube_config_path": str(path)}}
        monkeypatch.setenv("AIRFLOW_CONN_KUBERNETES_DEFAULT", json.dumps(conn))
        yield state, emulator, path
