"""The runner against real git: a bare remote in a temp dir, the runner as a subprocess, as the local backend runs it."""

from __future__ import annotations

import json
from pathlib import Path

from gitrepo import git, py, run_runner


def test_fresh_run_commits_with_trailers_and_pushes(remote, make_inputs, tmp_path):
    dump_env = (
        "import json, os; json.dump({k: os.environ.get(k) for k in "
        "('PORT_RANGE_START', 'PORT_RANGE_END', 'WAVEFLOW_NAMESPACE', 'WAVEFLOW_EFFORT', "
        "'AIRFLOW__API_AUTH__JWT_SECRET', 'AIRFLOW_CONN_WAVEFLOW_API', 'AIRFLOW_VAR_TOKEN')}, open('env.json', 'w'))"
    )
    inputs = make_inputs(implement=py(dump_env), port_start=30100, port_end=30199, namespace="integration-tests")
    # What an Airflow worker's environment holds: none of it may reach the agent.
    airflow = {"AIRFLOW__API_AUTH__JWT_SECRET": "s", "AIRFLOW_CONN_WAVEFLOW_API": "c", "AIRFLOW_VAR_TOKEN": "t"}
    out = run_runner(inputs, env=airflow)
    assert out.code == 0, out.stderr
    r = out.result
    assert r.status == "succeeded" and r.pushed and not r.memoized
    assert r.head == remote.head("feature/one") and r.commits == [r.head]
    assert r.start_point == remote.head("main")
    assert json.loads(remote.show("feature/one", "env.json")) == {
        "PORT_RANGE_START": "30100",
        "PORT_RANGE_END": "30199",
        "WAVEFLOW_NAMESPACE": "integration-tests",
        "WAVEFLOW_EFFORT": "1.1",
        "AIRFLOW__API_AUTH__JWT_SECRET": None,
        "AIRFLOW_CONN_WAVEFLOW_API": None,
        "AIRFLOW_VAR_TOKEN": None,
    }
    message = git("--git-dir", str(remote.bare), "log", "-1", "--format=%B", "feature/one")
    assert "Waveflow-Plan: p1\nWaveflow-Effort: 1.1\nWaveflow-Run: run-1" in message
    assert Path(r.worktree).is_relative_to(tmp_path / "ws") and (Path(r.worktree) / "env.json").is_file()
    assert r.metrics.lines_added == 1 and r.metrics.lines_deleted == 0
    assert "1.1 succeeded" in out.stderr


def test_flags_override_the_environment(remote, make_inputs, tmp_path):
    inputs = make_inputs(branch="feature/from-env")
    out = run_runner(inputs, args=["--branch", "feature/from-flag", "--test", "[]"])
    assert out.code == 0, out.stderr
    assert remote.head("feature/from-flag") == out.result.head and remote.head("feature/from-env") is None
    assert "test" not in out.result.timing.seconds


def test_resumes_an_existing_branch_without_dropping_its_commits(remote, make_inputs):
    theirs = remote.commit("feature/one", {"theirs.txt": "earlier work\n"}, "earlier work")
    out = run_runner(make_inputs())
    assert out.code == 0, out.stderr
    history = remote.log("feature/one")
    assert theirs in history and history[0] == out.result.head
    assert remote.show("feature/one", "theirs.txt") == "earlier work"
    assert out.result.commits == [out.result.head]  # only the implement commit: the base was already in


def test_start_point_merges_dependencies_in_order(remote, make_inputs):
    remote.commit("dep/a", {"a.txt": "from a\n"})
    remote.commit("dep/b", {"b.txt": "from b\n"})
    listing = (
        "import os; open('seen.list', 'w').write(' '.join(sorted(f for f in os.listdir('.') if f.endswith('.txt'))))"
    )
    out = run_runner(make_inputs(dependency_branches=["dep/a", "dep/b"], implement=py(listing)))
    assert out.code == 0, out.stderr
    assert remote.show("feature/one", "seen.list") == "a.txt b.txt"
    parents = git("--git-dir", str(remote.bare), "log", "--format=%s", "feature/one")
    assert parents.splitlines()[:2] == ["1.1: implement", "Merge branch dep/b"]
    assert remote.head("dep/a") in remote.log("feature/one") and remote.head("dep/b") in remote.log("feature/one")


