"""``logger()``: morgan 1.12's formats, tokens and options, line for line (times by regex)."""
from __future__ import annotations

import asyncio
import base64
import io
import os
import re
import subprocess
import sys

import pytest

from fastexpress import express
from fastexpress.middleware.logger import FORMATS, TOKENS, basic_auth_user, logger
from fastexpress.testing import TestClient

TIME = r"\d+\.\d{3}"
CLF_DATE = r"\d{2}/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} \+0000"
WEB_DATE = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"


def basic(user_pass: str) -> str:
    return "Basic " + base64.b64encode(user_pass.encode()).decode()


def run(fmt, handler=None, *, url="/", method="GET", headers=None, **options):
    """One request through an app logging with ``fmt``; returns (response, log text)."""
    stream = io.StringIO()
    app = express()
    app.use(logger(fmt, stream=stream, **options))
    app.all("/", handler or (lambda req, res: res.send("hello")))
    with TestClient(app) as client:
        r = client.request(method, url, headers=headers)
    return r, stream.getvalue()


# -- predefined formats ---------------------------------------------------------------------------

def test_tiny():
    _, log = run("tiny", url="/?q=1")
    assert re.fullmatch(rf"GET /\?q=1 200 5 - {TIME} ms\n", log)


def test_short():
    _, log = run("short", headers={"Authorization": basic("bob:secret")})
    assert re.fullmatch(rf"127\.0\.0\.1 bob GET / HTTP/1\.1 200 5 - {TIME} ms\n", log)


def test_common():
    _, log = run("common")
    assert re.fullmatch(rf'127\.0\.0\.1 - - \[{CLF_DATE}\] "GET / HTTP/1\.1" 200 5\n', log)


def test_combined():
    _, log = run("combined", url="/?x=1", headers={"User-Agent": 'UA "quoted" \\ back', "Referer": "http://r.example/"})
    assert re.fullmatch(rf'127\.0\.0\.1 - - \[{CLF_DATE}\] "GET /\?x=1 HTTP/1\.1" 200 5 "http://r\.example/" '
                        r'"UA \\"quoted\\" \\\\ back"' + "\n", log)


def test_default_format_uses_web_date():
    _, log = run("default")
    assert re.fullmatch(rf'127\.0\.0\.1 - - \[{WEB_DATE}\] "GET / HTTP/1\.1" 200 5 "-" "-"\n', log)


@pytest.mark.parametrize("status,color", [(200, 32), (204, 32), (302, 36), (404, 33), (500, 31)])
def test_dev_colors_by_status(status, color):
    def handler(req, res):
        if status == 302:
            return res.redirect("/x")
        res.status(status).send("body" if status != 204 else None)

    r, log = run("dev", handler)
    length = r.headers.get("content-length") or "-"
    pattern = (re.escape("\x1b[0mGET / \x1b[%dm%d\x1b[0m " % (color, status)) + TIME
               + re.escape(" ms - %s\x1b[0m" % length) + "\n")
    assert re.fullmatch(pattern, log), repr(log)


def test_dev_without_a_status_has_no_color():
    _, log = run("dev", immediate=True)
    assert log == "\x1b[0mGET / \x1b[0m-\x1b[0m - ms - -\x1b[0m\n"


def test_dev_is_the_default_format():
    stream = io.StringIO()
    app = express()
    app.use(logger(stream=stream))
    app.get("/", lambda req, res: res.send("hi"))
    with TestClient(app) as client:
        client.get("/")
    assert stream.getvalue().startswith("\x1b[0mGET / \x1b[32m200\x1b[0m ")


def test_dev_without_color_when_no_color_is_set():
    code = (
        "import io; from fastexpress import express; from fastexpress.testing import TestClient\n"
        "from fastexpress.middleware.logger import logger\n"
        "s = io.StringIO(); app = express(); app.use(logger('dev', stream=s))\n"
        "app.get('/', lambda req, res: res.send('hi'))\n"
        "TestClient(app).get('/'); print(repr(s.getvalue()))\n"
    )
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert re.fullmatch(rf"'GET / 200 {TIME} ms - 2\\n'\n", out), out


# -- tokens -------------------------------------------------------------------------------------

def test_header_and_misc_tokens():
    def handler(req, res):
        res.set("X-Out", ["a", "b"]).type("txt").send("hello")

    _, log = run(":method :url :status :req[x-in] :req[missing] :res[x-out] :res[content-type] :http-version "
                 ":pid :remote-addr :referrer :user-agent", handler, method="POST", url="/?a=b",
                 headers={"X-In": "in", "Referer": "http://ref/", "User-Agent": "ua/1"})
    assert log == (f"POST /?a=b 200 in - a, b text/plain; charset=utf-8 1.1 {os.getpid()} 127.0.0.1 "
                   "http://ref/ ua/1\n")


