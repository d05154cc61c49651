"""``TestClient``: requests through the real HTTP/1.1 protocol code, without a socket.

Each request opens a connection on an in-memory transport, writes the request bytes into
``HttpProtocol.data_received`` and parses what the protocol writes back with httptools. So a
test sees exactly the bytes a client would (status line, header order, framing).
"""
from __future__ import annotations

import asyncio
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

import httptools
import orjson

from .headers import Headers
from .protocol import HttpProtocol, ServerConfig


class FakeTransport(asyncio.Transport):
    """A transport that records writes; closing it reports the loss to the protocol."""

    def __init__(self, protocol: asyncio.Protocol, loop: asyncio.AbstractEventLoop,
                 peer: tuple[str, int] = ("127.0.0.1", 50000), ssl: bool = False) -> None:
        super().__init__()
        self.protocol = protocol
        self.loop = loop
        self.output = bytearray()
        self.writes = 0
        self.closed = False
        self.reading = True
        self.peer = peer
        self.ssl = ssl
        self.eof_written = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closed:
            return
        self.writes += 1
        self.output += data

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        self.write(b"".join(list_of_data))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.loop.call_soon(self.protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        # The client sees the end of our output; the in-memory peer sends nothing more.
        self.eof_written = True
        self.loop.call_soon(self._peer_eof)

    def _peer_eof(self) -> None:
        if not self.closed and not self.protocol.eof_received():
            self.close()

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_reading(self) -> bool:
        return self.reading

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "peername":
            return self.peer
        if name == "sslcontext":
            return object() if self.ssl else None
        return default

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0


class TestResponse:
    """What came back: ``status_code``, ``reason``, ``headers``, ``content``, ``text``, ``json()``."""

    __test__ = False  # not a pytest test class

    def __init__(self, status_code: int, reason: str, raw_headers: list[tuple[str, str]], content: bytes,
                 http_version: str) -> None:
        self.status_code = status_code
        self.reason = reason
        self.raw_headers = raw_headers
        self.headers = Headers(raw_headers)
        self.content = content
        self.http_version = http_version

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Any:
        return orjson.loads(self.content)

    def __repr__(self) -> str:
        return f"<TestResponse {self.status_code}>"


class _Collector:
    """httptools response-parser callbacks for a sequence of responses."""

    def __init__(self) -> None:
        self.responses: list[TestResponse] = []
        self.head_only: list[bool] = []
        self._reset()

    def _reset(self) -> None:
        self.headers: list[tuple[str, str]] = []
        self.body = bytearray()
        self.reason = ""

    def on_status(self, status: bytes) -> None:
        self.reason += status.decode("latin-1")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        code = self.parser.get_status_code()
        if 100 <= code < 200:
            self._reset()
            return
        self.responses.append(TestResponse(code, self.reason, self.headers, bytes(self.body),
                                           self.parser.get_http_version()))
        self._reset()

    def on_headers_complete(self) -> bool | None:
        # A response to HEAD (or a 204/304) has no body whatever its Content-Length says.
        index = len(self.responses)
        code = self.parser.get_status_code()
        if 100 <= code < 200:
            return None
        if index < len(self.head_only) and self.head_only[index] or code in (204, 304):
            self.on_message_complete()
            self.parser = httptools.HttpResponseParser(self)
            return None
        return None


def build_request(method: str, url: str, headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
                  body: bytes | None = None, http_version: str = "1.1") -> bytes:
    items = list(headers.items() if isinstance(headers, Mapping) else headers or [])
    names = {name.lower() for name, _ in items}
    lines = [f"{method} {url} HTTP/{http_version}"]
    if "host" not in names and http_version == "1.1":
        lines.append("Host: testserver")
    lines.extend(f"{name}: {value}" for name, value in items)
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class TestClient:
    """Synchronous client for tests: ``TestClient(app).get("/users/7").json()``."""

    __test__ = False

    def __init__(self, app: Any, *, timeout: float = 10.0, client_addr: str = "127.0.0.1",
                 ssl: bool = False, **config: Any) -> None:
        self.app = app
        self.timeout = timeout
        self.client_addr = client_addr
        self.ssl = ssl
        self.config = ServerConfig(**config)
        self.loop = asyncio.new_event_loop()

    def close(self) -> None:
        self.loop.close()

    def __enter__(self) -> TestClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- raw exchanges ----------------------------------------------------------------------

    def open(self) -> tuple[HttpProtocol, FakeTransport]:
        """A new connection: the protocol and its in-memory transport."""
        proto = HttpProtocol(self.app.handle, self.config, self.loop, None)
        transport = FakeTransport(proto, self.loop, (self.client_addr, 50000), self.ssl)
        proto.connection_made(transport)
        return proto, transport

    def exchange(self, chunks: bytes | Iterable[bytes], *, responses: int | None = None,
                 head: Iterable[bool] = (), settle: float = 0.05) -> tuple[list[TestResponse], FakeTransport]:
        """Feed raw request bytes (one piece at a time) and parse what comes back. Waits for
        ``responses`` complete responses, or, when None, for the output to settle or close."""
        return self.loop.run_until_complete(self._exchange(chunks, responses, list(head), settle))

    async def _exchange(self, chunks: bytes | Iterable[bytes], responses: int | None, head: list[bool],
                        settle: float) -> tuple[list[TestResponse], FakeTransport]:
        proto, transport = self.open()
        collector = _Collector()
        collector.head_only = head
        collector.parser = httptools.HttpResponseParser(collector)  # type: ignore[attr-defined]
        fed = 0
        for piece in [chunks] if isinstance(chunks, (bytes, bytearray)) else chunks:
            if transport.closed:
                break
            proto.data_received(bytes(piece))
            await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        quiet_since = loop.time()
        last_len = -1
        while True:
            if len(transport.output) > fed:
                try:
                    collector.parser.feed_data(bytes(transport.output[fed:]))  # type: ignore[attr-defined]
                except httptools.HttpParserError as exc:
                    raise AssertionError(f"malformed response: {bytes(transport.output)!r}") from exc
                fed = len(transport.output)
            if responses is not None and len(collector.responses) >= responses:
                break
            if transport.closed:
                if responses is None or len(collector.responses) >= responses:
                    break
                await asyncio.sleep(0)
                if len(transport.output) == fed:
                    break
                continue
            if len(transport.output) != last_len:
                last_len = len(transport.output)
                quiet_since = loop.time()
            elif responses is None and loop.time() - quiet_since >= settle:
                break
            if loop.time() > deadline:
                raise TimeoutError(f"no complete response within {self.timeout}s; got {bytes(transport.output)!r}")
            await asyncio.sleep(0.001)
        if not transport.closed:
            transport.close()
            await asyncio.sleep(0)
        return collector.responses, transport

    # -- the requests API -------------------------------------------------------------------

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
                content: bytes | str | None = None, data: Mapping[str, Any] | str | bytes | None = None,
                json: Any = None, http_version: str = "1.1") -> TestResponse:
        items = list(headers.items() if isinstance(headers, Mapping) else headers or [])
        names = {name.lower() for name, _ in items}
        body: bytes | None = None
        if json is not None:
            body = orjson.dumps(json)
            if "content-type" not in names:
                items.append(("Content-Type", "application/json"))
        elif data is not None:
            if isinstance(data, Mapping):
                body = urlencode(data, doseq=True).encode()
                if "content-type" not in names:
                    items.append(("Content-Type", "application/x-www-form-urlencoded"))
            else:
                body = data.encode() if isinstance(data, str) else bytes(data)
        elif content is not None:
            body = content.encode() if isinstance(content, str) else bytes(content)
        raw = build_request(method.upper(), url, items, body, http_version)
        found, _ = self.exchange(raw, responses=1, head=[method.upper() == "HEAD"])
        if not found:
            raise ConnectionError("the connection closed without a response")
        return found[0]

    def get(self, url: str, **kw: Any) -> TestResponse:
        return self.request("GET", url, **kw)

    def head(self, url: str, **kw: Any) -> TestResponse:
        return self.request("HEAD", url, **kw)

    def options(self, url: str, **kw: Any) -> TestResponse:
        return self.request("OPTIONS", url, **kw)

    def post(self, url: str, **kw: Any) -> TestResponse:
        return self.request("POST", url, **kw)

    def put(self, url: str, **kw: Any) -> TestResponse:
        return self.request("PUT", url, **kw)

    def patch(self, url: str, **kw: Any) -> TestResponse:
        return self.request("PATCH", url, **kw)

    def delete(self, url: str, **kw: Any) -> TestResponse:
        return self.request("DELETE", url, **kw)
