"""The progress `make run` prints, from a sequence of task states as the REST API reports them."""

from __future__ import annotations

from waveflow.plan.load import read_plan
from waveflow.stack.progress import RunProgress, watch_all


class ScriptedAPI:
    """Answers like AirflowAPI, one snapshot of the run per poll."""

    def __init__(self, snapshots: list[tuple[str, dict[str, str]]]):
        self.snapshots, self.poll = snapshots, 0

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, str]]:
        return [{"task_id": t, "state": s} for t, s in self.snapshots[self.poll][1].items()]

    def run(self, dag_id: str, run_id: str) -> dict[str, str]:
        state = self.snapshots[self.poll][0]
        self.poll += 1
        return {"state": state}


def test_progress_per_wave_and_effort(repo_root):
    plan = read_plan(repo_root / "include" / "plans" / "phase10.yaml")
    w2 = {f"wave_2.e10_2_{i}": "none" for i in range(1, 5)}
    api = ScriptedAPI(
        [
            ("running", {"wave_1.e10_1_1": "queued", **w2}),
            ("running", {"wave_1.e10_1_1": "running", **w2}),
            ("running", {"wave_1.e10_1_1": "success", "wave_1_landed": "success", **w2}),
            ("failed", {"wave_1.e10_1_1": "success", **{t: "success" for t in w2}, "wave_2.e10_2_3": "failed"}),
        ]
    )
    lines: list[str] = []
    states = watch_all(api, [RunProgress(plan, "r1", lines.append)], poll=0)  # type: ignore[arg-type]
    assert states == {plan.name: "failed"}
    text = [line.split("] ", 1)[-1] for line in lines]
    assert text.index("== wave 1 (E2E Test Framework Foundation) started") < text.index(
        "effort 10.1.1 E2E Test Framework: running"
    )
    assert "== wave 1 complete: 1/1 efforts succeeded" in text
    assert "effort 10.2.3 Chaos Testing: failed" in text
    assert "== wave 2 complete: 3/4 efforts succeeded" in text
    assert sum(line == "effort 10.1.1 E2E Test Framework: success" for line in text) == 1
