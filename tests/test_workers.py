"""Worker processes on one port (``--workers N``, ``app.listen(..., workers=N)``): real
processes and sockets on 127.0.0.1, bounded loads and waits. Each response carries the pid of
the worker that made it (``X-Pid``)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from test_cli import APP, HOST, cli, env_with, http_get, ready_port, spawn  # noqa: F401 (spawn: a fixture)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing is Linux's")


@pytest.fixture(autouse=True)
def app_dir(tmp_path: Any) -> Any:
    (tmp_path / "myapp.py").write_text(APP)
    return tmp_path


def ready_pids(served: Any, after: int = 0) -> set[int]:
    m = served.wait_for(r"ready: \d+ workers? \(([\d, ]+)\)", after=after)
    return {int(p) for p in m.group(1).split(", ")}


def pids_seen(port: int, want: int, limit: int = 300, pause: float = 0.0) -> tuple[set[int], int]:
    """GET / until ``want`` different workers answered (at most ``limit`` requests, every one
    of which must succeed); returns the pids and the number of requests made."""
    seen: set[int] = set()
    for count in range(1, limit + 1):
        r = http_get(port)
        assert r.status == 200, r.body
        seen.add(int(r.headers["x-pid"]))
        if len(seen) >= want:
            return seen, count
        time.sleep(pause)
    return seen, limit


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def test_workers_share_the_port_and_a_killed_worker_is_replaced(spawn: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "2"))
    port = ready_port(served)
    pids = ready_pids(served)
    assert len(pids) == 2 and served.pid not in pids
    seen, _ = pids_seen(port, 2)
    assert seen == pids  # both answer on the one port
    victim = min(pids)
    os.kill(victim, signal.SIGKILL)
    served.wait_for(rf"worker {victim} \(slot \d\) died \(killed by SIGKILL\); starting a new one")
    # Every request is answered meanwhile: the dead worker's queue waits for its replacement.
    seen, _ = pids_seen(port, 2, pause=0.01)
    assert victim not in seen and len(seen - pids) == 1, (seen, pids)
    served.signal(signal.SIGTERM)
    assert served.wait() == 0, served.text()


SCRIPT = textwrap.dedent(
    """
    import sys
    from myapp import app   # the hooks write to $HOOKS_FILE

    if __name__ == "__main__":
        sys.stdout.write("main module ran\\n")  # one write: three processes share the pipe
        sys.stdout.flush()
    app.listen(int(sys.argv[1]), "127.0.0.1", lambda: print("ready", flush=True), workers=2, graceful_timeout=10)
    print("stopped", flush=True)
    """
)


def test_listen_workers_sigterm_under_load_finishes_every_request(spawn: Any, app_dir: Any) -> None:
    """``app.listen(..., workers=2)`` in a script: workers run the script again; SIGTERM while
    100 slow requests are in flight lets every one finish, runs the shutdown hooks in each
    worker, and exits 0."""
    (app_dir / "serve.py").write_text(SCRIPT)
    hooks = app_dir / "hooks.txt"
    port = free_port()
    served = spawn([sys.executable, "serve.py", str(port)], HOOKS_FILE=str(hooks))
    served.wait_for("^ready$", stream="out")
    total = 100
    sent = threading.Barrier(total + 1, timeout=10)

    def slow_request(_: int) -> tuple[int, str, str]:
        with socket.create_connection((HOST, port), timeout=10) as s:
            s.sendall(b"GET /slow?s=0.8 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            sent.wait()
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        pid = [line.split(b":")[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"x-pid")]
        return int(head.split()[1]), body.decode(), pid[0].decode() if pid else ""

    idle = socket.create_connection((HOST, port), timeout=5)  # a keep-alive connection, idle
    idle.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert idle.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
    with ThreadPoolExecutor(total) as pool:
        futures = [pool.submit(slow_request, i) for i in range(total)]
        sent.wait()
        time.sleep(0.3)  # accepted by the workers, handlers sleeping
        served.signal(signal.SIGTERM)
        signalled = time.monotonic()
        assert idle.recv(65536) == b""  # the idle connection is closed at once...
        idle_closed = time.monotonic() - signalled
        results = [f.result(timeout=15) for f in futures]
    idle.close()
    assert idle_closed < 0.6, idle_closed  # ... before the in-flight requests (0.8 s) end
    assert all(status == 200 and body == "slow done" for status, body, _ in results), results
    assert len({pid for _, _, pid in results}) == 2  # both workers had a share
    assert served.wait(15) == 0, served.text()
    # The workers ran the script as __main__ too; they exit inside listen(): one "stopped".
    out = "\n".join(served.out)
    assert out.count("main module ran") == 3, served.text()
    assert out.count("ready") == 1 and out.count("stopped") == 1 and out.endswith("stopped"), served.text()
    lines = hooks.read_text().split()
    started = {lines[i + 1] for i in range(0, len(lines), 2) if lines[i] == "startup"}
    stopped = {lines[i + 1] for i in range(0, len(lines), 2) if lines[i] == "shutdown"}
    assert len(lines) == 8 and started == stopped == {pid for _, _, pid in results}, lines
    with pytest.raises(OSError):
        http_get(port, timeout=1)


def test_sighup_under_load_replaces_every_worker_and_refuses_nothing(spawn: Any, app_dir: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "2"))
    port = ready_port(served)
    old = ready_pids(served)
    stop = threading.Event()
    results: list[tuple[float, int, str]] = []
    errors: list[str] = []

    def load() -> None:
        for _ in range(5000):  # bounded, and stopped long before
            if stop.is_set():
                return
            began = time.monotonic()
            try:
                r = http_get(port)
                results.append((began, int(r.headers["x-pid"]), r.text))
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(repr(exc))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.3)
        (app_dir / "myapp.py").write_text(APP.replace('VERSION = "v1"', 'VERSION = "v2.0"'))
        mark = len(served.err)
        hup = time.monotonic()
        served.signal(signal.SIGHUP)
        new = {int(p) for p in served.wait_for(r"reload complete: workers ([\d, ]+)", 20, after=mark)
               .group(1).split(", ")}
        done = time.monotonic()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert not errors, errors[:5]
    assert len(new) == 2 and not new & old
    before = [r for r in results if r[0] < hup]
    after = [r for r in results if r[0] > done + 0.2]
    assert len(results) > 100 and before and after, len(results)
    assert all(pid in new and text == "v2.0 development" for _, pid, text in after), after[:5]
    assert all(pid in old and text == "v1 development" for _, pid, text in before)
    served.signal(signal.SIGTERM)
    assert served.wait() == 0, served.text()
    assert not any(alive(pid) for pid in old | new)


def test_second_signal_stops_at_once(spawn: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "2", "--graceful-timeout", "20"))
    port = ready_port(served)
    outcome: dict[str, Any] = {}

    def slow() -> None:
        try:
            outcome["response"] = http_get(port, "/slow?s=30", timeout=10)
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    served.signal(signal.SIGTERM)
    served.wait_for("SIGTERM: stopping gracefully")
    time.sleep(0.3)
    assert served.proc.poll() is None  # still waiting for the slow request
    began = time.monotonic()
    served.signal(signal.SIGTERM)
    assert served.wait(10) == 0, served.text()
    assert time.monotonic() - began < 3
    t.join(10)
    assert "response" not in outcome and isinstance(outcome["error"], (ConnectionError, OSError))


def test_ctrl_c_to_the_process_group_is_one_graceful_stop(spawn: Any) -> None:
    """Ctrl-C reaches every process of the group: the workers ignore SIGINT, so the
    supervisor's SIGTERM is their first signal and the request in flight finishes."""
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "2"))
    port = ready_port(served)
    outcome: dict[str, Any] = {}
    t = threading.Thread(target=lambda: outcome.update(r=http_get(port, "/slow?s=0.6", timeout=10)))
    t.start()
    time.sleep(0.3)
    os.killpg(served.pid, signal.SIGINT)  # the test's process is the leader of its own group
    t.join(10)
    assert outcome["r"].status == 200 and outcome["r"].text == "slow done"
    assert served.wait() == 0, served.text()
    assert "SIGINT: stopping gracefully" in served.text() and "stopping now" not in served.text()


