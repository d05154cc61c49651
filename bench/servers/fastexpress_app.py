"""fastexpress, idiomatic Express-style API, default settings (ETag on).

Usage: python fastexpress_app.py PORT. Run with FASTEXPRESS_NO_EXTENSIONS=1 for the
pure-Python twin. BENCH_KEEP_ALIVE (seconds) overrides the idle keep-alive timeout.
"""
import os
import sys

from fastexpress import express

BODY_64K = ("abcdefghijklmnopqrstuvwxyz012345" * 2048)  # 65,536 characters

app = express()


@app.get("/plaintext")
def plaintext(req, res):
    res.type("text/plain").send("Hello, World!")


@app.get("/json")
def json_(req, res):
    res.json({"message": "Hello, World!"})


@app.get("/users/:id")
def user(req, res):
    res.json({"id": req.params["id"]})


def _noop(req, res, next):
    next()


for _ in range(5):  # five no-op middlewares mounted on /mw only, then the handler
    app.use("/mw", _noop)


@app.get("/mw")
def mw(req, res):
    res.type("text/plain").send("Hello, World!")


@app.get("/64k")
def body64k(req, res):
    res.type("text/plain").send(BODY_64K)


if __name__ == "__main__":
    options = {}
    if os.environ.get("BENCH_KEEP_ALIVE"):
        options["keep_alive_timeout"] = float(os.environ["BENCH_KEEP_ALIVE"])
        options["backlog"] = 4096
    app.listen(int(sys.argv[1]), "127.0.0.1", **options)
