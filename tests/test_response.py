"""``res``: every response method except the file, view and cookie ones.

Expected values are what Express 5.3.0 sends (checked against a real Express 5.3.0 app on
Node 20), apart from the deliberate differences listed in the README (``X-Powered-By`` says
``fastexpress``; a float keeps its fraction in JSON).
"""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone

import pytest

from fastexpress import UNDEFINED, HeadersSentError, WriteAfterEndError, express
from fastexpress.testing import TestClient

NODE_HEADERS = {"date", "connection", "keep-alive"}


def app_headers(r):
    """The response's header lines in order, without the ones Node itself appends."""
    return [(k, v) for k, v in r.raw_headers if k.lower() not in NODE_HEADERS]


def one(handler, path="/", method="get"):
    """An app with one route."""
    app = express()
    getattr(app, method)(path, handler)
    return app


def fetch(handler, url="/", *, method="GET", headers=None, route="/", app=None):
    app = app or one(handler, route, "all")
    with TestClient(app) as client:
        return client.request(method, url, headers=headers)


def weak_etag(body: bytes) -> str:
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode()[:27]
    return f'W/"{len(body):x}-{digest}"'


def capture(fn):
    """A handler that runs ``fn(res)`` and sends ``ExcName: message`` for what it raises."""
    def handler(req, res):
        try:
            fn(res)
        except Exception as exc:  # noqa: BLE001 - the point is to see it
            res.send(f"{type(exc).__name__}: {exc}")
            return
        res.send("no error")
    return handler


# -- status ------------------------------------------------------------------------------------

def test_status_sets_code_and_reason():
    r = fetch(lambda req, res: res.status(201).send("made"))
    assert (r.status_code, r.reason, r.text) == (201, "Created", "made")


def test_status_returns_res_for_chaining():
    seen = []

    def h(req, res):
        seen.append(res.status(202) is res)
        res.send("x")

    r = fetch(h)
    assert seen == [True] and r.status_code == 202


@pytest.mark.parametrize("code,reason", [(418, "I'm a Teapot"), (599, "unknown"), (999, "unknown"),
                                          (226, "IM Used"), (451, "Unavailable For Legal Reasons")])
def test_status_reason_phrases_come_from_node(code, reason):
    r = fetch(lambda req, res: res.status(code).send("x"))
    assert r.status_code == code and r.reason == reason


@pytest.mark.parametrize("value,message", [
    ("200", 'Invalid status code: "200". Status code must be an integer.'),
    (200.5, "Invalid status code: 200.5. Status code must be an integer."),
    (None, "Invalid status code: null. Status code must be an integer."),
    (True, "Invalid status code: true. Status code must be an integer."),
])
def test_status_type_error(value, message):
    r = fetch(capture(lambda res: res.status(value)))
    assert r.text == "TypeError: " + message


@pytest.mark.parametrize("value,message", [
    (99, "Invalid status code: 99. Status code must be greater than 99 and less than 1000."),
    (1000, "Invalid status code: 1000. Status code must be greater than 99 and less than 1000."),
    (0, "Invalid status code: 0. Status code must be greater than 99 and less than 1000."),
    (-200, "Invalid status code: -200. Status code must be greater than 99 and less than 1000."),
])
def test_status_range_error_is_value_error(value, message):
    r = fetch(capture(lambda res: res.status(value)))
    assert r.text == "ValueError: " + message


def test_status_accepts_integral_float():
    # README: integral floats are JavaScript numbers too.
    r = fetch(lambda req, res: res.status(201.0).send("x"))
    assert r.status_code == 201


def test_status_error_uncaught_gives_500_page():
    app = express()
    app.set("env", "production")
    app.get("/", lambda req, res: res.status("200").send("x"))
    r = TestClient(app).get("/")
    assert r.status_code == 500
    assert b"<pre>Internal Server Error</pre>" in r.content


# -- send_status ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code,reason,body", [
    (200, "OK", "OK"), (201, "Created", "Created"), (404, "Not Found", "Not Found"),
    (418, "I'm a Teapot", "I'm a Teapot"), (500, "Internal Server Error", "Internal Server Error"),
    (599, "unknown", "599"),
])
def test_send_status(code, reason, body):
    r = fetch(lambda req, res: res.send_status(code))
    assert (r.status_code, r.reason, r.text) == (code, reason, body)
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("ETag", weak_etag(body.encode())),
    ]


def test_send_status_204_keeps_etag_strips_body_headers():
    r = fetch(lambda req, res: res.sendStatus(204))
    assert r.status_code == 204 and r.content == b""
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("ETag", 'W/"a-bAsFyilMr4Ra1hIU5PyoyFRunpI"')]


def test_send_status_205_has_zero_length():
    r = fetch(lambda req, res: res.send_status(205))
    assert r.status_code == 205 and r.content == b""
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "0"),
        ("ETag", 'W/"d-yL62EER5Ke7tFugRpssh46aJ7As"'),
    ]


def test_send_status_camel_case_alias_is_same_function():
    from fastexpress import Response
    assert Response.sendStatus is Response.send_status


# -- send -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body,ctype,content", [
    ("hello", "text/html; charset=utf-8", b"hello"),
    ("<p>é</p>", "text/html; charset=utf-8", "<p>é</p>".encode()),
    ("", "text/html; charset=utf-8", b""),
    (b"abc", "application/octet-stream", b"abc"),
    (bytearray(b"abc"), "application/octet-stream", b"abc"),
    (memoryview(b"abc"), "application/octet-stream", b"abc"),
    ({"a": 1}, "application/json; charset=utf-8", b'{"a":1}'),
    ([1, "a"], "application/json; charset=utf-8", b'[1,"a"]'),
    (201, "application/json; charset=utf-8", b"201"),
    (1.5, "application/json; charset=utf-8", b"1.5"),
    (True, "application/json; charset=utf-8", b"true"),
    (False, "application/json; charset=utf-8", b"false"),
    ({}, "application/json; charset=utf-8", b"{}"),
])
def test_send_body_types(body, ctype, content):
    r = fetch(lambda req, res: res.send(body))
    assert r.status_code == 200
    assert r.content == content
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", ctype),
        ("Content-Length", str(len(content))),
        ("ETag", weak_etag(content)),
    ]


def test_send_number_is_json_not_status():
    r = fetch(lambda req, res: res.send(404))
    assert r.status_code == 200 and r.text == "404"


