"""The envelope every namespaced object shares: apiVersion, kind, metadata."""

from __future__ import annotations

from typing import Any


def namespaced(api_version: str, kind: str, name: str, namespace: str, labels: dict[str, str], **body: Any) -> dict:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        **body,
    }
