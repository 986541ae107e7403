"""An effort succeeds only once its result is recorded as the git note the landing sensor waits for."""

from __future__ import annotations

from gitrepo import git, run_runner


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