def test_send_float_keeps_fraction():
    # README: orjson writes 2.0 where JavaScript writes 2.
    r = fetch(lambda req, res: res.send(2.0))
    assert r.text == "2.0"


def test_send_none_is_null_empty_body_without_content_type():
    r = fetch(lambda req, res: res.send(None))
    assert r.content == b""
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Length", "0"),
        ("ETag", 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
    ]


def test_send_none_with_content_type_keeps_it():
    r = fetch(lambda req, res: res.type("text/plain").send(None))
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["Content-Length"] == "0"


def test_send_without_argument_is_undefined():
    r = fetch(lambda req, res: res.send())
    assert r.content == b""
    assert "ETag" not in r.headers and "Content-Type" not in r.headers
    assert r.headers["Content-Length"] == "0"  # Node's bodiless end()


@pytest.mark.parametrize("preset,expected", [
    ("text/plain", "text/plain; charset=utf-8"),
    ("text/plain; foo=bar", "text/plain; foo=bar; charset=utf-8"),
    ("text/plain; charset=iso-8859-1", "text/plain; charset=utf-8"),
    ("image/png", "image/png; charset=utf-8"),
    ("application/xml", "application/xml; charset=utf-8"),
])
def test_send_string_forces_charset_into_preset_type(preset, expected):
    r = fetch(lambda req, res: res.set_header("Content-Type", preset).send("x"))
    assert r.headers["Content-Type"] == expected


def test_send_string_after_set_content_type_with_params():
    r = fetch(lambda req, res: res.set("Content-Type", "text/plain; foo=bar").send("x"))
    assert r.headers["Content-Type"] == "text/plain; foo=bar; charset=utf-8"


def test_send_bytes_keeps_preset_type():
    r = fetch(lambda req, res: res.set_header("Content-Type", "image/png").send(b"\x89PNG"))
    assert r.headers["Content-Type"] == "image/png"
    assert r.content == b"\x89PNG"


def test_send_dict_keeps_preset_type():
    r = fetch(lambda req, res: res.type("text/plain").send({"a": 1}))
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.text == '{"a":1}'


def test_send_with_transfer_encoding_has_no_content_length():
    r = fetch(lambda req, res: res.set("Transfer-Encoding", "chunked").send("hello"))
    assert "Content-Length" not in r.headers
    assert r.headers["Transfer-Encoding"] == "chunked"
    assert r.content == b"hello"


def test_send_headers_in_set_order():
    def h(req, res):
        res.set("X-B", "1")
        res.set("X-A", "2")
        res.send("x")

    r = fetch(h)
    assert [k for k, _ in app_headers(r)] == ["X-Powered-By", "X-B", "X-A", "Content-Type", "Content-Length", "ETag"]


def test_resetting_a_header_keeps_its_position():
    def h(req, res):
        res.set("X-A", "1")
        res.set("X-B", "2")
        res.set("X-A", "3")
        res.end()

    r = fetch(h)
    assert app_headers(r)[1:3] == [("X-A", "3"), ("X-B", "2")]


def test_send_unicode_content_length_is_bytes():
    r = fetch(lambda req, res: res.send("€"))
    assert r.headers["Content-Length"] == "3"
    assert r.content == "€".encode()


def test_send_large_body():
    body = "x" * 100_000
    r = fetch(lambda req, res: res.send(body))
    assert r.headers["Content-Length"] == "100000"
    assert r.headers["ETag"] == weak_etag(body.encode())
    assert r.headers["ETag"].startswith('W/"186a0-')
    assert r.content == body.encode()


# -- ETag ---------------------------------------------------------------------------------------

def test_etag_default_is_weak():
    r = fetch(lambda req, res: res.send("hello"))
    assert r.headers["ETag"] == 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'


