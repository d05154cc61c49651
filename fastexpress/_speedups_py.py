"""Pure-Python twin of ``_speedups.pyx``: the byte-level hot paths.

Both twins must behave identically (same results, same exceptions, same messages); the test
suite runs on each and compares them directly. Keep this file and the .pyx in step.
"""
from __future__ import annotations

import re
from binascii import b2a_base64
from email.utils import formatdate
from hashlib import sha1
from time import time
from typing import Any, Callable, Iterable

# RFC 9110 token characters: what a header name may contain (Node: ERR_INVALID_HTTP_TOKEN).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# What Node accepts in a header value (checkInvalidHeaderChar): HTAB, visible ASCII, obs-text.
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def validate_header(name: str, value: str) -> None:
    """Raise ``ValueError`` unless ``name: value`` can be written as one valid header line."""
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise ValueError(f"Header name must be a valid HTTP token [{name!r}]")
    if not isinstance(value, str):
        raise TypeError(f"Header value must be a string [{name!r}]")
    if _BAD_VALUE.search(value) is not None:
        raise ValueError(f"Invalid character in header content [{name!r}]")


# PERF: most header lines repeat from response to response (Content-Type, X-Powered-By,
# Vary...): each (name, value) is validated and encoded once. Bounded, and emptied when full
# rather than closed to new lines: lines that vary per response (each body's ETag) would
# otherwise fill it for good, and every line first seen after that (a route's own headers)
# would be validated again on every response. The repeating lines come back at once.
_LINES: dict[tuple[str, str], bytes] = {}
_LINES_MAX = 4096
LINE_CACHE = _LINES  # for tests: the same dict, in both twins


def build_head(status_line: bytes, headers: Iterable[tuple[str, str | list[str]]], tail: bytes,
               body: bytes = b"") -> bytes:
    """Serialize a response head: status line, each header (a list value gives one line per
    item), then ``tail`` (the connection-level headers), the blank line and ``body`` (so a
    whole small response is one buffer).

    Every line is validated here too, so nothing invalid reaches the socket even if a header
    was put in place without going through ``res.set``.
    """
    parts = [status_line]
    for item in headers:
        name, value = item
        if isinstance(value, str):
            line = _LINES.get(item)  # type: ignore[arg-type]
            if line is None:
                validate_header(name, value)
                line = f"{name}: {value}\r\n".encode("latin-1")
                if len(_LINES) >= _LINES_MAX:
                    _LINES.clear()
                _LINES[item] = line  # type: ignore[index]
            parts.append(line)
        else:
            for item in value:
                validate_header(name, item)
                parts.append(f"{name}: {item}\r\n".encode("latin-1"))
    parts.append(tail)
    parts.append(b"\r\n")
    parts.append(body)
    return b"".join(parts)


# Bodies up to this size are copied behind their head into one buffer; larger ones are not.
COALESCE_MAX = 16 * 1024


def has_body(method: str, status: int) -> bool:
    """Whether a response carries a body: not to HEAD, and not 1xx, 204 or 304 (Node's
    ServerResponse rule, shared by every connection kind)."""
    return method != "HEAD" and (status == 200 or (status >= 200 and status != 204 and status != 304))


class _Date:
    second = -1
    line = b""


def date_line() -> bytes:
    """The ``Date`` header line for now, formatted once a second (it changes no faster)."""
    now = int(time())
    if now != _Date.second:
        _Date.line = b"Date: " + formatdate(now, usegmt=True).encode("ascii") + b"\r\n"
        _Date.second = now
    return _Date.line


