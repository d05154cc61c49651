"""express.static (fastexpress.middleware.static, serve-static 2.2.1): methods, redirects, index,
extensions, dotfiles, fallthrough, set_headers, every traversal form we know of (never a byte
from outside the root), symlinks, precompressed siblings, and the URL parsing it relies on."""
from __future__ import annotations

import asyncio
import gzip
import os
import pathlib
import socket
from typing import Any

import pytest

from fastexpress import express, static
from fastexpress.httputil import escape_html
from fastexpress.middleware.static import parse_url
from fastexpress.testing import TestClient

MTIME_NS = 1623760496789 * 1_000_000
HEX = "%x" % 1623760496789
SECRET = b"TOPSECRET"


def write(path: pathlib.Path, data: bytes | str, mtime_ns: int = MTIME_NS) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


@pytest.fixture
def root(tmp_path: pathlib.Path) -> pathlib.Path:
    """tmp/public/... (the root) and tmp/secret.txt, tmp/public-evil/x.txt next to it."""
    pub = tmp_path / "public"
    write(pub / "hello.txt", "hello world\n")
    write(pub / "index.html", "<p>root index</p>\n")
    write(pub / "sub" / "index.html", "<p>sub index</p>\n")
    write(pub / "sub" / "page.html", "<p>page</p>\n")
    write(pub / "sub2" / "default.htm", "<p>default</p>\n")
    write(pub / "page.html", "<h1>page</h1>\n")
    write(pub / ".hidden", "dot\n")
    write(pub / ".well-known" / "x.txt", "well known\n")
    write(pub / "a dir" / "f.txt", "spaced\n")
    write(pub / "100%.txt", "percent\n")
    write(pub / "%2e%2e" / "x.txt", "literal dots\n")
    write(tmp_path / "secret.txt", SECRET + b"\n")
    write(tmp_path / "public-evil" / "x.txt", SECRET + b" sibling\n")
    return pub


def app_with(root: pathlib.Path, mount: str = "/s", **options: Any) -> Any:
    app = express()
    app.set("env", "test")
    app.use(mount, static(str(root), **options))
    return app


def get(app: Any, target: str, method: str = "GET", **kw: Any) -> Any:
    return TestClient(app).request(method, target, **kw)


# ---------------------------------------------------------------------------- basics

def test_serves_a_file_with_send_headers(root: pathlib.Path) -> None:
    r = get(app_with(root), "/s/hello.txt")
    assert r.status_code == 200 and r.content == b"hello world\n"
    assert [k for k, _ in r.raw_headers][:7] == ["X-Powered-By", "Accept-Ranges", "Cache-Control", "Last-Modified",
                                                  "ETag", "Content-Type", "Content-Length"]
    assert r.headers["etag"] == f'W/"c-{HEX}"'


def test_head_and_other_methods(root: pathlib.Path) -> None:
    app = app_with(root)
    app.post("/s/hello.txt", lambda req, res: res.send("post route"))
    r = get(app, "/s/hello.txt", "HEAD")
    assert r.status_code == 200 and r.content == b"" and r.headers["content-length"] == "12"
    assert get(app, "/s/hello.txt", "POST").text == "post route"
    assert get(app, "/s/hello.txt", "DELETE").status_code == 404
    strict = app_with(root, fallthrough=False)
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        r = get(strict, "/s/hello.txt", method)
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD" and r.headers["content-length"] == "0"


@pytest.mark.parametrize("target,location", [
    ("/s/sub", "/s/sub/"), ("/s/sub?x=1&y=2", "/s/sub/?x=1&y=2"), ("/s", "/s/"), ("/s?a=b", "/s/?a=b"),
    ("/s/a%20dir", "/s/a%20dir/"), ("/s/sub?<q>", "/s/sub/?%3Cq%3E"), ("/s//sub", "/s//sub/"),
])
def test_directory_redirects(root: pathlib.Path, target: str, location: str) -> None:
    r = get(app_with(root), target)
    assert r.status_code == 301 and r.headers["location"] == location
    assert r.headers["content-type"] == "text/html; charset=UTF-8"
    assert r.headers["content-security-policy"] == "default-src 'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.text == ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Redirecting</title>\n'
                      f"</head>\n<body>\n<pre>Redirecting to {escape_html(location)}</pre>\n</body>\n</html>\n")


