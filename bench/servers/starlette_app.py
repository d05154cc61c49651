"""Starlette on uvicorn: one worker, uvloop, httptools, no access log.

Usage: python starlette_app.py PORT. BENCH_KEEP_ALIVE (seconds) overrides the keep-alive timeout.
"""
import os
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

BODY_64K = "abcdefghijklmnopqrstuvwxyz012345" * 2048  # 65,536 characters


async def plaintext(request):
    return PlainTextResponse("Hello, World!")


async def json_(request):
    return JSONResponse({"message": "Hello, World!"})


async def user(request):
    return JSONResponse({"id": request.path_params["id"]})


async def body64k(request):
    return PlainTextResponse(BODY_64K)


class NoOp:
    """A pure ASGI middleware that does nothing (Starlette's idiomatic fast middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


app = Starlette(routes=[
    Route("/plaintext", plaintext),
    Route("/json", json_),
    Route("/users/{id}", user),
    # five no-op middlewares on this route only
    Route("/mw", plaintext, middleware=[Middleware(NoOp) for _ in range(5)]),
    Route("/64k", body64k),
])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
                workers=1, access_log=False, log_level="warning", backlog=4096,
                timeout_keep_alive=int(os.environ.get("BENCH_KEEP_ALIVE", "5")))
