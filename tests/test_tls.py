"""TLS served by fastexpress itself: ``await app.start(port=0, ssl=ctx)`` / ``app.listen(..., ssl=ctx)``.

On asyncio and uvloop (the ``loop`` fixture), with certificates made by ``trustme``:
``req.protocol``/``req.secure`` say https, keep-alive and a streamed (chunked, backpressured)
response work over TLS, a file goes out through the TLS path (no sendfile), a plain-HTTP
request or a stalled handshake on the TLS port is dropped while the server keeps serving, and
a graceful close lets an in-flight TLS response finish. The last test runs the CLI with
``--ssl-certfile/--ssl-keyfile`` when the CLI has them.

The client side is blocking ``ssl`` sockets run in executor threads, so the bytes really cross
the kernel and a real TLS stack on both ends.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest

from fastexpress import express
from test_sockets import Client, Resp, serve, thread  # noqa: F401 (Resp: the type Client.read returns)

trustme = pytest.importorskip("trustme", reason="trustme is in the [test] extra: pip install -e '.[test]'")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"
TIMEOUT = 5.0


# -- certificates -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca: Any) -> Any:
    return ca.issue_cert("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def server_ctx(server_cert: Any) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(ctx)
    return ctx


@pytest.fixture(scope="module")
def client_ctx(ca: Any) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


# -- a blocking HTTP/1.1 client over TLS (or plain TCP) ----------------------------------------

def get(path: str = "/", extra: bytes = b"") -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n"


def info_app(*middleware: Any) -> Any:
    app = express()
    app.disable("x-powered-by")
    app.set("etag", False)
    for mw in middleware:
        app.use(mw)

    @app.get("/info")
    def info(req: Any, res: Any) -> None:
        res.json({"protocol": req.protocol, "secure": req.secure, "ip": req.ip, "ips": req.ips,
                  "hostname": req.hostname,
                  "peer": list(req.socket.transport.get_extra_info("peername"))})

    return app


# -- tests --------------------------------------------------------------------------------------

def test_protocol_and_secure_over_tls(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                                      client_ctx: ssl.SSLContext) -> None:
    import orjson

    app = info_app()

    async def body(server: Any) -> None:
        client = await thread(Client, server.port, client_ctx)
        r = await thread(client.request, get("/info"))
        version = client.sock.version()  # type: ignore[attr-defined]
        client.close()
        assert r.status == 200
        data = orjson.loads(bytes(r.body))
        assert data["protocol"] == "https" and data["secure"] is True
        assert data["ip"] == "127.0.0.1" and data["ips"] == [] and data["hostname"] == "localhost"
        assert version in ("TLSv1.2", "TLSv1.3")

    serve(loop, app, body, ssl=server_ctx)


def test_plain_http_says_http(loop: asyncio.AbstractEventLoop) -> None:
    """The control: the same app without ``ssl`` reports http."""
    import orjson

    app = info_app()

    async def body(server: Any) -> None:
        client = await thread(Client, server.port, None)
        r = await thread(client.request, get("/info"))
        client.close()
        data = orjson.loads(bytes(r.body))
        assert (data["protocol"], data["secure"]) == ("http", False)

    serve(loop, app, body, ssl=None)


def test_forwarded_proto_over_tls_needs_trust_proxy(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                                                    client_ctx: ssl.SSLContext) -> None:
    """Over TLS a client's ``X-Forwarded-Proto: http`` is ignored unless the peer is trusted."""
    import orjson

    app = info_app()
    sub = info_app()
    sub.set("trust proxy", "loopback")
    app.use("/trusted", sub)
    spoof = b"X-Forwarded-Proto: http\r\nX-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Host: shop.example\r\n"

    async def body(server: Any) -> None:
        client = await thread(Client, server.port, client_ctx)
        plain = orjson.loads(bytes((await thread(client.request, get("/info", spoof))).body))
        trusted = orjson.loads(bytes((await thread(client.request, get("/trusted/info", spoof))).body))
        client.close()
        assert (plain["protocol"], plain["secure"], plain["ip"], plain["hostname"]) == (
            "https", True, "127.0.0.1", "localhost")
        assert (trusted["protocol"], trusted["secure"], trusted["ip"], trusted["hostname"]) == (
            "http", False, "203.0.113.9", "shop.example")

    serve(loop, app, body, ssl=server_ctx)


