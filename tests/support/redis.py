"""A throwaway Redis server from Debian's package (`redis-server`), on a private loopback port, in a temporary
directory, with nothing saved to disk."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .postgres import free_port

REDIS_SERVER = shutil.which("redis-server")


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(timeout: float = 30) -> Iterator[str]:
    """Yields the server's URL (`redis://127.0.0.1:<port>/0`); stops it and removes its directory after."""
    if REDIS_SERVER is None:
        raise RuntimeError("Redis is not installed: apt-get install redis-server")
    base = Path(tempfile.mkdtemp(prefix="waveflow-redis-"))
    port = free_port()
    argv = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(base), "--save", ""]
    argv += ["--appendonly", "no", "--daemonize", "no", "--logfile", str(base / "server.log")]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not _pong(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = base / "server.log"
                said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"redis-server did not answer on 127.0.0.1:{port}:\n{said}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(base, ignore_errors=True)
