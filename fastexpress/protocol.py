"""The HTTP/1.1 connection: bytes in through httptools, bytes out through the transport.

This module owns framing, keep-alive, pipelining, limits, timeouts and flow control. It knows
nothing of routing: each parsed request is handed, with its response object, to one callable
``handler(req, res)`` in arrival order, one at a time per connection.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import Callable, Optional, cast

import httptools

from ._accel import RequestHead, chunk, frame_head
from .headers import Headers
from .request import Request
from .response import Response
from .router import release
from .statuses import STATUS_CODES

logger = logging.getLogger("fastexpress.error")

Handler = Callable[["Request", "Response"], None]


@dataclass
class ServerConfig:
    """Limits and timeouts of one server; every field is a keyword of ``listen``/``start``."""

    keep_alive_timeout: float = 5.0  # idle keep-alive connection, and a new one that sends nothing
    head_timeout: float = 60.0  # a request head must be complete this long after its first byte (0: none)
    request_timeout: float = 300.0  # the whole request, body too, from its first byte (Node: requestTimeout; 0: none)
    max_head_size: int = 16 * 1024  # request line + headers, bytes
    max_headers: int = 100
    body_high_water: int = 64 * 1024  # unread request body buffered before we stop reading
    write_high_water: int = 64 * 1024  # transport buffer above which res.write() returns False
    graceful_timeout: float = 30.0  # how long close() waits for in-flight responses

    def __post_init__(self) -> None:
        for name in ("keep_alive_timeout", "head_timeout", "request_timeout", "graceful_timeout"):
            value = getattr(self, name)
            if type(value) not in (int, float) or not 0 <= value < float("inf"):
                raise ValueError(f"{name} must be a number of seconds >= 0, not {value!r}")
        for name in ("max_head_size", "max_headers", "body_high_water", "write_high_water"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, not {value!r}")
        # PERF: the connection headers of a keep-alive response, built once.
        self.keep_alive_header = b"Connection: keep-alive\r\nKeep-Alive: timeout=%d\r\n" % int(self.keep_alive_timeout)


# How long a connection closed after an unread body keeps draining the client's bytes.
LINGER_SECONDS = 2.0

# PERF: status lines are built once; an unknown code gets Node's "unknown" reason.
_STATUS_LINES: dict[int, bytes] = {
    code: f"HTTP/1.1 {code} {reason}\r\n".encode("latin-1") for code, reason in STATUS_CODES.items()
}


def status_line(code: int, reason: Optional[str] = None) -> bytes:
    if reason is None:
        line = _STATUS_LINES.get(code)
        if line is not None:
            return line
        reason = STATUS_CODES.get(code, "unknown")
    if "\r" in reason or "\n" in reason:
        raise ValueError("Invalid character in statusMessage")
    return f"HTTP/1.1 {code} {reason}\r\n".encode("latin-1")


def _error_response(status: int) -> bytes:
    # The exact bytes Node writes for a client error it answers itself.
    return status_line(status) + b"Connection: close\r\n\r\n"


class _ProtocolError(Exception):
    """Raised inside a parser callback to stop parsing with a status to answer."""

    def __init__(self, status: int) -> None:
        self.status = status


class _ErrorMarker:
    """Queued in place of a request that could not be parsed: answered in order, then close."""

    __slots__ = ("status",)

    def __init__(self, status: int) -> None:
        self.status = status


class FlowControl:
    """Backpressure in both directions for one connection (as uvicorn's flow control)."""

    __slots__ = ("_transport", "read_paused", "write_paused", "_waiters")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self.read_paused = False
        self.write_paused = False
        self._waiters: list[asyncio.Future[None]] = []

    def pause_reading(self) -> None:
        if not self.read_paused:
            self.read_paused = True
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        if self.read_paused:
            self.read_paused = False
            self._transport.resume_reading()

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        self._wake()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def drain(self) -> None:
        if self.write_paused:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter


class ServerState:
    """What a server shares with its connections: the live set (for a graceful close) and the
    sweeper that closes idle ones."""

    __slots__ = ("connections", "closing", "sweeper")

    def __init__(self) -> None:
        self.connections: set[HttpProtocol] = set()
        self.closing = False
        self.sweeper: asyncio.TimerHandle | None = None

    def start_sweeping(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        """PERF: one timer per server instead of one per request: every ``interval`` the idle
        connections past their timeout are closed (at most ``interval`` late)."""
        interval = min(0.5, max(timeout / 4, 0.005))

        def sweep() -> None:
            now = loop.time()
            for conn in list(self.connections):
                if conn._idle and now - conn._idle_since >= timeout:
                    conn._on_idle_timeout()
            self.sweeper = loop.call_later(interval, sweep)

        self.sweeper = loop.call_later(interval, sweep)

    def stop_sweeping(self) -> None:
        if self.sweeper is not None:
            self.sweeper.cancel()
            self.sweeper = None


class HttpProtocol(asyncio.Protocol):
    """One HTTP/1.1 connection."""

    # All per-connection state, declared up front.
    __slots__ = (
        "handler", "config", "loop", "state", "transport", "flow", "head", "parser", "client_addr",
        "is_tls", "closed", "_msg_bytes", "_consumed", "_current", "_queue", "_active", "_out",
        "_timer", "_request_timer", "_dispatching", "_tail", "_stop_parsing", "_idle", "_idle_since",
        "_read_time", "_lingering",
    )

    def __init__(self, handler: Handler, config: ServerConfig | None = None,
                 loop: asyncio.AbstractEventLoop | None = None, state: ServerState | None = None) -> None:
        self.handler = handler
        self.config = config or ServerConfig()
        self.loop = loop or asyncio.get_event_loop()
        self.state = state
        self.transport: asyncio.Transport | None = None
        self.flow: FlowControl | None = None
        # The head being parsed: httptools calls it for the head, and us for the rest.
        self.head = RequestHead(self.config.max_head_size, self.config.max_headers, _ProtocolError,
                                self.on_head, self.on_body, self.on_message_complete)
        self.parser = self.head.parser = httptools.HttpRequestParser(self.head)
        self.client_addr = ""
        self.is_tls = False
        self.closed = False
        # Estimates of where the bytes of one read went, to size a head left incomplete.
        self._msg_bytes = 0
        self._consumed = 0
        self._current: Request | None = None  # receiving its body
        # Requests parsed but not yet answered (pipelining), and the one being answered.
        self._queue: deque[Request | _ErrorMarker] = deque()
        self._active: Request | None = None
        # PERF: while a read batch is processed, output is gathered and written once.
        self._out: list[bytes] | None = None
        self._timer: asyncio.TimerHandle | None = None  # idle keep-alive (without a sweeper)
        self._idle = False  # waiting for a request, since _idle_since (with a sweeper)
        self._idle_since = 0.0
        self._lingering = False  # output closed, discarding the client's bytes until it closes
        self._read_time = 0.0  # loop.time() of the current read
        self._request_timer: asyncio.TimerHandle | None = None  # slow request head, then body
        self._dispatching = False
        self._tail = b""
        self._stop_parsing = False

    # -- asyncio callbacks ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses
        self.transport = transport
        self.flow = FlowControl(transport)
        transport.set_write_buffer_limits(high=self.config.write_high_water)
        peer = transport.get_extra_info("peername")
        if isinstance(peer, (tuple, list)) and peer:
            self.client_addr = str(peer[0])
        elif isinstance(peer, str):
            self.client_addr = peer
        self.is_tls = transport.get_extra_info("sslcontext") is not None
        if self.state is not None:
            self.state.connections.add(self)
        self._start_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._cancel_timer()
        self._cancel_request_timer()
        if self.state is not None:
            self.state.connections.discard(self)
        current, active = self._current, self._active
        self._queue.clear()
        self._current = None
        for req in (current, active):
            if req is not None:
                req._on_disconnect()
        if active is not None:
            active.res._on_close()
        if self.flow is not None:
            self.flow._wake()

    def pause_writing(self) -> None:
        assert self.flow is not None
        self.flow.pause_writing()

    def resume_writing(self) -> None:
        assert self.flow is not None
        self.flow.resume_writing()

    def eof_received(self) -> bool | None:
        if self._lingering:
            return None  # the client is done too: close
        current = self._current
        if current is not None:
            # The client sends no more, so the body still arriving can never complete: the
            # request is aborted as Node aborts it (body-parser's 400 "request aborted"), and
            # the connection closes once that is answered.
            self._current = None
            self._stop_parsing = True
            current.keep_alive = False
            current._on_disconnect()
        # A half-closed client may still read our answers: keep the write side open until the
        # pending responses are written, then close (returning True keeps the transport).
        if self._active is None and not self._queue:
            return None
        return True

    def data_received(self, data: bytes) -> None:
        if self._stop_parsing:
            return
        self._idle = False
        head = self.head
        head.read_time = self._read_time = self.loop.time()
        if self._timer is not None:
            self._cancel_timer()
        self._out = []
        if head.in_head:
            # A head is arriving in pieces: count raw bytes before httptools buffers more.
            head.raw_count = True
            end = (self._tail + data).find(b"\r\n\r\n")
            head.size += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
            if head.size > self.config.max_head_size:
                self._fail(431)
                self._run_queue()
                self._flush()
                return
        head.began_here = False
        self._consumed = 0
        try:
            self.parser.feed_data(data)
        except _ProtocolError as exc:
            self._fail(exc.status)
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            self._fail(cause.status if isinstance(cause, _ProtocolError) else 400)
        except httptools.HttpParserUpgrade:
            # No upgrade support: answer the request normally, then close; what follows on the
            # connection is another protocol's bytes, so it is never parsed.
            self._stop_parsing = True
            if self._queue:
                last = self._queue[-1]
                if not isinstance(last, _ErrorMarker):
                    last.keep_alive = False
                    last._on_body_complete()
        except httptools.HttpParserError:
            self._fail(400)
        if head.in_head and head.began_here and not self._stop_parsing:
            self._size_partial_head(data)
        self._run_queue()
        self._flush()
        if head.in_head and not self.closed:
            # The head timer runs from the first piece of a head and is never pushed back by
            # later pieces, so a client trickling bytes cannot hold the connection.
            self._tail = data[-3:]
            if self._request_timer is None and self.config.head_timeout:
                self._request_timer = self.loop.call_later(self.config.head_timeout, self._on_request_timeout)
        elif self._current is not None and self._request_timer is None and not self.closed:
            # A body still arriving after this read: it has until request_timeout after the
            # request's first byte (a body that arrives with its head never needs the timer).
            timeout = self.config.request_timeout
            if timeout:
                self._request_timer = self.loop.call_at(self._current.start_time + timeout, self._on_request_timeout)

    def _size_partial_head(self, data: bytes) -> None:
        """A head began in this read and is not complete: httptools holds its bytes, which no
        callback has counted yet. Bound them (after the last blank line; after the messages
        this read completed) and refuse at once when the bound passes the limit."""
        last = data.rfind(b"\r\n\r\n")
        after_blank = len(data) - (last + 4 if last >= 0 else 0)
        partial = min(after_blank, len(data) - self._consumed)
        head = self.head
        head.size = max(head.size, partial)
        head.raw_count = True
        if head.size > self.config.max_head_size:
            self._fail(431)

    # -- httptools callbacks (after the head; RequestHead takes the head's own) -------------

    def on_head(self, method: str, url: str, version: str, keep_alive: bool, lines: list[tuple[bytes, bytes]],
                size: int, has_body: bool, conditional: bool, expect: str | None, start_time: float) -> None:
        """A request head passed RequestHead's checks: make the request and queue it."""
        if self._request_timer is not None:
            self._cancel_request_timer()
        req = Request(self, method, url, version, Headers.from_bytes(lines), keep_alive, has_body)
        req._conditional = conditional
        req.start_time = start_time
        # Bytes of this message so far, for _consumed, never over-counted: url and header lines
        # (counted as name + value + 4; the shortest line, "A:v\r\n", is name + value + 3)
        # plus the method, " ", " HTTP/1.1\r\n" and the blank line.
        self._msg_bytes = size - len(lines) + len(method) + 13
        if expect is not None and version == "1.1":  # "100-continue": RequestHead refuses others
            req._expect_continue = True
        Response(req)
        self._current = req
        self._queue.append(req)

    def on_body(self, body: bytes) -> None:
        self._msg_bytes += len(body)
        current = self._current
        if current is not None:
            current._on_body(body)

    def on_message_complete(self) -> None:
        self._consumed += self._msg_bytes
        if self._request_timer is not None:
            self._cancel_request_timer()
        current = self._current
        self._current = None
        if current is not None:
            current._body_done = True
            if current._waiter is not None:  # PERF: only a reader waiting needs waking
                current._wake()

    # -- answering --------------------------------------------------------------------------

    def _run_queue(self) -> None:
        """Start queued requests in order while nothing is being answered."""
        if self._dispatching:
            return
        self._dispatching = True
        handler = self.handler  # PERF: a field called as `self.handler(...)` cannot be specialised
        try:
            while self._active is None and self._queue and not self.closed:
                item = self._queue.popleft()
                if type(item) is _ErrorMarker:
                    self._write(_error_response(item.status))
                    self._close_after_write()
                    return
                self._active = item
                if item._expect_continue:
                    # As Node does without a checkContinue listener: go ahead at once.
                    item._continue_sent = True
                    self._write(b"HTTP/1.1 100 Continue\r\n\r\n")
                try:
                    handler(item, item.res)
                except Exception:  # the app handles its own errors; this is a last resort
                    logger.exception("unhandled error in request handler")
                    if not item.res.headers_sent:
                        item.res._emergency(500)
                    else:
                        self.abort()
                release(item)  # `item` is this frame's only reference to it
            if not self.closed:
                # PERF: update_reading has nothing to do while reading with nothing waiting
                # (no queue, no body arriving, not stopped, not paused): skip the call.
                if self._queue or self._current is not None or self._stop_parsing or (self.flow is not None and self.flow.read_paused):
                    self.update_reading()
                if self._active is None and not self._queue and self._current is None and not self.head.in_head:
                    self._start_idle()
        finally:
            self._dispatching = False

    def update_reading(self) -> None:
        """Read only while we keep up: stop when requests wait for their turn (bounded
        pipelining) or when the body being received is buffered past the high-water mark."""
        flow = self.flow
        if flow is None or self.closed or self._lingering:
            return
        current = self._current
        if self._stop_parsing or self._queue or (current is not None and current._over_high_water()):
            flow.pause_reading()
        elif flow.read_paused:
            flow.resume_reading()

    def write_response(self, res: Response, data: bytes, end: bool) -> None:
        """Write (the head if not sent yet and) ``data``; ``end`` finishes the response."""
        if self.closed:
            if end:
                res._on_finish_closed()
            return
        if not end and self._out is not None:
            # A response streamed while a read batch gathers output (a handler that runs at
            # once): what is gathered goes first, then its writes go straight to the transport,
            # whose flow control (write_ready, drain) must see every byte.
            self._flush()
        gather = False
        if not res.headers_sent:
            if self._out is None:  # outside a read batch: head and body still leave together
                self._out = []
                gather = True
            data = self._head(res, data, end)
        elif res._chunked and data:
            data = chunk(data)
        elif not res._has_body:
            data = b""
        if data:
            out = self._out
            if out is not None:  # PERF: _write inlined for the usual case
                out.append(data)
            else:
                self._write(data)
        if end and res._chunked:
            self._write(b"0\r\n\r\n")
        if end:
            self._response_done(res)
        if gather:
            self._flush()

    def _head(self, res: Response, data: bytes, end: bool) -> bytes:
        """Frame and serialize a response's head (the speedups' frame_head); return what to
        write next: the head with the body behind it, or (a large body) the body alone."""
        req = res.req
        status = res.status_code
        line = _STATUS_LINES.get(status) if res.status_message is None else None
        if line is None:
            line = status_line(status, res.status_message)
        state = self.state
        head, rest, res._has_body, req.keep_alive, res._chunked = frame_head(
            line, status, req.method, res._headers, end, req.http_version == "1.1",
            req.keep_alive and not (state is not None and state.closing), self.config.keep_alive_header, data)
        res.headers_sent = True
        if rest:
            # PERF: a large body is not copied behind the head; both go out in one writev.
            self._write(head)
            return rest
        return head

    def _response_done(self, res: Response) -> None:
        req = res.req
        if req is not self._active:
            return
        self._active = None
        if not req.keep_alive or (self.state is not None and self.state.closing):
            self._queue.clear()
            self._close_after_write()
        elif not req._body_done:
            req._discard()
        if res._listeners is None:
            res._closed = True  # PERF: nothing listens: no events to emit
        else:
            res._on_finish()
        if not self._dispatching:
            self._out = self._out if self._out is not None else []
            self._run_queue()
            self._flush()

    def write_ready(self) -> bool:
        """False when the transport buffer is over its high-water mark (res.write's result)."""
        assert self.flow is not None
        return not self.flow.write_paused and not self.closed

    async def drain(self) -> None:
        if self.flow is not None and not self.closed:
            await self.flow.drain()

    def abort(self) -> None:
        """Drop the connection now (a response that cannot be completed)."""
        self._queue.clear()
        self._stop_parsing = True
        if self.transport is not None and not self.closed:
            self._flush()
            self.transport.abort()

    def want_body(self) -> None:
        """A reader waits for body bytes: they come as the socket is read, nothing to start."""

    def close_idle(self, spare_fresh: bool = False) -> bool:
        """Close the connection if it is between requests; True if it was. ``spare_fresh``:
        not one accepted but never read from yet (its first request may be on its way)."""
        if spare_fresh and self._read_time == 0.0:
            return False
        if self._active is None and not self._queue and self._current is None and not self.head.in_head:
            self._close_after_write()
            return True
        return False

    # -- files: write_file (owned by the files area, fastexpress/send.py) -------------------
    # BEGIN write_file

    _FILE_CHUNK = 128 * 1024  # bounded chunks when the kernel's sendfile cannot be used
    _SENDFILE_MAX = 4 * 1024 * 1024  # bytes per sendfile call; the loop gets a turn between calls
    # sendfile(2) refusing this file (not the socket): finish with pread + write instead.
    _SENDFILE_UNSUPPORTED = frozenset({22, 38, 95})  # EINVAL, ENOSYS, EOPNOTSUPP

    async def write_file(self, res: Response, fd: int, offset: int, count: int) -> None:
        """Write the head (if not sent) and ``count`` bytes of the open file ``fd`` from
        ``offset``, honouring backpressure, then end the response.

        Takes ownership of ``fd``: it is closed when this returns or raises. Content-Length is
        set to ``count`` when the response has neither it nor Transfer-Encoding. On plain TCP
        the bytes go through the kernel's sendfile(2) on a duplicate of the socket descriptor,
        once the transport's buffer is empty (nothing else writes to a connection while its
        active response is being sent: pipelined answers wait their turn); on TLS or any other
        transport (the TestClient's) they go in bounded ``pread`` + ``write`` chunks. Raises
        ``ConnectionAbortedError`` as soon as the client goes away (the file closed at once),
        or the ``OSError`` of a file that cannot be read to the end (the connection is then
        dropped: its head promised a length)."""
        import os
        import socket

        dup_sock: socket.socket | None = None
        try:
            if self.closed or self.transport is None or self.transport.is_closing():
                raise ConnectionAbortedError("Request aborted")  # (is_closing: aborted by the app)
            if self._out is not None:  # called inside a read batch: keep the order of bytes
                self._flush()
            headers = res._headers
            head = b""
            if not res.headers_sent:
                if "content-length" not in headers and "transfer-encoding" not in headers:
                    headers["content-length"] = ("Content-Length", str(count))
                head = self._head(res, b"", False)
            res.finished = True
            if not res._has_body or count <= 0:
                if head:
                    self._write(head)
                self.write_response(res, b"", True)
                return
            sock_fd = -1
            if not self.is_tls and not res._chunked:
                sock = self.transport.get_extra_info("socket")
                try:
                    sock_fd = sock.fileno() if sock is not None else -1
                except (OSError, AttributeError, ValueError):
                    sock_fd = -1
            if sock_fd >= 0:
                dup_sock = socket.socket(fileno=os.dup(sock_fd))
                done = await self._sendfile_body(dup_sock, head, fd, offset, count)
                offset += done
                count -= done
                head = b""
            if count > 0:  # TLS, a transport without a socket, or a file sendfile refuses
                if head:
                    self._write(head)
                await self._chunked_file_body(res, fd, offset, count)
            self.write_response(res, b"", True)
        finally:
            if dup_sock is not None:
                try:
                    self.loop.remove_writer(dup_sock.fileno())
                except (OSError, ValueError, RuntimeError):
                    pass
                dup_sock.close()
            os.close(fd)

    async def _wait_file_writable(self, fd: int) -> None:
        """Until ``fd`` (our duplicate of the socket) is writable, or the connection is lost
        (``connection_lost`` wakes the flow-control waiters)."""
        loop = self.loop
        waiter = loop.create_future()

        def ready() -> None:
            loop.remove_writer(fd)
            if not waiter.done():
                waiter.set_result(None)

        loop.add_writer(fd, ready)
        assert self.flow is not None
        self.flow._waiters.append(waiter)
        try:
            await waiter
        finally:
            loop.remove_writer(fd)
            try:
                self.flow._waiters.remove(waiter)
            except ValueError:
                pass
        if self.closed:
            raise ConnectionAbortedError("Request aborted")

    async def _sendfile_body(self, sock, head: bytes, fd: int, offset: int, count: int) -> int:  # type: ignore[no-untyped-def]
        """The head and the body by sendfile(2); returns the body bytes sent (fewer than
        ``count`` only when the kernel refuses this file: the caller goes on in chunks)."""
        import asyncio as _asyncio
        import errno
        import os
        import socket as _socket

        transport = self.transport
        assert transport is not None
        out_fd = sock.fileno()
        # What the transport still buffers (an earlier pipelined answer, 100 Continue) goes
        # first; it writes on its own as the socket drains.
        while transport.get_write_buffer_size():
            await self._wait_file_writable(out_fd)
            await _asyncio.sleep(0)  # the transport's own writer may run after ours
            if self.closed:
                raise ConnectionAbortedError("Request aborted")
        try:
            while head:
                try:
                    head = head[sock.send(head, _socket.MSG_MORE):]  # coalesced with the body
                except (BlockingIOError, InterruptedError):
                    await self._wait_file_writable(out_fd)
            sent_total = 0
            while sent_total < count:
                if self.closed:
                    raise ConnectionAbortedError("Request aborted")
                want = min(count - sent_total, self._SENDFILE_MAX)
                try:
                    sent = os.sendfile(out_fd, fd, offset + sent_total, want)
                except (BlockingIOError, InterruptedError):
                    await self._wait_file_writable(out_fd)
                    continue
                except OSError as exc:
                    if exc.errno in self._SENDFILE_UNSUPPORTED:
                        return sent_total
                    raise
                if sent == 0:
                    raise OSError(errno.EIO, "file ended before the length announced in the head")
                sent_total += sent
                if sent < want:
                    await self._wait_file_writable(out_fd)  # the socket buffer is full
                else:
                    await _asyncio.sleep(0)  # let the other connections have a turn
            return sent_total
        except ConnectionAbortedError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            if exc.errno in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.ESHUTDOWN, errno.ECONNABORTED):
                raise ConnectionAbortedError("Request aborted") from exc
            raise

    async def _chunked_file_body(self, res: Response, fd: int, offset: int, count: int) -> None:
        import asyncio as _asyncio
        import errno
        import os

        assert self.flow is not None
        flow = self.flow
        chunk_size = self._FILE_CHUNK
        since_yield = 0
        try:
            while count > 0:
                if self.closed:
                    raise ConnectionAbortedError("Request aborted")
                data = os.pread(fd, min(count, chunk_size), offset)
                if not data:
                    raise OSError(errno.EIO, "file ended before the length announced in the head")
                offset += len(data)
                count -= len(data)
                self.write_response(res, data, False)
                if flow.write_paused:
                    await flow.drain()
                    since_yield = 0
                else:
                    since_yield += len(data)
                    if since_yield >= self._SENDFILE_MAX:
                        since_yield = 0
                        await _asyncio.sleep(0)
                if self.closed:
                    raise ConnectionAbortedError("Request aborted")
        except ConnectionAbortedError:
            self.abort()
            raise
        except OSError:
            self.abort()
            raise

    # END write_file

    # -- output and lifetime ----------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        out = self._out
        if out is not None:
            out.append(data)
        elif self.transport is not None and not self.closed:
            self.transport.write(data)

    def _flush(self) -> None:
        out = self._out
        self._out = None
        if out and self.transport is not None and not self.closed:
            if len(out) == 1:
                self.transport.write(out[0])
            elif len(out) < 16 or sum(map(len, out)) > 65536:
                self.transport.writelines(out)  # uvloop: one writev, no copy
            else:
                self.transport.write(b"".join(out))  # many small answers: one buffer

    def _close_after_write(self) -> None:
        self._stop_parsing = True
        self._cancel_timer()
        self._cancel_request_timer()
        transport = self.transport
        if transport is None or self.closed:
            return
        self._flush()
        if self._current is not None and transport.can_write_eof():
            # The client is still sending a body we will not read (an early 413, say).
            # Closing now would make the kernel answer its bytes with a reset that can destroy
            # our response before it is read: send FIN, drain what comes for a while, then
            # close (a "lingering close", as nginx and Node do).
            self._current = None
            self._lingering = True
            transport.write_eof()
            assert self.flow is not None
            self.flow.resume_reading()
            self._timer = self.loop.call_later(LINGER_SECONDS, transport.close)
        else:
            transport.close()

    def _fail(self, status: int) -> None:
        """The parser gave up: answer ``status`` after what is already queued, then close."""
        self._stop_parsing = True
        self.head.in_head = False
        assert self.flow is not None
        self.flow.pause_reading()
        current = self._current
        self._current = None
        if current is not None and (current is self._active or current in self._queue):
            # The head was fine but the body is broken: that request fails, then we close.
            current.keep_alive = False
            current._on_body_error()
        else:
            self._queue.append(_ErrorMarker(status))

    def _start_idle(self) -> None:
        state = self.state
        if state is not None and state.sweeper is not None:
            self._idle = True
            self._idle_since = self.loop.time()
        else:
            self._set_timer(self.config.keep_alive_timeout, self._on_idle_timeout)

    def _set_timer(self, delay: float, callback: Callable[[], None]) -> None:
        self._cancel_timer()
        self._timer = self.loop.call_later(delay, callback)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _cancel_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _on_idle_timeout(self) -> None:
        self._timer = None
        self._idle = False
        if self._active is None and not self._queue and not self.head.in_head:
            self._close_after_write()

    def _on_request_timeout(self) -> None:
        self._request_timer = None
        if self.closed:
            return
        if self.head.in_head:
            self._fail(408)
            self._out = []
            self._run_queue()
            self._flush()
        elif self._current is not None:
            # The body is late. As Node does: 408 unless a response is under way, and close;
            # the request's reader then sees the disconnect (body-parser's "request aborted").
            self._current = None
            self._queue.clear()
            active = self._active
            if active is None or not active.res.headers_sent:
                self._write(_error_response(408))
            self._close_after_write()