def test_startup_failure_gives_up_after_a_few_tries(app_dir: Any) -> None:
    began = time.monotonic()
    proc = subprocess.run(cli("myapp:app", "--port", "0", "--workers", "2"), cwd=app_dir,
                          env=env_with(app_dir, FAIL_STARTUP="1"), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert time.monotonic() - began < 15
    assert "RuntimeError: the database is not there" in proc.stderr  # each worker's traceback
    assert "startup failed" in proc.stderr
    assert "workers failed to start 3 times in a row (last: exit code 3); giving up" in proc.stderr


def test_limit_max_requests_recycles_the_worker(spawn: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "1", "--limit-max-requests", "3"))
    port = ready_port(served)
    first = ready_pids(served)
    seen, count = pids_seen(port, 3, limit=400, pause=0.01)  # every request answered
    assert len(seen) == 3 and first < seen, (seen, count)
    served.wait_for(r"worker \d+ reached its request limit; replacing it")
    served.signal(signal.SIGINT)
    assert served.wait() == 0, served.text()


def test_ttin_and_ttou_add_and_remove_a_worker(spawn: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "2"))
    port = ready_port(served)
    first = ready_pids(served)
    served.signal(signal.SIGTTIN)
    added = int(served.wait_for(r"SIGTTIN: adding worker (\d+) \(now 3\)").group(1))
    seen, _ = pids_seen(port, 3, pause=0.01)
    assert seen == first | {added}
    served.signal(signal.SIGTTOU)
    served.wait_for(rf"SIGTTOU: removing worker {added} \(now 2\)")
    deadline = time.monotonic() + 5
    while alive(added) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(added)
    assert pids_seen(port, 3, limit=40)[0] == first
    served.signal(signal.SIGTERM)
    assert served.wait() == 0, served.text()


def test_workers_stop_when_the_supervisor_is_killed(spawn: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--workers", "2"))
    ready_port(served)
    pids = ready_pids(served)
    served.proc.kill()
    served.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids)
