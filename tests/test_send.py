"""res.send_file / res.download (fastexpress.send, a port of send 1.2.1) and the connection's
write_file: semantics through the TestClient, bytes over real loopback sockets on asyncio and
uvloop (sendfile, ranges, pipelining, TLS in chunks), a 1 GiB file with flat memory, and a
client that leaves mid-file (the file is closed at once)."""
from __future__ import annotations

import asyncio
import datetime
import json
import os
import pathlib
import shutil
import socket
import ssl
import subprocess
import time
from typing import Any, Callable

import pytest

from fastexpress import HTTPError, express
from fastexpress.send import (MAX_MAXAGE, SendError, max_age_ms, ms, node_basename, node_join, node_normalize,
                              node_resolve)
from fastexpress.testing import TestClient

MTIME_MS = 1623760496789  # 2021-06-15T12:34:56.789Z
LM = "Tue, 15 Jun 2021 12:34:56 GMT"
HEX = "%x" % MTIME_MS


def write(path: pathlib.Path, data: bytes | str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, ns=(MTIME_MS * 1_000_000, MTIME_MS * 1_000_000))
    return path


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    """tmp/root/{hello.txt, digits.txt, page.html, sub/index.html, .hidden, empty.txt,
    noext, big.bin (300 KiB)}, tmp/secret.txt outside the root."""
    root = tmp_path / "root"
    write(root / "hello.txt", "hello world\n")
    write(root / "digits.txt", "0123456789")
    write(root / "page.html", "<h1>page</h1>\n")
    write(root / "sub" / "index.html", "<p>sub</p>\n")
    write(root / ".hidden", "SECRET=1\n")
    write(root / "empty.txt", b"")
    write(root / "noext", "no extension\n")
    write(root / "big.bin", bytes(i % 251 for i in range(300 * 1024)))
    write(tmp_path / "secret.txt", "TOPSECRET\n")
    return root


def make_app(**settings: Any) -> Any:
    app = express()
    app.set("env", "test")
    for key, value in settings.items():
        app.set(key.replace("_", " "), value)
    return app


def client_for(app: Any) -> TestClient:
    return TestClient(app)


def headers_of(r: Any) -> list[tuple[str, str]]:
    return [(k, v) for k, v in r.raw_headers if k not in ("Date", "Connection", "Keep-Alive")]


# ---------------------------------------------------------------------------- helpers: ms, path

@pytest.mark.parametrize("value,expected", [
    ("1d", 86400000), ("2h", 7200000), ("1.5h", 5400000), ("100", 100), ("1 day", 86400000),
    ("-1d", -86400000), ("abc", None), ("1e3", None), ("10 YEARS", 315576000000), (".5s", 500),
    ("1d\n", None), ("3 weeks", 1814400000), ("2 mins", 120000), ("1y", 31557600000), ("5 msecs", 5),
    ("1" * 101, None),
])
def test_ms_matches_the_npm_package(value: str, expected: float | None) -> None:
    assert ms(value) == expected


@pytest.mark.parametrize("value,expected", [
    (1500, 1500), ("1d", 86400000), ("1y", MAX_MAXAGE), (-5, 0), ("abc", 0), ("", 0), (None, 0),
    (True, 1), (float("nan"), 0), (float("inf"), MAX_MAXAGE), (datetime.timedelta(hours=1), 3600000),
    (10**15, MAX_MAXAGE), (object(), 0),
])
def test_max_age_is_clamped_like_send(value: Any, expected: float) -> None:
    assert max_age_ms(value) == expected


NORMALIZE = [["", "."], [".", "."], ["..", ".."], ["/", "/"], ["//", "/"], ["///a//b", "/a/b"], ["./", "./"],
             ["./a", "a"], ["a/..", "."], ["a/../..", ".."], ["../a", "../a"], ["/../a", "/a"],
             ["/a/b/../../..", "/"], ["a//b/./c/", "a/b/c/"], ["./..\\x", "..\\x"], [".//a//../..//b/", "../b/"],
             ["./a/.../b", "a/.../b"], ["./..", ".."], ["./.hidden", ".hidden"], ["/a/b/", "/a/b/"],
             ["a/b/c/../../d", "a/d"], ["./%2e%2e", "%2e%2e"], ["/./", "/"], ["a/./b/.", "a/b"],
             ["..a/b", "..a/b"], ["./a\\..\\b", "a\\..\\b"], ["../../x/./y/", "../../x/y/"]]


@pytest.mark.parametrize("value,expected", NORMALIZE)
def test_node_normalize(value: str, expected: str) -> None:
    assert node_normalize(value) == expected


def test_node_join_basename_resolve() -> None:
    assert node_join("/root", "a/b") == "/root/a/b"
    assert node_join("/root", "../x") == "/x"
    assert node_join("/root/", "/x/") == "/root/x/"
    assert node_join("/r", "") == "/r"
    assert node_join("", "") == "."
    assert [node_basename(p) for p in ("/a/b/", "/a/../b", "/", "a/b/", "")] == ["b", "b", "", "b", ""]
    assert [node_resolve(p) for p in ("/x/y/", "/x/../../y", "/a//b")] == ["/x/y", "/y", "/a/b"]
    assert node_resolve("rel/x") == os.path.join(os.getcwd(), "rel/x")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not found")
