"""docker-compose.yaml: valid for Debian's docker-compose (v1), complete, and without a secret in it."""

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


def env_example(repo_root: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in (repo_root / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {k: v for k, v in pairs}


def compose(repo_root: Path, env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    # Only what the test passes: no variable of the developer's shell may fill in a missing secret.
    clean = {"PATH": os.environ["PATH"], "HOME": str(env_file.parent)}
    return subprocess.run(
        [COMPOSE, "--env-file", str(env_file), "-f", str(repo_root / "docker-compose.yaml"), *args],
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


@needs_compose
def test_config_is_valid_with_the_example_env_filled_in(repo_root: Path, filled_env: Path):
    done = compose(repo_root, filled_env, "config", "-q")
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


@needs_compose
def test_the_stack_is_postgres_init_and_the_four_airflow_components_with_health_checks(config: dict):
    services = config["services"]
    assert set(services) == {"postgres", "airflow-init", *AIRFLOW_SERVICES}
    for name in ("postgres", *AIRFLOW_SERVICES):
        assert services[name]["healthcheck"]["test"], name
    for name in AIRFLOW_SERVICES:
        assert services[name]["command"] == [name] or services[name]["command"] == name
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
def test_project_folders_are_mounted_and_only_the_cluster_clients_get_the_kubeconfig(config: dict, repo_root: Path):
    def mounts(service: str) -> dict[str, str]:
        out = {}
        for v in config["services"][service]["volumes"]:
            target = v["target"] if isinstance(v, dict) else v.split(":")[1]
            source = v.get("source", "") if isinstance(v, dict) else v.split(":")[0]
            out[target] = source
        return out

    for service in ("airflow-init", *AIRFLOW_SERVICES):
        m = mounts(service)
        for folder in ("dags", "plugins", "include"):
            assert m[f"/opt/airflow/{folder}"] == str(repo_root / folder), service
    kube = "/home/airflow/.kube/config"
    assert {s for s in config["services"] if kube in mounts(s)} == {"scheduler", "triggerer"}


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


def test_the_file_holds_no_secret_value_and_every_variable_is_in_env_example(repo_root: Path):
    text = (repo_root / "docker-compose.yaml").read_text()
    example = env_example(repo_root)
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))  # `$${X}` is the container's own variable
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
