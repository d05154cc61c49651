"""``fastexpress run module:app`` (``python -m fastexpress``): real processes, real sockets on
127.0.0.1, every wait bounded.

The helpers here (``Served``, ``http_get``) are shared with tests/test_workers.py.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any, Callable

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"

APP = textwrap.dedent(
    """
    import asyncio, os, sys
    from fastexpress import express

    VERSION = "v1"
    HOOKS = os.environ.get("HOOKS_FILE")

    def record(what):
        if HOOKS:
            with open(HOOKS, "a") as f:
                f.write(f"{what} {os.getpid()}\\n")

    def create_app():
        app = express()

        @app.get("/")
        def home(req, res):
            res.set("X-Pid", str(os.getpid())).send(f"{VERSION} {app.get('env')}")

        @app.get("/slow")
        async def slow(req, res):
            await asyncio.sleep(float(req.query.get("s", "0.5")))
            res.set("X-Pid", str(os.getpid())).send("slow done")

        app.on("startup", lambda: record("startup"))

        async def shutdown():
            await asyncio.sleep(0)
            record("shutdown")

        app.on("shutdown", shutdown)
        if os.environ.get("FAIL_STARTUP"):
            def broken():
                raise RuntimeError("the database is not there")
            app.on("startup", broken)
        return app

    app = create_app()
    not_an_app = 42

    def broken_factory():
        raise RuntimeError("no config")
    """
)


# -- helpers (also used by test_workers.py) -------------------------------------------------------

def env_with(tmp_path: Any, **extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(tmp_path), ROOT, os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, PYTHONPATH=path, PYTHONUNBUFFERED="1")
    env.pop("FASTEXPRESS_ENV", None)
    env.pop("FASTEXPRESS_WORKER", None)
    env.update(extra)
    return env


class Served:
    """A process (in a session of its own, so that cleanup can end all it started) whose
    stdout and stderr lines are collected by threads."""

    def __init__(self, args: list[str], cwd: Any, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(args, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self._cond = threading.Condition()
        self._threads = [threading.Thread(target=self._read, args=(s, lines), daemon=True)
                         for s, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for t in self._threads:
            t.start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            with self._cond:
                lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        with self._cond:
            return "\n".join(self.err + ["-- stdout --"] + self.out)

    def wait_for(self, pattern: str, timeout: float = 10.0, stream: str = "err", after: int = 0) -> re.Match[str]:
        """The first line (from index ``after``) matching the regex ``pattern``."""
        lines = self.err if stream == "err" else self.out
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in lines[after:]:
                    m = re.search(pattern, line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not any(t.is_alive() for t in self._threads)):
                    raise AssertionError(f"no line matching {pattern!r} within {timeout}s:\n{self.text()}")
                self._cond.wait(min(left, 0.1))

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 10.0) -> int:
        code = self.proc.wait(timeout)
        for t in self._threads:
            t.join(2)
        return code

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever the process started and left behind (its own session)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(5)
        for t in self._threads:
            t.join(2)


@pytest.fixture
def spawn(tmp_path: Any) -> Any:
    started: list[Served] = []

    def start(args: list[str], cwd: Any = None, **env: str) -> Served:
        served = Served(args, cwd or tmp_path, env_with(tmp_path, **env))
        started.append(served)
        return served

    yield start
    for served in started:
        served.cleanup()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "fastexpress", "run", *args]


class Response:
    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}

    @property
    def text(self) -> str:
        return self.body.decode()


def http_get(target: Any, path: str = "/", timeout: float = 5.0, keep_alive: bool = False) -> Response:
    """GET over a new connection (``target`` a port on 127.0.0.1 or a Unix socket path), read
    to EOF (``keep_alive``: send no ``Connection: close`` and read one response by its
    Content-Length)."""
    if isinstance(target, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(target)
    else:
        sock = socket.create_connection((HOST, target), timeout=timeout)
    with sock:
        conn = "" if keep_alive else "Connection: close\r\n"
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\nUser-Agent: test-agent\r\n{conn}\r\n".encode())
        data = b""
        while True:
            if keep_alive and b"\r\n\r\n" in data:
                head = Response(data)
                if len(head.body) >= int(head.headers.get("content-length", 0)):
                    break
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    if not data:
        raise ConnectionError("the server closed the connection without answering")
    return Response(data)


def retry(fn: Callable[[], Any], timeout: float = 10.0) -> Any:
    """``fn()`` until it does not raise OSError (a server that is still starting)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def ready_port(served: Served, timeout: float = 10.0) -> int:
    return int(served.wait_for(r"ready: .* on http://127\.0\.0\.1:(\d+)", timeout).group(1))


@pytest.fixture
def app_dir(tmp_path: Any) -> Any:
    (tmp_path / "myapp.py").write_text(APP)
    return tmp_path


# -- targets that cannot be served: one line, exit 1 ------------------------------------------------