@pytest.mark.parametrize("setting,expected", [
    ("weak", 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    (True, 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    ("strong", '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    (False, None),
])
def test_etag_setting(setting, expected):
    app = express()
    app.set("etag", setting)
    app.get("/", lambda req, res: res.send("hello"))
    r = TestClient(app).get("/")
    assert r.headers.get("ETag") == expected


def test_etag_disabled_keeps_content_length():
    app = express()
    app.disable("etag")
    app.get("/", lambda req, res: res.send("hello"))
    r = TestClient(app).get("/")
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", "5")]


def test_etag_callable_setting_receives_bytes():
    calls = []

    def fn(body, encoding):
        calls.append((body, encoding))
        return f'"{len(body)}-custom"'

    app = express()
    app.set("etag", fn)
    app.get("/", lambda req, res: res.send("hello"))
    r = TestClient(app).get("/")
    assert r.headers["ETag"] == '"5-custom"'
    assert calls == [(b"hello", None)]


def test_etag_callable_returning_none_sets_nothing():
    app = express()
    app.set("etag", lambda body, encoding: None)
    app.get("/", lambda req, res: res.send("hello"))
    r = TestClient(app).get("/")
    assert "ETag" not in r.headers


def test_etag_already_set_is_kept():
    r = fetch(lambda req, res: res.set("ETag", '"mine"').send("hello"))
    assert r.headers.get_all("ETag") == ['"mine"']


@pytest.mark.parametrize("status", [201, 404, 500])
def test_etag_at_any_status(status):
    r = fetch(lambda req, res: res.status(status).send("hello"))
    assert r.headers["ETag"] == 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'


def test_etag_for_empty_string():
    r = fetch(lambda req, res: res.send(""))
    assert r.headers["ETag"] == 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'


def test_etag_same_for_str_and_bytes():
    a = fetch(lambda req, res: res.send("hello"))
    b = fetch(lambda req, res: res.send(b"hello"))
    assert a.headers["ETag"] == b.headers["ETag"]


# -- conditional GET (304) -------------------------------------------------------------------

HELLO_ETAG = 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'


@pytest.mark.parametrize("inm", [
    HELLO_ETAG,
    '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"',  # weak comparison: "x" matches W/"x"
    "*",
    f'"other", {HELLO_ETAG}',
    f'"other",{HELLO_ETAG}',
])
def test_if_none_match_gives_304(inm):
    r = fetch(lambda req, res: res.set("X-Keep", "1").send("hello"), headers={"If-None-Match": inm})
    assert r.status_code == 304 and r.reason == "Not Modified"
    assert r.content == b""
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("X-Keep", "1"), ("ETag", HELLO_ETAG)]


@pytest.mark.parametrize("inm", ['"nope"', 'W/"5-other"', ""])
def test_if_none_match_mismatch_gives_200(inm):
    r = fetch(lambda req, res: res.send("hello"), headers={"If-None-Match": inm})
    assert r.status_code == 200 and r.text == "hello"


def test_if_none_match_strong_etag_setting_matches_weak_token():
    app = express()
    app.set("etag", "strong")
    app.get("/", lambda req, res: res.send("hello"))
    r = TestClient(app).get("/", headers={"If-None-Match": HELLO_ETAG})
    assert r.status_code == 304


LM = "Mon, 01 Jan 2024 00:00:00 GMT"


@pytest.mark.parametrize("ims,status", [
    ("Mon, 01 Jan 2024 00:00:00 GMT", 304),
    ("Tue, 02 Jan 2024 00:00:00 GMT", 304),
    ("Sun, 31 Dec 2023 23:59:59 GMT", 200),
])
def test_if_modified_since_with_last_modified(ims, status):
    app = express()
    app.disable("etag")
    app.get("/", lambda req, res: res.set("Last-Modified", LM).send("hello"))
    r = TestClient(app).get("/", headers={"If-Modified-Since": ims})
    assert r.status_code == status


def test_if_modified_since_without_last_modified_is_not_fresh():
    app = express()
    app.disable("etag")
    app.get("/", lambda req, res: res.send("hello"))
    r = TestClient(app).get("/", headers={"If-Modified-Since": "Tue, 02 Jan 2024 00:00:00 GMT"})
    assert r.status_code == 200


def test_if_none_match_star_without_etag_is_fresh():
    app = express()
    app.disable("etag")
    app.get("/", lambda req, res: res.send("hello"))
    client = TestClient(app)
    assert client.get("/", headers={"If-None-Match": "*"}).status_code == 304
    assert client.get("/", headers={"If-None-Match": '"x"'}).status_code == 200


@pytest.mark.parametrize("ims,lm", [("garbage", LM), ("Mon, 01 Jan 2024 00:00:00 GMT", "garbage")])
def test_if_modified_since_invalid_dates_are_not_fresh(ims, lm):
    app = express()
    app.disable("etag")
    app.get("/", lambda req, res: res.set("Last-Modified", lm).send("hello"))
    assert TestClient(app).get("/", headers={"If-Modified-Since": ims}).status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since():
    r = fetch(lambda req, res: res.set("Last-Modified", LM).send("hello"),
              headers={"If-None-Match": '"nope"', "If-Modified-Since": "Tue, 02 Jan 2024 00:00:00 GMT"})
    assert r.status_code == 200


@pytest.mark.parametrize("cc", ["no-cache", "max-age=0, no-cache"])
def test_cache_control_no_cache_disables_304(cc):
    r = fetch(lambda req, res: res.send("hello"), headers={"If-None-Match": HELLO_ETAG, "Cache-Control": cc})
    assert r.status_code == 200 and r.text == "hello"


def test_304_only_for_get_and_head():
    r = fetch(lambda req, res: res.send("hello"), method="POST", headers={"If-None-Match": "*"})
    assert r.status_code == 200
    r = fetch(lambda req, res: res.send("hello"), method="HEAD", headers={"If-None-Match": "*"})
    assert r.status_code == 304


def test_304_not_for_error_status():
    r = fetch(lambda req, res: res.status(404).send("hello"), headers={"If-None-Match": HELLO_ETAG})
    assert r.status_code == 404 and r.text == "hello"


# -- 204 / 304 / 205 stripping --------------------------------------------------------------

def test_status_204_strips_body_headers_keeps_etag():
    r = fetch(lambda req, res: res.status(204).set("X-A", "1").send("abc"))
    assert r.status_code == 204 and r.content == b""
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("X-A", "1"),
                              ("ETag", 'W/"3-qZk+NkcGgWq6PiVxeFDCbJzQ2J0"')]


def test_status_304_strips_body_headers_keeps_etag():
    r = fetch(lambda req, res: res.status(304).set("X-A", "1").send("abc"))
    assert r.status_code == 304 and r.content == b""
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("X-A", "1"),
                              ("ETag", 'W/"3-qZk+NkcGgWq6PiVxeFDCbJzQ2J0"')]


def test_status_205_sends_zero_length():
    r = fetch(lambda req, res: res.status(205).send("abc"))
    assert r.status_code == 205 and r.content == b""
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", "0"), ("ETag", 'W/"3-qZk+NkcGgWq6PiVxeFDCbJzQ2J0"')]


def test_status_204_strips_preset_transfer_encoding():
    r = fetch(lambda req, res: res.set("Transfer-Encoding", "chunked").status(204).send("abc"))
    assert "Transfer-Encoding" not in r.headers and r.content == b""


# -- HEAD ---------------------------------------------------------------------------------------

def test_head_same_headers_no_body():
    app = one(lambda req, res: res.set("X-A", "1").send("hello"))
    client = TestClient(app)
    g = client.get("/")
    h = client.head("/")
    assert h.status_code == 200 and h.content == b""
    assert app_headers(h) == app_headers(g)
    assert h.headers["Content-Length"] == "5"


def test_head_streaming_has_no_body_and_no_framing():
    def h(req, res):
        res.write("a")
        res.end("b")

    app = one(h)
    r = TestClient(app).head("/")
    assert r.content == b""
    assert "Transfer-Encoding" not in r.headers and "Content-Length" not in r.headers


def test_head_end_with_data_has_no_length():
    # Node writes no Content-Length for a HEAD response ended with data but no length set.
    r = TestClient(one(lambda req, res: res.end("hello"))).head("/")
    assert r.content == b"" and "Content-Length" not in r.headers


def test_head_json():
    app = one(lambda req, res: res.json({"a": 1}))
    h = TestClient(app).head("/")
    assert h.content == b""
    assert h.headers["Content-Type"] == "application/json; charset=utf-8"
    assert h.headers["Content-Length"] == "7"


# -- json ---------------------------------------------------------------------------------------

def json_app(settings=None, value=None):
    app = express()
    for k, v in (settings or {}).items():
        app.set(k, v)
    app.get("/", lambda req, res: res.json(value))
    return app


