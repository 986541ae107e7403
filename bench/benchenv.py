"""Import first in a benchmark that imports Airflow: a throwaway Airflow home (never the user's), quiet logs, and the
benchmarks' own dependencies on the path.

The baselines' packages (`bench/requirements.txt`) live in `.work/bench-site`, outside the project's virtualenv:
dag-factory registers an Airflow plugin, which every Airflow component of the project would otherwise load.
"""

import os
import sys
import tempfile
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / ".work" / "bench-site"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"

sys.path.append(str(SITE))
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="waveflow-bench-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
# dag-factory reports usage over the network unless told not to; a benchmark must not.
os.environ["AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY"] = "False"
os.environ["DO_NOT_TRACK"] = "1"
