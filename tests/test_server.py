"""The server entry points: ``app.listen`` (blocking, signals) and ``app.start`` / ``close``."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

APP = textwrap.dedent(
    """
    import asyncio, sys
    from fastexpress import express
    app = express()

    @app.get("/")
    def home(req, res):
        res.send("home")

    @app.get("/slow")
    async def slow(req, res):
        await asyncio.sleep(0.5)
        res.send("slow done")

    port = int(sys.argv[1])
    app.listen(port, "127.0.0.1", lambda: print("ready", flush=True))
    print("stopped", flush=True)
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, path: str, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while data := s.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


@pytest.fixture
def served(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, str(script), str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    yield proc, port
    if proc.poll() is None:
        proc.kill()
    proc.wait(5)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_listen_stops_gracefully_on_signal(served, sig) -> None:
    """A signal stops accepting but lets the in-flight request finish, then exits 0."""
    proc, port = served
    import threading

    result: dict[str, bytes] = {}
    worker = threading.Thread(target=lambda: result.setdefault("slow", request(port, "/slow")))
    worker.start()
    time.sleep(0.2)  # the slow request is in flight
    proc.send_signal(sig)
    worker.join(5)
    assert result["slow"].startswith(b"HTTP/1.1 200 OK\r\n")
    assert result["slow"].endswith(b"slow done")
    assert proc.wait(5) == 0
    assert proc.stdout is not None and proc.stdout.read().strip() == "stopped"
    with pytest.raises(OSError):
        request(port, "/")


def test_listen_serves_requests(served) -> None:
    proc, port = served
    response = request(port, "/")
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\nhome")


def test_start_and_close(loop) -> None:
    from fastexpress import express

    app = express()
    app.get("/", lambda req, res: res.send("hi"))

    async def scenario() -> bytes:
        server = await app.start(port=0)
        assert server.port > 0 and server.host == "127.0.0.1"
        data = await loop.run_in_executor(None, request, server.port, "/")
        await server.close()
        return data

    data = loop.run_until_complete(scenario())
    assert data.endswith(b"\r\n\r\nhi")


def test_unknown_server_option_is_an_error(loop) -> None:
    from fastexpress import express

    with pytest.raises(TypeError, match="unknown server option"):
        loop.run_until_complete(express().start(port=0, nope=1))


@pytest.mark.parametrize("option,value", [
    ("keep_alive_timeout", -1), ("head_timeout", float("nan")), ("request_timeout", float("inf")),
    ("graceful_timeout", "30"), ("head_timeout", True), ("max_head_size", 0), ("max_headers", 1.5),
    ("body_high_water", None), ("write_high_water", -5),
])
def test_bad_server_option_values_are_refused_by_name(loop, option: str, value: object) -> None:
    from fastexpress import express

    with pytest.raises(ValueError, match=f"^{option} must be "):
        loop.run_until_complete(express().start(port=0, **{option: value}))


def test_server_option_values_at_their_bounds_are_accepted() -> None:
    from fastexpress.server import make_config

    config = make_config(dict(keep_alive_timeout=0, head_timeout=0, request_timeout=0.0, graceful_timeout=1e6,
                              max_head_size=1, max_headers=1, body_high_water=1, write_high_water=1))
    assert (config.head_timeout, config.request_timeout, config.max_headers) == (0, 0.0, 1)
