"""Granian serving a minimal RSGI app (no framework): one process, one runtime thread.

Uses Granian's embedded server so that the whole server is one process on the loop (uvloop).
There is no middleware in a bare RSGI app, so the middleware scenario is not implemented (404).

Usage: python granian_app.py PORT. BENCH_KEEP_ALIVE (seconds) raises the header read timeout
(Granian's idle keep-alive limit) and lifts the backpressure limit (by default backlog/workers
requests at once, which also caps the connections held open) to 100,000, as the other servers
hold any number of connections.
"""
import os
import sys

import orjson
import uvloop
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.server.embed import Server

TEXT = [("content-type", "text/plain; charset=utf-8")]
JSON = [("content-type", "application/json")]
HELLO = b"Hello, World!"
BODY_64K = b"abcdefghijklmnopqrstuvwxyz012345" * 2048  # 65,536 bytes


async def app(scope, proto):
    path = scope.path
    if path == "/plaintext":
        proto.response_bytes(200, TEXT, HELLO)
    elif path == "/json":
        proto.response_bytes(200, JSON, orjson.dumps({"message": "Hello, World!"}))
    elif path.startswith("/users/"):
        proto.response_bytes(200, JSON, orjson.dumps({"id": path[7:]}))
    elif path == "/64k":
        proto.response_bytes(200, TEXT, BODY_64K)
    else:
        proto.response_bytes(404, TEXT, b"Not Found")


async def main(port: int) -> None:
    options = {}
    if os.environ.get("BENCH_KEEP_ALIVE"):
        options["http1_settings"] = HTTP1Settings(header_read_timeout=int(os.environ["BENCH_KEEP_ALIVE"]) * 1000)
        options["backpressure"] = 100_000
    server = Server(app, address="127.0.0.1", port=port, interface=Interfaces.RSGI, runtime_threads=1,
                    log_enabled=False, backlog=4096, **options)
    await server.serve()


if __name__ == "__main__":
    try:
        uvloop.run(main(int(sys.argv[1])))
    except KeyboardInterrupt:
        pass