def test_node_path_functions_against_node() -> None:
    """Random paths of the characters that matter, normalised by Node and by us."""
    import random

    rng = random.Random(7)
    alphabet = ["/", ".", "..", "a", "\\", "b", "//", ".x"]
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(400)]
    script = ("const p=require('path').posix;const s=JSON.parse(require('fs').readFileSync(0,'utf8'));"
              "process.stdout.write(JSON.stringify(s.map(x=>[p.normalize(x),p.join('/root',x),p.basename(x)])))")
    out = subprocess.run(["node", "-e", script], input=json.dumps(samples), capture_output=True, text=True,
                         timeout=30, check=True).stdout
    for sample, (norm, joined, base) in zip(samples, json.loads(out)):
        assert (node_normalize(sample), node_join("/root", sample), node_basename(sample)) == (norm, joined, base), sample


# ---------------------------------------------------------------------------- sendFile: success

def test_send_file_headers_in_express_order(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "hello.txt")))
    r = client_for(app).get("/")
    assert r.status_code == 200 and r.content == b"hello world\n"
    assert headers_of(r) == [
        ("X-Powered-By", "fastexpress"), ("Accept-Ranges", "bytes"), ("Cache-Control", "public, max-age=0"),
        ("Last-Modified", LM), ("ETag", f'W/"c-{HEX}"'), ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "12"),
    ]


def test_send_file_options_as_dict_kwargs_and_camel_case(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/dict", lambda req, res: res.send_file("hello.txt", {"root": str(tree), "maxAge": "1d"}))
    app.get("/kw", lambda req, res: res.send_file("hello.txt", root=str(tree), max_age="1d"))
    app.get("/both", lambda req, res: res.send_file("hello.txt", {"root": "/nowhere"}, root=str(tree), maxage=86400000))
    app.get("/path", lambda req, res: res.send_file(pathlib.Path(tree / "hello.txt"), max_age=datetime.timedelta(days=1)))
    c = client_for(app)
    for url in ("/dict", "/kw", "/both", "/path"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "public, max-age=86400", url


@pytest.mark.parametrize("options,cache_control", [
    ({"max_age": 1500}, "public, max-age=1"), ({"max_age": "2h"}, "public, max-age=7200"),
    ({"max_age": -1}, "public, max-age=0"), ({"max_age": "1y"}, "public, max-age=31536000"),
    ({"max_age": "1d", "immutable": True}, "public, max-age=86400, immutable"),
    ({"cache_control": False}, None), ({"cache_control": False, "immutable": True}, None),
])
def test_cache_control_options(tree: pathlib.Path, options: dict[str, Any], cache_control: str | None) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "hello.txt"), options))
    assert client_for(app).get("/").headers.get("cache-control") == cache_control