def test_keep_alive_over_tls(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                             client_ctx: ssl.SSLContext) -> None:
    app = info_app()

    @app.get("/n/:n")
    def n(req: Any, res: Any) -> None:
        res.send(req.params["n"] + " " + str(req.socket.transport.get_extra_info("peername")[1]))

    async def body(server: Any) -> None:
        client = await thread(Client, server.port, client_ctx)
        rs = []
        for i in range(5):
            rs.append(await thread(client.request, get(f"/n/{i}")))
        # Three pipelined in one TLS record.
        client.send(get("/n/5") + get("/n/6") + get("/n/7"))
        rs = (await thread(client.read, 8))
        assert server.connections == 1
        client.close()
        bodies = [bytes(r.body).decode().split() for r in rs]
        assert [b[0] for b in bodies] == [str(i) for i in range(8)]
        assert len({b[1] for b in bodies}) == 1  # one connection served all of them
        assert all(r.header("Connection") == ["keep-alive"] for r in rs)

    serve(loop, app, body, ssl=server_ctx)


def test_streamed_response_over_tls_with_slow_reader(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                                                     client_ctx: ssl.SSLContext) -> None:
    """A chunked response written piece by piece, with ``drain`` when the TLS transport pushes
    back, reaches a slow reader intact; the connection then serves another request."""
    app = info_app()
    chunk = 64 * 1024
    count = 96  # 6 MiB: more than the kernel's socket buffers (4 MiB send + the receive window)
    paused: list[int] = []

    @app.get("/stream")
    async def stream(req: Any, res: Any) -> None:
        res.type("bin")
        for i in range(count):
            if not res.write(bytes([65 + i % 26]) * chunk):
                paused.append(i)
                await res.drain()
            if i % 16 == 0:
                await asyncio.sleep(0)
        res.end()

    app.get("/after", lambda req, res: res.send("after"))

    async def body(server: Any) -> None:
        client = await thread(Client, server.port, client_ctx, 32 * 1024)
        client.send(get("/stream"))
        r = (await thread(client.read, 1, 0.5))[0]
        assert r.status == 200
        assert r.header("Transfer-Encoding") == ["chunked"]
        expected = b"".join(bytes([65 + i % 26]) * chunk for i in range(count))
        assert bytes(r.body) == expected
        again = await thread(client.request, get("/after"))
        client.close()
        assert bytes(again.body) == b"after"
        assert paused, "the TLS transport never pushed back: the slow reader was not slow enough"

    serve(loop, app, body, ssl=server_ctx)


def test_send_file_over_tls(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                            client_ctx: ssl.SSLContext, tmp_path: Any) -> None:
    """Files go through the chunked read+write path on TLS (sendfile(2) would bypass TLS)."""
    data = os.urandom(1024 * 1024 + 17)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    app = info_app()
    app.get("/blob", lambda req, res: res.send_file(str(path)))

    async def body(server: Any) -> None:
        client = await thread(Client, server.port, client_ctx, 64 * 1024)
        client.send(get("/blob"))
        r = (await thread(client.read, 1, 0.2))[0]
        r2 = await thread(client.request, get("/blob", b"Range: bytes=10-19\r\n"))
        client.close()
        assert r.status == 200 and r.header("Content-Length") == [str(len(data))]
        assert bytes(r.body) == data
        assert r2.status == 206 and bytes(r2.body) == data[10:20]

    serve(loop, app, body, ssl=server_ctx)


def _plain_to_tls_port(port: int) -> bytes:
    """Plain HTTP to the TLS port: whatever comes back until the server closes."""
    sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
    try:
        sock.sendall(get("/info", b"Connection: close\r\n"))
        out = b""
        try:
            while data := sock.recv(65536):
                out += data
        except ConnectionResetError:
            pass
        return out
    finally:
        sock.close()


