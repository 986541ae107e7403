"""An object store that is no directory anywhere: fsspec's in-memory filesystem, attached to Airflow's ObjectStoragePath
the documented way (`attach`). Code that passes on it does not lean on local file paths."""

from __future__ import annotations

import uuid
from typing import Any


def memory_root() -> Any:
    """A fresh `memory://` root (the in-memory filesystem is one per process: each root gets a name of its own)."""
    from airflow.sdk import ObjectStoragePath
    from airflow.sdk.io import attach
    from fsspec.implementations.memory import MemoryFileSystem

    attach(protocol="memory", fs=MemoryFileSystem())
    return ObjectStoragePath(f"memory://waveflow-{uuid.uuid4().hex[:8]}/runs")