@pytest.mark.parametrize("target, expected", [
    ("nosuchmodule:app", "cannot import 'nosuchmodule': no module named 'nosuchmodule'"),
    ("myapp:nope", "module 'myapp' has no attribute 'nope'"),
    ("myapp:not_an_app", "myapp:not_an_app is int, not a fastexpress app"),
    ("myapp:broken_factory()", "the factory myapp:broken_factory() raised RuntimeError: no config (at myapp.py:"),
    ("myapp:create_app", "if it is a factory, write 'myapp:create_app()'"),
    ("myapp", "must be 'module:attribute' or 'module:factory()'"),
    ("crashing:app", "importing 'crashing' failed: ZeroDivisionError: division by zero (at crashing.py:2)"),
])
def test_bad_target_is_one_line_and_exit_1(app_dir: Any, target: str, expected: str) -> None:
    (app_dir / "crashing.py").write_text("x = 1\ny = x / 0\n")
    proc = subprocess.run(cli(target, "--port", "0"), cwd=app_dir, env=env_with(app_dir), capture_output=True,
                          text=True, timeout=20)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("fastexpress: error: ") and expected in lines[0], lines[0]
    assert proc.stdout == ""


def test_bad_target_with_workers_is_one_line_too(app_dir: Any) -> None:
    """Workers report the error to the supervisor, which prints it once and exits 1."""
    proc = subprocess.run(cli("myapp:nope", "--port", "0", "--workers", "2", "--log-level", "warning"), cwd=app_dir,
                          env=env_with(app_dir), capture_output=True, text=True, timeout=20)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == ["fastexpress: error: module 'myapp' has no attribute 'nope'"]


@pytest.mark.parametrize("args", [
    [],  # no target
    ["myapp:app", "--workers", "0"],
    ["myapp:app", "--port", "http"],
    ["myapp:app", "--log-level", "loud"],
    ["myapp:app", "--ssl-keyfile", "key.pem"],  # a key without a certificate
    ["myapp:app", "--head-timeout", "-1"],
    ["myapp:app", "--request-timeout", "inf"],
    ["myapp:app", "--keep-alive-timeout", "soon"],
])
def test_usage_errors_exit_2(app_dir: Any, args: list[str]) -> None:
    proc = subprocess.run(cli(*args), cwd=app_dir, env=env_with(app_dir), capture_output=True, text=True,
                          timeout=20)
    assert proc.returncode == 2, proc.stderr
    assert "usage: fastexpress" in proc.stderr


def test_version_and_help(app_dir: Any) -> None:
    env = env_with(app_dir)
    out = subprocess.run([sys.executable, "-m", "fastexpress", "--version"], env=env, capture_output=True, text=True,
                         timeout=20)
    assert out.returncode == 0 and out.stdout.startswith("fastexpress "), out
    out = subprocess.run(cli("--help"), env=env, capture_output=True, text=True, timeout=20)
    assert out.returncode == 0 and "--limit-max-requests" in out.stdout and "--reload-exclude" in out.stdout


@pytest.mark.skipif(shutil.which("fastexpress") is None, reason="the console script is not installed "
                    "(pip install -e . puts `fastexpress` on the PATH)")
def test_console_script() -> None:
    out = subprocess.run(["fastexpress", "--version"], capture_output=True, text=True, timeout=20)
    assert out.returncode == 0 and out.stdout.startswith("fastexpress "), out


# -- one process ----------------------------------------------------------------------------------

def test_factory_env_access_log_keep_alive_and_hooks(spawn: Any, app_dir: Any) -> None:
    """``module:factory()``, ``--env`` before the import, ``--access-log`` (combined plus the
    response time, on stderr), ``--keep-alive-timeout``; startup/shutdown hooks; SIGTERM -> 0."""
    hooks = app_dir / "hooks.txt"
    served = spawn(cli("myapp:create_app()", "--port", "0", "--env", "production", "--access-log",
                       "--keep-alive-timeout", "2"), HOOKS_FILE=str(hooks))
    port = ready_port(served)
    assert "env production" in served.wait_for("ready").string
    r = http_get(port, "/?q=1", keep_alive=True)
    assert r.status == 200 and r.text == "v1 production"
    assert r.headers["keep-alive"] == "timeout=2"
    line = served.wait_for(r'"GET /\?q=1 HTTP/1.1"').string
    assert re.fullmatch(r'127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /\?q=1 HTTP/1\.1" 200 '
                        r'\d+ "-" "test-agent" \d+\.\d{3} ms', line), line
    served.signal(signal.SIGTERM)
    assert served.wait() == 0, served.text()
    pid = served.pid
    assert hooks.read_text().split("\n") == [f"startup {pid}", f"shutdown {pid}", ""]
    with pytest.raises(OSError):
        http_get(port, timeout=1)


def test_timeout_flags_become_server_options() -> None:
    from fastexpress.cli import _server_options, build_parser

    def options(*flags: str) -> dict[str, float]:
        return _server_options(build_parser().parse_args(["run", "m:app", *flags]))

    assert options() == {}  # the server's defaults stay in one place (ServerConfig)
    assert options("--keep-alive-timeout", "2", "--head-timeout", "1.5", "--request-timeout", "0",
                   "--graceful-timeout", "9") == {
        "keep_alive_timeout": 2.0, "head_timeout": 1.5, "request_timeout": 0.0, "graceful_timeout": 9.0}