def test_merge_conflict_names_files_and_branches(remote, make_inputs):
    remote.commit("dep/a", {"README": "a says\n", "only-a.txt": "x\n"})
    remote.commit("dep/b", {"README": "b says\n"})
    out = run_runner(make_inputs(dependency_branches=["dep/a", "dep/b"]))
    assert out.code == 1
    r = out.result
    assert r.status == "failed" and r.failed_step == "merge" and not r.pushed
    assert "merge conflict: branch 'dep/b'" in r.failure_reason and "conflicting files: README" in r.failure_reason
    assert "merge conflict: branch 'dep/b'" in out.stderr
    assert remote.head("feature/one") is None


def test_failing_tests_still_push_and_say_why(remote, make_inputs):
    failing = py("import sys; print('3 passed, 1 failed'); sys.exit(3)")
    out = run_runner(make_inputs(test=failing))
    assert out.code == 1
    r = out.result
    assert r.status == "failed" and r.failed_step == "test" and r.pushed
    assert r.head == remote.head("feature/one") and remote.show("feature/one", "one.txt") == "one"
    assert r.failure_reason.startswith("tests failed (exit 3): 3 passed, 1 failed (log: ")
    assert Path(r.logs["test"]).read_text() == "3 passed, 1 failed\n"
    assert "1.1 failed at test: tests failed (exit 3)" in out.stderr


def test_failing_implement_keeps_its_partial_work(remote, make_inputs):
    partial = py("import sys; open('half.txt', 'w').write('half'); sys.exit('agent gave up')")
    out = run_runner(make_inputs(implement=partial))
    r = out.result
    assert out.code == 1 and r.failed_step == "implement" and "agent gave up" in r.failure_reason
    assert r.pushed and remote.show("feature/one", "half.txt") == "half"
    assert "test" not in r.timing.seconds  # no point testing what the agent did not finish


def test_time_out_kills_the_whole_process_group(remote, make_inputs, tmp_path):
    pid_file = tmp_path / "child.pid"
    spawn = (
        "import subprocess, time; "
        "child = subprocess.Popen(['sleep', '300']); "
        f"open({str(pid_file)!r}, 'w').write(str(child.pid)); time.sleep(300)"
    )
    out = run_runner(make_inputs(implement=py(spawn), implement_timeout=2))
    r = out.result
    assert out.code == 1 and r.failed_step == "implement"
    assert "implement command timed out after 2s; its whole process group was killed" in r.failure_reason
    assert not _alive(int(pid_file.read_text()))
    assert r.pushed  # what it had written is kept


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return False
    state = next(line for line in status.read_text().splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]  # a zombie is dead, only not reaped yet


def test_memoized_rerun_returns_the_recorded_result(remote, make_inputs):
    first = run_runner(make_inputs())
    assert first.code == 0, first.stderr
    head = remote.head("feature/one")
    again = run_runner(make_inputs(run_id="run-2"))
    assert again.code == 0 and again.result.memoized and again.result.recorded_by_run == "run-1"
    assert again.result.run_id == "run-2"
    assert remote.head("feature/one") == head and again.result.head == head
    keep = {"memoized", "recorded_by_run", "run_id", "timing", "worktree", "logs"}
    assert again.result.model_dump(exclude=keep) == first.result.model_dump(exclude=keep)
    assert "implement" not in again.result.timing.seconds
    note = json.loads(git("--git-dir", str(remote.bare), "notes", "--ref=refs/notes/waveflow", "show", head))
    assert note["key"] == first.result.inputs_key and note["result"]["status"] == "succeeded"