def test_last_modified_etag_accept_ranges_switches(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/nolm", lambda req, res: res.send_file(str(tree / "digits.txt"), last_modified=False))
    app.get("/noar", lambda req, res: res.send_file(str(tree / "digits.txt"), accept_ranges=False))
    c = client_for(app)
    r = c.get("/nolm")
    assert "last-modified" not in r.headers and r.headers["etag"] == f'W/"a-{HEX}"'
    r = c.get("/noar", headers={"Range": "bytes=0-1"})
    assert r.status_code == 200 and r.content == b"0123456789" and "accept-ranges" not in r.headers


@pytest.mark.parametrize("setting,expected", [(True, f'W/"c-{HEX}"'), ("strong", f'W/"c-{HEX}"'), (False, None)])
def test_etag_follows_the_app_setting_and_is_always_weak(tree: pathlib.Path, setting: Any, expected: Any) -> None:
    app = make_app(etag=setting)
    app.get("/", lambda req, res: res.send_file(str(tree / "hello.txt"), etag=True))  # the option is overridden
    assert client_for(app).get("/").headers.get("etag") == expected


def test_types_by_extension(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/*name", lambda req, res: res.send_file("/".join(req.params["name"]), root=str(tree)))
    c = client_for(app)
    assert c.get("/page.html").headers["content-type"] == "text/html; charset=utf-8"
    assert c.get("/noext").headers["content-type"] == "application/octet-stream"
    assert c.get("/big.bin").headers["content-type"] == "application/octet-stream"
    r = c.get("/empty.txt")
    assert r.status_code == 200 and r.headers["content-length"] == "0" and r.headers["etag"] == f'W/"0-{HEX}"'


def test_headers_option_first_and_its_content_type_wins(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "hello.txt"),
                                                headers={"X-A": "1", "Content-Type": "text/x-custom", "X-N": 7}))
    app.get("/missing", lambda req, res: res.send_file(str(tree / "nope"), headers={"X-A": "1"}))
    c = client_for(app)
    names = [k for k, _ in headers_of(c.get("/"))]
    assert names[:4] == ["X-Powered-By", "X-A", "Content-Type", "X-N"]
    r = c.get("/")
    assert r.headers["content-type"] == "text/x-custom" and r.headers["x-n"] == "7"
    assert "x-a" not in c.get("/missing").headers  # set only once a file is found


def test_preset_headers_and_status_are_kept(tree: pathlib.Path) -> None:
    app = make_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.set("ETag", '"mine"').set("Cache-Control", "no-store").set("Content-Type", "text/plain")
        res.status(201).send_file(str(tree / "hello.txt"))

    c = client_for(app)
    r = c.get("/")
    assert r.status_code == 201
    assert (r.headers["etag"], r.headers["cache-control"], r.headers["content-type"]) == (
        '"mine"', "no-store", "text/plain; charset=utf-8")
    r = c.get("/", headers={"If-None-Match": '"mine"'})
    assert r.status_code == 304 and r.content == b""


def test_head_sends_headers_only(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "big.bin")))
    r = client_for(app).head("/")
    assert r.status_code == 200 and r.headers["content-length"] == str(300 * 1024) and r.content == b""


def test_big_file_through_the_test_client_goes_in_chunks(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "big.bin")))
    r = client_for(app).get("/")
    assert r.status_code == 200 and r.content == (tree / "big.bin").read_bytes()
    r = client_for(app).get("/", headers={"Range": "bytes=100000-250000"})
    assert r.status_code == 206 and r.content == (tree / "big.bin").read_bytes()[100000:250001]
    assert r.headers["content-range"] == "bytes 100000-250000/307200"


def test_start_and_end_options(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "digits.txt"), start=2, end=5))
    app.get("/start", lambda req, res: res.send_file(str(tree / "digits.txt"), start=7))
    app.get("/bad", lambda req, res: res.send_file(str(tree / "digits.txt"), start=5, end=2))
    c = client_for(app)
    assert c.get("/").content == b"2345"
    r = c.get("/", headers={"Range": "bytes=1-2"})
    assert (r.status_code, r.content, r.headers["content-range"]) == (206, b"34", "bytes 1-2/4")
    assert c.get("/start").content == b"789"
    r = c.get("/bad")
    assert r.headers["content-length"] == "0" and r.content == b""


# ---------------------------------------------------------------------------- conditionals, ranges

@pytest.mark.parametrize("headers,status,body", [
    ({"Range": "bytes=0-4"}, 206, b"01234"), ({"Range": "bytes=-3"}, 206, b"789"),
    ({"Range": "bytes=7-"}, 206, b"789"), ({"Range": "bytes=5-100"}, 206, b"56789"),
    ({"Range": "bytes=0-1,5-6"}, 200, b"0123456789"), ({"Range": "bytes=0-1,1-3"}, 206, b"0123"),
    ({"Range": "items=0-1"}, 200, b"0123456789"), ({"Range": "bytes=abc"}, 200, b"0123456789"),
    ({"Range": "bytes=0-4", "If-Range": f'W/"a-{HEX}"'}, 206, b"01234"),
    ({"Range": "bytes=0-4", "If-Range": '"other"'}, 200, b"0123456789"),
    ({"Range": "bytes=0-4", "If-Range": LM}, 206, b"01234"),
    ({"Range": "bytes=0-4", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"}, 200, b"0123456789"),
    ({"If-None-Match": f'W/"a-{HEX}"'}, 304, b""), ({"If-None-Match": f'"a-{HEX}"'}, 304, b""),
    ({"If-None-Match": "*"}, 304, b""), ({"If-None-Match": '"x"'}, 200, b"0123456789"),
    ({"If-None-Match": f'W/"a-{HEX}"', "Cache-Control": "no-cache"}, 200, b"0123456789"),
    ({"If-Modified-Since": LM}, 304, b""), ({"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, 200, b"0123456789"),
    ({"If-Match": f'W/"a-{HEX}"'}, 200, b"0123456789"), ({"If-Match": "*"}, 200, b"0123456789"),
    ({"If-Match": '"other"'}, 412, None), ({"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, 412, None),
    ({"If-Unmodified-Since": "Mon, 01 Jan 2035 00:00:00 GMT"}, 200, b"0123456789"),
    ({"If-None-Match": f'W/"a-{HEX}"', "Range": "bytes=0-1"}, 304, b""),
])
def test_conditionals_and_ranges(tree: pathlib.Path, headers: dict[str, str], status: int, body: bytes | None) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "digits.txt")))
    r = client_for(app).get("/", headers=headers)
    assert r.status_code == status
    if body is not None:
        assert r.content == body


def test_304_drops_content_headers_and_keeps_validators(tree: pathlib.Path) -> None:
    app = make_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.set("Content-Language", "en").set("Content-Encoding", "identity")
        res.send_file(str(tree / "digits.txt"))

    r = client_for(app).get("/", headers={"If-None-Match": f'W/"a-{HEX}"'})
    assert r.status_code == 304
    assert [k for k, _ in headers_of(r)] == ["X-Powered-By", "Accept-Ranges", "Cache-Control", "Last-Modified", "ETag"]


def test_412_and_416_pages_keep_the_file_headers(tree: pathlib.Path) -> None:
    app = make_app()
    app.set("env", "production")
    app.get("/", lambda req, res: res.send_file(str(tree / "digits.txt")))
    c = client_for(app)
    r = c.get("/", headers={"If-Match": '"nope"'})
    assert r.status_code == 412 and r.headers["etag"] == f'W/"a-{HEX}"' and r.headers["last-modified"] == LM
    assert r.headers["content-type"] == "text/html; charset=utf-8" and b"Precondition Failed" in r.content
    r = c.get("/", headers={"Range": "bytes=20-30"})
    assert r.status_code == 416 and r.headers["content-range"] == "bytes */10"
    assert [k for k, _ in headers_of(r)][-4:] == ["Content-Range", "Content-Security-Policy", "X-Content-Type-Options",
                                                  "Content-Length"]


# ---------------------------------------------------------------------------- errors and callbacks

def capture_app(**settings: Any) -> tuple[Any, list[Any]]:
    """An app whose error handler records the error and answers with its status/code."""
    app = make_app(**settings)
    seen: list[Any] = []

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.append(err)
        res.status(getattr(err, "status", 500)).json({"code": getattr(err, "code", None),
                                                      "status": getattr(err, "status", None)})

    app._on_error = on_error  # registered last by the caller
    return app, seen


@pytest.mark.parametrize("target,status,code", [
    ("nope.txt", 404, "ENOENT"), ("hello.txt/", 404, "ENOTDIR"), ("x" * 300, 404, "ENAMETOOLONG"),
    ("../secret.txt", 403, None), ("sub/../../secret.txt", 403, None), ("hel\0lo.txt", 400, None),
    (".hidden", 404, None),
])
def test_errors_go_to_next_with_status_and_code(tree: pathlib.Path, target: str, status: int, code: str | None) -> None:
    app, seen = capture_app()
    app.get("/", lambda req, res: res.send_file(target, root=str(tree)))
    app.use(app._on_error)
    r = client_for(app).get("/")
    assert r.status_code == status and r.json() == {"code": code, "status": status}
    err = seen[0]
    assert isinstance(err, SendError) and isinstance(err, HTTPError)
    assert err.expose is (code is None)  # fs errors are not exposed, as in send
    if code == "ENOENT":
        assert str(err) == f"ENOENT: no such file or directory, stat '{tree / 'nope.txt'}'"
        assert err.syscall == "stat" and isinstance(err.__cause__, FileNotFoundError)


def test_a_directory_goes_to_next_without_error(tree: pathlib.Path) -> None:
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "sub")))
    app.get("/", lambda req, res: res.send("next route"))
    app.get("/index", lambda req, res: res.send_file(str(tree / "sub") + "/"))
    app.get("/noindex", lambda req, res: res.send_file(str(tree / "sub") + "/", index=False))
    c = client_for(app)
    assert c.get("/").text == "next route"
    assert c.get("/index").content == b"<p>sub</p>\n"
    assert c.get("/noindex").status_code == 404


