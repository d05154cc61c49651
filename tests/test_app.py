"""The application: settings, the final handler (404 and error pages), serving over a real
socket, ``x-powered-by``.

Expected values are what Express 5.3.0 gives (checked against a real Express 5.3.0 app),
apart from the README's deliberate differences (``X-Powered-By: fastexpress``, Python
tracebacks where Express shows ``err.stack``).
"""
from __future__ import annotations

import asyncio
import os

import pytest

from fastexpress import App, HTTPError, express
from fastexpress.testing import TestClient

NODE_HEADERS = {"date", "connection", "keep-alive"}


def app_headers(r):
    return [(k, v) for k, v in r.raw_headers if k.lower() not in NODE_HEADERS]


def page(msg: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
            "</head>\n<body>\n<pre>" + msg + "</pre>\n</body>\n</html>\n")


def page_headers(length, before=()):
    return [("X-Powered-By", "fastexpress"), *before,
            ("Content-Security-Policy", "default-src 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(length))]


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("FASTEXPRESS_ENV", raising=False)
    monkeypatch.delenv("NODE_ENV", raising=False)
    return monkeypatch


def production_app():
    app = express()
    app.set("env", "production")
    return app


# -- settings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [
    ("x-powered-by", True),
    ("etag", "weak"),
    ("query parser", "simple"),
    ("subdomain offset", 2),
    ("trust proxy", False),
    ("jsonp callback name", "callback"),
    ("json spaces", None),
    ("json replacer", None),
    ("json escape", None),
    ("case sensitive routing", None),
    ("strict routing", None),
    ("view engine", None),
])
def test_setting_defaults(clean_env, name, value):
    app = express()
    assert app.get(name) == value
    assert app.set(name) == value


def test_views_default_is_absolute_views_dir(clean_env):
    assert express().get("views") == os.path.abspath("views")


def test_env_default_is_development(clean_env):
    app = express()
    assert app.get("env") == "development"
    assert app.disabled("view cache")


def test_env_from_node_env(clean_env):
    clean_env.setenv("NODE_ENV", "production")
    app = express()
    assert app.get("env") == "production"
    assert app.enabled("view cache")


def test_env_fastexpress_env_wins_over_node_env(clean_env):
    clean_env.setenv("NODE_ENV", "production")
    clean_env.setenv("FASTEXPRESS_ENV", "staging")
    assert express().get("env") == "staging"


def test_env_fastexpress_env_alone(clean_env):
    clean_env.setenv("FASTEXPRESS_ENV", "test")
    assert express().get("env") == "test"


def test_set_and_get():
    app = express()
    assert app.set("title", "My Site") is app
    assert app.get("title") == "My Site"
    assert app.set("title") == "My Site"
    assert app.settings["title"] == "My Site"
    assert app.get("nothing here") is None


def test_enable_disable_enabled_disabled():
    app = express()
    assert app.enable("feature") is app
    assert app.get("feature") is True
    assert app.enabled("feature") and not app.disabled("feature")
    assert app.disable("feature") is app
    assert app.get("feature") is False
    assert app.disabled("feature") and not app.enabled("feature")
    assert app.disabled("never set") and not app.enabled("never set")


def test_enabled_uses_truthiness():
    app = express()
    app.set("n", 0)
    app.set("s", "yes")
    assert app.disabled("n") and app.enabled("s")


@pytest.mark.parametrize("value,message", [
    ("bogus", "unknown value for etag function: bogus"),
    (1, "unknown value for etag function: 1"),
    (None, "unknown value for etag function: null"),
])
def test_etag_unknown_value_raises(value, message):
    app = express()
    with pytest.raises(TypeError) as info:
        app.set("etag", value)
    assert str(info.value) == message


@pytest.mark.parametrize("value", [True, False, "weak", "strong", lambda body, enc: None])
def test_etag_known_values_accepted(value):
    app = express()
    app.set("etag", value)
    assert app.get("etag") is value


def test_settings_is_a_dict():
    app = express()
    app.set("json spaces", 4)
    assert isinstance(app.settings, dict)
    assert app.settings["json spaces"] == 4
    assert app.settings["etag"] == "weak"


def test_locals_dict_and_attributes():
    app = express()
    app.locals["title"] = "Site"
    app.locals.email = "a@b.c"
    assert app.locals.title == "Site" and app.locals["email"] == "a@b.c"
    assert app.locals["settings"] is app.settings


def test_express_returns_new_apps():
    a, b = express(), express()
    assert isinstance(a, App) and a is not b
    a.set("x", 1)
    assert b.get("x") is None


# -- x-powered-by -------------------------------------------------------------------------------

