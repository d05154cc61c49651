"""Cookies suite of the differential compatibility tests: res.cookie, res.clear_cookie and
cookie_parser on fastexpress. The same app as app.js (keep the two files in step).
Run: FASTEXPRESS_ENV=production python app.py PORT
"""
from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta, timezone

from fastexpress import cookies, express
from fastexpress.cookies import cookie_parser, json_cookie, parse, sign, signed_cookie

port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
app = express()

UTC = timezone.utc


def n(value):
    return value


# Date.now() is frozen in app.js while a cookie is set; the same instant here.
NOW = 1700000000123
cookies._now_ms = lambda: NOW

OPS = {
    "basic": lambda res: res.cookie("name", "tobi"),
    "encoded": lambda res: res.cookie("greeting", "hello world; x=\u00e9 \u2603"),
    "reserved": lambda res: res.cookie("chars", "a-b_c.d!e~f*g'h(i)j+k/l?m#n&o=p,q\"r\\s"),
    "emoji": lambda res: res.cookie("u", "\U0001F600"),
    "object": lambda res: res.cookie("user", {"name": "tobi", "tags": ["a", "b"], "n": 1, "ok": True, "none": None}),
    "array": lambda res: res.cookie("list", [1, "two", {"three": 3}]),
    "null": lambda res: res.cookie("nothing", None),
    "unicode_object": lambda res: res.cookie("u", {"s": "\u00e9\u2603\U0001F600"}),
    "number": lambda res: res.cookie("num", 42),
    "float": lambda res: res.cookie("flt", 1.5),
    "bool": lambda res: res.cookie("flag", False),
    "empty": lambda res: res.cookie("empty", ""),
    "max_age": lambda res: res.cookie("ma", "v", max_age=1000),
    "max_age_camel": lambda res: res.cookie("ma", "v", maxAge=86400000),
    "max_age_fraction": lambda res: res.cookie("ma", "v", max_age=1500.9),
    "max_age_zero": lambda res: res.cookie("ma", "v", max_age=0),
    "max_age_negative": lambda res: res.cookie("ma", "v", max_age=-5000),
    "max_age_string": lambda res: res.cookie("ma", "v", max_age="60000"),
    "max_age_bad": lambda res: res.cookie("ma", "v", max_age="abc"),
    "max_age_infinite": lambda res: res.cookie("ma", "v", max_age=math.inf),
    "max_age_huge": lambda res: res.cookie("ma", "v", max_age=1e20),
    "max_age_over_expires": lambda res: res.cookie("ma", "v", max_age=2000, expires=datetime(2030, 1, 2, tzinfo=UTC)),
    "expires": lambda res: res.cookie("ex", "v", expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)),
    "expires_timestamp": lambda res: res.cookie("ex", "v", expires=1700000000),
    "expires_epoch": lambda res: res.cookie("ex", "v", expires=0),
    "expires_millis": lambda res: res.cookie(
        "ex", "v", expires=datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=1700000000999)),
    "expires_bad": lambda res: res.cookie("ex", "v", expires="tomorrow"),
    "expires_invalid_date": lambda res: res.cookie("ex", "v", expires=math.nan),
    "domain": lambda res: res.cookie("d", "v", domain=".example.com"),
    "domain_bad": lambda res: res.cookie("d", "v", domain="exa mple.com"),
    "path": lambda res: res.cookie("p", "v", path="/admin"),
    "path_empty": lambda res: res.cookie("p", "v", path=""),
    "path_bad": lambda res: res.cookie("p", "v", path="/a;b"),
    "http_only": lambda res: res.cookie("h", "v", http_only=True),
    "secure": lambda res: res.cookie("s", "v", secure=True),
    "partitioned": lambda res: res.cookie("pt", "v", partitioned=True, secure=True),
    "priority_high": lambda res: res.cookie("pr", "v", priority="high"),
    "priority_low": lambda res: res.cookie("pr", "v", priority="LOW"),
    "priority_medium": lambda res: res.cookie("pr", "v", priority="Medium"),
    "priority_bad": lambda res: res.cookie("pr", "v", priority="urgent"),
    "same_site_true": lambda res: res.cookie("ss", "v", same_site=True),
    "same_site_lax": lambda res: res.cookie("ss", "v", same_site="lax"),
    "same_site_none": lambda res: res.cookie("ss", "v", same_site="None", secure=True),
    "same_site_strict": lambda res: res.cookie("ss", "v", sameSite="STRICT"),
    "same_site_false": lambda res: res.cookie("ss", "v", same_site=False),
    "same_site_bad": lambda res: res.cookie("ss", "v", same_site="sometimes"),
    "all": lambda res: res.cookie(
        "all", "v", same_site="lax", priority="high", partitioned=True, secure=True, http_only=True,
        expires=datetime(2030, 1, 2, tzinfo=UTC), path="/p", domain="example.com", max_age=3600000),
    "name_bad": lambda res: res.cookie("bad name", "v"),
    "encode_identity": lambda res: res.cookie("enc", "a+b/c:d", encode=lambda v: v),
    "encode_custom": lambda res: res.cookie("enc", "abc", encode=lambda v: v.upper() + "-"),
    "encode_bad_value": lambda res: res.cookie("enc", "has space", encode=lambda v: v),
    "encode_not_function": lambda res: res.cookie("enc", "v", encode="nope"),
    "multi": lambda res: (res.cookie("a", "1"), res.cookie("b", "2", http_only=True)),
    "append_existing": lambda res: (res.append("Set-Cookie", "pre=1"), res.cookie("post", "2")),
    "set_then_cookie": lambda res: (res.set("Set-Cookie", ["x=1", "y=2"]), res.cookie("z", 3)),
    "chain": lambda res: res.cookie("a", "1").cookie("b", "2").status(201),
    "signed": lambda res: res.cookie("user", "tobi", signed=True),
    "signed_object": lambda res: res.cookie("user", {"id": 7, "roles": ["admin"]}, signed=True),
    "signed_max_age": lambda res: res.cookie("user", "tobi", signed=True, max_age=60000, http_only=True),
    "signed_unicode": lambda res: res.cookie("user", "J\u00fcrgen \u2603", signed=True),
    "signed_false": lambda res: res.cookie("user", "tobi", signed=False),
    "clear": lambda res: res.clear_cookie("name"),
    "clear_path": lambda res: res.clear_cookie("name", path="/admin", domain="example.com"),
    "clear_ignores_max_age": lambda res: res.clear_cookie("name", max_age=1000, expires=datetime(2030, 1, 2, tzinfo=UTC)),
    "clear_options": lambda res: res.clearCookie("name", http_only=True, secure=True, same_site="lax", priority="low"),
    "clear_path_undefined": lambda res: res.clear_cookie("name", path=None),
    "clear_signed": lambda res: res.clear_cookie("user", signed=True),
    "clear_then_set": lambda res: (res.clear_cookie("old"), res.cookie("new", "v", max_age=1000)),
}