def test_dates():
    _, log = run(":date[clf]|:date[iso]|:date[web]|:date|:date[other]")
    clf, iso, web, default, other = log.rstrip("\n").split("|")
    assert re.fullmatch(CLF_DATE, clf)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", iso)
    assert re.fullmatch(WEB_DATE, web) and re.fullmatch(WEB_DATE, default)
    assert other == "-"


def test_time_digits():
    _, log = run(":response-time[0] :response-time[1] :total-time[2] :total-time")
    assert re.fullmatch(r"\d+ \d+\.\d \d+\.\d{2} \d+\.\d{3}\n", log)


def test_response_time_runs_until_the_last_byte():
    async def handler(req, res):
        res.type("txt")
        res.write("first")
        await asyncio.sleep(0.05)
        res.end("last")

    _, log = run(":response-time :total-time", handler)
    response_time, total_time = map(float, log.split())
    assert 45 <= response_time <= total_time


def test_logger_keeps_the_response_unwrapped():
    """No hook on res.write/res.end: file responses keep their zero-copy path."""
    seen = []
    stream = io.StringIO()
    app = express()
    app.use(logger("tiny", stream=stream))

    @app.get("/")
    def handler(req, res):
        seen.append(sorted(k for k in vars(res) if k in ("write", "end", "_end")))
        res.send("x")

    with TestClient(app) as client:
        client.get("/")
    assert seen == [[]]


def test_response_time_counts_from_the_first_byte_of_the_request():
    """A pipelined request waits for the one before it: its time includes the wait."""
    stream = io.StringIO()
    app = express()
    app.use(logger(":url :response-time", stream=stream))

    @app.get("/slow")
    async def slow(req, res):
        await asyncio.sleep(0.05)
        res.send("slow")

    app.get("/fast", lambda req, res: res.send("fast"))
    raw = b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\n\r\n"
    with TestClient(app) as client:
        responses, _ = client.exchange(raw, responses=2)
    assert [r.text for r in responses] == ["slow", "fast"]
    lines = dict(line.split() for line in stream.getvalue().splitlines())
    assert float(lines["/slow"]) >= 45
    assert float(lines["/fast"]) >= 45


def test_remote_user():
    assert basic_auth_user(basic("bob:pw")) == "bob"
    assert basic_auth_user(basic("bob:")) == "bob"
    assert basic_auth_user(basic(":pw")) == ""
    assert basic_auth_user(basic("no-colon")) is None
    assert basic_auth_user("Bearer abc") is None
    assert basic_auth_user("  basic   " + base64.b64encode(b"al:x").decode() + "  ") == "al"
    assert basic_auth_user("Basic " + base64.urlsafe_b64encode("j\u00f6:\u00ff\u00ff\u00ff".encode()).decode()) == "j\u00f6"
    assert basic_auth_user(None) is None


def test_remote_user_escaped_in_line():
    _, log = run(":remote-user", headers={"Authorization": basic('e"v\\il:pw')})
    assert log == 'e\\"v\\\\il\n'


def test_control_characters_escaped():
    _, log = run(":req[x-v]", headers={"X-V": "a\tb"})
    assert log == "a\\tb\n"


def test_custom_token_with_argument():
    logger.token("shout", lambda req, res, arg=None: (arg or req.method).upper() + "!")
    logger.token("two-args", lambda req, res: "plain")
    logger.token("empty", lambda req, res: "")
    logger.token("zero", lambda req, res: 0)
    logger.token("number", lambda req, res: 7)
    try:
        _, log = run(":shout :shout[hey] :two-args[ignored] :empty :zero :number")
        assert log == "GET! HEY! plain - - 7\n"
    finally:
        for name in ("shout", "two-args", "empty", "zero", "number"):
            TOKENS.pop(name, None)


def test_token_colon_needs_two_characters():
    _, log = run("a:b :status: :x")
    assert log == "a:b 200: :x\n"


# -- callable formats, named formats ------------------------------------------------------------

def test_callable_format_with_tokens():
    def fmt(tokens, req, res):
        return " ".join([tokens.method(req, res), tokens["status"](req, res), tokens.response_time(req, res, 0)])

    _, log = run(fmt)
    assert re.fullmatch(r"GET 200 \d+\n", log)


def test_callable_format_returning_none_skips():
    _, log = run(lambda tokens, req, res: None)
    assert log == ""