def test_dotfiles_option(tree: pathlib.Path) -> None:
    app = make_app()
    app.set("env", "production")
    app.get("/:mode", lambda req, res: res.send_file(".hidden", root=str(tree), dotfiles=req.params["mode"]))
    app.get("/abs/ignored", lambda req, res: res.send_file(str(tree / ".hidden")))
    c = client_for(app)
    assert (c.get("/ignore").status_code, c.get("/deny").status_code, c.get("/allow").status_code) == (404, 403, 200)
    assert c.get("/abs/ignored").status_code == 404  # without root every segment counts


def test_type_errors_are_raised_synchronously(tree: pathlib.Path) -> None:
    app = make_app()
    raised: list[str] = []

    @app.get("/:case")
    def h(req: Any, res: Any) -> None:
        args = {"none": (None,), "int": (123,), "bytes": (b"/x",), "empty": ("",), "relative": ("hello.txt",),
                "dotfiles": (str(tree / "hello.txt"), {"dotfiles": "maybe"}), "opts": (str(tree / "hello.txt"), 5),
                "cb": (str(tree / "hello.txt"), {}, "not callable")}[req.params["case"]]
        try:
            res.send_file(*args)
        except (TypeError, ValueError) as exc:
            raised.append(str(exc))
            res.send("raised")

    c = client_for(app)
    for name in ("none", "int", "bytes", "empty", "relative", "dotfiles", "opts", "cb"):
        assert c.get("/" + name).text == "raised", name
    assert raised[:5] == [
        "path argument is required to res.sendFile", "path must be a string to res.sendFile",
        "path must be a string to res.sendFile", "path argument is required to res.sendFile",
        "path must be absolute or specify root to res.sendFile",
    ]
    assert raised[5] == 'dotfiles option must be "allow", "deny", or "ignore"'


