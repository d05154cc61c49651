"""fastexpress, idiomatic Express-style API, default settings (ETag on).

Usage: python fastexpress_app.py PORT. Run with FASTEXPRESS_NO_EXTENSIONS=1 for the
pure-Python twin. BENCH_KEEP_ALIVE (seconds) overrides the idle keep-alive timeout.
"""
import os
import sys
import tempfile

from fastexpress import express

BODY_64K = ("abcdefghijklmnopqrstuvwxyz012345" * 2048)  # 65,536 characters
HERE = os.path.dirname(os.path.abspath(__file__))
# The 1 MiB file for send_file: made once per process in a temporary folder.
FILE_1M = os.path.join(tempfile.mkdtemp(prefix="fastexpress-bench-"), "1m.bin")
with open(FILE_1M, "wb") as f:
    f.write(bytes(range(256)) * 4096)
ITEMS = [f"item {i}" for i in range(10)]

app = express()
app.set("views", os.path.join(HERE, "views"))
app.set("view engine", "html")  # Jinja2


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


def echo_json(req, res):
    res.json({"count": len(req.body["items"])})


app.post("/echo-json", express.json(), echo_json)


@app.get("/file")
def file_1m(req, res):
    res.send_file(FILE_1M)


@app.get("/render")
def render(req, res):
    res.render("hello", {"title": "bench", "name": "World", "items": ITEMS})


if __name__ == "__main__":
    options = {}
    if os.environ.get("BENCH_KEEP_ALIVE"):
        options["keep_alive_timeout"] = float(os.environ["BENCH_KEEP_ALIVE"])
        options["backlog"] = 4096
    workers = int(os.environ.get("BENCH_WORKERS", "1"))
    app.listen(int(sys.argv[1]), "127.0.0.1", workers=workers, **options)
