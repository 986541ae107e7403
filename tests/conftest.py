"""Test-wide setup: Airflow never touches the developer's own home, and shared/ is optional."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed seed (HYPOTHESIS_PROFILE=ci in .ci/run): a red build then means a change broke
# something, never that a new random draw found an old bug. Developers' runs keep drawing new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

if "AIRFLOW_HOME" not in os.environ:
    # A home of the run's own, gone with it: runs leave nothing behind in the temporary directory.
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="waveflow-airflow-home-")
    atexit.register(shutil.rmtree, os.environ["AIRFLOW_HOME"], ignore_errors=True)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__PARALLELISM", "4")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("shared/ (reference plans) is not beside the checkout")
    return SHARED
