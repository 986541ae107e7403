"""The two images, read as Docker reads their Dockerfiles (no Docker engine here to build them)."""

from __future__ import annotations

import json
import re
import shlex
from importlib.metadata import version
from pathlib import Path

import pytest


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, f"{path}: dangling line continuation"
    out = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        out.append((keyword.upper(), args.strip()))
    return out


def args_of(steps: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for kw, args in steps if kw == keyword]


@pytest.fixture(scope="module")
def runner(repo_root: Path) -> list[tuple[str, str]]:
    return instructions(repo_root / "include" / "runner" / "Dockerfile")


@pytest.fixture(scope="module")
def airflow_image(repo_root: Path) -> list[tuple[str, str]]:
    return instructions(repo_root / "include" / "airflow" / "Dockerfile")


def test_runner_base_is_a_pinned_python_patch_release_on_a_named_debian(runner):
    (base,) = args_of(runner, "FROM")
    assert re.fullmatch(r"python:3\.11\.\d+-slim-(bookworm|trixie)", base), base


def test_runner_runs_as_the_non_root_user_effort_pods_expect(runner):
    pod_security = pytest.importorskip("waveflow.airflow.pod_security")
    users = args_of(runner, "USER")
    assert users, "no USER: the image would run as root"
    uid, _, gid = users[-1].partition(":")
    # Numeric, so the kubelet can check runAsNonRoot without reading /etc/passwd.
    assert uid.isdigit() and int(uid) != 0
    assert (int(uid), int(gid)) == (pod_security.RUNNER_UID, pod_security.RUNNER_GID)
    # Nothing after USER switches back.
    assert [kw for kw, _ in runner].index("USER") > max(i for i, (kw, _) in enumerate(runner) if kw == "RUN")


def test_runner_entrypoint_is_the_effort_runner(runner):
    (entrypoint,) = args_of(runner, "ENTRYPOINT")
    assert json.loads(entrypoint) == ["waveflow", "run-effort"]


def test_runner_has_git_and_make_and_installs_the_package_without_airflow(runner):
    run = " ".join(args_of(runner, "RUN"))
    install = re.search(r"apt-get install ([^&]+)", run)
    assert install is not None
    assert {"git", "make"} <= set(shlex.split(install.group(1)))
    assert "pip install --no-cache-dir --no-deps ." in run
    assert "--constraint requirements.txt" in run, "the runner's dependencies at the project's pinned versions"
    assert "apache-airflow" not in run


def test_airflow_image_is_the_official_one_at_the_version_the_project_pins(airflow_image):
    args = dict(a.split("=", 1) for a in args_of(airflow_image, "ARG") if "=" in a)
    assert args["AIRFLOW_VERSION"] == version("apache-airflow")
    assert args_of(airflow_image, "FROM") == ["apache/airflow:${AIRFLOW_VERSION}"]
    assert any('"apache-airflow==${AIRFLOW_VERSION}" /opt/waveflow' in r for r in args_of(airflow_image, "RUN"))


@pytest.mark.parametrize("dockerfile", ["include/runner/Dockerfile", "include/airflow/Dockerfile"])
def test_every_copied_path_exists_in_the_build_context(repo_root: Path, dockerfile: str):
    copies = args_of(instructions(repo_root / dockerfile), "COPY")
    assert copies
    for args in copies:
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        for source in parts[:-1]:
            assert (repo_root / source).exists(), f"{dockerfile}: COPY {source}: not in the repository root"
