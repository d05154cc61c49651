"""``req``: params, query, URL parts, headers, negotiation, ``is_``, ``range``, proxies and the
raw body.

Expected values are what Express 5.3.0 gives for the same request (checked against a real
Express 5.3.0 app on Node 20).
"""
from __future__ import annotations

import pytest

from fastexpress import HTTPError, express
from fastexpress.testing import TestClient


def probe(fn, url="/", *, route="/*any", headers=None, method="GET", content=None, app=None, **client_kw):
    """Run ``fn(req)`` inside a handler and return what it gave (sent back as JSON)."""
    app = app or express()

    def handler(req, res):
        res.json(fn(req))

    if route == "/*any" and url.split("?")[0] == "/":
        route = "/"
    app.all(route, handler)
    with TestClient(app, **client_kw) as client:
        r = client.request(method, url, headers=headers, content=content)
    assert r.status_code == 200, r.text
    return r.json()


# -- params -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,expected", [
    ("/p/42", "42"),
    ("/p/a%20b", "a b"),
    ("/p/a+b", "a+b"),
    ("/p/a%2Fb", "a/b"),
    ("/p/caf%C3%A9", "café"),
    ("/p/a%20b+c%2Fd", "a b+c/d"),
    ("/p/%25", "%"),
])
def test_params_are_decoded(path, expected):
    assert probe(lambda req: req.params, path, route="/p/:id") == {"id": expected}


def test_params_several():
    assert probe(lambda req: req.params, "/u/7/posts/x-y", route="/u/:uid/posts/:pid") == {"uid": "7", "pid": "x-y"}


def test_params_empty_without_parameters():
    assert probe(lambda req: req.params, "/plain", route="/plain") == {}


def test_params_bad_encoding_gives_400_page():
    app = express()
    app.get("/p/:id", lambda req, res: res.send("never"))
    r = TestClient(app).get("/p/%E0%A4%A")
    assert (r.status_code, r.reason) == (400, "Bad Request")
    assert "Failed to decode param &#39;%E0%A4%A&#39;" in r.text
    assert r.headers["Content-Security-Policy"] == "default-src 'none'"


def test_params_bad_encoding_reaches_error_handler_with_status():
    app = express()
    seen = []
    app.get("/p/:id", lambda req, res: res.send("never"))

    def on_error(err, req, res, next):
        seen.append((err.status, "Failed to decode param '%E0%A4%A'" in str(err)))
        res.status(err.status).send("bad")

    app.use(on_error)
    r = TestClient(app).get("/p/%E0%A4%A")
    assert r.status_code == 400 and seen == [(400, True)]


def test_params_bad_encoding_production_page():
    app = express()
    app.set("env", "production")
    app.get("/p/:id", lambda req, res: res.send("never"))
    r = TestClient(app).get("/p/%E0%A4%A")
    assert r.status_code == 400 and "<pre>Bad Request</pre>" in r.text


# -- query --------------------------------------------------------------------------------------

def test_query_simple_parser_default():
    q = probe(lambda req: req.query, "/q?a=1&a=2&b[c]=3&d=x+y&e&f=%zz&g=%41")
    assert q == {"a": ["1", "2"], "b[c]": "3", "d": "x y", "e": "", "f": "%zz", "g": "A"}


def test_query_key_order_kept():
    q = probe(lambda req: list(req.query), "/q?z=1&a=2&m=3")
    assert q == ["z", "a", "m"]


def test_query_empty():
    assert probe(lambda req: req.query, "/q") == {}


def test_query_odd_pairs():
    assert probe(lambda req: req.query, "/q?&&a==b&=c") == {"a": "=b", "": "c"}


def test_query_extended():
    app = express()
    app.set("query parser", "extended")
    q = probe(lambda req: req.query, "/q?a=1&a=2&b[c]=3&d=x+y&e&f[]=1&f[]=2&g[0]=x&h[i][j]=k", app=app)
    assert q == {"a": ["1", "2"], "b": {"c": "3"}, "d": "x y", "e": "", "f": ["1", "2"], "g": ["x"],
                 "h": {"i": {"j": "k"}}}


def test_query_simple_setting_explicit():
    app = express()
    app.set("query parser", "simple")
    assert probe(lambda req: req.query, "/q?b[c]=3", app=app) == {"b[c]": "3"}


def test_query_parser_disabled():
    app = express()
    app.set("query parser", False)
    assert probe(lambda req: req.query, "/q?a=1", app=app) == {}