def test_json_object():
    r = TestClient(json_app(value={"name": "café", "n": [1, None, True]})).get("/")
    assert r.content == '{"name":"café","n":[1,null,true]}'.encode()
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(r.content))),
        ("ETag", weak_etag(r.content)),
    ]


@pytest.mark.parametrize("spaces,body", [
    (2, '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ],\n  "c": {}\n}'),
    (4, '{\n    "a": 1,\n    "b": [\n        1,\n        2\n    ],\n    "c": {}\n}'),
    ("\t", '{\n\t"a": 1,\n\t"b": [\n\t\t1,\n\t\t2\n\t],\n\t"c": {}\n}'),
    (0, '{"a":1,"b":[1,2],"c":{}}'),
])
def test_json_spaces(spaces, body):
    r = TestClient(json_app({"json spaces": spaces}, {"a": 1, "b": [1, 2], "c": {}})).get("/")
    assert r.text == body


@pytest.mark.parametrize("spaces,value,body", [
    (12, {"a": 1}, '{\n          "a": 1\n}'),  # JSON.stringify caps the indent at 10
    ("--", {"a": [1]}, '{\n--"a": [\n----1\n--]\n}'),
    ("2", {"a": 1}, '{\n2"a": 1\n}'),
])
def test_json_spaces_unusual_values(spaces, value, body):
    r = TestClient(json_app({"json spaces": spaces}, value)).get("/")
    assert r.text == body


def test_json_spaces_two_matches_express_bytes():
    r = TestClient(json_app({"json spaces": 2}, {"a": 1, "b": [1, 2], "c": {}})).get("/")
    assert r.headers["Content-Length"] == "50"
    assert r.headers["ETag"] == 'W/"32-3ebr/+WPBMEzwZcQ65oWRV50VTc"'


def test_json_replacer_callable():
    def replacer(key, value):
        return UNDEFINED if key == "secret" else value

    r = TestClient(json_app({"json replacer": replacer}, {"a": 1, "secret": 2, "n": {"secret": 3, "b": 4}})).get("/")
    assert r.text == '{"a":1,"n":{"b":4}}'
    assert r.headers["ETag"] == 'W/"13-Djea7bh9JTvjol2QiTw2V/rj3E0"'


def test_json_replacer_list():
    r = TestClient(json_app({"json replacer": ["a", "c"]}, {"a": 1, "b": 2, "c": {"a": 3, "d": 4}})).get("/")
    assert r.text == '{"a":1,"c":{"a":3}}'


def test_json_replacer_sees_root_with_empty_key():
    keys = []

    def replacer(key, value):
        keys.append(key)
        return value

    TestClient(json_app({"json replacer": replacer}, {"x": [5]})).get("/")
    assert keys == ["", "x", "0"]


def test_json_escape():
    r = TestClient(json_app({"json escape": True}, {"h": "<b>&</b>"})).get("/")
    assert r.text == '{"h":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"}'
    assert r.headers["Content-Length"] == "41"


def test_json_without_escape_keeps_html_chars():
    r = TestClient(json_app(value={"h": "<b>&</b>"})).get("/")
    assert r.text == '{"h":"<b>&</b>"}'


def test_json_no_argument_is_undefined():
    app = express()
    app.get("/", lambda req, res: res.json())
    r = TestClient(app).get("/")
    assert r.content == b""
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["Content-Length"] == "0"
    assert "ETag" not in r.headers


def test_json_none_is_null():
    r = TestClient(json_app(value=None)).get("/")
    assert r.text == "null"
    assert r.headers["ETag"] == 'W/"4-K+iMpCQsduglOsYkdIUQZQMtaDM"'


def test_json_keeps_preset_content_type_and_adds_charset():
    app = express()
    app.get("/", lambda req, res: res.type("application/vnd.api+json").json({"a": 1}))
    r = TestClient(app).get("/")
    assert r.headers["Content-Type"] == "application/vnd.api+json; charset=utf-8"
    assert r.text == '{"a":1}'


def test_json_string_value():
    r = TestClient(json_app(value="str")).get("/")
    assert r.text == '"str"' and r.headers["Content-Type"] == "application/json; charset=utf-8"


def test_json_nan_is_null():
    r = TestClient(json_app(value={"x": float("nan"), "y": float("inf")})).get("/")
    assert r.text == '{"x":null,"y":null}'


def test_json_datetime_is_rfc3339():
    # README: orjson writes RFC 3339 where toISOString() writes milliseconds.
    r = TestClient(json_app(value={"t": datetime(2024, 1, 1, tzinfo=timezone.utc)})).get("/")
    assert r.text == '{"t":"2024-01-01T00:00:00Z"}'


def test_json_keeps_status():
    app = express()
    app.get("/", lambda req, res: res.status(201).json({"ok": True}))
    r = TestClient(app).get("/")
    assert r.status_code == 201 and r.json() == {"ok": True}


# -- jsonp --------------------------------------------------------------------------------------

def jsonp_app(value={"a": 1}, settings=None, preset=None):  # noqa: B006
    app = express()
    for k, v in (settings or {}).items():
        app.set(k, v)

    def h(req, res):
        if preset:
            res.type(preset)
        if value is UNDEFINED:
            res.jsonp()
        else:
            res.jsonp(value)

    app.get("/", h)
    return app


def test_jsonp_with_callback():
    r = TestClient(jsonp_app()).get("/?callback=foo")
    assert r.text == "/**/ typeof foo === 'function' && foo({\"a\":1});"
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Type", "text/javascript; charset=utf-8"),
        ("Content-Length", "47"),
        ("ETag", 'W/"2f-wzj6Ot+mImICyp28d36JB0+7jH4"'),
    ]


def test_jsonp_without_callback_is_json_with_nosniff():
    r = TestClient(jsonp_app()).get("/")
    assert r.text == '{"a":1}'
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", "7"),
        ("ETag", 'W/"7-n4nHQM60bXQYySSnisV5QdXpZSA"'),
    ]


def test_jsonp_empty_callback_is_json():
    r = TestClient(jsonp_app()).get("/?callback=")
    assert r.text == '{"a":1}' and r.headers["Content-Type"] == "application/json; charset=utf-8"


def test_jsonp_without_callback_keeps_preset_type_no_nosniff():
    r = TestClient(jsonp_app(preset="text/plain")).get("/")
    assert r.text == '{"a":1}'
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "X-Content-Type-Options" not in r.headers


