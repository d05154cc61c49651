"""The HTTP/1.1 connection (fastexpress/protocol.py) driven by raw bytes over the in-memory
transport: framing, keep-alive, pipelining, limits, timeouts, flow control and disconnects.

Every test builds its own tiny app, feeds request bytes into ``HttpProtocol.data_received``
(inside the client's event loop, as a real transport would) and asserts what a client would
observe: the exact bytes written, how many writes, and whether the connection was closed.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from typing import Any, Callable

import httptools
import pytest

from fastexpress import ClientDisconnect, Router, compression, express, static
from fastexpress.testing import TestClient

# -- helpers --------------------------------------------------------------------------------

GET = b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n"
KA = b"Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
CLOSE = b"Connection: close\r\n"


def get(path: str = "/", extra: bytes = b"") -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n"


def bare_app() -> Any:
    """An app whose responses carry only what the test sets (no X-Powered-By, no ETag)."""
    app = express()
    app.disable("x-powered-by")
    app.set("etag", False)
    app.set("env", "test")  # the default error handler stays quiet
    return app


def nodate(data: bytes) -> bytes:
    """The output with each Date header's value replaced by ``*`` (it changes every second)."""
    return re.sub(rb"\r\nDate: [^\r\n]*\r\n", b"\r\nDate: *\r\n", data)


def error_bytes(status: int, reason: str) -> bytes:
    return f"HTTP/1.1 {status} {reason}\r\n".encode() + CLOSE + b"\r\n"


class Resp:
    def __init__(self) -> None:
        self.status = 0
        self.reason = ""
        self.headers: list[tuple[str, str]] = []
        self.body = b""

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self) -> str:
        return f"<Resp {self.status} {self.headers} {self.body[:40]!r}>"


def parse(data: bytes) -> list[Resp]:
    """Complete responses in ``data`` (length- or chunk-delimited; 1xx are skipped)."""
    done: list[Resp] = []

    class Cb:
        cur = Resp()

        def on_status(self, s: bytes) -> None:
            self.cur.reason += s.decode("latin-1")

        def on_header(self, n: bytes, v: bytes) -> None:
            self.cur.headers.append((n.decode("latin-1"), v.decode("latin-1")))

        def on_body(self, b: bytes) -> None:
            self.cur.body += b

        def on_message_complete(self) -> None:
            self.cur.status = parser.get_status_code()
            if self.cur.status >= 200:
                done.append(self.cur)
            self.cur = Resp()

    cb = Cb()
    parser = httptools.HttpResponseParser(cb)
    parser.feed_data(data)
    return done


async def _ticks(n: int = 10) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


