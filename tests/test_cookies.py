"""Cookies: ``res.cookie``, ``res.clear_cookie``, ``cookie_parser`` and the helpers of
``fastexpress.cookies``.

Expected values are what Express 5.3.0 (with cookie 0.7.2, cookie-parser 1.4.7 and
cookie-signature) gives; the Node tests at the end compare against the real packages in
tests/compat/node_modules and are skipped without Node. The wire-level comparison with a
running Express app is the compat suite in tests/compat/cookies.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import random
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import fastexpress
from fastexpress import UNDEFINED, cookies, express
from fastexpress.cookies import (
    clear_cookie, cookie_parser, encode_uri_component, json_cookie, json_cookies, parse, serialize, sign,
    signed_cookie, signed_cookies, unsign, utc_string,
)
from fastexpress.testing import TestClient

NOW = 1_700_000_000_123  # Date.now() during these tests: Tue, 14 Nov 2023 22:13:20.123 GMT
NOW_TEXT = "Tue, 14 Nov 2023 22:13:20 GMT"
EPOCH_TEXT = "Thu, 01 Jan 1970 00:00:00 GMT"
UTC = timezone.utc
COMPAT = Path(__file__).resolve().parent / "compat"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(cookies, "_now_ms", lambda: NOW)


def at(ms_from_now: int) -> str:
    return utc_string(NOW + ms_from_now)


def run(fn, *, parser=None, headers=None):
    """An app whose one route runs ``fn(res)`` (or ``fn(req, res)``) and answers ``ok``, or
    ``ExcName: message`` for what it raised."""
    app = express()
    if parser is not None:
        app.use(parser)

    def handler(req, res):
        try:
            fn(res) if fn.__code__.co_argcount == 1 else fn(req, res)
        except Exception as exc:  # noqa: BLE001 - the point is to see it
            res.status(500).send(f"{type(exc).__name__}: {exc}")
            return
        if not res.headers_sent:
            res.send("ok")

    app.get("/", handler)
    with TestClient(app) as client:
        return client.get("/", headers=headers)


def set_cookies(r):
    return [v for k, v in r.raw_headers if k.lower() == "set-cookie"]


def one_cookie(fn, **kw):
    r = run(fn, **kw)
    assert r.text == "ok", r.text
    lines = set_cookies(r)
    assert len(lines) == 1, lines
    return lines[0]


def error_of(fn, **kw):
    r = run(fn, **kw)
    assert r.status_code == 500 and set_cookies(r) == []
    return r.text


def node_sign(value: str, secret: str) -> str:
    mac = base64.b64encode(hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()).decode()
    return value + "." + mac.rstrip("=")


# -- res.cookie: values ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("tobi", "tobi"),
    ("", ""),
    ("hello world", "hello%20world"),
    ("a;b=c,d", "a%3Bb%3Dc%2Cd"),
    ("-_.!~*'()", "-_.!~*'()"),
    ("+/?#&\"\\", "%2B%2F%3F%23%26%22%5C"),
    ("\u00e9\u2603\U0001F600", "%C3%A9%E2%98%83%F0%9F%98%80"),
    ("\r\n", "%0D%0A"),
    ({"name": "tobi"}, "j%3A%7B%22name%22%3A%22tobi%22%7D"),
    ([1, "two"], "j%3A%5B1%2C%22two%22%5D"),
    ((1, 2), "j%3A%5B1%2C2%5D"),
    ({}, "j%3A%7B%7D"),
    (None, "j%3Anull"),
    ({"s": "\u00e9"}, "j%3A%7B%22s%22%3A%22%C3%A9%22%7D"),
    ({"d": datetime(2024, 1, 1, tzinfo=UTC)}, "j%3A%7B%22d%22%3A%222024-01-01T00%3A00%3A00Z%22%7D"),
    (42, "42"),
    (-7, "-7"),
    (1.5, "1.5"),
    (2.0, "2"),
    (1e21, "1e%2B21"),
    (1e-7, "1e-7"),
    (0.1, "0.1"),
    (math.inf, "Infinity"),
    (math.nan, "NaN"),
    (True, "true"),
    (False, "false"),
    (UNDEFINED, "undefined"),
    (b"bytes \xc3\xa9", "bytes%20%C3%A9"),
])
def test_cookie_values(value, expected):
    assert one_cookie(lambda res: res.cookie("c", value)) == f"c={expected}; Path=/"


def test_cookie_returns_res_and_appends_in_order():
    seen = []

    def fn(res):
        seen.append(res.cookie("a", "1") is res)
        res.cookie("b", "2").clear_cookie("c").status(201)

    r = run(fn)
    assert seen == [True] and r.status_code == 201
    assert set_cookies(r) == ["a=1; Path=/", "b=2; Path=/", f"c=; Path=/; Expires={EPOCH_TEXT}"]


def test_cookie_exact_header_bytes():
    app = express()
    app.get("/", lambda req, res: res.cookie("a", "1").cookie("b", "x y", http_only=True).send("ok"))
    with TestClient(app) as client:
        _, transport = client.exchange(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n", responses=1)
    out = bytes(transport.output)
    assert out.startswith(b"HTTP/1.1 200 OK\r\nX-Powered-By: fastexpress\r\n"
                          b"Set-Cookie: a=1; Path=/\r\nSet-Cookie: b=x%20y; Path=/; HttpOnly\r\n"
                          b"Content-Type: text/html; charset=utf-8\r\n")


def test_cookie_after_existing_set_cookie_headers():
    def fn(res):
        res.append("Set-Cookie", "pre=1")
        res.set("X-Other", "1")
        res.cookie("post", "2")
        res.append("Set-Cookie", ["l1=1", "l2=2"])

    assert set_cookies(run(fn)) == ["pre=1", "post=2; Path=/", "l1=1", "l2=2"]


# -- res.cookie: options ----------------------------------------------------------------------------

@pytest.mark.parametrize("options,expected", [
    ({}, "c=v; Path=/"),
    ({"path": "/admin"}, "c=v; Path=/admin"),
    ({"path": ""}, "c=v"),
    ({"path": None}, "c=v; Path=/"),
    ({"domain": "example.com"}, "c=v; Domain=example.com; Path=/"),
    ({"domain": ".Sub.Example.COM"}, "c=v; Domain=.Sub.Example.COM; Path=/"),
    ({"domain": ""}, "c=v; Path=/"),
    ({"http_only": True}, "c=v; Path=/; HttpOnly"),
    ({"httpOnly": True}, "c=v; Path=/; HttpOnly"),
    ({"http_only": False}, "c=v; Path=/"),
    ({"secure": True}, "c=v; Path=/; Secure"),
    ({"secure": 1}, "c=v; Path=/; Secure"),
    ({"secure": 0}, "c=v; Path=/"),
    ({"partitioned": True}, "c=v; Path=/; Partitioned"),
    ({"priority": "low"}, "c=v; Path=/; Priority=Low"),
    ({"priority": "MEDIUM"}, "c=v; Path=/; Priority=Medium"),
    ({"priority": "High"}, "c=v; Path=/; Priority=High"),
    ({"priority": ""}, "c=v; Path=/"),
    ({"same_site": True}, "c=v; Path=/; SameSite=Strict"),
    ({"same_site": "strict"}, "c=v; Path=/; SameSite=Strict"),
    ({"same_site": "Lax"}, "c=v; Path=/; SameSite=Lax"),
    ({"same_site": "NONE"}, "c=v; Path=/; SameSite=None"),
    ({"sameSite": "lax"}, "c=v; Path=/; SameSite=Lax"),
    ({"same_site": False}, "c=v; Path=/"),
    ({"signed": False}, "c=v; Path=/"),
    ({"unknown_option": 1, "overwrite": True}, "c=v; Path=/"),
    ({"encode": lambda v: v}, "c=v; Path=/"),
    ({"encode": None}, "c=v; Path=/"),
    ({"expires": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)}, "c=v; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT"),
    ({"expires": None}, "c=v; Path=/"),
    ({"expires": False}, "c=v; Path=/"),
    ({"same_site": "lax", "priority": "high", "partitioned": True, "secure": True, "http_only": True,
      "expires": datetime(2030, 1, 2, tzinfo=UTC), "path": "/p", "domain": "example.com", "max_age": 3_600_000},
     f"c=v; Max-Age=3600; Domain=example.com; Path=/p; Expires={at(3_600_000)}; HttpOnly; Secure; Partitioned; "
     "Priority=High; SameSite=Lax"),
])
def test_cookie_options(options, expected):
    assert one_cookie(lambda res: res.cookie("c", "v", **options)) == expected


def test_options_dict_is_not_mutated():
    options = {"max_age": 1000, "path": None}
    one_cookie(lambda res: res.cookie("c", "v", **options))
    assert options == {"max_age": 1000, "path": None}


def test_snake_and_camel_option_names_are_the_same():
    snake = one_cookie(lambda res: res.cookie("c", "v", max_age=5000, http_only=True, same_site="lax"))
    camel = one_cookie(lambda res: res.cookie("c", "v", maxAge=5000, httpOnly=True, sameSite="lax"))
    assert snake == camel == f"c=v; Max-Age=5; Path=/; Expires={at(5000)}; HttpOnly; SameSite=Lax"


# -- max_age and expires ------------------------------------------------------------------------------

@pytest.mark.parametrize("max_age,shown,offset", [
    (1000, "1", 1000),
    (1500.9, "1", 1500),        # Max-Age floored; Expires truncated to whole ms
    (999, "0", 999),
    (0, "0", 0),
    (-5000, "-5", -5000),
    (-1, "-1", -1),
    (86_400_000, "86400", 86_400_000),
    ("60000", "60", 60000),      # JavaScript's maxAge - 0
    (" 2000 ", "2", 2000),
    ("", "0", 0),
    ("1e3", "1", 1000),
    ("0x10", "0", 16),
    (True, "0", 1),
    (timedelta(hours=1), "3600", 3_600_000),   # a Python extension: a duration
    (timedelta(milliseconds=1500), "1", 1500),
])
def test_max_age(max_age, shown, offset):
    assert one_cookie(lambda res: res.cookie("c", "v", max_age=max_age)) == \
        f"c=v; Max-Age={shown}; Path=/; Expires={at(offset)}"


def test_max_age_wins_over_expires():
    got = one_cookie(lambda res: res.cookie("c", "v", max_age=2000, expires=datetime(2030, 1, 2, tzinfo=UTC)))
    assert got == f"c=v; Max-Age=2; Path=/; Expires={at(2000)}"


def test_max_age_none_is_absent():
    assert one_cookie(lambda res: res.cookie("c", "v", max_age=None)) == "c=v; Path=/"


@pytest.mark.parametrize("max_age,message", [
    ("abc", "option maxAge is invalid"),
    ("1d", "option maxAge is invalid"),      # no ms strings in res.cookie, as in Express
    (math.inf, "option maxAge is invalid"),
    (-math.inf, "option maxAge is invalid"),
    (math.nan, "option maxAge is invalid"),
    (1e20, "option expires is invalid"),      # Max-Age is fine, the Date is out of range
    (10**30, "option expires is invalid"),
])
def test_max_age_errors(max_age, message):
    assert error_of(lambda res: res.cookie("c", "v", max_age=max_age)) == "TypeError: " + message


@pytest.mark.parametrize("expires,shown", [
    (datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC), "Wed, 02 Jan 2030 03:04:05 GMT"),
    (datetime(2030, 1, 2, 3, 4, 5, 999999, tzinfo=UTC), "Wed, 02 Jan 2030 03:04:05 GMT"),
    (datetime(2030, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))), "Wed, 02 Jan 2030 03:04:05 GMT"),
    (datetime(2030, 1, 2, 3, 4, 5), "Wed, 02 Jan 2030 03:04:05 GMT"),   # naive: UTC
    (date(2030, 1, 2), "Wed, 02 Jan 2030 00:00:00 GMT"),
    (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
    (1_700_000_000.999, "Tue, 14 Nov 2023 22:13:20 GMT"),
    (0, EPOCH_TEXT),
    (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    (datetime(1, 1, 1, tzinfo=UTC), "Mon, 01 Jan 0001 00:00:00 GMT"),
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "Fri, 31 Dec 9999 23:59:59 GMT"),
    (8_640_000_000_000, "Sat, 13 Sep 275760 00:00:00 GMT"),
    (-8_640_000_000_000, "Tue, 20 Apr -271821 00:00:00 GMT"),
])
def test_expires(expires, shown):
    assert one_cookie(lambda res: res.cookie("c", "v", expires=expires)) == f"c=v; Path=/; Expires={shown}"


@pytest.mark.parametrize("expires", ["tomorrow", True, math.nan, math.inf, 8_640_000_000_001, [1], {"a": 1}])
def test_expires_errors(expires):
    assert error_of(lambda res: res.cookie("c", "v", expires=expires)) == "TypeError: option expires is invalid"


# -- other errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value,options,message", [
    ("bad name", "v", {}, "argument name is invalid"),
    ("", "v", {}, "argument name is invalid"),
    ("a;b", "v", {}, "argument name is invalid"),
    ("n\u00e9", "v", {}, "argument name is invalid"),
    ("c", "has space", {"encode": lambda v: v}, "argument val is invalid"),
    ("c", "a\r\nSet-Cookie: x=1", {"encode": lambda v: v}, "argument val is invalid"),
    ("c", '"unbalanced', {"encode": lambda v: v}, "argument val is invalid"),
    ("c", "v", {"encode": "nope"}, "option encode is invalid"),
    ("c", "v", {"domain": "exa mple.com"}, "option domain is invalid"),
    ("c", "v", {"domain": "example.com."}, "option domain is invalid"),
    ("c", "v", {"domain": "\u212aelvin.com"}, "option domain is invalid"),  # no Unicode case folding
    ("c", "v", {"path": "/a;b"}, "option path is invalid"),
    ("c", "v", {"path": "/\u00e9"}, "option path is invalid"),
    ("c", "v", {"priority": "urgent"}, "option priority is invalid"),
    ("c", "v", {"priority": True}, "option priority is invalid"),
    ("c", "v", {"same_site": "sometimes"}, "option sameSite is invalid"),
    ("c", "v", {"same_site": 1}, "option sameSite is invalid"),
])
def test_serialize_errors_through_res_cookie(name, value, options, message):
    assert error_of(lambda res: res.cookie(name, value, **options)) == "TypeError: " + message


def test_encode_option():
    assert one_cookie(lambda res: res.cookie("c", "a+b/c:d", encode=lambda v: v)) == "c=a+b/c:d; Path=/"
    assert one_cookie(lambda res: res.cookie("c", "abc", encode=str.upper)) == "c=ABC; Path=/"
    assert one_cookie(lambda res: res.cookie("c", '"q"', encode=lambda v: v)) == 'c="q"; Path=/'


def test_lone_surrogate_value():
    assert error_of(lambda res: res.cookie("c", "\ud800")) == "ValueError: URI malformed"


# -- signed cookies -----------------------------------------------------------------------------------

def test_signed_cookie():
    got = one_cookie(lambda res: res.cookie("user", "tobi", signed=True), parser=cookie_parser("s3cret"))
    assert got == "user=s%3Atobi.P7EsAQHpzoSEf0BFOllXwa%2F2xMsd5uceg8nZIFDl%2Fdg; Path=/"
    assert "s:" + node_sign("tobi", "s3cret") == "s:tobi.P7EsAQHpzoSEf0BFOllXwa/2xMsd5uceg8nZIFDl/dg"


def test_signed_json_cookie():
    got = one_cookie(lambda res: res.cookie("user", {"id": 7}, signed=True, max_age=1000),
                     parser=cookie_parser("s3cret"))
    value = encode_uri_component("s:" + node_sign('j:{"id":7}', "s3cret"))
    assert got == f"user={value}; Max-Age=1; Path=/; Expires={at(1000)}"


def test_signed_uses_the_first_secret():
    got = one_cookie(lambda res: res.cookie("u", "v", signed=True), parser=cookie_parser(["one", "two"]))
    assert got == "u=" + encode_uri_component("s:" + node_sign("v", "one")) + "; Path=/"


def test_signed_with_req_secret_set_by_hand():
    def fn(req, res):
        req.secret = b"bytes-secret"
        res.cookie("u", "v", signed=True)

    got = one_cookie(fn)
    assert got == "u=" + encode_uri_component("s:" + node_sign("v", "bytes-secret")) + "; Path=/"


@pytest.mark.parametrize("parser", [None, cookie_parser(), cookie_parser(""), cookie_parser([])])
def test_signed_without_secret_raises(parser):
    text = error_of(lambda res: res.cookie("u", "v", signed=True), parser=parser)
    assert text == 'RuntimeError: cookieParser("secret") required for signed cookies'
    text = error_of(lambda res: res.clear_cookie("u", signed=True), parser=parser)
    assert text == 'RuntimeError: cookieParser("secret") required for signed cookies'


def test_signed_error_comes_before_value_errors():
    text = error_of(lambda res: res.cookie("bad name", "v", signed=True, max_age="x"))
    assert text == 'RuntimeError: cookieParser("secret") required for signed cookies'


# -- clear_cookie -------------------------------------------------------------------------------------

@pytest.mark.parametrize("options,expected", [
    ({}, f"name=; Path=/; Expires={EPOCH_TEXT}"),
    ({"path": "/admin"}, f"name=; Path=/admin; Expires={EPOCH_TEXT}"),
    ({"path": None}, f"name=; Path=/; Expires={EPOCH_TEXT}"),
    ({"path": ""}, f"name=; Expires={EPOCH_TEXT}"),
    ({"domain": "example.com"}, f"name=; Domain=example.com; Path=/; Expires={EPOCH_TEXT}"),
    ({"max_age": 1000}, f"name=; Path=/; Expires={EPOCH_TEXT}"),
    ({"maxAge": 1000}, f"name=; Path=/; Expires={EPOCH_TEXT}"),
    ({"expires": datetime(2030, 1, 1, tzinfo=UTC)}, f"name=; Path=/; Expires={EPOCH_TEXT}"),
    ({"max_age": "bad", "expires": "bad"}, f"name=; Path=/; Expires={EPOCH_TEXT}"),
    ({"http_only": True, "secure": True, "same_site": "none", "partitioned": True, "priority": "high"},
     f"name=; Path=/; Expires={EPOCH_TEXT}; HttpOnly; Secure; Partitioned; Priority=High; SameSite=None"),
])
def test_clear_cookie(options, expected):
    assert one_cookie(lambda res: res.clear_cookie("name", **options)) == expected


def test_clear_cookie_camel_name_and_signed():
    assert one_cookie(lambda res: res.clearCookie("name")) == f"name=; Path=/; Expires={EPOCH_TEXT}"
    got = one_cookie(lambda res: res.clear_cookie("u", signed=True), parser=cookie_parser("s3cret"))
    assert got == "u=" + encode_uri_component("s:" + node_sign("", "s3cret")) + f"; Path=/; Expires={EPOCH_TEXT}"


def test_clear_cookie_function_returns_res():
    seen = []
    run(lambda res: seen.append(clear_cookie(res, "a") is res))
    assert seen == [True]


# -- serialize ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,kwargs,expected", [
    (("foo", "bar"), {}, "foo=bar"),
    (("foo", "bar baz"), {}, "foo=bar%20baz"),
    (("foo", ""), {}, "foo="),
    (("foo", "bar"), {"max_age": 10}, "foo=bar; Max-Age=10"),       # seconds here
    (("foo", "bar"), {"maxAge": 10.9}, "foo=bar; Max-Age=10"),
    (("foo", "bar"), {"max_age": -1.5}, "foo=bar; Max-Age=-2"),
    (("foo", "bar"), {"max_age": "1000"}, "foo=bar; Max-Age=1000"),
    (("foo", "bar"), {"max_age": 1e21}, "foo=bar; Max-Age=1e+21"),
    (("foo", "bar"), {"path": "/"}, "foo=bar; Path=/"),
    (("foo", "bar"), {"expires": 0}, f"foo=bar; Expires={EPOCH_TEXT}"),
    (("foo", "bar", {"httpOnly": True}), {}, "foo=bar; HttpOnly"),
    (("foo", "bar", {"secure": True}), {"secure": False}, "foo=bar"),
    (("foo", "bar"), {"encode": lambda v: "X"}, "foo=X"),
    (("foo", 12), {}, "foo=12"),
])
def test_serialize(args, kwargs, expected):
    assert serialize(*args, **kwargs) == expected


def test_serialize_errors():
    with pytest.raises(TypeError, match="^argument name is invalid$"):
        serialize("a b", "v")
    with pytest.raises(TypeError, match="^option maxAge is invalid$"):
        serialize("a", "v", max_age="x")
    with pytest.raises(TypeError, match="^option expires is invalid$"):
        serialize("a", "v", expires="x")


# -- utc_string (Date.prototype.toUTCString) --------------------------------------------------------

@pytest.mark.parametrize("ms,text", [
    (0, EPOCH_TEXT), (1, EPOCH_TEXT), (999, EPOCH_TEXT), (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    (951_782_400_000, "Tue, 29 Feb 2000 00:00:00 GMT"), (4_107_542_400_000, "Mon, 01 Mar 2100 00:00:00 GMT"),
    (-62_167_219_200_000, "Sat, 01 Jan 0000 00:00:00 GMT"), (-62_198_755_200_000, "Fri, 01 Jan -0001 00:00:00 GMT"),
    (253_402_300_800_000, "Sat, 01 Jan 10000 00:00:00 GMT"),
])
def test_utc_string(ms, text):
    assert utc_string(ms) == text


def test_utc_string_matches_datetime_over_many_days():
    rng = random.Random(7)
    for _ in range(2000):
        ms = rng.randrange(-62_135_596_800_000, 253_402_300_799_000)
        expected = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
        if dt.year < 1000:
            expected = expected.replace(f" {dt.year} ", f" {dt.year:04d} ")
        assert utc_string(ms) == expected


# -- sign / unsign ------------------------------------------------------------------------------------

def test_sign_known_vector():
    # cookie-signature's README example.
    assert sign("hello", "tobiiscool") == "hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI"
    assert sign("hello", b"tobiiscool") == sign("hello", "tobiiscool")
    assert sign("", "k") == node_sign("", "k")
    assert sign("\u00e9\u2603", "s\u00e9cret") == node_sign("\u00e9\u2603", "s\u00e9cret")


@pytest.mark.parametrize("value,secret,expected", [
    ("hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI", "tobiiscool", "hello"),
    ("hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI", "luna", False),
    ("hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QJ", "tobiiscool", False),
    ("hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI=", "tobiiscool", False),
    ("hellO.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI", "tobiiscool", False),
    ("hello", "tobiiscool", False),
    ("", "tobiiscool", False),
    (node_sign("a.b.c", "k"), "k", "a.b.c"),
    (node_sign("", "k"), "k", ""),
    (node_sign("\u00e9", "k"), "k", "\u00e9"),
])
def test_unsign(value, secret, expected):
    assert unsign(value, secret) == expected
    assert unsign(value, secret) is not True


def test_sign_unsign_type_errors():
    with pytest.raises(TypeError, match="^Cookie value must be provided as a string.$"):
        sign(1, "k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Secret key must be provided.$"):
        sign("v", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Signed cookie string must be provided.$"):
        unsign(None, "k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Secret key must be provided.$"):
        unsign("v.x", None)  # type: ignore[arg-type]


# -- parse --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header,expected", [
    ("", {}),
    ("a", {}),
    ("=", {}),
    ("=v", {"": "v"}),
    ("foo=bar", {"foo": "bar"}),
    ("foo=123", {"foo": "123"}),
    ("FOO    = bar;   baz  =   raz", {"FOO": "bar", "baz": "raz"}),
    ("\tfoo\t=\tbar\t", {"foo": "bar"}),
    ('foo="bar=123456789&name=Magic+Mouse"', {"foo": "bar=123456789&name=Magic+Mouse"}),
    ('foo="', {"foo": ""}),
    ('foo=""', {"foo": ""}),
    ('foo=""x""', {"foo": '"x"'}),
    ('foo="bar', {"foo": '"bar'}),
    ("email=%20%22%2c%3b%2f", {"email": ' ",;/'}),
    ("foo=%1;bar=bar", {"foo": "%1", "bar": "bar"}),
    ("foo=%E0%A4%A;bar=%E2%98%83", {"foo": "%E0%A4%A", "bar": "\u2603"}),
    ("foo=%ED%A0%80", {"foo": "%ED%A0%80"}),   # an encoded surrogate: URIError, kept raw
    ("foo=%C0%80", {"foo": "%C0%80"}),         # overlong: kept raw
    ("foo=a+b", {"foo": "a+b"}),
    ("foo=%zzbar; baz=1", {"foo": "%zzbar", "baz": "1"}),
    ("foo=false;bar=bar;foo=true", {"foo": "false", "bar": "bar"}),
    ("foo=;bar=", {"foo": "", "bar": ""}),
    ("foo; bar=1", {"bar": "1"}),
    ("foo=1; bar; baz=2", {"foo": "1", "baz": "2"}),
    ("junk; more junk; a=1; tail", {"a": "1"}),
    ("a=1;;b=2;", {"a": "1", "b": "2"}),
    ("a=b=c", {"a": "b=c"}),
    ("b=1; 10=x; 2=y; a=3; 01=z", {"2": "y", "10": "x", "b": "1", "a": "3", "01": "z"}),
    ("__proto__=1; a=2", {"a": "2"}),
    ("constructor=1; toString=2", {"constructor": "1", "toString": "2"}),
])
def test_parse(header, expected):
    got = parse(header)
    assert got == expected
    assert list(got) == list(expected)  # JavaScript's key order


def test_parse_decode_option():
    assert parse("a=%41; b=c", decode=lambda v: v.upper()) == {"a": "%41", "b": "C"}
    assert parse("a=x; b=y", {"decode": lambda v: 1 / 0 if v == "x" else v + "!"}) == {"a": "x", "b": "y!"}
    assert parse("a=x", decode="not callable") == {"a": "x"}   # tryDecode keeps the raw text
    with pytest.raises(TypeError, match="^argument str must be a string$"):
        parse(None)  # type: ignore[arg-type]


# -- JSON and signed helpers (cookie-parser's exports) ------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ('j:{"a":1}', {"a": 1}),
    ("j:[1,2]", [1, 2]),
    ('j:"s"', "s"),
    ("j:0", 0),
    ("j:null", None),
    ("j:nope", None),
    ("j:NaN", None),
    ("j:Infinity", None),
    ("j:[1,]", None),
    ("j:", None),
    ("plain", None),
    ("J:1", None),
    (42, None),
    (None, None),
])
def test_json_cookie(value, expected):
    assert json_cookie(value) == expected


def test_json_cookie_key_order_is_javascripts():
    assert list(json_cookie('j:{"b":1,"2":2,"a":3,"1":1}')) == ["1", "2", "b", "a"]


def test_json_cookies_leaves_falsy_results():
    obj = {"a": "j:[1]", "b": "j:0", "c": "x", "d": 'j:""', "e": "j:{}", "f": "j:false", "g": "j:null",
           "h": "j:[]", "i": "j:0.0", "k": "j:1"}
    assert json_cookies(obj) is obj
    assert obj == {"a": [1], "b": "j:0", "c": "x", "d": 'j:""', "e": {}, "f": "j:false", "g": "j:null",
                   "h": [], "i": "j:0.0", "k": 1}


def test_signed_cookie_helper():
    good = "s:" + sign("v", "k")
    assert signed_cookie(good, "k") == "v"
    assert signed_cookie(good, ["x", "k"]) == "v"
    assert signed_cookie(good, ("x", "y")) is False
    assert signed_cookie(good, "") is False
    assert signed_cookie(good, None) is False
    assert signed_cookie("plain", "k") == "plain"
    assert signed_cookie(42, "k") is None


def test_signed_cookies_helper_moves_signed_entries():
    obj = {"a": "s:" + sign("v", "k"), "b": "plain", "c": "s:v.bad", "d": "j:[1]"}
    out = signed_cookies(obj, ["x", "k"])
    assert out == {"a": "v", "c": False}
    assert obj == {"b": "plain", "d": "j:[1]"}


def test_helpers_on_the_middleware_and_the_module():
    assert express.cookie_parser is cookie_parser is fastexpress.cookie_parser
    assert express.cookieParser is cookie_parser and fastexpress.cookieParser is cookie_parser
    for name in ("json_cookie", "json_cookies", "signed_cookie", "signed_cookies",
                 "JSONCookie", "JSONCookies", "signedCookie", "signedCookies"):
        assert getattr(cookie_parser, name) is getattr(cookies, name)


# -- cookie_parser middleware -------------------------------------------------------------------------

def echo_app(*parsers):
    app = express()

    def echo(req, res):
        res.json({"cookies": req.cookies, "signed": req.signed_cookies, "camel": req.signedCookies,
                  "secret": req.secret if not isinstance(req.secret, bytes) else req.secret.decode()})

    app.get("/", *parsers, echo)
    return app


def parsed(header, *parsers):
    with TestClient(echo_app(*parsers)) as client:
        r = client.get("/", headers={"Cookie": header} if header is not None else None)
    data = r.json()
    assert data["camel"] == data.pop("signed")
    data["signed"] = data.pop("camel")
    return data


def test_parser_without_cookie_header():
    assert parsed(None, cookie_parser("s")) == {"cookies": {}, "signed": {}, "secret": "s"}
    assert parsed(None, cookie_parser()) == {"cookies": {}, "signed": {}, "secret": None}
    assert parsed("", cookie_parser(["a", "b"])) == {"cookies": {}, "signed": {}, "secret": "a"}


def test_no_parser_leaves_attributes_unset():
    assert parsed("a=1") == {"cookies": None, "signed": None, "secret": None}


def test_parser_plain_json_and_signed():
    obj = encode_uri_component('j:{"x":true}')
    sj = sign('j:{"id":7}', "s3cret")
    header = (f"a=1; j=j:[1,2]; obj={obj}; s=s:{sign('tobi', 's3cret')}; o=s:{sign('tobi', 'old')}; "
              f"t=s:{sign('tobi', 'nope')}; sj=s:{sj}; z=j:0")
    assert parsed(header, cookie_parser(["s3cret", "old"])) == {
        "cookies": {"a": "1", "j": [1, 2], "obj": {"x": True}, "z": "j:0"},
        "signed": {"s": "tobi", "o": "tobi", "t": False, "sj": {"id": 7}},
        "secret": "s3cret",
    }


@pytest.mark.parametrize("value", ["s:tobi", "s:", "s:tobi.", "s:.x", "s:" + sign("tobi", "s3cret") + "x",
                                   "s:" + sign("tobi", "s3cret").replace("tobi", "toby")])
def test_parser_bad_signatures_are_false(value):
    assert parsed(f"u={value}", cookie_parser("s3cret"))["signed"] == {"u": False}


def test_parser_without_secret_keeps_signed_values_as_cookies():
    value = "s:" + sign("tobi", "s3cret")
    assert parsed(f"u={value}", cookie_parser()) == {"cookies": {"u": value}, "signed": {}, "secret": None}


def test_parser_bytes_secret():
    data = parsed("u=s:" + sign("v", b"raw"), cookie_parser(b"raw"))
    assert data == {"cookies": {}, "signed": {"u": "v"}, "secret": "raw"}


def test_parser_decode_option_keyword_and_positional():
    for parser in (cookie_parser("k", decode=str.upper), cookie_parser("k", {"decode": str.upper})):
        assert parsed("a=abc; b=%41", parser)["cookies"] == {"a": "ABC", "b": "%41"}


def test_parser_runs_once():
    data = parsed(f"f=s:{sign('x', 'first')}; s=s:{sign('x', 'second')}",
                  cookie_parser("first"), cookie_parser("second"))
    assert data == {"cookies": {}, "signed": {"f": "x", "s": False}, "secret": "first"}
    assert parsed(None, cookie_parser("first"), cookie_parser("second"))["secret"] == "first"


def test_parser_two_cookie_lines():
    app = echo_app(cookie_parser())
    with TestClient(app) as client:
        r = client.get("/", headers=[("Cookie", "a=1"), ("Cookie", "b=2; a=3")])
    assert r.json()["cookies"] == {"a": "1", "b": "2"}


def test_parser_mounted_in_use_and_async_chain():
    app = express()
    order = []

    async def outer(req, res, next):
        order.append("outer")
        await next()
        order.append("outer done")

    async def handler(req, res):
        order.append("handler")
        res.json(req.cookies)

    app.use(outer)
    app.use(express.cookie_parser("s"))
    app.get("/", handler)
    with TestClient(app) as client:
        r = client.get("/", headers={"Cookie": "a=j:{\"b\":[1]}"})
    assert r.json() == {"a": {"b": [1]}}
    assert order == ["outer", "handler", "outer done"]


def test_round_trip_signed_cookie_through_a_second_request():
    app = express()
    app.use(cookie_parser("s3cret"))
    app.get("/set", lambda req, res: res.cookie("sess", {"uid": 42}, signed=True, http_only=True).send("set"))
    app.get("/get", lambda req, res: res.json({"signed": req.signed_cookies, "cookies": req.cookies}))
    with TestClient(app) as client:
        line = set_cookies(client.get("/set"))[0]
        pair = line.split(";", 1)[0]
        r = client.get("/get", headers={"Cookie": pair})
    assert r.json() == {"signed": {"sess": {"uid": 42}}, "cookies": {}}


# -- against Node's packages ---------------------------------------------------------------------------

def node(script: str, payload=None):
    if shutil.which("node") is None:
        pytest.skip("Node.js not found")
    if not (COMPAT / "node_modules" / "cookie-parser").is_dir():
        pytest.skip("tests/compat/node_modules is missing (npm ci --prefix tests/compat)")
    env = dict(os.environ, NODE_PATH=str(COMPAT / "node_modules"))
    proc = subprocess.run(["node", "-e", script], input=json.dumps(payload), capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


READ_STDIN = "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"


def test_node_signed_cookie_verifies_here():
    values = ["tobi", "", "a.b.c", "J\u00fcrgen \u2603", 'j:{"id":7}', "x" * 300]
    signed = node(READ_STDIN + """
        const s10 = require('cookie-parser/node_modules/cookie-signature');   // cookie-parser's 1.0.6
        const s12 = require('cookie-signature');                              // Express 5.3.0's 1.2.2
        console.log(JSON.stringify(input.map((v) => [s10.sign(v, 's\u00e9cret'), s12.sign(v, 's\u00e9cret')])));
    """, values)
    for value, (with_10, with_12) in zip(values, signed):
        assert with_10 == with_12 == sign(value, "s\u00e9cret")
        assert unsign(with_10, "s\u00e9cret") == value
        assert unsign(with_10, "other") is False
        assert signed_cookie("s:" + with_10, ["other", "s\u00e9cret"]) == value


def test_cookie_signed_here_verifies_in_node():
    values = ["tobi", "", "a.b.c", "J\u00fcrgen \u2603", 'j:{"id":7}']
    signed = [sign(v, "s3cret") for v in values]
    tampered = [s[:-1] + ("A" if s[-1] != "A" else "B") for s in signed]
    out = node(READ_STDIN + """
        const s10 = require('cookie-parser/node_modules/cookie-signature');
        const s12 = require('cookie-signature');
        const cp = require('cookie-parser');
        console.log(JSON.stringify(input.map((v) => [s10.unsign(v, 's3cret'), s12.unsign(v, 's3cret'),
                                                     cp.signedCookie('s:' + v, ['x', 's3cret'])])));
    """, signed + tampered)
    assert out == [[v, v, v] for v in values] + [[False, False, False]] * len(values)


def test_res_cookie_header_parsed_by_node_cookie_parser():
    """What res.cookie sends, read back by Node's cookie-parser (through cookie.parse)."""
    app = express()
    app.use(cookie_parser("s3cret"))

    def handler(req, res):
        res.cookie("plain", "hello world; \u00e9")
        res.cookie("obj", {"a": [1, "\u2603"], "b": None})
        res.cookie("sig", "tobi", signed=True)
        res.cookie("sigobj", {"id": 7}, signed=True)
        res.send("ok")

    app.get("/", handler)
    with TestClient(app) as client:
        lines = set_cookies(client.get("/"))
    header = "; ".join(line.split(";", 1)[0] for line in lines)
    out = node(READ_STDIN + """
        const cookieParser = require('cookie-parser');
        const req = { headers: { cookie: input } };
        cookieParser('s3cret')(req, {}, () => {
          console.log(JSON.stringify({ cookies: req.cookies, signed: req.signedCookies }));
        });
    """, header)
    assert out == {"cookies": {"plain": "hello world; \u00e9", "obj": {"a": [1, "\u2603"], "b": None}},
                   "signed": {"sig": "tobi", "sigobj": {"id": 7}}}


