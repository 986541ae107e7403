"""Every rendered manifest is valid for a current Kubernetes, strictly (no unknown field), and the shipped phase 10
manifests are exactly what the renderer makes of the shipped plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from packaging.version import Version

from waveflow.k8s.render import render

KUBERNETES_VERSION = "1.37.0"


def validate_all(docs: list[dict]) -> None:
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_knows_this_kubernetes_version_and_catches_an_unknown_field(phase10):
    assert Version(kubernetes_validate.latest_version()) >= Version(KUBERNETES_VERSION)
    namespace = render(phase10)["e2e-framework"][0]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate({**namespace, "spec": {"bogus": 1}}, KUBERNETES_VERSION, strict=True)


def test_phase10_manifests_are_valid(phase10):
    for docs in render(phase10).values():
        validate_all(docs)


def test_shared_namespace_and_named_git_remote_manifests_are_valid(plan_from, shared_plan_yaml):
    from waveflow.k8s.render import ClusterOptions

    options = ClusterOptions(git_ports=(22,), git_cidrs=("10.0.0.0/8", "fd00::/8"))
    for docs in render(plan_from(shared_plan_yaml), options).values():
        validate_all(docs)


def test_shipped_manifests_are_valid_and_in_sync_with_the_renderer(repo_root: Path, tmp_path: Path):
    shipped = repo_root / "include" / "k8s" / "phase10"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "waveflow.cli",
            "k8s",
            str(repo_root / "include/plans/phase10.yaml"),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.yaml")}
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in shipped.glob("*.yaml")}
    assert sorted(on_disk) == sorted(fresh)
    for name, text in fresh.items():
        assert on_disk[name] == text, (
            f"include/k8s/phase10/{name} is stale: rerun `waveflow k8s include/plans/phase10.yaml --out include/k8s/phase10`"
        )
        validate_all(list(yaml.safe_load_all(text)))