def test_query_parser_callable_gets_raw_string():
    app = express()
    app.set("query parser", lambda s: {"raw": s})
    assert probe(lambda req: req.query, "/q?a=1&b", app=app) == {"raw": "a=1&b"}
    assert probe(lambda req: req.query, "/q?", app=app) == {"raw": ""}


def test_query_parser_callable_without_query_gets_none():
    # Express passes parseurl's `query`, which is null when the URL has no '?'.
    app = express()
    app.set("query parser", lambda s: {"raw": s})
    assert probe(lambda req: req.query, "/q", app=app) == {"raw": None}


def test_query_parser_unknown_value_raises():
    app = express()
    with pytest.raises(TypeError):
        app.set("query parser", "bogus")


def test_query_inside_mounted_router():
    app = express()
    router = express.Router()
    router.get("/x", lambda req, res: res.json(req.query))
    app.use("/api", router)
    assert TestClient(app).get("/api/x?a=1").json() == {"a": "1"}


# -- path / url / original_url / base_url ---------------------------------------------------------

def urls(req):
    return {"url": req.url, "path": req.path, "base_url": req.base_url, "original_url": req.original_url,
            "baseUrl": req.baseUrl, "originalUrl": req.originalUrl}


def test_urls_top_level():
    assert probe(urls, "/a/b?x=1", route="/a/b") == {
        "url": "/a/b?x=1", "path": "/a/b", "base_url": "", "original_url": "/a/b?x=1",
        "baseUrl": "", "originalUrl": "/a/b?x=1"}


def test_urls_in_mounted_router():
    app = express()
    router = express.Router()
    router.get("/users/:id", lambda req, res: res.json(urls(req)))
    app.use("/api", router)
    assert TestClient(app).get("/api/users/7?x=1").json() == {
        "url": "/users/7?x=1", "path": "/users/7", "base_url": "/api", "original_url": "/api/users/7?x=1",
        "baseUrl": "/api", "originalUrl": "/api/users/7?x=1"}


def test_urls_in_nested_routers_with_param_prefix():
    app = express()
    outer = express.Router()
    inner = express.Router()
    inner.get("/repos", lambda req, res: res.json(urls(req)))
    outer.use("/org/:org", inner)
    app.use("/v1", outer)
    got = TestClient(app).get("/v1/org/acme/repos").json()
    assert got["base_url"] == "/v1/org/acme"
    assert (got["url"], got["path"], got["original_url"]) == ("/repos", "/repos", "/v1/org/acme/repos")


def test_base_url_keeps_matched_case():
    app = express()
    router = express.Router()
    router.get("/x", lambda req, res: res.json(urls(req)))
    app.use("/api", router)
    assert TestClient(app).get("/API/x").json()["base_url"] == "/API"


def test_urls_at_mount_point_exactly():
    app = express()
    app.use("/mw", lambda req, res: res.json(urls(req)))
    client = TestClient(app)
    assert client.get("/mw").json()["url"] == "/"
    got = client.get("/mw?x=1").json()
    assert (got["url"], got["path"], got["base_url"]) == ("/?x=1", "/", "/mw")
    assert client.get("/mw/").json()["url"] == "/"


def test_urls_restored_after_leaving_router():
    app = express()
    router = express.Router()
    seen = []

    @router.use
    def inner(req, res, next):
        seen.append(("inner", req.url, req.base_url))
        next()

    app.use("/api", router)
    app.use(lambda req, res: res.json(urls(req)))
    got = TestClient(app).get("/api/x").json()
    assert seen == [("inner", "/x", "/api")]
    assert (got["url"], got["base_url"]) == ("/api/x", "")


def test_urls_in_sub_app():
    app = express()
    sub = express()
    sub.get("/x", lambda req, res: res.json(urls(req)))
    app.use("/sub", sub)
    got = TestClient(app).get("/sub/x?q").json()
    assert got == {"url": "/x?q", "path": "/x", "base_url": "/sub", "original_url": "/sub/x?q",
                   "baseUrl": "/sub", "originalUrl": "/sub/x?q"}


def test_path_has_no_query():
    assert probe(lambda req: req.path, "/a%20b?x=1&y") == "/a%20b"


# -- get / header ---------------------------------------------------------------------------------

def test_get_is_case_insensitive():
    got = probe(lambda req: [req.get("content-type"), req.get("CONTENT-TYPE"), req.header("Content-Type"),
                             req.get("X-Missing")],
                headers={"Content-Type": "text/plain", "Content-Length": "0"}, method="POST")
    assert got == ["text/plain", "text/plain", "text/plain", None]