def test_callback_forms_and_values(tree: pathlib.Path) -> None:
    app = make_app()
    got: list[Any] = []
    hello, missing = str(tree / "hello.txt"), str(tree / "nope.txt")

    def record(tag: str) -> Callable[[Any], None]:
        def done(err: Any) -> None:
            got.append((tag, None if err is None else (type(err).__name__, getattr(err, "status", None),
                                                       getattr(err, "code", None))))
        return done

    app.get("/ok", lambda req, res: res.send_file(hello, record("ok")))
    app.get("/opts-cb", lambda req, res: res.send_file("hello.txt", {"root": str(tree)}, record("opts-cb")))
    app.get("/kw-cb", lambda req, res: res.send_file("hello.txt", root=str(tree), callback=record("kw-cb")))

    @app.get("/missing")
    def missing_route(req: Any, res: Any) -> None:
        def done(err: Any) -> None:
            record("missing")(err)
            res.status(err.status).send("handled")
        res.send_file(missing, done)

    @app.get("/dir")
    def dir_route(req: Any, res: Any) -> None:
        def done(err: Any) -> None:
            record("dir")(err)
            res.send("dir handled")
        res.send_file(str(tree / "sub"), done)

    @app.get("/zero")
    def zero(req: Any, res: Any) -> None:
        res.send_file(hello, lambda: got.append(("zero", "called")))

    @app.get("/async")
    def async_cb(req: Any, res: Any) -> None:
        async def done(err: Any) -> None:
            await asyncio.sleep(0)
            res.status(err.status).send("async handled")
        res.send_file(missing, done)

    c = client_for(app)
    assert c.get("/ok").text == "hello world\n"
    assert c.get("/opts-cb").status_code == 200 and c.get("/kw-cb").status_code == 200
    r = c.get("/missing")
    assert (r.status_code, r.text) == (404, "handled")
    assert c.get("/dir").text == "dir handled"
    assert c.get("/zero").status_code == 200
    r = c.get("/async")
    assert (r.status_code, r.text) == (404, "async handled")
    assert got == [("ok", None), ("opts-cb", None), ("kw-cb", None), ("missing", ("SendError", 404, "ENOENT")),
                   ("dir", ("IsADirectoryError", None, "EISDIR")), ("zero", "called")]


def test_head_and_304_call_back_without_error(tree: pathlib.Path) -> None:
    app = make_app()
    got: list[Any] = []
    app.get("/", lambda req, res: res.send_file(str(tree / "hello.txt"), lambda err: got.append(err)))
    c = client_for(app)
    assert c.head("/").status_code == 200
    assert c.get("/", headers={"If-None-Match": f'W/"c-{HEX}"'}).status_code == 304
    assert got == [None, None]


def test_a_failing_callback_goes_to_the_error_handlers(tree: pathlib.Path) -> None:
    app = make_app()

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        def done(err: Any) -> None:
            raise RuntimeError("callback broke")
        res.send_file(str(tree / "nope"), done)

    app.use(lambda err, req, res, next: res.status(500).send("handled: " + str(err)))
    assert client_for(app).get("/").text == "handled: callback broke"


def test_returns_a_running_task_that_can_be_awaited(tree: pathlib.Path) -> None:
    app = make_app()
    seen: dict[str, Any] = {}

    @app.get("/")
    async def h(req: Any, res: Any) -> None:
        task = res.send_file(str(tree / "big.bin"))
        seen["task"] = isinstance(task, asyncio.Task)
        await task
        seen["after"] = (res.headers_sent, res.finished)

    @app.get("/fire")
    def fire(req: Any, res: Any) -> None:
        res.send_file(str(tree / "hello.txt"))  # not awaited: completes anyway

    c = client_for(app)
    assert c.get("/").status_code == 200 and c.get("/fire").text == "hello world\n"
    assert seen == {"task": True, "after": (True, True)}


def test_headers_already_sent_is_an_error(tree: pathlib.Path) -> None:
    app = make_app()
    got: list[Any] = []

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.write("partial")
        res.send_file(str(tree / "hello.txt"), lambda err: (got.append(err.status), res.end()))

    assert client_for(app).get("/").content == b"partial"
    assert got == [500]


def test_a_wrapped_res_write_still_sees_every_byte(tree: pathlib.Path) -> None:
    """A middleware that wraps res.write/res.end (as compression does) gets the whole body."""
    app = make_app()
    counted: list[int] = []

    @app.use
    def count(req: Any, res: Any, next: Any) -> None:
        write, end, total = res.write, res.end, [0]

        def counting_write(data: Any, encoding: Any = None) -> bool:
            total[0] += len(data)
            return write(data, encoding)

        def counting_end(data: Any = None, encoding: Any = None) -> Any:
            total[0] += len(data or b"")
            counted.append(total[0])
            return end(data, encoding)

        res.write, res.end = counting_write, counting_end
        next()

    app.get("/big", lambda req, res: res.send_file(str(tree / "big.bin")))
    app.get("/small", lambda req, res: res.send_file(str(tree / "hello.txt")))
    c = client_for(app)
    assert c.get("/big").content == (tree / "big.bin").read_bytes()
    assert c.get("/small").content == b"hello world\n"
    assert counted == [300 * 1024, 12]


