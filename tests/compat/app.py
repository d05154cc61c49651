"""Reference app for the differential compatibility suite: the same app as app.js, written
for fastexpress. Run: FASTEXPRESS_ENV=production python app.py PORT
Every route here has a twin in app.js; keep the two files in step (same order).
"""
from __future__ import annotations

import asyncio
import json
import re
import sys

from fastexpress import HTTPError, express

port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
app = express()


class StatusError(Exception):
    """An error carrying an arbitrary `status` (HTTPError is for real HTTP statuses)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


app.locals.title = "Compat"

# ---------------------------------------------------------------- §0 wire basics
app.get("/wire/hello", lambda req, res: res.send("hello"))
app.get("/wire/empty", lambda req, res: res.send(""))
app.get("/wire/close", lambda req, res: res.set("Connection", "close").send("bye"))
app.get("/wire/utf8", lambda req, res: res.send("h\u00e9llo \u2603 \U0001F600"))
app.get("/wire/teapot", lambda req, res: res.status(418).send("short and stout"))
app.get("/wire/unknown", lambda req, res: res.status(599).send("odd"))


@app.get("/wire/order")
def wire_order(req, res):
    res.set("X-Zulu", "1")
    res.set("X-Alpha", "2")
    res.append("X-Multi", ["3", "4"])
    res.set("X-Mid", "m")
    res.send("ordered")


app.get("/wire/big", lambda req, res: res.send("0123456789abcdef" * 4096))
app.get("/wire/status/:code", lambda req, res: res.send_status(int(req.params["code"])))
app.all("/wire/any", lambda req, res: res.send(req.method + " any"))

# ---------------------------------------------------------------- §1 res.status
app.get("/status/string", lambda req, res: res.status("200").send("never"))
app.get("/status/float", lambda req, res: res.status(200.5).send("never"))
app.get("/status/low", lambda req, res: res.status(99).send("never"))
app.get("/status/high", lambda req, res: res.status(1000).send("never"))
app.get("/status/created", lambda req, res: res.status(201).send("created"))
app.get("/status/chain", lambda req, res: res.status(202).type("txt").send("accepted"))


@app.get("/status/code-prop")
def status_code_prop(req, res):
    res.status_code = 203
    res.send(str(res.status_code))


# ---------------------------------------------------------------- §1 res.send
app.get("/send/str", lambda req, res: res.send("hello world"))
app.get("/send/str-ct", lambda req, res: res.type("text/plain").send("plain"))


@app.get("/send/str-ct-params")
def send_str_ct_params(req, res):
    res.set("Content-Type", "text/plain; foo=bar")
    res.send("params")


@app.get("/send/str-ct-charset")
def send_str_ct_charset(req, res):
    res.set("Content-Type", "text/plain; charset=iso-8859-1")
    res.send("latin")


app.get("/send/str-json-ct", lambda req, res: res.type("json").send('{"a":1}'))
app.get("/send/bytes", lambda req, res: res.send(b"bin\x00ary"))
app.get("/send/bytes-ct", lambda req, res: res.type("png").send(b"PNG"))
app.get("/send/bytes-empty", lambda req, res: res.send(b""))
app.get("/send/dict", lambda req, res: res.send({"a": 1, "b": "x", "c": None, "d": [True, False]}))
app.get("/send/list", lambda req, res: res.send([1, "two", None, {"three": 3}]))
app.get("/send/int", lambda req, res: res.send(42))
app.get("/send/zero", lambda req, res: res.send(0))
app.get("/send/float", lambda req, res: res.send(1.5))
app.get("/send/true", lambda req, res: res.send(True))
app.get("/send/false", lambda req, res: res.send(False))
app.get("/send/null", lambda req, res: res.send(None))
app.get("/send/undefined", lambda req, res: res.send())
app.get("/send/empty-str", lambda req, res: res.send(""))
app.get("/send/status-json", lambda req, res: res.status(201).send({"ok": True}))
app.get("/send/nested", lambda req, res: res.send(
    {"a": {"b": [1, 2, {"c": None}]}, "\u00e9": "\u00fc", "emoji": "\U0001F600", "q": 'say "hi"\n'}))


@app.get("/send/te")
def send_te(req, res):
    res.set("Transfer-Encoding", "chunked")
    res.send("framed by TE")


@app.get("/send/twice")
def send_twice(req, res):
    res.send("first")
    try:
        res.send("second")
    except Exception:  # HeadersSentError (Express: ERR_HTTP_HEADERS_SENT)
        pass


@app.get("/send/headers-sent")
def send_headers_sent(req, res):
    before = res.headers_sent
    res.write("w")
    res.end(" before=yes" if before else " before=no")


# ---------------------------------------------------------------- §1 res.json
app.get("/json/obj", lambda req, res: res.json({"name": "tobi", "age": 3, "tags": ["a", "b"]}))
app.get("/json/undefined", lambda req, res: res.json())
app.get("/json/null", lambda req, res: res.json(None))
app.get("/json/str", lambda req, res: res.json('hi "there"'))
app.get("/json/num", lambda req, res: res.json(7))
app.get("/json/special", lambda req, res: res.json({"html": "<b>&amp;</b>", "ls": "\u2028"}))
app.get("/json/nan", lambda req, res: res.json({"nan": float("nan"), "inf": float("inf"), "ok": 1}))
# JS: new Date(0) serialises through toJSON to this ISO string.
app.get("/json/date", lambda req, res: res.json({"d": "1970-01-01T00:00:00.000Z"}))
# JS: {a: 1, b: undefined, c: 3}; undefined keys are dropped, so Python just has no "b".
app.get("/json/dropped", lambda req, res: res.json({"a": 1, "c": 3}))
app.get("/json/ct-preset", lambda req, res: res.type("application/vnd.api+json").json({"data": []}))
app.get("/json/status", lambda req, res: res.status(400).json({"error": "bad"}))

# sub-apps with json settings
json_spaces = express()
json_spaces.set("json spaces", 2)
json_spaces.get("/obj", lambda req, res: res.json({"a": 1, "b": [1, 2], "c": {}, "d": []}))
json_spaces.get("/jsonp", lambda req, res: res.jsonp({"a": [1]}))
app.use("/jsonspaces", json_spaces)

json_replacer = express()
json_replacer.set("json spaces", 4)
json_replacer.set("json replacer", lambda key, value: value.upper() if isinstance(value, str) else value)
json_replacer.get("/obj", lambda req, res: res.json({"name": "tobi", "nested": {"pet": "ferret"}, "n": 1}))
app.use("/jsonreplacer", json_replacer)

json_escape = express()
json_escape.set("json escape", True)
json_escape.get("/obj", lambda req, res: res.json({"html": "<script>&</script>"}))
json_escape.get("/jsonp", lambda req, res: res.jsonp({"html": "<b>&</b>"}))
app.use("/jsonescape", json_escape)

# ---------------------------------------------------------------- §1 res.jsonp
app.get("/jsonp", lambda req, res: res.jsonp({"a": 1}))
app.get("/jsonp/undefined", lambda req, res: res.jsonp())
app.get("/jsonp/str", lambda req, res: res.jsonp("line\u2028sep\u2029end"))
app.get("/jsonp/ct-preset", lambda req, res: res.type("application/vnd.api+json").jsonp({"b": 2}))
app.get("/jsonp/status", lambda req, res: res.status(404).jsonp({"missing": True}))

jsonp_name = express()
jsonp_name.set("jsonp callback name", "cb")
jsonp_name.get("/", lambda req, res: res.jsonp({"name": "cb"}))
app.use("/jsonpname", jsonp_name)


# ---------------------------------------------------------------- §1 set / get / append
@app.get("/set/basic")
def set_basic(req, res):
    res.set("X-Foo", "bar")
    res.set("X-Num", 123)
    res.header("X-Via-Header", "yes")
    res.send("set")


app.get("/set/array", lambda req, res: res.set("X-List", ["a", "b", "c"]).send("arr"))
app.get("/set/obj", lambda req, res: res.set({"X-One": "1", "X-Two": "2"}).send("obj"))


@app.get("/set/replace")
def set_replace(req, res):
    res.set("X-Rep", "first")
    res.set("x-rep", "second")
    res.send("replaced")


app.get("/set/ct", lambda req, res: res.set("Content-Type", req.query["t"]).end("ct"))


@app.get("/get")
def res_get(req, res):
    res.set("X-A", "one")
    res.append("X-M", "1")
    res.append("X-M", "2")
    res.json({"a": res.get("x-a"), "m": res.get("X-M"), "missing": res.get("X-None")})


@app.get("/append")
def append(req, res):
    res.append("Link", "<a>")
    res.append("Link", ["<b>", "<c>"])
    res.append("X-S", "1")
    res.append("X-S", "2")
    res.set("X-S", "3")
    res.send("appended")


app.get("/append/fresh", lambda req, res: res.append("X-New", "v").send("fresh"))

# ---------------------------------------------------------------- §1 res.type
app.get("/type", lambda req, res: res.type(req.query["t"]).send(b"typed"))
app.get("/content-type", lambda req, res: res.content_type("json").send(b"{}"))


# ---------------------------------------------------------------- §1 res.vary
@app.get("/vary")
def vary(req, res):
    res.vary("Accept")
    res.vary("accept-encoding")
    res.vary("Origin")
    res.vary("ACCEPT")
    res.send("vary")


app.get("/vary/star", lambda req, res: res.vary("Accept").vary("*").vary("Origin").send("star"))
app.get("/vary/empty", lambda req, res: res.vary([]).send("empty"))
app.get("/vary/list", lambda req, res: res.vary(["Accept", "Cookie"]).vary("cookie").send("list"))
app.get("/vary/none", lambda req, res: res.vary().send("never"))

# ---------------------------------------------------------------- §1 res.location
app.get("/location", lambda req, res: res.location(req.query["u"]).send("located"))
app.get("/location/back", lambda req, res: res.location("back").send("back"))

# ---------------------------------------------------------------- §1 res.redirect
app.get("/redirect", lambda req, res: res.redirect("/target"))
app.get("/redirect/301", lambda req, res: res.redirect(301, "/moved"))
app.get("/redirect/303", lambda req, res: res.redirect(303, "http://example.com/other"))
app.get("/redirect/escape", lambda req, res: res.redirect('/a?b=<c>&d="e"'))
app.get("/redirect/encode", lambda req, res: res.redirect("/caf\u00e9 menu"))
app.get("/redirect/back", lambda req, res: res.redirect("back"))
app.post("/redirect/post", lambda req, res: res.redirect(307, "/target"))


# ---------------------------------------------------------------- §1 res.links
@app.get("/links")
def links(req, res):
    res.links({"next": "http://api.example.com/users?page=2", "last": "http://api.example.com/users?page=5"})
    res.send("links")


@app.get("/links/twice")
def links_twice(req, res):
    res.links({"next": "/p/2"})
    res.links({"prev": "/p/0"})
    res.send("twice")


app.get("/links/array", lambda req, res: res.links({"preload": ["/a.css", "/b.js"]}).send("array"))

# ---------------------------------------------------------------- §1 res.attachment
app.get("/attach/none", lambda req, res: res.attachment().send("no name"))
app.get("/attach/pdf", lambda req, res: res.attachment("report.pdf").send(b"%PDF"))
app.get("/attach/space", lambda req, res: res.attachment("my file.txt").send("spaced"))
app.get("/attach/unicode", lambda req, res: res.attachment("r\u00e9sum\u00e9.txt").send("unicode"))
app.get("/attach/path", lambda req, res: res.attachment("path/to/logo.png").send(b"PNG"))


# ---------------------------------------------------------------- §1 res.format
@app.get("/format")
def format_(req, res):
    res.format({
        "text/plain": lambda: res.send("text"),
        "text/html": lambda: res.send("<p>html</p>"),
        "application/json": lambda: res.send({"message": "json"}),
    })


@app.get("/format/ext")
def format_ext(req, res):
    res.format({
        "json": lambda: res.json({"ext": "json"}),
        "html": lambda: res.send("<b>ext</b>"),
    })


@app.get("/format/default")
def format_default(req, res):
    res.format({
        "text/plain": lambda: res.send("text"),
        "default": lambda: res.status(406).send("default handler"),
    })


@app.get("/format/args")
def format_args(req, res):
    res.format({
        "text/plain": lambda rq, rs, next: rs.send(rq.path + " via args"),
    })


# ---------------------------------------------------------------- §1 res.locals
def locals_first(req, res, next):
    res.locals.user = "tobi"
    next()


def locals_second(req, res):
    res.locals.count = 2
    res.json({"user": res.locals.user, "count": res.locals.count, "keys": list(res.locals),
              "title": req.app.locals.title})


app.get("/locals", locals_first, locals_second)


# ---------------------------------------------------------------- §1 res.write / res.end
@app.get("/stream")
def stream(req, res):
    res.write("alpha,")
    res.write("beta,")
    res.end("gamma")


@app.get("/stream/ct")
def stream_ct(req, res):
    res.type("txt")
    res.write("one\n")
    res.end("two\n")


@app.get("/stream/cl")
def stream_cl(req, res):
    res.set("Content-Length", "6")
    res.write("abc")
    res.end("def")


@app.get("/stream/bytes")
def stream_bytes(req, res):
    res.write(bytes([0, 1, 2]))
    res.end(bytes([3, 4]))


@app.get("/stream/async")
async def stream_async(req, res):
    res.status(202)
    res.write("tick ")
    await asyncio.sleep(0.02)
    res.write("tock ")
    await asyncio.sleep(0.02)
    res.end("done")


app.get("/end/empty", lambda req, res: res.end())
app.get("/end/str", lambda req, res: res.end("ended"))
app.get("/end/status", lambda req, res: res.status(404).end())

# ---------------------------------------------------------------- §1 204 / 205 / 304 stripping
app.get("/strip/204", lambda req, res: res.status(204).send("body"))
app.get("/strip/304", lambda req, res: res.status(304).send("body"))
app.get("/strip/205", lambda req, res: res.status(205).send("body"))
app.get("/strip/204-json", lambda req, res: res.status(204).json({"a": 1}))
app.get("/strip/204-end", lambda req, res: res.status(204).end())


@app.get("/strip/204-headers")
def strip_204_headers(req, res):
    res.set("X-Kept", "yes")
    res.type("txt")
    res.status(204).send("body")


# ---------------------------------------------------------------- §1 conditional GET
app.all("/cond", lambda req, res: res.send("hello"))
app.get("/cond/404", lambda req, res: res.status(404).send("hello"))


@app.get("/cond/lm")
def cond_lm(req, res):
    res.set("Last-Modified", "Wed, 01 Jan 2020 00:00:00 GMT")
    res.send("modified")


app.get("/cond/json", lambda req, res: res.json({"hello": "world"}))

strong_etag = express()
strong_etag.set("etag", "strong")
strong_etag.get("/hello", lambda req, res: res.send("hello"))
strong_etag.get("/json", lambda req, res: res.json({"hello": "world"}))
app.use("/strong", strong_etag)

no_etag = express()
no_etag.set("etag", False)
no_etag.get("/hello", lambda req, res: res.send("hello"))
app.use("/noetag", no_etag)

fn_etag = express()
fn_etag.set("etag", lambda body, encoding: f'"len-{len(body)}"' if len(body) > 3 else None)
fn_etag.get("/long", lambda req, res: res.send("long body"))
fn_etag.get("/short", lambda req, res: res.send("ab"))
app.use("/fnetag", fn_etag)

# ---------------------------------------------------------------- §2 request: query
app.get("/req/query", lambda req, res: res.json(req.query))

extended_query = express()
extended_query.set("query parser", "extended")
extended_query.get("/query", lambda req, res: res.json(req.query))
app.use("/extq", extended_query)

no_query = express()
no_query.set("query parser", False)
no_query.get("/query", lambda req, res: res.json(req.query))
app.use("/noq", no_query)

# ---------------------------------------------------------------- §2 request: params / paths
app.get("/req/p/:id", lambda req, res: res.json(req.params))
app.get("/req/p2/:a/:b", lambda req, res: res.json(req.params))
app.get("/req/splat/*rest", lambda req, res: res.json(req.params))
app.get("/req/info", lambda req, res: res.json({
    "path": req.path, "url": req.url, "originalUrl": req.original_url, "baseUrl": req.base_url,
    "route": req.route.path}))

org_router = express.Router()
org_router.get("/info", lambda req, res: res.json({
    "path": req.path, "url": req.url, "originalUrl": req.original_url, "baseUrl": req.base_url,
    "params": req.params}))
team_router = express.Router(merge_params=True)
team_router.get("/:team", lambda req, res: res.json({
    "path": req.path, "url": req.url, "originalUrl": req.original_url, "baseUrl": req.base_url,
    "params": req.params}))
org_router.use("/teams", team_router)
app.use("/org/:org", org_router)


@app.use("/mw")
def mw_info(req, res, next):
    if req.query.get("skip"):
        return next()
    res.json({"path": req.path, "url": req.url, "originalUrl": req.original_url, "baseUrl": req.base_url})


# Consecutive middleware on one literal prefix: each sees the url stripped afresh, even when
# one of them rewrites req.url or req.baseUrl (the router's same-prefix shortcut must agree).
def _pfx_trace(tag, fn=None):
    def trace(req, res, next):
        req.__dict__.setdefault("trace", []).append([tag, req.url, req.base_url, req.path, req.params])
        if fn:
            fn(req)
        next()
    return trace


def _pfx_rewrite(req):
    if req.query.get("rewrite"):
        req.url = req.url[int(req.query["rewrite"]):]


def _pfx_upper(req):
    if req.query.get("up"):
        req.url = req.url.upper()


pfx_router = express.Router()
pfx_router.use("/pfx", _pfx_trace("a", lambda req: setattr(req, "base_url", "/tampered")),
               _pfx_trace("b", _pfx_rewrite), _pfx_trace("c"))
pfx_router.use("/PFX", _pfx_trace("d"))
pfx_router.use("/pfx/", _pfx_trace("e", _pfx_upper), _pfx_trace("f"))
pfx_router.use("/pfx", lambda req, res: res.json(req.trace))
pfx_router.use(lambda req, res: res.status(404).json(req.__dict__.get("trace")))
app.use("/pt", pfx_router)


# Leaving a use() prefix puts req.url back as it came, for the routes after it; a RegExp prefix
# is entered only when it matches at the start of the path and ends on a segment boundary.
def _header_of(name):
    def mw(req, res, next):
        res.set(name, req.base_url + " " + req.url)
        next()
    return mw


app.use("/rs", _header_of("X-In"))
app.use(re.compile(r"/rx"), _header_of("X-Rx"))
app.get(["/rs", "/rs/a", "/rxy", "/qq/rx", "/rx/a"], lambda req, res: res.json({
    "url": req.url, "originalUrl": req.original_url, "baseUrl": req.base_url, "path": req.path}))


info_app = express()
info_app.get("/deep/info", lambda req, res: res.json({
    "path": req.path, "url": req.url, "originalUrl": req.original_url, "baseUrl": req.base_url}))
app.use("/subapp", info_app)

# ---------------------------------------------------------------- §2 request: headers & negotiation
app.get("/req/get", lambda req, res: res.json({
    "custom": req.get("X-Custom"),
    "customHeader": req.header("x-custom"),
    "referer": req.get("Referer"),
    "referrer": req.get("Referrer"),
    "contentType": req.get("content-type"),
}))
app.get("/req/accepts", lambda req, res: res.json({
    "json": req.accepts("json"),
    "html": req.accepts("html"),
    "multi": req.accepts("json", "html"),
    "mime": req.accepts("text/plain", "application/json"),
    "all": req.accepts(),
}))
app.get("/req/accepts-other", lambda req, res: res.json({
    "encodings": req.accepts_encodings(),
    "gzip": req.accepts_encodings("gzip", "br"),
    "charsets": req.accepts_charsets(),
    "utf8": req.accepts_charsets("utf-8", "iso-8859-1"),
    "languages": req.accepts_languages(),
    "en": req.accepts_languages("en", "fr"),
}))
app.all("/req/is", lambda req, res: res.json({
    "json": req.is_("json"),
    "html": req.is_("html"),
    "appWildcard": req.is_("application/*"),
    "plusJson": req.is_("+json"),
    "multi": req.is_("html", "json"),
    "full": req.is_("application/json"),
}))


@app.get("/req/range")
def req_range(req, res):
    r = req.range(1000, combine=req.query.get("combine") == "1")
    if r is None or isinstance(r, int):
        return res.json({"range": r})
    res.json({"type": r.type, "ranges": [{"start": x.start, "end": x.end} for x in r]})


app.get("/req/xhr", lambda req, res: res.json({"xhr": req.xhr}))


def net_info(req, res):
    res.json({
        "ip": req.ip,
        "ips": req.ips,
        "protocol": req.protocol,
        "secure": req.secure,
        "host": req.host,
        "hostname": req.hostname,
        "subdomains": req.subdomains,
    })


app.get("/req/net", net_info)

trust_all = express()
trust_all.set("trust proxy", True)
trust_all.get("/net", net_info)
app.use("/trust", trust_all)

trust_one = express()
trust_one.set("trust proxy", 1)
trust_one.get("/net", net_info)
app.use("/trust1", trust_one)

trust_loopback = express()
trust_loopback.set("trust proxy", "loopback")
trust_loopback.get("/net", net_info)
app.use("/trustlb", trust_loopback)

trust_list = express()
trust_list.set("trust proxy", "127.0.0.1, 198.51.100.0/24")
trust_list.get("/net", net_info)
app.use("/trustlist", trust_list)

trust_fn = express()
trust_fn.set("trust proxy", lambda addr, i: i < 2)
trust_fn.get("/net", net_info)
app.use("/trustfn", trust_fn)

sub_offset = express()
sub_offset.set("subdomain offset", 1)
sub_offset.get("/net", net_info)
app.use("/suboffset", sub_offset)


@app.get("/req/fresh")
def req_fresh(req, res):
    res.set("ETag", '"abc"')
    if req.query.get("lm"):
        res.set("Last-Modified", "Wed, 01 Jan 2020 00:00:00 GMT")
    result = {"fresh": req.fresh, "stale": req.stale}
    # end() skips send()'s freshness check, so the echo itself is never a 304
    res.type("json")
    res.end(json.dumps(result, separators=(",", ":")))


@app.get("/settings")
def settings(req, res):
    res.json({
        "env": req.app.get("env"),
        "etag": req.app.get("etag"),
        "queryParser": req.app.get("query parser"),
        "jsonpName": req.app.get("jsonp callback name"),
        "subdomainOffset": req.app.get("subdomain offset"),
        "trustProxy": req.app.get("trust proxy"),
        "poweredBy": req.app.enabled("x-powered-by"),
        "strict": req.app.disabled("strict routing"),
    })


# ---------------------------------------------------------------- §3 routing: path syntax
app.get("/rt/opt{/:x}", lambda req, res: res.json({"route": "opt", "params": req.params}))
app.get("/rt/file{.:ext}", lambda req, res: res.json({"route": "file", "params": req.params}))
app.get("/rt/pair/:a-:b", lambda req, res: res.json({"route": "pair", "params": req.params}))
app.get("/rt/star/*rest", lambda req, res: res.json({"route": "star", "params": req.params}))
app.get("/rt/zstar{/*rest}", lambda req, res: res.json({"route": "zstar", "params": req.params}))
app.get("/rt/esc\\(x\\)", lambda req, res: res.json({"route": "esc", "params": req.params}))
app.get('/rt/q/:"quoted-name"', lambda req, res: res.json({"route": "quoted", "params": req.params}))
app.get(re.compile(r"^/rt/re/(\d+)$"), lambda req, res: res.json({"route": "re", "params": req.params}))
app.get(re.compile(r"^/rt/named/(?P<id>\d+)$"), lambda req, res: res.json({"route": "named", "params": req.params}))
app.get(["/rt/arr1", "/rt/arr2/:x"], lambda req, res: res.json({"route": "arr", "params": req.params}))
app.get("/rt/case", lambda req, res: res.json({"route": "case", "path": req.path}))
app.get("/rt/route/:id", lambda req, res: res.json({"routePath": req.route.path}))


def set_nested(req, res, next):
    res.set("X-Nested", "1")
    next()


app.get("/rt/nested", [[set_nested], lambda req, res: res.send("nested arrays")])

strict_router = express.Router(strict=True)
strict_router.get("/x", lambda req, res: res.send("strict x"))
strict_router.get("/y/", lambda req, res: res.send("strict y/"))
app.use("/strict", strict_router)

# Many literal routes, with a regex route and a use() prefix among them, a repeated path.
many_router = express.Router()


def _many_first(req, res, next):
    res.set("X-First", "1")
    next("route")


def _many_send(text):
    return lambda req, res: res.send(text)  # (req, res) only: a third parameter would be next


def _many_mw(req, res, next):
    res.set("X-Mw", req.base_url)
    next()


for _i in range(30):
    if _i == 25:
        many_router.get("/r25", _many_first)
    else:
        many_router.get(f"/r{_i}", _many_send(f"r{_i}"))
    if _i == 12:
        many_router.get(re.compile(r"^/r\d+x$"), lambda req, res: res.send("regex"))
    if _i == 20:
        many_router.use("/r2", _many_mw)
many_router.get("/r25", lambda req, res: res.send("r25 again"))
many_router.post("/r25", lambda req, res: res.send("r25 post"))
app.use("/many", many_router)

cs_router = express.Router(case_sensitive=True)
cs_router.get("/Abc", lambda req, res: res.send("case Abc"))
app.use("/cs", cs_router)

cs_app = express()
cs_app.set("case sensitive routing", True)
cs_app.set("strict routing", True)
cs_app.get("/Path/", lambda req, res: res.send("csapp Path/"))
app.use("/csapp", cs_app)

merge_router = express.Router(merge_params=True)
merge_router.get("/x/:id", lambda req, res: res.json(req.params))
merge_router.get("/same/:mid", lambda req, res: res.json(req.params))
app.use("/merge/:mid", merge_router)
no_merge_router = express.Router()
no_merge_router.get("/x/:id", lambda req, res: res.json(req.params))
app.use("/nomerge/:mid", no_merge_router)


# ---------------------------------------------------------------- §3 next('route') / next('router')
def nr_first(req, res, next):
    res.set("X-First", "yes")
    next("route")


app.get("/nr", nr_first, lambda req, res: res.send("skipped"))
app.get("/nr", lambda req, res: res.send("second route"))

exit_router = express.Router()


@exit_router.use
def leave_router(req, res, next):
    res.set("X-Router", "left")
    next("router")


exit_router.get("/x", lambda req, res: res.send("inside router"))
app.use("/nrr", exit_router)
app.get("/nrr/x", lambda req, res: res.send("after router"))

# What a router's last layer does after next() comes before the app goes on (Express leaves a
# router on the next turn), whether the router was passed to its end or left with next("router").
after_router = express.Router()


@after_router.use
def after_next(req, res, next):
    next("router" if req.path == "/left" else None)
    res.set("X-After", "set after next()")


app.use("/after", after_router)
app.get("/after/:how", lambda req, res: res.send(f"app saw: {res.get('X-After')}"))


# And before the final handler's page (written once the request has ended, a later turn).
@app.get("/final-after")
def final_after(req, res, next):
    next()
    res.set("X-After", "set after next()")


def step(name):
    def handler(req, res, next):
        res.append("X-Step", name)
        next()
    return handler


app.get("/mwchain", step("a"), step("b"))


@app.get("/mwchain")
def mwchain_end(req, res):
    res.append("X-Step", "c")
    res.send("chained")


# ---------------------------------------------------------------- §3 errors
app.get("/err/string", lambda req, res, next: next("boom"))
app.get("/err/error", lambda req, res, next: next(Exception("kaboom")))


@app.get("/err/throw")
def err_throw(req, res):
    raise Exception("thrown")


def throw_in_chain(req, res, next):
    raise Exception("thrown in chain")


def throw_in_route(req, res, next):
    raise Exception("in route")


app.get("/err/throw-chain", lambda req, res, next: (res.set("X-Step", "a"), next()), throw_in_chain,
        lambda req, res: res.send("skipped"))
app.get("/err/in-route", throw_in_route, lambda req, res: res.send("skipped"),
        lambda err, req, res, next: res.status(418).send(f"route caught {err}"))


app.get("/err/404", lambda req, res, next: next(HTTPError(404, "nope")))


@app.get("/err/403-statuscode")
def err_403_statuscode(req, res, next):
    err = Exception("forbidden")
    err.status_code = 403
    next(err)


app.get("/err/418", lambda req, res, next: next(HTTPError(418, "teapot")))


@app.get("/err/503")
def err_503(req, res):
    raise HTTPError(503, "down")


app.get("/err/600", lambda req, res, next: next(StatusError(600, "weird")))
app.get("/err/302", lambda req, res, next: next(StatusError(302, "redirecty")))


@app.get("/err/res-status")
def err_res_status(req, res, next):
    res.status(404)
    next(Exception("plain"))


@app.get("/err/res-status-200")
def err_res_status_200(req, res, next):
    res.status(201)
    next(Exception("plain"))


app.get("/err/headers", lambda req, res, next: next(
    HTTPError(401, "auth", headers={"WWW-Authenticate": 'Basic realm="x"', "X-Err": "e"})))


@app.get("/err/headers-no-status")
def err_headers_no_status(req, res, next):
    err = Exception("no status")
    err.headers = {"X-Err": "ignored"}
    next(err)


@app.get("/err/kept-headers")
def err_kept_headers(req, res, next):
    res.set("X-Before", "kept")
    res.vary("Accept")
    res.set("Content-Language", "en")
    next(HTTPError(400, "bad"))


app.get("/err/head", lambda req, res, next: next(HTTPError(409, "conflict")))


@app.get("/async/reject")
async def async_reject(req, res):
    await asyncio.sleep(0.005)
    raise Exception("async failure")


@app.get("/async/reject-404")
async def async_reject_404(req, res):
    raise HTTPError(404, "async missing")


@app.get("/async/ok")
async def async_ok(req, res):
    await asyncio.sleep(0.005)
    res.send("async ok")


eh_router = express.Router()


@eh_router.get("/throw")
def eh_throw(req, res):
    raise Exception("router failure")


eh_router.get("/string", lambda req, res, next: next("plain string"))
eh_router.get("/status", lambda req, res, next: next(HTTPError(422, "unprocessable")))
eh_router.use(lambda req, res, next: res.send("not reached for errors"))


@eh_router.use
def eh_handler(err, req, res, next):
    if isinstance(err, str):
        return res.status(500).send("handled string: " + err)
    if getattr(err, "status", None):
        return next(err)
    res.status(500).send("handled: " + str(err))


app.use("/eh", eh_router)

eh_chain = express.Router()


@eh_chain.get("/x")
def eh_chain_x(req, res):
    raise HTTPError(400, "first")


@eh_chain.use
def eh_chain_one(err, req, res, next):
    res.set("X-Handler", "one")
    next(err)


@eh_chain.use
def eh_chain_two(err, req, res, next):
    res.status(err.status).json({"message": str(err), "status": err.status})


app.use("/ehchain", eh_chain)


# ---------------------------------------------------------------- §3 app.param
@app.param("pid")
def param_pid(req, res, next, value, name):
    req.param_calls = getattr(req, "param_calls", 0) + 1
    req.param_seen = f"{name}={value}"
    next()


app.get("/param/:pid", lambda req, res, next: next())
app.get("/param/:pid", lambda req, res: res.json(
    {"calls": req.param_calls, "seen": req.param_seen, "pid": req.params["pid"]}))


def param_log(req, res, next, value, name):
    req.param_log = getattr(req, "param_log", []) + [f"{name}:{value}"]
    next()


app.param(["pa", "pb"], param_log)
app.get("/params2/:pa/:pb", lambda req, res: res.json({"log": req.param_log}))


def param_bad(req, res, next, value, name):
    if value == "fail":
        return next(HTTPError(400, "bad param"))
    next()


app.param("bad", param_bad)
app.get("/badparam/:bad", lambda req, res: res.send("param ok"))

# ---------------------------------------------------------------- §3 HEAD / OPTIONS / all / route
app.get("/headonly", lambda req, res: res.set("X-From", "get").send("get body"))
app.head("/headonly", lambda req, res: res.set("X-From", "head").send("head body"))
app.get("/opts", lambda req, res: res.send("get opts"))
app.post("/opts", lambda req, res: res.send("post opts"))
app.delete("/opts", lambda req, res: res.send("delete opts"))
app.options("/opts-custom", lambda req, res: res.set("Allow", "X").send("custom options"))
app.all("/all", lambda req, res: res.send("all " + req.method))
(app.route("/book")
    .get(lambda req, res: res.send("get book"))
    .post(lambda req, res: res.send("post book"))
    .all(lambda req, res: res.send("other book " + req.method)))
(app.route("/book2")
    .get(lambda req, res: res.send("get book2"))
    .put(lambda req, res: res.send("put book2")))

# ---------------------------------------------------------------- extra edge cases
no_powered_by = express()
no_powered_by.disable("x-powered-by")
no_powered_by.get("/hello", lambda req, res: res.send("quirk"))
app.use("/nopb", no_powered_by)

app.get("/err/599", lambda req, res, next: next(HTTPError(599, "odd")))
app.get("/err/499", lambda req, res, next: next(HTTPError(499, "client closed")))
eh_throw = express.Router()


@eh_throw.get("/x")
def eh_throw_x(req, res):
    raise Exception("first")


@eh_throw.use
def eh_throw_handler(err, req, res, next):
    res.set("X-Saw", str(err))
    raise HTTPError(502, "second")


app.use("/ehthrow", eh_throw)
app.get("/set/ct-array", lambda req, res: res.set("Content-Type", ["text/html", "text/plain"]).send("never"))


@app.get("/vary/preset")
def vary_preset(req, res):
    res.set("Vary", "Cookie")
    res.vary("Accept").send("preset")


@app.get("/links/preset")
def links_preset(req, res):
    res.set("Link", '<x>; rel="a"')
    res.links({"b": "/y"}).send("preset")


app.get("/type/charset", lambda req, res: res.type("text/html; charset=iso-8859-1").send("charset"))


@app.get("/stream/large")
def stream_large(req, res):
    res.type("txt")
    for i in range(100):
        res.write(str(i % 10) * 1023 + "\n")
    res.end()


@app.get("/stream/error")
async def stream_error(req, res):
    res.write("partial")
    await asyncio.sleep(0.005)
    raise Exception("after headers")


@app.get("/next-after-send")
def next_after_send(req, res, next):
    res.send("sent")
    next()

app.get("/set/latin1", lambda req, res: res.set("X-Latin", "caf\u00e9").send("latin1 header"))
app.get("/set/snowman", lambda req, res: res.set("X-Snow", "\u2603").send("never"))
app.get("/set/crlf", lambda req, res: res.set("X-Bad", "a\r\nX-Injected: 1").send("never"))
app.get("/set/bad-name", lambda req, res: res.set("Bad Name", "v").send("never"))
app.get("/attach", lambda req, res: res.attachment(req.query["f"]).send("attached"))

# settings inheritance and req.app restoration around mounted apps
inner_app = express()
inner_app.get("/obj", lambda req, res: res.json({"inherited": [1]}))
inner_app.get("/where", lambda req, res: res.json(
    {"mountpath": inner_app.mountpath, "parentMount": inner_app.parent.mountpath, "baseUrl": req.base_url}))
json_spaces.use("/inner", inner_app)
json_spaces.use("/pass", lambda req, res, next: next())
app.get("/jsonspaces/pass", lambda req, res: res.json({"restored": [1]}))
trust_inner = express()
trust_inner.get("/net", net_info)
trust_all.use("/inner", trust_inner)
info_app.get("/where", lambda req, res: res.json({"mountpath": info_app.mountpath, "baseUrl": req.base_url}))


@app.use(["/ma", "/mb"])
def multi_mount(req, res, next):
    if req.path == "/echo":
        return res.json({"baseUrl": req.base_url, "url": req.url})
    next()


@app.get("/async/next")
async def async_next(req, res, next):
    await asyncio.sleep(0.005)
    res.set("X-Async", "next")
    next()


app.get("/async/next", lambda req, res: res.send("after async next"))
param_router = express.Router()


@param_router.param("slug")
def slug_param(req, res, next, value, name):
    if value == "throw":
        raise HTTPError(410, "gone")
    req.slug_upper = value.upper()
    next()


param_router.get("/:slug", lambda req, res: res.json({"slug": req.params["slug"], "upper": req.slug_upper}))
app.use("/prouter", param_router)

if __name__ == "__main__":
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress ready on {port}", flush=True))
