"""One Airflow pool per plan, as the compose init service and the Helm migration job create them."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def pools_module(repo_root: Path):
    spec = importlib.util.spec_from_file_location("waveflow_pools", repo_root / "include" / "airflow" / "pools.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_pool_per_valid_plan_named_as_the_factory_names_it(pools_module, repo_root: Path, tmp_path: Path, capsys):
    from waveflow.airflow.pool import pool_name
    from waveflow.plan.load import read_plan

    shutil.copy(repo_root / "include" / "plans" / "phase10.yaml", tmp_path / "phase10.yaml")
    (tmp_path / "broken.yaml").write_text("name: broken\nwaves: [{number: 1}]\nefforts: []\n")

    pools = pools_module.pools(tmp_path)

    plan = read_plan(tmp_path / "phase10.yaml")
    assert pools == {
        pool_name(plan): {
            "slots": 4,
            "description": "waveflow plan phase10: efforts running at once",
            # deferred KPO tasks hold their slot while the pod runs
            "include_deferred": True,
        }
    }
    err = capsys.readouterr().err
    assert "broken.yaml" in err and "no pool for broken.yaml" in err


def test_a_plan_without_max_parallel_agents_gets_its_widest_wave(pools_module, repo_root: Path, tmp_path: Path):
    text = (repo_root / "include" / "plans" / "phase10.yaml").read_text().replace("max_parallel_agents: 4\n", "")
    (tmp_path / "p.yaml").write_text(text)
    assert pools_module.pools(tmp_path)["waveflow-phase10"]["slots"] == 4  # wave 2 has four efforts


def test_usage_error_without_a_plans_folder(pools_module, tmp_path: Path):
    assert pools_module.main([str(tmp_path / "nowhere")]) == 2


@pytest.mark.slow
def test_init_script_migrates_writes_the_login_and_imports_the_pools(repo_root: Path, tmp_path: Path):
    """The compose init service's script, run for real against a fresh SQLite metadata database."""
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp_path / "passwords.json"),
        "AIRFLOW_ADMIN_USER": "lead",
        "AIRFLOW_ADMIN_PASSWORD": "not-a-real-password",
        "AIRFLOW_PREFLIGHT_PASSWORD": "not-a-real-one-either",
        "WAVEFLOW_PLANS_DIR": str(repo_root / "include" / "plans"),
    }
    subprocess.run(["bash", str(repo_root / "include/airflow/init.sh")], env=env, check=True, capture_output=True)

    assert json.loads((tmp_path / "passwords.json").read_text()) == {
        "lead": "not-a-real-password",
        "preflight": "not-a-real-one-either",
    }
    assert (tmp_path / "passwords.json").stat().st_mode & 0o077 == 0
    out = subprocess.run(
        ["airflow", "pools", "get", "waveflow-phase10", "-o", "json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (pool,) = json.loads(out)
    assert (pool["slots"], pool["include_deferred"]) == ("4", "True")
