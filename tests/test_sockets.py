"""The server over real loopback sockets, on both asyncio and uvloop (the ``loop`` fixture).

The app runs with ``app.start(port=0)`` inside the loop; the client side is plain blocking
sockets run in executor threads, so the bytes really cross the kernel: keep-alive,
pipelining, chunked uploads, backpressure with a slow reader, disconnects, hostile input and
a graceful close.
"""
from __future__ import annotations

import asyncio
import re
import select
import socket
import ssl
import time
from typing import Any, Awaitable, Callable

import httptools
import pytest

from fastexpress import express

HOST = "127.0.0.1"
TIMEOUT = 3.0


# -- helpers ----------------------------------------------------------------------------------

def bare_app() -> Any:
    app = express()
    app.disable("x-powered-by")
    app.set("etag", False)
    app.set("env", "test")
    return app


def get(path: str = "/", extra: bytes = b"") -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n"


def error_bytes(status: int, reason: str) -> bytes:
    return f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n\r\n".encode()


class Resp:
    def __init__(self) -> None:
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.body = bytearray()

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


class Client:
    """A blocking HTTP/1.1 client on one socket (TLS with ``ctx``); use it from a thread."""

    def __init__(self, port: int, ctx: ssl.SSLContext | None = None, rcvbuf: int | None = None) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.settimeout(TIMEOUT)
        sock.connect((HOST, port))
        self.sock: socket.socket = ctx.wrap_socket(sock, server_hostname=HOST) if ctx is not None else sock
        self.raw = bytearray()
        self.responses: list[Resp] = []
        self._cur = Resp()
        self._parser = httptools.HttpResponseParser(self)

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._cur.headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_body(self, body: bytes) -> None:
        self._cur.body += body

    def on_message_complete(self) -> None:
        self._cur.status = self._parser.get_status_code()
        self.responses.append(self._cur)
        self._cur = Resp()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read(self, n: int, stall: float = 0.0) -> list[Resp]:
        """Read until ``n`` complete responses arrived; ``stall`` seconds before the first read
        (a slow reader: the server's buffers fill up meanwhile)."""
        if stall:
            time.sleep(stall)
        while len(self.responses) < n:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(f"closed after {len(self.responses)} responses: {bytes(self.raw[-300:])!r}")
            self.raw += data
            self._parser.feed_data(data)
        return self.responses[:n]

    def read_to_eof(self) -> bytes:
        """Everything until the server closes (a reset or a TLS EOF without close_notify
        counts as the close)."""
        try:
            while data := self.sock.recv(65536):
                self.raw += data
        except (ConnectionResetError, ssl.SSLEOFError):
            pass
        return bytes(self.raw)

    def request(self, raw: bytes) -> Resp:
        self.send(raw)
        return self.read(len(self.responses) + 1)[-1]

    def close(self) -> None:
        self.sock.close()


def fetch(port: int, raw: bytes) -> Resp:
    client = Client(port)
    try:
        return client.request(raw)
    finally:
        client.close()


async def thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def serve(loop: asyncio.AbstractEventLoop, app: Any, body: Callable[[Any], Awaitable[Any]], **options: Any) -> Any:
    """Run ``body(server)`` against ``app`` started on a free port (``options`` go to
    ``app.start``: ``ssl=`` for TLS); no loop errors allowed."""
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda lp, ctx: errors.append(ctx))
    options.setdefault("graceful_timeout", 1.0)

    async def main() -> Any:
        server = await app.start(port=0, **options)
        try:
            return await asyncio.wait_for(body(server), 15)
        finally:
            await server.close()

    try:
        return loop.run_until_complete(main())
    finally:
        assert errors == [], errors
        loop.run_until_complete(loop.shutdown_default_executor())


# -- basics -------------------------------------------------------------------------------------

def test_get(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("hello"))

    async def body(server: Any) -> None:
        client = Client(server.port)
        client.send(get("/"))
        r = (await thread(client.read, 1))[0]
        client.close()
        assert r.status == 200 and bytes(r.body) == b"hello"
        assert re.sub(rb"Date: [^\r]*", b"Date: *", bytes(client.raw)) == (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n"
            b"Date: *\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nhello"
        )

    serve(loop, app, body)


