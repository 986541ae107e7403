"""`make run PLAN=…` (`waveflow up`): a user's own markdown plan and bare repository, made here, run through the real
scheduler; the branches land on that repository, the demo remote is never built, the checkout's DAG files stay."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.postgres import free_port
from support.repos import bare_repository, git

REPO = Path(__file__).resolve().parents[2]

IMPLEMENT = '''\
"""Writes the effort's module and its test: what an agent would do for the efforts of this plan."""
import os
from pathlib import Path

name = os.environ["WAVEFLOW_EFFORT"].replace(".", "_")
Path("app").mkdir(exist_ok=True)
Path(f"app/e{name}.py").write_text(f"def answer():\\n    return {name!r}\\n")
Path(f"tests/test_e{name}.py").write_text(
    f"from app.e{name} import answer\\n\\n\\ndef test_answer():\\n    assert answer() == {name!r}\\n"
)
'''

MAKEFILE = "test:\n\tpython3 -m pytest -q -p no:cacheprovider --junitxml=$(WAVEFLOW_REPORTS)/junit.xml tests\n"


def users_repository(root: Path) -> Path:
    files = {
        "implement.py": IMPLEMENT,
        "Makefile": MAKEFILE,
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["."]\n',
        "tests/test_base.py": "def test_base():\n    assert True\n",
    }
    return bare_repository(root, "app", files)


def users_plan(plans: Path, repo: Path) -> Path:
    plans.mkdir()
    plan = plans / "greeter-plan.md"
    front = f"""\
        ---
        name: greeter
        repo: {repo}
        schedule: null
        defaults:
          commands:
            implement: ["python3", "implement.py"]
            test: ["make", "test"]
        ---
        """
    body = """\
        # Greeter: Wave Implementation Plan

        ## Wave 1: Core

        | Effort | Branch | Lines | Agent |
        |---|---|---|---|
        | 1.1 Greeting | `feat/greeting` | 40 | Agent-1 |

        ## Wave 2: Extras

        | Effort | Branch | Lines | Agent | Depends On |
        |---|---|---|---|---|
        | 2.1 Farewell | `feat/farewell` | 40 | Agent-1 | 1.1 |
        | 2.2 Shout | `feat/shout` | 40 | Agent-2 | 1.1 |
        """
    plan.write_text(textwrap.dedent(front) + textwrap.dedent(body))
    return plan


@pytest.mark.e2e
@pytest.mark.slow
def test_make_run_plan_runs_the_users_plan_on_the_users_repository(tmp_path):
    repo = users_repository(tmp_path)
    plan = users_plan(tmp_path / "plans", repo)
    dags_before = sorted(p.name for p in (REPO / "dags" / "plans").iterdir())
    work = tmp_path / "work"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WAVEFLOW_", "AIRFLOW"))}
    argv = [sys.executable, "-m", "waveflow.cli", "up", str(plan), "--exit", "--port", str(free_port())]
    argv += ["--airflow-home", str(tmp_path / "airflow"), "--work-dir", str(work)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-5000:]
    assert "finished: SUCCESS" in out and "effort 2.2 Shout: success" in out
    heads = git("--git-dir", str(repo), "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
    assert {"feat/greeting", "feat/farewell", "feat/shout"} <= set(heads)
    shout = git("--git-dir", str(repo), "ls-tree", "-r", "--name-only", "feat/shout").split()
    assert {"app/e1_1.py", "app/e2_2.py", "tests/test_e2_2.py"} <= set(shout)  # built on 1.1, did its own work
    assert not (work / "demo-remote.git").exists()
    assert sorted(p.name for p in (REPO / "dags" / "plans").iterdir()) == dags_before
    assert (work / "dags" / "plans" / "plan_greeter_plan_md.py").exists()


def test_up_refuses_what_it_cannot_run_before_starting_anything(tmp_path):
    plans = tmp_path / "plans"
    plan = users_plan(plans, tmp_path / "nowhere.git")
    no_repo = plans / "no-repo.md"
    no_repo.write_text(plan.read_text().split("---\n", 2)[2])  # the document without its front matter
    elsewhere = tmp_path / "other" / "x.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text(plan.read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAVEFLOW_")}

    def up(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "waveflow.cli", "up", *args, "--work-dir", str(tmp_path / "w")]
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)

    split = up(str(plan), str(elsewhere))
    assert split.returncode == 2 and "the plans are in 2 directories" in split.stdout
    missing = up(str(tmp_path / "missing.md"))
    assert missing.returncode == 2 and "missing.md: no such file or directory" in missing.stdout
    refused = up(str(no_repo))
    assert refused.returncode == 2 and "no-repo.md: no `repo`" in refused.stdout and "no plan can run" in refused.stdout
    assert "Traceback" not in split.stdout + missing.stdout + refused.stdout + refused.stderr
    assert not (tmp_path / "w").exists()
    helped = up("--help")
    assert helped.returncode == 0 and "usage: waveflow up" in helped.stdout
