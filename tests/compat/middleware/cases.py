"""Cases for the middleware compatibility suite: compression, cors and logger (morgan) on
Express 5.3.0 + compression 1.8 + cors 2.8 + morgan 1.12 (app.js) against fastexpress (app.py).

Compressed bodies: Node's zlib is Chromium's fork, whose deflate output differs from the
system zlib's for the same input, level and window (both are valid; both decompress to the
same bytes). Cases answered with gzip or deflate are therefore checked with `expect_python`:
Express's status and headers exactly, and as body the system zlib's compression (same level,
same flush points) of Express's *decompressed* body. Brotli output is compared as sent.
"""
from __future__ import annotations

import zlib
from typing import Callable, Sequence

from cases import Case, case_adder  # tests/compat/cases.py (the suite runner puts tests/compat on sys.path)

CASES: list[Case] = []

ZLIB_BYTES = ("gzip/deflate bytes: the system zlib's deflate differs from Node's bundled Chromium "
              "zlib; checked against Express's headers and its decompressed body recompressed by zlib")


def _header(resp: dict[str, object], name: str) -> str | None:
    for key, value in resp["headers"]:  # type: ignore[union-attr]
        if key == name:
            return value
    return None


def _zlib_body(encoding: str, pieces: Sequence[bytes], level: int, flush_after: Sequence[int]) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
    out = b""
    for index, piece in enumerate(pieces):
        out += comp.compress(piece)
        if index in flush_after:
            out += comp.flush(zlib.Z_FULL_FLUSH)
    return out + comp.flush()


def recompressed(level: int = -1, split: Callable[[bytes], Sequence[bytes]] | None = None,
                 flush_after: Sequence[int] = ()) -> Callable[[dict[str, object]], dict[str, object]]:
    """Express's response with a gzip/deflate body as the system zlib writes it."""

    def expect(resp: dict[str, object]) -> dict[str, object]:
        encoding = _header(resp, "content-encoding")
        body = resp["body"]
        assert isinstance(body, bytes)
        if encoding not in ("gzip", "deflate"):
            return resp
        plain = zlib.decompress(body, 31 if encoding == "gzip" else 15)
        pieces = split(plain) if split is not None else [plain]
        return {**resp, "body": _zlib_body(encoding, pieces, level, flush_after)}

    return expect


_add = case_adder(CASES)


def case(*args: str, zlib_body: Callable[[dict[str, object]], dict[str, object]] | None = None,
         **extra: object) -> None:
    """The common ``case`` plus ``zlib_body``: what fastexpress's compressed body must be."""
    if zlib_body is not None:
        extra.setdefault("deliberate", ZLIB_BYTES)
        extra.setdefault("expect_python", zlib_body)
    _add(*args, **extra)


C, O, L = "compression", "cors", "logger"
GZIP = {"Accept-Encoding": "gzip"}
DEFLATE = {"Accept-Encoding": "deflate"}
BR = {"Accept-Encoding": "br"}
Z = recompressed()

# ---------------------------------------------------------------------------- compression
# Negotiation on one large HTML body.
case("c-gzip", "/c/html", C, "gzip: chunked, Content-Length removed, Vary added", headers=GZIP, zlib_body=Z)
case("c-deflate", "/c/html", C, "deflate (zlib format)", headers=DEFLATE, zlib_body=Z)
case("c-br", "/c/html", C, "br at quality 4", headers=BR)
case("c-browser", "/c/html", C, "gzip, deflate, br: br preferred at equal q",
     headers={"Accept-Encoding": "gzip, deflate, br"})
case("c-br-lower-q", "/c/html", C, "br;q=0.5, gzip: q decides", headers={"Accept-Encoding": "br;q=0.5, gzip"},
     zlib_body=Z)
case("c-star", "/c/html", C, "*: the preferred br", headers={"Accept-Encoding": "*"})
case("c-star-low", "/c/html", C, "deflate, *;q=0.5: deflate", headers={"Accept-Encoding": "deflate, *;q=0.5"},
     zlib_body=Z)