def test_keep_alive_two_sequential_requests(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    peers: list[str] = []

    @app.get("/:n")
    def h(req: Any, res: Any) -> None:
        peers.append(req.socket.transport.get_extra_info("peername"))
        res.send(req.params["n"])

    async def body(server: Any) -> None:
        client = Client(server.port)
        first = await thread(client.request, get("/1"))
        assert server.connections == 1
        second = await thread(client.request, get("/2"))
        client.close()
        assert (bytes(first.body), bytes(second.body)) == (b"1", b"2")
        assert first.header("Connection") == second.header("Connection") == ["keep-alive"]
        assert len(peers) == 2 and peers[0] == peers[1]  # one connection served both

    serve(loop, app, body)


def test_sixteen_pipelined_requests_in_one_send(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    order: list[int] = []

    @app.get("/:n")
    async def h(req: Any, res: Any) -> None:
        n = int(req.params["n"])
        if n % 2:
            await asyncio.sleep(0.001 * (16 - n))  # later ones are faster: order must hold
        order.append(n)
        res.send(str(n))

    async def body(server: Any) -> None:
        client = Client(server.port)
        client.send(b"".join(get(f"/{i}") for i in range(16)))
        rs = await thread(client.read, 16)
        client.close()
        assert [bytes(r.body) for r in rs] == [str(i).encode() for i in range(16)]
        assert order == list(range(16))

    serve(loop, app, body)


def test_pipelined_answers_written_a_turn_later_keep_their_order(loop: asyncio.AbstractEventLoop) -> None:
    # The final handler's 404 and a router passed to its end answer on a later turn of the loop
    # (as Express's do); the requests piped behind them wait their turn on the one connection.
    from fastexpress import Router

    app = bare_app()
    app.get("/ok", lambda req, res: res.send("ok"))
    router = Router()

    def last(req: Any, res: Any, next: Any) -> None:
        next()
        res.set("X-After", "next")

    router.use(last)
    app.use("/r", router)
    app.get("/r/in", lambda req, res: res.send("after the router"))

    async def body(server: Any) -> None:
        client = Client(server.port)
        paths = ["/nope", "/ok", "/r/in", "/r/out", "/ok"]
        client.send(b"".join(get(p) for p in paths))
        rs = await thread(client.read, len(paths))
        client.close()
        assert [r.status for r in rs] == [404, 200, 200, 404, 200]
        assert [bytes(r.body) for r in rs if r.status == 200] == [b"ok", b"after the router", b"ok"]
        assert [r.header("X-After") for r in rs] == [[], [], ["next"], ["next"], []]

    serve(loop, app, body)


def test_answered_requests_are_freed_without_the_cycle_collector(loop: asyncio.AbstractEventLoop) -> None:
    # fastexpress.router.release, with the loop's own frames above the protocol: no request,
    # response or router pass is left for the collector (collector off while they are served).
    import gc

    from fastexpress.request import Request
    from fastexpress.router import getrefcount

    if getrefcount is None:
        pytest.skip("reference counts do not prove reachability on this Python: left to the collector")
    app = bare_app()
    app.use(lambda req, res, next: next())
    app.get("/:n", lambda req, res: res.send(req.params["n"]))

    async def body(server: Any) -> list[str]:
        client = Client(server.port)
        await thread(client.request, get("/0"))
        gc.collect()
        gc.disable()
        try:
            client.send(b"".join(get(f"/{i}") for i in range(1, 9)))  # pipelined
            rs = await thread(client.read, 9)
            client.close()
            assert [bytes(r.body) for r in rs] == [str(i).encode() for i in range(9)]
            gc.set_debug(gc.DEBUG_SAVEALL)
            gc.collect()
            return [type(o).__name__ for o in gc.garbage if isinstance(o, Request)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()

    assert serve(loop, app, body) == []


def test_chunked_upload(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    pieces: list[int] = []

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        data = bytearray()
        async for chunk in req.stream():
            pieces.append(len(chunk))
            data += chunk
        res.send(f"{len(data)} {data[:5].decode()} {data[-5:].decode()}")

    def upload(port: int) -> Resp:
        client = Client(port)
        client.send(b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(5):
            block = bytes([65 + i]) * 10000
            client.send(b"%x;n=%d\r\n%s\r\n" % (len(block), i, block))
            time.sleep(0.005)
        client.send(b"0\r\nX-Trailer: done\r\n\r\n")
        r = client.read(1)[0]
        client.close()
        return r

    async def body(server: Any) -> None:
        r = await thread(upload, server.port)
        assert r.status == 200 and bytes(r.body) == b"50000 AAAAA EEEEE"
        assert sum(pieces) == 50000 and len(pieces) >= 5  # streamed as it came

    serve(loop, app, body)


def test_one_mib_response_to_slow_reader(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    block = bytes(range(256)) * 64  # 16 KiB
    stats = {"false": 0}

    @app.get("/big")
    async def big(req: Any, res: Any) -> None:
        # A small kernel send buffer (no autotuning), so 1 MiB cannot all hide in the kernel.
        sock = req.socket.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        res.set("Content-Type", "application/octet-stream")
        for _ in range(64):
            if not res.write(block):
                stats["false"] += 1
                await res.drain()
        res.end()

    def slow_read(port: int) -> Resp:
        client = Client(port, rcvbuf=8192)
        client.send(get("/big"))
        while not client.responses:
            data = client.sock.recv(16384)
            if not data:
                raise EOFError
            client.raw += data
            client._parser.feed_data(data)
            time.sleep(0.001)
        client.close()
        return client.responses[0]

    async def body(server: Any) -> None:
        r = await thread(slow_read, server.port)
        assert r.status == 200 and r.header("Transfer-Encoding") == ["chunked"]
        assert len(r.body) == 1024 * 1024 and bytes(r.body) == block * 64
        assert stats["false"] > 0  # the slow reader made write() say "wait"

    serve(loop, app, body)


def test_client_disconnect_mid_response(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    closed = asyncio.Event()
    events: list[str] = []

    @app.get("/endless")
    async def endless(req: Any, res: Any) -> None:
        res.on("close", lambda: (events.append("close"), closed.set()))
        res.on("finish", lambda: events.append("finish"))
        deadline = time.monotonic() + 3
        while not closed.is_set() and time.monotonic() < deadline:
            if not res.write(b"z" * 65536):
                await res.drain()
            await asyncio.sleep(0)
        res.end()

    app.get("/", lambda req, res: res.send("still here"))

    def hang_up(port: int) -> None:
        client = Client(port)
        client.send(get("/endless"))
        got = 0
        while got < 200_000:
            got += len(client.sock.recv(65536))
        client.close()

    async def body(server: Any) -> None:
        await thread(hang_up, server.port)
        await asyncio.wait_for(closed.wait(), 2)
        assert events == ["close"]
        r = await thread(fetch, server.port, get("/"))
        assert bytes(r.body) == b"still here"

    serve(loop, app, body)


# -- hostile input ------------------------------------------------------------------------------

HOSTILE = [
    ("no-host", b"GET /bad HTTP/1.1\r\n\r\n", 400, "Bad Request"),
    ("two-hosts", b"GET /bad HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Bad Request"),
    ("cl-conflict", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
     400, "Bad Request"),
    ("cl-invalid", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello", 400, "Bad Request"),
    ("cl-and-te", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 400, "Bad Request"),
    ("te-gzip", b"POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nhello", 400, "Bad Request"),
    ("te-gzip-chunked", b"POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
     501, "Not Implemented"),
    ("garbage-line", b"HELLO THERE\r\n\r\n", 400, "Bad Request"),
    ("too-many-headers", b"GET /bad HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(100))
     + b"\r\n", 431, "Request Header Fields Too Large"),
    ("head-too-large", b"GET /bad HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 17000 + b"\r\n\r\n", 431,
     "Request Header Fields Too Large"),
    ("expect-unknown", b"GET /bad HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417, "Expectation Failed"),
]


def _recording_app() -> tuple[Any, list[str]]:
    app = bare_app()
    calls: list[str] = []

    @app.all("/:name")
    def h(req: Any, res: Any) -> None:
        calls.append(req.params["name"])
        res.send(req.params["name"])

    return app, calls


@pytest.mark.parametrize("name,raw,status,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input(loop: asyncio.AbstractEventLoop, name: str, raw: bytes, status: int, reason: str) -> None:
    app, calls = _recording_app()

    def attack(port: int) -> bytes:
        client = Client(port)
        client.send(get("/good") + raw + get("/after"))  # one send: the server reads it at once
        out = client.read_to_eof()
        client.close()
        return out

    async def body(server: Any) -> None:
        out = await thread(attack, server.port)
        assert out.startswith(b"HTTP/1.1 200 OK\r\n")
        assert out.endswith(b"\r\n\r\ngood" + error_bytes(status, reason))
        assert calls == ["good"]  # the request after the bad one never ran
        r = await thread(fetch, server.port, get("/next"))  # the server still serves
        assert bytes(r.body) == b"next"
        assert calls == ["good", "next"]

    serve(loop, app, body)


def test_head_too_large_in_pieces(loop: asyncio.AbstractEventLoop) -> None:
    app, calls = _recording_app()

    def attack(port: int) -> bytes:
        client = Client(port)
        client.send(b"GET /bad HTTP/1.1\r\nHost: x\r\n")
        for _ in range(17):  # the 17th line takes the head past 16 KiB: nothing is sent after it
            time.sleep(0.002)
            client.send(b"X-Pad: " + b"p" * 1000 + b"\r\n")
        out = client.read_to_eof()
        client.close()
        return out

    async def body(server: Any) -> None:
        out = await thread(attack, server.port)
        assert out == error_bytes(431, "Request Header Fields Too Large")
        assert calls == []
        assert bytes((await thread(fetch, server.port, get("/next"))).body) == b"next"

    serve(loop, app, body)


def test_bad_input_then_many_clients(loop: asyncio.AbstractEventLoop) -> None:
    """Several malformed connections at once do not disturb well-behaved ones."""
    app, calls = _recording_app()

    def bad(port: int, raw: bytes) -> bytes:
        client = Client(port)
        client.send(raw)
        out = client.read_to_eof()
        client.close()
        return out

    async def body(server: Any) -> None:
        jobs = [thread(bad, server.port, raw) for _, raw, _, _ in HOSTILE]
        jobs += [thread(fetch, server.port, get(f"/ok{i}")) for i in range(5)]
        results = await asyncio.gather(*jobs)
        for (_, _, status, reason), out in zip(HOSTILE, results):
            assert out == error_bytes(status, reason)
        assert sorted(bytes(r.body) for r in results[len(HOSTILE):]) == [b"ok%d" % i for i in range(5)]
        assert sorted(calls) == [f"ok{i}" for i in range(5)]

    serve(loop, app, body)


# -- timeouts -----------------------------------------------------------------------------------

def test_timeouts(loop: asyncio.AbstractEventLoop) -> None:
    """Idle keep-alive and silent connections are closed, a slow head gets 408, and a head
    trickled byte by byte cannot push its deadline back (all four clients at once)."""
    app, calls = _recording_app()

    def timed_eof(client: Client) -> tuple[float, bytes]:
        start = time.monotonic()
        out = client.read_to_eof()
        client.close()
        return time.monotonic() - start, out

    def idle_after_request(port: int) -> tuple[float, bytes]:
        client = Client(port)
        client.request(get("/one"))
        return timed_eof(client)

    def silent(port: int) -> tuple[float, bytes]:
        return timed_eof(Client(port))

    def partial_head(port: int) -> tuple[float, bytes]:
        client = Client(port)
        client.send(b"GET /x HTTP/1.1\r\nHost: x\r\n")
        return timed_eof(client)

    def trickle(port: int) -> tuple[float, bytes]:
        client = Client(port)
        start = time.monotonic()
        for byte in b"GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 200:  # ~2 s if never cut
            if select.select([client.sock], [], [], 0)[0]:
                break  # the server answered (and closed): stop sending
            client.send(bytes([byte]))
            time.sleep(0.01)
        out = client.read_to_eof()
        client.close()
        return time.monotonic() - start, out

    async def body(server: Any) -> None:
        port = server.port
        (t_idle, out_idle), (t_silent, out_silent), (t_head, out_head), (t_trickle, out_trickle) = \
            await asyncio.gather(thread(idle_after_request, port), thread(silent, port),
                                 thread(partial_head, port), thread(trickle, port))
        assert 0.15 <= t_idle < 1.0 and out_idle.endswith(b"\r\n\r\none")  # nothing after the response
        assert 0.15 <= t_silent < 1.0 and out_silent == b""
        assert 0.25 <= t_head < 1.0 and out_head == error_bytes(408, "Request Timeout")
        assert t_trickle < 1.0 and out_trickle == error_bytes(408, "Request Timeout")
        assert calls == ["one"]

    serve(loop, app, body, keep_alive_timeout=0.2, head_timeout=0.3)


# -- graceful close -----------------------------------------------------------------------------

def test_graceful_close(loop: asyncio.AbstractEventLoop) -> None:
    app = bare_app()
    started = asyncio.Event()

    @app.get("/slow")
    async def slow(req: Any, res: Any) -> None:
        started.set()
        await asyncio.sleep(0.4)
        res.send("slow done")

    app.get("/", lambda req, res: res.send("quick"))

    def slow_client(port: int) -> bytes:
        client = Client(port)
        client.send(get("/slow"))
        out = client.read_to_eof()
        client.close()
        return out

    def wait_eof(client: Client) -> float:
        start = time.monotonic()
        rest = client.read_to_eof()
        assert rest == bytes(client.raw)  # nothing more was written, just the close
        return time.monotonic() - start

    async def body(server: Any) -> None:
        port = server.port
        idle = Client(port)
        assert bytes((await thread(idle.request, get("/"))).body) == b"quick"
        slow_job = asyncio.ensure_future(thread(slow_client, port))
        await asyncio.wait_for(started.wait(), 2)
        t0 = loop.time()
        closing = asyncio.ensure_future(server.close())
        idle_wait = await thread(wait_eof, idle)
        idle.close()
        assert idle_wait < 0.2 and not slow_job.done()  # the idle connection went at once
        out = await slow_job
        await closing
        assert loop.time() - t0 >= 0.3  # close waited for the in-flight response
        head, _, text = out.partition(b"\r\n\r\n")
        assert text == b"slow done"
        assert b"\r\nContent-Length: 9\r\n" in head and b"\r\nConnection: close" in head
        with pytest.raises(OSError):
            await thread(fetch, port, get("/"))  # no longer accepting

    serve(loop, app, body)


# -- an early answer to a large upload ----------------------------------------------------------

def _upload_refused(port: int) -> bytes:
    """POST 3 MB with Connection: close, sending all of it before reading, as simple clients do."""
    sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
    body = b"{" + b" " * (3 * 1024 * 1024) + b"}"
    head = (b"POST /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    received = bytearray()
    try:
        sock.sendall(head + body)
        while data := sock.recv(65536):
            received += data
    except (ConnectionResetError, BrokenPipeError) as exc:
        return repr(exc).encode() + b" after " + bytes(received[:60])
    finally:
        sock.close()
    return bytes(received)


PARTIAL_POST = (b"POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{\"a\":")


def aborting_app(seen: list[str], aborted: asyncio.Event) -> Any:
    app = bare_app()
    app.use(express.json())
    app.post("/json", lambda req, res: res.json(req.body))
    app.get("/", lambda req, res: res.send("still here"))

    def record(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.append(f"{err.status} {err.type}")
        aborted.set()
        next(err)

    app.use(record)
    return app


@pytest.mark.parametrize("how", ["close", "half-close"])
def test_client_gone_mid_body_aborts_the_request(loop: asyncio.AbstractEventLoop, how: str) -> None:
    # The client stops sending (FIN) with the body incomplete: it can never complete, so the
    # body parser fails with Express's "request aborted" (as raw-body's onAborted does in Node)
    # instead of waiting forever; a half-closed client reads a 400 and the close.
    seen: list[str] = []
    aborted = asyncio.Event()
    app = aborting_app(seen, aborted)

    def hang_up(port: int) -> bytes:
        client = Client(port)
        client.send(PARTIAL_POST)
        time.sleep(0.1)
        if how == "close":
            client.close()
            return b""
        client.sock.shutdown(socket.SHUT_WR)
        try:
            return client.read_to_eof()
        finally:
            client.close()

    async def body(server: Any) -> None:
        answer = await thread(hang_up, server.port)
        await asyncio.wait_for(aborted.wait(), 2)
        assert seen == ["400 request.aborted"]
        if how == "half-close":
            assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
            assert b"\r\nConnection: close\r\n" in answer
        r = await thread(fetch, server.port, get("/"))
        assert bytes(r.body) == b"still here"

    serve(loop, app, body)


def test_body_late_past_request_timeout_gets_408(loop: asyncio.AbstractEventLoop) -> None:
    # Node's requestTimeout: a body still incomplete request_timeout after the request began
    # gets the bare 408 and the close; the app's body parser sees the request aborted.
    seen: list[str] = []
    aborted = asyncio.Event()
    app = aborting_app(seen, aborted)

    def trickle(port: int) -> bytes:
        client = Client(port)
        try:
            client.send(PARTIAL_POST)
            time.sleep(0.3)
            client.send(b'"trickled')  # progress does not push the deadline back
            return client.read_to_eof()
        finally:
            client.close()

    async def body(server: Any) -> None:
        started = time.monotonic()
        answer = await thread(trickle, server.port)
        assert answer == error_bytes(408, "Request Timeout")
        assert 0.5 <= time.monotonic() - started < 2.0
        await asyncio.wait_for(aborted.wait(), 2)
        assert seen == ["400 request.aborted"]
        r = await thread(fetch, server.port, get("/"))
        assert bytes(r.body) == b"still here"

    serve(loop, app, body, request_timeout=0.6)


def test_each_request_has_its_own_deadline(loop: asyncio.AbstractEventLoop) -> None:
    # A body that completes in time cancels its deadline: the next request on the connection,
    # head or body, is not held to it (a late head would otherwise get a 408).
    seen: list[str] = []
    app = aborting_app(seen, asyncio.Event())
    rest = b"1" + b" " * 93 + b"}"  # the 100 bytes announced

    def two_slow_posts(port: int) -> list[bytes]:
        client = Client(port)
        try:
            bodies = []
            for _ in range(2):  # each completes 0.4 s after it began; the deadline is 1 s
                client.send(PARTIAL_POST)
                time.sleep(0.4)
                client.send(rest)
                bodies.append(bytes(client.read(len(client.responses) + 1)[-1].body))
            client.send(get("/")[:10])  # a head in pieces across the last deadline
            time.sleep(0.8)
            bodies.append(bytes(client.request(get("/")[10:]).body))
            return bodies
        finally:
            client.close()

    async def body(server: Any) -> None:
        assert await thread(two_slow_posts, server.port) == [b'{"a":1}', b'{"a":1}', b"still here"]
        assert seen == []

    serve(loop, app, body, request_timeout=1.0)


def test_early_413_survives_an_unread_upload(loop: asyncio.AbstractEventLoop) -> None:
    """The server answers 413 before the body arrives and closes: the client, still sending,
    must get the answer, not a reset (the server drains before it closes)."""
    app = bare_app()
    app.post("/up", express.json(limit="1kb"), lambda req, res: res.send("read"))

    async def body(server: Any) -> list[bytes]:
        return [await thread(_upload_refused, server.port) for _ in range(5)]

    for answer in serve(loop, app, body):
        assert answer.startswith(b"HTTP/1.1 413 Payload Too Large\r\n"), answer[:200]
