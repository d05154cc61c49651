"""Sanic: single process, no access log, no auto-reload.

Usage: python sanic_app.py PORT. BENCH_KEEP_ALIVE (seconds) overrides the keep-alive timeout.
"""
import logging
import os
import sys

from sanic import Blueprint, Sanic
from sanic.response import json, text

BODY_64K = "abcdefghijklmnopqrstuvwxyz012345" * 2048  # 65,536 characters

app = Sanic("bench", configure_logging=False)
app.config.ACCESS_LOG = False
app.config.MOTD = False
if os.environ.get("BENCH_KEEP_ALIVE"):
    app.config.KEEP_ALIVE_TIMEOUT = int(os.environ["BENCH_KEEP_ALIVE"])


@app.get("/plaintext")
async def plaintext(request):
    return text("Hello, World!")


@app.get("/json")
async def json_(request):
    return json({"message": "Hello, World!"})


@app.get("/users/<id>")
async def user(request, id: str):
    return json({"id": id})


@app.get("/64k")
async def body64k(request):
    return text(BODY_64K)


# Sanic's middleware is app-wide or blueprint-wide: five no-op request middlewares on a
# blueprint that holds only /mw.
bp = Blueprint("mw")


async def noop(request):
    return None


for _ in range(5):
    bp.on_request(noop)


@bp.get("/mw")
async def mw(request):
    return text("Hello, World!")


app.blueprint(bp)

if __name__ == "__main__":
    logging.disable(logging.WARNING)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), single_process=True, access_log=False,
            auto_reload=False, debug=False, motd=False, backlog=4096)
