"""The local stack's settings: secrets made once per Airflow home and kept, homes made by earlier versions still work."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.fernet import Fernet

from waveflow.stack.settings import ADMIN, PREFLIGHT, StackSettings


def settings(home: Path) -> StackSettings:
    return StackSettings(home=home, port=8080)


def test_one_fernet_key_per_home(tmp_path):
    key = settings(tmp_path).env()["AIRFLOW__CORE__FERNET_KEY"]
    token = Fernet(key.encode()).encrypt(b"kept")
    again = settings(tmp_path).env()["AIRFLOW__CORE__FERNET_KEY"]
    assert Fernet(again.encode()).decrypt(token) == b"kept"
    assert settings(tmp_path / "other").env()["AIRFLOW__CORE__FERNET_KEY"] != key


def test_a_home_with_airflows_own_key_keeps_it(tmp_path):
    own = Fernet.generate_key().decode()
    (tmp_path / "airflow.cfg").write_text(f"[core]\nfernet_key = {own}\n")
    assert settings(tmp_path).env()["AIRFLOW__CORE__FERNET_KEY"] == own


def test_an_older_passwords_file_gains_the_preflight_login(tmp_path):
    (tmp_path / "passwords.json").write_text(json.dumps({ADMIN: "kept-password"}))
    env = settings(tmp_path).env()
    passwords = json.loads((tmp_path / "passwords.json").read_text())
    assert passwords[ADMIN] == "kept-password" and passwords[PREFLIGHT]
    connection = json.loads(env["AIRFLOW_CONN_WAVEFLOW_API"])
    assert (connection["login"], connection["password"]) == (PREFLIGHT, passwords[PREFLIGHT])
    assert f"{PREFLIGHT}:viewer" in env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"]
