"""A wave's integration, as the DAG's `integrate` task runs it: the runner with `integration_inputs` of a plan, in real
git. Sibling branches meet: merged in dependency order, tested together, pushed; a conflict fails naming the file and
both efforts, or the later effort's agent resolves it; a rerun with the same heads does nothing; the next wave starts
from this wave's integration."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import yaml
from gitrepo import Remote, git, py, run_runner

from waveflow.plan.load import read_plan
from waveflow.runner.from_plan import inputs_for, integration_inputs

BOTH = py("import pathlib, sys; sys.exit(0 if all(pathlib.Path(f).exists() for f in ('a.txt', 'b.txt')) else 1)")
# A scripted agent that resolves a conflict in shared.txt by keeping both sides' lines, and checks its brief first.
RESOLVER = """
import os, pathlib, sys
brief = pathlib.Path(os.environ["WAVEFLOW_BRIEF_FILE"]).read_text()
assert "shared.txt" in brief and "Write B" in brief and "Write A" in brief, brief
text = pathlib.Path("shared.txt").read_text()
kept = [ln for ln in text.splitlines() if not ln.startswith(("<<<<<<<", "=======", ">>>>>>>"))]
pathlib.Path("shared.txt").write_text("\\n".join(kept) + "\\n")
"""


def plan_file(tmp_path: Path, remote: Remote, resolve: str = "fail", waves: int = 1, test: list[str] = BOTH) -> Path:
    efforts = [
        {"id": "1.1", "name": "A", "wave": 1, "branch": "feat/a", "brief": "Write A"},
        {"id": "1.2", "name": "B", "wave": 1, "branch": "feat/b", "brief": "Write B", "agent": "resolver"},
    ]
    if waves == 2:
        efforts.append({"id": "2.1", "name": "C", "wave": 2, "branch": "feat/c", "depends_on": ["1.1"]})
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump({
        "name": "integ", "repo": str(remote.bare), "backend": "local",
        "defaults": {"commands": {"test": test}},
        "agents": {"resolver": {"command": [sys.executable, "-c", RESOLVER]}},
        "integration": {"resolve_conflicts": resolve},
        "waves": [{"number": n, "name": f"W{n}"} for n in range(1, waves + 1)],
        "efforts": efforts,
    }))  # fmt: skip
    return path


def integrate(tmp_path: Path, plan_path: Path, wave: int = 1, run: str = "run-1", after_person: bool = False):
    plan = read_plan(plan_path)
    inputs = integration_inputs(
        plan, wave, repo=plan.repo or "", base_ref="main", run_id=run, after_person=after_person
    )
    return run_runner(dataclasses.replace(inputs, workspace=str(tmp_path / "ws"), result_path=str(tmp_path / "r.json")))


def test_the_waves_branches_meet_are_tested_together_and_the_phase_branch_follows(remote, tmp_path):
    a = remote.commit("feat/a", {"a.txt": "a\n"}, "Add a")
    b = remote.commit("feat/b", {"b.txt": "b\n"}, "Add b")
    out = integrate(tmp_path, plan_file(tmp_path, remote))
    assert out.code == 0 and out.result and out.result.status == "succeeded", out.stderr[-3000:]
    r = out.result
    assert [(m.effort, m.branch, m.commit) for m in r.merged] == [("1.1", "feat/a", a), ("1.2", "feat/b", b)]
    assert (r.metrics.tests_failed, r.published, r.conflicts) == (None, "waveflow/integ/integration", [])
    head = remote.head("waveflow/integ/integration-wave-1")
    assert head == r.head == remote.head("waveflow/integ/integration")
    # Merge commits, never a fast-forward: the integration head is no effort's head, whose note records the effort.
    assert head not in (a, b)
    contains = git("--git-dir", str(remote.bare), "branch", "--contains", a).split()
    assert "waveflow/integ/integration" in contains

    again = integrate(tmp_path, plan_file(tmp_path, remote), run="run-2")
    assert again.code == 0 and again.result and again.result.memoized
    assert remote.head("waveflow/integ/integration-wave-1") == head


def test_a_conflict_fails_naming_the_file_and_both_efforts(remote, tmp_path):
    remote.commit("feat/a", {"a.txt": "a\n", "shared.txt": "from a\n"})
    remote.commit("feat/b", {"b.txt": "b\n", "shared.txt": "from b\n"})
    out = integrate(tmp_path, plan_file(tmp_path, remote))
    assert out.code == 1 and out.result and out.result.failed_step == "merge"
    reason = out.result.failure_reason or ""
    assert "shared.txt (changed by 1.1 (feat/a) and 1.2 (feat/b))" in reason, reason
    assert [(c.file, c.resolution) for c in out.result.conflicts] == [("shared.txt", "failed")]
    assert not out.result.retryable
    assert remote.head("waveflow/integ/integration") is None


def test_the_later_efforts_agent_resolves_a_conflict_and_the_merged_tree_is_tested(remote, tmp_path):
    remote.commit("feat/a", {"a.txt": "a\n", "shared.txt": "from a\n"})
    remote.commit("feat/b", {"b.txt": "b\n", "shared.txt": "from b\n"})
    out = integrate(tmp_path, plan_file(tmp_path, remote, resolve="agent"))
    assert out.code == 0 and out.result and out.result.status == "succeeded", out.stderr[-3000:]
    r = out.result
    assert [m.resolved_by for m in r.merged] == [None, "resolver"]
    assert [(c.file, c.efforts, c.resolution) for c in r.conflicts] == [
        ("shared.txt", ["1.1 (feat/a)", "1.2 (feat/b)"], "resolved by resolver")
    ]
    branch = "waveflow/integ/integration-wave-1"
    assert remote.show(branch, "shared.txt").splitlines() == ["from a", "from b"]
    assert "Waveflow-Resolved-By: resolver" in git("--git-dir", str(remote.bare), "log", "-1", "--format=%B", branch)


def test_an_effort_that_never_ran_is_left_out_and_the_next_wave_starts_from_the_integration(remote, tmp_path):
    remote.commit("feat/a", {"a.txt": "a\n"})
    plan_path = plan_file(tmp_path, remote, waves=2, test=py("pass"))  # 1.2 never pushed
    out = integrate(tmp_path, plan_path)
    assert out.code == 0 and out.result, out.stderr[-3000:]
    assert [m.effort for m in out.result.merged] == ["1.1"] and "feat/b" in out.stderr
    plan = read_plan(plan_path)
    effort = inputs_for(plan, plan.effort("2.1"), repo=str(remote.bare), base_ref="main", run_id="r")
    assert effort.base_ref == "waveflow/integ/integration-wave-1"
    wave_two = integration_inputs(plan, 2, repo=str(remote.bare), base_ref="main", run_id="r")
    assert (wave_two.base_ref, wave_two.dependency_branches) == ("waveflow/integ/integration-wave-1", ["feat/c"])


def test_a_conflict_left_for_a_person_goes_on_from_the_resolution_they_push(remote, tmp_path):
    a = remote.commit("feat/a", {"a.txt": "a\n", "shared.txt": "from a\n"})
    b = remote.commit("feat/b", {"b.txt": "b\n", "shared.txt": "from b\n"})
    plan_path = plan_file(tmp_path, remote, resolve="person")
    branch = "waveflow/integ/integration-wave-1"
    out = integrate(tmp_path, plan_path)
    assert out.code == 0 and out.result and out.result.status == "succeeded", out.stderr[-3000:]
    r = out.result
    # Stopped at the conflict: what merged cleanly pushed, nothing tested, nothing recorded, the phase branch untouched.
    assert r.awaiting_person and "git merge origin/feat/b" in r.awaiting_person and branch in r.awaiting_person
    assert [(c.file, c.efforts, c.resolution) for c in r.conflicts] == [
        ("shared.txt", ["1.1 (feat/a)", "1.2 (feat/b)"], "left for a person")
    ]
    assert [m.branch for m in r.merged] == ["feat/a"] and "test" not in r.logs
    assert remote.head(branch) == r.head and remote.show(branch, "shared.txt") == "from a"
    assert remote.head("waveflow/integ/integration") is None
    assert git("--git-dir", str(remote.bare), "notes", "--ref=refs/notes/waveflow", "list").strip() == ""

    # The person does what it says, in a clone of their own.
    clone = tmp_path / "person"
    git("clone", "-q", str(remote.bare), str(clone))
    git("checkout", "-q", branch, cwd=clone)
    assert subprocess.run(["git", "merge", "origin/feat/b"], cwd=clone, capture_output=True).returncode != 0
    (clone / "shared.txt").write_text("from a\nfrom b\n")
    git("add", "shared.txt", cwd=clone)
    git("-c", "user.name=P", "-c", "user.email=p@example.org", "commit", "-qm", "Resolve shared.txt", cwd=clone)
    git("push", "-q", "origin", branch, cwd=clone)
    resolved = remote.head(branch)

    after = integrate(tmp_path, plan_path, run="run-1", after_person=True)
    assert after.code == 0 and after.result and after.result.status == "succeeded", after.stderr[-3000:]
    assert [(m.branch, m.commit, m.already) for m in after.result.merged] == [("feat/a", a, True), ("feat/b", b, True)]
    assert not after.result.awaiting_person and after.result.published == "waveflow/integ/integration"
    assert "test" in after.result.logs  # the merged tree was tested (BOTH passes only with both files)
    # Built on the person's commit, never over it.
    assert git("--git-dir", str(remote.bare), "merge-base", "--is-ancestor", resolved, branch) == ""
    assert remote.show(branch, "shared.txt").splitlines() == ["from a", "from b"]


def test_after_a_persons_approval_a_conflict_still_there_fails(remote, tmp_path):
    remote.commit("feat/a", {"a.txt": "a\n", "shared.txt": "from a\n"})
    remote.commit("feat/b", {"b.txt": "b\n", "shared.txt": "from b\n"})
    plan_path = plan_file(tmp_path, remote, resolve="person")
    assert integrate(tmp_path, plan_path).result.awaiting_person
    after = integrate(tmp_path, plan_path, after_person=True)  # approved, but nobody pushed a resolution
    assert after.code == 1 and after.result and after.result.failed_step == "merge"
    assert "shared.txt (changed by 1.1 (feat/a) and 1.2 (feat/b))" in (after.result.failure_reason or "")
