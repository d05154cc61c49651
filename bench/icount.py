"""Instructions per request through the protocol: a deterministic figure for regressions.

Wall-clock benchmarks on a shared machine move by ±15 %; the number of CPU instructions the
server spends per request does not. This drives the bench app (``servers/fastexpress_app.py``)
through ``HttpProtocol`` with an in-memory transport, under valgrind's callgrind, twice (N1 and
N2 requests) and prints ``(count(N2) - count(N1)) / (N2 - N1)``: start-up cancels out.

Usage: python bench/icount.py [scenario ...]     (needs valgrind; FASTEXPRESS_NO_EXTENSIONS=1
for the twin). Scenarios: plaintext json params middleware pipeline body64k, and when named,
post1k, and three apps of their own: routes50 (the last of 50 literal routes), api (a typical
API request through body parser, CORS, cookie parser and a mounted router) and static (a route
behind express.static()).
"""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD = "Host: 127.0.0.1:8080\r\n"  # what wrk sends by default
REQUESTS = {
    "plaintext": f"GET /plaintext HTTP/1.1\r\n{HEAD}\r\n",
    "json": f"GET /json HTTP/1.1\r\n{HEAD}\r\n",
    "params": f"GET /users/7 HTTP/1.1\r\n{HEAD}\r\n",
    "middleware": f"GET /mw HTTP/1.1\r\n{HEAD}\r\n",
    "pipeline": f"GET /plaintext HTTP/1.1\r\n{HEAD}\r\n" * 16,
    "body64k": f"GET /64k HTTP/1.1\r\n{HEAD}\r\n",
    "post1k": None,  # built below
    # Not a bench scenario: the bench app's routes come first in its stack, while a real app's
    # request often passes many routes before its own. Served by routes_app() below.
    "routes50": f"GET /r49 HTTP/1.1\r\n{HEAD}\r\n",
    # Not a bench scenario either: what an API request of a typical Express app goes through
    # (body parser, CORS, cookie parser, a mounted router, query, a header, cookies). api_app().
    "api": (f"GET /api/users/42?fields=name HTTP/1.1\r\n{HEAD}User-Agent: curl/8.5.0\r\n"
            "Origin: http://app.example\r\nCookie: sid=abc123; theme=dark\r\nAccept: application/json\r\n\r\n"),
    # Nor this: a route behind express.static(), the usual Express layout (a miss every time).
    "static": f"GET /api/x HTTP/1.1\r\n{HEAD}\r\n",
}
_items = ",".join(f'"item number {i:04d} padding padding padding"' for i in range(22))
_body = '{"items":[%s]}' % _items
REQUESTS["post1k"] = (f"POST /echo-json HTTP/1.1\r\n{HEAD}Content-Type: application/json\r\n"
                      f"Content-Length: {len(_body)}\r\n\r\n{_body}")
PER_WRITE = {"pipeline": 16}


def routes_app() -> Any:
    """An app with 50 literal routes, /r0 ... /r49, each answering as plaintext does."""
    from fastexpress import express

    app = express()
    for i in range(50):
        app.get(f"/r{i}", lambda req, res: res.type("text/plain").send("Hello, World!"))
    return app


def api_app() -> Any:
    """express.json(), cors(), cookie_parser() for every request, then a Router on /api."""
    from fastexpress import Router, cookie_parser, cors, express

    app = express()
    app.use(express.json())
    app.use(cors())
    app.use(cookie_parser())
    api = Router()

    @api.get("/users/:id")
    def user(req: Any, res: Any) -> None:
        res.set("Cache-Control", "no-store")
        res.json({"id": req.params["id"], "fields": req.query.get("fields"), "agent": req.get("user-agent"),
                  "theme": req.cookies.get("theme")})

    app.use("/api", api)
    return app


def static_app() -> Any:
    """express.static() of a folder with an index.html, then a JSON route."""
    import tempfile

    from fastexpress import express

    root = tempfile.mkdtemp(prefix="fastexpress-icount-")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<p>hello</p>\n")
    app = express()
    app.use(express.static(root))
    app.get("/api/x", lambda req, res: res.json({"a": 1}))
    return app


# The scenarios served by an app of their own, not the bench app; counted only when named.
OWN_APPS = {"routes50": routes_app, "api": api_app, "static": static_app}


def drive(scenario: str, n: int) -> None:
    """Feed ``n`` requests of ``scenario`` through one connection (in this process)."""
    import asyncio

    sys.path.insert(0, os.path.join(HERE, "servers"))
    if scenario in OWN_APPS:
        app = OWN_APPS[scenario]()
    else:
        from fastexpress_app import app  # type: ignore[import-not-found]

    from fastexpress.protocol import HttpProtocol, ServerConfig, ServerState
    from fastexpress.testing import FakeTransport

    loop = asyncio.new_event_loop()
    state = ServerState()
    state.start_sweeping(loop, 5.0)
    proto = HttpProtocol(app.handle, ServerConfig(), loop, state)
    transport = FakeTransport(proto, loop)
    proto.connection_made(transport)
    data = REQUESTS[scenario].encode()
    for _ in range(n // PER_WRITE.get(scenario, 1)):
        if len(transport.output) > 1 << 20:
            transport.output.clear()
        proto.data_received(data)
        if scenario == "post1k":  # the body parser reads the body in a task
            loop.run_until_complete(asyncio.sleep(0))
    out = bytes(transport.output)
    assert out[out.rfind(b"HTTP/1.1 "):][9:12] == b"200", out[-500:]  # the app really answered


def count(scenario: str, n: int) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         os.path.realpath(sys.executable), __file__, "--drive", scenario, str(n)],
        capture_output=True, text=True, check=True).stderr
    for line in out.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    raise RuntimeError(out[-2000:])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--drive"]:
        drive(argv[1], int(argv[2]))
        return
    for scenario in argv or [s for s in REQUESTS if s != "post1k" and s not in OWN_APPS]:
        n1, n2 = 1600, 6400
        per = (count(scenario, n2) - count(scenario, n1)) / (n2 - n1)
        print(f"{scenario:12s} {per:10,.0f} instructions/request", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