def test_head_timeout_flag_reaches_the_server(spawn: Any, app_dir: Any) -> None:
    served = spawn(cli("myapp:app", "--port", "0", "--head-timeout", "0.5"))
    port = ready_port(served)
    with socket.create_connection((HOST, port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n")  # and no blank line
        start = time.monotonic()
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
        assert 0.4 <= time.monotonic() - start < 4
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), data


def test_unix_socket_and_access_log_file(spawn: Any, app_dir: Any) -> None:
    path = str(app_dir / "app.sock")
    log_file = app_dir / "access.log"
    served = spawn(cli("myapp:app", "--uds", path, "--access-log-file", str(log_file)))
    served.wait_for(r"ready: .* on unix:")
    r = http_get(path)
    assert r.status == 200 and r.text == "v1 development"
    served.signal(signal.SIGINT)
    assert served.wait() == 0, served.text()
    assert not os.path.exists(path)  # removed on the way out
    assert re.search(r'"GET / HTTP/1.1" 200 14 "-" "test-agent" [\d.]+ ms\n$', log_file.read_text())
    assert "GET /" not in served.text()  # not on stderr


def test_startup_hook_failure_in_one_process(app_dir: Any) -> None:
    proc = subprocess.run(cli("myapp:app", "--port", "0"), cwd=app_dir, env=env_with(app_dir, FAIL_STARTUP="1"),
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback (most recent call last)" in proc.stderr
    assert "RuntimeError: the database is not there" in proc.stderr
    assert proc.stderr.rstrip().endswith("fastexpress: error: a startup hook raised; not serving")


def test_port_in_use_is_one_line(app_dir: Any) -> None:
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        for extra in ([], ["--workers", "2"]):
            proc = subprocess.run(cli("myapp:app", "--port", str(port), *extra), cwd=app_dir, env=env_with(app_dir),
                                  capture_output=True, text=True, timeout=20)
            assert proc.returncode == 1, proc.stderr
            errors = [line for line in proc.stderr.splitlines() if "cannot listen" in line]
            assert len(errors) == 1 and "in use" in errors[0], proc.stderr


# -- --reload ---------------------------------------------------------------------------------------

def test_reload_without_watchfiles_says_how_to_get_it(app_dir: Any) -> None:
    fake = app_dir / "nowatch"
    (fake / "watchfiles").mkdir(parents=True)
    (fake / "watchfiles" / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = env_with(app_dir)
    env["PYTHONPATH"] = str(fake) + os.pathsep + env["PYTHONPATH"]
    proc = subprocess.run(cli("myapp:app", "--reload"), cwd=app_dir, env=env, capture_output=True, text=True,
                          timeout=20)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "pip install watchfiles" in lines[0], proc.stderr


def test_reload_filter() -> None:
    pytest.importorskip("watchfiles")
    from watchfiles import Change

    from fastexpress.cli import ReloadFilter

    default = ReloadFilter()
    cwd = os.getcwd()
    assert default(Change.modified, os.path.join(cwd, "app.py"))
    assert default(Change.added, os.path.join(cwd, "pkg", "views.py"))
    assert not default(Change.modified, os.path.join(cwd, "README.md"))
    for ignored in (".git", ".venv", "node_modules", "__pycache__"):
        assert not default(Change.modified, os.path.join(cwd, ignored, "x.py"))
    custom = ReloadFilter(include=["*.html"], exclude=["migrations", "*_test.py"])
    assert custom(Change.modified, os.path.join(cwd, "views", "index.html"))
    assert custom(Change.modified, os.path.join(cwd, "app.py"))
    assert not custom(Change.modified, os.path.join(cwd, "migrations", "0001.py"))
    assert not custom(Change.modified, os.path.join(cwd, "app_test.py"))


def test_reload_restarts_on_change(spawn: Any, app_dir: Any) -> None:
    """A change replaces the worker (fresh code); a broken edit keeps the old worker serving."""
    pytest.importorskip("watchfiles")
    served = spawn(cli("myapp:app", "--port", "0", "--reload"))
    port = ready_port(served)
    served.wait_for(r"watching .* for changes")
    first = http_get(port)
    assert first.text == "v1 development"
    source = app_dir / "myapp.py"
    source.write_text(APP + "\nsyntax error here(\n")
    served.wait_for(r"error: importing 'myapp' failed: SyntaxError")
    assert http_get(port).text == "v1 development"  # the old worker still serves
    mark = len(served.err)
    source.write_text(APP.replace('VERSION = "v1"', 'VERSION = "v2.0"'))
    served.wait_for(r"reload complete", after=mark)
    # "reload complete" waits for the retiring worker to stop accepting: no old code answers.
    second = http_get(port)
    assert second.text == "v2.0 development"
    assert second.headers["x-pid"] != first.headers["x-pid"]
    served.signal(signal.SIGTERM)
    assert served.wait() == 0, served.text()
