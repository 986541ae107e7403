"""docker-compose.yaml (CeleryExecutor) and its LocalExecutor variant docker-compose.local.yaml: valid for Debian's
docker-compose (v1), complete, and without a secret in either."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from waveflow.k8s.quota import XCOM_SIDECAR_RESOURCES

COMPOSE = shutil.which("docker-compose")
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="docker-compose (v1) is not installed")
SECRETS = (
    "POSTGRES_PASSWORD",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW_ADMIN_PASSWORD",
    "AIRFLOW_PREFLIGHT_PASSWORD",
)
AIRFLOW_SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")
CELERY_SERVICES = ("airflow-worker", "flower")
LOCAL = "docker-compose.local.yaml"


def env_example(repo_root: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in (repo_root / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {k: v for k, v in pairs}


def compose(
    repo_root: Path, env_file: Path, *args: str, files: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """docker-compose on docker-compose.yaml, then `files` over it."""
    assert COMPOSE is not None
    # Only what the test passes: no variable of the developer's shell may fill in a missing secret.
    clean = {"PATH": os.environ["PATH"], "HOME": str(env_file.parent)}
    chosen = [arg for name in ("docker-compose.yaml", *files) for arg in ("-f", str(repo_root / name))]
    return subprocess.run(
        [COMPOSE, "--env-file", str(env_file), *chosen, *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=env_file.parent,
    )


@pytest.fixture(scope="module")
def filled_env(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    values = env_example(repo_root)
    values.update({name: f"test-{name.lower()}" for name in SECRETS})
    path = tmp_path_factory.mktemp("compose") / "filled.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


@pytest.fixture(scope="module")
def config(repo_root: Path, filled_env: Path) -> dict:
    done = compose(repo_root, filled_env, "config")
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


@pytest.fixture(scope="module")
def local_config(repo_root: Path, filled_env: Path) -> dict:
    done = compose(repo_root, filled_env, "config", files=(LOCAL,))
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


@needs_compose
@pytest.mark.parametrize("files", [(), (LOCAL,)], ids=["celery", "local"])
def test_config_is_valid_with_the_example_env_filled_in(repo_root: Path, filled_env: Path, files: tuple[str, ...]):
    done = compose(repo_root, filled_env, "config", "-q", files=files)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


@needs_compose
@pytest.mark.parametrize("secret", SECRETS)
def test_config_refuses_to_load_while_a_secret_is_missing(
    repo_root: Path, filled_env: Path, tmp_path: Path, secret: str
):
    lines = [line for line in filled_env.read_text().splitlines() if not line.startswith(f"{secret}=")]
    partial = tmp_path / "partial.env"
    partial.write_text("\n".join(lines) + "\n")
    done = compose(repo_root, partial, "config", "-q")
    assert done.returncode != 0
    assert "required, see .env.example" in done.stderr


def command(service: dict) -> list[str]:
    return service["command"].split() if isinstance(service["command"], str) else service["command"]


def active(config: dict) -> set[str]:
    """The services `up` starts when no profile is asked for."""
    return {name for name, service in config["services"].items() if not service.get("profiles")}


def executors(config: dict) -> set[str]:
    return {
        config["services"][s]["environment"]["AIRFLOW__CORE__EXECUTOR"] for s in ("airflow-init", *AIRFLOW_SERVICES)
    }


@needs_compose
def test_the_stack_is_postgres_init_and_the_four_airflow_components_with_health_checks(config: dict):
    services = config["services"]
    assert {"postgres", "airflow-init", *AIRFLOW_SERVICES} <= active(config)
    for name in ("postgres", *AIRFLOW_SERVICES):
        assert services[name]["healthcheck"]["test"], name
    for name in AIRFLOW_SERVICES:
        assert command(services[name]) == [name]
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "airflow-init": {"condition": "service_completed_successfully"},
        }
    assert services["airflow-init"]["entrypoint"] in ("/bin/bash", ["/bin/bash"])
    assert services["airflow-init"]["command"] in (
        "/opt/airflow/include/airflow/init.sh",
        ["/opt/airflow/include/airflow/init.sh"],
    )


@needs_compose
def test_celery_as_airflows_own_compose_runs_it(config: dict):
    """Redis as broker, the metadata database as result backend, `airflow celery worker` services waiting for both,
    Flower only under its profile."""
    services = config["services"]
    assert active(config) == {"postgres", "redis", "airflow-init", "airflow-worker", *AIRFLOW_SERVICES}
    assert services["flower"]["profiles"] == ["flower"] and command(services["flower"]) == ["celery", "flower"]
    assert executors(config) == {"CeleryExecutor"}
    worker = services["airflow-worker"]
    assert command(worker) == ["celery", "worker"]
    assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "airflow-init": {"condition": "service_completed_successfully"},
    }
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for name in ("airflow-init", "airflow-worker", "flower", *AIRFLOW_SERVICES):
        env = services[name]["environment"]
        assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0", name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == (
            "db+postgresql://airflow:test-postgres_password@postgres:5432/airflow"
        ), name


@needs_compose
def test_the_local_variant_runs_tasks_in_the_scheduler_without_broker_or_workers(local_config: dict):
    assert active(local_config) == {"postgres", "airflow-init", *AIRFLOW_SERVICES}
    assert executors(local_config) == {"LocalExecutor"}


def mounts(config: dict, service: str) -> dict[str, str]:
    out = {}
    for v in config["services"][service].get("volumes", []):
        target = v["target"] if isinstance(v, dict) else v.split(":")[1]
        source = v.get("source", "") if isinstance(v, dict) else v.split(":")[0]
        out[target] = source
    return out


@needs_compose
@pytest.mark.parametrize(
    ("variant", "task_runner"), [("config", "airflow-worker"), ("local_config", "scheduler")], ids=["celery", "local"]
)
def test_project_folders_are_mounted_and_only_the_cluster_clients_get_the_kubeconfig(
    request: pytest.FixtureRequest, repo_root: Path, variant: str, task_runner: str
):
    config = request.getfixturevalue(variant)
    for service in ("airflow-init", *AIRFLOW_SERVICES):
        m = mounts(config, service)
        for folder in ("dags", "plugins", "include"):
            assert m[f"/opt/airflow/{folder}"] == str(repo_root / folder), service
    kube = "/home/airflow/.kube/config"
    # Whoever runs the effort tasks starts their pods; the triggerer follows them while they are deferred.
    assert {s for s in active(config) if kube in mounts(config, s)} == {task_runner, "triggerer"}


@needs_compose
def test_every_component_shares_one_reports_storage(config: dict):
    """Reports, status events and transcripts are written by the workers and read by the api-server and triggerer."""
    users = ("airflow-worker", "flower", *AIRFLOW_SERVICES)
    assert {config["services"][s]["environment"]["WAVEFLOW_REPORTS_URL"] for s in users} == {
        "file:///opt/airflow/reports"
    }
    assert {mounts(config, s)["/opt/airflow/reports"] for s in users} == {"waveflow-reports"}


@needs_compose
def test_kubernetes_connection_is_read_by_the_provider_with_the_sidecar_size_the_quota_expects(
    config: dict, monkeypatch
):
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    env = config["services"]["scheduler"]["environment"]
    monkeypatch.setenv("AIRFLOW_CONN_KUBERNETES_DEFAULT", env["AIRFLOW_CONN_KUBERNETES_DEFAULT"])
    hook = KubernetesHook()
    assert hook.get_xcom_sidecar_container_resources() == XCOM_SIDECAR_RESOURCES
    assert hook._get_field("kube_config_path") == "/home/airflow/.kube/config"


@needs_compose
def test_components_share_the_secrets_and_plans_folder(config: dict, filled_env: Path):
    envs = [config["services"][s]["environment"] for s in ("airflow-init", *AIRFLOW_SERVICES)]
    for name in ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"):
        assert {e[name] for e in envs} == {f"test-{name.lower()}"}
    assert {e["WAVEFLOW_PLANS_DIR"] for e in envs} == {"/opt/airflow/include/plans"}
    assert {e["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] for e in envs} == {"http://api-server:8080/execution/"}
    # Every component can read pools as the read-only preflight user, whose password the init service writes; the UI
    # password reaches the init service only.
    (api,) = {e["AIRFLOW_CONN_WAVEFLOW_API"] for e in envs}
    assert json.loads(api) == {
        "conn_type": "http",
        "host": "http://api-server:8080",
        "login": "preflight",
        "password": "test-airflow_preflight_password",
    }
    init = config["services"]["airflow-init"]["environment"]
    assert init["AIRFLOW_PREFLIGHT_PASSWORD"] == "test-airflow_preflight_password"
    assert [
        s for s, svc in config["services"].items() if "AIRFLOW_ADMIN_PASSWORD" in (svc.get("environment") or {})
    ] == ["airflow-init"]


def used_variables(text: str) -> set[str]:
    return set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))  # `$${X}` is the container's own variable


def test_the_local_variant_holds_no_secret_and_every_variable_is_in_env_example(repo_root: Path):
    text = (repo_root / LOCAL).read_text()
    assert used_variables(text) <= set(env_example(repo_root))
    assert not [secret for secret in SECRETS if secret in text]


def test_the_file_holds_no_secret_value_and_every_variable_is_in_env_example(repo_root: Path):
    text = (repo_root / "docker-compose.yaml").read_text()
    example = env_example(repo_root)
    used = used_variables(text)
    assert used <= set(example), sorted(used - set(example))
    for secret in SECRETS:
        # Only ever an interpolation that fails when unset: no literal, no default.
        uses = re.findall(rf"\$\{{{secret}(.)", text)
        assert uses and set(uses) == {":"}, secret
        assert f"${{{secret}:?" in text and f"${{{secret}:-" not in text, secret
        assert example[secret] == "", ".env.example must not ship a secret"


def test_init_script_creates_the_login_and_the_pools(repo_root: Path):
    text = (repo_root / "include" / "airflow" / "init.sh").read_text()
    assert text.index("airflow db migrate") < text.index("airflow pools import")
    assert json.dumps("pools.py")[1:-1] in text
