"""The compiled speedups and their pure-Python twin: same results, same errors."""
from __future__ import annotations

import os

import pytest

import fastexpress
from fastexpress import _speedups_py

try:
    from fastexpress import _speedups as _compiled
except ImportError:
    _compiled = None

TWINS = [pytest.param(_speedups_py, id="python")]
if _compiled is not None:
    TWINS.append(pytest.param(_compiled, id="cython"))


def test_expected_implementation_loaded() -> None:
    if os.environ.get("FASTEXPRESS_NO_EXTENSIONS"):
        assert fastexpress.IMPLEMENTATION == "python"
    elif os.environ.get("FASTEXPRESS_EXPECT_COMPILED"):
        # CI builds the extension: silently running on the twin would hide a broken build.
        assert _compiled is not None, "the compiled speedups were expected but did not import"
        assert fastexpress.IMPLEMENTATION == "cython"
    else:
        assert fastexpress.IMPLEMENTATION == ("cython" if _compiled is not None else "python")


VALID = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("X-Tab", "a\tb"),
    ("X-Latin", "caf\xe9"),
    ("x-empty", ""),
    ("!#$%&'*+-.^_`|~", "v"),
]
BAD_NAMES = ["", "X Space", "X:Colon", "X\r\nInjected", "X\x00", "Ünïcode", "X(", "X@"]
BAD_VALUES = ["a\rb", "a\nb", "a\r\nSet-Cookie: x=1", "nul\x00", "bell\x07", "del\x7f", "snow\u2603"]


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("name,value", VALID)
def test_valid_headers_pass(mod, name: str, value: str) -> None:
    assert mod.validate_header(name, value) is None


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_header_names_raise(mod, name: str) -> None:
    with pytest.raises(ValueError, match="Header name must be a valid HTTP token"):
        mod.validate_header(name, "v")


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_header_values_raise(mod, value: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid character in header content \['X-Test'\]"):
        mod.validate_header("X-Test", value)


@pytest.mark.parametrize("mod", TWINS)
def test_non_string_value_is_type_error(mod) -> None:
    with pytest.raises(TypeError):
        mod.validate_header("X-Test", 5)


@pytest.mark.parametrize("mod", TWINS)
def test_build_head(mod) -> None:
    head = mod.build_head(
        b"HTTP/1.1 200 OK\r\n",
        [("Content-Type", "text/plain"), ("Set-Cookie", ["a=1", "b=2"]), ("X-Latin", "caf\xe9")],
        b"Date: x\r\n",
    )
    assert head == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
        b"X-Latin: caf\xe9\r\nDate: x\r\n\r\n"
    )


@pytest.mark.parametrize("mod", TWINS)
def test_build_head_refuses_injection(mod) -> None:
    with pytest.raises(ValueError):
        mod.build_head(b"HTTP/1.1 200 OK\r\n", [("X", ["ok", "bad\r\nEvil: 1"])], b"")


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("data", [b"a", b"hello world", b"x" * 4096])
def test_chunk(mod, data: bytes) -> None:
    assert mod.chunk(data) == b"%x\r\n" % len(data) + data + b"\r\n"


def test_twins_agree_on_messages() -> None:
    if _compiled is None:
        pytest.skip("compiled speedups not built")
    for name, value in [("X Y", "v"), ("X", "a\nb")]:
        errors = []
        for mod in (_speedups_py, _compiled):
            with pytest.raises(ValueError) as info:
                mod.validate_header(name, value)
            errors.append(str(info.value))
        assert errors[0] == errors[1]


@pytest.mark.parametrize("mod", TWINS)
def test_build_head_with_body(mod) -> None:
    assert mod.build_head(b"HTTP/1.1 204 No Content\r\n", [], b"", b"") == b"HTTP/1.1 204 No Content\r\n\r\n"
    assert mod.build_head(b"HTTP/1.1 200 OK\r\n", [("A", "b")], b"", b"body") == b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"