def test_symlinks_out_of_the_root(tree: pathlib.Path) -> None:
    (tree / "out.txt").symlink_to(tree.parent / "secret.txt")
    (tree / "in.txt").symlink_to(tree / "hello.txt")
    (tree / "outdir").symlink_to(tree.parent)
    app = make_app()
    app.set("env", "production")
    app.get("/f/*p", lambda req, res: res.send_file("/".join(req.params["p"]), root=str(tree)))
    app.get("/follow/*p", lambda req, res: res.send_file("/".join(req.params["p"]), root=str(tree), follow_symlinks=True))
    app.get("/abs", lambda req, res: res.send_file(str(tree / "out.txt")))  # no root: nothing to escape
    c = client_for(app)
    assert c.get("/f/in.txt").content == b"hello world\n"
    assert c.get("/f/out.txt").status_code == 403
    assert c.get("/f/outdir/secret.txt").status_code == 403
    assert c.get("/follow/out.txt").content == b"TOPSECRET\n"
    assert c.get("/abs").content == b"TOPSECRET\n"


def test_root_that_is_itself_a_symlink(tree: pathlib.Path) -> None:
    link = tree.parent / "rootlink"
    link.symlink_to(tree)
    app = make_app()
    app.get("/", lambda req, res: res.send_file("hello.txt", root=str(link)))
    assert client_for(app).get("/").content == b"hello world\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_served_and_does_not_block(tree: pathlib.Path) -> None:
    os.mkfifo(tree / "pipe.txt")
    app = make_app()
    app.set("env", "production")
    app.get("/", lambda req, res: res.send_file("pipe.txt", root=str(tree)))
    assert client_for(app).get("/").status_code == 404


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_a_500_after_the_headers_are_set(tree: pathlib.Path) -> None:
    locked = write(tree / "locked.txt", "x")
    locked.chmod(0)
    app = make_app()
    app.set("env", "production")
    app.get("/", lambda req, res: res.send_file("locked.txt", root=str(tree)))
    c = client_for(app)
    assert c.get("/").status_code == 500
    assert c.head("/").status_code == 200  # as Node: stat works, nothing is read for HEAD


# ---------------------------------------------------------------------------- download

def test_download_argument_forms(tree: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    app = make_app()
    hello = str(tree / "hello.txt")
    got: list[Any] = []
    app.get("/plain", lambda req, res: res.download(hello))
    app.get("/name", lambda req, res: res.download(hello, "report.pdf"))
    app.get("/unicode", lambda req, res: res.download(hello, "r\u00e9sum\u00e9.txt"))
    app.get("/opts", lambda req, res: res.download(hello, "x.txt", {"headers": {"X-A": "1", "content-disposition": "inline"}}))
    app.get("/opts-first", lambda req, res: res.download(hello, {"max_age": "1h"}))
    app.get("/kw", lambda req, res: res.download(hello, filename="k.txt", max_age="1h"))
    app.get("/relative", lambda req, res: res.download("root/digits.txt"))
    app.get("/root", lambda req, res: res.download("digits.txt", "n.txt", root="root"))
    app.get("/cb", lambda req, res: res.download(str(tree / "nope"), lambda err: (got.append(err.code), res.send("cb"))))
    app.get("/name-cb", lambda req, res: res.download(str(tree / "nope"), "x.txt",
                                                      lambda err: (got.append(err.status), res.send("cb2"))))
    app.get("/all", lambda req, res: res.download(hello, "a.txt", {}, lambda err: got.append(err)))
    app.get("/none-cb", lambda req, res: res.download(hello, None, lambda err: got.append(err)))
    c = client_for(app)
    assert c.get("/plain").headers["content-disposition"] == "attachment; filename=hello.txt"
    r = c.get("/name")
    assert r.headers["content-disposition"] == "attachment; filename=report.pdf"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"  # from the file, not the name
    assert c.get("/unicode").headers["content-disposition"] == (
        "attachment; filename=\"r?sum?.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt")
    r = c.get("/opts")
    assert r.headers["content-disposition"] == "attachment; filename=x.txt" and r.headers["x-a"] == "1"
    assert [k for k, _ in headers_of(r)][1:3] == ["Content-Disposition", "X-A"]
    assert c.get("/opts-first").headers["cache-control"] == "public, max-age=3600"
    r = c.get("/kw")
    assert r.headers["content-disposition"] == "attachment; filename=k.txt"
    assert r.headers["cache-control"] == "public, max-age=3600"
    assert c.get("/relative").content == b"0123456789"
    assert c.get("/root").headers["content-disposition"] == "attachment; filename=n.txt"
    assert c.get("/cb").text == "cb" and c.get("/name-cb").text == "cb2"
    assert c.get("/all").status_code == 200 and c.get("/none-cb").status_code == 200
    assert got == ["ENOENT", 404, None, None]


# ---------------------------------------------------------------------------- real sockets

HOST = "127.0.0.1"


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def open_fds_to(path: str) -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == path:
                count += 1
        except OSError:
            pass
    return count


def read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError(data)
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            return int(value)
    raise AssertionError(head)


def fetch_body(port: int, target: str, extra: bytes = b"", sink: bool = False,
               on_chunk: Callable[[int], None] | None = None, ctx: ssl.SSLContext | None = None) -> tuple[bytes, bytes]:
    """GET over a blocking socket; with ``sink`` the body is counted and dropped (its length
    comes back as ASCII digits)."""
    raw = socket.create_connection((HOST, port), timeout=10)
    sock: socket.socket = ctx.wrap_socket(raw, server_hostname="localhost") if ctx else raw
    try:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n".encode() + extra + b"\r\n")
        head, rest = read_head(sock)
        want = content_length(head)
        if sink:
            got = len(rest)
            buf = bytearray(1 << 20)
            while got < want:
                n = sock.recv_into(buf)
                if not n:
                    break
                got += n
                if on_chunk is not None:
                    on_chunk(got)
            return head, str(got).encode()
        body = bytearray(rest)
        while len(body) < want:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            body += chunk
        return head, bytes(body)
    finally:
        sock.close()


def run_server(loop: asyncio.AbstractEventLoop, app: Any, body: Callable[[Any], Any], timeout: float = 30,
               **options: Any) -> Any:
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda lp, ctx: errors.append(ctx))

    async def main() -> Any:
        server = await app.start(port=0, graceful_timeout=1.0, **options)
        try:
            return await asyncio.wait_for(body(server), timeout)
        finally:
            await server.close()

    try:
        return loop.run_until_complete(main())
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        assert errors == [], errors


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