def test_jsonp_callback_overrides_preset_type_in_place():
    r = TestClient(jsonp_app(preset="text/plain")).get("/?callback=cb")
    assert app_headers(r)[:3] == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", "text/javascript; charset=utf-8"),
        ("X-Content-Type-Options", "nosniff"),
    ]


@pytest.mark.parametrize("query,name", [
    ("callback=foo%3Cscript%3E(x)", "fooscriptx"),
    ("callback=window.$cb[0]_x", "window.$cb[0]_x"),
    ("callback=a&callback=b", "a"),
    ("callback=a-b+c;d", "abcd"),
    ("callback=%C3%A9t%C3%A9", "t"),
])
def test_jsonp_callback_sanitised(query, name):
    r = TestClient(jsonp_app()).get("/?" + query)
    assert r.text == f"/**/ typeof {name} === 'function' && {name}({{\"a\":1}});"


def test_jsonp_callback_empty_after_sanitising():
    r = TestClient(jsonp_app()).get("/?callback=%3C%3E")
    assert r.text == "/**/ typeof  === 'function' && ({\"a\":1});"
    assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"


def test_jsonp_callback_object_is_ignored():
    r = TestClient(jsonp_app(settings={"query parser": "extended"})).get("/?callback[a]=b")
    assert r.text == '{"a":1}'
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_jsonp_callback_name_setting():
    r = TestClient(jsonp_app(settings={"jsonp callback name": "cb"})).get("/?cb=x&callback=y")
    assert r.text == "/**/ typeof x === 'function' && x({\"a\":1});"


def test_jsonp_escapes_line_and_paragraph_separators():
    r = TestClient(jsonp_app(value={"s": "a\u2028b\u2029c"})).get("/?callback=cb")
    assert r.text == "/**/ typeof cb === 'function' && cb({\"s\":\"a\\u2028b\\u2029c\"});"
    assert r.headers["Content-Length"] == "61"


def test_jsonp_without_callback_leaves_separators_raw():
    r = TestClient(jsonp_app(value={"s": "a\u2028b"})).get("/")
    assert r.text == '{"s":"a\u2028b"}'


def test_jsonp_undefined_with_callback():
    r = TestClient(jsonp_app(value=UNDEFINED)).get("/?callback=cb")
    assert r.text == "/**/ typeof cb === 'function' && cb();"
    assert r.headers["ETag"] == 'W/"26-GzBn7lfJEwRCHwk4sWuvBKAg6D8"'


def test_jsonp_undefined_without_callback():
    r = TestClient(jsonp_app(value=UNDEFINED)).get("/")
    assert r.content == b""
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "ETag" not in r.headers


def test_jsonp_string_value():
    r = TestClient(jsonp_app(value="str")).get("/?callback=f")
    assert r.text == "/**/ typeof f === 'function' && f(\"str\");"


def test_jsonp_honours_json_spaces():
    r = TestClient(jsonp_app(value={"a": 1}, settings={"json spaces": 2})).get("/?callback=f")
    assert r.text == "/**/ typeof f === 'function' && f({\n  \"a\": 1\n});"


# -- set / header / get / append ------------------------------------------------------------

def test_set_dict_and_list_values():
    def h(req, res):
        res.set({"X-A": "1", "X-B": ["p", "q"], "X-N": 5}).set("Content-Type", "application/json").end("x")

    r = fetch(h)
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("X-A", "1"), ("X-B", "p"), ("X-B", "q"), ("X-N", "5"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", "1"),
    ]


def test_header_is_alias_of_set():
    r = fetch(lambda req, res: res.header("X-H", "v").end())
    assert r.headers["X-H"] == "v"


@pytest.mark.parametrize("value,expected", [
    ("text/x-foo", "text/x-foo; charset=utf-8"),
    ("image/png", "image/png"),
    ("foo/bar", "foo/bar"),
    ("text/plain; charset=latin1", "text/plain; charset=latin1"),
    ("html", "text/html; charset=utf-8"),
    ("json", "application/json; charset=utf-8"),
    ("application/javascript", "application/javascript; charset=utf-8"),
    ("application/xml", "application/xml"),
    ("application/json", "application/json; charset=utf-8"),
])
def test_set_content_type_charset_rules(value, expected):
    r = fetch(lambda req, res: res.set("Content-Type", value).end())
    assert r.headers["Content-Type"] == expected


def test_set_content_type_list_raises_type_error():
    r = fetch(capture(lambda res: res.set("Content-Type", ["a", "b"])))
    assert r.text == "TypeError: Content-Type cannot be set to an Array"


def test_set_stringifies_values():
    r = fetch(lambda req, res: res.set("X-N", 5).set("X-T", True).set("X-F", 1.0).end())
    assert (r.headers["X-N"], r.headers["X-T"], r.headers["X-F"]) == ("5", "true", "1")


def test_get_is_case_insensitive():
    seen = []

    def h(req, res):
        res.set("X-A", "1")
        res.append("X-M", "a")
        res.append("X-M", "b")
        seen.append((res.get("x-a"), res.get("X-M"), res.get("nope")))
        res.end()

    fetch(h)
    assert seen == [("1", ["a", "b"], None)]


def test_append():
    def h(req, res):
        res.append("X-M", ["a", "b"])
        res.append("X-M", "c")
        res.append("Y", "q")
        res.set("Y", "r")
        res.end()

    r = fetch(h)
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("X-M", "a"), ("X-M", "b"), ("X-M", "c"),
                              ("Y", "r"), ("Content-Length", "0")]


def test_append_set_cookie_lines():
    r = fetch(lambda req, res: res.append("Set-Cookie", "a=1").append("Set-Cookie", "b=2").end())
    assert r.headers.get_all("Set-Cookie") == ["a=1", "b=2"]


def test_set_after_append_replaces_all():
    r = fetch(lambda req, res: res.append("X", "1").append("X", "2").set("X", "3").end())
    assert r.headers.get_all("X") == ["3"]


# -- type / content_type ------------------------------------------------------------------------

