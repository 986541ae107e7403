"""Where the runs' shared storage is: the local reports directory by default, WAVEFLOW_REPORTS_URL when set, and a
clear error for a URL that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.memory_store import memory_root

from waveflow.airflow.storage import StorageError, location, storage_root
from waveflow.airflow.transcripts import store_transcripts


def test_without_a_url_it_is_the_local_reports_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("WAVEFLOW_REPORTS_URL", raising=False)
    monkeypatch.setenv("WAVEFLOW_REPORTS_DIR", str(tmp_path / "reports"))
    assert storage_root() == tmp_path / "reports"


def test_the_url_and_its_connection(monkeypatch, tmp_path):
    monkeypatch.setenv("WAVEFLOW_REPORTS_URL", f"file://{tmp_path}/shared")
    monkeypatch.setenv("WAVEFLOW_REPORTS_CONN_ID", "waveflow_store")
    root = storage_root()
    assert root.conn_id == "waveflow_store"
    # Airflow names the connection in the path's URL; where a report says the file is, it does not.
    assert str(root) == f"file://waveflow_store@{tmp_path}/shared" and location(root) == f"file://{tmp_path}/shared"
    (root / "d" / "r").mkdir(parents=True)
    (root / "d" / "r" / "report.md").write_text("# r\n")
    assert (tmp_path / "shared" / "d" / "r" / "report.md").read_text() == "# r\n"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("/srv/shared/waveflow", "is not a storage URL: give one like file:///srv/shared/waveflow or s3://"),
        ("s3://", "is not a storage URL"),
        ("file://srv/shared", "a file URL needs an absolute path (three slashes: file:///...)"),
        ("s3://bucket/waveflow", "No filesystem registered for scheme s3 (install apache-airflow-providers-amazon"),
        ("gs://bucket/waveflow", "(install apache-airflow-providers-google on every Airflow component)"),
        ("nosuch://bucket/waveflow", "cannot be used: Unsupported filesystem: 'nosuch'"),
    ],
)
def test_a_url_that_cannot_be_used_says_why(monkeypatch, url, said):
    monkeypatch.setenv("WAVEFLOW_REPORTS_URL", url)
    with pytest.raises(StorageError) as caught:
        storage_root()
    message = str(caught.value)
    assert message.startswith(f"WAVEFLOW_REPORTS_URL={url!r}") and said in message
    assert "Traceback" not in message


def test_transcripts_are_copied_into_any_store_and_the_result_names_the_copy(tmp_path):
    worker_file = tmp_path / "state" / "logs" / "implement-1.log"
    worker_file.parent.mkdir(parents=True)
    worker_file.write_text("the agent's words\n")
    stored_earlier = "s3://bucket/waveflow/p/r/transcripts/1.1/1-implement-1.log"
    gone = str(tmp_path / "another-worker" / "implement-3.log")
    result = {"agent": {"iterations": [
        {"number": 1, "transcript": str(worker_file)},
        {"number": 2, "transcript": stored_earlier},
        {"number": 3, "transcript": gone},
        {"number": 4, "transcript": None},
    ]}}  # fmt: skip
    folder = memory_root() / "p" / "r" / "transcripts" / "1.1"
    stored = store_transcripts(result, folder)
    copy = folder / "1-implement-1.log"
    assert stored == [str(copy)] and str(copy).startswith("memory://")
    assert copy.read_text() == "the agent's words\n"
    names = [it["transcript"] for it in result["agent"]["iterations"]]
    assert names == [str(copy), stored_earlier, gone, None]
    assert not Path(str(copy)).exists()


def test_a_result_without_an_agent_stores_nothing(tmp_path):
    assert store_transcripts({"status": "failed"}, tmp_path / "t") == []
    assert not (tmp_path / "t").exists()