def test_x_powered_by_first_header():
    app = express()
    app.get("/", lambda req, res: res.set("X-A", "1").send("x"))
    assert TestClient(app).get("/").raw_headers[0] == ("X-Powered-By", "fastexpress")


def test_x_powered_by_disable():
    app = express()
    app.disable("x-powered-by")
    app.get("/", lambda req, res: res.send("x"))
    r = TestClient(app).get("/")
    assert "X-Powered-By" not in r.headers
    assert app_headers(r)[0] == ("Content-Type", "text/html; charset=utf-8")


def test_x_powered_by_reenable():
    app = express()
    app.disable("x-powered-by")
    app.enable("x-powered-by")
    app.get("/", lambda req, res: res.send("x"))
    assert TestClient(app).get("/").headers["X-Powered-By"] == "fastexpress"


def test_x_powered_by_on_404_too():
    r = TestClient(express()).get("/none")
    assert r.headers["X-Powered-By"] == "fastexpress"


def test_x_powered_by_can_be_removed_per_response():
    app = express()
    app.get("/", lambda req, res: res.remove_header("X-Powered-By").send("x"))
    assert "X-Powered-By" not in TestClient(app).get("/").headers


# -- final handler: 404 -------------------------------------------------------------------------

def test_404_page_exact():
    r = TestClient(express()).get("/nope/<x>?q=1")
    msg = "Cannot GET /nope/%3Cx%3E"
    assert (r.status_code, r.reason) == (404, "Not Found")
    assert r.text == page(msg)
    assert app_headers(r) == page_headers(127 + len(msg))
    assert r.headers["Content-Length"] == "151"


@pytest.mark.parametrize("method,url,msg", [
    ("GET", "/", "Cannot GET /"),
    ("POST", "/x", "Cannot POST /x"),
    ("PUT", "/a/b/c?x=1&y=2", "Cannot PUT /a/b/c"),
    ("DELETE", "/caf%C3%A9", "Cannot DELETE /caf%C3%A9"),
    ("GET", "/%zz", "Cannot GET /%25zz"),
    ("GET", '/a"b', "Cannot GET /a%22b"),
    ("GET", "/a&b", "Cannot GET /a&amp;b"),
    ("GET", "http://example.com/abs/path?q", "Cannot GET /abs/path"),
    ("PATCH", "/x/", "Cannot PATCH /x/"),
])
def test_404_messages(method, url, msg):
    r = TestClient(express()).request(method, url)
    assert r.status_code == 404
    assert r.text == page(msg)
    assert r.headers["Content-Length"] == str(len(page(msg).encode()))


def test_404_content_length_is_127_plus_message():
    r = TestClient(express()).get("/" + "a" * 50)
    assert int(r.headers["Content-Length"]) == 127 + len("Cannot GET /" + "a" * 50)


def test_404_uses_original_url_inside_mounted_router():
    app = express()
    router = express.Router()
    router.use(lambda req, res, next: next())
    app.use("/api", router)
    r = TestClient(app).get("/api/missing?x")
    assert "<pre>Cannot GET /api/missing</pre>" in r.text


def test_404_keeps_earlier_headers_removes_content_headers():
    app = express()

    @app.use
    def mw(req, res, next):
        res.set("X-Keep", "1")
        res.append("Set-Cookie", "a=1")
        res.vary("Accept")
        res.set("Content-Encoding", "gzip")
        res.set("Content-Language", "en")
        res.set("Content-Range", "bytes 0-1/2")
        res.set("Content-Type", "image/png")
        res.set("Content-Length", "99")
        res.set("Cache-Control", "max-age=5")
        next()

    r = TestClient(app).get("/kept")
    msg = "Cannot GET /kept"
    assert r.text == page(msg)
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("X-Keep", "1"),
        ("Set-Cookie", "a=1"),
        ("Vary", "Accept"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "143"),
        ("Cache-Control", "max-age=5"),
        ("Content-Security-Policy", "default-src 'none'"),
        ("X-Content-Type-Options", "nosniff"),
    ]


def test_404_head_has_no_body():
    r = TestClient(express()).head("/nope")
    assert r.status_code == 404 and r.content == b""
    assert r.headers["Content-Length"] == str(127 + len("Cannot HEAD /nope"))


def test_404_when_middleware_only_calls_next():
    app = express()
    app.use(lambda req, res, next: next())
    assert TestClient(app).get("/x").status_code == 404


def test_404_drains_request_body_and_keeps_connection():
    client = TestClient(express())
    raw = (b"POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
           b"GET /b HTTP/1.1\r\nHost: t\r\n\r\n")
    responses, _ = client.exchange(raw, responses=2)
    assert [r.text for r in responses] == [page("Cannot POST /a"), page("Cannot GET /b")]


