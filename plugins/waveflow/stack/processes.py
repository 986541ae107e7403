"""Start and stop Airflow's components as separate processes, each in its own process group.

Stopping sends SIGTERM to the whole group (the scheduler's LocalExecutor workers, a Celery worker's pool, the
api-server's workers, task subprocesses), waits, then SIGKILLs what is left, so nothing outlives the stack.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .settings import StackSettings

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")


def airflow_bin() -> str:
    beside = Path(sys.executable).with_name("airflow")
    return str(beside) if beside.exists() else (shutil.which("airflow") or "airflow")


@dataclass
class Stack:
    settings: StackSettings
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def logs(self) -> Path:
        return self.settings.home / "component-logs"

    def env(self) -> dict[str, str]:
        return {**os.environ, **self.settings.env()}

    def airflow(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([airflow_bin(), *args], env=self.env(), capture_output=True, text=True)
        if check and done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
            raise RuntimeError(f"airflow {' '.join(args)} exited {done.returncode}:\n{tail}")
        return done

    def migrate(self) -> None:
        self.airflow("db", "migrate")

    def start(self, components: tuple[str, ...] = COMPONENTS) -> None:
        """The components named, then the CeleryExecutor's workers (none with the LocalExecutor)."""
        self.logs.mkdir(parents=True, exist_ok=True)
        for name in (*components, *(worker.name for worker in self.settings.celery_workers)):
            self.start_one(name)

    def start_one(self, name: str) -> None:
        """A component (`scheduler`, ...) or a Celery worker by its name."""
        worker = next((w for w in self.settings.celery_workers if w.name == name), None)
        argv = worker.argv(self.settings.worker_concurrency) if worker else [name]
        env = {**self.env(), **worker.env()} if worker else self.env()
        log = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            [airflow_bin(), *argv], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _workers_ready(self) -> bool:
        # Celery logs this line once the worker consumes from the broker: a task queued before it waits for it.
        return all(
            f"{w.name} ready.".encode() in (self.logs / f"{w.name}.log").read_bytes()
            for w in self.settings.celery_workers
        )

    def wait_healthy(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.settings.base_url}/api/v2/monitor/health"
        # The execution API, which task workers call, is built on its first request: 3-4 s here. Asking it first
        # keeps that wait out of the first run's first tasks, which would otherwise queue behind it.
        execution = f"{self.settings.base_url}/execution/health"
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.logs / (name + '.log')}")
            try:
                if (
                    httpx.get(url, timeout=5).status_code == 200
                    and httpx.get(execution, timeout=60).status_code == 200
                    and self._workers_ready()
                ):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise TimeoutError(f"the api-server on {url} or a Celery worker was not ready within {timeout:.0f} s")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self, grace: float = 20) -> None:
        for proc in self.procs.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.procs.values():
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        self.procs.clear()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
