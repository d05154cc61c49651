"""Reference app for the middleware compatibility suite (compression, cors, logger), the twin of
app.js. Run: FASTEXPRESS_ENV=production python app.py PORT
Every route here has a twin in app.js; keep the two files in step (same order).
"""
from __future__ import annotations

import asyncio
import os
import re
import sys

from fastexpress import express
from fastexpress.middleware.compression import should_compress

port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
HERE = os.path.dirname(os.path.abspath(__file__))
app = express()

BIG = "The quick brown fox jumps over the lazy dog. " * 60  # 2700 bytes
LINES = [f"line {i}: " + "abcdefghij" * (i % 7 + 1) + "\n" for i in range(40)]
BYTES = bytes((i * 7) % 251 for i in range(3000))


def body_routes(router):
    router.get("/html", lambda req, res: res.send(BIG))
    router.get("/small", lambda req, res: res.send("hello"))
    router.get("/empty", lambda req, res: res.send(""))
    router.get("/json", lambda req, res: res.json({"items": LINES, "n": 40}))
    router.get("/text", lambda req, res: res.type("txt").send(BIG))
    router.get("/png", lambda req, res: res.type("png").send(BYTES))
    router.get("/octet", lambda req, res: res.send(BYTES))
    router.get("/svg", lambda req, res: res.type("svg").send("<svg>" + BIG + "</svg>"))
    router.get("/js", lambda req, res: res.type("js").send('var a = "' + BIG + '";'))
    router.get("/custom-type", lambda req, res: res.type("application/x-foo").send(BIG))
    router.get("/vendor-json", lambda req, res: res.type("application/vnd.api+json").send(
        '{"big":"' + BIG + '"}'))
    router.get("/no-transform", lambda req, res: res.set("Cache-Control", "public, no-transform").send(BIG))
    router.get("/no-transform-upper", lambda req, res: res.set("Cache-Control", "NO-TRANSFORM").send(BIG))
    router.get("/cache-other", lambda req, res: res.set("Cache-Control", "no-transformer, max-age=5").send(BIG))
    router.get("/encoded", lambda req, res: res.set("Content-Encoding", "x-custom").send(BIG))
    router.get("/identity-encoded", lambda req, res: res.set("Content-Encoding", "identity").send(BIG))

    @router.get("/stream")
    def stream(req, res):
        res.type("txt")
        for line in LINES:
            res.write(line)
        res.end()

    @router.get("/stream-small")
    def stream_small(req, res):
        res.type("txt")
        res.write("tiny")
        res.end(" body")

    router.get("/end-small", lambda req, res: res.type("txt").end("small body"))
    router.get("/end-big", lambda req, res: res.type("txt").end(BIG))
    router.get("/end-cl", lambda req, res: res.type("txt").set("Content-Length", str(len(BIG.encode()))).end(BIG))
    router.get("/no-type", lambda req, res: res.end(BIG))
    router.get("/status", lambda req, res: res.status(404).send(BIG))
    router.get("/no-content", lambda req, res: res.status(204).send(BIG))
    router.get("/etag", lambda req, res: res.set("ETag", '"strong-tag"').send(BIG))
    router.get("/vary", lambda req, res: res.vary("Origin").send(BIG))
    router.get("/vary-star", lambda req, res: res.set("Vary", "*").send(BIG))
    router.get("/redirect", lambda req, res: res.redirect("/elsewhere"))

    @router.get("/flush")
    def flush(req, res):
        res.type("text/event-stream")
        res.write("data: one\n\n")
        res.flush()
        res.write("data: two\n\n")
        res.flush()
        res.end("data: three\n\n")


def compressed(path, **options):
    router = express.Router()
    router.use(express.compression(**options))
    body_routes(router)
    app.use(path, router)


# ---------------------------------------------------------------- compression
compressed("/c")
compressed("/zero", threshold=0)
compressed("/t3k", threshold="3kb")
compressed("/level1", level=1)
compressed("/filter", filter=lambda req, res: req.headers.get("x-no-compression") is None)
compressed("/extend", filter=lambda req, res: res.get("Content-Type") == "image/png" or should_compress(req, res))
compressed("/enforce", enforce_encoding="gzip")
compressed("/brq", brotli={"params": {1: 11}})  # 1 = BROTLI_PARAM_QUALITY