def run_op(req, res, next):
    op = OPS.get(req.params["op"])
    if op is None:
        return next()
    try:
        op(res)
    except Exception as err:  # noqa: BLE001 - echoed, as app.js echoes err.message
        return res.status(500).json({"error": str(err)})
    res.send("ok")


def echo(req, res):
    res.json({"cookies": n(req.cookies), "signed": n(req.signed_cookies), "secret": n(req.secret)})


app.get("/set/:op", run_op)
app.get("/sset/:op", cookie_parser("s3cret"), run_op)
app.get("/bset/:op", cookie_parser(["new-secret", "s3cret"]), run_op)

app.get("/p", cookie_parser(["s3cret", "old-secret"]), echo)
app.get("/none", cookie_parser(), echo)
app.get("/str", express.cookie_parser("only"), echo)
app.get("/dec", cookie_parser("s3cret", decode=lambda v: v.upper()), echo)
app.get("/twice", cookie_parser("first"), cookie_parser("second"), echo)
app.get("/raw", echo)


def roundtrip(req, res):
    q = req.query.get("v")
    res.cookie("v", {} if q is None else {"q": q}, signed=True)  # JavaScript drops an undefined q
    header = res.get("Set-Cookie")
    value = parse(header)["v"]
    verified = signed_cookie(value, ["wrong", req.secret])
    res.json({"header": header, "value": value, "verified": verified, "parsed": json_cookie(verified)})


app.get("/roundtrip", cookie_parser("s3cret"), roundtrip)


def helpers(req, res):
    cp = express.cookie_parser
    good = "s:" + sign("v", "k")
    obj = {"a": good, "b": "plain", "c": "s:v.bad", "d": "j:[1]"}
    signed = cp.signedCookies(obj, ["x", "k"])
    res.json({
        "jsonObject": cp.JSONCookie('j:{"a":1}'),
        "jsonBad": cp.JSONCookie("j:nope"),
        "jsonPlain": cp.JSONCookie("plain"),
        "jsonNumber": cp.JSONCookie(42),
        "jsonCookies": cp.JSONCookies({"a": "j:[1]", "b": "j:0", "c": "x", "d": 'j:""', "e": "j:{}"}),
        "signedGood": cp.signedCookie(good, "k"),
        "signedList": cp.signed_cookie(good, ["x", "k"]),
        "signedBad": cp.signed_cookie(good, "x"),
        "signedPlain": cp.signed_cookie("plain", "k"),
        "signedNotString": cp.signed_cookie(42, "k"),
        "signedNoSecret": cp.signed_cookie(good, ""),
        "signedCookies": signed,
        "leftOver": obj,
    })


app.get("/helpers", helpers)

if __name__ == "__main__":
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress ready on {port}", flush=True))
