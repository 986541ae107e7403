import socket

from shelf.server import Server
from shelf.testing import Environment


def ask(port: int, *lines: str) -> list[str]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall("".join(line + "\n" for line in lines).encode() + b"\n")
        replies = conn.makefile().read().splitlines()
    return replies


def test_clients_share_one_store_over_tcp():
    env = Environment()
    server = Server(env.free_port()).start()
    try:
        port = server.server_address[1]
        assert ask(port, "add apple 3", "add pear 2") == ["ok 3", "ok 2"]
        assert ask(port, "remove apple 1", "total") == ["ok 2", "ok 4"]
        assert ask(port, "remove pear 9") == ["error: pear: 2 in stock, 9 requested"]
    finally:
        server.stop()
        env.cleanup()


def test_two_servers_in_one_environment_get_different_ports():
    env = Environment()
    first, second = Server(env.free_port()).start(), Server(env.free_port()).start()
    try:
        assert first.server_address[1] != second.server_address[1]
        ask(first.server_address[1], "add apple 1")
        assert ask(second.server_address[1], "count apple") == ["ok 0"]
    finally:
        first.stop()
        second.stop()