files = express.Router()
files.use(express.compression())
files.get("/:name", lambda req, res: res.send_file(os.path.join(HERE, "fixtures", req.params["name"])))
app.use("/file", files)

# ---------------------------------------------------------------- cors
cors = express.cors


def hello(req, res):
    res.send("cors " + req.method)


app.get("/cors/default", cors(), hello)
app.options("/cors/default", cors())
app.post("/cors/default", cors(), hello)
app.use("/cors/all", cors())
app.get("/cors/all/x", hello)
app.use("/cors/fixed", cors(origin="http://allowed.example"))
app.get("/cors/fixed", hello)
app.use("/cors/reflect", cors(origin=True))
app.get("/cors/reflect", hello)
app.use("/cors/off", cors(origin=False))
app.get("/cors/off", hello)
app.use("/cors/list", cors(origin=["http://a.example", re.compile(r"\.b\.example$")]))
app.get("/cors/list", hello)
app.use("/cors/regex", cors(origin=re.compile(r"^https://(www\.)?site\.example$")))
app.get("/cors/regex", hello)
app.use("/cors/empty-list", cors(origin=[]))
app.get("/cors/empty-list", hello)
app.use("/cors/fn", cors(origin=lambda origin: origin == "http://fn.example"))
app.get("/cors/fn", hello)
app.use("/cors/fn-value", cors(origin=lambda origin, cb: cb(None, "http://fixed-by-fn.example")))
app.get("/cors/fn-value", hello)
app.use("/cors/fn-error", cors(origin=lambda origin, cb: cb(Exception("origin refused"))))
app.get("/cors/fn-error", hello)


async def later_origin(origin):
    await asyncio.sleep(0.005)
    return True


app.use("/cors/fn-later", cors(origin=later_origin))
app.get("/cors/fn-later", hello)
app.use("/cors/full", cors(
    origin="http://full.example",
    methods=["GET", "PUT"],
    allowed_headers=["Content-Type", "X-Token"],
    exposed_headers=["X-Total", "X-Page"],
    credentials=True,
    max_age=600,
))
app.get("/cors/full", hello)
app.use("/cors/strings", cors(methods="GET,POST", allowedHeaders="X-One,X-Two", exposedHeaders="X-Exposed",
                              maxAge="120"))
app.get("/cors/strings", hello)
app.use("/cors/headers-alias", cors(headers=["X-Alias"]))
app.get("/cors/headers-alias", hello)
app.use("/cors/empty-headers", cors(allowed_headers=[], exposed_headers=[]))
app.get("/cors/empty-headers", hello)
app.use("/cors/maxage0", cors(max_age=0, credentials="yes"))
app.get("/cors/maxage0", hello)
app.use("/cors/continue", cors(preflight_continue=True))
app.options("/cors/continue", lambda req, res: res.status(202).send("handled"))
app.use("/cors/continue-auto", cors(preflight_continue=True))
app.get("/cors/continue-auto", hello)
app.put("/cors/continue-auto", hello)
app.use("/cors/status200", cors(options_success_status=200))
app.get("/cors/status200", hello)


def delegate(req, cb):
    if "deny" in req.query:
        return cb(None, {"origin": False})
    if "fail" in req.query:
        return cb(Exception("delegate failed"))
    cb(None, {"origin": True, "credentials": True, "exposedHeaders": ["X-From-Delegate"]})


app.use("/cors/delegate", cors(delegate))
app.get("/cors/delegate", hello)


def vary_accept(req, res, next):
    res.vary("Accept")
    next()


app.use("/cors/vary", vary_accept, cors(origin="http://v.example"))
app.get("/cors/vary", hello)
app.use("/cors/compressed", cors(origin=True), express.compression())
app.get("/cors/compressed", lambda req, res: res.send(BIG))


# ---------------------------------------------------------------- logger (morgan)
class Sink:
    def write(self, text):
        pass


sink = Sink()
app.use("/log", express.logger("combined", stream=sink), express.logger("dev", stream=sink))
app.get("/log/hello", lambda req, res: res.set("X-Logged", "yes").send("logged"))
app.use("/log-c", express.logger("tiny", stream=sink), express.compression())
app.get("/log-c/big", lambda req, res: res.send(BIG))


@app.use
def on_error(err, req, res, next):
    res.status(500).json({"error": str(err)})


if __name__ == "__main__":
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress ready on {port}", flush=True))
