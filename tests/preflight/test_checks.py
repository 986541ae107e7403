from __future__ import annotations

import pytest
from preflight_git import commit, git

from waveflow.airflow.preflight_tasks import find_plan
from waveflow.landing import check as landing_check
from waveflow.plan.load import read_plan
from waveflow.preflight.git_checks import base_ref, previous_phase
from waveflow.preflight.plan_checks import PoolReading, agents, image_and_secret, isolation


@pytest.fixture
def phase10(repo_root):
    return read_plan(repo_root / "include/plans/phase10.yaml")


def test_base_ref_reports_the_head_the_run_uses(remote):
    bare, head, _ = remote
    result = base_ref(str(bare), "main")
    assert result.ok and result.detail["head"] == head and head[:12] in result.message


def test_base_ref_missing_or_unreachable(remote, tmp_path):
    bare, _, _ = remote
    missing = base_ref(str(bare), "release-9")
    assert not missing.ok and "'release-9' does not exist" in missing.message
    gone = base_ref(str(tmp_path / "nowhere.git"), "main")
    assert not gone.ok and "cannot reach" in gone.message
    assert not base_ref(None, "main").ok
    secret = base_ref("https://bob:s3cret@127.0.0.1:9/repo.git", "main")
    assert not secret.ok and "s3cret" not in secret.message and "***@127.0.0.1" in secret.message


def test_agents_fit_the_pool(phase10):
    pool = "waveflow-phase10"
    fits = agents(phase10, PoolReading(pool, slots=4), False)
    assert fits.ok and fits.message == "5 efforts assigned; 4 agents fit pool waveflow-phase10 (4 slots)"
    fix = '`airflow pools set waveflow-phase10 4 "efforts of phase10 at once" --include-deferred`'
    short = agents(phase10, PoolReading(pool, slots=3), False)
    assert not short.ok
    assert short.message == (
        f"the plan runs 4 agents at once but pool waveflow-phase10 has 3 slots; resize it with {fix} "
        "or lower max_parallel_agents"
    )
    missing = agents(phase10, PoolReading(pool), False)
    assert not missing.ok
    assert missing.message == f"pool waveflow-phase10 does not exist, so no effort would start; create it with {fix}"
    broken = agents(phase10, PoolReading(pool, error="no answer"), False)
    assert not broken.ok and broken.message == "cannot read pool waveflow-phase10: no answer"
    skipped = agents(phase10, PoolReading(pool, skipped="no connection"), False)
    assert skipped.ok and skipped.message.endswith("pool waveflow-phase10 not checked: no connection")
    blind = PoolReading(pool, slots=4, include_deferred=False)
    assert agents(phase10, blind, False).ok  # local efforts are never deferred
    pods = agents(phase10, blind, True)
    assert not pods.ok
    assert pods.message == (
        "pool waveflow-phase10 does not count deferred tasks, so every effort of a wave would start at once; "
        f"fix it with {fix}"
    )
    phase10.efforts[2].agent = None
    assert "efforts without an agent: 10.2.2" in agents(phase10, PoolReading(pool, slots=8), False).message


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


def branch_status(repo: str, branch: str, base: str):
    return landing_check(repo, [branch], base).statuses[0]


@pytest.fixture
def phase9(tmp_path, monkeypatch):
    """A previous phase of two efforts, found among the plans beside phase 10 as the preflight task finds it."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "phase9.yaml").write_text(
        "name: phase9\nwaves: [{number: 1}]\nefforts:\n"
        "  - {id: '9.1.1', name: Store, wave: 1, branch: feature/p9-store, agent: A}\n"
        "  - {id: '9.1.2', name: Protocol, wave: 1, branch: feature/p9-protocol, agent: B}\n"
    )
    (plans / "broken.yaml").write_text("name: [not a plan\n")
    monkeypatch.setenv("WAVEFLOW_PLANS_DIR", str(plans))
    return find_plan("phase9")


def push_branch(work, branch: str, merge: bool) -> None:
    git("checkout", "-q", "-b", branch, "main", cwd=work)
    commit(work, branch.replace("/", "-"))
    git("push", "-q", "origin", branch, cwd=work)
    git("checkout", "-q", "main", cwd=work)
    if merge:
        git("-c", "user.name=t", "-c", "user.email=t@e", "merge", "-q", "--no-edit", branch, cwd=work)
        git("push", "-q", "origin", "main", cwd=work)


def test_previous_phase_merged(remote, phase9):
    bare, _, work = remote
    push_branch(work, "feature/p9-store", merge=True)
    push_branch(work, "feature/p9-protocol", merge=True)
    result = previous_phase(phase9, "phase9", str(bare), "main", branch_status)
    assert result.ok and result.message == "all 2 branches of phase9 are merged into main"


def test_previous_phase_unmerged_or_missing_branches_are_named(remote, phase9):
    bare, _, work = remote
    push_branch(work, "feature/p9-store", merge=False)
    result = previous_phase(phase9, "phase9", str(bare), "main", branch_status)
    assert not result.ok
    assert result.message == (
        "phase9: not merged into main: feature/p9-store, feature/p9-protocol (not on the remote); merge those first"
    )


def test_previous_phase_without_a_previous_plan(remote, phase9):
    bare, _, _ = remote
    assert previous_phase(None, None, str(bare), "main", branch_status).ok
    assert find_plan("phase8") is None
    unknown = previous_phase(None, "phase8", str(bare), "main", branch_status)
    assert not unknown.ok and unknown.message == "plan 'phase8' (named in `follows`) was not found"
    no_repo = previous_phase(phase9, "phase9", None, "main", branch_status)
    assert not no_repo.ok and "no repository" in no_repo.message
