"""Serving an app on a socket: ``app.start()`` inside a loop, ``app.listen()`` blocking."""
from __future__ import annotations

import asyncio
import signal
import ssl as _ssl
import sys
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable

from .protocol import HttpProtocol, ServerConfig, ServerState

if TYPE_CHECKING:
    from .application import App

_CONFIG_FIELDS = {f.name for f in fields(ServerConfig)}


def make_config(options: dict[str, Any]) -> ServerConfig:
    unknown = set(options) - _CONFIG_FIELDS
    if unknown:
        raise TypeError(f"unknown server option(s): {', '.join(sorted(unknown))}")
    return ServerConfig(**options)


class Server:
    """A listening server: ``.port``, ``.host`` and ``await close()``."""

    def __init__(self, server: asyncio.AbstractServer, state: ServerState, config: ServerConfig) -> None:
        self._server = server
        self._state = state
        self.config = config
        sock = server.sockets[0].getsockname()
        self.host: str = sock[0]
        self.port: int = sock[1]

    @property
    def connections(self) -> int:
        return len(self._state.connections)

    async def close(self, timeout: float | None = None) -> None:
        """Stop accepting, close idle connections now, let in-flight responses finish (up to
        ``timeout``, default the ``graceful_timeout`` option), then drop what is left."""
        state = self._state
        state.closing = True
        state.stop_sweeping()
        self._server.close()
        for conn in list(state.connections):
            conn.close_idle()
        deadline = asyncio.get_running_loop().time() + (self.config.graceful_timeout if timeout is None else timeout)
        while state.connections and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
            for conn in list(state.connections):
                conn.close_idle()
        for conn in list(state.connections):
            conn.abort()
        await self._server.wait_closed()

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


async def start(app: App, port: int = 0, host: str = "127.0.0.1", *, ssl: _ssl.SSLContext | None = None,
                backlog: int = 1024, reuse_port: bool = False, **options: Any) -> Server:
    config = make_config(options)
    loop = asyncio.get_running_loop()
    state = ServerState()
    handler = app.handle

    def factory() -> HttpProtocol:
        return HttpProtocol(handler, config, loop, state)

    server = await loop.create_server(factory, host, port, ssl=ssl, backlog=backlog, reuse_port=reuse_port or None)
    state.start_sweeping(loop, config.keep_alive_timeout)
    return Server(server, state, config)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when it is installed, else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(app: App, port: int = 3000, host: str = "127.0.0.1", callback: Callable[[], Any] | None = None,
        *, workers: int = 1, **options: Any) -> None:
    """Serve until SIGINT/SIGTERM; the first signal stops gracefully, a second one at once."""
    if workers != 1:
        raise ValueError("workers > 1 is not supported yet; run one process per core behind a balancer")

    async def main() -> None:
        server = await start(app, port=port, host=host, **options)
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        signals = 0

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            if signals > 1:
                for conn in list(server._state.connections):
                    conn.abort()
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, on_signal)
            except (NotImplementedError, RuntimeError):  # not the main thread / platform
                pass
        if callback is not None:
            callback()
        await stop.wait()
        await server.close()

    loop = new_event_loop()
    try:
        loop.run_until_complete(main())
    except KeyboardInterrupt:
        print("fastexpress: interrupted", file=sys.stderr)
    finally:
        loop.close()