@pytest.mark.parametrize("arg,expected", [
    ("html", "text/html; charset=utf-8"),
    (".html", "text/html; charset=utf-8"),
    ("HTML", "text/html; charset=utf-8"),
    ("json", "application/json; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("png", "image/png"),
    ("xml", "application/xml"),
    ("", "application/octet-stream"),
    ("file.tar.gz", "application/gzip"),
    ("bin", "application/octet-stream"),
    ("unknownext", "application/octet-stream"),
    ("text/plain", "text/plain; charset=utf-8"),
    ("image/svg+xml", "image/svg+xml"),
    ("application/vnd.foo+json", "application/vnd.foo+json"),
])
def test_type(arg, expected):
    r = fetch(lambda req, res: res.type(arg).end())
    assert r.headers["Content-Type"] == expected


@pytest.mark.parametrize("alias", ["content_type", "contentType"])
def test_type_aliases(alias):
    r = fetch(lambda req, res: getattr(res, alias)("png").end())
    assert r.headers["Content-Type"] == "image/png"


def test_type_then_send_string():
    r = fetch(lambda req, res: res.type("json").send('{"a":1}'))
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.text == '{"a":1}'


# -- vary ---------------------------------------------------------------------------------------

def test_vary_dedupes_case_insensitively():
    r = fetch(lambda req, res: res.vary("Accept").vary("accept").vary("Accept-Encoding, Origin").vary("origin").end())
    assert r.headers.get_all("Vary") == ["Accept, Accept-Encoding, Origin"]


def test_vary_star_absorbs_everything():
    r = fetch(lambda req, res: res.vary("Accept").vary("*").vary("X").end())
    assert r.headers["Vary"] == "*"


def test_vary_list():
    r = fetch(lambda req, res: res.vary(["A", "B"]).vary([]).end())
    assert r.headers["Vary"] == "A, B"


def test_vary_empty_list_sets_nothing():
    r = fetch(lambda req, res: res.vary([]).end())
    assert "Vary" not in r.headers


def test_vary_appends_to_existing_header():
    r = fetch(lambda req, res: res.set("Vary", "Cookie").vary("Accept").end())
    assert r.headers["Vary"] == "Cookie, Accept"


def test_vary_without_argument_raises():
    r = fetch(capture(lambda res: res.vary()))
    assert r.text == "TypeError: field argument is required"


# -- location -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url,expected", [
    ("/a b", "/a%20b"),
    ("/ü", "/%C3%BC"),
    ("/a%20b", "/a%20b"),
    ("/100%", "/100%25"),
    ("/%zz", "/%25zz"),
    ("/a\\b", "/a\\b"),
    ('/q?x="<>`{}|^[]~', "/q?x=%22%3C%3E%60%7B%7D|^[]~"),
    ("http://ex.com/ä?q=1#f", "http://ex.com/%C3%A4?q=1#f"),
    ("back", "back"),
    ("//evil.com", "//evil.com"),
    ("/a\r\nSet-Cookie: x", "/a%0D%0ASet-Cookie:%20x"),
])
def test_location_encoding(url, expected):
    r = fetch(lambda req, res: res.location(url).end())
    assert r.headers["Location"] == expected


def test_location_returns_res():
    seen = []
    fetch(lambda req, res: (seen.append(res.location("/x") is res), res.end()))
    assert seen == [True]


# -- redirect -----------------------------------------------------------------------------------

def redirect_app(*args):
    app = express()
    app.all("/", lambda req, res: res.redirect(*args))
    return TestClient(app)


def test_redirect_default_302_text_body():
    r = redirect_app("/x").get("/")
    assert (r.status_code, r.reason) == (302, "Found")
    assert r.text == "Found. Redirecting to /x"
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Location", "/x"),
        ("Vary", "Accept"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "24"),
    ]


def test_redirect_with_status():
    r = redirect_app(301, "/x").get("/")
    assert (r.status_code, r.reason) == (301, "Moved Permanently")
    assert r.text == "Moved Permanently. Redirecting to /x"


def test_redirect_html_body():
    r = redirect_app("/x").get("/", headers={"Accept": "text/html"})
    assert r.text == "<!DOCTYPE html><head><title>Found</title></head><body><p>Found. Redirecting to /x</p></body>"
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Location", "/x"),
        ("Vary", "Accept"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "92"),
    ]


def test_redirect_html_escapes_location():
    r = redirect_app('/a<b>&"c').get("/", headers={"Accept": "text/html"})
    assert r.headers["Location"] == "/a%3Cb%3E&%22c"
    assert r.text == ("<!DOCTYPE html><head><title>Found</title></head>"
                      "<body><p>Found. Redirecting to /a%3Cb%3E&amp;%22c</p></body>")


def test_redirect_absolute_url_encoded():
    r = redirect_app(303, "http://example.com/ü").get("/")
    assert r.headers["Location"] == "http://example.com/%C3%BC"
    assert r.text == "See Other. Redirecting to http://example.com/%C3%BC"


def test_redirect_other_accept_has_empty_body_no_type():
    r = redirect_app("/x").get("/", headers={"Accept": "application/json"})
    assert r.content == b""
    assert app_headers(r) == [("X-Powered-By", "fastexpress"), ("Location", "/x"), ("Vary", "Accept"),
                              ("Content-Length", "0")]


@pytest.mark.parametrize("accept", ["*/*", "text/plain, text/html;q=0.9", "text/*"])
def test_redirect_prefers_text(accept):
    r = redirect_app("/x").get("/", headers={"Accept": accept})
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_redirect_head_has_headers_only():
    r = redirect_app("/x").head("/", headers={"Accept": "text/html"})
    assert r.content == b""
    assert r.headers["Content-Length"] == "92"
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"


def test_redirect_appends_to_existing_vary():
    app = express()
    app.get("/", lambda req, res: res.set("Vary", "Origin").redirect("/x"))
    r = TestClient(app).get("/")
    assert app_headers(r)[1:3] == [("Vary", "Origin, Accept"), ("Location", "/x")]


def test_redirect_unknown_status_says_undefined():
    r = redirect_app(399, "/x").get("/")
    assert (r.status_code, r.reason) == (399, "unknown")
    assert r.text == "undefined. Redirecting to /x"


def test_redirect_has_no_etag():
    r = redirect_app("/x").get("/")
    assert "ETag" not in r.headers


def test_redirect_back_is_literal():
    r = redirect_app("back").get("/", headers={"Referer": "/from"})
    assert r.headers["Location"] == "back"


# -- links --------------------------------------------------------------------------------------