def test_named_format_and_compile():
    logger.format("mine", ":method!")
    try:
        assert run("mine")[1] == "GET!\n"
        fn = logger.compile(":status :method")
        assert run(fn)[1] == "200 GET\n"
    finally:
        FORMATS.pop("mine", None)
    with pytest.raises(TypeError):
        logger.compile(7)


def test_compiled_format_keeps_every_character_and_order():
    # The format becomes Python source: quotes, backslashes, braces and newlines in its text and
    # in token arguments must come out as written, tokens in order, unknown ones refused.
    fmt = 'a\'b"c\\d{e}\n:method %s :req[x-\'q] :req[a"\\b] :status}'
    _, log = run(fmt, headers={"x-'q": "v"})
    assert log == 'a\'b"c\\d{e}\nGET %s v - 200}\n'
    fn = logger.compile(":method :nope")
    with pytest.raises(TypeError, match="logger: unknown token :nope"):
        fn({"method": lambda req, res: "GET"}, None, None)
    assert logger.compile("")({}, None, None) == ""


def test_format_keyword_and_dict_form():
    stream = io.StringIO()
    app = express()
    app.use(logger(format=":method kw", stream=stream))
    app.use(logger({"format": ":method dict", "stream": stream}))
    app.get("/", lambda req, res: res.send("x"))
    with TestClient(app) as client:
        client.get("/")
    assert stream.getvalue() == "GET kw\nGET dict\n"


# -- options ------------------------------------------------------------------------------------

def test_skip():
    r, log = run("tiny", skip=lambda req, res: res.status_code < 400)
    assert r.text == "hello" and log == ""
    _, log = run("tiny", lambda req, res: res.status(500).send("x"), skip=lambda req, res: res.status_code < 400)
    assert log.startswith("GET / 500 1 - ")


def test_immediate():
    _, log = run(":method :url :status :res[content-length] :response-time :total-time", immediate=True)
    assert log == "GET / - - - -\n"


def test_default_stream_is_stderr(capsys):
    app = express()
    app.use(logger("tiny"))
    app.get("/", lambda req, res: res.send("x"))
    with TestClient(app) as client:
        client.get("/")
    captured = capsys.readouterr()
    assert re.fullmatch(rf"GET / 200 1 - {TIME} ms\n", captured.err)
    assert captured.out == ""


def test_logged_on_close_when_the_client_goes_away():
    stream = io.StringIO()
    app = express()
    app.use(logger(":method :url :status :response-time", stream=stream))
    app.get("/hang", lambda req, res: None)  # never answers
    with TestClient(app) as client:
        responses, _ = client.exchange(b"GET /hang HTTP/1.1\r\nHost: t\r\n\r\n")
    assert responses == []
    assert stream.getvalue() == "GET /hang - -\n"


def test_logged_on_close_after_the_head():
    stream = io.StringIO()
    app = express()
    app.use(logger(":method :url :status :res[content-type]", stream=stream))

    @app.get("/half")
    def half(req, res):
        res.type("txt")
        res.write("partial")  # and never ends

    with TestClient(app) as client:
        client.exchange(b"GET /half HTTP/1.1\r\nHost: t\r\n\r\n")
    assert stream.getvalue() == "GET /half 200 text/plain; charset=utf-8\n"


def test_one_line_per_request_and_404():
    stream = io.StringIO()
    app = express()
    app.use(logger("tiny", stream=stream))
    with TestClient(app) as client:
        client.get("/nope")
        client.head("/nope")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(rf"GET /nope 404 143 - {TIME} ms", lines[0])
    assert re.fullmatch(rf"HEAD /nope 404 144 - {TIME} ms", lines[1])


def test_url_is_the_original_url_in_mounted_routers():
    stream = io.StringIO()
    app = express()
    app.use(logger(":url", stream=stream))
    router = express.Router()
    router.get("/inner", lambda req, res: res.send(req.url))
    app.use("/mount", router)
    with TestClient(app) as client:
        assert client.get("/mount/inner?z=1").text == "/inner?z=1"
    assert stream.getvalue() == "/mount/inner?z=1\n"


def test_with_compression_logs_without_content_length():
    stream = io.StringIO()
    app = express()
    app.use(logger(":status :res[content-length] :res[content-encoding] :response-time", stream=stream))
    app.use(express.compression())
    app.get("/", lambda req, res: res.send("x" * 5000))
    with TestClient(app) as client:
        r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert re.fullmatch(rf"200 - gzip {TIME}\n", stream.getvalue())


def test_bad_options():
    with pytest.raises(TypeError):
        logger("tiny", colour=True)
    with pytest.raises(TypeError):
        logger("tiny", stream=object())
