"""ASGI 3: the same app served by uvicorn, hypercorn, granian or any other ASGI server.

``AsgiApp(app)`` (also ``asgi_app(app)``; ``App.__call__`` dispatches here when it is given an
ASGI scope) is an ASGI 3 application for the ``http`` and ``lifespan`` scopes.

For each HTTP request an ``AsgiConnection`` stands in for ``HttpProtocol``: it offers the
connection interface ``Request`` and ``Response`` use (``write_response``, ``write_ready``,
``drain``, ``abort``, ``update_reading``, ``write_file``, ``config``, ``loop``,
``client_addr``, ``is_tls``, ``closed``), so handlers, middleware and ``res.send_file`` run
unchanged. What differs is owned by the ASGI server: framing (chunked or not), keep-alive,
``Date``/``Server``, ``100 Continue``, the reason phrase, malformed requests.

- Request body: ``receive()`` is called only once the handler waits for body bytes (so a
  handler that answers without reading never makes the server send ``100 Continue``), then
  read ahead up to ``body_high_water`` unread bytes, as the protocol reads its socket.
- Response: the head becomes ``http.response.start`` (status and the headers in the order the
  protocol would write them, less Date/Connection/Keep-Alive/Transfer-Encoding); bytes become
  ``http.response.body`` messages (``more_body`` until ``res.end``). ``res.write`` returns
  False once ``write_high_water`` bytes wait to be sent; ``await res.drain()`` waits until the
  server has taken them (its ``send`` returned).
- Disconnect: ``http.disconnect`` (watched for once the request body has been received) or a
  failing ``send`` closes the connection: ``ClientDisconnect`` for a body being read,
  ``res.on('close')``, and the ASGI call returns.
- The ASGI call returns once the response has ended (or the client went away); a handler
  still running after that goes on in its own task, as with the built-in server.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import os
from typing import TYPE_CHECKING, Any, Awaitable, Callable, MutableMapping
from urllib.parse import quote

from ._accel import has_body, validate_header
from .headers import Headers
from .protocol import ServerConfig
from .request import Request
from .response import Response
from .server import make_config, run_hooks, run_shutdown_hooks

if TYPE_CHECKING:
    from .application import App

__all__ = ["AsgiApp", "AsgiConnection", "asgi_app", "serve_asgi", "run_hooks"]

logger = logging.getLogger("fastexpress.error")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Response headers the ASGI server writes itself. An app's own Connection and Keep-Alive go
# through: servers honour them as Node does (uvicorn and h11 close after `Connection: close`).
_SERVER_OWNED = frozenset({"date", "transfer-encoding"})
# Request header names that matter here start with one of these letters.
_WATCHED = frozenset(b"ctiCTI")
_PADDING = frozenset(b" \t")
# What a decoded scope["path"] keeps unquoted when it must be re-encoded (no raw_path).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_HTTP_VERSIONS = {"1.1": "1.1", "1.0": "1.0", "2": "2.0", "2.0": "2.0", "3": "3.0", "3.0": "3.0"}
_FILE_CHUNK = 128 * 1024
# PERF: validated, encoded header lines, as build_head caches its lines (bounded the same way).
_PAIRS: dict[tuple[str, str], tuple[bytes, bytes]] = {}
_PAIRS_MAX = 4096


def _request_url(scope: Scope) -> str:
    raw_path = scope.get("raw_path")
    if raw_path:
        path = raw_path.decode("latin-1")
        qmark = path.find("?")  # some servers leave the query in raw_path
        if qmark >= 0:
            path = path[:qmark]
    else:
        path = quote(scope.get("path") or "/", safe=_PATH_SAFE)
    query = scope.get("query_string")
    return path + "?" + query.decode("latin-1") if query else path


class AsgiConnection:
    """One ASGI ``http`` scope, behind the connection interface of ``HttpProtocol``."""

    __slots__ = (
        "config", "loop", "client_addr", "is_tls", "closed", "scope", "_receive", "_send", "req", "res",
        "_start", "_chunks", "_pending", "_ended", "_end_taken", "_end_sent", "_file_msg", "_wakeup", "_drain_waiters",
        "_sending", "_pump", "_resume", "_aborted", "__weakref__",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send, config: ServerConfig | None = None,
                 loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.config = config or ServerConfig()
        self.loop = loop or asyncio.get_running_loop()
        self.scope = scope
        self._receive = receive
        self._send = send
        client = scope.get("client")
        self.client_addr = str(client[0]) if client else ""
        self.is_tls = scope.get("scheme") in ("https", "wss")
        self.closed = False
        # The response, as messages waiting for the sender (the ASGI call's own coroutine).
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._pending = 0  # body bytes queued and not yet handed to send()
        self._ended = False  # res.end() was called
        self._end_taken = False  # ... and its last message was taken by the sender
        self._end_sent = False  # ... and sent
        self._file_msg: Message | None = None  # a pathsend/zerocopysend message
        self._wakeup: asyncio.Future[None] | None = None
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._sending = False
        # The request body: a task calling receive(), started on the first wait for body.
        self._pump: asyncio.Task[None] | None = None
        self._resume: asyncio.Future[None] | None = None
        self._aborted = False
        self.req = self._make_request(scope)
        self.res = Response(self.req)

    def _make_request(self, scope: Scope) -> Request:
        version = scope.get("http_version") or "1.1"
        version = _HTTP_VERSIONS.get(version, version)
        raw = scope.get("headers") or []
        if not isinstance(raw, list):
            raw = list(raw)
        # The protocol's head checks, on what the ASGI server parsed.
        has_body = version[0] != "1"  # HTTP/2 and 3 bodies need no length header
        conditional = False
        connection: bytes | None = None
        padded = False
        for name, value in raw:
            if value and value[-1] in _PADDING:
                padded = True
            if name and name[0] in _WATCHED:
                lname = name.lower()
                if lname == b"content-length":
                    has_body = value.strip() != b"0"
                elif lname == b"transfer-encoding":
                    has_body = True
                elif lname == b"if-none-match" or lname == b"if-modified-since":
                    conditional = True
                elif lname == b"connection":
                    connection = value.lower() if connection is None else connection + b"," + value.lower()
        if padded:  # servers keep trailing whitespace in a value; Node trims it (as the protocol)
            raw = [(name, value.rstrip(b" \t")) for name, value in raw]
        if connection is None:
            keep_alive = version != "1.0"
        elif b"close" in connection:
            keep_alive = False
        else:
            keep_alive = version != "1.0" or b"keep-alive" in connection
        method = scope.get("method") or "GET"
        req = Request(self, method, _request_url(scope), version, Headers.from_bytes(raw), keep_alive, has_body)
        req._conditional = conditional
        req.start_time = self.loop.time()
        return req

    # -- the connection interface (as HttpProtocol's) ---------------------------------------

    def write_response(self, res: Response, data: bytes, end: bool) -> None:
        """Queue (the head if not sent yet and) ``data``; ``end`` finishes the response."""
        if self.closed:
            if end:
                res._on_finish_closed()
            return
        if not res.headers_sent:
            self._start = self._head(res, data, end)
        if data and res._has_body:
            self._chunks.append(data)
            self._pending += len(data)
        if end:
            self._ended = True
        self._wake()

    def _head(self, res: Response, data: bytes, end: bool) -> Message:
        """The ``http.response.start`` message: the protocol's framing decisions (``_head``),
        less what the ASGI server owns."""
        req = res.req
        headers = res._headers
        status = res.status_code
        no_content = status == 204 or status == 304
        res._has_body = body = has_body(req.method, status)
        message = res.status_message
        if message is not None and ("\r" in message or "\n" in message):
            raise ValueError("Invalid character in statusMessage")
        out: list[tuple[bytes, bytes]] = []
        pairs = _PAIRS
        for lname, item in headers.items():
            name, value = item
            if lname in _SERVER_OWNED:
                if lname == "transfer-encoding":
                    res._chunked = body and "chunked" in str(value).lower()
                continue
            if no_content and lname == "content-length" and value != "0":
                continue  # no body follows; a server would hold the response to that length
            if isinstance(value, str):
                pair = pairs.get(item)
                if pair is None:
                    validate_header(name, value)
                    pair = (name.encode("latin-1"), value.encode("latin-1"))
                    if len(pairs) < _PAIRS_MAX:
                        pairs[item] = pair
                out.append(pair)
            else:
                bname = name.encode("latin-1")
                for item in value:
                    validate_header(name, item)
                    out.append((bname, item.encode("latin-1")))
        if body and end and "content-length" not in headers and "transfer-encoding" not in headers:
            out.append((b"Content-Length", b"%d" % len(data)))
        res.headers_sent = True
        return {"type": "http.response.start", "status": status, "headers": out}

    def write_ready(self) -> bool:
        """False while ``write_high_water`` bytes or more wait for the server (res.write's result)."""
        return not self.closed and self._pending < self.config.write_high_water

    async def drain(self) -> None:
        """Until everything queued has been handed to the server's ``send``."""
        if self.closed or (not self._sending and self._start is None and not self._chunks and self._file_msg is None):
            return
        waiter = self.loop.create_future()
        self._drain_waiters.append(waiter)
        await waiter

    def abort(self) -> None:
        """Drop the connection: the response is left incomplete (what was written before is
        sent, its end never is), so the server closes the connection when the call returns."""
        if self.closed:
            return
        self._aborted = True  # what was written before still goes out, never the end
        self._on_disconnect()

    def update_reading(self) -> None:
        """Called by the request as its buffer changes: resume a paused body pump."""
        resume = self._resume
        if resume is not None and not resume.done():
            req = self.req
            if req._discarding or req._buffered <= self.config.body_high_water:
                resume.set_result(None)

    # -- files -------------------------------------------------------------------------------

    async def write_file(self, res: Response, fd: int, offset: int, count: int) -> None:
        """``HttpProtocol.write_file`` for ASGI: the head (if not sent), then ``count`` bytes of
        ``fd`` from ``offset``, then the end of the response. Takes ownership of ``fd``.

        With the server's ``http.response.zerocopysend`` extension the file goes in one message;
        with ``http.response.pathsend`` (whole files only) by its path when that path still names
        the open file; otherwise in bounded ``http.response.body`` chunks, each waiting until the
        server took the previous one. Raises ``ConnectionAbortedError`` when the client goes away
        and the ``OSError`` of a file that cannot be read to the end (the response is then left
        incomplete: its head promised a length)."""
        try:
            if self.closed:
                raise ConnectionAbortedError("Request aborted")
            headers = res._headers
            if not res.headers_sent:
                if "content-length" not in headers and "transfer-encoding" not in headers:
                    headers["content-length"] = ("Content-Length", str(count))
                self._start = self._head(res, b"", False)
            res.finished = True
            if not res._has_body or count <= 0:
                self.write_response(res, b"", True)
                return
            message = self._file_message(fd, offset, count)
            if message is not None:
                self._file_msg = message
                self._ended = True
                self._wake()
                await self.drain()
                if self.closed and not self._end_sent:
                    raise ConnectionAbortedError("Request aborted")
                return
            while count > 0:
                if self.closed:
                    raise ConnectionAbortedError("Request aborted")
                data = os.pread(fd, min(count, _FILE_CHUNK), offset)
                if not data:
                    raise OSError(errno.EIO, "file ended before the length announced in the head")
                offset += len(data)
                count -= len(data)
                self.write_response(res, data, count == 0)
                await self.drain()
            if self.closed and not self._end_sent:
                raise ConnectionAbortedError("Request aborted")
        except ConnectionAbortedError:
            raise
        except OSError:
            self.abort()
            raise
        finally:
            os.close(fd)

    def _file_message(self, fd: int, offset: int, count: int) -> Message | None:
        extensions = self.scope.get("extensions") or {}
        if "http.response.zerocopysend" in extensions:
            # The server reads the file descriptor object: give it its own descriptor.
            file = os.fdopen(os.dup(fd), "rb")
            return {"type": "http.response.zerocopysend", "file": file, "offset": offset, "count": count,
                    "more_body": False}
        if "http.response.pathsend" in extensions and offset == 0:
            try:
                st = os.fstat(fd)
                if st.st_size != count:
                    return None
                path = os.readlink(f"/proc/self/fd/{fd}")
                named = os.stat(path)
            except OSError:
                return None
            if (named.st_dev, named.st_ino, named.st_size, named.st_mtime_ns) != \
                    (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns):
                return None
            return {"type": "http.response.pathsend", "path": path}
        return None

    # -- the request body --------------------------------------------------------------------

    def want_body(self) -> None:
        """A reader waits for body bytes (``Request.stream``): pull them from ``receive()``."""
        if self._pump is None and not self.closed and not self.req._body_done:
            self._pump = self.loop.create_task(self._pump_body())
        else:
            self.update_reading()

    async def _pump_body(self) -> None:
        req = self.req
        high_water = self.config.body_high_water
        receive = self._receive
        try:
            while not req._body_done:
                if req._discarding:
                    return  # nobody reads the rest: the server deals with it
                if req._buffered > high_water:
                    self._resume = self.loop.create_future()
                    try:
                        await self._resume
                    finally:
                        self._resume = None
                    continue
                message = await receive()
                kind = message.get("type")
                if kind == "http.request":
                    body = message.get("body") or b""
                    if body:
                        req._on_body(bytes(body))
                    if not message.get("more_body", False):
                        req._on_body_complete()
                elif kind == "http.disconnect":
                    self._on_disconnect()
                    return
        except Exception:  # receive() failed: the server lost the connection
            self._on_disconnect()
            return
        await self._watch_disconnect(body_received=True)

    async def _watch_disconnect(self, body_received: bool) -> None:
        """With the request body all received, the next message can only be ``http.disconnect``
        (a request without a body first gets its one empty ``http.request``)."""
        try:
            while not self.closed and not self._end_sent:
                message = await self._receive()
                if message.get("type") == "http.disconnect":
                    if not self._end_sent:
                        self._on_disconnect()
                    return
                if body_received:
                    return  # a server that does not wait: nothing to watch
                body_received = True
        except Exception:
            if not self._end_sent:
                self._on_disconnect()

    # -- the response ------------------------------------------------------------------------

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    def _drained(self) -> None:
        waiters, self._drain_waiters = self._drain_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _on_disconnect(self) -> None:
        """The client went away (or abort()): as ``HttpProtocol.connection_lost``."""
        if self.closed:
            return
        self.closed = True
        self.req._on_disconnect()
        if not self._end_sent:
            self.res._on_close()
        self._wake()
        self._drained()

    async def run(self) -> None:
        """Send the response as the handler produces it; return when it has ended or the client
        went away."""
        send = self._send
        try:
            while True:
                if self.closed and not self._aborted:
                    return
                message = self._next_message()
                if message is None:
                    if self._end_sent or self.closed:
                        return
                    if self._pump is None and self.req._body_done:
                        # The handler is still at work: watch for the client going away.
                        self._pump = self.loop.create_task(self._watch_disconnect(body_received=False))
                    self._wakeup = self.loop.create_future()
                    try:
                        await self._wakeup
                    finally:
                        self._wakeup = None
                    continue
                last = self._end_taken
                self._sending = True
                try:
                    await send(message)
                except OSError:  # the server says the client is gone
                    self._on_disconnect()
                    return
                finally:
                    self._sending = False
                if last:
                    self._end_sent = True
                    self._finished()
                    return
                if self._start is None and not self._chunks and self._file_msg is None:
                    self._drained()
        finally:
            self._drained()
            pump = self._pump
            if pump is not None and not pump.done():
                pump.cancel()

    def _next_message(self) -> Message | None:
        """The next message to send, in order: the head, the body bytes written so far, a file
        message, the end. None when nothing is waiting (or the response was aborted: never its
        end)."""
        if self._end_taken:
            return None
        start = self._start
        if start is not None:
            self._start = None
            return start
        aborted = self._aborted
        final = self._ended and not aborted
        if self._chunks:
            chunks = self._chunks
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            chunks.clear()
            self._pending = 0
            if final and self._file_msg is None:
                self._end_taken = True
                return {"type": "http.response.body", "body": data, "more_body": False}
            return {"type": "http.response.body", "body": data, "more_body": True}
        if aborted:
            return None
        if self._file_msg is not None:
            message, self._file_msg = self._file_msg, None
            self._end_taken = True
            return message
        if final:
            self._end_taken = True
            return {"type": "http.response.body", "body": b"", "more_body": False}
        return None

    def _finished(self) -> None:
        """The last message went out: as ``HttpProtocol._response_done``."""
        req, res = self.req, self.res
        if not req._body_done:
            req._discard()
        if res._listeners is None:
            res._closed = True
        else:
            res._on_finish()

    def __repr__(self) -> str:
        return f"<AsgiConnection {self.req.method} {self.req.url}>"


# -- the application -------------------------------------------------------------------------

class AsgiApp:
    """An ``App`` as an ASGI 3 application (``http`` and ``lifespan`` scopes).

    ``options`` are the ``ServerConfig`` fields that apply here (``body_high_water``,
    ``write_high_water``)."""

    def __init__(self, app: App, **options: Any) -> None:
        self.app = app
        self.config = make_config(options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(scope, receive, send)
        elif kind == "websocket":
            # No WebSocket support: refuse the handshake (servers answer 403).
            await receive()
            await send({"type": "websocket.close", "code": 1000})
        else:
            raise ValueError(f"fastexpress: unsupported ASGI scope type {kind!r}")

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        conn = AsgiConnection(scope, receive, send, self.config, asyncio.get_running_loop())
        req, res = conn.req, conn.res
        try:
            self.app.handle(req, res)
        except Exception:  # the app handles its own errors; this is a last resort
            logger.exception("unhandled error in request handler")
            if not res.headers_sent:
                res._emergency(500)
            else:
                conn.abort()
        await conn.run()

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        while True:
            message = await receive()
            kind = message.get("type")
            if kind == "lifespan.startup":
                try:
                    await run_hooks(app, "startup")
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": _describe(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif kind == "lifespan.shutdown":
                error = await run_shutdown_hooks(app)
                if error is not None:
                    await send({"type": "lifespan.shutdown.failed", "message": _describe(error)})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                return


def _describe(exc: BaseException) -> str:
    return str(exc) or repr(exc)


def asgi_app(app: App, **options: Any) -> AsgiApp:
    """The ASGI 3 application serving ``app``."""
    return AsgiApp(app, **options)


async def serve_asgi(app: App, scope: Scope, receive: Receive, send: Send) -> None:
    """``App.__call__``'s ASGI branch: one ``AsgiApp`` per app, made on first use."""
    adapter = app.__dict__.get("_asgi")
    if adapter is None:
        adapter = app.__dict__["_asgi"] = AsgiApp(app)
    await adapter(scope, receive, send)
