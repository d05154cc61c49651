"""``cors()``: npm cors 2.8.6, header for header (names, values and order as Express + cors send
them; tests/compat/middleware checks the same against the real thing)."""
from __future__ import annotations

import asyncio
import re

import pytest

from fastexpress import express
from fastexpress.middleware.cors import cors
from fastexpress.testing import TestClient

NODE_HEADERS = {"date", "connection", "keep-alive"}
ORIGIN = {"Origin": "http://client.example"}
PREFLIGHT = {"Origin": "http://client.example", "Access-Control-Request-Method": "PUT",
             "Access-Control-Request-Headers": "X-Custom, Content-Type"}
METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"


def app_headers(r):
    return [(k, v) for k, v in r.raw_headers if k.lower() not in NODE_HEADERS and k != "X-Powered-By"]


def cors_headers(r):
    return [(k, v) for k, v in app_headers(r) if k.startswith("Access-Control") or k == "Vary"]


def hello(req, res):
    res.send("ok")


def make(*args, **options):
    app = express()
    app.use(cors(*args, **options))
    app.all("/", hello)

    @app.use
    def on_error(err, req, res, next):
        res.status(500).send(f"error: {err}")

    return app


def call(app, method="GET", headers=None, url="/"):
    with TestClient(app) as client:
        return client.request(method, url, headers=headers)


# -- simple requests --------------------------------------------------------------------------

def test_default_allows_any_origin():
    r = call(make(), headers=ORIGIN)
    assert r.text == "ok"
    assert app_headers(r)[0] == ("Access-Control-Allow-Origin", "*")
    assert cors_headers(r) == [("Access-Control-Allow-Origin", "*")]


def test_default_without_origin_header():
    assert cors_headers(call(make())) == [("Access-Control-Allow-Origin", "*")]


def test_fixed_origin_adds_vary():
    r = call(make(origin="http://allowed.example"), headers=ORIGIN)
    assert cors_headers(r) == [("Access-Control-Allow-Origin", "http://allowed.example"), ("Vary", "Origin")]


def test_origin_true_reflects():
    r = call(make(origin=True), headers=ORIGIN)
    assert cors_headers(r) == [("Access-Control-Allow-Origin", "http://client.example"), ("Vary", "Origin")]
    assert cors_headers(call(make(origin=True))) == [("Vary", "Origin")]


@pytest.mark.parametrize("origin", [False, None, "", 0])
def test_falsy_origin_disables_cors(origin):
    r = call(make(origin=origin), headers=ORIGIN)
    assert r.text == "ok" and cors_headers(r) == []


@pytest.mark.parametrize("request_origin,allowed", [
    ("http://a.example", True),
    ("http://x.b.example", True),
    ("http://c.example", False),
    ("http://a.example.evil", False),
])
def test_origin_list_of_strings_and_patterns(request_origin, allowed):
    app = make(origin=["http://a.example", re.compile(r"\.b\.example$")])
    r = call(app, headers={"Origin": request_origin})
    expected = [("Access-Control-Allow-Origin", request_origin)] if allowed else []
    assert cors_headers(r) == expected + [("Vary", "Origin")]


def test_origin_regex():
    app = make(origin=re.compile(r"^https://(www\.)?site\.example$"))
    assert cors_headers(call(app, headers={"Origin": "https://site.example"}))[0] == (
        "Access-Control-Allow-Origin", "https://site.example")
    assert cors_headers(call(app, headers={"Origin": "http://site.example"})) == [("Vary", "Origin")]


def test_origin_regex_tests_undefined_without_origin_header():
    # JavaScript's RegExp.test(undefined) tests the string "undefined"; without an Origin the
    # reflected value is undefined and so not set.
    assert cors_headers(call(make(origin=re.compile("undef")))) == [("Vary", "Origin")]


def test_empty_list_is_truthy():
    assert cors_headers(call(make(origin=[]), headers=ORIGIN)) == [("Vary", "Origin")]


def test_origin_function_sync():
    app = make(origin=lambda origin: origin == "http://client.example")
    assert cors_headers(call(app, headers=ORIGIN)) == [
        ("Access-Control-Allow-Origin", "http://client.example"), ("Vary", "Origin")]
    r = call(app, headers={"Origin": "http://other.example"})
    assert r.text == "ok" and cors_headers(r) == []


def test_origin_function_returning_a_value():
    app = make(origin=lambda origin: "http://fixed.example")
    assert cors_headers(call(app, headers=ORIGIN)) == [
        ("Access-Control-Allow-Origin", "http://fixed.example"), ("Vary", "Origin")]
    app = make(origin=lambda origin: ["http://client.example"])
    assert cors_headers(call(app, headers=ORIGIN))[0] == ("Access-Control-Allow-Origin", "http://client.example")