case("c-upper", "/c/html", C, "GZIP in capitals", headers={"Accept-Encoding": "GZIP"}, zlib_body=Z)
case("c-identity", "/c/html", C, "identity only: not compressed, Vary still added",
     headers={"Accept-Encoding": "identity"})
case("c-gzip-q0", "/c/html", C, "gzip;q=0: identity", headers={"Accept-Encoding": "gzip;q=0"})
case("c-identity-q0", "/c/html", C, "identity;q=0 and nothing else: not compressed",
     headers={"Accept-Encoding": "identity;q=0"})
case("c-unknown", "/c/html", C, "compress (unsupported): identity", headers={"Accept-Encoding": "compress"})
case("c-none", "/c/html", C, "no Accept-Encoding: identity")
case("c-empty-header", "/c/html", C, "empty Accept-Encoding", headers={"Accept-Encoding": ""})
case("c-equal-q", "/c/html", C, "br;q=0.9, gzip;q=0.9, deflate: deflate (q=1)",
     headers={"Accept-Encoding": "br;q=0.9, gzip;q=0.9, deflate"}, zlib_body=Z)
case("c-gzip-vs-deflate", "/c/html", C, "deflate, gzip: gzip is preferred over deflate",
     headers={"Accept-Encoding": "deflate, gzip"}, zlib_body=Z)
case("c-identity-first", "/c/html", C, "gzip;q=0.5, identity: identity wins",
     headers={"Accept-Encoding": "gzip;q=0.5, identity"})
case("c-bad-q", "/c/html", C, "gzip;q=x (NaN): not acceptable, identity",
     headers={"Accept-Encoding": "gzip;q=x"})
# What is (not) compressed.
case("c-small", "/c/small", C, "under the 1kb threshold: Vary only", headers=GZIP)
case("c-empty", "/c/empty", C, "empty body", headers=GZIP)
case("c-json", "/c/json", C, "res.json", headers=GZIP, zlib_body=Z)
case("c-json-br", "/c/json", C, "res.json in br", headers=BR)
case("c-text", "/c/text", C, "text/plain", headers=GZIP, zlib_body=Z)
case("c-png", "/c/png", C, "image/png: not compressible, no Vary", headers=GZIP)
case("c-octet", "/c/octet", C, "application/octet-stream is compressible in mime-db", headers=GZIP, zlib_body=Z)
case("c-svg", "/c/svg", C, "image/svg+xml", headers=BR)
case("c-js", "/c/js", C, "text/javascript", headers=GZIP, zlib_body=Z)
case("c-custom-type", "/c/custom-type", C, "unknown application/x-foo: not compressed", headers=GZIP)
case("c-vendor-json", "/c/vendor-json", C, "+json suffix", headers=GZIP, zlib_body=Z)
case("c-no-transform", "/c/no-transform", C, "Cache-Control: no-transform: untouched, no Vary", headers=GZIP)
case("c-no-transform-upper", "/c/no-transform-upper", C, "NO-TRANSFORM in capitals", headers=GZIP)
case("c-cache-other", "/c/cache-other", C, "no-transformer is another directive", headers=GZIP, zlib_body=Z)
case("c-encoded", "/c/encoded", C, "already has Content-Encoding: Vary, not compressed", headers=GZIP)
case("c-identity-encoded", "/c/identity-encoded", C, "Content-Encoding: identity: compressed, header replaced",
     headers=GZIP, zlib_body=Z)
case("c-head", "/c/html", C, "HEAD: Vary and Content-Length, no compression", method="HEAD", headers=GZIP)
case("c-stream", "/c/stream", C, "res.write chunks then end: compressed stream", headers=GZIP, zlib_body=Z)
case("c-stream-br", "/c/stream", C, "res.write chunks in br", headers=BR)
case("c-stream-small", "/c/stream-small", C, "write() first: no length known, compressed though tiny",
     headers=GZIP, zlib_body=Z)