def test_links_and_repeated_calls_append():
    r = fetch(lambda req, res: res.links({"next": "http://a/?p=2", "last": "http://a/?p=5"})
              .links({"prev": "http://a/?p=1"}).end())
    assert r.headers["Link"] == ('<http://a/?p=2>; rel="next", <http://a/?p=5>; rel="last", '
                                 '<http://a/?p=1>; rel="prev"')


def test_links_list_value():
    r = fetch(lambda req, res: res.links({"alt": ["http://a/1", "http://a/2"], "next": "/n"}).end())
    assert r.headers["Link"] == '<http://a/1>; rel="alt", <http://a/2>; rel="alt", </n>; rel="next"'


# -- attachment ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,ctype,disposition", [
    (None, None, "attachment"),
    ("report.pdf", "application/pdf", "attachment; filename=report.pdf"),
    ("my file.txt", "text/plain; charset=utf-8", 'attachment; filename="my file.txt"'),
    ("résumé.txt", "text/plain; charset=utf-8",
     "attachment; filename=\"r?sum?.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt"),
    ("€ rates.txt", "text/plain; charset=utf-8",
     "attachment; filename=\"? rates.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"),
    ("/some/dir/data.json", "application/json; charset=utf-8", "attachment; filename=data.json"),
    ("noext", "application/octet-stream", "attachment; filename=noext"),
    ('a"b.html', "text/html; charset=utf-8", 'attachment; filename="a\\"b.html"'),
])
def test_attachment(name, ctype, disposition):
    r = fetch(lambda req, res: (res.attachment() if name is None else res.attachment(name)).end())
    expected = [("X-Powered-By", "fastexpress")]
    if ctype:
        expected.append(("Content-Type", ctype))
    expected += [("Content-Disposition", disposition), ("Content-Length", "0")]
    assert app_headers(r) == expected


# -- format -------------------------------------------------------------------------------------

def format_app():
    app = express()

    def h(req, res):
        res.format({
            "text": lambda: res.send("t"),
            "html": lambda: res.send("<p>h</p>"),
            "json": lambda: res.send({"j": 1}),
        })

    app.get("/", h)
    return TestClient(app)


@pytest.mark.parametrize("accept,ctype,body", [
    (None, "text/plain; charset=utf-8", b"t"),
    ("text/html", "text/html; charset=utf-8", b"<p>h</p>"),
    ("application/json", "application/json; charset=utf-8", b'{"j":1}'),
    ("text/html;q=0.5, application/json;q=0.8, text/plain;q=0.1", "application/json; charset=utf-8", b'{"j":1}'),
    ("*/*", "text/plain; charset=utf-8", b"t"),
    ("text/*", "text/plain; charset=utf-8", b"t"),
])
def test_format_extension_keys(accept, ctype, body):
    r = format_app().get("/", headers={"Accept": accept} if accept else None)
    assert r.status_code == 200 and r.content == body
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Vary", "Accept"),
        ("Content-Type", ctype),
        ("Content-Length", str(len(body))),
        ("ETag", weak_etag(body)),
    ]


@pytest.mark.parametrize("accept,body", [
    ("application/json", b'{"j":1}'),
    ("text/*;q=0.9, */*;q=0.1", b"t"),
])
def test_format_mime_keys(accept, body):
    app = express()
    app.get("/", lambda req, res: res.format({"text/plain": lambda: res.send("t"),
                                              "application/json": lambda: res.send({"j": 1})}))
    r = TestClient(app).get("/", headers={"Accept": accept})
    assert r.content == body


def test_format_key_with_parameters_is_normalised():
    app = express()
    app.get("/", lambda req, res: res.format({"application/vnd.api+json; charset=x": lambda: res.send("v")}))
    r = TestClient(app).get("/", headers={"Accept": "application/*"})
    assert r.headers["Content-Type"] == "application/vnd.api+json; charset=utf-8"