def test_plain_http_to_tls_port_is_dropped(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                                           client_ctx: ssl.SSLContext) -> None:
    """A plain-HTTP request on the TLS port gets no HTTP answer and a closed connection (not a
    hang); a TLS connection kept alive across it and a new one are served."""
    seen: list[str] = []
    app = info_app(lambda req, res, next: (seen.append(req.path), next()))

    async def body(server: Any) -> None:
        tls = await thread(Client, server.port, client_ctx)
        assert (await thread(tls.request, get("/info"))).status == 200
        start = time.monotonic()
        outs = await asyncio.gather(*(thread(_plain_to_tls_port, server.port) for _ in range(5)))
        assert time.monotonic() - start < TIMEOUT - 1, "the server kept a plain-HTTP connection open"
        for out in outs:
            assert not out.startswith(b"HTTP/"), out
        # The kept-alive TLS connection and a new one still work.
        assert (await thread(tls.request, get("/info"))).status == 200
        tls.close()
        fresh = await thread(Client, server.port, client_ctx)
        assert (await thread(fresh.request, get("/info"))).status == 200
        fresh.close()
        assert seen == ["/info"] * 3  # the plain requests never reached the app
        deadline = time.monotonic() + 2
        while server.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert server.connections == 0

    serve(loop, app, body, ssl=server_ctx)


def test_bad_handshakes_do_not_stop_the_server(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                                               client_ctx: ssl.SSLContext) -> None:
    """Garbage, an untrusted-certificate abort, a client gone mid-handshake and one that never
    speaks: the server keeps serving, and a graceful close is not held up by the silent one."""
    app = info_app()

    def garbage(port: int) -> None:
        with socket.create_connection((HOST, port), timeout=TIMEOUT) as s:
            s.sendall(b"\x16\x03\x01\x00\x05hello" + os.urandom(64))
            try:
                s.recv(100)
            except (ConnectionResetError, socket.timeout):
                pass

    def distrusting(port: int) -> None:
        ctx = ssl.create_default_context()  # does not trust the test CA: aborts the handshake
        with pytest.raises(ssl.SSLCertVerificationError):
            Client(port, ctx)

    def gone(port: int) -> None:
        s = socket.create_connection((HOST, port), timeout=TIMEOUT)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # a reset before any TLS byte

    silent: list[socket.socket] = []

    async def body(server: Any) -> float:
        silent.append(socket.create_connection((HOST, server.port), timeout=TIMEOUT))  # never handshakes
        await asyncio.gather(thread(garbage, server.port), thread(distrusting, server.port),
                             thread(gone, server.port))
        for _ in range(3):
            c = await thread(Client, server.port, client_ctx)
            assert (await thread(c.request, get("/info"))).status == 200
            c.close()
        return time.monotonic()

    try:
        start = serve(loop, app, body, ssl=server_ctx)
        closed_in = time.monotonic() - start
    finally:
        for s in silent:
            s.close()
    assert closed_in < 0.9, f"graceful close waited {closed_in:.1f}s for a client that never handshook"


def test_graceful_close_finishes_in_flight_tls_response(loop: asyncio.AbstractEventLoop, server_ctx: ssl.SSLContext,
                                                        client_ctx: ssl.SSLContext) -> None:
    app = info_app()
    started = asyncio.Event()

    @app.get("/slow")
    async def slow(req: Any, res: Any) -> None:
        started.set()
        await asyncio.sleep(0.3)
        res.send("slow done")

    def slow_client(port: int) -> bytes:
        c = Client(port, client_ctx)
        c.send(get("/slow"))
        out = c.read_to_eof()
        c.close()
        return out

    async def main() -> bytes:
        server = await app.start(port=0, ssl=server_ctx, graceful_timeout=2.0)
        idle = await thread(Client, server.port, client_ctx)
        assert (await thread(idle.request, get("/info"))).status == 200
        job = asyncio.ensure_future(thread(slow_client, server.port))
        await asyncio.wait_for(started.wait(), TIMEOUT)
        before = bytes(idle.raw)

        def eof_then_close() -> bytes:  # as a browser does when the server closes
            try:
                return idle.read_to_eof()
            finally:
                idle.close()

        idle_eof = asyncio.ensure_future(thread(eof_then_close))
        start = time.monotonic()
        await server.close()
        took = time.monotonic() - start
        assert (await idle_eof) == before  # the idle one was just closed, nothing written
        assert took < 1.5, f"close took {took:.2f}s: the TLS connections did not finish closing"
        return await job

    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda lp, ctx: errors.append(ctx))
    try:
        out = loop.run_until_complete(asyncio.wait_for(main(), 15))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
    assert errors == [], errors
    assert out.startswith(b"HTTP/1.1 200 OK\r\n") and out.endswith(b"slow done")
    assert b"Connection: close\r\n" in out


