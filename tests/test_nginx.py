"""fastexpress behind a real nginx, configured by docs/nginx.conf (the file docs/deploy.md shows).

nginx runs as a subprocess (``daemon off``; pid, logs and temp files in a tmp dir; listening
on 127.0.0.1 only) in front of two fastexpress processes started with ``app.listen``:

* with ``trust proxy`` set, ``req.ip``/``req.ips``/``req.protocol``/``req.secure``/
  ``req.hostname`` come from X-Forwarded-For/-Proto/-Host, and without it they do not (a
  sub-app mounted at ``/direct`` sets ``trust proxy`` to False);
* TLS ends at nginx (a ``trustme`` certificate): the app, on plain HTTP, sees https;
* under a bounded load through nginx, each instance in turn is stopped with SIGTERM (it
  finishes its in-flight requests and exits) and replaced on the same port: zero failed
  requests.

nginx is not installed at test time: without ``nginx`` on PATH these tests are skipped (CI
installs it in .ci/run).
"""
from __future__ import annotations

import collections
import concurrent.futures
import http.client
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOST = "127.0.0.1"
CLIENT = "127.0.0.2"  # the browser's address: another loopback address than nginx's 127.0.0.1


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):  # PATH without sbin
        found = "/usr/sbin/nginx"
    return found


NGINX = find_nginx()
needs_nginx = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (not on PATH): apt-get install -y nginx-light (CI's .ci/run does)",
)


# -- docs/nginx.conf, made runnable here --------------------------------------------------------

def doc_config() -> str:
    return (DOCS / "nginx.conf").read_text(encoding="utf-8")


def render_config(template: str, *, http_port: int, https_port: int, app_ports: tuple[int, int],
                  certfile: str, keyfile: str) -> str:
    """docs/nginx.conf with its ports and certificate paths swapped for the test's; every
    swap must find its text exactly once (so a changed doc fails loudly here)."""
    swaps = [
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen 443 ssl;", f"listen {HOST}:{https_port} ssl;"),
        ("server 127.0.0.1:3001 ", f"server {HOST}:{app_ports[0]} "),
        ("server 127.0.0.1:3002 ", f"server {HOST}:{app_ports[1]} "),
        ("/etc/ssl/fastexpress/fullchain.pem", certfile),
        ("/etc/ssl/fastexpress/privkey.pem", keyfile),
    ]
    for old, new in swaps:
        assert template.count(old) == 1, f"docs/nginx.conf should contain {old!r} exactly once"
        template = template.replace(old, new)
    return template


def main_config(tmp: Path, include: Path) -> str:
    """The top-level nginx.conf: everything nginx writes lives under ``tmp``."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return textwrap.dedent(
        f"""
        {user}daemon off;
        worker_processes 1;
        pid {tmp}/nginx.pid;
        error_log {tmp}/error.log warn;
        events {{ worker_connections 512; }}
        http {{
            access_log {tmp}/access.log;
            client_body_temp_path {tmp}/client_body;
            proxy_temp_path {tmp}/proxy;
            fastcgi_temp_path {tmp}/fastcgi;
            uwsgi_temp_path {tmp}/uwsgi;
            scgi_temp_path {tmp}/scgi;
            include {include};
        }}
        """
    )


def test_deploy_doc_shows_the_tested_config() -> None:
    """docs/deploy.md's nginx block is docs/nginx.conf, byte for byte (no drift)."""
    doc = (DOCS / "deploy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- nginx\.conf -->\n```nginx\n(.*?)```", doc, re.S)
    assert len(blocks) == 1, "docs/deploy.md should show docs/nginx.conf once, after <!-- nginx.conf -->"
    assert blocks[0] == doc_config()


# -- processes ----------------------------------------------------------------------------------

APP = textwrap.dedent(
    """
    import asyncio, json, sys
    from fastexpress import express

    name, port = sys.argv[1], int(sys.argv[2])

    def info(req, res):
        res.json({"ip": req.ip, "ips": req.ips, "protocol": req.protocol, "secure": req.secure,
                  "hostname": req.hostname, "peer": req.socket.client_addr})

    app = express()
    app.set("trust proxy", "loopback")  # nginx on this machine

    # The app's own account of /work: requests received and not (yet) answered, and how many
    # were answered after the graceful stop had begun (they were in flight at SIGTERM).
    in_flight = set()
    finished_while_stopping = 0

    @app.use
    def account(req, res, next):
        n = req.query.get("n")
        if n is not None:
            in_flight.add(n)

            def finished():
                global finished_while_stopping
                in_flight.discard(n)
                if req.socket.state.closing:
                    finished_while_stopping += 1

            res.on("finish", finished)
        next()

    app.get("/info", info)

    direct = express()  # the same routes without trusting the proxy
    direct.set("trust proxy", False)
    direct.get("/info", info)
    app.use("/direct", direct)

    @app.get("/work")
    async def work(req, res):
        await asyncio.sleep(int(req.query.get("ms", "0")) / 1000)
        res.set("X-Instance", name)
        res.send("done " + req.query["n"])

    app.listen(port, "127.0.0.1", lambda: print("ready", flush=True), graceful_timeout=5)
    print("stopped " + json.dumps({"unanswered": sorted(in_flight, key=int),
                                   "finished_while_stopping": finished_while_stopping}), flush=True)
    """
)