def test_origin_callback_style():
    app = make(origin=lambda origin, cb: cb(None, True))
    assert cors_headers(call(app, headers=ORIGIN))[0] == ("Access-Control-Allow-Origin", "http://client.example")


def test_origin_callback_error_goes_to_error_handler():
    r = call(make(origin=lambda origin, cb: cb(ValueError("refused"))), headers=ORIGIN)
    assert (r.status_code, r.text) == (500, "error: refused")
    assert cors_headers(r) == []


def test_origin_function_raising_goes_to_error_handler():
    def origin(value):
        raise ValueError("boom")

    r = call(make(origin=origin), headers=ORIGIN)
    assert (r.status_code, r.text) == (500, "error: boom")


def test_origin_async_function():
    async def origin(value):
        await asyncio.sleep(0.001)
        return value.endswith(".example")

    r = call(make(origin=origin), headers=ORIGIN)
    assert cors_headers(r)[0] == ("Access-Control-Allow-Origin", "http://client.example")


def test_origin_callback_called_later():
    def origin(value, cb):
        asyncio.get_running_loop().call_later(0.005, cb, None, "http://late.example")

    r = call(make(origin=origin), headers=ORIGIN)
    assert r.text == "ok"
    assert cors_headers(r) == [("Access-Control-Allow-Origin", "http://late.example"), ("Vary", "Origin")]


def test_credentials_and_exposed_headers_on_simple_request():
    app = make(origin="http://a.example", credentials=True, exposed_headers=["X-Total", "X-Page"],
               max_age=600, methods=["GET"], allowed_headers=["X-A"])
    assert cors_headers(call(app, headers=ORIGIN)) == [
        ("Access-Control-Allow-Origin", "http://a.example"),
        ("Vary", "Origin"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "X-Total,X-Page"),
    ]


@pytest.mark.parametrize("value", ["true", 1, "yes"])
def test_credentials_must_be_exactly_true(value):
    assert cors_headers(call(make(credentials=value), headers=ORIGIN)) == [("Access-Control-Allow-Origin", "*")]


def test_non_options_method():
    r = call(make(), method="POST", headers=ORIGIN)
    assert r.text == "ok" and cors_headers(r) == [("Access-Control-Allow-Origin", "*")]


# -- preflight ----------------------------------------------------------------------------------

def test_default_preflight():
    r = call(make(), method="OPTIONS", headers=PREFLIGHT)
    assert (r.status_code, r.reason, r.content) == (204, "No Content", b"")
    assert app_headers(r) == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", METHODS),
        ("Vary", "Access-Control-Request-Headers"),
        ("Access-Control-Allow-Headers", "X-Custom, Content-Type"),
        ("Content-Length", "0"),
    ]


def test_preflight_without_request_headers():
    r = call(make(), method="OPTIONS", headers={"Origin": "http://x.example"})
    assert app_headers(r) == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", METHODS),
        ("Vary", "Access-Control-Request-Headers"),
        ("Content-Length", "0"),
    ]


def test_full_preflight_order():
    app = make(origin="http://full.example", methods=["GET", "PUT"], allowed_headers=["Content-Type", "X-Token"],
               exposed_headers=["X-Total"], credentials=True, max_age=600)
    r = call(app, method="OPTIONS", headers=PREFLIGHT)
    assert r.status_code == 204
    assert app_headers(r) == [
        ("Access-Control-Allow-Origin", "http://full.example"),
        ("Vary", "Origin"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET,PUT"),
        ("Access-Control-Allow-Headers", "Content-Type,X-Token"),
        ("Access-Control-Max-Age", "600"),
        ("Access-Control-Expose-Headers", "X-Total"),
        ("Content-Length", "0"),
    ]


def test_string_options_and_camel_case():
    app = make(methods="GET,POST", allowedHeaders="X-One,X-Two", exposedHeaders="X-E", maxAge="120")
    assert cors_headers(call(app, method="OPTIONS", headers=PREFLIGHT)) == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "GET,POST"),
        ("Access-Control-Allow-Headers", "X-One,X-Two"),
        ("Access-Control-Max-Age", "120"),
        ("Access-Control-Expose-Headers", "X-E"),
    ]


def test_headers_alias():
    r = call(make(headers=["X-Alias"]), method="OPTIONS", headers=PREFLIGHT)
    assert ("Access-Control-Allow-Headers", "X-Alias") in cors_headers(r)
    assert ("Vary", "Access-Control-Request-Headers") not in cors_headers(r)