def test_format_default():
    app = express()
    app.get("/", lambda req, res: res.format({"text": lambda: res.send("t"),
                                              "default": lambda: res.status(406).send("dflt")}))
    r = TestClient(app).get("/", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.text == "dflt"
    assert r.headers["Vary"] == "Accept"
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"


def test_format_handler_with_req_res_next():
    app = express()
    seen = []

    def json_handler(req, res, next):
        seen.append(callable(next))
        res.send({"ok": 1})

    app.get("/", lambda req, res: res.format({"json": json_handler}))
    r = TestClient(app).get("/", headers={"Accept": "application/json"})
    assert r.json() == {"ok": 1} and seen == [True]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_format_async_handler():
    import asyncio

    app = express()

    def h(req, res):
        async def as_json():
            await asyncio.sleep(0)
            res.send({"async": True})

        res.format({"json": as_json})

    app.get("/", h)
    with TestClient(app, timeout=1) as client:
        r = client.get("/", headers={"Accept": "application/json"})
    assert r.json() == {"async": True}


def test_format_not_acceptable_page_keeps_vary():
    app = express()
    app.set("env", "production")
    app.get("/", lambda req, res: res.set("X-Keep", "1").format({"text": lambda: res.send("t"),
                                                                  "json": lambda: res.send("j")}))
    r = TestClient(app).get("/", headers={"Accept": "image/png"})
    assert (r.status_code, r.reason) == (406, "Not Acceptable")
    body = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
            '</head>\n<body>\n<pre>Not Acceptable</pre>\n</body>\n</html>\n')
    assert r.text == body
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("X-Keep", "1"),
        ("Vary", "Accept"),
        ("Content-Security-Policy", "default-src 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]


def test_format_406_error_has_types():
    app = express()
    seen = []
    app.get("/", lambda req, res: res.format({"text": lambda: res.send("t"), "json": lambda: res.send("j")}))

    def on_error(err, req, res, next):
        seen.append((err.status, err.types))
        res.status(err.status).send("no")

    app.use(on_error)
    r = TestClient(app).get("/", headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert seen == [(406, ["text/plain", "application/json"])]


# -- locals -------------------------------------------------------------------------------------

def test_locals_per_request():
    app = express()

    @app.use
    def mw(req, res, next):
        if "set" in req.url:
            res.locals["user"] = "ada"
        next()

    app.get("/*any", lambda req, res: res.json(dict(res.locals)))
    client = TestClient(app)
    assert client.get("/set").json() == {"user": "ada"}
    assert client.get("/other").json() == {}


def test_locals_attribute_access():
    seen = []

    def h(req, res):
        res.locals.title = "T"
        seen.append((res.locals["title"], res.locals.title))
        try:
            res.locals.missing
        except AttributeError:
            seen.append("AttributeError")
        res.end()

    fetch(h)
    assert seen == [("T", "T"), "AttributeError"]


def test_res_locals_is_not_app_locals():
    app = express()
    app.locals["site"] = "S"
    app.get("/", lambda req, res: res.json("site" in res.locals))
    assert TestClient(app).get("/").text == "false"


# -- write / end streaming ------------------------------------------------------------------------

def test_write_streams_chunked():
    def h(req, res):
        res.set("Content-Type", "text/plain")
        assert res.write("a") is True
        res.write(b"b")
        res.end("c")

    r = fetch(h)
    assert r.content == b"abc"
    assert "Content-Length" not in r.headers
    assert r.headers["Transfer-Encoding"] == "chunked"
    assert [k for k, _ in r.raw_headers][-1] == "Transfer-Encoding"


def test_write_with_content_length_is_not_chunked():
    def h(req, res):
        res.set("Content-Length", "2")
        res.write("a")
        res.end("b")

    r = fetch(h)
    assert r.content == b"ab" and "Transfer-Encoding" not in r.headers


def test_write_async_with_drain():
    async def h(req, res):
        for i in range(3):
            if not res.write(f"{i};"):
                await res.drain()
        res.end()

    r = fetch(h)
    assert r.content == b"0;1;2;"


def test_end_with_data_sets_length():
    r = fetch(lambda req, res: res.end("hello"))
    assert r.headers["Content-Length"] == "5" and r.content == b"hello"
    assert "Content-Type" not in r.headers and "ETag" not in r.headers


def test_end_twice_is_a_no_op():
    def h(req, res):
        res.end("a")
        res.end("b")

    r = fetch(h)
    assert r.content == b"a"


def test_end_after_send_is_a_no_op():
    seen = []

    def h(req, res):
        res.send("x")
        res.end()
        seen.append("no error")

    r = fetch(h)
    assert r.text == "x" and seen == ["no error"]


def test_write_after_end_raises():
    seen = []

    def h(req, res):
        res.end("x")
        try:
            res.write("y")
        except WriteAfterEndError as exc:
            seen.append(exc.code)

    r = fetch(h)
    assert r.content == b"x"
    assert seen == ["ERR_STREAM_WRITE_AFTER_END"]


def test_second_send_raises_headers_sent_to_error_handler():
    app = express()
    seen = []

    @app.get("/")
    def h(req, res):
        res.send("first")
        res.send("second")

    @app.use
    def on_error(err, req, res, next):
        seen.append((type(err), getattr(err, "code", None), res.headers_sent))

    r = TestClient(app).get("/")
    assert r.text == "first"
    assert seen == [(HeadersSentError, "ERR_HTTP_HEADERS_SENT", True)]


def test_set_after_send_raises():
    seen = []

    def h(req, res):
        res.send("x")
        try:
            res.set("X-Late", "1")
        except HeadersSentError:
            seen.append("raised")

    r = fetch(h)
    assert seen == ["raised"] and "X-Late" not in r.headers


# -- invalid header characters ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"])
def test_invalid_header_value_raises(value):
    r = fetch(capture(lambda res: res.set("X-Bad", value)))
    assert r.text.startswith("ValueError")
    assert "X-Bad" not in r.headers and "X-Injected" not in r.headers


@pytest.mark.parametrize("setter", [
    lambda res: res.append("X-Bad", "a\r\n"),
    lambda res: res.set({"X-Bad": "a\n"}),
    lambda res: res.set("X-Bad", ["ok", "b\r\n"]),
    lambda res: res.set_header("X-Bad", "\0"),
])
def test_invalid_header_value_raises_from_every_setter(setter):
    r = fetch(capture(setter))
    assert r.text.startswith("ValueError")
    assert "X-Bad" not in r.headers


@pytest.mark.parametrize("name", ["Bad Name", "X:Y", "X(Y)", "Ä", "X\r\nY", ""])
def test_invalid_header_name_raises(name):
    r = fetch(capture(lambda res: res.set(name, "v")))
    assert r.text.startswith("ValueError")


# -- properties, aliases, events -----------------------------------------------------------------

def test_headers_sent_property_and_alias():
    seen = []

    def h(req, res):
        seen.append((res.headers_sent, res.headersSent))
        res.send("x")
        seen.append((res.headers_sent, res.headersSent))

    fetch(h)
    assert seen == [(False, False), (True, True)]


def test_status_code_property_read_write():
    seen = []

    def h(req, res):
        seen.append((res.status_code, res.statusCode))
        res.statusCode = 201
        seen.append(res.status_code)
        res.status_code = 202
        seen.append(res.statusCode)
        res.send("x")

    r = fetch(h)
    assert seen == [(200, 200), 201, 202]
    assert r.status_code == 202


def test_res_app_and_req():
    app = express()
    seen = []

    @app.get("/")
    def h(req, res):
        seen.append((res.app is app, res.req is req, req.res is res))
        res.end()

    TestClient(app).get("/")
    assert seen == [(True, True, True)]


def test_methods_chain():
    seen = []

    def h(req, res):
        results = [res.status(201), res.set("X-A", "1"), res.header("X-B", "2"), res.append("X-C", "3"),
                   res.type("json"), res.vary("Accept"), res.location("/x"), res.links({"next": "/n"}),
                   res.attachment()]
        seen.append(all(x is res for x in results))
        res.send("{}")

    r = fetch(h)
    assert seen == [True] and r.status_code == 201


def test_on_finish_and_close():
    events = []

    def h(req, res):
        res.on("finish", lambda: events.append("finish"))
        res.on("close", lambda: events.append("close"))
        events.append("send")
        res.send("x")

    r = fetch(h)
    assert r.text == "x"
    assert events == ["send", "finish", "close"]


def test_on_finish_after_streaming():
    events = []

    async def h(req, res):
        res.on("finish", lambda: events.append(("finish", res.headers_sent)))
        res.write("a")
        events.append("wrote")
        res.end("b")

    fetch(h)
    assert events == ["wrote", ("finish", True)]
