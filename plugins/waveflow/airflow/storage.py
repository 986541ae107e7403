"""The runs' shared storage: reports, status events and agent transcripts, where every worker, the triggerer and the
api-server can read them.

WAVEFLOW_REPORTS_URL names it as any URL Airflow's ObjectStoragePath takes (`file:///srv/shared/waveflow` on a mount
every machine shares, `s3://bucket/waveflow`, `gs://bucket/waveflow`), and WAVEFLOW_REPORTS_CONN_ID the Airflow
connection that holds its credentials. Without the URL it is the local reports directory (WAVEFLOW_REPORTS_DIR), which
only the machine that wrote it sees: right for the LocalExecutor, wrong for workers on several machines.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from airflow.sdk.exceptions import AirflowFailException

from .paths import reports_dir

URL_VARIABLE, CONN_VARIABLE = "WAVEFLOW_REPORTS_URL", "WAVEFLOW_REPORTS_CONN_ID"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
_PROVIDERS = {"s3": "apache-airflow-providers-amazon", "gs": "apache-airflow-providers-google",
              "gcs": "apache-airflow-providers-google"}  # fmt: skip


class StorageError(AirflowFailException):
    """The storage URL cannot be used; the message says why and what to set. A task it stops fails at once: a retry
    would find the same setting."""


def storage_root() -> Any:
    """The storage root: an ObjectStoragePath when WAVEFLOW_REPORTS_URL is set, else the local reports directory."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        return reports_dir()
    return object_root(url, os.environ.get(CONN_VARIABLE, "").strip() or None)


def object_root(url: str, conn_id: str | None = None) -> Any:
    scheme, sep, rest = url.partition("://")
    example = "file:///srv/shared/waveflow or s3://bucket/waveflow"
    if not sep or not _SCHEME.match(scheme) or not rest.strip("/"):
        raise StorageError(f"{URL_VARIABLE}={url!r} is not a storage URL: give one like {example}")
    if scheme == "file" and not rest.startswith("/"):
        raise StorageError(f"{URL_VARIABLE}={url!r}: a file URL needs an absolute path (three slashes: file:///...)")
    from airflow.sdk import ObjectStoragePath

    try:
        root = ObjectStoragePath(url, conn_id=conn_id)
        # The filesystem Airflow attaches for the scheme, set up with the connection: a scheme no installed provider
        # serves (and whatever the provider refuses while setting up) is found here rather than at the first write.
        root.fs  # noqa: B018
    except Exception as exc:  # fsspec, the providers and the secrets backends each raise their own kinds
        provider = _PROVIDERS.get(scheme)
        hint = f" (install {provider} on every Airflow component)" if provider else ""
        where = f" with connection {conn_id!r}" if conn_id else ""
        raise StorageError(f"{URL_VARIABLE}={url!r}{where} cannot be used: {exc}{hint}") from None
    return root


def is_local(root: Any) -> bool:
    """A directory of this machine (no WAVEFLOW_REPORTS_URL), as opposed to storage every machine shares."""
    return isinstance(root, Path)


def run_root(dag_id: str, run_id: str) -> Any:
    """Where one run's report, status and transcripts go."""
    return storage_root() / dag_id / run_id


def location(path: Any) -> str:
    """Where `path` is, for people and reports: a local path, or its URL without the connection id that Airflow puts
    in it (`s3://aws_default@bucket/...`): the connection is this deployment's setting, not part of the place."""
    scheme, sep, rest = str(path).partition("://")
    if not sep:
        return scheme
    netloc, slash, tail = rest.partition("/")
    return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{tail}"


def name_part(text: str) -> str:
    """`text` fit to be part of one object name on any store: no separators, nothing a URL would need to escape."""
    return _NOT_NAME.sub("-", text).strip(".")[:120] or "-"
