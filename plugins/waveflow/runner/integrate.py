"""A wave's integration: where sibling branches meet before anyone reviews them.

The wave's effort branches are merged, in dependency order and always as merge commits (so the integration head is
never an effort's own head, whose note records the effort), into the wave's integration branch: resumed when it is on
the remote, else started from where the runner was positioned (the previous wave's integration, or the base ref). A
conflict either fails the integration, naming each file and the efforts whose branches changed it, or is handed to
the later effort's agent with a brief of both sides. The runner then tests the merged tree as it tests an effort,
pushes the branch, and fast-forwards the phase's integration branch to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import steps
from .brief import parse_json
from .errors import StepFailed
from .gitcmd import Git
from .loop import agent_call, profile_from
from .remote import RemoteRef, RemoteState, tracking_ref
from .result import MergeConflict, MergedBranch
from .run import Run

CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
EARLIER = "the integration branch (earlier waves)"


class AwaitingPerson(Exception):
    """A conflict left for a person: the integration branch stops where it merged cleanly, and is pushed."""


@dataclass(frozen=True)
class Member:
    """An effort of the wave, as the conflict brief and the report name it."""

    effort: str
    name: str
    brief: str
    profile: dict[str, Any] | None


@dataclass(frozen=True)
class Integration:
    phase_branch: str
    on_conflict: str  # fail | agent | person
    members: dict[str, Member]  # by branch

    @classmethod
    def parse(cls, raw: str) -> Integration:
        data = parse_json(raw)
        efforts = data.get("efforts") if isinstance(data.get("efforts"), dict) else {}
        members = {
            branch: Member(
                str(m.get("effort") or branch),
                str(m.get("name") or ""),
                str(m.get("brief") or ""),
                m.get("profile") or None,
            )
            for branch, m in (efforts or {}).items()
            if isinstance(m, dict)
        }
        return cls(str(data.get("branch") or ""), str(data.get("on_conflict") or "fail"), members)

    def label(self, branch: str) -> str:
        member = self.members.get(branch)
        return f"{member.effort} ({branch})" if member else branch

    def effort_of(self, branch: str) -> str:
        member = self.members.get(branch)
        return member.effort if member else branch


def merge_wave(run: Run, wt: Git, remote: RemoteState, trailers: str, spec: Integration) -> str:
    """Check the wave's integration branch out in `wt` (positioned at the base commit) with every effort branch
    merged; return the commit it started from."""
    start = wt("rev-parse", "HEAD", step="merge")
    branch = run.inputs.branch
    if remote.branch is None:
        wt("checkout", "--quiet", "-B", branch, step="merge")
    else:
        wt("checkout", "--quiet", "-B", branch, tracking_ref(remote.branch), step="merge")
        _merge(run, wt, remote.base, f"Merge {remote.base.name}\n\n{trailers}", spec, [], start)
    done: list[RemoteRef] = []
    for dep in remote.dependencies:
        entry = MergedBranch(effort=spec.effort_of(dep.name), branch=dep.name, commit=dep.sha)
        if wt.status("merge-base", "--is-ancestor", dep.sha, "HEAD")[0] == 0:
            entry.already = True
        else:
            message = f"Merge {spec.label(dep.name)} into {branch}\n\n{trailers}"
            entry.resolved_by = _merge(run, wt, dep, message, spec, done, start)
        run.result.merged.append(entry)
        done.append(dep)
    if remote.branch is None and wt("rev-parse", "HEAD", step="merge") == start:
        # Its own commit even with nothing to merge: the note it gets must not land on another branch's head.
        wt("commit", "--quiet", "--no-verify", "--allow-empty", "-m", f"Integrate: nothing to merge\n\n{trailers}",
           step="merge")  # fmt: skip
    return start


def _merge(
    run: Run, wt: Git, ref: RemoteRef, message: str, spec: Integration, done: list[RemoteRef], start: str
) -> str | None:
    """Merge `ref` into HEAD as a merge commit; the profile that resolved its conflicts, if an agent did."""
    status, _, err = wt.status("merge", "--no-ff", "--no-edit", "-m", message, tracking_ref(ref))
    if status == 0:
        return None
    files = wt("diff", "--name-only", "--diff-filter=U", step="merge").split()
    if not files:
        wt.status("merge", "--abort")
        raise StepFailed("merge", f"cannot merge {ref.name!r}: {wt.describe_failure(('merge',), err)}")
    conflicts = [
        MergeConflict(file=f, efforts=[*_touching(wt, f, done, start, spec), spec.label(ref.name)], resolution="failed")
        for f in files
    ]
    run.result.conflicts.extend(conflicts)
    said = "; ".join(f"{c.file} (changed by {' and '.join(c.efforts)})" for c in conflicts)
    if spec.on_conflict == "person":
        wt.status("merge", "--abort")
        for c in conflicts:
            c.resolution = "left for a person"
        raise AwaitingPerson(person_todo(wt, ref, spec, conflicts))
    member = spec.members.get(ref.name)
    if spec.on_conflict != "agent" or member is None or not member.profile:
        wt.status("merge", "--abort")
        why = "" if spec.on_conflict != "agent" else "; no agent profile to resolve it (name one for the effort)"
        raise StepFailed("merge", f"merge conflict integrating {spec.label(ref.name)}: {said}{why}", transient=False)
    name = _resolve(run, wt, ref, member, spec, conflicts, message)
    for c in conflicts:
        c.resolution = f"resolved by {name}"
    return name


def _touching(wt: Git, file: str, done: list[RemoteRef], start: str, spec: Integration) -> list[str]:
    """The already merged branches that changed `file` since the integration's start."""
    found = [
        spec.label(d.name)
        for d in done
        if wt.status("log", "-1", "--format=%H", f"{start}..{d.sha}", "--", file)[1].strip()
    ]
    return found or [EARLIER]