def frame_head(status_line: bytes, status: int, method: str, headers: dict[str, tuple[str, str | list[str]]],
               end: bool, http11: bool, keep_alive: bool, keep_alive_line: bytes,
               data: bytes) -> tuple[bytes, bytes, bool, bool, bool]:
    """Frame a response as Node's ServerResponse does (``_storeHeader``) and serialize it.

    ``headers`` is the response's dict (lower-case name -> (name as set, value)); ``end`` says
    ``data`` is the whole body; ``keep_alive`` whether the request and the server allow the
    connection to stay open. Adds Date, the body's framing (Content-Length for a whole body,
    else chunked on HTTP/1.1, else the close ends it) and Connection unless the app set them.

    Returns ``(head, rest, body, keep_alive, chunked)``: ``head`` carries the framed ``data``
    too when that is at most COALESCE_MAX bytes, else ``rest`` is it (written after the head,
    not copied behind it); ``body`` is has_body(); ``keep_alive`` as the headers leave it;
    ``chunked`` whether the body goes in chunks.
    """
    body = has_body(method, status)
    tail = b"" if "date" in headers else date_line()
    conn = headers.get("connection")
    if conn is not None and "close" in str(conn[1]).lower():
        keep_alive = False
    chunked = False
    framing = b""
    if "content-length" not in headers and "transfer-encoding" not in headers:
        if not body:
            pass
        elif end:
            framing = b"Content-Length: %d\r\n" % len(data)
        elif http11:
            framing = b"Transfer-Encoding: chunked\r\n"
            chunked = True
        else:
            keep_alive = False  # HTTP/1.0 without a length: the close ends the body
    elif "transfer-encoding" in headers:
        chunked = body and "chunked" in str(headers["transfer-encoding"][1]).lower()
    if conn is None:
        tail += keep_alive_line if keep_alive else b"Connection: close\r\n"
    tail += framing
    if not body:
        data = b""
    elif chunked and data:
        data = chunk(data)
    if len(data) <= COALESCE_MAX:
        return build_head(status_line, headers.values(), tail, data), b"", body, keep_alive, chunked
    return build_head(status_line, headers.values(), tail), data, body, keep_alive, chunked


def chunk(data: bytes) -> bytes:
    """Frame one chunk of a chunked body (empty data would end the body, so callers skip it)."""
    return b"%x\r\n%b\r\n" % (len(data), data)


def weak_etag(body: bytes) -> str:
    """Express's default weak ETag of a body: ``W/"<length hex>-<base64 SHA-1, 27 chars>"``."""
    if not body:
        return 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'
    return 'W/"%x-%s"' % (len(body), b2a_base64(sha1(body).digest(), newline=False)[:27].decode("ascii"))


# -- request heads ----------------------------------------------------------------------------
# First letters of the header names RequestHead watches (host, content-length,
# transfer-encoding, expect, if-none-match / if-modified-since, connection), lower-cased.
_WATCHED = frozenset(b"hctei")


def header_map(lines: list[tuple[bytes, bytes]]) -> dict[str, str] | None:
    """``{lower-case name: value}`` of a head's ``(name, value)`` byte lines decoded as Latin-1,
    or None when a name repeats (Node's rules for repeats are ``headers.py``'s)."""
    result = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in lines}
    return result if len(result) == len(lines) else None


