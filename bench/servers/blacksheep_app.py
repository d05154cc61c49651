"""BlackSheep on uvicorn: one worker, uvloop, httptools, no access log.

Usage: python blacksheep_app.py PORT. BENCH_KEEP_ALIVE (seconds) overrides the keep-alive timeout.
"""
import os
import sys

import uvicorn
from blacksheep import Application, json, text
from blacksheep.middlewares import get_middlewares_chain

BODY_64K = "abcdefghijklmnopqrstuvwxyz012345" * 2048  # 65,536 characters

app = Application()
get = app.router.get


@get("/plaintext")
async def plaintext():
    return text("Hello, World!")


@get("/json")
async def json_():
    return json({"message": "Hello, World!"})


@get("/users/:id")
async def user(id: str):
    return json({"id": id})


@get("/64k")
async def body64k():
    return text(BODY_64K)


async def noop(request, handler):
    return await handler(request)


async def mw_handler(request):
    return text("Hello, World!")


# BlackSheep applies app.middlewares to every route; to keep them off the other scenarios, the
# five no-op middlewares are chained onto this route with BlackSheep's own chaining helper.
app.router.add_get("/mw", get_middlewares_chain([noop] * 5, mw_handler))

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
                workers=1, access_log=False, log_level="warning", backlog=4096,
                timeout_keep_alive=int(os.environ.get("BENCH_KEEP_ALIVE", "5")))