def free_ports(n: int) -> list[int]:
    """``n`` distinct free ports (all held open while choosing, so none repeats)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Instance:
    """One fastexpress process on ``port``."""

    def __init__(self, script: Path, name: str, port: int) -> None:
        self.name, self.port = name, port
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen([sys.executable, str(script), name, str(port)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, text=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 15.0)  # bounded wait for "ready"
        line = self.proc.stdout.readline() if ready else ""
        if line.strip() != "ready":
            self.proc.kill()
            raise AssertionError(f"{name} did not start: {line!r} {self.proc.communicate(timeout=5)}")

    def stop(self, timeout: float = 10.0) -> tuple[int, str, float]:
        """SIGTERM, then wait for the exit: (exit code, output, seconds it took)."""
        start = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate(timeout=5)
        return self.proc.returncode, out + err, time.monotonic() - start

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=5)


class Stack:
    def __init__(self, tmp: Path, http_port: int, https_port: int, apps: list[Instance], nginx: subprocess.Popen[bytes],
                 client_ctx: ssl.SSLContext) -> None:
        self.tmp, self.http_port, self.https_port = tmp, http_port, https_port
        self.apps, self.nginx, self.client_ctx = apps, nginx, client_ctx
        self.script = tmp / "app.py"

    def error_log(self) -> str:
        path = self.tmp / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def wait_listening(port: int, proc: subprocess.Popen[bytes], what: str, tmp: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            log = (tmp / "error.log").read_text(errors="replace") if (tmp / "error.log").exists() else ""
            raise AssertionError(f"{what} exited with {proc.returncode}: {log}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    assert NGINX is not None
    trustme = pytest.importorskip("trustme", reason="trustme is in the [test] extra")
    ca = trustme.CA()
    cert = ca.issue_cert("shop.example.com", "127.0.0.1")
    certfile, keyfile = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    cert.private_key_pem.write_to_path(str(keyfile))
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(certfile), append=True)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)

    http_port, https_port, port_a, port_b = free_ports(4)
    site = tmp_path / "fastexpress.conf"
    site.write_text(render_config(doc_config(), http_port=http_port, https_port=https_port,
                                  app_ports=(port_a, port_b), certfile=str(certfile), keyfile=str(keyfile)))
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(tmp_path, site))
    (tmp_path / "app.py").write_text(APP)

    apps: list[Instance] = []
    nginx: subprocess.Popen[bytes] | None = None
    try:
        apps.append(Instance(tmp_path / "app.py", "a1", port_a))
        apps.append(Instance(tmp_path / "app.py", "b1", port_b))
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_listening(http_port, nginx, "nginx", tmp_path)
        wait_listening(https_port, nginx, "nginx", tmp_path)
        yield Stack(tmp_path, http_port, https_port, apps, nginx, client_ctx)
    finally:
        if nginx is not None:
            if nginx.poll() is None:
                nginx.send_signal(signal.SIGTERM)  # fast shutdown
            try:
                nginx.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.communicate(timeout=5)
        for app in apps:
            app.kill()


def fetch(conn: http.client.HTTPConnection, path: str, headers: dict[str, str] | None = None,
          method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn.request(method, path, headers=headers or {})
    r = conn.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


# -- forwarded headers --------------------------------------------------------------------------

@needs_nginx
def test_forwarded_headers_need_trust_proxy(stack: Stack) -> None:
    import orjson

    host = {"Host": "shop.example.com"}
    plain = http.client.HTTPConnection(HOST, stack.http_port, timeout=5, source_address=(CLIENT, 0))
    tls = http.client.HTTPSConnection(HOST, stack.https_port, timeout=5, source_address=(CLIENT, 0),
                                      context=stack.client_ctx)
    try:
        results = {}
        for label, conn in (("http", plain), ("https", tls)):
            for path in ("/info", "/direct/info"):
                status, _, body = fetch(conn, path, host)
                assert status == 200, body
                results[label, path] = orjson.loads(body)
        # A client that sends its own X-Forwarded-For: nginx appends the real address.
        status, _, body = fetch(plain, "/info", {**host, "X-Forwarded-For": "203.0.113.9"})
        spoofed = orjson.loads(body)
    finally:
        plain.close()
        tls.close()

    for label in ("http", "https"):
        trusted, direct = results[label, "/info"], results[label, "/direct/info"]
        # The app's socket peer is nginx either way.
        assert trusted["peer"] == direct["peer"] == "127.0.0.1"
        # Trusted: the browser's address, scheme and host, from X-Forwarded-*.
        assert trusted["ip"] == CLIENT and trusted["ips"] == [CLIENT]
        assert trusted["protocol"] == label and trusted["secure"] is (label == "https")
        assert trusted["hostname"] == "shop.example.com"
        # Not trusted: what the socket says (nginx, plain HTTP, the Host nginx sent).
        assert direct["ip"] == "127.0.0.1" and direct["ips"] == []
        assert direct["protocol"] == "http" and direct["secure"] is False
        assert direct["hostname"] == "fastexpress"
    # "loopback" trusts every loopback hop, the (loopback) browser too: its own header is
    # believed. With nginx on another machine, trust only nginx's address.
    assert spoofed["ips"] == ["203.0.113.9", CLIENT] and spoofed["ip"] == "203.0.113.9"


# -- rolling restart under load -----------------------------------------------------------------

LOAD_THREADS = 6
LOAD_MAX_REQUESTS = 1500  # bounds: whichever comes first
LOAD_MAX_SECONDS = 20.0
PER_INSTANCE = 150  # requests each instance serves before it is stopped / after it started


@needs_nginx
def test_rolling_restart_under_load_loses_no_request(stack: Stack) -> None:
    """SIGTERM one instance (it finishes in-flight requests and exits), start its replacement
    on the same port, then the other: every request through nginx gets its 200."""
    stop = threading.Event()
    lock = threading.Lock()
    counter = iter(range(LOAD_MAX_REQUESTS))
    results: list[tuple[int, str]] = []  # (n, instance)
    failures: list[str] = []
    started = time.monotonic()

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, stack.http_port, timeout=10)
        try:
            while not stop.is_set() and time.monotonic() - started < LOAD_MAX_SECONDS:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                ms = n % 4 * 10  # 0-30 ms of work: some requests are always in flight
                try:
                    status, headers, body = fetch(conn, f"/work?n={n}&ms={ms}")
                except (OSError, http.client.HTTPException) as exc:
                    failures.append(f"request {n}: {exc!r}")
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, stack.http_port, timeout=10)
                    continue
                if status != 200 or body != f"done {n}".encode():
                    failures.append(f"request {n}: {status} {body[:200]!r}")
                else:
                    with lock:
                        results.append((n, headers.get("x-instance", "?")))
        finally:
            conn.close()

    def served_by(name: str) -> int:
        with lock:
            return sum(1 for _, inst in results if inst == name)

    def wait_for(cond: Any, what: str, timeout: float = 8.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.01)

    stops: list[tuple[str, int, str, float]] = []
    with concurrent.futures.ThreadPoolExecutor(LOAD_THREADS) as pool:
        jobs = [pool.submit(worker) for _ in range(LOAD_THREADS)]
        try:
            for index, new_name in ((0, "a2"), (1, "b2")):
                old = stack.apps[index]
                wait_for(lambda: served_by(old.name) >= PER_INSTANCE, f"{old.name} to serve under load")
                code, output, took = old.stop()
                stops.append((old.name, code, output, took))
                stack.apps[index] = Instance(stack.script, new_name, old.port)  # same port, after the exit
            wait_for(lambda: served_by("b2") >= PER_INSTANCE and served_by("a2") >= PER_INSTANCE, "the replacements to serve")
        finally:
            stop.set()
            for job in jobs:
                job.result(timeout=LOAD_MAX_SECONDS + 15)
    elapsed = time.monotonic() - started

    unusual = [line for line in stack.error_log().splitlines() if "(111: Connection refused)" not in line]
    assert failures == [], (f"{len(failures)} failed of {len(results) + len(failures)}: {failures[:10]}\n"
                            "nginx's error log, without the refused connections:\n" + "\n".join(unusual[-30:]))
    while_stopping = 0
    for name, code, output, took in stops:
        assert code == 0 and "stopped" in output, (name, code, output)
        report = json.loads(output[output.index("stopped ") + 8:].splitlines()[0])
        # Every request the app received was answered (nginx retries can hide nothing here).
        assert report["unanswered"] == [], (name, report)
        while_stopping += report["finished_while_stopping"]
        assert took < 4.0, f"{name} took {took:.1f}s to stop: it waited out its graceful timeout"
    # Requests were in flight at the SIGTERMs, and were finished by the stopping instances.
    assert while_stopping > 0, stops
    by_instance = {name: served_by(name) for name in ("a1", "b1", "a2", "b2")}
    assert all(count > 0 for count in by_instance.values()), by_instance
    assert len(results) >= 300, (len(results), elapsed)
    assert sorted(n for n, _ in results) == list(range(len(results)))  # each request answered once
    # For -s runs: what nginx saw. Mostly refused connections (while no process listened on a
    # port), each retried on the other instance; now and then an "upstream prematurely closed"
    # (nginx sent a request on an idle connection just as the stopping app closed it: the app
    # never saw it, and nginx retried it elsewhere, as it does for every GET).
    seen = collections.Counter(re.sub(r"^.*?\[error\] \S+ \*\d+ ", "", line).split(", client")[0]
                               for line in stack.error_log().splitlines() if "[error]" in line)
    print(f"{len(results)} requests in {elapsed:.1f}s, zero failed; served by {by_instance}; "
          f"finished by stopping instances: {while_stopping}; nginx errors: {dict(seen)}")