def _random_headers(count: int) -> list[str]:
    rng = random.Random(2024)
    pieces = ["a", "b", "c", "1", "10", "2", "_", "=", "==", ";", "; ", " ", "\t", '"', '""', "%", "%2", "%20", "%zz",
              "%E2%98%83", "%E0%A4%A", "\u00e9", "j:", "j:[1]", 'j:{"b":1,"2":2}', "j:0", "j:null", "j:{}", "j:[",
              "s:", "s:x.y", "s:" + sign("v", "s3cret"), "s:" + sign("j:[1,2]", "old"), "s:" + sign("w", "bad"),
              "__proto__", "constructor", ".", "+"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12))) for _ in range(count)]


def test_parse_and_cookie_parser_match_node_on_random_headers():
    headers = _random_headers(600)
    out = node(READ_STDIN + """
        const cookie = require('cookie');
        const cookieParser = require('cookie-parser');
        const mw = cookieParser(['s3cret', 'old']);
        const rows = input.map((h) => {
          const req = { headers: { cookie: h } };
          mw(req, {}, () => {});
          return [Object.entries(cookie.parse(h)), Object.entries(req.cookies), Object.entries(req.signedCookies)];
        });
        console.log(JSON.stringify(rows));
    """, headers)

    class Req:
        cookies = None
        secret = None
        signed_cookies = None

        def __init__(self, header):
            self.headers = {"cookie": header}

    mw = cookie_parser(["s3cret", "old"])
    for header, (raw, cooked, signed) in zip(headers, out):
        assert [list(item) for item in parse(header).items()] == raw, header
        req = Req(header)
        mw(req, None, lambda: None)
        assert [list(item) for item in req.cookies.items()] == cooked, header
        assert [list(item) for item in req.signed_cookies.items()] == signed, header