def test_redirect_false_and_index_options(root: pathlib.Path) -> None:
    assert get(app_with(root, redirect=False), "/s/sub").status_code == 404
    assert get(app_with(root), "/s/sub/").text == "<p>sub index</p>\n"
    assert get(app_with(root), "/s/").text == "<p>root index</p>\n"
    assert get(app_with(root, index=False), "/s/sub/").status_code == 404
    assert get(app_with(root, index=False), "/s/sub").status_code == 301
    listed = app_with(root, index=["default.htm", "index.html"])
    assert get(listed, "/s/sub2/").text == "<p>default</p>\n"
    assert get(listed, "/s/sub/").text == "<p>sub index</p>\n"
    assert get(app_with(root, index="page.html"), "/s/sub/").text == "<p>page</p>\n"


def test_extensions(root: pathlib.Path) -> None:
    app = app_with(root, extensions=["html", "txt"])
    assert get(app, "/s/page").text == "<h1>page</h1>\n"
    assert get(app, "/s/hello").text == "hello world\n"
    assert get(app, "/s/nothing").status_code == 404
    assert get(app_with(root, extensions="html"), "/s/page").status_code == 200


def test_dotfiles(root: pathlib.Path) -> None:
    assert get(app_with(root), "/s/.hidden").status_code == 404
    assert get(app_with(root), "/s/.well-known/x.txt").status_code == 404
    assert get(app_with(root, dotfiles="allow"), "/s/.well-known/x.txt").text == "well known\n"
    assert get(app_with(root, dotfiles="deny"), "/s/.hidden").status_code == 404  # 403 falls through
    assert get(app_with(root, dotfiles="deny", fallthrough=False), "/s/.hidden").status_code == 403


