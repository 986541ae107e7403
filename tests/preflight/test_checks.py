from __future__ import annotations

import subprocess

import pytest

from waveflow.plan.load import read_plan
from waveflow.preflight.git_checks import base_ref
from waveflow.preflight.plan_checks import agents, image_and_secret, isolation


def git(*args: str, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def remote(tmp_path):
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    work = tmp_path / "work"
    git("clone", "-q", str(bare), str(work))
    (work / "README").write_text("x\n")
    git("add", "README", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    return bare, git("rev-parse", "HEAD", cwd=work)


@pytest.fixture
def phase10(repo_root):
    return read_plan(repo_root / "include/plans/phase10.yaml")


def test_base_ref_reports_the_head_the_run_uses(remote):
    bare, head = remote
    result = base_ref(str(bare), "main")
    assert result.ok and result.detail["head"] == head and head[:12] in result.message


def test_base_ref_missing_or_unreachable(remote, tmp_path):
    bare, _ = remote
    missing = base_ref(str(bare), "release-9")
    assert not missing.ok and "'release-9' does not exist" in missing.message
    gone = base_ref(str(tmp_path / "nowhere.git"), "main")
    assert not gone.ok and "cannot reach" in gone.message
    assert not base_ref(None, "main").ok
    secret = base_ref("https://bob:s3cret@127.0.0.1:9/repo.git", "main")
    assert not secret.ok and "s3cret" not in secret.message and "***@127.0.0.1" in secret.message


def test_agents_fit_the_pool(phase10):
    assert agents(phase10, 4).ok
    short = agents(phase10, 2)
    assert not short.ok and "raise the `waveflow` pool to 4 slots" in short.message
    phase10.efforts[2].agent = None
    assert "efforts without an agent: 10.2.2" in agents(phase10, 8).message


def test_isolation_inside_a_wave(phase10):
    assert isolation(phase10).ok
    phase10.efforts[3].namespace = phase10.efforts[1].namespace
    phase10.efforts[4].ports = phase10.efforts[3].ports
    result = isolation(phase10)
    assert not result.ok
    assert "namespace integration-tests shared by 10.2.1 and 10.2.3" in result.message
    assert "ports of 10.2.3 and 10.2.4 overlap" in result.message


def test_image_and_secret(phase10):
    assert image_and_secret(phase10, None, "local").ok
    assert image_and_secret(phase10, "registry/runner:1", "kubernetes").ok
    phase10.git_secret = ""
    phase10.defaults.image = ""
    result = image_and_secret(phase10, None, "kubernetes")
    assert not result.ok and "no effort image" in result.message and "no git credentials Secret" in result.message