@pytest.mark.parametrize("sent", ["Referer", "Referrer"])
def test_get_referer_and_referrer_are_the_same(sent):
    got = probe(lambda req: [req.get("Referer"), req.get("referrer"), req.get("REFERRER")],
                headers={sent: "http://from/"})
    assert got == ["http://from/"] * 3


def test_get_repeated_header_is_joined():
    got = probe(lambda req: req.get("X-A"), headers=[("X-A", "1"), ("X-A", "2")])
    assert got == "1, 2"


def test_repeated_headers_follow_node_in_any_case():
    # Node's rules: most repeats joined with ", ", cookie with "; ", a few keep the first.
    got = probe(lambda req: [req.get("x-a"), req.get("User-Agent"), req.get("cookie"), list(req.headers)],
                headers=[("X-A", "1"), ("User-Agent", "u1"), ("Cookie", "a=1"), ("x-a", "2"),
                         ("user-agent", "u2"), ("COOKIE", "b=2")])
    assert got == ["1, 2", "u1", "a=1; b=2", ["host", "x-a", "user-agent", "cookie"]]


@pytest.mark.parametrize("name,message", [
    ("", "name argument is required to req.get"),
    (None, "name argument is required to req.get"),
    (5, "name must be a string to req.get"),
])
def test_get_type_error(name, message):
    def fn(req):
        try:
            req.get(name)
        except TypeError as exc:
            return str(exc)
        return "no error"

    assert probe(fn) == message


def test_headers_mapping_is_case_insensitive():
    got = probe(lambda req: [req.headers["x-token"], req.headers.get("X-TOKEN"), "x-token" in req.headers],
                headers={"X-Token": "abc"})
    assert got == ["abc", "abc", True]


# -- accepts ------------------------------------------------------------------------------------

def accepts_all(req):
    return {
        "html": req.accepts("html"), "json": req.accepts("json"), "list": req.accepts(["json", "html"]),
        "args": req.accepts("json", "html"), "none": req.accepts(), "mime": req.accepts("application/json"),
        "png": req.accepts("image/png"), "wild": req.accepts("text/*"),
    }


@pytest.mark.parametrize("accept,expected", [
    (None, {"html": "html", "json": "json", "list": "json", "args": "json", "none": ["*/*"],
            "mime": "application/json", "png": "image/png", "wild": "text/*"}),
    ("text/html", {"html": "html", "json": False, "list": "html", "args": "html", "none": ["text/html"],
                   "mime": False, "png": False, "wild": False}),
    ("text/html;q=0.5, application/json", {"html": "html", "json": "json", "list": "json", "args": "json",
                                            "none": ["application/json", "text/html"], "mime": "application/json",
                                            "png": False, "wild": False}),
    ("application/*", {"html": False, "json": "json", "list": "json", "args": "json", "none": ["application/*"],
                       "mime": "application/json", "png": False, "wild": False}),
])
def test_accepts(accept, expected):
    assert probe(accepts_all, headers={"Accept": accept} if accept else None) == expected


@pytest.mark.parametrize("accept,offers,expected", [
    ("*/*", ["json"], "json"),
    ("text/plain;q=0.1, text/html;q=0.9", ["text", "html"], "html"),
    ("text/*, application/json;q=0.5", ["json", "txt"], "txt"),
    ("image/webp, */*;q=0.8", ["png", "webp"], "webp"),
    ("application/json;q=0", ["json"], False),
])
def test_accepts_q_values(accept, offers, expected):
    assert probe(lambda req: req.accepts(*offers), headers={"Accept": accept}) == expected


def enc_all(req):
    return {"all": req.accepts_encodings(), "gzip": req.accepts_encodings("gzip"),
            "pick": req.acceptsEncodings("deflate", "gzip"), "identity": req.accepts_encodings("identity")}


@pytest.mark.parametrize("header,expected", [
    (None, {"all": ["identity"], "gzip": False, "pick": False, "identity": "identity"}),
    ("gzip, deflate;q=0.5", {"all": ["gzip", "deflate", "identity"], "gzip": "gzip", "pick": "gzip",
                             "identity": "identity"}),
    ("*", {"all": ["*"], "gzip": "gzip", "pick": "deflate", "identity": "identity"}),
    ("identity;q=0", {"all": [], "gzip": False, "pick": False, "identity": False}),
])
def test_accepts_encodings(header, expected):
    assert probe(enc_all, headers={"Accept-Encoding": header} if header else None) == expected