case("c-end-small", "/c/end-small", C, "end(small) with no Content-Length: length estimated", headers=GZIP)
case("c-end-big", "/c/end-big", C, "end(big) with no Content-Length", headers=GZIP, zlib_body=Z)
case("c-end-cl", "/c/end-cl", C, "end(big) with a Content-Length set: removed", headers=GZIP, zlib_body=Z)
case("c-no-type", "/c/no-type", C, "no Content-Type: not compressed, no Vary", headers=GZIP)
case("c-status", "/c/status", C, "a 404 body is compressed too", headers=GZIP, zlib_body=Z)
case("c-no-content", "/c/no-content", C, "204: no body, no type: nothing to do", headers=GZIP)
def _weak_etag(expect: Callable[[dict[str, object]], dict[str, object]]) -> Callable[[dict[str, object]], dict[str, object]]:
    def weak(resp: dict[str, object]) -> dict[str, object]:
        resp = expect(resp)
        headers = [(n, "W/" + v if n == "etag" and not v.startswith("W/") else v)
                   for n, v in resp["headers"]]  # type: ignore[attr-defined]
        return {**resp, "headers": headers}

    return weak


case("c-etag", "/c/etag", C, "a strong ETag becomes weak once compressed (compression 1.8 leaves it)",
     headers=GZIP, zlib_body=_weak_etag(Z),
     deliberate="a compressed response's strong ETag is made weak, as nginx does")
case("c-304", "/c/html", C, "If-None-Match fresh: 304 without Vary",
     headers={"Accept-Encoding": "gzip", "If-None-Match": 'W/"a8c-CFcwvTazF5/kYKzSVyXDNcilNKY"'})
case("c-304-stale", "/c/html", C, "If-None-Match stale: compressed 200",
     headers={"Accept-Encoding": "gzip", "If-None-Match": 'W/"other"'}, zlib_body=Z)
case("c-vary", "/c/vary", C, "existing Vary: Accept-Encoding appended", headers=GZIP, zlib_body=Z)
case("c-vary-star", "/c/vary-star", C, "Vary: * stays *", headers=GZIP, zlib_body=Z)
case("c-redirect", "/c/redirect", C, "redirect body is small", headers={"Accept-Encoding": "gzip", "Accept": "text/html"})
case("c-404", "/c/nowhere", C, "the final handler's 404 page", headers=GZIP)
case("c-http10", "/c/html", C, "HTTP/1.0: compressed, body ends at close",
     raw=b"GET /c/html HTTP/1.0\r\nHost: example.com\r\nAccept-Encoding: gzip\r\n\r\n", zlib_body=Z)
case("c-flush-br", "/c/flush", C, "res.flush() between writes (br)", headers=BR)
case("c-flush-gzip", "/c/flush", C, "res.flush() between writes (gzip, full flushes)", headers=GZIP,
     zlib_body=recompressed(split=lambda b: [p + b"\n\n" for p in b.split(b"\n\n")[:-1]], flush_after=(0, 1)))
# Options.
case("c-threshold-0-small", "/zero/small", C, "threshold 0: small bodies compressed", headers=GZIP, zlib_body=Z)
case("c-threshold-0-empty", "/zero/empty", C, "threshold 0: even an empty body", headers=GZIP, zlib_body=Z)
case("c-threshold-0-br", "/zero/small", C, "threshold 0 in br", headers=BR)
case("c-threshold-3kb", "/t3k/html", C, "threshold '3kb': a 2700-byte body is not compressed", headers=GZIP)
case("c-threshold-3kb-stream", "/t3k/stream", C, "threshold '3kb' and a stream: compressed", headers=GZIP,
     zlib_body=Z)
case("c-level1", "/level1/html", C, "level 1", headers=GZIP, zlib_body=recompressed(level=1))
case("c-level1-br", "/level1/html", C, "level does not touch br", headers=BR)
case("c-filter-png", "/filter/png", C, "custom filter: png compressed", headers=GZIP, zlib_body=Z)
case("c-filter-off", "/filter/html", C, "custom filter says no: no Vary",
     headers={"Accept-Encoding": "gzip", "X-No-Compression": "1"})