class RequestHead:
    """The httptools callbacks that collect one request head: the URL, the header lines, and
    what the connection needs to know of them (Host count, body framing, Expect, conditional
    headers, Connection), counting the head's size as it arrives and refusing it past the
    limits by raising ``error(431)``.

    When the head is complete it checks what the head itself decides (RFC 9112: one Host, and
    one on an HTTP/1.1 request; a request Transfer-Encoding ending in one ``chunked`` and
    naming no other coding; an Expect other than ``100-continue`` is 417) and calls
    ``on_head(method, url, version, keep_alive, headers, size, has_body, conditional, expect,
    start_time)``: the request line decoded, then the fields below the protocol needs (PERF:
    as arguments, since the compiled twin's fields are slow to read from Python). ``parser``
    is the httptools parser it is fed by, set by its owner.

    ``on_body`` and ``on_message_complete`` are the protocol's own methods, kept as attributes
    so that httptools calls them directly. ``read_time`` is set by the protocol on each read;
    ``start_time`` is its value when the message began.
    """

    __slots__ = (
        "url", "headers", "size", "in_head", "raw_count", "began_here", "read_time", "start_time",
        "host_count", "expect", "te", "has_body", "conditional", "connection",
        "max_size", "max_headers", "error", "on_head", "on_body", "on_message_complete", "parser",
    )

    def __init__(self, max_size: int, max_headers: int, error: Callable[[int], Exception],
                 on_head: Callable[..., None], on_body: Callable[[bytes], None],
                 on_message_complete: Callable[[], None]) -> None:
        self.max_size = max_size
        self.max_headers = max_headers
        self.error = error
        self.on_head = on_head
        self.parser: Any = None
        self.on_body = on_body
        self.on_message_complete = on_message_complete
        self.read_time = 0.0
        self.on_message_begin()
        self.in_head = False
        self.began_here = False

    def on_message_begin(self) -> None:
        self.began_here = True
        self.start_time = self.read_time
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.size = 0
        self.in_head = True
        self.raw_count = False  # the protocol counts raw bytes instead (a head in pieces)
        self.host_count = 0
        self.expect: str | None = None
        self.te: str | None = None
        self.has_body = False
        self.conditional = False
        self.connection = False

    def on_url(self, url: bytes) -> None:
        self.url += url
        if not self.raw_count:
            self.size += len(url)
            if self.size > self.max_size:
                raise self.error(431)

    def on_header(self, name: bytes, value: bytes) -> None:
        headers = self.headers
        if not self.raw_count:
            self.size += len(name) + len(value) + 4
            if self.size > self.max_size:
                raise self.error(431)
        if len(headers) >= self.max_headers:
            raise self.error(431)
        # PERF: only names starting with one of these letters matter here; lower() just those.
        if name and name[0] | 0x20 in _WATCHED:
            lname = name.lower()
            if lname == b"host":
                self.host_count += 1
            elif lname == b"content-length":
                self.has_body = True
            elif lname == b"transfer-encoding":
                self.has_body = True
                te = value.decode("latin-1").lower()
                self.te = te if self.te is None else self.te + "," + te
            elif lname == b"expect":
                self.expect = value.decode("latin-1").lower()
            elif lname == b"if-none-match" or lname == b"if-modified-since":
                self.conditional = True
            elif lname == b"connection":
                self.connection = True
        if value and value[-1] in b" \t":  # llhttp keeps trailing whitespace; Node trims it
            value = value.rstrip(b" \t")
        headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.in_head = False
        parser = self.parser
        keep_alive = parser.should_keep_alive()
        # PERF: without a Connection header only HTTP/1.1 keeps alive, so the version string
        # (formatted by httptools on each call) is needed only otherwise.
        version = "1.1" if keep_alive and not self.connection else parser.get_http_version()
        host_count = self.host_count
        if host_count > 1 or (host_count == 0 and version == "1.1"):
            raise self.error(400)
        if self.te is not None:
            _check_transfer_encoding(self.te, self.error)
        if self.expect is not None and version == "1.1" and self.expect != "100-continue":
            raise self.error(417)
        self.on_head(parser.get_method().decode("ascii"), self.url.decode("latin-1"), version, keep_alive,
                     self.headers, self.size, self.has_body, self.conditional, self.expect, self.start_time)


def _check_transfer_encoding(value: str, error: Callable[[int], Exception]) -> None:
    """RFC 9112 6.1: a request body must end with ``chunked``, once; we implement no other
    coding, so anything else is 501 (and a missing final ``chunked`` is 400)."""
    codings = [c.strip() for c in value.split(",") if c.strip()]
    if not codings or codings[-1] != "chunked" or codings.count("chunked") > 1:
        raise error(400)
    if len(codings) > 1:
        raise error(501)
