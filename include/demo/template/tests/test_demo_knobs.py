"""The demo's failure knobs (see Waveflow's include/demo/README.md): fail this effort's tests on request."""

import os
from pathlib import Path

EFFORT = os.environ.get("WAVEFLOW_EFFORT", "")


def listed(value: str) -> bool:
    return bool(EFFORT) and EFFORT in {item.strip() for item in value.replace("\n", ",").split(",")}


def test_effort_is_not_asked_to_fail():
    assert not listed(os.environ.get("WAVEFLOW_DEMO_FAIL", "")), f"WAVEFLOW_DEMO_FAIL lists {EFFORT}"


def test_effort_is_not_in_the_fail_file():
    path = os.environ.get("WAVEFLOW_DEMO_FAIL_FILE")
    if path and Path(path).is_file():
        assert not listed(Path(path).read_text()), f"{path} lists {EFFORT}"
