#!/usr/bin/env bash
# The compose stack's one-off start: migrate the metadata database, write the UI login, create one pool per plan.
# Runs in the `airflow-init` service (docker-compose.yaml); every other Airflow service waits for it to succeed.
set -euo pipefail

airflow db migrate

# The simple auth manager reads logins from this file; the passwords come from .env, not from a generated file
# that only one container could see. `preflight` is the read-only user the pool check logs in as.
python - <<'PY'
import json
import os

path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
with open(path, "w", encoding="utf-8") as out:
    logins = {
        os.environ.get("AIRFLOW_ADMIN_USER", "admin"): os.environ["AIRFLOW_ADMIN_PASSWORD"],
        "preflight": os.environ["AIRFLOW_PREFLIGHT_PASSWORD"],
    }
    json.dump(logins, out)
os.chmod(path, 0o600)
PY

pools=$(mktemp)
python "$(dirname "$0")/pools.py" "${WAVEFLOW_PLANS_DIR}" > "${pools}"
airflow pools import "${pools}"