@pytest.mark.parametrize("mod", TWINS)
def test_build_head_cached_line_is_still_validated_for_new_values(mod) -> None:
    # The line cache is keyed by (name, value): a good line cached must not let a bad one by.
    mod.build_head(b"HTTP/1.1 200 OK\r\n", [("X-Cache", "ok")], b"")
    with pytest.raises(ValueError):
        mod.build_head(b"HTTP/1.1 200 OK\r\n", [("X-Cache", "ok\r\nEvil: 1")], b"")


@pytest.mark.parametrize("mod", TWINS)
def test_line_cache_stays_bounded_and_keeps_taking_new_lines(mod) -> None:
    # Lines that differ per response (each body's ETag) pass the bound many times over; a line
    # first seen after that (a route answered later) is still remembered, and the bytes are
    # the same whether a line came from the cache or not.
    status = b"HTTP/1.1 200 OK\r\n"
    for i in range(3 * 4096):
        etag = f'W/"{i:x}-abc"'
        assert mod.build_head(status, [("ETag", etag)], b"") == f"HTTP/1.1 200 OK\r\nETag: {etag}\r\n\r\n".encode()
        assert len(mod.LINE_CACHE) <= 4096
    late = ("X-Late-Route", "1")
    assert mod.build_head(status, [late], b"") == b"HTTP/1.1 200 OK\r\nX-Late-Route: 1\r\n\r\n"
    assert mod.LINE_CACHE.get(late) == b"X-Late-Route: 1\r\n"
    assert mod.build_head(status, [late], b"") == b"HTTP/1.1 200 OK\r\nX-Late-Route: 1\r\n\r\n"


class _Str(str):
    pass


HEAD_CASES = [
    [("A", _Str("sub"))],  # a str subclass is a str
    [("A", ("t1", "t2"))],  # any iterable of values gives one line each
    [("A", [])],
    [("Set-Cookie", ["a=1", 5])],  # a non-string item: TypeError
    [("A", "ok"), ("B", "bad\x00")],
    [("X Y", "v")],
    [("A", "\u2603")],
    [(b"A", "v")],  # a bytes name
    [("A", "v" * 70_000)],
]


@pytest.mark.parametrize("headers", HEAD_CASES, ids=range(len(HEAD_CASES)))
def test_twins_agree_on_build_head(headers: list) -> None:
    """Results, or the exception type and message, are the same in both twins."""
    if _compiled is None:
        pytest.skip("compiled speedups not built")
    outcomes = []
    for mod in (_speedups_py, _compiled):
        try:
            outcomes.append(mod.build_head(b"HTTP/1.1 200 OK\r\n", headers, b"T: t\r\n", b"body" * 5000))
        except Exception as exc:  # noqa: BLE001 - the exception is what is compared
            outcomes.append((type(exc), str(exc)))
    assert outcomes[0] == outcomes[1]


# -- frame_head: Node's framing rules as a table ----------------------------------------------
OK = b"HTTP/1.1 200 OK\r\n"
KA = b"Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
CLOSE = b"Connection: close\r\n"
CT = {"content-type": ("Content-Type", "text/plain")}


def _h(**headers: str | list[str]) -> dict:
    """A response's header dict, as res.set leaves it."""
    return {name.replace("_", "-"): (name.replace("_", "-").title(), value) for name, value in headers.items()}