def test_empty_lists_send_nothing():
    r = call(make(allowed_headers=[], exposed_headers=[]), method="OPTIONS", headers=PREFLIGHT)
    assert cors_headers(r) == [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", METHODS)]


@pytest.mark.parametrize("max_age,expected", [(0, "0"), (600, "600"), (1.5, "1.5"), ("", None), (None, None)])
def test_max_age(max_age, expected):
    r = call(make(max_age=max_age), method="OPTIONS", headers=PREFLIGHT)
    assert dict(cors_headers(r)).get("Access-Control-Max-Age") == expected


def test_options_success_status():
    r = call(make(options_success_status=200), method="OPTIONS", headers=PREFLIGHT)
    assert (r.status_code, r.headers["content-length"], r.content) == (200, "0", b"")
    r = call(make(optionsSuccessStatus=200), method="OPTIONS", headers=PREFLIGHT)
    assert r.status_code == 200


def test_preflight_continue_passes_on():
    app = express()
    app.use(cors(preflight_continue=True))
    app.options("/", lambda req, res: res.status(202).send("handled"))
    r = call(app, method="OPTIONS", headers=PREFLIGHT)
    assert (r.status_code, r.text) == (202, "handled")
    assert cors_headers(r)[0] == ("Access-Control-Allow-Origin", "*")


def test_preflight_continue_reaches_automatic_options():
    app = express()
    app.use(cors(preflightContinue=True))
    app.get("/", hello)
    r = call(app, method="OPTIONS", headers=PREFLIGHT)
    assert (r.status_code, r.text) == (200, "GET, HEAD")
    assert r.headers["allow"] == "GET, HEAD"


def test_route_level_preflight():
    app = express()
    app.options("/item", cors())
    app.delete("/item", cors(), hello)
    assert call(app, method="OPTIONS", headers=PREFLIGHT, url="/item").status_code == 204
    r = call(app, method="DELETE", headers=ORIGIN, url="/item")
    assert r.text == "ok" and r.headers["access-control-allow-origin"] == "*"


def test_vary_is_appended_to_existing():
    app = express()

    @app.use
    def vary(req, res, next):
        res.vary("Accept")
        next()

    app.use(cors(origin="http://v.example"))
    app.get("/", hello)
    assert call(app, headers=ORIGIN).headers["vary"] == "Accept, Origin"


# -- options delegate -----------------------------------------------------------------------------

def test_options_delegate_callback_style():
    def delegate(req, cb):
        if "deny" in req.query:
            return cb(None, {"origin": False})
        cb(None, {"origin": True, "exposedHeaders": ["X-D"]})

    app = make(delegate)
    assert cors_headers(call(app, headers=ORIGIN)) == [
        ("Access-Control-Allow-Origin", "http://client.example"), ("Vary", "Origin"),
        ("Access-Control-Expose-Headers", "X-D")]
    assert cors_headers(call(app, headers=ORIGIN, url="/?deny")) == []


def test_options_delegate_sync_and_async():
    assert cors_headers(call(make(lambda req: {"origin": "http://s.example"}), headers=ORIGIN))[0] == (
        "Access-Control-Allow-Origin", "http://s.example")

    async def delegate(req):
        await asyncio.sleep(0.001)
        return {"origin": lambda origin, cb: cb(None, True), "credentials": True}

    r = call(make(delegate), headers=ORIGIN)
    assert cors_headers(r) == [("Access-Control-Allow-Origin", "http://client.example"), ("Vary", "Origin"),
                               ("Access-Control-Allow-Credentials", "true")]


def test_options_delegate_defaults_apply():
    r = call(make(lambda req: {}), method="OPTIONS", headers=PREFLIGHT)
    assert r.status_code == 204 and r.headers["access-control-allow-methods"] == METHODS


def test_options_delegate_error():
    r = call(make(lambda req, cb: cb(RuntimeError("nope"))), headers=ORIGIN)
    assert (r.status_code, r.text) == (500, "error: nope")


def test_unknown_option_is_refused():
    with pytest.raises(TypeError):
        cors(orgin="*")
    with pytest.raises(TypeError):
        cors(lambda req: {}, origin="*")


def test_dict_options_positional():
    r = call(make({"origin": "http://d.example", "maxAge": 5}), method="OPTIONS", headers=PREFLIGHT)
    assert r.headers["access-control-allow-origin"] == "http://d.example"
    assert r.headers["access-control-max-age"] == "5"


def test_express_cors_is_the_middleware_factory():
    assert express.cors is cors


def test_from_fastexpress_import():
    from fastexpress import cors as lazy

    assert lazy is cors