def cs_all(req):
    return {"all": req.accepts_charsets(), "utf8": req.accepts_charsets("utf-8"),
            "pick": req.acceptsCharsets("iso-8859-1", "utf-8")}


@pytest.mark.parametrize("header,expected", [
    (None, {"all": ["*"], "utf8": "utf-8", "pick": "iso-8859-1"}),
    ("utf-8, iso-8859-1;q=0.2", {"all": ["utf-8", "iso-8859-1"], "utf8": "utf-8", "pick": "utf-8"}),
    ("iso-8859-1", {"all": ["iso-8859-1"], "utf8": False, "pick": "iso-8859-1"}),
])
def test_accepts_charsets(header, expected):
    assert probe(cs_all, headers={"Accept-Charset": header} if header else None) == expected


def lang_all(req):
    return {"all": req.accepts_languages(), "pick": req.acceptsLanguages("en", "es"),
            "fr": req.accepts_languages("fr"), "region": req.accepts_languages("en-US", "en"),
            "list": req.accepts_languages(["pt", "es"])}


@pytest.mark.parametrize("header,expected", [
    (None, {"all": ["*"], "pick": "en", "fr": "fr", "region": "en-US", "list": "pt"}),
    ("en;q=0.8, es, pt", {"all": ["es", "pt", "en"], "pick": "es", "fr": False, "region": "en", "list": "es"}),
    ("en-US", {"all": ["en-US"], "pick": "en", "fr": False, "region": "en-US", "list": False}),
    ("*", {"all": ["*"], "pick": "en", "fr": "fr", "region": "en-US", "list": "pt"}),
])
def test_accepts_languages(header, expected):
    assert probe(lang_all, headers={"Accept-Language": header} if header else None) == expected


def test_accepts_aliases_are_the_same_function():
    from fastexpress import Request
    assert Request.acceptsEncodings is Request.accepts_encodings
    assert Request.acceptsCharsets is Request.accepts_charsets
    assert Request.acceptsLanguages is Request.accepts_languages


# -- is_ ----------------------------------------------------------------------------------------

def is_all(req):
    return {
        "json": req.is_("json"), "full": req.is_("application/json"), "appwild": req.is_("application/*"),
        "html": req.is_("html"), "plusjson": req.is_("+json"), "list": req.is_(["text", "json"]),
        "none": req.is_(), "any": req.is_("*/*"), "form": req.is_("urlencoded"),
        "args": req.is_("text/*", "json"), "subwild": req.is_("*/json"),
    }


def test_is_without_body_is_none():
    got = probe(is_all)
    assert got == dict.fromkeys(got, None) and len(got) == 11


def test_is_without_body_even_with_content_type():
    got = probe(lambda req: req.is_("json"), headers={"Content-Type": "application/json"})
    assert got is None


@pytest.mark.parametrize("ctype,expected", [
    ("application/json; charset=utf-8", {
        "json": "json", "full": "application/json", "appwild": "application/json", "html": False,
        "plusjson": False, "list": "json", "none": "application/json", "any": "application/json",
        "form": False, "args": "json", "subwild": "application/json"}),
    ("application/vnd.api+json", {
        "json": False, "full": False, "appwild": "application/vnd.api+json", "html": False,
        "plusjson": "application/vnd.api+json", "list": False, "none": "application/vnd.api+json",
        "any": "application/vnd.api+json", "form": False, "args": False, "subwild": False}),
    ("text/html", {
        "json": False, "full": False, "appwild": False, "html": "html", "plusjson": False, "list": False,
        "none": "text/html", "any": "text/html", "form": False, "args": "text/html", "subwild": False}),
])
def test_is_with_body(ctype, expected):
    assert probe(is_all, method="POST", headers={"Content-Type": ctype}, content=b"{}") == expected


def test_is_with_empty_body_still_has_body():
    got = probe(lambda req: req.is_("html"), method="POST", headers={"Content-Type": "text/html"}, content=b"")
    assert got == "html"


def test_is_with_body_but_no_content_type_is_false():
    got = probe(is_all, method="POST", content=b"ab")
    assert all(v is False for v in got.values())


def test_is_with_chunked_body():
    got = probe(lambda req: [req.is_("urlencoded"), req.is_()], method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"},
                content=b"0\r\n\r\n")
    assert got == ["urlencoded", "application/x-www-form-urlencoded"]


# -- range --------------------------------------------------------------------------------------