def test_encode_uri_component_matches_node():
    rng = random.Random(99)
    alphabet = [chr(c) for c in range(0x20, 0x7f)] + ["\u00e9", "\u2603", "\U0001F600", "\x00", "\n", "\u0100"]
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20))) for _ in range(300)]
    out = node(READ_STDIN + "console.log(JSON.stringify(input.map(encodeURIComponent)));", values)
    assert [encode_uri_component(v) for v in values] == out


def test_serialize_matches_node():
    rows = [
        ["a", "v", {"maxAge": 1.9, "domain": "x.io", "path": "/p", "httpOnly": 1, "secure": "yes",
                    "partitioned": True, "priority": "LOW", "sameSite": "Lax"}],
        ["a", "v", {"maxAge": -0.5}],
        ["a", "v", {"maxAge": "12"}],
        ["a", "v", {"maxAge": 1e21}],
        ["a", "v", {"expires": {"$date": 1}}],
        ["a", "v", {"expires": {"$date": -62198755200000}}],
        ["a", "v", {"expires": {"$date": 8.64e15}}],
        ["a", "v", {"path": ""}],
        ["a", "\"q\"", {"encode": "identity"}],
        ["a", "v", {"maxAge": "x"}],
        ["a", "v", {"expires": {"$date": None}}],
        ["a", "v", {"domain": "a..b"}],
        ["a", "v", {"domain": "-a.com"}],
        ["a", "v", {"sameSite": "lax ", "priority": "high"}],
        ["a b", "v", {}],
    ]
    out = node(READ_STDIN + """
        const cookie = require('cookie');
        console.log(JSON.stringify(input.map(([name, value, opts]) => {
          const o = { ...opts };
          if (o.expires) o.expires = new Date(o.expires.$date === null ? NaN : o.expires.$date);
          if (o.encode === 'identity') o.encode = (v) => v;
          try { return cookie.serialize(name, value, o) } catch (e) { return 'error: ' + e.message }
        })));
    """, rows)

    def ours(name, value, opts):
        opts = dict(opts)
        if "expires" in opts:
            ms = opts["expires"]["$date"]
            opts["expires"] = cookies._JsDate(ms)
        if opts.get("encode") == "identity":
            opts["encode"] = lambda v: v
        try:
            return serialize(name, value, opts)
        except TypeError as exc:
            return f"error: {exc}"

    assert [ours(*row) for row in rows] == out
