"""An effort succeeds only once its result is recorded as the git note the landing sensor waits for."""

from __future__ import annotations

from gitrepo import git, py, run_runner


def _refuse_notes(remote_bare, times: str) -> None:
    """A remote whose pre-receive hook rejects pushes of the notes ref: always, or the first `times` times."""
    hook = remote_bare / "hooks" / "pre-receive"
    count = remote_bare / "notes-refused"
    hook.write_text(
        "#!/bin/sh\n"
        "while read old new ref; do\n"
        '  case "$ref" in refs/notes/*)\n'
        f"    n=$(cat {count} 2>/dev/null || echo 0)\n"
        f'    if [ "{times}" = always ] || [ "$n" -lt "{times}" ]; then\n'
        f"      echo $((n + 1)) > {count}; echo 'notes are not taken here' >&2; exit 1\n"
        "    fi ;;\n"
        "  esac\n"
        "done\n"
    )
    hook.chmod(0o755)


def test_a_result_that_cannot_be_recorded_fails_the_effort_saying_why(remote, make_inputs):
    _refuse_notes(remote.bare, "always")
    out = run_runner(make_inputs())
    assert out.code == 1 and out.result is not None
    r = out.result
    assert r.status == "failed" and r.failed_step == "record" and r.retryable
    assert "could not record the result as a git note (5 attempts; the work is pushed)" in (r.failure_reason or "")
    assert "[remote rejected] refs/notes/waveflow" in (r.failure_reason or "")
    assert r.pushed and remote.head("feature/one") == r.head


def test_a_note_refused_for_a_moment_is_recorded_by_a_retry(remote, make_inputs):
    _refuse_notes(remote.bare, "2")
    out = run_runner(make_inputs())
    assert out.code == 0 and out.result is not None and out.result.status == "succeeded"
    note = git("--git-dir", str(remote.bare), "notes", "--ref=refs/notes/waveflow", "show", out.result.head or "")
    assert '"status": "succeeded"' in note


def test_a_failure_whose_last_line_is_long_and_binary_is_recorded(remote, make_inputs):
    """Found by the runner fuzz: the note went to git as one argument, and a result quoting a 64 KiB line of
    undecodable bytes was longer than Linux allows one (E2BIG): the runner crashed without a result."""
    code = "import sys; sys.stdout.buffer.write(bytes(range(128, 256)) * 600); sys.exit(3)"
    out = run_runner(make_inputs(test=py(code)))
    assert out.code == 1 and out.result is not None and out.result.failed_step == "test"
    assert len(out.result.failure_reason or "") < 1000
    note = git("--git-dir", str(remote.bare), "notes", "--ref=refs/notes/waveflow", "show", out.result.head or "")
    assert '"failed_step": "test"' in note