@pytest.fixture
def count_sendfile(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.sendfile

    def counting(*args: Any) -> int:
        n = real(*args)
        calls.append(n)
        return n

    monkeypatch.setattr(os, "sendfile", counting)
    return calls


def pattern_file(path: pathlib.Path, size: int) -> bytes:
    block = bytes(range(256)) * 4096  # 1 MiB
    data = (block * (size // len(block) + 1))[:size]
    path.write_bytes(data)
    return data


def test_sendfile_on_plain_tcp(loop: asyncio.AbstractEventLoop, tree: pathlib.Path, count_sendfile: list[int]) -> None:
    data = pattern_file(tree / "eight.bin", 8 * 1024 * 1024 + 123)
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "eight.bin")))

    async def body(server: Any) -> None:
        head, got = await in_thread(fetch_body, server.port, "/")
        assert head.startswith(b"HTTP/1.1 200 OK") and got == data
        head, got = await in_thread(fetch_body, server.port, "/", b"Range: bytes=1000000-5000000\r\n")
        assert head.startswith(b"HTTP/1.1 206") and got == data[1000000:5000001]

    run_server(loop, app, body)
    assert sum(count_sendfile) == len(data) + 4000001


def test_keep_alive_and_pipelining_around_a_sendfile(loop: asyncio.AbstractEventLoop, tree: pathlib.Path) -> None:
    data = pattern_file(tree / "two.bin", 2 * 1024 * 1024)
    app = make_app()
    app.get("/big", lambda req, res: res.send_file(str(tree / "two.bin")))
    app.get("/small", lambda req, res: res.send("small"))

    def client(port: int) -> list[bytes]:
        import httptools

        bodies: list[bytes] = []

        class P:
            cur = bytearray()

            def on_body(self, b: bytes) -> None:
                self.cur += b

            def on_message_complete(self) -> None:
                bodies.append(bytes(self.cur))
                self.cur = bytearray()

        parser = httptools.HttpResponseParser(P())
        sock = socket.create_connection((HOST, port), timeout=10)
        req = lambda t: f"GET {t} HTTP/1.1\r\nHost: x\r\n\r\n".encode()  # noqa: E731
        sock.sendall(req("/small") + req("/big") + req("/small") + req("/big"))
        while len(bodies) < 4:
            chunk = sock.recv(1 << 20)
            assert chunk
            parser.feed_data(chunk)
        sock.sendall(req("/big"))  # the same connection once more
        while len(bodies) < 5:
            chunk = sock.recv(1 << 20)
            assert chunk
            parser.feed_data(chunk)
        sock.close()
        return bodies

    async def body(server: Any) -> None:
        bodies = await in_thread(client, server.port)
        assert bodies == [b"small", data, b"small", data, data]

    run_server(loop, app, body)