def ranges(req):
    def show(r):
        if isinstance(r, int) or r is None:
            return r
        return {"type": r.type, "ranges": [[x.start, x.end] for x in r]}
    return {"plain": show(req.range(10)), "combined": show(req.range(10, combine=True))}


def test_range_without_header_is_none():
    assert probe(ranges) == {"plain": None, "combined": None}


@pytest.mark.parametrize("header,plain,combined", [
    ("bytes=0-4", [[0, 4]], [[0, 4]]),
    ("bytes=-3", [[7, 9]], [[7, 9]]),
    ("bytes=5-", [[5, 9]], [[5, 9]]),
    ("bytes=0-100", [[0, 9]], [[0, 9]]),
    ("bytes=0-1,20-30", [[0, 1]], [[0, 1]]),
    ("bytes=0-1,2-3,6-7", [[0, 1], [2, 3], [6, 7]], [[0, 3], [6, 7]]),
    ("bytes=6-7,0-1,1-3", [[6, 7], [0, 1], [1, 3]], [[6, 7], [0, 3]]),
])
def test_range_satisfiable(header, plain, combined):
    got = probe(ranges, headers={"Range": header})
    assert got == {"plain": {"type": "bytes", "ranges": plain}, "combined": {"type": "bytes", "ranges": combined}}


@pytest.mark.parametrize("header,code", [
    ("bytes=20-30", -1),
    ("bytes=5-2", -1),
    ("abc", -2),
    ("bytes=x-y", -2),
])
def test_range_unsatisfiable_and_malformed(header, code):
    assert probe(ranges, headers={"Range": header}) == {"plain": code, "combined": code}


def test_range_other_unit_keeps_type():
    assert probe(ranges, headers={"Range": "items=0-1"})["plain"] == {"type": "items", "ranges": [[0, 1]]}


# -- ip / ips / protocol / secure / host / hostname / subdomains ------------------------------------

def net(req):
    return {"ip": req.ip, "ips": req.ips, "protocol": req.protocol, "secure": req.secure, "host": req.host,
            "hostname": req.hostname, "subdomains": req.subdomains}


XF = {"X-Forwarded-For": "1.1.1.1, 2.2.2.2", "X-Forwarded-Proto": "https, http",
      "X-Forwarded-Host": "a.b.example.com:8080, other", "Host": "local.test"}

UNTRUSTED = {"ip": "127.0.0.1", "ips": [], "protocol": "http", "secure": False, "host": "local.test",
             "hostname": "local.test", "subdomains": []}


def trusted(ip, ips):
    return {"ip": ip, "ips": ips, "protocol": "https", "secure": True, "host": "a.b.example.com:8080",
            "hostname": "a.b.example.com", "subdomains": ["b", "a"]}


@pytest.mark.parametrize("setting,expected", [
    (None, UNTRUSTED),
    (False, UNTRUSTED),
    (0, UNTRUSTED),
    (True, trusted("1.1.1.1", ["1.1.1.1", "2.2.2.2"])),
    (1, trusted("2.2.2.2", ["2.2.2.2"])),
    (2, trusted("1.1.1.1", ["1.1.1.1", "2.2.2.2"])),
    ("loopback", trusted("2.2.2.2", ["2.2.2.2"])),
    (["loopback", "2.2.2.0/24"], trusted("1.1.1.1", ["1.1.1.1", "2.2.2.2"])),
    ("loopback, 2.2.2.0/24", trusted("1.1.1.1", ["1.1.1.1", "2.2.2.2"])),
])
def test_trust_proxy_settings(setting, expected):
    app = express()
    if setting is not None:
        app.set("trust proxy", setting)
    assert probe(net, headers=XF, app=app) == expected


def test_trust_proxy_callable():
    app = express()
    calls = []

    def trust(addr, i):
        calls.append((addr, i))
        return i < 2

    app.set("trust proxy", trust)
    got = probe(lambda req: [req.ip, req.ips], headers=XF, app=app)
    assert got == ["1.1.1.1", ["1.1.1.1", "2.2.2.2"]]
    assert ("127.0.0.1", 0) in calls and ("2.2.2.2", 1) in calls


def test_trust_proxy_loopback_with_other_peer_is_untrusted():
    app = express()
    app.set("trust proxy", "loopback")
    got = probe(net, headers=XF, app=app, client_addr="10.0.0.1")
    assert got == dict(UNTRUSTED, ip="10.0.0.1")