class Conn:
    """One connection: the protocol and its fake transport, fed inside the client's loop."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.proto, self.transport = h.client.open()

    def send(self, *pieces: bytes, wait: float = 0.0) -> Conn:
        async def go() -> None:
            for piece in pieces:
                if self.transport.closed:  # a real transport delivers nothing after close
                    break
                self.proto.data_received(piece)
                await asyncio.sleep(0)
            await _ticks()
            if wait:
                await asyncio.sleep(wait)
            await _ticks()

        self.h.loop.run_until_complete(go())
        return self

    def lose(self) -> None:
        """The client goes away (as the transport would report it)."""

        async def go() -> None:
            self.transport.closed = True
            self.proto.connection_lost(None)
            await _ticks()

        self.h.loop.run_until_complete(go())

    @property
    def out(self) -> bytes:
        return bytes(self.transport.output)

    @property
    def closed(self) -> bool:
        return self.transport.closed

    def responses(self) -> list[Resp]:
        return parse(self.out)


class Harness:
    def __init__(self, app: Any, **config: Any) -> None:
        self.client = TestClient(app, **config)
        self.loop = self.client.loop
        self.loop_errors: list[dict[str, Any]] = []
        self.loop.set_exception_handler(lambda loop, ctx: self.loop_errors.append(ctx))
        self.conns: list[Conn] = []

    def connect(self) -> Conn:
        conn = Conn(self)
        self.conns.append(conn)
        return conn

    def wait(self, seconds: float) -> None:
        self.loop.run_until_complete(asyncio.sleep(seconds))

    def until(self, cond: Callable[[], bool], timeout: float = 2.0) -> float:
        """Run the loop until ``cond()`` holds; the loop time when it did."""

        async def go() -> float:
            deadline = self.loop.time() + timeout
            while not cond():
                if self.loop.time() > deadline:
                    raise AssertionError(f"condition not met within {timeout}s")
                await asyncio.sleep(0.001)
            return self.loop.time()

        return self.loop.run_until_complete(go())

    def call(self, fn: Callable[[], Any]) -> None:
        async def go() -> None:
            fn()
            await _ticks()

        self.loop.run_until_complete(go())

    def close(self) -> None:
        async def go() -> None:
            for conn in self.conns:
                if not conn.transport.closed:
                    conn.transport.close()
            await _ticks()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.loop.run_until_complete(go())
        self.client.close()


@pytest.fixture
def make() -> Any:
    made: list[Harness] = []

    def factory(app: Any, **config: Any) -> Harness:
        h = Harness(app, **config)
        made.append(h)
        return h

    yield factory
    for h in made:
        h.close()


def one(make: Any, app: Any, *pieces: bytes, wait: float = 0.0, **config: Any) -> Conn:
    return make(app, **config).connect().send(*pieces, wait=wait)


# -- keep-alive and Connection ----------------------------------------------------------------

def test_keep_alive_by_default(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("hi"))
    c = one(make, app, get("/"))
    assert nodate(c.out) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\n"
        b"Date: *\r\n" + KA + b"\r\nhi"
    )
    assert not c.closed
    c.send(get("/"))  # the same connection serves the next request
    assert [r.body for r in c.responses()] == [b"hi", b"hi"]
    assert not c.closed


def test_connection_close_request(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("hi"))
    c = one(make, app, get("/", b"Connection: close\r\n"))
    assert nodate(c.out) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\n"
        b"Date: *\r\n" + CLOSE + b"\r\nhi"
    )
    assert c.closed


def test_request_pipelined_after_connection_close_never_runs(make: Any) -> None:
    app = bare_app()
    calls: list[str] = []
    app.get("/:n", lambda req, res: (calls.append(req.params["n"]), res.send(req.params["n"])))
    c = one(make, app, get("/a") + get("/b", b"Connection: close\r\n") + get("/c"))
    assert [r.body for r in c.responses()] == [b"a", b"b"]
    assert c.out.endswith(b"\r\n" + CLOSE + b"\r\nb")
    assert c.closed and calls == ["a", "b"]


def test_connection_close_set_by_handler(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.set("Connection", "close").send("hi"))
    c = one(make, app, get("/"))
    assert nodate(c.out) == (
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Length: 2\r\nDate: *\r\n\r\nhi"
    )
    assert c.closed


def test_http10_closes_by_default(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("hi"))
    c = one(make, app, b"GET / HTTP/1.0\r\n\r\n")
    assert nodate(c.out) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\n"
        b"Date: *\r\n" + CLOSE + b"\r\nhi"
    )
    assert c.closed


def test_http10_keep_alive_with_length_stays_open(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("hi"))
    req = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    c = one(make, app, req)
    assert nodate(c.out) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\n"
        b"Date: *\r\n" + KA + b"\r\nhi"
    )
    assert not c.closed
    c.send(req)
    assert len(c.responses()) == 2 and not c.closed


def test_http10_streaming_is_close_delimited(make: Any) -> None:
    app = bare_app()

    @app.get("/")
    def stream(req: Any, res: Any) -> None:
        res.write("abc")
        res.write(b"defgh")
        res.end()

    for extra in (b"", b"Connection: keep-alive\r\n"):
        c = one(make, app, b"GET / HTTP/1.0\r\n" + extra + b"\r\n")
        # no chunked coding for a 1.0 client, no length: the close ends the body
        assert nodate(c.out) == b"HTTP/1.1 200 OK\r\nDate: *\r\n" + CLOSE + b"\r\nabcdefgh"
        assert c.closed


# -- pipelining -------------------------------------------------------------------------------

def test_pipelined_sync_batch_is_one_write(make: Any) -> None:
    app = bare_app()
    seen: list[str] = []

    @app.get("/:n")
    def h(req: Any, res: Any) -> None:
        seen.append(req.params["n"])
        res.send("r" + req.params["n"])

    c = one(make, app, get("/1") + get("/2") + get("/3"))
    assert [r.body for r in c.responses()] == [b"r1", b"r2", b"r3"]
    assert seen == ["1", "2", "3"]
    assert c.transport.writes == 1
    assert not c.closed


def test_pipelined_slow_async_then_fast(make: Any) -> None:
    app = bare_app()
    order: list[str] = []
    gate = asyncio.Event()

    @app.get("/slow")
    async def slow(req: Any, res: Any) -> None:
        order.append("slow start")
        await gate.wait()
        await asyncio.sleep(0.01)
        order.append("slow end")
        res.send("slow")

    @app.get("/fast")
    def fast(req: Any, res: Any) -> None:
        order.append("fast")
        res.send("fast")

    h = make(app)
    c = h.connect().send(get("/slow") + get("/fast"))
    assert c.out == b"" and order == ["slow start"]  # the fast one waits its turn
    assert not c.transport.reading  # and nothing more is read meanwhile (bounded pipelining)
    h.call(gate.set)
    h.until(lambda: len(c.responses()) == 2)
    assert [r.body for r in c.responses()] == [b"slow", b"fast"]
    assert order == ["slow start", "slow end", "fast"]
    assert c.transport.reading and not c.closed


def test_pipelined_request_split_across_reads(make: Any) -> None:
    app = bare_app()
    app.get("/:n", lambda req, res: res.send(req.params["n"]))
    batch = get("/a") + get("/b") + get("/c")
    c = one(make, app, batch[:20], batch[20:50], batch[50:])
    assert [r.body for r in c.responses()] == [b"a", b"b", b"c"]


# -- delivery in pieces -------------------------------------------------------------------------

def _echo_app() -> Any:
    app = bare_app()

    @app.post("/echo")
    async def echo(req: Any, res: Any) -> None:
        body = await req.read()
        res.send(b"<" + body + b">")

    app.get("/next", lambda req, res: res.send("next"))
    return app


POST_ECHO = b"POST /echo?q=1 HTTP/1.1\r\nHost: example.com\r\nX-Long: " + b"v" * 40 + \
    b"\r\nContent-Length: 11\r\n\r\nhello world"


def test_request_delivered_one_byte_at_a_time(make: Any) -> None:
    raw = POST_ECHO + get("/next")
    c = one(make, _echo_app(), *[raw[i:i + 1] for i in range(len(raw))])
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"<hello world>"), (200, b"next")]
    assert not c.closed


def test_request_split_at_every_position(make: Any) -> None:
    raw = POST_ECHO + get("/next")
    h = make(_echo_app())
    reference = nodate(h.connect().send(raw).out)
    assert [r.body for r in parse(reference)] == [b"<hello world>", b"next"]
    for i in range(1, len(raw)):
        c = h.connect().send(raw[:i], raw[i:])
        assert nodate(c.out) == reference, f"split at {i}"
        assert not c.closed


def test_chunked_body_three_way_splits(make: Any) -> None:
    app = _echo_app()
    body = b"5;ext=1\r\nhello\r\n6;a=b;c=\"d\"\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    raw = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    h = make(app)
    for i in range(40, len(raw), 3):
        for j in range(i + 1, len(raw), 7):
            c = h.connect().send(raw[:i], raw[i:j], raw[j:])
            assert [r.body for r in c.responses()] == [b"<hello world>"], (i, j)


# -- request bodies -----------------------------------------------------------------------------

CHUNKED_HEAD = b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_chunked_body_with_extensions_and_trailers_read(make: Any) -> None:
    app = bare_app()

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        res.send(await req.read())

    body = b"5;name=value\r\nhello\r\n1\r\n \r\n5;x\r\nworld\r\n0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n"
    c = one(make, app, CHUNKED_HEAD + body + get("/after"))
    rs = c.responses()
    assert rs[0].status == 200 and rs[0].body == b"hello world"
    assert rs[1].status == 404  # the connection carries on after the trailers
    assert not c.closed


def test_chunked_body_streamed_as_it_arrives(make: Any) -> None:
    app = bare_app()
    got: list[bytes] = []

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        async for chunk in req.stream():
            got.append(chunk)
        res.send(b"|".join(got))

    h = make(app)
    c = h.connect().send(CHUNKED_HEAD + b"3\r\nabc\r\n")
    assert got == [b"abc"] and c.out == b""  # the first chunk is seen before the rest arrives
    c.send(b"4;ext\r\ndefg\r\n")
    assert got == [b"abc", b"defg"]
    c.send(b"0\r\nTrailer: x\r\n\r\n")
    assert [r.body for r in c.responses()] == [b"abc|defg"]
    assert not c.closed


def test_content_length_body_streamed(make: Any) -> None:
    app = bare_app()

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        parts = [chunk async for chunk in req.stream()]
        res.send(f"{len(parts)} {b''.join(parts).decode()}")

    c = one(make, app, b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nab", b"cd", b"ef")
    assert [r.body for r in c.responses()] == [b"3 abcdef"]


def _limit_app() -> Any:
    app = bare_app()

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        body = await req.read(limit=10)
        res.send(f"got {len(body)}")

    app.get("/next", lambda req, res: res.send("next"))

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(err.status).send(f"{err.status} {err.type}")

    app.use(on_error)
    return app


def test_read_limit_content_length_413(make: Any) -> None:
    raw = b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n" + b"x" * 20
    c = one(make, _limit_app(), raw + get("/next"))
    rs = c.responses()
    assert [(r.status, r.body) for r in rs] == [(413, b"413 entity.too.large"), (200, b"next")]
    assert not c.closed  # the body was discarded, the connection goes on


def test_read_limit_413_before_body_arrives(make: Any) -> None:
    c = one(make, _limit_app(), b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n")
    assert [(r.status, r.body) for r in c.responses()] == [(413, b"413 entity.too.large")]
    c.send(b"x" * 7, b"x" * 13 + get("/next"))  # the late body is dropped, the next request runs
    assert [r.status for r in c.responses()] == [413, 200]
    assert not c.closed


def test_read_limit_chunked_413(make: Any) -> None:
    body = b"6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n"
    c = one(make, _limit_app(), CHUNKED_HEAD + body + get("/next"))
    assert [(r.status, r.body) for r in c.responses()] == [(413, b"413 entity.too.large"), (200, b"next")]


def test_read_within_limit(make: Any) -> None:
    raw = b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n" + b"x" * 10
    c = one(make, _limit_app(), raw)
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"got 10")]


# -- Expect: 100-continue -------------------------------------------------------------------------

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


EXPECT_HEAD = b"POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"


def test_expect_continue_written_when_request_dispatched(make: Any) -> None:
    """As Node without a 'checkContinue' listener: 100 Continue as soon as the request's turn
    comes, before the handler runs; then the final response."""
    app = bare_app()
    events: list[Any] = []

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        # Written, or gathered to be written with this read's output (the handler runs at once).
        events.append(bytes(req.socket.transport.output) + b"".join(req.socket._out or ()) == CONTINUE)
        body = await req.read()
        res.send(body)

    h = make(app)
    c = h.connect().send(EXPECT_HEAD)
    assert events == [True]  # already written when the handler started
    assert c.out == CONTINUE
    c.send(b"hel", b"lo")
    assert c.out.startswith(CONTINUE)
    assert c.out.count(b"100 Continue") == 1
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"hello")]
    assert c.responses()[0].header("Connection") == ["keep-alive"] and not c.closed


def test_expect_continue_body_not_read_keeps_connection(make: Any) -> None:
    app = bare_app()
    calls: list[str] = []
    app.post("/up", lambda req, res: (calls.append("up"), res.status(401).send("no")))
    app.get("/next", lambda req, res: (calls.append("next"), res.send("next")))
    c = one(make, app, EXPECT_HEAD)
    assert nodate(c.out) == (CONTINUE + b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: 2\r\nDate: *\r\n" + KA + b"\r\nno")
    assert not c.closed
    c.send(b"hello" + get("/next"))  # the client sends the body anyway: it is dropped
    assert [(r.status, r.body) for r in c.responses()] == [(401, b"no"), (200, b"next")]
    assert calls == ["up", "next"] and not c.closed


def test_expect_continue_waits_for_its_turn(make: Any) -> None:
    app = bare_app()

    gate = asyncio.Event()

    @app.get("/slow")
    async def slow(req: Any, res: Any) -> None:
        await gate.wait()
        res.send("slow")

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        res.send(await req.read())

    h = make(app)
    c = h.connect().send(get("/slow") + EXPECT_HEAD)
    assert c.out == b""  # no 100 Continue for a request that is not being answered yet
    h.call(gate.set)
    assert c.out.endswith(b"slow" + CONTINUE)
    c.send(b"hello")
    assert [r.body for r in c.responses()] == [b"slow", b"hello"]


def test_expect_continue_not_for_http10(make: Any) -> None:
    app = bare_app()

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        res.send(await req.read())

    c = one(make, app, b"POST /up HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello")
    assert b"100 Continue" not in c.out
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"hello")]


def test_expect_continue_body_already_sent(make: Any) -> None:
    app = bare_app()

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        res.send(await req.read())

    c = one(make, app, b"POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello")
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"hello")]
    assert not c.closed


def test_unknown_expectation_417(make: Any) -> None:
    app = bare_app()
    calls: list[str] = []
    app.all("/", lambda req, res: (calls.append(req.method), res.send("x")))
    c = one(make, app, b"POST / HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\nhi"
            + get("/"))
    assert c.out == error_bytes(417, "Expectation Failed")
    assert c.closed and calls == []


def test_expect_ignored_for_http10(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("x"))
    c = one(make, app, b"GET / HTTP/1.0\r\nExpect: something-else\r\n\r\n")
    assert [r.status for r in c.responses()] == [200]


# -- flow control -------------------------------------------------------------------------------

def test_unread_body_over_high_water_pauses_reading(make: Any) -> None:
    app = bare_app()
    gate = asyncio.Event()

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        await gate.wait()
        body = await req.read()
        res.send(str(len(body)))

    h = make(app, body_high_water=1024)
    c = h.connect().send(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 8192\r\n\r\n" + b"a" * 512)
    assert c.transport.reading  # under the mark
    c.send(b"a" * 3584)
    assert not c.transport.reading  # 4 KiB unread > 1 KiB: stop reading
    h.call(gate.set)
    assert c.transport.reading  # the handler reads: resume
    c.send(b"b" * 4096)
    assert [r.body for r in c.responses()] == [b"8192"]
    assert c.transport.reading and not c.closed


def test_streamed_body_resumes_reading_as_consumed(make: Any) -> None:
    app = bare_app()
    gate = asyncio.Event()
    sizes: list[int] = []

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        await gate.wait()
        async for chunk in req.stream():
            sizes.append(len(chunk))
        res.send(str(sum(sizes)))

    h = make(app, body_high_water=1000)
    c = h.connect().send(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n", b"a" * 800, b"a" * 800)
    assert not c.transport.reading
    h.call(gate.set)
    assert c.transport.reading and sizes == [800, 800]
    c.send(b"z" * 1400)
    assert [r.body for r in c.responses()] == [b"3000"]


def test_write_backpressure_drain(make: Any) -> None:
    app = bare_app()
    steps: list[Any] = []

    @app.get("/")
    async def h(req: Any, res: Any) -> None:
        steps.append(res.write("a"))
        await res.drain()
        steps.append("drained")
        steps.append(res.write("b"))
        res.end()

    h = make(app)
    c = h.connect()
    c.proto.pause_writing()
    c.send(get("/"), wait=0.02)
    assert steps == [False]  # write() says "stop", drain() waits
    h.call(c.proto.resume_writing)
    assert steps == [False, "drained", True]
    assert [r.body for r in c.responses()] == [b"ab"]


def test_drain_returns_when_client_goes_away(make: Any) -> None:
    app = bare_app()
    steps: list[str] = []

    @app.get("/")
    async def h(req: Any, res: Any) -> None:
        res.write("a")
        await res.drain()
        steps.append("drained")
        res.end()

    h = make(app)
    c = h.connect()
    c.proto.pause_writing()
    c.send(get("/"))
    assert steps == []
    c.lose()
    assert steps == ["drained"]  # no handler hangs on a dead connection
    assert h.loop_errors == []


# -- disconnects and events -------------------------------------------------------------------

def test_disconnect_while_handler_awaits_body(make: Any, caplog: Any, capsys: Any) -> None:
    app = bare_app()
    app.set("env", "development")  # the error handler would print a real error
    seen: list[Any] = []

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        res.on("close", lambda: seen.append("close"))
        res.on("finish", lambda: seen.append("finish"))
        try:
            await req.read()
        except Exception as exc:
            seen.append(type(exc))
            raise  # through next(err) to the final handler

    caplog.set_level(logging.DEBUG)
    h = make(app)
    c = h.connect().send(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
    assert seen == []
    c.lose()
    h.until(lambda: len(seen) == 2)
    h.wait(0.01)
    assert seen == ["close", ClientDisconnect]
    assert c.out == b""
    assert h.loop_errors == []  # no "Task exception was never retrieved"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert capsys.readouterr().err == ""


def test_disconnect_while_streaming_response(make: Any) -> None:
    app = bare_app()
    events: list[str] = []
    results: list[Any] = []

    @app.get("/")
    async def h(req: Any, res: Any) -> None:
        res.on("close", lambda: events.append("close"))
        res.on("finish", lambda: events.append("finish"))
        for _ in range(100):
            if "close" in events:
                break
            results.append(res.write(b"x" * 10))
            await asyncio.sleep(0.002)
        res.write(b"after close")  # no exception for a write into a closed connection
        res.end()
        events.append("ended")

    h = make(app)
    c = h.connect().send(get("/"), wait=0.02)
    assert c.out.startswith(b"HTTP/1.1 200 OK\r\n")
    c.lose()
    written = len(c.out)
    h.until(lambda: "ended" in events)
    assert events == ["close", "ended"]  # close, never finish
    assert len(c.out) == written and not c.out.endswith(b"0\r\n\r\n")
    assert h.loop_errors == []


def test_finish_then_close_on_normal_completion(make: Any) -> None:
    app = bare_app()
    events: list[str] = []

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.on("finish", lambda: events.append("finish"))
        res.on("close", lambda: events.append("close"))
        res.send("ok")
        events.append("sent")

    c = one(make, app, get("/"))
    assert events == ["finish", "close", "sent"]
    assert not c.closed
    c.lose()
    assert events == ["finish", "close", "sent"]  # each at most once


# -- response framing -----------------------------------------------------------------------

def test_end_without_body_content_length_zero(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.end())
    c = one(make, app, get("/"))
    assert nodate(c.out) == b"HTTP/1.1 200 OK\r\nDate: *\r\n" + KA + b"Content-Length: 0\r\n\r\n"


def test_write_then_end_is_chunked(make: Any) -> None:
    app = bare_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.set("Content-Type", "text/plain")
        res.write("hello ")
        res.write(b"")  # an empty write must not end the body early
        res.write(b"x" * 17)
        res.end("!")

    c = one(make, app, get("/") + get("/"))
    single = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: *\r\n" + KA
              + b"Transfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n11\r\n" + b"x" * 17 + b"\r\n1\r\n!\r\n0\r\n\r\n")
    assert nodate(c.out) == single * 2
    assert [r.body for r in c.responses()] == [b"hello " + b"x" * 17 + b"!"] * 2


def test_user_content_length_respected(make: Any) -> None:
    app = bare_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.set("Content-Length", "5")
        res.write("he")
        res.end("llo")

    c = one(make, app, get("/"))
    assert nodate(c.out) == b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: *\r\n" + KA + b"\r\nhello"


def test_head_same_headers_as_get_no_body(make: Any) -> None:
    app = express()  # with X-Powered-By and ETag
    app.get("/", lambda req, res: res.send("hello"))
    app.get("/j", lambda req, res: res.json({"a": 1}))
    for path in (b"/", b"/j"):
        c = one(make, app, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        head_only = one(make, app, b"HEAD " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n" + GET % path)
        get_head, _, body = nodate(c.out).partition(b"\r\n\r\n")
        assert body
        assert nodate(head_only.out) == get_head + b"\r\n\r\n" + nodate(c.out)  # no body, then the GET


@pytest.mark.parametrize("status,how", [(204, "send"), (204, "end"), (304, "send"), (304, "end"), (204, "write")])
def test_204_304_no_framing_headers(make: Any, status: int, how: str) -> None:
    app = bare_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.status(status)
        if how == "send":
            res.send("ignored")
        elif how == "write":
            res.write("ignored")
            res.end()
        else:
            res.end()

    c = one(make, app, get("/") + get("/"))
    reason = {204: b"No Content", 304: b"Not Modified"}[status]
    single = b"HTTP/1.1 %d %s\r\nDate: *\r\n" % (status, reason) + KA + b"\r\n"
    assert nodate(c.out) == single * 2  # no length, no chunked, no body: the next one parses


def test_date_header_once(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("x"))
    app.get("/own", lambda req, res: res.set("Date", "Thu, 01 Jan 1970 00:00:00 GMT").send("x"))
    c = one(make, app, get("/"))
    dates = c.responses()[0].header("Date")
    assert len(dates) == 1 and re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", dates[0])
    c = one(make, app, get("/own"))
    assert c.responses()[0].header("Date") == ["Thu, 01 Jan 1970 00:00:00 GMT"]


@pytest.mark.parametrize("code,line", [
    (200, b"HTTP/1.1 200 OK\r\n"),
    (418, b"HTTP/1.1 418 I'm a Teapot\r\n"),
    (431, b"HTTP/1.1 431 Request Header Fields Too Large\r\n"),
    (599, b"HTTP/1.1 599 unknown\r\n"),
    (999, b"HTTP/1.1 999 unknown\r\n"),
])
def test_status_line_reason(make: Any, code: int, line: bytes) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.status(code).end("x"))
    c = one(make, app, get("/"))
    assert c.out.startswith(line)


def test_custom_status_message(make: Any) -> None:
    app = bare_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.statusMessage = "Quite Fine"
        res.end()

    assert one(make, app, get("/")).out.startswith(b"HTTP/1.1 200 Quite Fine\r\n")


# -- header injection -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["set", "set_header", "append", "async", "name"])
def test_header_injection_reaches_error_handler(make: Any, kind: str) -> None:
    app = bare_app()
    errors: list[Any] = []

    if kind == "async":
        async def h(req: Any, res: Any) -> None:
            await asyncio.sleep(0)
            res.set("X", "a\r\nInjected: yes")
            res.send("never")
    else:
        def h(req: Any, res: Any) -> None:
            if kind == "set":
                res.set("X", "a\r\nInjected: yes")
            elif kind == "set_header":
                res.set_header("X", "a\r\nInjected: yes")
            elif kind == "append":
                res.append("X", ["ok", "a\nInjected: yes"])
            else:
                res.set("X\r\nInjected", "yes")
            res.send("never")

    app.get("/", h)

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        errors.append(type(err))
        next(err)

    app.use(on_error)
    c = one(make, app, get("/") + get("/"))
    rs = c.responses()
    assert [r.status for r in rs] == [500, 500]
    assert errors == [ValueError, ValueError]
    assert b"\nInjected" not in c.out and b"never" not in c.out  # (the page shows the traceback)
    assert rs[0].header("X") == [] and rs[0].header("Injected") == []
    assert not c.closed


def test_status_message_injection_reaches_error_handler(make: Any) -> None:
    app = bare_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.statusMessage = "OK\r\nInjected: yes"
        res.end("x")

    c = one(make, app, get("/"))
    assert b"Injected" not in c.out
    assert [r.status for r in c.responses()] == [500]


# -- hostile input --------------------------------------------------------------------------

def _hdrs(n: int) -> bytes:
    return b"".join(b"X-H%d: v\r\n" % i for i in range(n))


HOSTILE = [
    ("no-host", b"GET /bad HTTP/1.1\r\n\r\n", 400, "Bad Request"),
    ("two-hosts", b"GET /bad HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Bad Request"),
    ("two-hosts-http10", b"GET /bad HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, "Bad Request"),
    ("cl-conflict", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
     400, "Bad Request"),
    ("cl-invalid", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello", 400, "Bad Request"),
    ("cl-negative", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello", 400, "Bad Request"),
    ("cl-and-te", b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 400, "Bad Request"),
    ("te-gzip", b"POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nhello", 400, "Bad Request"),
    ("te-chunked-twice", b"POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
     400, "Bad Request"),
    ("te-gzip-chunked", b"POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
     501, "Not Implemented"),
    ("te-gzip-chunked-2-lines", b"POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501, "Not Implemented"),
    ("garbage-line", b"HELLO THERE\r\n\r\n", 400, "Bad Request"),
    ("binary-line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "Bad Request"),
    ("bad-version", b"GET /bad HTTP/9.9\r\nHost: x\r\n\r\n", 400, "Bad Request"),
    ("space-in-name", b"GET /bad HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "Bad Request"),
    ("bare-cr-in-value", b"GET /bad HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", 400, "Bad Request"),
    ("too-many-headers", b"GET /bad HTTP/1.1\r\nHost: x\r\n" + _hdrs(100) + b"\r\n", 431,
     "Request Header Fields Too Large"),
    ("head-too-large", b"GET /bad HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 17000 + b"\r\n\r\n", 431,
     "Request Header Fields Too Large"),
    ("url-too-large", b"GET /" + b"a" * 17000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431,
     "Request Header Fields Too Large"),
    ("expect-unknown", b"GET /bad HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417, "Expectation Failed"),
]


def _recording_app() -> tuple[Any, list[str]]:
    app = bare_app()
    calls: list[str] = []
    app.locals.gate = gate = asyncio.Event()

    @app.get("/slow")
    async def slow(req: Any, res: Any) -> None:
        calls.append("slow")
        await gate.wait()  # until the test lets it finish
        res.send("slow")

    @app.all("/:name")
    def h(req: Any, res: Any) -> None:
        calls.append(req.params["name"][:10])
        res.send(req.params["name"][:10])

    return app, calls


@pytest.mark.parametrize("name,raw,status,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_alone(make: Any, name: str, raw: bytes, status: int, reason: str) -> None:
    app, calls = _recording_app()
    c = one(make, app, raw)
    assert c.out == error_bytes(status, reason)
    assert c.closed and calls == []


@pytest.mark.parametrize("name,raw,status,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_between_good_requests(make: Any, name: str, raw: bytes, status: int, reason: str) -> None:
    app, calls = _recording_app()
    c = one(make, app, get("/good") + raw + get("/after"))
    rs = c.responses()
    assert [(r.status, r.body) for r in rs] == [(200, b"good")]
    assert c.out.endswith(b"good" + error_bytes(status, reason))
    assert c.closed
    assert calls == ["good"]  # the request pipelined after the bad one never runs


@pytest.mark.parametrize("name,raw,status,reason", HOSTILE[::3], ids=[h[0] for h in HOSTILE[::3]])
def test_hostile_after_slow_async_request(make: Any, name: str, raw: bytes, status: int, reason: str) -> None:
    app, calls = _recording_app()
    h = make(app)
    c = h.connect().send(get("/slow") + raw + get("/after"))
    assert c.out == b"" and not c.closed  # the error waits for its turn
    h.call(app.locals.gate.set)
    h.until(lambda: c.closed)
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"slow")]
    assert c.out.endswith(b"slow" + error_bytes(status, reason))
    assert c.closed and calls == ["slow"]


def test_hostile_in_a_later_read(make: Any) -> None:
    app, calls = _recording_app()
    c = one(make, app, get("/good"), b"GET /bad HTTP/1.1\r\n\r\n", get("/after"))
    assert [r.body for r in c.responses()] == [b"good"]
    assert c.out.endswith(error_bytes(400, "Bad Request")) and c.closed
    assert calls == ["good"]


def test_bad_chunk_after_good_head(make: Any) -> None:
    """The head was fine, the body is broken: the request fails reading its body, then close."""
    app = bare_app()
    calls: list[Any] = []

    @app.post("/up")
    async def up(req: Any, res: Any) -> None:
        try:
            await req.read()
        except Exception as exc:
            calls.append(getattr(exc, "status", None))
            raise

    app.get("/after", lambda req, res: calls.append("after"))
    c = one(make, app, CHUNKED_HEAD + b"3\r\nabc\r\nzz\r\nxx\r\n0\r\n\r\n" + get("/after"))
    rs = c.responses()
    assert [r.status for r in rs] == [400]
    assert rs[0].header("Connection") == ["close"]
    assert c.closed and calls == [400]


def test_exactly_100_headers_allowed(make: Any) -> None:
    app, calls = _recording_app()
    c = one(make, app, b"GET /ok HTTP/1.1\r\nHost: x\r\n" + _hdrs(99) + b"\r\n")
    assert [r.status for r in c.responses()] == [200] and not c.closed


def test_large_head_under_limit_allowed(make: Any) -> None:
    app, calls = _recording_app()
    raw = b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 15000 + b"\r\n\r\n"
    assert [r.status for r in one(make, app, raw).responses()] == [200]
    pieces = [raw[i:i + 100] for i in range(0, len(raw), 100)]
    assert [r.status for r in one(make, app, *pieces).responses()] == [200]


class _CountingParser:
    """Wraps the protocol's httptools parser to count the bytes it is given."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.fed = 0

    def feed_data(self, data: bytes) -> None:
        self.fed += len(data)
        self.inner.feed_data(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


BIG_UNFINISHED = b"GET /bad HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000  # the head never ends
BIG_FINISHED = b"GET /bad HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n" + get("/after")


@pytest.mark.parametrize("size", [1, 7, 100, 1000])
@pytest.mark.parametrize("raw", [BIG_UNFINISHED, BIG_FINISHED], ids=["unfinished", "finished"])
def test_head_too_large_in_small_pieces(make: Any, size: int, raw: bytes) -> None:
    app, calls = _recording_app()
    c = make(app).connect()
    counter = _CountingParser(c.proto.parser)
    c.proto.parser = counter
    c.send(*[raw[i:i + size] for i in range(0, len(raw), size)])
    assert c.out == error_bytes(431, "Request Header Fields Too Large")
    assert c.closed and calls == []
    assert counter.fed <= 16 * 1024  # counted before the parser buffers more


@pytest.mark.parametrize("extra", [0, 1000, 8000])
def test_head_too_large_in_first_read(make: Any, extra: int) -> None:
    """An unfinished head bigger than the limit in one read is refused at once (httptools would
    otherwise hold it all), also after complete requests in the same read."""
    app, calls = _recording_app()
    c = make(app).connect()
    before = get("/ok") * (extra // 30)
    c.send(before + b"GET /bad HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 17000)
    assert c.out.endswith(error_bytes(431, "Request Header Fields Too Large"))
    assert [r.body for r in c.responses()] == [b"ok"] * (extra // 30)
    assert c.closed and calls == ["ok"] * (extra // 30)


def test_head_under_limit_in_first_read_then_rest(make: Any) -> None:
    app, calls = _recording_app()
    c = make(app).connect()
    c.send(b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 15000, b"a" * 100 + b"\r\n\r\n")
    assert [r.status for r in c.responses()] == [200] and calls == ["ok"]


def test_head_too_large_in_first_read_after_compact_headers(make: Any) -> None:
    """Complete requests with 'Name:value' headers (no space) before an oversized unfinished
    head in the same read must not shrink the bound put on that head."""
    app, calls = _recording_app()
    c = make(app).connect()
    compact = b"GET /ok HTTP/1.1\r\nHost:x\r\n" + b"A:\r\n" * 98 + b"\r\n"
    c.send(compact * 10 + b"GET /bad HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 17000)
    assert c.out.endswith(error_bytes(431, "Request Header Fields Too Large"))
    assert c.closed


def test_upgrade_request_answered_then_closed(make: Any) -> None:
    app, calls = _recording_app()
    c = one(make, app, b"GET /up HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
            + get("/after"))
    assert [(r.status, r.body) for r in c.responses()] == [(200, b"up")]
    assert c.responses()[0].header("Connection") == ["close"]
    assert c.closed and calls == ["up"]


def test_unhandled_exception_in_protocol_handler(make: Any) -> None:
    """A handler that raises past the app (here: the raw protocol handler) gets a bare 500."""
    app = bare_app()
    app.get("/", lambda req, res: res.send("ok"))
    h = make(app)

    def broken(req: Any, res: Any) -> None:
        raise RuntimeError("boom")

    c = h.connect()
    c.proto.handler = broken
    c.send(get("/"))
    rs = c.responses()
    assert [r.status for r in rs] == [500]
    assert rs[0].body == b"Internal Server Error"


# -- timeouts ---------------------------------------------------------------------------------

TIMEOUTS = dict(keep_alive_timeout=0.05, head_timeout=0.1)


def test_idle_keep_alive_connection_closed(make: Any) -> None:
    app = bare_app()
    app.get("/", lambda req, res: res.send("x"))
    h = make(app, **TIMEOUTS)
    t0 = h.loop.time()
    c = h.connect().send(get("/"))
    assert not c.closed
    assert c.responses()[0].header("Keep-Alive") == ["timeout=0"]  # whole seconds, as Node floors
    closed_at = h.until(lambda: c.closed, timeout=1.0)
    assert closed_at - t0 >= 0.05
    assert len(c.responses()) == 1 and c.out.endswith(b"\r\n\r\nx")  # nothing more was written


def test_new_connection_sending_nothing_closed(make: Any) -> None:
    h = make(bare_app(), **TIMEOUTS)
    t0 = h.loop.time()
    c = h.connect()
    assert not c.closed
    closed_at = h.until(lambda: c.closed, timeout=1.0)
    assert closed_at - t0 >= 0.05
    assert c.out == b""


def test_slow_handler_not_cut_by_keep_alive_timer(make: Any) -> None:
    app = bare_app()
    seen: list[bool] = []

    @app.get("/")
    async def slow(req: Any, res: Any) -> None:
        await asyncio.sleep(0.15)  # three keep-alive timeouts
        seen.append(req.socket.transport.closed)
        res.send("late")

    h = make(app, **TIMEOUTS)
    t0 = h.loop.time()
    c = h.connect().send(get("/"))
    closed_at = h.until(lambda: c.closed, timeout=1.0)  # the idle timer starts again after it
    assert seen == [False]
    assert [r.body for r in c.responses()] == [b"late"]
    assert closed_at - t0 >= 0.2


def test_incomplete_head_408(make: Any) -> None:
    app, calls = _recording_app()
    h = make(app, **TIMEOUTS)
    t0 = h.loop.time()
    c = h.connect().send(b"GET /x HTTP/1.1\r\nHost: x\r\n")
    assert not c.closed and c.out == b""
    closed_at = h.until(lambda: c.closed, timeout=1.0)
    assert closed_at - t0 >= 0.1  # the head timeout, not the (shorter) keep-alive one
    assert c.out == error_bytes(408, "Request Timeout")
    assert calls == []


def test_head_timeout_zero_means_none(make: Any) -> None:
    app, calls = _recording_app()
    h = make(app, keep_alive_timeout=10, head_timeout=0)
    c = h.connect().send(b"GET /x HTTP/1.1\r\nHost: x\r\n")
    h.loop.run_until_complete(asyncio.sleep(0.2))
    assert not c.closed and c.out == b""  # still waiting for the rest of the head
    c.send(b"\r\n")
    assert [r.status for r in c.responses()] == [200] and calls == ["x"]


def test_head_trickled_byte_by_byte_still_times_out(make: Any) -> None:
    app, calls = _recording_app()
    h = make(app, **TIMEOUTS)
    c = h.connect()
    raw = b"GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 120  # ~1.5 s of trickling

    async def trickle() -> float | None:
        start = h.loop.time()
        for i in range(len(raw)):
            if c.transport.closed:
                return h.loop.time() - start
            c.proto.data_received(raw[i:i + 1])
            await asyncio.sleep(0.01)
        return None

    elapsed = h.loop.run_until_complete(trickle())
    # The timer ran from the first byte: each new byte did not push it back.
    assert elapsed is not None and 0.1 <= elapsed < 1.0
    assert c.out == error_bytes(408, "Request Timeout")
    assert calls == []


def test_second_request_head_timeout_on_keep_alive(make: Any) -> None:
    app, calls = _recording_app()
    h = make(app, **TIMEOUTS)
    c = h.connect().send(get("/one"), b"GET /two HT")
    h.until(lambda: c.closed, timeout=1.0)
    assert [r.body for r in c.responses()] == [b"one"]
    assert c.out.endswith(b"one" + error_bytes(408, "Request Timeout"))
    assert calls == ["one"]


# -- request lifetime: no cyclic garbage per request ----------------------------------------

def _cyclic_garbage(app: Any, raw: bytes) -> list[str]:
    """Serve ``raw`` with the cycle collector off; the request-side objects that only it could
    free afterwards (names of their types)."""
    import gc

    from fastexpress.request import Request
    from fastexpress.response import Response
    from fastexpress.router import _RouterRun

    conn = Harness(app).connect()
    gc.collect()
    gc.disable()
    try:
        conn.send(raw)
        assert parse(conn.out), conn.out
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return sorted(type(o).__name__ for o in gc.garbage if type(o) in (Request, Response, _RouterRun))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _lifetime_apps() -> dict[str, Any]:
    plain = bare_app()
    plain.get("/", lambda req, res: res.send("ok"))
    chain = bare_app()
    for _ in range(3):
        chain.use("/", lambda req, res, next: next())
        chain.use("/api", lambda req, res, next: next())
    chain.get("/api", lambda req, res: res.json({"ok": True}))
    mounted = bare_app()
    router = Router()
    router.get("/:id", lambda req, res: res.json(req.params))
    mounted.use("/api", router)
    async def answer_at_once(req: Any, res: Any) -> None:
        res.send("ok")

    async_app = bare_app()
    async_app.get("/", answer_at_once)
    sub = bare_app()
    sub.get("/:id", lambda req, res: res.json(req.params))
    with_app = bare_app()
    with_app.use("/api", sub)
    compressing = bare_app()
    compressing.use(compression())
    compressing.get("/small", lambda req, res: res.json({"ok": True}))
    compressing.get("/big", lambda req, res: res.send("x" * 4096))
    static_first = bare_app()
    static_first.use(static(os.path.dirname(__file__)))  # no file named like the route
    static_first.get("/a-route", lambda req, res: res.send("ok"))
    # A first route gets its router pass only when it asks for one (Router.handle).
    asks = bare_app()
    asks.get("/", lambda req, res: res.send(str(callable(req.next))))
    passes_on = bare_app()
    passes_on.get("/", lambda req, res: req.next())
    passes_on.use(lambda req, res: res.send("ok"))
    route_stack = bare_app()
    route_stack.get("/", lambda req, res, next: next(), lambda req, res: res.send("ok"))
    prefix_first = bare_app()
    prefix_first.use("/api", lambda req, res, next: next())
    prefix_first.get("/api", lambda req, res: res.send("ok"))
    gzip = b"Accept-Encoding: gzip\r\n"
    return {"plain": (plain, get("/")), "middleware": (chain, get("/api")),
            "first route reads req.next": (asks, get("/")), "first route passes on": (passes_on, get("/")),
            "first route's own stack": (route_stack, get("/")),
            "a middleware on a prefix first": (prefix_first, get("/api")),
            "sub-router": (mounted, get("/api/7")), "async handler": (async_app, get("/")), "sub-app": (with_app, get("/api/7")),
            "compression, under the threshold": (compressing, get("/small", gzip)),
            "compression, compressed": (compressing, get("/big", gzip)),
            "static miss": (static_first, get("/a-route")), "pipelined": (plain, get("/") * 3)}


@pytest.mark.parametrize("name", list(_lifetime_apps()))
def test_a_finished_request_leaves_no_cyclic_garbage(name: str) -> None:
    # req.res <-> res.req and req.next -> its router passes -> req: cut once nothing else holds
    # them (fastexpress.router.release), so reference counting frees them, not the collector.
    from fastexpress.router import getrefcount

    if getrefcount is None:
        pytest.skip("reference counts do not prove reachability on this Python: left to the collector")
    app, raw = _lifetime_apps()[name]
    assert _cyclic_garbage(app, raw) == []


def test_a_first_route_that_keeps_the_request_can_still_pass_it_on() -> None:
    # Its router pass was never made (Router.handle): made when asked for, after the answer.
    app = bare_app()
    kept: list[Any] = []

    def handler(req: Any, res: Any) -> None:
        kept.append(req)
        res.send("ok")

    app.get("/", handler)
    app.use(lambda req, res: kept.append("passed on"))
    conn = Harness(app).connect().send(get("/"))
    assert parse(conn.out)[0].body == b"ok"
    req = kept[0]
    assert req.res.finished and req.res.req is req
    run = req.next
    assert run.req is req and run.res is req.res
    run()
    assert kept[1:] == ["passed on"]


@pytest.mark.parametrize("keep", ["req", "req, res.req replaced", "res", "next", "route next", "finish listener"])
def test_a_request_held_by_the_app_keeps_its_links(keep: str) -> None:
    # Whatever the app keeps reaches the request, its response and its next as before.
    app = bare_app()
    kept: list[Any] = []

    def mw(req: Any, res: Any, next: Any) -> None:
        if keep == "next":
            kept.append(lambda: next.req)
        next()

    def first(req: Any, res: Any, next: Any) -> None:
        if keep == "route next":
            kept.append(lambda: next.req)
        next()

    def handler(req: Any, res: Any) -> None:
        if keep == "req":
            kept.append(lambda: req)
        elif keep == "req, res.req replaced":
            kept.append(lambda: req)
        elif keep == "res":
            kept.append(lambda: res.req)
        elif keep == "finish listener":  # kept by a listener, as the response finishes
            res.on("finish", lambda: kept.append(lambda: req))
        res.send("ok")
        if keep == "req, res.req replaced":
            res.req = object()  # one link fewer: the count must not take the app's for it

    app.use(mw)
    app.get("/", first, handler)
    conn = Harness(app).connect().send(get("/"))
    assert parse(conn.out)[0].body == b"ok"
    req = kept[0]()
    assert req.res.finished and (req.res.req is req or keep == "req, res.req replaced")
    assert req.next is not None
