"""ASGI: an App served by an ASGI server (fastexpress/asgi.py).

Two halves: an in-process driver (scope, receive and send fakes) that checks the exact
messages, and smoke tests that run uvicorn, hypercorn and granian in a subprocess on
127.0.0.1 (each skipped with the reason when the server is not installed or does not start).
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import http.client
import importlib.util
import inspect
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from fastexpress import ClientDisconnect, Router, express
from fastexpress.application import App
from fastexpress.asgi import AsgiApp, AsgiConnection, asgi_app
from fastexpress.testing import TestClient

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# The in-process driver
# ---------------------------------------------------------------------------------------------

def make_scope(path: str = "/", method: str = "GET", *, query: bytes = b"",
               headers: list[tuple[bytes, bytes]] | None = None, http_version: str = "1.1",
               scheme: str = "http", client: tuple[str, int] | None = ("127.0.0.1", 50000),
               raw_path: bytes | None | bool = True, extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": http_version,
        "method": method, "scheme": scheme, "path": path, "query_string": query, "root_path": "",
        "headers": [(b"host", b"example.com")] + list(headers or []), "client": client,
        "server": ("127.0.0.1", 8000),
    }
    if raw_path is True:
        scope["raw_path"] = path.encode("utf-8")
    elif isinstance(raw_path, bytes):
        scope["raw_path"] = raw_path
    if extensions is not None:
        scope["extensions"] = extensions
    return scope


class Driver:
    """An ASGI server in miniature: ``receive`` hands out queued messages (and then waits),
    ``send`` records, optionally held until ``release()``."""

    def __init__(self, body: list[bytes] | None = None, *, hold_sends: bool = False) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for i, chunk in enumerate(body or []):
            self.inbox.put_nowait({"type": "http.request", "body": chunk, "more_body": i < len(body or []) - 1})
        self.sent: list[dict[str, Any]] = []
        self.receives = 0
        self.hold_sends = hold_sends
        self._gate = asyncio.Event()
        self.send_error: BaseException | None = None
        self.disconnected = False

    async def receive(self) -> dict[str, Any]:
        self.receives += 1
        return await self.inbox.get()

    async def send(self, message: dict[str, Any]) -> None:
        if self.send_error is not None:
            raise self.send_error
        if self.hold_sends:
            await self._gate.wait()
        if not self.disconnected:
            self.sent.append(message)

    def release(self) -> None:
        self.hold_sends = False
        self._gate.set()

    def disconnect(self) -> None:
        """As uvicorn does: http.disconnect for receive(), a send held by backpressure returns,
        later sends are dropped."""
        self.disconnected = True
        self.inbox.put_nowait({"type": "http.disconnect"})
        self._gate.set()

    # What was sent.
    @property
    def start(self) -> dict[str, Any]:
        assert self.sent and self.sent[0]["type"] == "http.response.start", self.sent
        return self.sent[0]

    @property
    def status(self) -> int:
        return int(self.start["status"])

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        return [(bytes(n), bytes(v)) for n, v in self.start["headers"]]

    def header(self, name: str) -> str | None:
        for n, v in self.headers:
            if n.decode().lower() == name.lower():
                return v.decode("latin-1")
        return None

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["type"] == "http.response.body"]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.bodies)

    @property
    def complete(self) -> bool:
        last = self.sent[-1] if self.sent else None
        return last is not None and (last["type"] == "http.response.pathsend" or (
            last["type"] in ("http.response.body", "http.response.zerocopysend") and not last.get("more_body", False)))


def run(coro: Any, timeout: float = 5.0) -> Any:
    async def main() -> Any:
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(main())


def request(app: App, path: str = "/", method: str = "GET", body: list[bytes] | None = None,
            **scope_kw: Any) -> Driver:
    """One request through ``AsgiApp(app)`` with the driver; returns it once the call returned."""
    async def main() -> Driver:
        driver = Driver(body)
        await AsgiApp(app)(make_scope(path, method, **scope_kw), driver.receive, driver.send)
        return driver
    return run(main())


# ---------------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------------

def test_send_gives_start_and_one_body_message_with_the_protocols_headers() -> None:
    app = express()
    app.get("/hello", lambda req, res: res.set("X-Zulu", "1").append("X-Multi", ["a", "b"]).send("hello"))
    d = request(app, "/hello")
    assert d.status == 200
    assert d.headers == [
        (b"X-Powered-By", b"fastexpress"), (b"X-Zulu", b"1"), (b"X-Multi", b"a"), (b"X-Multi", b"b"),
        (b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Length", b"5"),
        (b"ETag", b'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    ]
    assert d.bodies == [{"type": "http.response.body", "body": b"hello", "more_body": False}]


def test_same_headers_as_the_builtin_server_less_date_and_framing() -> None:
    app = express()

    @app.get("/x")
    def handler(req, res):
        res.status(201).set("Date", "Thu, 01 Jan 1970 00:00:00 GMT").set("Connection", "keep-alive")
        res.set("Keep-Alive", "timeout=5").set("Transfer-Encoding", "chunked").set("X-After", "1")
        res.send("created")

    d = request(app, "/x")
    with TestClient(app) as client:
        native = client.get("/x")
    dropped = {"date", "transfer-encoding"}  # the ASGI server's own; the app's Connection goes through
    assert d.status == native.status_code == 201
    assert [(n.decode(), v.decode()) for n, v in d.headers] == \
        [(n, v) for n, v in native.headers.raw if n.lower() not in dropped]
    assert d.body == native.content == b"created"


def test_end_without_a_length_gets_content_length_as_the_protocol_frames_it() -> None:
    app = express()
    app.get("/", lambda req, res: res.end("abc"))
    d = request(app)
    assert d.headers[-1] == (b"Content-Length", b"3")
    assert d.body == b"abc" and d.complete


def test_status_message_with_crlf_is_refused_like_the_protocol() -> None:
    app = express()
    seen: list[str] = []

    @app.get("/")
    def handler(req, res):
        res.status_message = "bad\r\nX: y"
        try:
            res.end("x")
        except ValueError as exc:
            seen.append(str(exc))
            res.status_message = None
            res.end("ok")

    d = request(app)
    assert seen == ["Invalid character in statusMessage"]
    assert d.body == b"ok"


def test_head_keeps_the_headers_and_sends_no_body() -> None:
    app = express()
    app.get("/hello", lambda req, res: res.send("hello"))
    d = request(app, "/hello", "HEAD")
    assert d.header("Content-Length") == "5"
    assert d.body == b"" and d.complete


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses_send_no_body(status: int) -> None:
    app = express()

    @app.get("/")
    def handler(req, res):
        res.status(status).set("Content-Length", "5").end("hello")

    d = request(app)
    assert d.status == status
    assert d.header("Content-Length") is None  # a server would hold the response to that length
    assert d.body == b"" and d.complete


def test_cors_style_204_keeps_content_length_zero() -> None:
    app = express()
    app.options("/", lambda req, res: res.status(204).set("Content-Length", "0").end())
    d = request(app, method="OPTIONS")
    assert d.header("Content-Length") == "0"


def test_conditional_get_gives_304_without_body() -> None:
    app = express()
    app.get("/", lambda req, res: res.send("hello"))
    d = request(app, headers=[(b"if-none-match", b'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"')])
    assert d.status == 304
    assert d.body == b""


def test_streaming_writes_become_more_body_messages() -> None:
    app = express()

    @app.get("/stream")
    async def stream(req, res):
        res.type("txt")
        assert res.write("one;") is True
        await asyncio.sleep(0.01)
        res.write(b"two;")
        await res.drain()
        res.end("end")

    d = request(app, "/stream")
    assert d.header("Content-Length") is None and d.header("Transfer-Encoding") is None
    assert d.bodies[0] == {"type": "http.response.body", "body": b"one;", "more_body": True}
    assert all(m["more_body"] for m in d.bodies[:-1]) and d.bodies[-1]["more_body"] is False
    assert d.body == b"one;two;end"


def test_write_reports_backpressure_and_drain_waits_for_the_send() -> None:
    app = express()
    results: list[Any] = []

    @app.get("/")
    async def handler(req, res):
        results.append(res.write(b"x" * 1000))
        results.append(res.write(b"y" * 2000))  # 3000 queued > write_high_water
        await res.drain()
        results.append("drained")
        res.end()

    async def main() -> Driver:
        d = Driver(hold_sends=True)
        task = asyncio.ensure_future(AsgiApp(app, write_high_water=2048)(make_scope(), d.receive, d.send))
        await asyncio.sleep(0.05)
        assert results == [True, False]  # drain() is still waiting: nothing was sent
        assert d.sent == []
        d.release()
        await task
        return d

    d = run(main())
    assert results == [True, False, "drained"]
    assert d.body == b"x" * 1000 + b"y" * 2000 and d.complete


def test_finish_then_close_fire_after_the_last_message_is_sent() -> None:
    app = express()
    events: list[str] = []
    holder: dict[str, Driver] = {}

    @app.get("/")
    def handler(req, res):
        res.on("finish", lambda: events.append(f"finish after {len(holder['d'].sent)} sent"))
        res.on("close", lambda: events.append("close"))
        res.send("x")

    async def main() -> None:
        d = holder["d"] = Driver()
        await AsgiApp(app)(make_scope(), d.receive, d.send)

    run(main())
    assert events == ["finish after 2 sent", "close"]


def test_error_after_the_head_leaves_the_response_incomplete() -> None:
    app = express()

    @app.get("/")
    async def handler(req, res):
        res.write("partial")
        raise RuntimeError("boom")

    app.set("env", "test")
    d = request(app)
    # The final handler aborts: no closing message, so the server drops the connection.
    assert d.body == b"partial"
    assert not d.complete


def test_synchronous_crash_in_handle_is_a_500() -> None:
    class Broken(App):
        def handle(self, req, res, callback=None):  # type: ignore[override]
            raise RuntimeError("broken")

    d = request(Broken())
    assert d.status == 500
    assert d.complete


def test_compression_and_logger_middleware_run_under_asgi() -> None:
    import gzip
    import io

    from fastexpress import compression, logger

    out = io.StringIO()
    app = express()
    app.use(logger("tiny", stream=out))
    app.use(compression())
    app.get("/", lambda req, res: res.type("txt").send("compress me " * 200))
    d = request(app, headers=[(b"accept-encoding", b"gzip")])
    assert d.header("Content-Encoding") == "gzip"
    assert gzip.decompress(d.body) == b"compress me " * 200
    assert out.getvalue().startswith("GET / 200 ")


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------

def _echo_request_app() -> App:
    app = express()
    app.set("trust proxy", False)

    @app.all("/{*rest}")
    def echo(req, res):
        res.json({
            "method": req.method, "url": req.url, "path": req.path, "query": req.query,
            "httpVersion": req.http_version, "ip": req.ip, "protocol": req.protocol, "secure": req.secure,
            "hostname": req.hostname, "accept": req.get("accept"), "x": req.headers.get("x-multi"),
            "raw": req.headers.raw[-1:], "padded": req.get("x-padded"),
        })

    return app


def test_scope_becomes_the_request() -> None:
    import json

    d = request(_echo_request_app(), "/a b/c", "PUT", raw_path=b"/a%20b/c", query=b"x=1&y=%2F",
                headers=[(b"accept", b"text/plain"), (b"x-multi", b"1"), (b"x-multi", b"2"),
                         (b"x-padded", b"v \t")],
                client=("10.1.2.3", 4444), scheme="https")
    got = json.loads(d.body)
    assert got == {
        "method": "PUT", "url": "/a%20b/c?x=1&y=%2F", "path": "/a%20b/c", "query": {"x": "1", "y": "/"},
        "httpVersion": "1.1", "ip": "10.1.2.3", "protocol": "https", "secure": True, "hostname": "example.com",
        "accept": "text/plain", "x": "1, 2", "raw": [["x-padded", "v"]], "padded": "v",
    }


def test_without_raw_path_the_decoded_path_is_re_encoded_and_http2_is_2_0() -> None:
    import json

    d = request(_echo_request_app(), "/caf\u00e9 x", raw_path=None, http_version="2", client=None)
    got = json.loads(d.body)
    assert got["url"] == "/caf%C3%A9%20x"
    assert got["httpVersion"] == "2.0"
    assert got["ip"] == ""


def test_socket_is_the_asgi_connection() -> None:
    app = express()
    seen: list[Any] = []
    app.get("/", lambda req, res: (seen.append(req.socket), res.end()))
    request(app, client=("192.0.2.1", 1))
    assert isinstance(seen[0], AsgiConnection)
    assert seen[0].client_addr == "192.0.2.1" and seen[0].is_tls is False


def test_body_in_several_chunks() -> None:
    app = express()

    @app.post("/echo")
    async def echo(req, res):
        res.send(await req.read())

    d = request(app, "/echo", "POST", body=[b"ab", b"", b"cd", b"ef"], headers=[(b"content-length", b"6")])
    assert d.body == b"abcdef"


def test_body_stream_sees_the_chunks_and_a_chunked_upload() -> None:
    app = express()

    @app.post("/")
    async def handler(req, res):
        res.json([chunk.decode() async for chunk in req.stream()])

    d = request(app, method="POST", body=[b"one", b"two", b"three"],
                headers=[(b"transfer-encoding", b"chunked")])
    assert d.body == b'["one","two","three"]'


def test_json_body_parser_under_asgi() -> None:
    app = express()
    app.use(express.json())
    app.post("/", lambda req, res: res.json(req.body))
    d = request(app, method="POST", body=[b'{"a": ', b"[1, 2]}"],
                headers=[(b"content-type", b"application/json"), (b"content-length", b"13")])
    assert d.body == b'{"a":[1,2]}'


def test_receive_is_not_called_when_the_handler_does_not_read_the_body() -> None:
    app = express()
    app.post("/", lambda req, res: res.status(401).send("no"))
    d = request(app, method="POST", body=[b"x" * 10],
                headers=[(b"content-length", b"10"), (b"expect", b"100-continue")])
    assert d.status == 401
    assert d.receives == 0  # so the server never sends 100 Continue


def test_body_is_read_ahead_only_up_to_the_high_water_mark() -> None:
    app = express()
    buffered: list[int] = []

    @app.post("/")
    async def handler(req, res):
        total = 0
        async for chunk in req.stream():
            await asyncio.sleep(0.005)  # a slow reader
            buffered.append(req._buffered)
            total += len(chunk)
        res.json(total)

    async def main() -> Driver:
        d = Driver([b"x" * 100] * 20)
        await AsgiApp(app, body_high_water=250)(
            make_scope(method="POST", headers=[(b"content-length", b"2000")]), d.receive, d.send)
        return d

    d = run(main())
    assert d.body == b"2000"
    assert max(buffered) <= 300  # high water + one message, never the whole body


def test_no_body_request_needs_no_receive() -> None:
    app = express()

    @app.get("/")
    async def handler(req, res):
        body = await req.read()
        await asyncio.sleep(0)  # still at work after the head: the disconnect watcher starts
        res.send(repr(body))

    d = request(app)
    assert d.body == b"b''"
    # The one receive() is the disconnect watcher's, started while the async handler ran.
    assert d.receives == 1 and d.inbox.empty()


def test_over_limit_body_is_413_and_reading_stops() -> None:
    app = express()
    app.set("env", "test")

    @app.post("/")
    async def handler(req, res):
        res.send(await req.read(limit=5))

    d = request(app, method="POST", body=[b"abc", b"def", b"ghi"], headers=[(b"transfer-encoding", b"chunked")])
    assert d.status == 413


# ---------------------------------------------------------------------------------------------
# Disconnects
# ---------------------------------------------------------------------------------------------

def test_disconnect_while_reading_the_body_raises_client_disconnect_and_closes() -> None:
    app = express()
    app.set("env", "test")
    events: list[Any] = []

    @app.post("/")
    async def handler(req, res):
        res.on("close", lambda: events.append("close"))
        try:
            await req.read()
        except ClientDisconnect:
            events.append("ClientDisconnect")
            raise

    async def main() -> Driver:
        d = Driver()
        d.inbox.put_nowait({"type": "http.request", "body": b"part", "more_body": True})
        d.disconnect()
        await AsgiApp(app)(make_scope(method="POST", headers=[(b"content-length", b"100")]), d.receive, d.send)
        await asyncio.sleep(0.01)
        return d

    d = run(main())
    assert events == ["close", "ClientDisconnect"]
    assert d.sent == []


def test_disconnect_during_a_long_response_fires_close_and_returns() -> None:
    app = express()
    events: list[Any] = []

    @app.get("/sse")
    async def sse(req, res):
        res.on("close", lambda: events.append("close"))
        res.write("data: 1\n\n")
        await asyncio.sleep(30)

    async def main() -> Driver:
        d = Driver()
        task = asyncio.ensure_future(AsgiApp(app)(make_scope("/sse"), d.receive, d.send))
        await asyncio.sleep(0.02)
        assert not task.done() and events == []
        d.disconnect()
        await asyncio.wait_for(task, 1)  # the ASGI call returns at the disconnect
        return d

    d = run(main())
    assert events == ["close"]
    assert d.body == b"data: 1\n\n" and not d.complete


def test_writes_after_a_disconnect_are_dropped_and_end_closes() -> None:
    app = express()
    events: list[Any] = []
    conns: list[AsgiConnection] = []

    @app.get("/")
    async def handler(req, res):
        conns.append(req.socket)
        res.on("close", lambda: events.append("close"))
        res.write("a")
        await asyncio.sleep(0.05)
        events.append(("write_ready", res.write("b")))
        res.end("c")
        events.append("ended")

    async def main() -> Driver:
        d = Driver()
        task = asyncio.ensure_future(AsgiApp(app)(make_scope(), d.receive, d.send))
        await asyncio.sleep(0.01)
        d.disconnect()
        await task
        await asyncio.sleep(0.08)
        return d

    d = run(main())
    assert events == ["close", ("write_ready", False), "ended"]
    assert conns[0].closed
    assert d.body == b"a"


def test_a_failing_send_is_a_disconnect() -> None:
    app = express()
    events: list[str] = []

    @app.get("/")
    def handler(req, res):
        res.on("close", lambda: events.append("close"))
        res.send("x")

    async def main() -> None:
        d = Driver()
        d.send_error = OSError("client went away")
        await AsgiApp(app)(make_scope(), d.receive, d.send)

    run(main())
    assert events == ["close"]


def test_a_failing_receive_is_a_disconnect() -> None:
    app = express()
    app.set("env", "test")
    events: list[Any] = []

    @app.post("/")
    async def handler(req, res):
        res.on("close", lambda: events.append("close"))
        try:
            await req.read()
        except ClientDisconnect:
            events.append("ClientDisconnect")

    async def main() -> None:
        async def receive() -> dict[str, Any]:
            raise OSError("connection lost")

        async def send(message: dict[str, Any]) -> None:
            raise AssertionError("nothing to send")

        await AsgiApp(app)(make_scope(method="POST", headers=[(b"content-length", b"3")]), receive, send)
        await asyncio.sleep(0.01)

    run(main())
    assert events == ["close", "ClientDisconnect"]


def test_a_server_that_does_not_wait_in_receive_is_not_polled() -> None:
    app = express()

    @app.get("/")
    async def handler(req, res):
        await asyncio.sleep(0.02)
        res.send("done")

    calls = 0

    async def main() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            nonlocal calls
            calls += 1
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await AsgiApp(app)(make_scope(), receive, send)
        return sent

    sent = run(main())
    assert sent[-1]["body"] == b"done"
    assert calls == 2  # the request's empty body, then one more: no busy loop


def test_the_disconnect_watcher_is_cancelled_when_the_response_ends() -> None:
    app = express()

    @app.get("/")
    async def handler(req, res):
        await asyncio.sleep(0.01)
        res.send("late")

    async def main() -> tuple[Driver, int]:
        d = Driver()
        await AsgiApp(app)(make_scope(), d.receive, d.send)
        await asyncio.sleep(0.01)
        pending = [t for t in asyncio.all_tasks() if "AsgiConnection" in repr(t)]
        return d, len(pending)

    d, pending = run(main())
    assert d.body == b"late"
    assert d.receives == 1  # the watcher waited for a disconnect, then was cancelled
    assert pending == 0


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(300_000))
    return path


def _file_app(path: Path) -> App:
    app = express()
    app.get("/file", lambda req, res: res.send_file(str(path)))
    return app


def test_send_file_in_body_chunks(big_file: Path) -> None:
    d = request(_file_app(big_file), "/file")
    assert d.status == 200 and d.header("Content-Length") == "300000"
    assert d.body == big_file.read_bytes()
    assert len(d.bodies) > 1 and d.complete


def test_send_file_range_in_chunks_even_with_pathsend(big_file: Path) -> None:
    d = request(_file_app(big_file), "/file", headers=[(b"range", b"bytes=100-199")],
                extensions={"http.response.pathsend": {}})
    assert d.status == 206
    assert d.body == big_file.read_bytes()[100:200]


def test_send_file_by_pathsend_when_the_server_offers_it(big_file: Path) -> None:
    d = request(_file_app(big_file), "/file", extensions={"http.response.pathsend": {}})
    assert d.header("Content-Length") == "300000"
    assert d.sent[-1] == {"type": "http.response.pathsend", "path": str(big_file.resolve())}


def test_send_file_by_zerocopysend_when_the_server_offers_it(big_file: Path) -> None:
    d = request(_file_app(big_file), "/file", headers=[(b"range", b"bytes=10-100009")],
                extensions={"http.response.zerocopysend": {}})
    message = d.sent[-1]
    assert message["type"] == "http.response.zerocopysend"
    assert (message["offset"], message["count"], message["more_body"]) == (10, 100_000, False)
    file = message["file"]
    try:
        assert os.pread(file.fileno(), 100_000, 10) == big_file.read_bytes()[10:100_010]
    finally:
        file.close()


def test_send_file_head_sends_no_body(big_file: Path) -> None:
    d = request(_file_app(big_file), "/file", "HEAD")
    assert d.header("Content-Length") == "300000" and d.body == b"" and d.complete


def test_send_file_aborted_by_a_disconnect(big_file: Path) -> None:
    app = express()
    outcome: list[Any] = []
    app.get("/file", lambda req, res: res.send_file(str(big_file), lambda err=None: outcome.append(err)))

    async def main() -> Driver:
        d = Driver(hold_sends=True)
        task = asyncio.ensure_future(AsgiApp(app)(make_scope("/file"), d.receive, d.send))
        await asyncio.sleep(0.02)
        d.disconnect()
        await asyncio.wait_for(task, 1)
        await asyncio.sleep(0.05)
        return d

    run(main())
    assert len(outcome) == 1 and getattr(outcome[0], "code", None) == "ECONNABORTED"


# ---------------------------------------------------------------------------------------------
# Lifespan, other scopes, dispatch
# ---------------------------------------------------------------------------------------------

async def _lifespan(app: Any, messages: list[str]) -> list[dict[str, Any]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for kind in messages:
        inbox.put_nowait({"type": kind})
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await AsgiApp(app)({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send)
    return sent


def test_lifespan_runs_startup_and_shutdown_hooks_sync_and_async() -> None:
    app = express()
    order: list[str] = []

    async def async_start() -> None:
        await asyncio.sleep(0)
        order.append("async start")

    app.on("startup", lambda: order.append("sync start"))
    app.on("startup", async_start)
    app.on("shutdown", lambda: order.append("stop"))
    sent = run(_lifespan(app, ["lifespan.startup", "lifespan.shutdown"]))
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
    assert order == ["sync start", "async start", "stop"]


def test_lifespan_without_hooks_completes() -> None:
    sent = run(_lifespan(express(), ["lifespan.startup", "lifespan.shutdown"]))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_lifespan_startup_failure_reports_the_message() -> None:
    app = express()
    later: list[str] = []

    def bad() -> None:
        raise RuntimeError("database unreachable")

    app.on("startup", bad)
    app.on("startup", lambda: later.append("ran"))
    sent = run(_lifespan(app, ["lifespan.startup"]))
    assert sent == [{"type": "lifespan.startup.failed", "message": "database unreachable"}]
    assert later == []


def test_lifespan_shutdown_failure_still_runs_every_hook() -> None:
    app = express()
    ran: list[str] = []

    async def bad() -> None:
        raise ValueError("flush failed")

    app.on("shutdown", bad)
    app.on("shutdown", lambda: ran.append("second"))
    sent = run(_lifespan(app, ["lifespan.startup", "lifespan.shutdown"]))
    assert sent == [{"type": "lifespan.startup.complete"},
                    {"type": "lifespan.shutdown.failed", "message": "flush failed"}]
    assert ran == ["second"]


def test_websocket_is_refused() -> None:
    sent: list[dict[str, Any]] = []

    async def main() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "websocket.connect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await AsgiApp(express())({"type": "websocket", "path": "/"}, receive, send)

    run(main())
    assert sent == [{"type": "websocket.close", "code": 1000}]


def test_unknown_scope_type_raises() -> None:
    async def main() -> None:
        await AsgiApp(express())({"type": "mystery"}, None, None)  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="mystery"):
        run(main())


def test_asgi_app_is_an_asgi3_callable() -> None:
    wrapped = asgi_app(express(), body_high_water=1024)
    assert inspect.iscoroutinefunction(wrapped.__call__)
    assert wrapped.config.body_high_water == 1024
    with pytest.raises(TypeError):
        asgi_app(express(), no_such_option=1)


def test_app_itself_is_asgi3_once_app_call_dispatches() -> None:
    if not inspect.iscoroutinefunction(App.__call__):
        pytest.skip("App.__call__ does not dispatch ASGI scopes yet (the lead applies that change)")
    app = express()
    app.get("/", lambda req, res: res.send("direct"))

    async def main() -> Driver:
        d = Driver()
        await app(make_scope(), d.receive, d.send)
        return d

    assert run(main()).body == b"direct"


def test_an_app_mounted_with_router_use_still_works() -> None:
    app = express()
    router = Router()
    sub = express()
    sub.get("/x", lambda req, res: res.send("from sub"))
    router.use(sub)
    app.use("/r", router)
    with TestClient(app) as client:
        assert client.get("/r/x").text == "from sub"


# ---------------------------------------------------------------------------------------------
# Real servers in a subprocess
# ---------------------------------------------------------------------------------------------

SMOKE_APP = '''
import asyncio, hashlib, os, sys
from fastexpress import express
from fastexpress.asgi import AsgiApp

HERE = os.path.dirname(os.path.abspath(__file__))
app = express()
app.on("startup", lambda: open(os.path.join(HERE, "started"), "w").close())

async def stopped():
    open(os.path.join(HERE, "stopped"), "w").close()

app.on("shutdown", stopped)
app.get("/hello", lambda req, res: res.send("hello " + req.ip))

@app.get("/stream")
async def stream(req, res):
    res.type("txt")
    for i in range(5):
        if not res.write(f"part{i};"):
            await res.drain()
        await asyncio.sleep(0.005)
    res.end("end")

@app.post("/echo")
async def echo(req, res):
    digest, size = hashlib.sha256(), 0
    async for chunk in req.stream():
        digest.update(chunk)
        size += len(chunk)
    res.json({"size": size, "sha256": digest.hexdigest()})

@app.get("/hang")
async def hang(req, res):
    res.on("close", lambda: open(os.path.join(HERE, "closed"), "w").close())
    res.write("waiting")
    await asyncio.sleep(30)

app.get("/file", lambda req, res: res.send_file(os.path.join(HERE, "big.bin")))
asgi = AsgiApp(app)
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


class RunningServer:
    def __init__(self, name: str, directory: Path, port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.name, self.dir, self.port, self.proc, self.log_path = name, directory, port, proc, log

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT if self.name == "granian" else signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _argv(server: str, target: str, port: int) -> list[str]:
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
                "--lifespan", "on", "--log-level", "warning"]
    if server == "hypercorn":
        return [sys.executable, "-m", "hypercorn", target, "--bind", f"127.0.0.1:{port}"]
    return [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", target]


@contextlib.contextmanager
def serving(server: str, directory: Path, target: str = "smoke_app:asgi") -> Iterator[RunningServer]:
    if importlib.util.find_spec(server) is None:
        pytest.skip(f"{server} is not installed (pip install -e '.[asgi]'): its smoke test is skipped")
    port = _free_port()
    log = directory / f"{server}.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
               PYTHONUNBUFFERED="1", FASTEXPRESS_ENV="production")
    with open(log, "wb") as out:
        proc = subprocess.Popen(_argv(server, target, port), cwd=directory, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    running = RunningServer(server, directory, port, proc, log)

    def listening() -> bool:
        if proc.poll() is not None:
            return True
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
        return False

    try:
        if not _wait_for(listening, 20) or proc.poll() is not None:
            pytest.skip(f"{server} did not start on 127.0.0.1:{port}: its smoke test is skipped\n{running.log()}")
        yield running
    finally:
        running.stop()


SERVERS = ["uvicorn", "hypercorn", "granian"]


@pytest.fixture(scope="module")
def smoke_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("asgi-smoke")
    (directory / "smoke_app.py").write_text(textwrap.dedent(SMOKE_APP))
    (directory / "big.bin").write_bytes(os.urandom(200_000))
    return directory


@pytest.mark.parametrize("server", SERVERS)
def test_real_server_smoke(server: str, smoke_dir: Path, tmp_path: Path) -> None:
    for name in ("smoke_app.py", "big.bin"):
        (tmp_path / name).write_bytes((smoke_dir / name).read_bytes())
    with serving(server, tmp_path) as srv:
        assert _wait_for(lambda: (tmp_path / "started").exists(), 5), f"startup hook did not run\n{srv.log()}"
        conn = srv.connection()
        # A GET.
        conn.request("GET", "/hello")
        r = conn.getresponse()
        assert (r.status, r.read()) == (200, b"hello 127.0.0.1"), srv.log()
        assert r.getheader("X-Powered-By") == "fastexpress"
        assert r.getheader("Content-Length") == "15" and r.getheader("ETag", "").startswith('W/"f-')
        # A streamed response: no length, the server frames it.
        conn.request("GET", "/stream")
        r = conn.getresponse()
        assert r.getheader("Content-Length") is None
        assert r.read() == b"part0;part1;part2;part3;part4;end"
        # A POST body in several chunks (chunked upload) and one with a length.
        parts = [os.urandom(1000), os.urandom(70_000), b"tail"]
        conn.request("POST", "/echo", body=iter(parts), encode_chunked=True)
        r = conn.getresponse()
        whole = b"".join(parts)
        assert r.status == 200
        assert r.read() == b'{"size":%d,"sha256":"%s"}' % (len(whole), hashlib.sha256(whole).hexdigest().encode())
        conn.request("POST", "/echo", body=b"x" * 5000, headers={"Content-Type": "application/octet-stream"})
        r = conn.getresponse()
        assert b'"size":5000' in r.read()
        # res.send_file.
        conn.request("GET", "/file")
        r = conn.getresponse()
        assert r.status == 200 and r.getheader("Content-Length") == "200000"
        assert r.read() == (tmp_path / "big.bin").read_bytes()
        conn.request("GET", "/file", headers={"Range": "bytes=5-14"})
        r = conn.getresponse()
        assert (r.status, r.read()) == (206, (tmp_path / "big.bin").read_bytes()[5:15])
        conn.close()
        # A client that goes away mid-response: res.on('close') fires.
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            sock.sendall(b"GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(5)
            seen = b""
            while b"waiting" not in seen:
                chunk = sock.recv(4096)
                assert chunk, f"connection closed before the first write\n{srv.log()}"
                seen += chunk
        assert _wait_for(lambda: (tmp_path / "closed").exists(), 5), f"no close event\n{srv.log()}"
    assert _wait_for(lambda: (tmp_path / "stopped").exists(), 5), f"shutdown hook did not run\n{srv.log()}"


def test_uvicorn_serves_the_app_object_itself(smoke_dir: Path, tmp_path: Path) -> None:
    """``uvicorn module:app`` with the App, not a wrapper (App.__call__'s ASGI branch)."""
    for name in ("smoke_app.py", "big.bin"):
        (tmp_path / name).write_bytes((smoke_dir / name).read_bytes())
    for server in SERVERS:
        with serving(server, tmp_path, "smoke_app:app") as srv:
            conn = srv.connection()
            conn.request("GET", "/hello")
            r = conn.getresponse()
            assert (r.status, r.read()) == (200, b"hello 127.0.0.1"), f"{server}\n{srv.log()}"