def test_trust_proxy_cidr_list_stops_at_first_untrusted():
    app = express()
    app.set("trust proxy", ["10.0.0.0/8"])
    got = probe(lambda req: [req.ip, req.ips], headers={"X-Forwarded-For": "3.3.3.3, 4.4.4.4, 10.2.2.2"},
                app=app, client_addr="10.1.1.1")
    assert got == ["4.4.4.4", ["4.4.4.4", "10.2.2.2"]]


def test_untrusted_peer_address_is_used():
    got = probe(lambda req: [req.ip, req.ips], headers={"X-Forwarded-For": "1.1.1.1"}, client_addr="10.9.8.7")
    assert got == ["10.9.8.7", []]


def test_trust_all_with_unparsable_hop():
    app = express()
    app.enable("trust proxy")
    got = probe(lambda req: [req.ip, req.ips], headers={"X-Forwarded-For": "bad, 3.3.3.3"}, app=app)
    assert got == ["bad", ["bad", "3.3.3.3"]]


def test_trust_loopback_chain():
    app = express()
    app.set("trust proxy", "loopback")
    got = probe(lambda req: [req.ip, req.ips], headers={"X-Forwarded-For": "9.9.9.9, 127.0.0.5"}, app=app)
    assert got == ["9.9.9.9", ["9.9.9.9", "127.0.0.5"]]


@pytest.mark.parametrize("peer,setting,xff,expected", [
    ("::1", None, "8.8.8.8", "::1"),
    ("::1", "loopback", "8.8.8.8", "8.8.8.8"),
    ("::ffff:127.0.0.1", None, "8.8.8.8", "::ffff:127.0.0.1"),
    ("::ffff:127.0.0.1", "loopback", "8.8.8.8", "8.8.8.8"),
    ("::ffff:10.1.2.3", "10.0.0.0/8", "8.8.8.8", "8.8.8.8"),
    ("fe80::1", "linklocal", "8.8.8.8", "8.8.8.8"),
    ("192.168.1.5", "uniquelocal", "8.8.8.8", "8.8.8.8"),
    ("192.168.1.5", "linklocal", "8.8.8.8", "192.168.1.5"),
])
def test_ip_with_ipv6_and_named_ranges(peer, setting, xff, expected):
    app = express()
    if setting is not None:
        app.set("trust proxy", setting)
    assert probe(lambda req: req.ip, headers={"X-Forwarded-For": xff}, app=app, client_addr=peer) == expected


def test_ips_empty_without_forwarded_for():
    app = express()
    app.enable("trust proxy")
    assert probe(lambda req: [req.ip, req.ips], app=app) == ["127.0.0.1", []]


def test_protocol_from_tls_socket():
    got = probe(lambda req: [req.protocol, req.secure], ssl=True)
    assert got == ["https", True]


def test_protocol_tls_untrusted_ignores_forwarded_proto():
    got = probe(lambda req: [req.protocol, req.secure], headers={"X-Forwarded-Proto": "http"}, ssl=True)
    assert got == ["https", True]


def test_protocol_trusted_forwarded_proto_over_tls():
    app = express()
    app.enable("trust proxy")
    got = probe(lambda req: [req.protocol, req.secure], headers={"X-Forwarded-Proto": "http"}, ssl=True, app=app)
    assert got == ["http", False]


def test_protocol_trusted_without_forwarded_proto_uses_socket():
    app = express()
    app.enable("trust proxy")
    assert probe(lambda req: req.protocol, app=app) == "http"
    assert probe(lambda req: req.protocol, app=app, ssl=True) == "https"


def test_protocol_forwarded_value_kept_as_sent():
    app = express()
    app.enable("trust proxy")
    got = probe(lambda req: [req.protocol, req.secure], headers={"X-Forwarded-Proto": "HTTPS"}, app=app)
    assert got == ["HTTPS", False]


def test_empty_forwarded_host_falls_back_to_host():
    app = express()
    app.enable("trust proxy")
    got = probe(lambda req: [req.host, req.hostname], headers={"Host": "h", "X-Forwarded-Host": ""}, app=app)
    assert got == ["h", "h"]


@pytest.mark.parametrize("host,expected_host,hostname", [
    ("example.com", "example.com", "example.com"),
    ("example.com:3000", "example.com:3000", "example.com"),
    ("[::1]:3000", "[::1]:3000", "[::1]"),
    ("[::1]", "[::1]", "[::1]"),
    ("1.2.3.4:80", "1.2.3.4:80", "1.2.3.4"),
])
def test_host_and_hostname(host, expected_host, hostname):
    assert probe(lambda req: [req.host, req.hostname], headers={"Host": host}) == [expected_host, hostname]


