"""The progress `make run` prints, from a sequence of task states as the REST API reports them."""

from __future__ import annotations

from waveflow.plan.load import read_plan
from waveflow.stack.progress import RunProgress, watch_all


class ScriptedAPI:
    """Answers like AirflowAPI, one snapshot of the run per poll."""

    def __init__(self, snapshots: list[tuple[str, dict[str, str]]], results: dict[str, dict] | None = None):
        self.snapshots, self.poll, self.results = snapshots, 0, results or {}

    def xcom(self, dag_id: str, run_id: str, task_id: str) -> dict:
        if task_id not in self.results:
            raise RuntimeError(f"GET .../{task_id}/xcomEntries/return_value: 404")
        return self.results[task_id]

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
        ],
        {
            "wave_2.e10_2_1": {"agent": {"cost_usd": 0.5, "iterations": [
                {"number": 1, "exit_code": 0, "tests_failed": 1, "failed_tests": ["tests.flow::test_shared_store"]},
                {"number": 2, "exit_code": 0, "tests_failed": 0},
            ]}},
            "wave_2.e10_2_3": {"agent": {"iterations": [{"number": 1, "exit_code": 3}, {"number": 2}]}},
        },
    )  # fmt: skip
    lines: list[str] = []
    states = watch_all(api, [RunProgress(plan, "r1", lines.append)], poll=0)  # type: ignore[arg-type]
    assert states == {plan.name: "failed"}
    text = [line.split("] ", 1)[-1] for line in lines]
    assert text.index("== wave 1 (E2E Test Framework Foundation) started") < text.index(
        "effort 10.1.1 E2E Test Framework: running"
    )
    assert "== wave 1 complete: 1/1 efforts succeeded" in text
    assert "effort 10.2.3 Chaos Testing: failed — 2 iterations: 1: the agent exited 3; 2: the agent timed out" in text
    assert (
        "effort 10.2.1 Integration Test Suite: success — 2 iterations: 1: 1 test(s) failed (test_shared_store); "
        "2: tests pass, $0.50" in text
    )
    assert "== wave 2 complete: 3/4 efforts succeeded" in text
    assert sum(line == "effort 10.1.1 E2E Test Framework: success" for line in text) == 1