def test_a_miss_that_falls_through_builds_no_error(root: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The error of a miss is thrown away with fallthrough, so it is never made (the routes
    # behind static() pay for every miss); without fallthrough it is made and passed on.
    import fastexpress.send as send

    built: list[int] = []
    real = send._fs_error

    def recording(status: int, *args: Any) -> Any:
        built.append(status)
        return real(status, *args)

    monkeypatch.setattr(send, "_fs_error", recording)
    app = app_with(root)
    app.get("/s/missing.txt", lambda req, res: res.send("route"))
    assert get(app, "/s/missing.txt").text == "route"
    assert get(app, "/s/.hidden").status_code == 404 and built == []
    assert get(app_with(root, fallthrough=False), "/s/missing.txt").status_code == 404 and built == [404]


def test_what_runs_after_a_miss_sees_no_filesystem_error(root: pathlib.Path) -> None:
    # A miss passes the request on outside any except block: an error raised behind it has no
    # implicit context (the OSError would show in its traceback and keep its frames alive).
    app = app_with(root)
    seen: list[Any] = []

    def boom(req: Any, res: Any) -> None:
        raise ValueError("route failed")

    app.get("/s/:name", boom)
    app.use(lambda err, req, res, next: (seen.append((str(err), err.__context__)), res.status(500).send("x")))
    for target in ("/s/missing.txt", "/s/hello.txt.d", "/s/%6Dissing.txt"):
        assert get(app, target).status_code == 500
    assert get(app, "/s/hello.txt/inside").status_code == 404  # ENOTDIR is a miss too (no route)
    assert seen == [("route failed", None)] * 3


def test_fallthrough_false_passes_errors_on(root: pathlib.Path) -> None:
    app = express()
    app.set("env", "test")
    seen: list[Any] = []
    app.use("/s", static(str(root), fallthrough=False))
    app.use(lambda err, req, res, next: (seen.append((err.status, getattr(err, "code", None))),
                                         res.status(err.status).send("err")))
    c = TestClient(app)
    assert c.get("/s/missing.txt").status_code == 404
    assert c.get("/s/%00").status_code == 400
    assert c.get("/s/..%2fsecret.txt").status_code == 403
    assert seen == [(404, "ENOENT"), (400, None), (403, None)]


def test_errors_after_the_file_is_found_are_passed_on(root: pathlib.Path) -> None:
    app = app_with(root)
    app.use(lambda err, req, res, next: res.status(err.status).send(f"handled {err.status}"))
    c = TestClient(app)
    assert c.get("/s/hello.txt", headers={"If-Match": '"nope"'}).text == "handled 412"
    assert c.get("/s/hello.txt", headers={"Range": "bytes=50-60"}).text == "handled 416"


def test_set_headers_gets_res_path_and_stat(root: pathlib.Path) -> None:
    calls: list[Any] = []

    def set_headers(res: Any, path: str, stat: os.stat_result) -> None:
        calls.append((path, stat.st_size))
        res.set_header("X-File", os.path.basename(path))
        res.set_header("Cache-Control", "private")  # wins over max_age

    app = app_with(root, set_headers=set_headers, max_age="1d")
    r = get(app, "/s/sub/")
    assert r.headers["x-file"] == "index.html" and r.headers["cache-control"] == "private"
    assert calls == [(str(root / "sub" / "index.html"), 17)]
    assert get(app, "/s/nope").status_code == 404 and len(calls) == 1


def test_options_and_construction_errors(root: pathlib.Path) -> None:
    r = get(app_with(root, max_age="1d", immutable=True, etag=False, last_modified=False), "/s/hello.txt")
    assert r.headers["cache-control"] == "public, max-age=86400, immutable"
    assert "etag" not in r.headers and "last-modified" not in r.headers
    assert get(app_with(root, maxAge=5500), "/s/hello.txt").headers["cache-control"] == "public, max-age=5"
    assert get(app_with(root, maxage="2h"), "/s/hello.txt").headers["cache-control"] == "public, max-age=7200"
    assert "cache-control" not in get(app_with(root, cache_control=False), "/s/hello.txt").headers
    r = get(app_with(root, accept_ranges=False), "/s/hello.txt", headers={"Range": "bytes=0-1"})
    assert r.status_code == 200 and "accept-ranges" not in r.headers
    assert static(str(root), {"maxAge": "1h"}) is not None
    for bad, message in (({"root": ""}, "root path required"), ({"root": 5}, "root path must be a string")):
        with pytest.raises(TypeError, match=message):
            static(bad["root"])
    with pytest.raises(TypeError, match="setHeaders must be function"):
        static(str(root), set_headers="nope")
    with pytest.raises(TypeError, match="dotfiles option"):
        static(str(root), dotfiles="sometimes")
    with pytest.raises(TypeError, match="index option"):
        static(str(root), index=[1])
    assert get(app_with(pathlib.Path(root)), "/s/hello.txt").status_code == 200  # PathLike root


def test_relative_root_is_resolved_once(root: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root.parent)
    app = express()
    app.use(static("public"))
    monkeypatch.chdir("/")
    assert TestClient(app).get("/hello.txt").text == "hello world\n"


def test_query_and_fragment_are_not_part_of_the_path(root: pathlib.Path) -> None:
    app = app_with(root)
    assert get(app, "/s/hello.txt?v=1").status_code == 200
    assert get(app, "/s/100%25.txt").text == "percent\n"
    assert get(app, "/s/%252e%252e/x.txt").text == "literal dots\n"  # decoded once only


# ---------------------------------------------------------------------------- traversal

TRAVERSALS = [
    "/s/../secret.txt", "/s/sub/../../secret.txt", "/s/%2e%2e/secret.txt", "/s/%2E%2E/secret.txt",
    "/s/..%2fsecret.txt", "/s/..%2Fsecret.txt", "/s/%2e%2e%2fsecret.txt", "/s/..\\secret.txt",
    "/s/..%5csecret.txt", "/s/sub%5c..%5c..%5csecret.txt", "/s/sub/..%5c..%5csecret.txt",
    "/s/%252e%252e/secret.txt", "/s/%252e%252e%252fsecret.txt", "/s/%c0%ae%c0%ae/secret.txt",
    "/s/%e0%80%ae%e0%80%ae/secret.txt", "/s/.%2e/secret.txt", "/s/%2e./secret.txt", "/s//../secret.txt",
    "/s/./../secret.txt", "/s/sub/./../../secret.txt", "/s/..", "/s/../", "/s/%2e%2e", "/s/%2e%2e/",
    "/s/..;/secret.txt", "/s/%00../secret.txt", "/s/../public-evil/x.txt", "/s/..%2fpublic-evil/x.txt",
    "/s//etc/passwd", "/s/%2fetc%2fpasswd", "/s/%2F..%2F..%2Fsecret.txt", "/s/....//secret.txt",
    "/s/%u002e%u002e/secret.txt", "/s/%%32%65%%32%65/secret.txt", "/s/..%00/secret.txt",
    "/s/hello.txt%00.png", "/s/%ff", "/s/%C3%28", "/s/%", "/s/%zz",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_never_leaves_the_root(root: pathlib.Path, target: str) -> None:
    raw = f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode("latin-1")
    for options in ({}, {"fallthrough": False}, {"dotfiles": "allow"}, {"follow_symlinks": True}):
        app = app_with(root, **options)
        app.use(lambda err, req, res, next: res.status(getattr(err, "status", 500)).send("error"))
        responses, _ = TestClient(app).exchange(raw, responses=1)
        assert responses, target
        r = responses[0]
        assert SECRET not in r.content, (target, options)
        assert r.status_code in (400, 403, 404), (target, options, r.status_code)


@pytest.mark.parametrize("target,status", [
    ("/s/../secret.txt", 403), ("/s/%2e%2e/secret.txt", 403), ("/s/..%2fsecret.txt", 403),
    ("/s/..%5csecret.txt", 403), ("/s/%00", 400), ("/s/%zz", 400), ("/s/%C3%28", 400), ("/s/%c0%ae%c0%ae/x", 400),
    ("/s/%252e%252e/secret.txt", 404), ("/s//etc/passwd", 404), ("/s/....//secret.txt", 404),
])
def test_traversal_statuses_without_fallthrough(root: pathlib.Path, target: str, status: int) -> None:
    app = app_with(root, fallthrough=False)
    app.use(lambda err, req, res, next: res.status(err.status).send("error"))
    raw = f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    responses, _ = TestClient(app).exchange(raw, responses=1)
    assert responses[0].status_code == status


def test_symlinks(root: pathlib.Path) -> None:
    (root / "out.txt").symlink_to(root.parent / "secret.txt")
    (root / "outdir").symlink_to(root.parent)
    (root / "in.txt").symlink_to(root / "hello.txt")
    (root / "indir").symlink_to(root / "sub")
    (root / "dangling.txt").symlink_to(root / "nothing")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    app = app_with(root)
    app.use(lambda err, req, res, next: res.status(err.status).send("error"))
    c = TestClient(app)
    assert c.get("/s/in.txt").text == "hello world\n"
    assert c.get("/s/indir/page.html").text == "<p>page</p>\n"
    assert c.get("/s/indir").status_code == 301
    assert c.get("/s/out.txt").status_code == 404  # 403 falls through
    assert c.get("/s/outdir/secret.txt").status_code == 404
    assert c.get("/s/outdir/").status_code == 404
    assert c.get("/s/dangling.txt").status_code == 404
    assert c.get("/s/loop.txt").status_code == 500  # ELOOP, as Node's stat
    strict = app_with(root, fallthrough=False)
    strict.use(lambda err, req, res, next: res.status(err.status).send("error"))
    assert TestClient(strict).get("/s/out.txt").status_code == 403
    follow = TestClient(app_with(root, follow_symlinks=True))
    assert follow.get("/s/out.txt").content == SECRET + b"\n"
    assert follow.get("/s/outdir/secret.txt").content == SECRET + b"\n"


def test_a_root_prefix_sibling_is_outside(root: pathlib.Path) -> None:
    """/tmp/public-evil starts with /tmp/public but is not inside it."""
    (root / "evil").symlink_to(root.parent / "public-evil")
    assert get(app_with(root), "/s/evil/x.txt").status_code == 404


def test_symlinked_root(root: pathlib.Path) -> None:
    link = root.parent / "link-to-public"
    link.symlink_to(root)
    (root / "out.txt").symlink_to(root.parent / "secret.txt")
    app = app_with(link)
    assert get(app, "/s/hello.txt").text == "hello world\n"
    assert get(app, "/s/out.txt").status_code == 404


# ---------------------------------------------------------------------------- precompressed

@pytest.fixture
def zroot(tmp_path: pathlib.Path) -> pathlib.Path:
    pub = tmp_path / "z"
    text = "body { color: red }\n" * 50
    write(pub / "app.css", text)
    write(pub / "app.css.gz", gzip.compress(text.encode(), mtime=0), MTIME_NS + 1_000_000_000)
    write(pub / "app.css.br", b"BROTLI-BYTES", MTIME_NS + 2_000_000_000)
    write(pub / "only-gz.js", "var x = 1;\n")
    write(pub / "only-gz.js.gz", gzip.compress(b"var x = 1;\n", mtime=0))
    write(pub / "plain.txt", "plain\n")
    write(pub / "index.html", "<p>index</p>\n")
    write(pub / "index.html.gz", gzip.compress(b"<p>index</p>\n", mtime=0))
    (pub / "dir.txt.br").mkdir()
    write(pub / "dir.txt", "dir sibling\n")
    return pub


@pytest.mark.parametrize("accept,encoding", [
    ("gzip, deflate, br", "br"), ("br", "br"), ("gzip", "gzip"), ("gzip;q=1, br;q=0.5", "gzip"),
    ("br;q=0, gzip", "gzip"), ("*", "br"), ("*;q=0.5, br;q=0", "gzip"), ("identity", None), ("", None),
    (None, None), ("x-gzip", "gzip"), ("deflate", None), ("gzip;q=0, br;q=0", None), ("BR", "br"),
])
def test_precompressed_negotiation(zroot: pathlib.Path, accept: str | None, encoding: str | None) -> None:
    app = app_with(zroot, precompressed=True)
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    r = get(app, "/s/app.css", headers=headers)
    assert r.status_code == 200
    assert r.headers.get("content-encoding") == encoding
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["content-type"] == "text/css; charset=utf-8"
    suffix = {"br": ".br", "gzip": ".gz", None: ""}[encoding]
    assert r.content == (zroot / ("app.css" + suffix)).read_bytes()
    assert r.headers["content-length"] == str(len(r.content))


def test_precompressed_validators_are_per_representation(zroot: pathlib.Path) -> None:
    app = app_with(zroot, precompressed=True)
    c = TestClient(app)
    plain = c.get("/s/app.css")
    gz = c.get("/s/app.css", headers={"Accept-Encoding": "gzip"})
    br = c.get("/s/app.css", headers={"Accept-Encoding": "br"})
    etags = {plain.headers["etag"], gz.headers["etag"], br.headers["etag"]}
    assert len(etags) == 3
    size = (zroot / "app.css.gz").stat().st_size
    assert gz.headers["etag"] == 'W/"%x-%x"' % (size, 1623760497789)
    assert gz.headers["last-modified"] == "Tue, 15 Jun 2021 12:34:57 GMT"
    r = c.get("/s/app.css", headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["etag"]})
    assert r.status_code == 304 and "content-encoding" not in r.headers and r.headers["vary"] == "Accept-Encoding"
    r = c.get("/s/app.css", headers={"Accept-Encoding": "br", "If-None-Match": gz.headers["etag"]})
    assert r.status_code == 200 and r.headers["content-encoding"] == "br"
    r = c.get("/s/app.css", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == (zroot / "app.css.gz").read_bytes()[:10]
    assert r.headers["content-range"] == f"bytes 0-9/{size}"
    r = c.head("/s/app.css", headers={"Accept-Encoding": "br"})
    assert r.content == b"" and r.headers["content-length"] == "12" and r.headers["content-encoding"] == "br"


def test_precompressed_fallbacks(zroot: pathlib.Path) -> None:
    c = TestClient(app_with(zroot, precompressed=True))
    r = c.get("/s/only-gz.js", headers={"Accept-Encoding": "br, gzip"})
    assert r.headers["content-encoding"] == "gzip" and r.headers["content-type"] == "text/javascript; charset=utf-8"
    r = c.get("/s/plain.txt", headers={"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in r.headers and r.content == b"plain\n" and r.headers["vary"] == "Accept-Encoding"
    r = c.get("/s/", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and gzip.decompress(r.content) == b"<p>index</p>\n"
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    r = c.get("/s/dir.txt", headers={"Accept-Encoding": "br"})  # a directory named like a sibling
    assert "content-encoding" not in r.headers and r.content == b"dir sibling\n"
    gz_only = TestClient(app_with(zroot, precompressed=["gzip"]))
    assert gz_only.get("/s/app.css", headers={"Accept-Encoding": "br, gzip"}).headers["content-encoding"] == "gzip"
    off = TestClient(app_with(zroot))
    r = off.get("/s/app.css", headers={"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in r.headers and "vary" not in r.headers
    with pytest.raises(TypeError, match="precompressed"):
        static(str(zroot), precompressed=["lzma"])


def test_precompressed_sibling_must_stay_inside_the_root(zroot: pathlib.Path) -> None:
    write(zroot.parent / "evil.br", SECRET)
    write(zroot / "x.txt", "x\n")
    (zroot / "x.txt.br").symlink_to(zroot.parent / "evil.br")
    r = get(app_with(zroot, precompressed=True), "/s/x.txt", headers={"Accept-Encoding": "br"})
    assert r.content == b"x\n" and "content-encoding" not in r.headers


# ---------------------------------------------------------------------------- over a socket

def test_static_big_file_and_redirect_over_a_socket(loop: asyncio.AbstractEventLoop, root: pathlib.Path) -> None:
    data = bytes(range(256)) * 4096 * 3  # 3 MiB
    write(root / "big.bin", data)
    app = express()
    app.use(static(str(root)))

    def client(port: int) -> tuple[bytes, bytes]:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /sub HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        out = b""
        while chunk := sock.recv(1 << 20):
            out += chunk
        sock.close()
        first, _, rest = out.partition(b"</html>\n")
        return first, rest

    async def main() -> None:
        server = await app.start(port=0)
        try:
            first, rest = await asyncio.get_running_loop().run_in_executor(None, client, server.port)
        finally:
            await server.close()
        assert first.startswith(b"HTTP/1.1 301 Moved Permanently") and b"Location: /sub/" in first
        head, _, body = rest.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK") and body == data

    loop.run_until_complete(main())
    loop.run_until_complete(loop.shutdown_default_executor())


# ---------------------------------------------------------------------------- parse_url

@pytest.mark.parametrize("url,expected", [
    ("/a/b?x=1", ("/a/b", "?x=1", "")), ("/a/b", ("/a/b", "", "")), ("/a#h", ("/a", "", "#h")),
    ("/a?q#h", ("/a", "?q", "#h")), ("/a\\b#x", ("/a/b", "", "#x")), ("/a\\b", ("/a\\b", "", "")),
    ("http://host/p/q?x", ("/p/q", "?x", "")), ("/a b#", ("/a%20b", "", "#")), ("/?", ("/", "?", "")),
])
def test_parse_url(url: str, expected: tuple[str, str, str]) -> None:
    assert parse_url(url) == expected
