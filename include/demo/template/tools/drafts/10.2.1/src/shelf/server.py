"""shelf over TCP: one protocol line per request, one reply line per response."""

from __future__ import annotations

import socketserver
import threading

from .service import Service


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        service = Service()
        for raw in self.rfile:
            line = raw.decode().strip()
            if not line:
                break
            self.wfile.write((service.handle(line) + "\n").encode())


class Server(socketserver.ThreadingTCPServer):
    """A shelf server on 127.0.0.1:`port`, serving from a thread until `stop`."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, service: Service | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.service = service or Service()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def start(self) -> Server:
        """Start serving in the background; returns the server."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()
