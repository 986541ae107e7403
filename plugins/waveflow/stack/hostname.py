"""The name a Celery worker's task instances report as their hostname (Airflow's `[core] hostname_callable`).

Two workers started on one machine stand for two machines: each names itself through WAVEFLOW_HOSTNAME, so the task
instances show which of them ran a task. Without it, the machine's own name, as Airflow's default gives.
"""

from __future__ import annotations

import os
import socket


def worker_hostname() -> str:
    return os.environ.get("WAVEFLOW_HOSTNAME") or socket.getfqdn()
