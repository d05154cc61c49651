"""Serving an app on a socket: ``app.start()`` inside a loop, ``app.listen()`` blocking.

Lifecycle: ``app.on("startup", fn)`` and ``app.on("shutdown", fn)`` (plain functions or
coroutine functions, called with no argument). ``start()`` binds the socket, runs the startup
hooks, and only then accepts (connections that arrive meanwhile wait in the backlog); a hook
that raises closes the socket and raises :class:`StartupError`. ``Server.close()`` stops
accepting, drains, and then runs the shutdown hooks (an exception in one is logged and the
others still run). ``run()`` serves in this process, or, with ``workers > 1`` or
``limit_max_requests``, supervises worker processes (``fastexpress/supervisor.py``).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import os
import signal
import socket
import ssl as _ssl
import stat
import sys
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable

from .protocol import HttpProtocol, ServerConfig, ServerState

if TYPE_CHECKING:
    from .application import App

_CONFIG_FIELDS = {f.name for f in fields(ServerConfig)}

log = logging.getLogger("fastexpress.error")

# Set (as JSON) in the environment of a worker process by the supervisor.
WORKER_ENV = "FASTEXPRESS_WORKER"

# Seconds a graceful close waits for the first request of a connection accepted just before it.
FRESH_GRACE = 0.5


class StartupError(RuntimeError):
    """A startup hook raised (the hook's exception is ``__cause__``)."""


def make_config(options: dict[str, Any]) -> ServerConfig:
    unknown = set(options) - _CONFIG_FIELDS
    if unknown:
        raise TypeError(f"unknown server option(s): {', '.join(sorted(unknown))}")
    return ServerConfig(**options)


def _hook_name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


async def run_hooks(app: App, event: str) -> None:
    """Call the ``app.on(event, fn)`` listeners in order, awaiting those that return an
    awaitable. The first exception propagates (the remaining hooks do not run)."""
    for fn in list(app._listeners.get(event, ())):
        result = fn()
        if inspect.isawaitable(result):
            await result


async def run_shutdown_hooks(app: App) -> Exception | None:
    """Run every shutdown hook even when one raises (each error is logged); the first error,
    or None if all ran without one."""
    first: Exception | None = None
    for fn in list(app._listeners.get("shutdown", ())):
        try:
            result = fn()
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            log.exception("fastexpress: shutdown hook %s raised", _hook_name(fn))
            first = first or exc
    return first


class Server:
    """A listening server: ``.port``, ``.host`` and ``await close()``."""

    def __init__(self, server: asyncio.AbstractServer, state: ServerState, config: ServerConfig,
                 app: App | None = None, uds: str | None = None) -> None:
        self._server = server
        self._state = state
        self._app = app
        self._uds = uds  # a Unix socket path this server made (removed on close)
        self._uds_ino: int | None = None
        self._closed = False
        self.config = config
        self.shutdown_ok = True
        name = server.sockets[0].getsockname()
        if isinstance(name, (str, bytes)):  # AF_UNIX
            self.path: str | None = os.fsdecode(name)
            self.host: str = self.path
            self.port: int = 0
            if uds is not None:
                try:
                    self._uds_ino = os.stat(uds).st_ino
                except OSError:
                    pass
        else:
            self.path = None
            self.host = name[0]
            self.port = name[1]

    @property
    def connections(self) -> int:
        return len(self._state.connections)

    def abort_all(self) -> None:
        """Drop every connection now (the second signal of a graceful stop)."""
        for conn in list(self._state.connections):
            conn.abort()

    def stop_accepting(self) -> None:
        """Take no new connections (the first step of ``close()``, which may follow)."""
        self._state.closing = True
        self._state.stop_sweeping()
        self._server.close()

    async def close(self, timeout: float | None = None) -> None:
        """Stop accepting, close idle connections now, let in-flight responses finish (up to
        ``timeout``, default the ``graceful_timeout`` option), then drop what is left; then
        run the app's shutdown hooks (once). A connection accepted but not yet read from is
        not idle: its first request gets ``FRESH_GRACE`` seconds to arrive and is answered
        (with ``Connection: close``)."""
        state = self._state
        self.stop_accepting()
        loop = asyncio.get_running_loop()
        now = loop.time()
        deadline = now + (self.config.graceful_timeout if timeout is None else timeout)
        # A connection accepted just now whose request has not been read yet is not idle: its
        # client has sent (or is sending) a request, so it gets a moment to arrive.
        fresh_until = min(deadline, now + FRESH_GRACE)

        def close_idle() -> None:
            spare_fresh = loop.time() < fresh_until
            for conn in list(state.connections):
                conn.close_idle(spare_fresh)

        close_idle()
        while state.connections and loop.time() < deadline:
            await asyncio.sleep(0.02)
            close_idle()
        for conn in list(state.connections):
            conn.abort()
        await self._server.wait_closed()
        if self._closed:
            return
        self._closed = True
        self._remove_uds()
        if self._app is not None:
            self.shutdown_ok = await run_shutdown_hooks(self._app) is None

    def _remove_uds(self) -> None:
        if self._uds is None or self._uds_ino is None:
            return
        try:
            st = os.stat(self._uds)
            if stat.S_ISSOCK(st.st_mode) and st.st_ino == self._uds_ino:
                os.unlink(self._uds)
        except OSError:
            pass

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


async def start(app: App, port: int = 0, host: str = "127.0.0.1", *, ssl: _ssl.SSLContext | None = None,
                backlog: int = 1024, reuse_port: bool = False, sock: socket.socket | None = None,
                uds: str | None = None, **options: Any) -> Server:
    """Bind (``host``/``port``, or an already bound ``sock``, or the Unix socket path
    ``uds``), run the startup hooks, then accept. Raises :class:`StartupError` when a hook
    raises (the socket is closed again; the shutdown hooks do not run)."""
    return await _start(app, app.handle, port, host, ssl=ssl, backlog=backlog, reuse_port=reuse_port,
                        sock=sock, uds=uds, config=make_config(options))


async def _start(app: App, handler: Callable[..., Any], port: int, host: str, *, ssl: _ssl.SSLContext | None,
                 backlog: int, reuse_port: bool, sock: socket.socket | None, uds: str | None,
                 config: ServerConfig) -> Server:
    loop = asyncio.get_running_loop()
    state = ServerState()

    def factory() -> HttpProtocol:
        return HttpProtocol(handler, config, loop, state)

    if sock is not None and sock.family == socket.AF_UNIX:
        server = await loop.create_unix_server(factory, sock=sock, ssl=ssl, backlog=backlog, start_serving=False)
    elif sock is not None:
        server = await loop.create_server(factory, sock=sock, ssl=ssl, backlog=backlog, start_serving=False)
    elif uds is not None:
        server = await loop.create_unix_server(factory, uds, ssl=ssl, backlog=backlog, start_serving=False)
    else:
        server = await loop.create_server(factory, host, port, ssl=ssl, backlog=backlog,
                                          reuse_port=reuse_port or None, start_serving=False)
    handle = Server(server, state, config, app, uds)
    try:
        await run_hooks(app, "startup")
    except Exception as exc:
        server.close()
        handle._remove_uds()
        raise StartupError(f"startup hook failed: {type(exc).__name__}: {exc}") from exc
    await server.start_serving()
    state.start_sweeping(loop, config.keep_alive_timeout)
    return handle


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when it is installed, else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(app: App, port: int = 3000, host: str = "127.0.0.1", callback: Callable[[], Any] | None = None,
        *, workers: int = 1, limit_max_requests: int | None = None, **options: Any) -> None:
    """Serve until SIGINT/SIGTERM; the first signal stops gracefully, a second one at once.

    ``workers > 1`` (or ``limit_max_requests``) makes this process a supervisor of worker
    processes, each a fresh run of this same program (see ``fastexpress/supervisor.py``);
    inside such a worker this call serves as that worker and then exits the process."""
    if os.environ.get(WORKER_ENV):
        from .supervisor import serve_worker, take_worker_spec

        spec = take_worker_spec()
        if spec is not None:
            raise SystemExit(serve_worker(app, spec, limit_max_requests=limit_max_requests, **options))
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, not {workers!r}")
    if limit_max_requests is not None and limit_max_requests < 1:
        raise ValueError("limit_max_requests must be a positive integer")
    if workers > 1 or limit_max_requests:
        from .supervisor import supervise_script

        code = supervise_script(port=port, host=host, workers=workers, callback=callback, **options)
        if code:
            raise SystemExit(code)
        return
    serve(app, port, host, callback, **options)


def serve(app: App, port: int = 3000, host: str = "127.0.0.1", callback: Callable[[], Any] | None = None,
          *, on_listening: Callable[[Server], Any] | None = None, **options: Any) -> bool:
    """One process: serve until SIGINT/SIGTERM (graceful, then at once on a second signal).
    ``callback()`` and ``on_listening(server)`` run once it accepts. Returns False when a
    shutdown hook raised."""
    result = {"ok": True}

    async def main() -> None:
        server = await start(app, port=port, host=host, **options)
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        signals = 0

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            if signals > 1:
                server.abort_all()
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, on_signal)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / platform
                pass
        if on_listening is not None:
            on_listening(server)
        if callback is not None:
            callback()
        await stop.wait()
        await server.close()
        result["ok"] = server.shutdown_ok

    loop = new_event_loop()
    try:
        loop.run_until_complete(main())
    except KeyboardInterrupt:
        print("fastexpress: interrupted", file=sys.stderr)
    finally:
        loop.close()
    return result["ok"]
