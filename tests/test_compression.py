"""``compression()``: npm compression 1.8.2 (gzip, deflate, br; negotiator 0.6.4's order).

Bodies are decompressed and compared as bytes; header lists are compared exactly (what Node's
compression + Express 5 send, as checked by tests/compat/middleware against the real thing).
"""
from __future__ import annotations

import asyncio
import gzip
import random
import zlib

import brotli
import pytest

from fastexpress import express
from fastexpress.errors import WriteAfterEndError
from fastexpress.middleware.compression import compressible, compression, negotiate_encoding, parse_bytes, should_compress
from fastexpress.testing import TestClient

NODE_HEADERS = {"date", "connection", "keep-alive"}
BIG = "The quick brown fox jumps over the lazy dog. " * 60  # 2700 bytes
GZIP = {"Accept-Encoding": "gzip"}


def app_headers(r):
    return [(k, v) for k, v in r.raw_headers if k.lower() not in NODE_HEADERS]


def decode(r) -> bytes:
    encoding = r.headers.get("content-encoding")
    if encoding == "gzip":
        return gzip.decompress(r.content)
    if encoding == "deflate":
        return zlib.decompress(r.content)
    if encoding == "br":
        return brotli.decompress(r.content)
    return r.content


def make(handler, path="/", **options):
    app = express()
    app.use(compression(**options))
    app.get(path, handler)
    return app


def sent(req) -> int:
    """Bytes handed to the connection so far (written, or gathered for this read's write)."""
    conn = req._conn
    return len(conn.transport.output) + sum(len(piece) for piece in conn._out or ())


def get(app, url="/", headers=None, method="GET"):
    with TestClient(app) as client:
        return client.request(method, url, headers=headers)


# -- negotiation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("header,expected", [
    ("gzip", "gzip"),
    ("deflate", "deflate"),
    ("br", "br"),
    ("gzip, deflate, br", "br"),  # equal q: compression prefers br, then gzip
    ("deflate, gzip", "gzip"),
    ("br;q=0.5, gzip", "gzip"),
    ("br;q=0.9, gzip;q=0.9, deflate", "deflate"),
    ("*", "br"),
    ("deflate, *;q=0.5", "deflate"),
    ("GZIP", "gzip"),
    ("identity", "identity"),
    ("gzip;q=0", "identity"),
    ("gzip;q=0.5, identity", "identity"),
    ("identity;q=0", None),
    ("*;q=0", None),
    ("compress", "identity"),
    ("", "identity"),
    ("gzip;q=x", "identity"),  # NaN quality: not acceptable
    ("gzip ; q=0.8, br;q=0.7", "gzip"),
    ("x-gzip, deflate", "deflate"),
])
def test_negotiation_matches_negotiator_with_preferred_order(header, expected):
    assert negotiate_encoding(header) == expected


# -- the default filter -----------------------------------------------------------------------------

@pytest.mark.parametrize("ctype,expected", [
    ("text/html; charset=utf-8", True),
    ("text/plain", True),
    ("TEXT/CSV", True),
    ("application/json; charset=utf-8", True),
    ("application/vnd.api+json", True),
    ("image/svg+xml", True),
    ("application/javascript", True),
    ("application/octet-stream", True),  # mime-db flags it compressible
    ("image/png", False),
    ("image/jpeg", False),
    ("application/zip", False),
    ("application/x-foo", False),
    ("font/ttf", True),
    ("  text/html", True),
    ("", False),
    (None, False),
])
def test_compressible(ctype, expected):
    assert compressible(ctype) is expected


@pytest.mark.parametrize("value,expected", [
    (None, None), (0, 0), (2048, 2048), (1.5, 1.5), ("1kb", 1024), ("1KB", 1024), ("1.5kb", 1536),
    ("2mb", 2 * 1024 * 1024), ("10", 10), ("10b", 10), ("abc", None), (True, None), ("1 kb", 1024),
])
def test_parse_bytes(value, expected):
    assert parse_bytes(value) == expected


# -- what gets compressed ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compresses_large_send(encoding):
    r = get(make(lambda req, res: res.send(BIG)), headers={"Accept-Encoding": encoding})
    assert r.status_code == 200
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("ETag", 'W/"a8c-CFcwvTazF5/kYKzSVyXDNcilNKY"'),
        ("Vary", "Accept-Encoding"),
        ("Content-Encoding", encoding),
        ("Transfer-Encoding", "chunked"),
    ]
    assert decode(r) == BIG.encode()
    assert len(r.content) < 200


def test_gzip_bytes_are_a_gzip_member():
    r = get(make(lambda req, res: res.send(BIG)), headers=GZIP)
    assert r.content[:3] == b"\x1f\x8b\x08"
    assert zlib.decompress(r.content, 31) == BIG.encode()