def test_no_host_header():
    app = express()
    app.get("/", lambda req, res: res.json([req.host, req.hostname, req.subdomains]))
    r = TestClient(app).get("/", http_version="1.0")
    assert r.json() == [None, None, []]


@pytest.mark.parametrize("host,offset,expected", [
    ("tobi.ferrets.example.com", None, ["ferrets", "tobi"]),
    ("tobi.ferrets.example.com:8080", None, ["ferrets", "tobi"]),
    ("tobi.ferrets.example.com", 3, ["tobi"]),
    ("tobi.ferrets.example.com", 0, ["com", "example", "ferrets", "tobi"]),
    ("example.com", None, []),
    ("localhost", None, []),
    ("1.2.3.4", None, []),
    ("1.2.3.4", 0, ["1.2.3.4"]),
    ("[::1]:3000", None, []),
])
def test_subdomains(host, offset, expected):
    app = express()
    if offset is not None:
        app.set("subdomain offset", offset)
    assert probe(lambda req: req.subdomains, headers={"Host": host}, app=app) == expected


@pytest.mark.parametrize("value,expected", [
    ("XMLHttpRequest", True), ("xmlhttprequest", True), ("fetch", False), (None, False),
])
def test_xhr(value, expected):
    assert probe(lambda req: req.xhr, headers={"X-Requested-With": value} if value else None) is expected


# -- fresh / stale --------------------------------------------------------------------------------

def freshness(etag=None, last_modified=None, status=None):
    def fn(req):
        res = req.res
        if etag:
            res.set("ETag", etag)
        if last_modified:
            res.set("Last-Modified", last_modified)
        if status:
            res.status(status)
        return [req.fresh, req.stale]
    return fn


def fresh_probe(fn, headers=None, method="GET"):
    app = express()
    app.all("/", lambda req, res: res.set("X-Fresh", repr(fn(req))).end())
    r = TestClient(app).request(method, "/", headers=headers)
    return r.headers["X-Fresh"]


@pytest.mark.parametrize("kwargs,headers,method,expected", [
    ({"etag": '"abc"'}, {"If-None-Match": '"abc"'}, "GET", [True, False]),
    ({"etag": 'W/"abc"'}, {"If-None-Match": '"abc"'}, "GET", [True, False]),
    ({"etag": '"abc"'}, {"If-None-Match": "*"}, "GET", [True, False]),
    ({"etag": '"abc"'}, {"If-None-Match": '"xyz"'}, "GET", [False, True]),
    ({"etag": '"abc"'}, None, "GET", [False, True]),
    ({"etag": '"abc"'}, {"If-None-Match": '"abc"'}, "POST", [False, True]),
    ({"etag": '"abc"'}, {"If-None-Match": '"abc"'}, "HEAD", [True, False]),
    ({"etag": '"abc"', "status": 404}, {"If-None-Match": '"abc"'}, "GET", [False, True]),
    ({"etag": '"abc"', "status": 304}, {"If-None-Match": '"abc"'}, "GET", [True, False]),
    ({"etag": '"abc"'}, {"If-None-Match": '"abc"', "Cache-Control": "no-cache"}, "GET", [False, True]),
    ({"last_modified": "Mon, 01 Jan 2024 00:00:00 GMT"}, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"},
     "GET", [True, False]),
    ({"last_modified": "Tue, 02 Jan 2024 00:00:00 GMT"}, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"},
     "GET", [False, True]),
    ({}, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}, "GET", [False, True]),
])
def test_fresh_and_stale(kwargs, headers, method, expected):
    assert fresh_probe(freshness(**kwargs), headers, method) == repr(expected)


# -- body -----------------------------------------------------------------------------------------

def test_read_whole_body():
    app = express()

    @app.post("/")
    async def echo(req, res):
        data = await req.read()
        res.json({"type": type(data).__name__, "len": len(data), "text": data.decode()})

    r = TestClient(app).post("/", content=b"hello world")
    assert r.json() == {"type": "bytes", "len": 11, "text": "hello world"}


def test_read_without_body_is_empty():
    app = express()

    @app.get("/")
    async def h(req, res):
        res.json((await req.read()).decode())

    assert TestClient(app).get("/").json() == ""