def test_slow_reader_gets_every_byte(loop: asyncio.AbstractEventLoop, tree: pathlib.Path) -> None:
    data = pattern_file(tree / "slow.bin", 3 * 1024 * 1024)
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "slow.bin")))

    def client(port: int) -> bytes:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        sock.settimeout(10)
        sock.connect((HOST, port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        head, body = read_head(sock)
        want = content_length(head)
        out = bytearray(body)
        while len(out) < want:
            chunk = sock.recv(32768)
            assert chunk
            out += chunk
            if len(out) < 256 * 1024:
                time.sleep(0.002)  # slow at first: the server waits on a full socket
        sock.close()
        return bytes(out)

    async def body(server: Any) -> None:
        assert await in_thread(client, server.port) == data

    run_server(loop, app, body)


def test_one_gib_streams_with_flat_memory(loop: asyncio.AbstractEventLoop, tmp_path: pathlib.Path) -> None:
    """A sparse 1 GiB file to a client that reads and discards it: the process's RSS is sampled
    while it flows and must stay flat (the file is never read into memory)."""
    big = tmp_path / "gig.bin"
    with open(big, "wb") as f:
        f.truncate(1 << 30)
    app = make_app()
    app.use(express.static(str(tmp_path)))
    samples: list[int] = []
    last = [0]

    def sample(got: int) -> None:
        if got - last[0] >= 16 << 20:
            last[0] = got
            samples.append(rss_bytes())

    async def body(server: Any) -> None:
        before = rss_bytes()
        started = time.monotonic()
        head, got = await in_thread(lambda: fetch_body(server.port, "/gig.bin", sink=True, on_chunk=sample))
        elapsed = time.monotonic() - started
        assert head.startswith(b"HTTP/1.1 200") and int(got) == 1 << 30
        assert len(samples) > 20
        growth = max(samples) - before
        print(f"RSS growth {growth / 1e6:.1f} MB over {len(samples)} samples in {elapsed:.2f}s")
        assert growth < 48 * 1024 * 1024, f"RSS grew by {growth / 1e6:.1f} MB while sending 1 GiB"
        assert elapsed < 20

    run_server(loop, app, body, timeout=40)


def test_client_leaving_mid_file_closes_it_at_once(loop: asyncio.AbstractEventLoop, tmp_path: pathlib.Path) -> None:
    big = tmp_path / "leave.bin"
    with open(big, "wb") as f:
        f.truncate(256 << 20)
    app = make_app()
    events: list[Any] = []

    @app.get("/")
    def h(req: Any, res: Any) -> None:
        res.on("close", lambda: events.append("close"))
        res.send_file(str(big), lambda err: events.append(getattr(err, "code", err)))

    def client(port: int) -> None:
        sock = socket.create_connection((HOST, port), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        got = 0
        while got < 4 << 20:
            got += len(sock.recv(1 << 20))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # unread data + linger 0: a reset now

    async def body(server: Any) -> None:
        await in_thread(client, server.port)
        deadline = time.monotonic() + 2
        while (open_fds_to(str(big)) or len(events) < 2) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        assert open_fds_to(str(big)) == 0
        assert sorted(events, key=str) == ["ECONNABORTED", "close"]
        assert server.connections == 0

    run_server(loop, app, body)


def test_client_half_closing_mid_file(loop: asyncio.AbstractEventLoop, tmp_path: pathlib.Path) -> None:
    """A client that shuts down its side and stops reading: the transfer fails on the next
    write and the file is closed."""
    big = tmp_path / "half.bin"
    with open(big, "wb") as f:
        f.truncate(64 << 20)
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(big)))

    def client(port: int) -> None:
        sock = socket.create_connection((HOST, port), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.recv(65536)
        sock.shutdown(socket.SHUT_WR)
        time.sleep(0.05)
        sock.close()

    async def body(server: Any) -> None:
        await in_thread(client, server.port)
        deadline = time.monotonic() + 3
        while open_fds_to(str(big)) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert open_fds_to(str(big)) == 0

    run_server(loop, app, body)


def _self_signed(tmp: pathlib.Path) -> tuple[str, str] | None:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            return None
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"],
                       check=True, capture_output=True)
        return str(cert), str(key)
    pkey = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(pkey.public_key())
                   .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
                   .sign(pkey, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(pkey.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return str(cert), str(key)


def test_tls_goes_in_bounded_chunks(loop: asyncio.AbstractEventLoop, tree: pathlib.Path,
                                    count_sendfile: list[int]) -> None:
    pair = _self_signed(tree.parent)
    if pair is None:
        pytest.skip("neither cryptography nor openssl to make a certificate")
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(*pair)
    client_ctx = ssl.create_default_context(cafile=pair[0])
    data = pattern_file(tree / "tls.bin", 5 * 1024 * 1024 + 7)
    app = make_app()
    app.get("/", lambda req, res: res.send_file(str(tree / "tls.bin")))

    async def body(server: Any) -> None:
        head, got = await in_thread(lambda: fetch_body(server.port, "/", ctx=client_ctx))
        assert head.startswith(b"HTTP/1.1 200") and got == data

    run_server(loop, app, body, ssl=server_ctx)
    assert count_sendfile == []  # TLS: never the kernel's sendfile


def test_write_file_primitive_closes_the_fd_in_every_case(tree: pathlib.Path) -> None:
    """write_file owns the descriptor: closed after success, after an abort, for HEAD."""
    app = make_app()
    fds: list[int] = []

    @app.get("/:case")
    async def h(req: Any, res: Any) -> None:
        fd = os.open(tree / "big.bin", os.O_RDONLY)
        fds.append(fd)
        if req.params["case"] == "closed":
            req.socket.abort()
            with pytest.raises(ConnectionAbortedError):
                await req.socket.write_file(res, fd, 0, 1000)
            return
        await req.socket.write_file(res, fd, 10, 1000)

    c = client_for(app)
    r = c.get("/ok")
    assert r.headers["content-length"] == "1000" and r.content == (tree / "big.bin").read_bytes()[10:1010]
    assert c.head("/head").content == b""
    with pytest.raises(ConnectionError):
        c.get("/closed")
    for fd in fds:
        with pytest.raises(OSError):
            os.fstat(fd)
