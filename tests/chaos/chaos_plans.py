"""The small plans the chaos tests run: efforts whose implement step can be held open from the test, so a fault lands
while an effort is really mid-way, and whose tests pass at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

RETRY_DELAY_SECONDS = 2  # the stack's default retry delay: retries come after 2-4 s, then 4-8 s
IDENTITY = ["-c", "user.name=someone", "-c", "user.email=someone@example.invalid"]
# The effort's implement command: announce itself (pid), wait while the test holds it, then change one file.
IMPLEMENT = """
import os, pathlib, time
markers = pathlib.Path(os.environ["CHAOS_MARKERS"])
me = os.environ["WAVEFLOW_PLAN"] + "." + os.environ["WAVEFLOW_EFFORT"]
# The runner starts each command under its containing parent (contain.py): the runner is that parent's parent.
runner = pathlib.Path(f"/proc/{os.getppid()}/stat").read_text().rsplit(")", 1)[1].split()[1]
(markers / f"{me}.started.{os.getpid()}").write_text(runner)
while (markers / f"{me}.hold").exists():
    time.sleep(0.2)
pathlib.Path(os.environ["WAVEFLOW_EFFORT"] + ".txt").write_text("done by " + me + "\\n")
"""


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def new_remote(path: Path) -> Path:
    """A bare repository with one commit on `main`."""
    seed = path.with_suffix(".seed")
    git("init", "-q", "--bare", "-b", "main", str(path))
    git("init", "-q", "-b", "main", str(seed))
    (seed / "README").write_text("base\n")
    git("add", "README", cwd=seed)
    git("commit", "-qm", "base", cwd=seed)
    git("push", "-q", str(path), "main", cwd=seed)
    return path


def plan_yaml(
    name: str, remote: str | Path, waves: dict[int, list[str]], retries: int = 2, merged: bool = False
) -> str:
    """Efforts `<wave>.<n>`; every effort of a wave depends on every effort of the wave before."""
    efforts = []
    for number, ids in waves.items():
        earlier = waves.get(number - 1, [])
        for effort_id in ids:
            efforts.append(
                {
                    "id": effort_id,
                    "name": f"effort {effort_id}",
                    "wave": number,
                    "agent": "chaos",
                    "depends_on": list(earlier),
                }
            )
    plan = {
        "name": name,
        "repo": str(remote),
        "backend": "local",
        "schedule": None,
        "defaults": {
            "commands": {"implement": ["python3", "-c", IMPLEMENT], "test": ["python3", "-c", "print('1 passed')"]},
            "retries": retries,
            "timeout_minutes": 10,
        },
        "wave_gate": {"mode": "merged" if merged else "pushed", "timeout_minutes": 10, "poke_interval_seconds": 2},
        "waves": [{"number": n, "name": f"wave {n}"} for n in waves],
        "efforts": efforts,
    }
    return yaml.safe_dump(plan, sort_keys=False)


def branch(plan: str, effort_id: str) -> str:
    """The branch a plan without branch names gives an effort (`Plan.branch_of`)."""
    return f"waveflow/{plan}/{effort_id.replace('.', '-')}"


def effort_commits(remote: Path, branch_name: str, effort_id: str) -> list[str]:
    """Commits on the branch made for `effort_id` (the runner's trailer says which effort a commit is for)."""
    out = git(
        "--git-dir",
        str(remote),
        "log",
        "--no-merges",
        "--format=%H",
        f"--grep=^Waveflow-Effort: {effort_id}$",
        branch_name,
    )
    return out.split()


def history(remote: Path, branch_name: str) -> list[str]:
    return git("--git-dir", str(remote), "rev-list", branch_name).split()