def _resolve(
    run: Run, wt: Git, ref: RemoteRef, member: Member, spec: Integration, conflicts: list[MergeConflict], message: str
) -> str:
    """The later effort's agent edits the conflicted files; the merge is committed when no marker is left."""
    profile = profile_from(member.profile or {})
    agent_dir = run.state_dir("agent")
    agent_dir.mkdir(parents=True, exist_ok=True)
    slug = ref.name.replace("/", "-")
    brief_file = agent_dir / f"conflict-{slug}.md"
    brief_file.write_text(conflict_brief(wt, ref, spec, conflicts), encoding="utf-8")
    feedback_file = agent_dir / f"conflict-{slug}-todo.md"
    feedback_file.write_text(
        f"Resolve the merge conflict described in {brief_file}: edit the conflicting files in the current directory "
        "so that both sides' changes work together, and remove every conflict marker. Do not commit.\n",
        encoding="utf-8",
    )
    report = agent_dir / f"conflict-{slug}-report.json"
    argv, env = agent_call(run, profile, brief_file, feedback_file, 1, run.state_dir("reports"), report)
    with run.step("resolve"):
        outcome = steps.command(run, "resolve", argv, env, run.inputs.implement_timeout, f"resolve-{slug}")
    why = steps.problem(f"the agent ({profile.name}) resolving the conflict", outcome)
    left = [c.file for c in conflicts if _has_markers(run.worktree / c.file)]
    if why or left:
        wt.status("merge", "--abort")
        reason = why or f"conflict markers left in {', '.join(left)} by the agent ({profile.name})"
        raise StepFailed("merge", f"merge conflict integrating {spec.label(ref.name)} not resolved: {reason}", False)
    wt("add", "--all", step="merge")
    resolved = f"{message}\nWaveflow-Resolved-By: {profile.name}"
    wt("commit", "--quiet", "--no-verify", "-m", resolved, step="merge")
    run.log(f"{run.inputs.effort}: {profile.name} resolved the conflict in {', '.join(c.file for c in conflicts)}")
    return profile.name


def _has_markers(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # deleted: a resolution too
    return any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines())


def conflict_brief(wt: Git, ref: RemoteRef, spec: Integration, conflicts: list[MergeConflict]) -> str:
    """What the agent resolving a conflict reads: the files, both sides' commits, both efforts' briefs."""
    ours = wt.status("log", "--format=- %s", f"{ref.sha}..HEAD", "--no-merges")[1].strip() or "- (none)"
    theirs = wt.status("log", "--format=- %s", f"HEAD..{ref.sha}", "--no-merges")[1].strip() or "- (none)"
    into = wt("rev-parse", "--abbrev-ref", "HEAD", step="merge")
    lines = [
        f"# Resolve a merge conflict: {spec.label(ref.name)} into {into}",
        "",
        "Conflicting files (the efforts whose branches changed each):",
        *[f"- `{c.file}`: {', '.join(c.efforts)}" for c in conflicts],
        "",
        "## Commits on the integration branch, not on the merged branch",
        ours,
        "",
        f"## Commits on {ref.name}",
        theirs,
        "",
        "## The efforts' briefs",
    ]
    involved = {e for c in conflicts for e in c.efforts}
    for branch, member in spec.members.items():
        if spec.label(branch) in involved:
            lines += ["", f"### {member.effort}: {member.name}", member.brief or "(no brief)"]
    return "\n".join(lines) + "\n"


def person_todo(wt: Git, ref: RemoteRef, spec: Integration, conflicts: list[MergeConflict]) -> str:
    """What the person is asked to do: merge the branch that conflicted (and the wave's branches not merged yet) into
    the integration branch as it was pushed, resolve, push; then approve."""
    into = wt("rev-parse", "--abbrev-ref", "HEAD", step="merge")
    files = "; ".join(f"`{c.file}` (changed by {' and '.join(c.efforts)})" for c in conflicts)
    return (
        f"Merging {spec.label(ref.name)} into `{into}` conflicts in {files}. `{into}` was pushed with what merged "
        f"cleanly before it. Resolve it in a clone of the repository: `git fetch origin && git checkout {into} && "
        f"git merge origin/{ref.name}`, fix the files, commit, `git push origin {into}`; then approve, and the "
        "integration merges the wave's other branches and tests the whole."
    )


def publish(run: Run, wt: Git, spec: Integration) -> None:
    """Fast-forward the phase's integration branch to this wave's; never forced. When it already holds this head
    (a later wave's integration was published), that is kept; when it holds other work, it is left and said."""
    phase = spec.phase_branch
    if not phase:
        return
    with run.step("publish"):
        status, _, err = wt.status("push", "origin", f"HEAD:refs/heads/{phase}")
        if status == 0:
            run.result.published = phase
            return
        if wt.status("fetch", "--quiet", "origin", f"+refs/heads/{phase}:refs/waveflow-remote/heads/{phase}")[0] == 0:
            held = wt.status("merge-base", "--is-ancestor", "HEAD", f"refs/waveflow-remote/heads/{phase}")[0] == 0
            if held:
                run.result.published = phase
                return
        run.log(f"{run.inputs.effort}: warning: {phase} was not advanced to {run.inputs.branch}: it holds commits "
                f"this integration does not ({wt.describe_failure(('push',), err)})")  # fmt: skip