# -- final handler: errors ------------------------------------------------------------------------

class Teapot(Exception):
    status = 418
    headers = {"X-Err": "1", "Retry-After": "5"}


def raising(exc):
    def handler(req, res):
        raise exc
    return handler


def test_error_status_and_headers_applied():
    app = production_app()
    app.get("/", raising(Teapot("secret <msg>")))
    r = TestClient(app).get("/")
    assert (r.status_code, r.reason) == (418, "I'm a Teapot")
    assert r.text == page("I&#39;m a Teapot")
    assert app_headers(r) == page_headers(143, before=[("X-Err", "1"), ("Retry-After", "5")])


def test_error_http_error_with_headers():
    app = production_app()
    app.get("/", raising(HTTPError(429, "slow down", headers={"Retry-After": "30"})))
    r = TestClient(app).get("/")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "30"
    assert r.text == page("Too Many Requests")


@pytest.mark.parametrize("attrs,expected", [
    ({"status": 404}, 404),
    ({"status_code": 409}, 409),
    ({"statusCode": 410}, 410),
    ({"status": 700, "statusCode": 429}, 429),
    ({"status": 700, "status_code": 422}, 422),
    ({"status": 400, "statusCode": 503}, 400),
    ({"status": 599}, 599),
    ({"status": 600}, 500),
    ({"status": 399}, 500),
    ({"status": "404"}, 500),
    ({}, 500),
])
def test_error_status_attribute_rules(attrs, expected):
    app = production_app()
    exc = Exception("x")
    for k, v in attrs.items():
        setattr(exc, k, v)
    app.get("/", raising(exc))
    assert TestClient(app).get("/").status_code == expected


def test_error_headers_only_with_valid_status():
    app = production_app()

    def h(req, res):
        res.status(403)
        exc = Exception("x")
        exc.status = 700
        exc.headers = {"X-Err": "1"}
        raise exc

    app.get("/", h)
    r = TestClient(app).get("/")
    assert r.status_code == 403 and "X-Err" not in r.headers
    assert r.text == page("Forbidden")
    assert app_headers(r) == page_headers(136)


def test_error_headers_that_are_no_valid_headers_leave_the_page_without_them():
    # (Express's finalhandler throws from setHeader there, uncaught.) The page is still written,
    # with the headers that were valid, and the connection serves on.
    app = production_app()

    def h(req, res, next):
        exc = HTTPError(400, "bad")
        exc.headers = {"X-Fine": "1", "X-Bad": "a\r\nb"}
        next(exc)

    app.get("/", h)
    app.get("/ok", lambda req, res: res.send("ok"))
    client = TestClient(app)
    r = client.get("/")
    assert r.status_code == 400 and r.text == page("Bad Request")
    assert r.headers.get("X-Fine") == "1" and "X-Bad" not in r.headers
    assert client.get("/ok").text == "ok"


@pytest.mark.parametrize("last", [False, True], ids=["a route", "the stack's last layer"])
def test_an_error_that_cannot_be_shown_gets_the_page_for_that_failure(last: bool):
    # Reading its status raises: the final handler shows that failure (a 500) instead; from the
    # stack's last layer the final handler runs a turn later, where nothing else would catch it.
    class Unshowable(Exception):
        @property
        def status(self):
            raise RuntimeError("no status")

    app = production_app()
    app.get("/ok", lambda req, res: res.send("ok"))

    def failing(req, res, next):
        next(Unshowable("x"))

    if last:
        app.use(failing)
    else:
        app.get("/", failing)
    client = TestClient(app)
    r = client.get("/")
    assert r.status_code == 500 and r.text == page("Internal Server Error")
    assert client.get("/ok").text == "ok"


@pytest.mark.parametrize("preset,expected", [(403, 403), (450, 450), (599, 599), (200, 500), (302, 500), (600, 500)])
def test_error_without_status_uses_response_status(preset, expected):
    app = production_app()

    def h(req, res):
        res.status(preset)
        raise RuntimeError("x")

    app.get("/", h)
    assert TestClient(app).get("/").status_code == expected


def test_error_production_page_exact():
    app = production_app()
    app.get("/", raising(RuntimeError("secret detail")))
    r = TestClient(app).get("/")
    assert (r.status_code, r.reason) == (500, "Internal Server Error")
    assert r.text == page("Internal Server Error")
    assert app_headers(r) == page_headers(148)
    assert "secret" not in r.text


def test_error_production_hides_message_even_if_exposed():
    app = production_app()
    app.get("/", raising(HTTPError(400, "bad <input>", expose=True)))
    r = TestClient(app).get("/")
    assert r.text == page("Bad Request")