def test_below_threshold_only_vary():
    r = get(make(lambda req, res: res.send("hello")), headers=GZIP)
    assert r.text == "hello"
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "5"),
        ("ETag", 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
        ("Vary", "Accept-Encoding"),
    ]


def test_not_compressible_type_untouched():
    body = bytes(range(256)) * 12
    r = get(make(lambda req, res: res.type("png").send(body)), headers=GZIP)
    assert r.content == body
    assert "vary" not in r.headers and "content-encoding" not in r.headers
    assert r.headers["content-length"] == str(len(body))


def test_no_content_type_untouched():
    r = get(make(lambda req, res: res.end(BIG)), headers=GZIP)
    assert r.text == BIG and "vary" not in r.headers


@pytest.mark.parametrize("value", ["no-transform", "public, no-transform", "NO-TRANSFORM", "max-age=1,no-transform"])
def test_cache_control_no_transform(value):
    r = get(make(lambda req, res: res.set("Cache-Control", value).send(BIG)), headers=GZIP)
    assert r.text == BIG and "vary" not in r.headers and "content-encoding" not in r.headers


def test_cache_control_other_directive_is_compressed():
    r = get(make(lambda req, res: res.set("Cache-Control", "no-transformer").send(BIG)), headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"


def test_existing_content_encoding():
    r = get(make(lambda req, res: res.set("Content-Encoding", "x-custom").send(BIG)), headers=GZIP)
    assert r.text == BIG
    assert r.headers["content-encoding"] == "x-custom"
    assert r.headers["vary"] == "Accept-Encoding"


def test_identity_content_encoding_is_replaced():
    r = get(make(lambda req, res: res.set("Content-Encoding", "identity").send(BIG)), headers=GZIP)
    assert r.headers.get_all("content-encoding") == ["gzip"]
    assert decode(r) == BIG.encode()


def test_head_is_not_compressed_but_varies():
    r = get(make(lambda req, res: res.send(BIG)), headers=GZIP, method="HEAD")
    assert r.content == b""
    assert r.headers["content-length"] == "2700"
    assert r.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in r.headers


def test_no_accept_encoding_is_identity():
    r = get(make(lambda req, res: res.send(BIG)))
    assert r.text == BIG and r.headers["vary"] == "Accept-Encoding"


def test_vary_is_appended():
    r = get(make(lambda req, res: res.vary("Origin").send(BIG)), headers=GZIP)
    assert r.headers["vary"] == "Origin, Accept-Encoding"


def test_strong_etag_becomes_weak_when_compressed():
    app = make(lambda req, res: res.set("ETag", '"v1"').send(BIG))
    r = get(app, headers=GZIP)
    assert r.headers["etag"] == 'W/"v1"'
    assert r.headers["content-encoding"] == "gzip"
    assert get(app).headers["etag"] == '"v1"'  # uncompressed: the validator names these bytes


def test_fresh_304_is_not_compressed():
    app = make(lambda req, res: res.send(BIG))
    etag = get(app).headers["etag"]
    r = get(app, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert r.status_code == 304
    assert "vary" not in r.headers and "content-encoding" not in r.headers


def test_json_is_compressed():
    data = {"items": list(range(1000))}
    r = get(make(lambda req, res: res.json(data)), headers={"Accept-Encoding": "br"})
    assert r.headers["content-encoding"] == "br"
    import json

    assert json.loads(decode(r)) == data


def test_end_without_length_small_goes_chunked_uncompressed():
    # compression commits the head before end(): no Content-Length, as in Node
    r = get(make(lambda req, res: res.type("txt").end("small body")), headers=GZIP)
    assert r.text == "small body"
    assert ("Transfer-Encoding", "chunked") in r.raw_headers
    assert "content-length" not in r.headers
    assert r.headers["vary"] == "Accept-Encoding"


def test_end_with_big_body_is_compressed():
    r = get(make(lambda req, res: res.type("txt").end(BIG)), headers=GZIP)
    assert decode(r) == BIG.encode()


def test_str_with_encoding():
    text = "caf\u00e9 " * 500
    r = get(make(lambda req, res: res.type("txt").end(text, "latin-1")), headers=GZIP)
    assert decode(r) == text.encode("latin-1")


# -- streaming ------------------------------------------------------------------------------------

def test_write_stream_is_compressed_chunk_by_chunk():
    lines = [f"line {i}: {'x' * (i % 50)}\n" for i in range(500)]

    def handler(req, res):
        res.type("txt")
        for line in lines:
            res.write(line)
        res.end()

    for encoding in ("gzip", "deflate", "br"):
        r = get(make(handler), headers={"Accept-Encoding": encoding})
        assert r.headers["content-encoding"] == encoding
        assert decode(r) == "".join(lines).encode()


def test_small_write_is_compressed_length_unknown():
    def handler(req, res):
        res.type("txt")
        res.write("tiny")
        res.end(" body")

    r = get(make(handler), headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert decode(r) == b"tiny body"


def test_output_is_streamed_not_buffered():
    """Compressed bytes reach the transport while the handler is still writing."""
    seen = []
    payload = random.Random(7).randbytes(1 << 20)  # 1 MiB, incompressible: output comes early

    def handler(req, res):
        res.type("bin")
        res.set("Content-Type", "text/plain")
        for i in range(8):
            res.write(payload[i * 131072:(i + 1) * 131072])
            seen.append(sent(req))
        res.end()

    r = get(make(handler), headers=GZIP)
    assert decode(r) == payload
    assert seen[0] > 0  # the head went out with the first write
    assert seen[3] > seen[0] + 10000  # compressed data followed before the end


def test_flush_pushes_pending_output():
    outputs = []

    def handler(req, res):
        res.type("text/event-stream")
        res.write("data: one\n\n")
        before = sent(req)
        res.flush()
        outputs.append(sent(req) - before)
        res.end("data: two\n\n")

    for encoding in ("gzip", "br"):
        outputs.clear()
        r = get(make(handler), headers={"Accept-Encoding": encoding})
        assert decode(r) == b"data: one\n\ndata: two\n\n"
        assert outputs[0] > len("data: one\n\n")  # the flushed block went out at once


def test_flush_without_compression_is_a_no_op():
    def handler(req, res):
        res.type("png")
        res.write(b"x")
        res.flush()
        res.end(b"y")

    r = get(make(handler), headers=GZIP)
    assert r.content == b"xy"


def test_write_after_end_returns_false_when_compressing():
    results = []

    def handler(req, res):
        res.type("txt")
        res.write("a" * 10)
        res.end("b")
        results.append(res.write("late"))
        res.flush()  # nothing left to flush: no error
        results.append(res.end("later") is res)

    r = get(make(handler), headers=GZIP)
    assert decode(r) == b"a" * 10 + b"b"
    assert results == [False, True]


def test_write_after_an_uncompressed_end_fails_as_without_compression():
    results = []

    def handler(req, res):
        res.send("small")  # under the threshold: sent as it is
        try:
            res.write("late")
        except WriteAfterEndError as exc:
            results.append(exc)
        res.flush()
        results.append(res.end("later") is res)

    r = get(make(handler), headers=GZIP)
    assert r.content == b"small"
    assert "content-encoding" not in r.headers
    assert type(results[0]) is WriteAfterEndError and results[1:] == [True]


def test_backpressure_is_reported_and_drain_resumes():
    results = []

    async def handler(req, res):
        res.type("txt")
        flow = req._conn.flow
        results.append(res.write("x" * 5000))
        flow.pause_writing()  # the transport is over its high-water mark
        results.append(res.write("y" * 70000))
        asyncio.get_running_loop().call_later(0.01, flow.resume_writing)
        await res.drain()
        results.append(res.write("z"))
        res.end()

    r = get(make(handler), headers=GZIP)
    assert results == [True, False, True]
    assert decode(r) == b"x" * 5000 + b"y" * 70000 + b"z"


def test_http10_compressed_body_ends_at_close():
    app = make(lambda req, res: res.send(BIG))
    with TestClient(app) as client:
        _, transport = client.exchange(b"GET / HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")
    head, _, body = bytes(transport.output).partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head and b"Connection: close" in head
    assert b"Transfer-Encoding" not in head and b"Content-Length" not in head
    assert gzip.decompress(body) == BIG.encode()
    assert transport.closed


# -- options --------------------------------------------------------------------------------------

def test_threshold_zero_compresses_small_and_empty():
    r = get(make(lambda req, res: res.send("hello"), threshold=0), headers=GZIP)
    assert decode(r) == b"hello"
    r = get(make(lambda req, res: res.send(""), threshold=0), headers=GZIP)
    assert r.headers["content-encoding"] == "gzip" and decode(r) == b""


def test_threshold_string():
    app = make(lambda req, res: res.send(BIG), threshold="3kb")
    assert "content-encoding" not in get(app, headers=GZIP).headers
    app = make(lambda req, res: res.send(BIG), threshold="2kb")
    assert get(app, headers=GZIP).headers["content-encoding"] == "gzip"


def test_threshold_invalid_falls_back_to_1kb():
    app = make(lambda req, res: res.send("x" * 1000), threshold="lots")
    assert "content-encoding" not in get(app, headers=GZIP).headers
    app = make(lambda req, res: res.send("x" * 1100), threshold=None)
    assert get(app, headers=GZIP).headers["content-encoding"] == "gzip"


def test_level():
    body = BIG + "".join(str(i) for i in range(3000))
    fast = get(make(lambda req, res: res.send(body), level=1), headers=GZIP)
    best = get(make(lambda req, res: res.send(body), level=9), headers=GZIP)
    assert decode(fast) == decode(best) == body.encode()
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    assert fast.content == comp.compress(body.encode()) + comp.flush()


def test_brotli_quality_option():
    body = (BIG + "".join(str(i) for i in range(3000))).encode()
    r = get(make(lambda req, res: res.send(body.decode()), brotli={"params": {1: 11}}), headers={"Accept-Encoding": "br"})
    assert r.content == brotli.compress(body, quality=11)
    r = get(make(lambda req, res: res.send(body.decode())), headers={"Accept-Encoding": "br"})
    assert r.content == brotli.compress(body, quality=4)
    r = get(make(lambda req, res: res.send(body.decode()), brotli={"quality": 2}), headers={"Accept-Encoding": "br"})
    assert r.content == brotli.compress(body, quality=2)


def test_custom_filter_and_extending_the_default():
    body = bytes(range(256)) * 12
    app = make(lambda req, res: res.type("png").send(body), filter=lambda req, res: True)
    r = get(app, headers=GZIP)
    assert decode(r) == body
    extend = compression.filter  # type: ignore[attr-defined]
    assert extend is should_compress
    app = make(lambda req, res: res.send(BIG), filter=lambda req, res: "x-no" not in req.headers and extend(req, res))
    assert get(app, headers=GZIP).headers["content-encoding"] == "gzip"
    r = get(app, headers={"Accept-Encoding": "gzip", "X-No": "1"})
    assert "content-encoding" not in r.headers and "vary" not in r.headers


def test_enforce_encoding():
    app = make(lambda req, res: res.send(BIG), enforce_encoding="gzip")
    assert get(app).headers["content-encoding"] == "gzip"
    assert "content-encoding" not in get(app, headers={"Accept-Encoding": "identity"}).headers
    app = make(lambda req, res: res.send(BIG), enforceEncoding="compress")  # not supported: ignored
    assert "content-encoding" not in get(app).headers


def test_camel_case_options():
    app = make(lambda req, res: res.send(BIG), memLevel=9, windowBits=12, chunkSize=1024)
    assert decode(get(app, headers=GZIP)) == BIG.encode()


@pytest.mark.parametrize("options,error", [
    ({"level": 10}, ValueError), ({"level": "fast"}, TypeError), ({"mem_level": 0}, ValueError),
    ({"strategy": 9}, ValueError), ({"bogus": 1}, TypeError), ({"brotli": 4}, TypeError),
])
def test_bad_options(options, error):
    with pytest.raises(error):
        compression(**options)


def test_works_with_cors_and_other_wrappers():
    calls = []
    app = express()

    @app.use
    def spy(req, res, next):
        write = res.write

        def counted(data, encoding=None):
            calls.append(len(data))
            return write(data, encoding)

        res.write = counted
        next()

    app.use(compression())
    app.get("/", lambda req, res: res.send(BIG))
    r = get(app, headers=GZIP)
    assert decode(r) == BIG.encode()
    assert calls and sum(calls) == len(r.content)  # the spy saw the compressed bytes


def test_error_page_through_compression():
    app = express()
    app.use(compression(threshold=0))
    r = get(app, "/missing", headers=GZIP)
    assert r.status_code == 404
    assert b"Cannot GET /missing" in decode(r)


# -- files ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [3000, 300_000])  # written with the head / streamed in chunks
@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_send_file_is_compressed(tmp_path, size, encoding):
    pytest.importorskip("fastexpress.send")
    data = (b"0123456789 the lazy dog\n" * (size // 24 + 1))[:size]
    (tmp_path / "f.txt").write_bytes(data)
    app = make(lambda req, res: res.send_file(str(tmp_path / "f.txt")))
    r = get(app, headers={"Accept-Encoding": encoding})
    assert r.status_code == 200
    names = [k for k, _ in app_headers(r)]
    assert names[-4:] == ["Content-Type", "Vary", "Content-Encoding", "Transfer-Encoding"]
    assert "Content-Length" not in names
    assert decode(r) == data


def test_send_file_head_and_range(tmp_path):
    pytest.importorskip("fastexpress.send")
    data = b"abcdefghij" * 1000
    (tmp_path / "f.txt").write_bytes(data)
    app = make(lambda req, res: res.send_file(str(tmp_path / "f.txt")))
    r = get(app, headers=GZIP, method="HEAD")
    assert r.headers["content-length"] == "10000" and r.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in r.headers
    r = get(app, headers={"Accept-Encoding": "gzip", "Range": "bytes=10-2009"})
    assert r.status_code == 206 and r.headers["content-range"] == "bytes 10-2009/10000"
    assert decode(r) == data[10:2010]
    r = get(app, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert (r.status_code, r.content, r.headers["content-length"]) == (206, b"abcdefghij", "10")