# (status, method, headers, end, http11, keep_alive, data) ->
# (head after the status line with Date as "D", rest, body, keep_alive, chunked)
FRAMES = [
    # A whole body: Content-Length, keep-alive.
    ((200, "GET", CT, True, True, True, b"hi"),
     (b"Content-Type: text/plain\r\nD" + KA + b"Content-Length: 2\r\n\r\nhi", b"", True, True, False)),
    # The request or the server says close.
    ((200, "GET", CT, True, True, False, b"hi"),
     (b"Content-Type: text/plain\r\nD" + CLOSE + b"Content-Length: 2\r\n\r\nhi", b"", True, False, False)),
    # HEAD: no body and no framing (the app's own Content-Length would stay).
    ((200, "HEAD", CT, True, True, True, b"hi"),
     (b"Content-Type: text/plain\r\nD" + KA + b"\r\n", b"", False, True, False)),
    ((200, "HEAD", _h(content_length="2"), True, True, True, b"hi"),
     (b"Content-Length: 2\r\nD" + KA + b"\r\n", b"", False, True, False)),
    # 204, 304 and 1xx carry no body.
    ((204, "GET", {}, True, True, True, b"x"), (b"D" + KA + b"\r\n", b"", False, True, False)),
    ((304, "GET", {}, True, True, True, b"x"), (b"D" + KA + b"\r\n", b"", False, True, False)),
    ((101, "GET", {}, True, True, True, b"x"), (b"D" + KA + b"\r\n", b"", False, True, False)),
    # 201 and 404 do.
    ((201, "POST", {}, True, True, True, b""), (b"D" + KA + b"Content-Length: 0\r\n\r\n", b"", True, True, False)),
    ((404, "GET", {}, True, True, True, b"no"), (b"D" + KA + b"Content-Length: 2\r\n\r\nno", b"", True, True, False)),
    # A first write of a body of unknown length: chunked on HTTP/1.1 ...
    ((200, "GET", {}, False, True, True, b"abc"),
     (b"D" + KA + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", b"", True, True, True)),
    ((200, "GET", {}, False, True, True, b""), (b"D" + KA + b"Transfer-Encoding: chunked\r\n\r\n", b"", True, True, True)),
    # ... the close ends it on HTTP/1.0.
    ((200, "GET", {}, False, False, True, b"abc"), (b"D" + CLOSE + b"\r\nabc", b"", True, False, False)),
    # The app's own framing and connection headers are kept and obeyed.
    ((200, "GET", _h(content_length="3"), False, True, True, b"abc"),
     (b"Content-Length: 3\r\nD" + KA + b"\r\nabc", b"", True, True, False)),
    ((200, "GET", _h(transfer_encoding="chunked"), False, True, True, b"abc"),
     (b"Transfer-Encoding: chunked\r\nD" + KA + b"\r\n3\r\nabc\r\n", b"", True, True, True)),
    ((200, "GET", _h(transfer_encoding="gzip, Chunked"), False, True, True, b"abc"),
     (b"Transfer-Encoding: gzip, Chunked\r\nD" + KA + b"\r\n3\r\nabc\r\n", b"", True, True, True)),
    ((200, "GET", _h(transfer_encoding="gzip"), True, True, True, b"abc"),
     (b"Transfer-Encoding: gzip\r\nD" + KA + b"\r\nabc", b"", True, True, False)),
    ((304, "GET", _h(transfer_encoding="chunked"), True, True, True, b"abc"),
     (b"Transfer-Encoding: chunked\r\nD" + KA + b"\r\n", b"", False, True, False)),
    ((200, "GET", _h(connection="Close"), True, True, True, b"hi"),
     (b"Connection: Close\r\nDContent-Length: 2\r\n\r\nhi", b"", True, False, False)),
    ((200, "GET", _h(connection=["keep-alive", "close"]), True, True, True, b""),
     (b"Connection: keep-alive\r\nConnection: close\r\nDContent-Length: 0\r\n\r\n", b"", True, False, False)),
    ((200, "GET", _h(connection="keep-alive"), True, True, False, b""),
     (b"Connection: keep-alive\r\nDContent-Length: 0\r\n\r\n", b"", True, False, False)),
    ((200, "GET", _h(connection="upgrade"), True, True, True, b""),
     (b"Connection: upgrade\r\nDContent-Length: 0\r\n\r\n", b"", True, True, False)),
    ((200, "GET", _h(date="Thu, 01 Jan 1970 00:00:00 GMT"), True, True, True, b""),
     (b"Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n" + KA + b"Content-Length: 0\r\n\r\n", b"", True, True, False)),
]


def _frame(mod, args):
    status, method, headers, end, http11, keep_alive, data = args
    head, rest, body, keep, chunked = mod.frame_head(OK, status, method, headers, end, http11, keep_alive, KA, data)
    date = mod.date_line()
    assert head.startswith(OK) and head.count(date) == (0 if "date" in headers else 1)
    return head[len(OK):].replace(date, b"D"), rest, body, keep, chunked


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("args,expected", FRAMES, ids=range(len(FRAMES)))
def test_frame_head(mod, args, expected) -> None:
    assert _frame(mod, args) == expected


@pytest.mark.parametrize("mod", TWINS)
def test_frame_head_leaves_a_large_body_out_of_the_head(mod) -> None:
    limit = mod.COALESCE_MAX
    assert _frame(mod, (200, "GET", {}, True, True, True, b"x" * limit)) == (
        b"D" + KA + b"Content-Length: %d\r\n\r\n" % limit + b"x" * limit, b"", True, True, False)
    assert _frame(mod, (200, "GET", {}, True, True, True, b"x" * (limit + 1))) == (
        b"D" + KA + b"Content-Length: %d\r\n\r\n" % (limit + 1), b"x" * (limit + 1), True, True, False)
    chunked = _frame(mod, (200, "GET", {}, False, True, True, b"x" * limit))
    assert chunked[0] == b"D" + KA + b"Transfer-Encoding: chunked\r\n\r\n"  # framed, it is over the limit
    assert chunked[1] == b"%x\r\n" % limit + b"x" * limit + b"\r\n"


@pytest.mark.parametrize("mod", TWINS)
def test_frame_head_validates_headers(mod) -> None:
    with pytest.raises(ValueError, match="Invalid character in header content"):
        mod.frame_head(OK, 200, "GET", _h(x_bad="a\r\nb"), True, True, True, KA, b"")


@pytest.mark.parametrize("mod", TWINS)
def test_date_line_is_now_in_imf_fixdate(mod) -> None:
    import time
    from email.utils import parsedate_to_datetime

    line = mod.date_line()
    assert line.startswith(b"Date: ") and line.endswith(b" GMT\r\n")
    assert abs(parsedate_to_datetime(line[6:-2].decode()).timestamp() - time.time()) < 2


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("method,status,expected", [
    ("GET", 200, True), ("HEAD", 200, False), ("POST", 201, True), ("GET", 204, False), ("GET", 304, False),
    ("GET", 100, False), ("GET", 199, False), ("GET", 205, True), ("GET", 500, True), ("HEAD", 500, False),
])
def test_has_body(mod, method: str, status: int, expected: bool) -> None:
    assert mod.has_body(method, status) is expected


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("lines,expected", [
    ([], {}),
    ([(b"Host", b"a"), (b"X-UPPER", b"Mixed Value")], {"host": "a", "x-upper": "Mixed Value"}),
    ([(b"@[AZ`{az", b"")], {"@[az`{az": ""}),  # only A-Z fold: the bytes just outside them do not
    ([(b"X-L", b"caf\xe9 \xff")], {"x-l": "caf\xe9 \xff"}),  # values are Latin-1
    ([(b"X-\xc0", b"v")], {"x-\xe0": "v"}),  # a non-ASCII name folds as str.lower() does
    ([(b"X-" + b"A" * 100, b"v")], {"x-" + "a" * 100: "v"}),  # longer than the compiled buffer
    ([(b"A", b"1"), (b"b", b"2"), (b"a", b"3")], None),  # a repeat: headers.py joins it
])
def test_header_map(mod, lines: list, expected) -> None:
    assert mod.header_map(lines) == expected


# ETags as Express 5.3.0 (etag 1.8.1) sends them for these bodies.
EXPRESS_ETAGS = [
    (b"", 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
    (b"hello", 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    (b"Hello, World!", 'W/"d-CgqfKmdylCVXq1NV12r0Qvj2XgE"'),
]


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("body,expected", EXPRESS_ETAGS)
def test_weak_etag_matches_express(mod, body: bytes, expected: str) -> None:
    assert mod.weak_etag(body) == expected


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("size", [1, 15, 16, 17, 55, 56, 64, 255, 256, 4095, 4096, 65536, 1 << 20])
def test_weak_etag_agrees_with_the_formula(mod, size: int) -> None:
    # Lengths around hex-digit and SHA-1 block boundaries; the reference is etag 1.8.1's
    # formula written out here (httputil.etag builds on the twins, so it cannot serve).
    import base64
    import hashlib

    body = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    expected = 'W/"%x-%s"' % (size, base64.b64encode(hashlib.sha1(body).digest()).decode()[:27])
    assert mod.weak_etag(body) == expected


def _libcrypto_mapped() -> bool:
    try:
        with open("/proc/self/maps") as maps:
            return "/libcrypto.so" in maps.read()
    except OSError:  # not Linux
        return False


@pytest.mark.skipif(_compiled is None, reason="the compiled speedups are not built")
def test_compiled_etag_takes_sha1_from_the_loaded_libcrypto() -> None:
    # Where hashlib has loaded OpenSSL, the compiled weak_etag must call it directly.
    import hashlib  # noqa: F401  (loads libcrypto where hashlib is built on it)

    if not _libcrypto_mapped():
        pytest.skip("no libcrypto mapped in this process (hashlib built without OpenSSL, or not Linux)")
    assert _compiled.SHA1_SOURCE == "libcrypto"


@pytest.mark.skipif(_compiled is None, reason="the compiled speedups are not built")
def test_compiled_etag_falls_back_to_hashlib() -> None:
    # No such library loaded: the same ETags, through hashlib.
    try:
        assert _compiled._load_sha1((b"libfastexpress-no-such-crypto.so.9",)) == "hashlib"
        assert _compiled.SHA1_SOURCE == "hashlib"
        for body, expected in EXPRESS_ETAGS:
            assert _compiled.weak_etag(body) == expected
        body = bytes(range(256)) * 300
        assert _compiled.weak_etag(body) == _speedups_py.weak_etag(body)
    finally:
        _compiled._load_sha1()
    assert _compiled.SHA1_SOURCE == ("libcrypto" if _libcrypto_mapped() else "hashlib")


class HeadError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def parse_head(mod, raw: bytes, max_size: int = 1024, max_headers: int = 10):
    """Feed ``raw`` through httptools with the twin's RequestHead: its fields after the head and
    the callbacks it made (``on_head`` with its arguments), or ("error", status)."""
    import httptools

    seen: list = []
    given: list = []

    def on_head(method, url, version, keep_alive, *fields):
        seen.append(("head", method, url, version, keep_alive))
        given.append(fields)

    head = mod.RequestHead(max_size, max_headers, HeadError, on_head,
                           lambda body: seen.append("body"), lambda: seen.append("complete"))
    head.read_time = 12.5
    parser = head.parser = httptools.HttpRequestParser(head)
    try:
        parser.feed_data(raw)
    except httptools.HttpParserCallbackError as exc:
        return ("error", exc.__context__.status)
    # on_head is also given the fields the protocol needs, as they are when the head completes.
    fields = (head.headers, head.size, head.has_body, head.conditional, head.expect, head.start_time)
    assert all(one == fields for one in given)
    return (head.url, head.headers, head.size, head.in_head, head.host_count, head.expect, head.te,
            head.has_body, head.conditional, head.connection, head.start_time, seen)


HEADS = [
    (b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n",
     (b"/a?b=1", [(b"Host", b"x")], 6 + 9, False, 1, None, None, False, False, False, 12.5,
      [("head", "GET", "/a?b=1", "1.1", True), "complete"])),
    (b"POST /p HTTP/1.1\r\nhOST: x\r\ntransfer-encoding: Chunked\r\n"
     b"Expect: 100-Continue\r\nIf-None-Match: \"a\"\r\nConnection: close\r\nX-Trail: v \t\r\n\r\n0\r\n\r\n",
     (b"/p", [(b"hOST", b"x"), (b"transfer-encoding", b"Chunked"),
              (b"Expect", b"100-Continue"), (b"If-None-Match", b'"a"'), (b"Connection", b"close"),
              (b"X-Trail", b"v")],
      2 + 9 + 28 + 22 + 20 + 19 + 14, False, 1, "100-continue", "chunked", True, True, True, 12.5,
      [("head", "POST", "/p", "1.1", False), "complete"])),
    (b"GET / HTTP/1.0\r\nContent-Length: 0\r\nIf-Modified-Since: x\r\nExpect: other\r\n\r\n",
     (b"/", [(b"Content-Length", b"0"), (b"If-Modified-Since", b"x"), (b"Expect", b"other")],
      1 + 19 + 22 + 15, False, 0, "other", None, True, True, False, 12.5,
      [("head", "GET", "/", "1.0", False), "complete"])),
    (b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab",
     (b"/x", [(b"Host", b"x"), (b"Content-Length", b"2")], 2 + 9 + 19, False, 1, None, None, True, False, False,
      12.5, [("head", "POST", "/x", "1.1", True), "body", "complete"])),
    (b"GET /" + b"u" * 2000 + b" HTTP/1.1\r\n\r\n", ("error", 431)),  # URL past max_size
    (b"GET / HTTP/1.1\r\nX: " + b"v" * 1100 + b"\r\n\r\n", ("error", 431)),  # header past max_size
    (b"GET / HTTP/1.1\r\n" + b"A: b\r\n" * 11 + b"\r\n", ("error", 431)),  # too many headers
    # What the complete head decides (RFC 9112 3.2, 6.1; RFC 9110 10.1.1).
    (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ("error", 400)),
    (b"GET / HTTP/1.1\r\n\r\n", ("error", 400)),
    (b"GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", ("error", 400)),
    (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ("error", 501)),
    (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
     ("error", 501)),
    (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", ("error", 400)),  # not chunked
    (b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue-please\r\n\r\n", ("error", 417)),
    # Not complete yet: httptools holds the last header until the next line starts.
    (b"GET / HTTP/1.1\r\nHost: x\r\n", (b"/", [], 1, True, 0, None, None, False, False, False, 12.5, [])),
]


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("raw,expected", HEADS, ids=range(len(HEADS)))
def test_request_head(mod, raw: bytes, expected) -> None:
    assert parse_head(mod, raw) == expected


@pytest.mark.parametrize("raw", [raw for raw, _ in HEADS])
def test_request_head_twins_agree_byte_by_byte(raw: bytes) -> None:
    # The same head fed one byte at a time (httptools calls on_url/on_header with pieces).
    if _compiled is None:
        pytest.skip("compiled speedups not built")
    import httptools

    def fields(mod):
        seen: list = []
        head = mod.RequestHead(1024, 10, HeadError, lambda *args: seen.append(args), lambda body: None, lambda: None)
        parser = head.parser = httptools.HttpRequestParser(head)
        try:
            for i in range(len(raw)):
                parser.feed_data(raw[i:i + 1])
        except httptools.HttpParserCallbackError as exc:
            return ("error", exc.__context__.status)
        return (head.url, head.headers, head.size, head.host_count, head.te, head.has_body, seen)

    assert fields(_compiled) == fields(_speedups_py)


@pytest.mark.parametrize("mod", TWINS)
def test_request_head_takes_an_empty_name_as_the_twin_does(mod) -> None:
    # httptools refuses an empty header name before calling on_header; called directly, both
    # twins keep it as a plain line (the compiled one reads no first byte that is not there).
    head = mod.RequestHead(1024, 10, HeadError, lambda: None, lambda body: None, lambda: None)
    head.on_header(b"", b"v ")
    assert (head.headers, head.size, head.host_count) == ([(b"", b"v")], 6, 0)