def test_error_production_unknown_status_text():
    app = production_app()
    app.get("/", raising(HTTPError(599, "odd")))
    r = TestClient(app).get("/")
    assert (r.status_code, r.reason) == (599, "unknown")
    # finalhandler: statuses.message[599] is undefined and escapeHtml(undefined) is "undefined".
    assert r.text == page("undefined")


def test_error_development_shows_escaped_traceback(clean_env):
    app = express()
    assert app.get("env") == "development"
    app.get("/", raising(ValueError("<b>&'</b>")))
    r = TestClient(app).get("/")
    assert r.status_code == 500
    body = r.text
    assert body.startswith(page("")[: page("").index("<pre>") + 5])
    assert "<pre>Traceback (most recent call last):<br>" in body
    assert "<br> &nbsp;File &quot;" in body
    assert "ValueError: &lt;b&gt;&amp;&#39;&lt;/b&gt;</pre>" in body
    assert "\n" not in body[body.index("<pre>"):body.index("</pre>")]
    assert int(r.headers["Content-Length"]) == len(r.content)


def test_error_development_http_error_message(clean_env):
    app = express()
    app.get("/", raising(HTTPError(404, "no such user")))
    r = TestClient(app).get("/")
    assert r.status_code == 404
    assert "no such user</pre>" in r.text


def test_error_string_in_development(clean_env):
    app = express()
    app.get("/", lambda req, res, next: next("plain <string>"))
    r = TestClient(app).get("/")
    assert r.status_code == 500
    assert r.text == page("plain &lt;string&gt;")


def test_error_head_has_no_body():
    app = production_app()
    app.get("/", raising(Teapot("x")))
    r = TestClient(app).head("/")
    assert r.status_code == 418 and r.content == b""
    assert app_headers(r) == page_headers(143, before=[("X-Err", "1"), ("Retry-After", "5")])


def test_error_keeps_earlier_headers():
    app = production_app()

    def h(req, res):
        res.set("X-Request-Id", "abc")
        res.append("Set-Cookie", "s=1")
        raise RuntimeError("x")

    app.get("/", h)
    r = TestClient(app).get("/")
    assert app_headers(r) == page_headers(148, before=[("X-Request-Id", "abc"), ("Set-Cookie", "s=1")])


def test_error_after_headers_sent_aborts_connection():
    app = express()
    app.set("env", "test")

    @app.get("/")
    def h(req, res):
        res.write("partial")
        raise RuntimeError("too late")

    client = TestClient(app)
    responses, transport = client.exchange(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert responses == []
    assert transport.closed
    assert transport.output.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"0\r\n\r\n" not in transport.output


def test_errors_logged_to_stderr_unless_env_test(capsys):
    app = express()
    app.set("env", "development")
    app.get("/", raising(RuntimeError("logged boom")))
    TestClient(app).get("/")
    assert "logged boom" in capsys.readouterr().err

    app.set("env", "test")
    TestClient(app).get("/")
    assert "logged boom" not in capsys.readouterr().err


def test_error_handler_sees_err_and_can_answer():
    app = express()
    app.get("/", raising(HTTPError(422, "invalid")))
    app.use(lambda err, req, res, next: res.status(err.status).json({"error": str(err), "expose": err.expose}))
    r = TestClient(app).get("/")
    assert (r.status_code, r.json()) == (422, {"error": "invalid", "expose": True})


def test_http_error_defaults():
    err = HTTPError(404)
    assert (err.status, err.status_code, err.statusCode, str(err), err.expose) == (404, 404, 404, "Not Found", True)
    err = HTTPError(503)
    assert err.expose is False and str(err) == "Service Unavailable"


# -- serving over a real socket -------------------------------------------------------------------

def test_start_and_close_over_real_socket():
    app = express()
    app.get("/", lambda req, res: res.send("live"))

    async def main():
        server = await app.start(port=0)
        assert server.port > 0
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        await server.close()
        refused = False
        try:
            _, w = await asyncio.open_connection("127.0.0.1", server.port)
            w.close()
        except OSError:
            refused = True
        return data, refused

    data, refused = asyncio.run(main())
    first, _, second = data.partition(b"HTTP/1.1 404 Not Found\r\n")
    assert first.startswith(b"HTTP/1.1 200 OK\r\nX-Powered-By: fastexpress\r\n")
    assert first.endswith(b"\r\n\r\nlive")
    assert b"Connection: keep-alive\r\n" in first
    assert b"Connection: close\r\n" in second
    assert second.endswith(b"<pre>Cannot GET /missing</pre>\n</body>\n</html>\n")
    assert refused
