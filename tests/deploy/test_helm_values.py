"""include/helm/values.yaml for the official Apache Airflow chart, and include/helm/values-celery.yaml over it.

The chart rejects unknown keys (its values.schema.json sets additionalProperties: false almost everywhere), so every
key path used here must be one the schema declares. CHART_KEYS lists the ones checked against the chart's
values.schema.json (apache/airflow, chart/); `config` and list items (`env`) are free-form or item-typed there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from waveflow.k8s.quota import XCOM_SIDECAR_RESOURCES

CHART_KEYS = {
    "images",
    "images.airflow",
    "images.airflow.repository",
    "images.airflow.tag",
    "images.airflow.pullPolicy",
    "airflowVersion",
    "defaultAirflowTag",
    "executor",
    "dags",
    "dags.persistence",
    "dags.persistence.enabled",
    "dags.gitSync",
    "dags.gitSync.enabled",
    "dags.gitSync.repo",
    "dags.gitSync.ref",
    "dags.gitSync.subPath",
    "dags.gitSync.depth",
    "dags.gitSync.period",
    "dags.gitSync.credentialsSecret",
    "env",
    "extraEnv",
    "migrateDatabaseJob",
    "migrateDatabaseJob.args",
    "config",
    # The chart's Celery worker settings live under workers.celery since it split them from the KubernetesExecutor's
    # (workers.kubernetes); the older workers.replicas is deprecated there.
    "workers",
    "workers.celery",
    "workers.celery.replicas",
    "redis",
    "redis.enabled",
    "flower",
    "flower.enabled",
}
FREE_FORM = {"config"}


def key_paths(node: object, prefix: str = "") -> set[str]:
    if not isinstance(node, dict) or prefix in FREE_FORM:
        return set()
    out = set()
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        out.add(path)
        out |= key_paths(value, path)
    return out


def load(repo_root: Path, name: str) -> dict:
    return yaml.safe_load((repo_root / "include" / "helm" / name).read_text(encoding="utf-8"))


def helm_merge(base: dict, over: dict) -> dict:
    """What Helm makes of `-f base -f over`: maps merged key by key, anything else (lists too) replaced."""
    out = dict(base)
    for key, value in over.items():
        out[key] = helm_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@pytest.fixture(scope="module")
def values(repo_root: Path) -> dict:
    return load(repo_root, "values.yaml")


@pytest.fixture(scope="module")
def celery(repo_root: Path) -> dict:
    return load(repo_root, "values-celery.yaml")


def env(values: dict) -> dict[str, str]:
    return {item["name"]: item["value"] for item in values["env"]}


def test_only_keys_the_chart_declares(values, celery):
    assert key_paths(values) <= CHART_KEYS, sorted(key_paths(values) - CHART_KEYS)
    assert key_paths(celery) <= CHART_KEYS, sorted(key_paths(celery) - CHART_KEYS)


def test_the_celery_variant_over_the_values_keeps_everything_but_the_executor(values, celery):
    merged = helm_merge(values, celery)
    assert (merged["executor"], merged["workers"]["celery"]["replicas"]) == ("CeleryExecutor", 2)
    assert merged["redis"]["enabled"] is True and merged["flower"]["enabled"] is False
    assert merged["config"]["celery"]["worker_concurrency"] == 4
    assert merged["config"]["core"] == values["config"]["core"]
    for key in ("images", "dags", "env", "extraEnv", "migrateDatabaseJob"):
        assert merged[key] == values[key], key


def test_task_pods_and_workers_share_the_reports_storage_setting(values):
    assert {"WAVEFLOW_REPORTS_URL", "WAVEFLOW_REPORTS_CONN_ID"} <= set(env(values))


def test_env_items_have_the_shape_the_chart_requires(values):
    # schema: items {name: string, value: string}, both required, nothing else
    for item in values["env"]:
        assert set(item) == {"name", "value"}
        assert isinstance(item["name"], str) and isinstance(item["value"], str)


def test_kubernetes_executor_on_the_image_this_project_builds(values):
    assert values["executor"] == "KubernetesExecutor"
    assert values["images"]["airflow"]["tag"] == values["airflowVersion"] == values["defaultAirflowTag"] == "3.3.2"


def test_plans_dir_is_where_git_sync_puts_the_repositorys_plans(values):
    sync = values["dags"]["gitSync"]
    assert sync["enabled"] is True and values["dags"]["persistence"]["enabled"] is False
    # git-sync checks out under <dags mountPath, /opt/airflow/dags>/repo; the DAG folder is repo/<subPath>.
    dags_folder = Path("/opt/airflow/dags/repo") / sync["subPath"]
    assert dags_folder.name == "dags"
    assert env(values)["WAVEFLOW_PLANS_DIR"] == str(dags_folder.parent / "include" / "plans")


def test_kubernetes_connection_is_in_cluster_with_the_sidecar_size_the_quota_expects(values, monkeypatch):
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    monkeypatch.setenv("AIRFLOW_CONN_KUBERNETES_DEFAULT", env(values)["AIRFLOW_CONN_KUBERNETES_DEFAULT"])
    hook = KubernetesHook()
    assert hook._get_field("in_cluster") is True
    assert hook.get_xcom_sidecar_container_resources() == XCOM_SIDECAR_RESOURCES


def test_migration_job_creates_the_pools_from_the_plans_the_image_carries(values, repo_root: Path):
    script = " ".join(values["migrateDatabaseJob"]["args"])
    assert script.index("airflow db migrate") < script.index("airflow pools import")
    dockerfile = (repo_root / "include" / "airflow" / "Dockerfile").read_text(encoding="utf-8")
    assert "python /opt/waveflow/pools.py /opt/waveflow/plans" in script
    assert "include/airflow/pools.py /opt/waveflow/pools.py" in dockerfile
    assert "include/plans /opt/waveflow/plans" in dockerfile


def test_the_preflight_api_connection_is_optional(values):
    """Pods must start before anyone has created the Secret: the reference is optional."""
    (item,) = yaml.safe_load(values["extraEnv"])
    ref = item["valueFrom"]["secretKeyRef"]
    assert item["name"] == "AIRFLOW_CONN_WAVEFLOW_API"
    assert (ref["name"], ref["key"], ref["optional"]) == ("waveflow-airflow-api", "connection", True)