def test_changed_inputs_are_not_memoized(remote, make_inputs):
    assert run_runner(make_inputs()).code == 0
    changed = run_runner(make_inputs(test=py("print('other tests')")))
    assert changed.code == 0 and not changed.result.memoized
    remote.commit("main", {"new.txt": "moved on\n"})
    moved = run_runner(make_inputs(test=py("print('other tests')")))
    assert not moved.result.memoized and moved.result.start_point == remote.head("main")


def test_a_failed_effort_is_redone_on_rerun(remote, make_inputs, tmp_path):
    flag = tmp_path / "fail-once"
    flag.write_text("x")
    test = py(f"import os, sys; sys.exit(1 if os.path.exists({str(flag)!r}) else 0)")
    first = run_runner(make_inputs(test=test))
    assert first.code == 1 and first.result.failed_step == "test"
    flag.unlink()
    second = run_runner(make_inputs(test=test, run_id="run-2"))
    assert second.code == 0 and not second.result.memoized
    assert second.result.head == first.result.head  # the work was done; only the tests ran again
    third = run_runner(make_inputs(test=test, run_id="run-3"))
    assert third.result.memoized and third.result.recorded_by_run == "run-2"


def test_push_rejected_by_the_remote(remote, make_inputs):
    hook = remote.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is frozen for the release' >&2\nexit 1\n")
    hook.chmod(0o755)
    out = run_runner(make_inputs())
    r = out.result
    assert out.code == 1 and r.failed_step == "push" and not r.pushed
    assert "remote: branch is frozen for the release" in r.failure_reason
    assert "pre-receive hook declined" in r.failure_reason and "1.1 failed at push" in out.stderr


def test_never_forces_over_commits_pushed_meanwhile(remote, make_inputs, tmp_path):
    other = tmp_path / "other"
    sneak = (
        "import subprocess as s; "
        f"s.run(['git', 'clone', '-q', {str(remote.bare)!r}, {str(other)!r}], check=True); "
        f"open({str(other / 'x.txt')!r}, 'w').write('mine'); "
        f"g = ['git', '-C', {str(other)!r}, '-c', 'user.name=o', '-c', 'user.email=o@e']; "
        "s.run(g + ['add', '-A'], check=True); s.run(g + ['commit', '-qm', 'theirs'], check=True); "
        "s.run(g + ['push', '-q', 'origin', 'HEAD:refs/heads/feature/one'], check=True)"
    )
    out = run_runner(make_inputs(implement=py(sneak)))
    r = out.result
    assert out.code == 1 and r.failed_step == "push"
    assert "push rejected: 'feature/one' on the remote has commits this run does not have" in r.failure_reason
    assert git("--git-dir", str(remote.bare), "log", "-1", "--format=%s", "feature/one") == "theirs"


def test_bad_repository_url(make_inputs, tmp_path):
    out = run_runner(make_inputs(repo=str(tmp_path / "nowhere.git")))
    assert out.code == 1 and out.result.failed_step == "fetch"
    assert out.result.failure_reason.startswith("cannot reach the repository: git ls-remote failed:")
    assert "cannot reach the repository" in out.stderr


def test_credentials_never_reach_logs_or_result(make_inputs):
    out = run_runner(make_inputs(repo="https://bob:s3cr3t-token@127.0.0.1:9/repo.git"), env={"GIT_TOKEN": "tok-123456"})
    assert out.code == 1 and "cannot reach the repository" in out.result.failure_reason
    text = out.stderr + out.result.model_dump_json()
    assert "s3cr3t-token" not in text and "bob:" not in text


def test_commands_get_no_git_secrets_and_their_output_is_redacted(remote, make_inputs):
    leak = py("import os; print('token is', os.environ.get('GIT_TOKEN'), 'and', 'tok-123456')")
    out = run_runner(make_inputs(implement=leak), env={"GIT_TOKEN": "tok-123456"})
    assert out.code == 0, out.stderr
    log = Path(out.result.logs["implement"]).read_text()
    assert log == "token is None and ***\n" and "tok-123456" not in out.stderr