def test_read_chunked_body():
    app = express()

    @app.post("/")
    async def h(req, res):
        res.send(await req.read())

    r = TestClient(app).post("/", headers={"Transfer-Encoding": "chunked"},
                             content=b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    assert r.content == b"hello world"


def test_read_limit_over_gives_413():
    app = express()
    seen = []

    @app.post("/")
    async def h(req, res):
        await req.read(limit=3)
        res.send("never")

    @app.use
    def on_error(err, req, res, next):
        seen.append((type(err), err.status, err.type))
        next(err)

    r = TestClient(app).post("/", content=b"hello")
    assert (r.status_code, r.reason) == (413, "Payload Too Large")
    assert seen == [(HTTPError, 413, "entity.too.large")]


def test_read_limit_over_with_chunked_body_gives_413():
    app = express()

    @app.post("/")
    async def h(req, res):
        await req.read(limit=3)
        res.send("never")

    r = TestClient(app).post("/", headers={"Transfer-Encoding": "chunked"},
                             content=b"2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n")
    assert r.status_code == 413


def test_read_limit_exact_is_fine():
    app = express()

    @app.post("/")
    async def h(req, res):
        res.send(await req.read(limit=5))

    r = TestClient(app).post("/", content=b"hello")
    assert r.status_code == 200 and r.content == b"hello"


def test_stream_chunks():
    app = express()

    @app.post("/")
    async def h(req, res):
        parts = [chunk async for chunk in req.stream()]
        res.json({"all_bytes": all(isinstance(p, bytes) for p in parts), "body": b"".join(parts).decode()})

    r = TestClient(app).post("/", content=b"x" * 5000)
    assert r.json() == {"all_bytes": True, "body": "x" * 5000}


def test_stream_chunks_as_they_arrive():
    app = express()

    @app.post("/")
    async def h(req, res):
        parts = [chunk async for chunk in req.stream()]
        res.json([p.decode() for p in parts])

    client = TestClient(app)
    head = b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    responses, _ = client.exchange([head, b"3\r\nabc\r\n", b"2\r\nde\r\n", b"0\r\n\r\n"], responses=1)
    assert "".join(responses[0].json()) == "abcde"


def test_reading_twice_raises():
    app = express()
    seen = []

    @app.post("/")
    async def h(req, res):
        first = await req.read()
        try:
            await req.read()
        except RuntimeError:
            seen.append("raised")
        res.send(first)

    r = TestClient(app).post("/", content=b"abc")
    assert r.content == b"abc" and seen == ["raised"]


def test_stream_after_read_raises():
    app = express()
    seen = []

    @app.post("/")
    async def h(req, res):
        await req.read()
        try:
            async for _ in req.stream():
                pass
        except RuntimeError:
            seen.append("raised")
        res.end()

    TestClient(app).post("/", content=b"abc")
    assert seen == ["raised"]


def test_client_going_away_while_reading_raises_client_disconnect():
    import asyncio

    from fastexpress import ClientDisconnect

    app = express()
    seen = []

    @app.post("/")
    async def h(req, res):
        try:
            await req.read()
        except ClientDisconnect as exc:
            seen.append((exc.status, exc.type))
            raise

    client = TestClient(app)
    responses, _ = client.exchange(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc", settle=0.05)
    client.loop.run_until_complete(asyncio.sleep(0.05))
    assert responses == []
    assert seen == [(400, "request.aborted")]


def test_body_is_none_without_parser():
    got = probe(lambda req: [req.body is None, req.body], method="POST", content=b'{"a":1}',
                headers={"Content-Type": "application/json"})
    assert got == [True, None]


def test_unread_body_does_not_break_keep_alive():
    app = express()
    app.post("/", lambda req, res: res.send("ignored body"))
    app.get("/next", lambda req, res: res.send("next"))
    client = TestClient(app)
    raw = (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
           b"GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
    responses, _ = client.exchange(raw, responses=2)
    assert [r.text for r in responses] == ["ignored body", "next"]


# -- misc ---------------------------------------------------------------------------------------

def test_method_and_route():
    app = express()
    app.post("/items/:id", lambda req, res: res.json([req.method, req.route.path, req.params["id"]]))
    assert TestClient(app).post("/items/9").json() == ["POST", "/items/:id", "9"]


def test_req_app_and_res():
    app = express()
    seen = []

    @app.get("/")
    def h(req, res):
        seen.append((req.app is app, req.res is res))
        res.end()

    TestClient(app).get("/")
    assert seen == [(True, True)]


def test_accepts_equal_quality_follows_header_order():
    got = probe(lambda req: [req.accepts("text/html", "application/json"), req.accepts("html", "json")],
                headers={"Accept": "application/json, text/html"})
    assert got == ["application/json", "json"]
