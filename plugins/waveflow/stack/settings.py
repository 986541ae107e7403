"""The environment every component of one local Airflow shares (home, database, folders, secrets, ports)."""

from __future__ import annotations

import configparser
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from ..airflow.paths import PROJECT_ROOT
from .celery_workers import CeleryWorker

EXECUTORS = ("LocalExecutor", "CeleryExecutor")
ADMIN = "admin"
# A read-only login the preflight `agents` check reads the plan's pool with; the admin's stays out of task environments.
PREFLIGHT = "preflight"


@dataclass
class StackSettings:
    home: Path
    port: int = 8080
    database_url: str = ""  # empty: SQLite in the home
    parallelism: int = 4
    dags_folder: Path = PROJECT_ROOT / "dags"
    extra_env: dict[str, str] = field(default_factory=dict)
    executor: str = "LocalExecutor"
    # CeleryExecutor only: the Redis broker, the workers the stack starts, and each one's task slots.
    broker_url: str = ""
    celery_workers: tuple[CeleryWorker, ...] = ()
    worker_concurrency: int = 2

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ValueError(f"executor {self.executor!r}: one of {', '.join(EXECUTORS)}")
        if self.executor == "CeleryExecutor" and not (self.database_url and self.broker_url and self.celery_workers):
            # Celery's workers are other processes (other machines): they need a database server, not a SQLite file.
            raise ValueError("the CeleryExecutor needs a database_url (Postgres), a broker_url (Redis) and workers")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def passwords_file(self) -> Path:
        return self.home / "passwords.json"

    def admin_password(self) -> str:
        """The UI login, made once per home and kept (a second `make run` logs in the same way)."""
        return self._password(ADMIN)

    def preflight_password(self) -> str:
        return self._password(PREFLIGHT)

    def _password(self, user: str) -> str:
        passwords = {}
        if self.passwords_file.exists():
            passwords = json.loads(self.passwords_file.read_text(encoding="utf-8"))
        if user not in passwords:
            self.home.mkdir(parents=True, exist_ok=True)
            passwords[user] = secrets.token_urlsafe(12)
            self.passwords_file.write_text(json.dumps(passwords), encoding="utf-8")
            self.passwords_file.chmod(0o600)
        return str(passwords[user])

    def _first_fernet_key(self) -> str:
        """A home made before the key was kept beside it may have Airflow's own in airflow.cfg: keep that one, so what
        it encrypted stays readable."""
        config = configparser.ConfigParser(interpolation=None)
        config.read(self.home / "airflow.cfg")
        return config.get("core", "fernet_key", fallback="").strip() or Fernet.generate_key().decode()

    def _secret(self, name: str, make: Callable[[], str] = lambda: secrets.token_urlsafe(32)) -> str:
        path = self.home / f".{name}"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(make(), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8")

    def env(self) -> dict[str, str]:
        self.admin_password()
        database = self.database_url or f"sqlite:///{self.home / 'airflow.db'}"
        env = {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": self.executor,
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin,{PREFLIGHT}:viewer",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": self._secret("jwt_secret"),
            "AIRFLOW__API__SECRET_KEY": self._secret("secret_key"),
            # One key for every component: what the scheduler encrypts (a deadline's callback trigger, connections)
            # the triggerer and the API server must decrypt.
            "AIRFLOW__CORE__FERNET_KEY": self._secret("fernet_key", make=self._first_fernet_key),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            # An idle scheduler looks again after this long (default 1 s): each step of a run (preflight, wave, sensor,
            # next wave, gates, report) waits for that look, so a shorter sleep takes seconds off every run.
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.25",
            # A task's supervisor can miss its process's exit and notice it only when it wakes to heartbeat (every 5 s
            # by default), holding the executor slot meanwhile: the next queued effort or gate waited that long.
            "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "WAVEFLOW_UI_BASE_URL": self.base_url,
            "AIRFLOW_CONN_WAVEFLOW_API": json.dumps(
                {"conn_type": "http", "host": self.base_url, "login": PREFLIGHT, "password": self.preflight_password()}
            ),
        }
        if self.executor == "CeleryExecutor":
            env |= {
                "AIRFLOW__CELERY__BROKER_URL": self.broker_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{database}",
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.worker_concurrency),
            }
        env.update(self.extra_env)
        return env