def test_bad_base_ref_and_missing_dependency(remote, make_inputs):
    out = run_runner(make_inputs(base_ref="release-9"))
    assert out.code == 1 and out.result.failed_step == "fetch"
    assert out.result.failure_reason == "base ref 'release-9' does not exist on the remote (no such branch or tag)"
    assert "release-9" in out.stderr
    dep = run_runner(make_inputs(dependency_branches=["dep/never-pushed"]))
    assert dep.code == 1 and "dependency branch(es) not on the remote: dep/never-pushed" in dep.result.failure_reason


def test_base_ref_may_be_a_tag(remote, make_inputs):
    git("tag", "-a", "v1", "-m", "v1", cwd=remote.clone)
    git("push", "-q", "origin", "v1", cwd=remote.clone)
    out = run_runner(make_inputs(base_ref="v1"))
    assert out.code == 0, out.stderr
    assert out.result.start_point == remote.head("main")


def test_invalid_inputs_exit_2_before_touching_anything(make_inputs, tmp_path):
    cases = {
        "worktree": ("../escape", "must be a relative path inside the workspace"),
        "branch": ("-x", "is not a valid git branch or tag name"),
        "repo": ("ext::false", "remote helper"),
        "mode": ("cloud", "must be one of local, pod"),
    }
    for field, (value, message) in cases.items():
        out = run_runner(make_inputs(**{field: value}))
        assert out.code == 2 and out.result is None, field
        assert message in out.stderr, (field, out.stderr)
    assert not (tmp_path / "ws" / ".waveflow" / "mirrors").exists()
    missing = run_runner(make_inputs(), env={"WAVEFLOW_BRANCH": ""})
    assert missing.code == 2 and "missing runner inputs: WAVEFLOW_BRANCH" in missing.stderr


def test_pod_mode_uses_a_partial_clone(remote, make_inputs, tmp_path):
    remote.commit("dep/a", {"a.txt": "from a\n"})
    out = run_runner(make_inputs(mode="pod", worktree="effort", dependency_branches=["dep/a"]))
    assert out.code == 0, out.stderr
    clone = tmp_path / "ws" / "effort"
    assert git("config", "remote.origin.partialclonefilter", cwd=clone) == "blob:none"
    assert remote.show("feature/one", "a.txt") == "from a" and out.result.worktree is None


def test_efforts_share_one_mirror(remote, make_inputs, tmp_path):
    assert run_runner(make_inputs()).code == 0
    assert run_runner(make_inputs(branch="feature/two", effort="1.2")).code == 0
    mirrors = list((tmp_path / "ws" / ".waveflow" / "mirrors").glob("*.git"))
    assert len(mirrors) == 1
    worktrees = git("--git-dir", str(mirrors[0]), "worktree", "list", "--porcelain")
    assert str(tmp_path / "ws" / "feature-one") in worktrees and str(tmp_path / "ws" / "feature-two") in worktrees


def test_a_failed_test_step_says_what_the_test_report_counted(remote, make_inputs):
    """The command's last line is the build tool's; the JUnit report the tests left says which tests failed."""
    cases = "".join(f'<testcase name="t{i}"/>' for i in range(6)) + '<testcase name="bad"><failure/></testcase>'
    junit = f'<testsuite name="unit" tests="7" failures="1">{cases}</testsuite>'
    failing = py(
        "import os, sys; "
        f"open(os.path.join(os.environ['WAVEFLOW_REPORTS'], 'junit-unit.xml'), 'w').write({junit!r}); "
        "print('make: *** [test] Error 1'); sys.exit(2)"
    )
    out = run_runner(make_inputs(test=failing))
    r = out.result
    assert r.failed_step == "test" and r.pushed
    assert (r.metrics.tests_failed, r.metrics.tests_passed) == (1, 6)
    assert r.failure_reason.startswith("tests failed: 1 failed, 6 passed, by the test reports (log: ")
