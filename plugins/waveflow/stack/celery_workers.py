"""Celery workers of the local stack, each as if on a machine of its own: its own home, workspace, task logs, log
server port and hostname. The database, the broker, the git remote and the reports directory are what they share
with the other components."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

HOSTNAME_CALLABLE = "waveflow.stack.hostname.worker_hostname"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class CeleryWorker:
    name: str  # the Celery node name, the hostname its task instances report, and its component name in the stack
    root: Path  # its "machine": home, workspace, task logs

    @property
    def workspace(self) -> Path:
        return self.root / "workspace"

    def argv(self, concurrency: int) -> list[str]:
        return ["celery", "worker", "--celery-hostname", self.name, "--concurrency", str(concurrency)]

    def env(self) -> dict[str, str]:
        home = self.root / "home"
        for folder in (home, self.workspace):
            folder.mkdir(parents=True, exist_ok=True)
        return {
            "HOME": str(home),
            "WAVEFLOW_WORKSPACE": str(self.workspace),
            "WAVEFLOW_HOSTNAME": self.name,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": HOSTNAME_CALLABLE,
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.root / "logs"),
            # Airflow's default log server port, 8793, fits one worker per machine; these share one.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
        }


def celery_workers(root: Path, count: int) -> tuple[CeleryWorker, ...]:
    """`count` workers named worker-a, worker-b, ... under `root`."""
    names = [f"worker-{chr(ord('a') + i)}" for i in range(count)]
    return tuple(CeleryWorker(name, root / name) for name in names)