case("c-extend-png", "/extend/png", C, "filter extending compression.filter", headers=BR)
case("c-extend-custom", "/extend/custom-type", C, "... and falling back to it", headers=BR)
case("c-enforce", "/enforce/html", C, "enforceEncoding gzip without Accept-Encoding", zlib_body=Z)
case("c-enforce-identity", "/enforce/html", C, "enforceEncoding does not override an explicit header",
     headers={"Accept-Encoding": "identity"})
case("c-brotli-quality", "/brq/html", C, "brotli params quality 11", headers=BR)

# Files (res.sendFile through compression: streamed through res.write, as send pipes).
F = "compression + sendFile"
case("file-big-gzip", "/file/big.txt", F, "a 114 kB file, gzip", headers=GZIP, zlib_body=Z)
case("file-big-br", "/file/big.txt", F, "a 114 kB file, br", headers=BR)
case("file-big-identity", "/file/big.txt", F, "a 114 kB file, no Accept-Encoding")
case("file-css-deflate", "/file/small.css", F, "a 2 kB css file, deflate", headers=DEFLATE, zlib_body=Z)
case("file-tiny", "/file/tiny.json", F, "under the threshold: Vary only", headers=GZIP)
case("file-head", "/file/big.txt", F, "HEAD of a file", method="HEAD", headers=GZIP)
case("file-range-small", "/file/big.txt", F, "a 100-byte range: 206, not compressed",
     headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
case("file-range-big", "/file/big.txt", F, "a 5000-byte range: 206, compressed",
     headers={"Accept-Encoding": "gzip", "Range": "bytes=1000-5999"}, zlib_body=Z)
case("file-not-modified", "/file/big.txt", F, "If-Modified-Since in the future: 304",
     headers={"Accept-Encoding": "gzip", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
case("file-missing", "/file/nope.txt", F, "a missing file: the error handler's JSON", headers=GZIP)

# ---------------------------------------------------------------------------- cors
ORIGIN = {"Origin": "http://client.example"}


def preflight(origin: str = "http://client.example", method: str = "PUT",
              headers: str | None = "X-Custom, Content-Type") -> dict[str, str]:
    out = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        out["Access-Control-Request-Headers"] = headers
    return out


case("cors-simple", "/cors/default", O, "default: ACAO *", headers=ORIGIN)
case("cors-no-origin", "/cors/default", O, "default without Origin: ACAO * all the same")
case("cors-post", "/cors/default", O, "POST with Origin", method="POST", headers=ORIGIN, body="x")
case("cors-preflight", "/cors/default", O, "preflight: 204, methods, reflected headers, CL 0",
     method="OPTIONS", headers=preflight())
case("cors-preflight-no-acrh", "/cors/default", O, "preflight without Access-Control-Request-Headers",
     method="OPTIONS", headers=preflight(headers=None))
case("cors-use-preflight", "/cors/all/x", O, "app.use(cors()) answers OPTIONS for any path",
     method="OPTIONS", headers=preflight())
case("cors-use-get", "/cors/all/x", O, "app.use(cors()) on GET", headers=ORIGIN)
case("cors-fixed", "/cors/fixed", O, "fixed origin string + Vary: Origin", headers=ORIGIN)
case("cors-fixed-preflight", "/cors/fixed", O, "fixed origin, preflight", method="OPTIONS", headers=preflight())
case("cors-reflect", "/cors/reflect", O, "origin true reflects", headers=ORIGIN)
case("cors-reflect-none", "/cors/reflect", O, "origin true without Origin: only Vary")
case("cors-reflect-preflight", "/cors/reflect", O, "origin true, preflight", method="OPTIONS",
     headers=preflight())
case("cors-off", "/cors/off", O, "origin false: no CORS headers", headers=ORIGIN)
case("cors-off-preflight", "/cors/off", O, "origin false: OPTIONS falls to the router", method="OPTIONS",
     headers=preflight())
case("cors-list-string", "/cors/list", O, "list: string entry", headers={"Origin": "http://a.example"})
case("cors-list-regex", "/cors/list", O, "list: regex entry", headers={"Origin": "http://x.b.example"})
case("cors-list-miss", "/cors/list", O, "list: not allowed, Vary only", headers={"Origin": "http://c.example"})
case("cors-regex-hit", "/cors/regex", O, "regex origin", headers={"Origin": "https://www.site.example"})
case("cors-regex-miss", "/cors/regex", O, "regex origin, no match", headers={"Origin": "http://site.example"})
case("cors-empty-list", "/cors/empty-list", O, "origin [] is truthy: Vary, nothing allowed", headers=ORIGIN)
case("cors-fn-allow", "/cors/fn", O, "origin function allows", headers={"Origin": "http://fn.example"})
case("cors-fn-deny", "/cors/fn", O, "origin function denies: no headers", headers=ORIGIN)
case("cors-fn-deny-preflight", "/cors/fn", O, "origin function denies a preflight: router's OPTIONS",
     method="OPTIONS", headers=preflight())
case("cors-fn-value", "/cors/fn-value", O, "origin function returns a string", headers=ORIGIN)
case("cors-fn-error", "/cors/fn-error", O, "origin callback error goes to the error handler", headers=ORIGIN)
case("cors-fn-later", "/cors/fn-later", O, "origin answered later (async)", headers=ORIGIN)
case("cors-full-get", "/cors/full", O, "credentials + exposed headers on GET", headers=ORIGIN)
case("cors-full-preflight", "/cors/full", O, "every option in a preflight", method="OPTIONS",
     headers=preflight())
case("cors-strings-preflight", "/cors/strings", O, "string options", method="OPTIONS", headers=preflight())
case("cors-strings-get", "/cors/strings", O, "string exposedHeaders on GET", headers=ORIGIN)
case("cors-headers-alias", "/cors/headers-alias", O, "`headers` as allowedHeaders", method="OPTIONS",
     headers=preflight())
case("cors-empty-headers", "/cors/empty-headers", O, "empty lists: no ACAH, no Vary, no ACEH", method="OPTIONS",
     headers=preflight())
case("cors-maxage0", "/cors/maxage0", O, "maxAge 0 is sent; credentials must be exactly true",
     method="OPTIONS", headers=preflight())
case("cors-continue", "/cors/continue", O, "preflightContinue: the route answers", method="OPTIONS",
     headers=preflight())
case("cors-continue-auto", "/cors/continue-auto", O, "preflightContinue: the router's automatic OPTIONS",
     method="OPTIONS", headers=preflight())
case("cors-status200", "/cors/status200", O, "optionsSuccessStatus 200", method="OPTIONS", headers=preflight())
case("cors-delegate", "/cors/delegate", O, "options delegate", headers=ORIGIN)
case("cors-delegate-preflight", "/cors/delegate", O, "options delegate, preflight", method="OPTIONS",
     headers=preflight())
case("cors-delegate-deny", "/cors/delegate?deny", O, "options delegate: origin false", headers=ORIGIN)
case("cors-delegate-fail", "/cors/delegate?fail", O, "options delegate error", headers=ORIGIN)
case("cors-vary", "/cors/vary", O, "Vary: Origin appended to an existing Vary", headers=ORIGIN)
case("cors-compressed", "/cors/compressed", O, "cors + compression: Vary: Origin, Accept-Encoding",
     headers={"Origin": "http://client.example", "Accept-Encoding": "gzip"}, zlib_body=Z)
case("cors-compressed-br", "/cors/compressed", O, "cors + compression in br",
     headers={"Origin": "http://client.example", "Accept-Encoding": "br"})

# ---------------------------------------------------------------------------- logger
case("log-hello", "/log/hello", L, "morgan/logger leave the response alone",
     headers={"User-Agent": "compat", "Referer": "http://r.example/"})
case("log-head", "/log/hello", L, "HEAD through the loggers", method="HEAD")
case("log-404", "/log/missing", L, "a 404 through the loggers")
case("log-compressed", "/log-c/big", L, "logger before compression", headers=BR)