# -- listen() and the command line --------------------------------------------------------------

LISTEN_APP = textwrap.dedent(
    """
    import ssl, sys
    from fastexpress import express
    app = express()
    app.get("/", lambda req, res: res.json({"protocol": req.protocol, "secure": req.secure}))
    if __name__ == "__main__":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        app.listen(int(sys.argv[1]), "127.0.0.1", lambda: print("ready", flush=True), ssl=ctx)
        print("stopped", flush=True)
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tls_get(port: int, client_ctx: ssl.SSLContext, deadline: float,
             proc: subprocess.Popen[str] | None = None) -> Resp:
    """GET / over TLS, retrying connection refusals until ``deadline`` (a starting server)."""
    while True:
        try:
            c = Client(port, client_ctx)
        except ConnectionRefusedError:
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"the server exited with {proc.returncode}: {_stop(proc)[1]}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            continue
        try:
            return c.request(get("/", b"Connection: close\r\n"))
        finally:
            c.close()


def _write_pems(server_cert: Any, tmp_path: Any) -> tuple[str, str]:
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    server_cert.cert_chain_pems[0].write_to_path(str(certfile))
    for extra in server_cert.cert_chain_pems[1:]:
        extra.write_to_path(str(certfile), append=True)
    server_cert.private_key_pem.write_to_path(str(keyfile))
    return str(certfile), str(keyfile)


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=5)
    return proc.returncode, (out or "") + (err or "")


def test_listen_with_ssl_context(server_cert: Any, client_ctx: ssl.SSLContext, tmp_path: Any) -> None:
    """``app.listen(port, host, cb, ssl=ctx)`` in a process of its own (uvloop, signals)."""
    import orjson

    certfile, keyfile = _write_pems(server_cert, tmp_path)
    script = tmp_path / "tls_app.py"
    script.write_text(LISTEN_APP)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, str(script), str(port), certfile, keyfile], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", _stop(proc)
        r = _tls_get(port, client_ctx, time.monotonic() + 10)
        assert orjson.loads(bytes(r.body)) == {"protocol": "https", "secure": True}
    finally:
        code, output = _stop(proc)
    assert code == 0 and "stopped" in output, output


def _cli_has_ssl_flags() -> str | None:
    """None when ``fastexpress run`` takes --ssl-certfile/--ssl-keyfile, else why not."""
    if not os.path.exists(os.path.join(ROOT, "fastexpress", "cli.py")):
        return "fastexpress/cli.py does not exist yet (the CLI is being written)"
    with open(os.path.join(ROOT, "fastexpress", "cli.py"), encoding="utf-8") as f:
        source = f.read()
    if "--ssl-certfile" not in source or "--ssl-keyfile" not in source:
        return "fastexpress/cli.py has no --ssl-certfile/--ssl-keyfile flags yet"
    if not os.path.exists(os.path.join(ROOT, "fastexpress", "__main__.py")):
        return "fastexpress/__main__.py does not exist yet: `python -m fastexpress` cannot run"
    return None


@pytest.mark.skipif(_cli_has_ssl_flags() is not None, reason=str(_cli_has_ssl_flags()))
@pytest.mark.parametrize("workers", [1, 2])
def test_cli_run_with_ssl_certfile_and_keyfile(server_cert: Any, client_ctx: ssl.SSLContext, tmp_path: Any,
                                               workers: int) -> None:
    """``python -m fastexpress run module:app --ssl-certfile C --ssl-keyfile K [--workers 2]``
    serves https (with workers, each worker process loads the certificate)."""
    import orjson

    certfile, keyfile = _write_pems(server_cert, tmp_path)
    (tmp_path / "tls_app.py").write_text(LISTEN_APP)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(tmp_path) + os.pathsep + ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastexpress", "run", "tls_app:app", "--host", HOST, "--port", str(port),
         "--ssl-certfile", certfile, "--ssl-keyfile", keyfile, "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, cwd=str(tmp_path))
    try:
        for _ in range(4 * workers):  # new connections: with workers, the kernel spreads them
            r = _tls_get(port, client_ctx, time.monotonic() + 15, proc)
            assert orjson.loads(bytes(r.body)) == {"protocol": "https", "secure": True}
    finally:
        code, output = _stop(proc)
    assert code == 0, output
