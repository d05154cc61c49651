"""Pure-function ports of the small npm HTTP helpers Express 5.3.0 uses.

Each function reproduces the installed package version exactly, quirks
included (see the docstrings), because fastexpress promises Express's
observable behaviour, not a cleaned-up reading of the RFCs:

* content-type 2.1.0   -> parse_content_type / format_content_type
* express/lib/utils    -> set_charset, compile_etag
* express res.set/type -> express_set_content_type / express_type
* etag 1.8.1           -> etag
* encodeurl 2.0.3      -> encodeurl
* escape-html 1.0.3    -> escape_html
* vary 1.1.2           -> vary_append
* content-disposition 2.0.1 -> content_disposition

Header strings are assumed to be latin-1 decoded (as Node decodes them), so
every character is one JS UTF-16 code unit unless noted otherwise.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastexpress._accel import weak_etag
from fastexpress.mime import content_type as _mime_content_type
from fastexpress.jsvalues import js_key_order, js_string

__all__ = [
    "parse_content_type",
    "format_content_type",
    "set_charset",
    "express_set_content_type",
    "express_type",
    "etag",
    "compile_etag",
    "encodeurl",
    "escape_html",
    "vary_append",
    "content_disposition",
    "CONTENT_TYPE_FALSE",
]

ETagFn = Callable[[Any, "str | None"], "str | None"]

# ---------------------------------------------------------------------------
# content-type 2.1.0
# ---------------------------------------------------------------------------

# The RFC 9110 token / type grammar, as content-type's TOKEN_REGEXP and
# TYPE_REGEXP. Used with fullmatch() because JS `$` (no m flag) only matches
# at the very end, unlike Python's `$` which also matches before a final \n.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TEXT = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
_QUOTE = re.compile(r'([\\"])')

# Scanners that find the next delimiter in one C-level call instead of a
# per-character Python loop; the "comma" variants implement parse()'s
# {comma: true} stop character (used for Accept-* headers).
_VALUE_END = re.compile(r";")
_VALUE_END_COMMA = re.compile(r"[;,]")
_KEY_END = re.compile(r"[;=]")
_KEY_END_COMMA = re.compile(r"[;=,]")
_QUOTED_STOP = re.compile(r'["\\]')


def _skip_ows(s: str, i: int, n: int) -> int:
    # OWS is only SP / HTAB (RFC 9110 5.6.3); usually zero or one iteration.
    while i < n and (s[i] == " " or s[i] == "\t"):
        i += 1
    return i


def _parse(
    header: str, start: int = 0, comma: bool = False, parameters: bool = True
) -> tuple[str, int, dict[str, str]]:
    """content-type ``parse(header, {start, comma, parameters})``.

    Returns ``(lowercased type, stop index, parameters)``. Never raises: the
    2.x parser is lenient (no type validation, malformed params skipped, the
    first occurrence of a parameter wins, unterminated quoted values dropped).
    """
    n = len(header)
    value_end = _VALUE_END_COMMA if comma else _VALUE_END
    i = _skip_ows(header, start, n)
    m = value_end.search(header, i)
    end = m.start() if m else n
    type_ = header[i:end].rstrip(" \t").lower()
    i = end
    params: dict[str, str] = {}
    if not parameters:
        return type_, i, params
    key_end = _KEY_END_COMMA if comma else _KEY_END
    while i < n:
        if comma and header[i] == ",":
            break
        # header[i] is ';' here: skip it and any OWS before the key.
        i = _skip_ows(header, i + 1, n)
        key_start = i
        m = key_end.search(header, i)
        if m is None:
            # A trailing "; name" without "=" is ignored.
            i = n
            break
        i = m.start()
        c = header[i]
        if c == ",":
            break
        if c == ";":
            continue
        key = header[key_start:i].rstrip(" \t").lower()
        i = _skip_ows(header, i + 1, n)
        if i < n and header[i] == '"':
            i += 1
            parts: list[str] = []
            while True:
                m = _QUOTED_STOP.search(header, i)
                if m is None:
                    # Unterminated quoted-string: consumed to the end, and the
                    # parameter is not stored (JS only stores on the close quote).
                    i = n
                    break
                j = m.start()
                parts.append(header[i:j])
                if header[j] == '"':
                    # Anything between the close quote and the next ';' (or
                    # ',') is silently skipped.
                    m = value_end.search(header, j + 1)
                    i = m.start() if m else n
                    if key not in params:
                        params[key] = "".join(parts)
                    break
                # Backslash: quoted-pair; a lone trailing backslash is literal.
                if j + 1 < n:
                    parts.append(header[j + 1])
                    i = j + 2
                else:
                    i = n
                    break
            continue
        value_start = i
        m = value_end.search(header, i)
        i = m.start() if m else n
        if key not in params:
            params[key] = header[value_start:i].rstrip(" \t")
    return type_, i, params


def parse_content_type(s: str) -> tuple[str, dict[str, str]]:
    """content-type 2.1.0 ``parse``: ``(lowercased type, parameters)``.

    Lenient like the JS version: the type is *not* validated (``"html"`` or
    ``""`` come back as-is), parameter names are lowercased, values keep
    their case, the first duplicate wins, and it never raises.
    """
    type_, _, params = _parse(s)
    return type_, params


def _qstring(value: str) -> str:
    if _TOKEN.fullmatch(value):
        return value
    if _TEXT.fullmatch(value):
        return '"' + _QUOTE.sub(r"\\\1", value) + '"'
    raise TypeError(f"Invalid parameter value: {value}")


def format_content_type(type: str, params: dict[str, str]) -> str:
    """content-type 2.1.0 ``format``; raises TypeError like the JS version.

    The type is emitted as given (not lowercased) but must be token/token;
    values that are tokens stay bare, other latin-1 text is quoted.
    """
    if not type or not _TYPE.fullmatch(type):
        raise TypeError(f"Invalid type: {type}")
    result = type
    if params:
        for name in js_key_order(params):
            if not _TOKEN.fullmatch(name):
                raise TypeError(f"Invalid parameter name: {name}")
            result += "; " + name + "=" + _qstring(params[name])
    return result


# ---------------------------------------------------------------------------
# Express glue (lib/utils.js, res.set, res.type)
# ---------------------------------------------------------------------------

# res.set('Content-Type', v) stores mime.contentType(v), which is the boolean
# false for an unknown extension ("foo", ""); Node then sends the header as
# the literal text "false". We return that text. (Note Express's res.send then
# sees a non-string Content-Type and replaces it with text/html.)
CONTENT_TYPE_FALSE = "false"


def set_charset(type: str, charset: str) -> str:
    """Express ``utils.setCharset``: parse, set ``charset``, re-format.

    Side effects of the round-trip, as in Express 5.3.0: the type and
    parameter names are lowercased, an existing charset is replaced in place
    (keeping its position), new charset goes last, params without ``=`` are
    dropped, and an invalid type (e.g. ``"html"``) raises TypeError.
    Empty ``type`` or ``charset`` returns ``type`` unchanged.
    """
    if not type or not charset:
        return type
    type_, _, params = _parse(type)
    params["charset"] = charset
    return format_content_type(type_, params)


def express_set_content_type(value: str) -> str:
    """The value ``res.set('Content-Type', value)`` sends (mime.contentType).

    Extensions map to full types (``html`` -> ``text/html; charset=utf-8``),
    types get a default charset if the string lacks ``charset``; unknown
    extensions yield ``"false"`` (see CONTENT_TYPE_FALSE).
    """
    result = _mime_content_type(value)
    return result if result else CONTENT_TYPE_FALSE


def express_type(t: str) -> str:
    """The Content-Type ``res.type(t)`` ends up storing.

    Without ``/`` it is mime.contentType(t) or ``application/octet-stream``
    (also for ``""``), then passed through res.set's transformation again.
    """
    if "/" not in t:
        ct = _mime_content_type(t) or "application/octet-stream"
    else:
        ct = t
    return express_set_content_type(ct)


# ---------------------------------------------------------------------------
# etag 1.8.1 + Express compileETag
# ---------------------------------------------------------------------------


_SURROGATE_PAIR = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _well_formed(s: str) -> str:
    """What a JS string becomes before UTF-8 encoding: lone surrogates -> U+FFFD.

    A Python str can hold surrogate code points (e.g. from surrogateescape);
    adjacent pairs are joined into the astral character JS would see.
    """
    if not _LONE_SURROGATE.search(s):
        return s
    s = _SURROGATE_PAIR.sub(
        lambda m: chr(0x10000 + ((ord(m.group()[0]) - 0xD800) << 10) + (ord(m.group()[1]) - 0xDC00)), s
    )
    return _LONE_SURROGATE.sub("\ufffd", s)


def _to_buffer(body: Any, encoding: str | None = None) -> bytes:
    """``Buffer.from(body, encoding)`` for the encodings Express may pass."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    s = str(body)
    enc = (encoding or "utf8").lower()
    if enc in ("utf8", "utf-8"):
        return _well_formed(s).encode("utf-8")
    if enc in ("latin1", "binary", "ascii"):
        # Node keeps the low byte of each UTF-16 unit for these encodings.
        try:
            return s.encode("latin-1")
        except UnicodeEncodeError:
            return bytes(u & 0xFF for u in _utf16_units(s))
    if enc in ("ucs2", "ucs-2", "utf16le", "utf-16le"):
        return _well_formed(s).encode("utf-16-le")
    if enc == "hex":
        return bytes.fromhex(s)
    if enc in ("base64", "base64url"):
        return base64.b64decode(s.replace("-", "+").replace("_", "/") + "===")
    return s.encode(enc)


def _utf16_units(s: str) -> list[int]:
    out: list[int] = []
    for ch in s:
        c = ord(ch)
        if c > 0xFFFF:
            c -= 0x10000
            out.extend((0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)))
        else:
            out.append(c)
    return out


def etag(body: bytes, weak: bool = True) -> str:
    """etag 1.8.1 for a Buffer: ``W/"<len hex>-<base64 sha1, 27 chars>"``.

    A ``str`` is accepted too and hashed as UTF-8, like the JS string path.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        body = _to_buffer(body)
    tag = weak_etag(bytes(body))  # the speedups' W/"..." (the one place the formula lives)
    return tag if weak else tag[2:]


def _weak_etag(body: Any, encoding: str | None = None) -> str:
    # Express's wetag: Buffer.from(body, encoding) unless already a Buffer.
    return etag(_to_buffer(body, encoding), True)


def _strong_etag(body: Any, encoding: str | None = None) -> str:
    return etag(_to_buffer(body, encoding), False)


def compile_etag(setting: Any) -> Callable[[bytes, str | None], str | None] | None:
    """Express ``compileETag``: the ``etag fn`` for an ``etag`` setting value.

    ``True``/``'weak'`` -> weak generator, ``'strong'`` -> strong, ``False``
    -> None, a callable is returned unchanged; anything else raises
    ``TypeError('unknown value for etag function: <String(v)>')``. The switch
    in JS is strict, so ``1``/``0`` are rejected (hence the ``is`` checks).
    """
    if callable(setting):
        return setting  # type: ignore[no-any-return]
    if setting is True or (isinstance(setting, str) and setting == "weak"):
        return _weak_etag
    if setting is False:
        return None
    if isinstance(setting, str) and setting == "strong":
        return _strong_etag
    raise TypeError("unknown value for etag function: " + js_string(setting))


# ---------------------------------------------------------------------------
# encodeurl 2.0.3
# ---------------------------------------------------------------------------

# Runs of characters encodeurl encodes (everything but the URL-safe set, which
# deliberately keeps [ \ ] ^ | and already-encoded %XX), or '%' not starting a
# valid escape. Every char matched is one encodeURI would percent-encode, so
# the replacement is plain UTF-8 percent-encoding.
_ENCODE_CHARS = re.compile(
    r"(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]+|%+(?![0-9A-Fa-f]{2}))+"
)
# Fast path: the URL-safe alphabet; '%' needs the regex only when it is not
# followed by two hex digits, so it is excluded here.
_URL_SAFE = re.compile(r"[\x21\x23\x24\x26-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]*")


def _encode_run(m: re.Match[str]) -> str:
    return quote(m.group(), safe="")


def encodeurl(url: str) -> str:
    """encodeurl 2.0.3: percent-encode a URL without double-encoding.

    Existing ``%XX`` escapes and the reserved set are kept; a ``%`` not
    followed by two hex digits becomes ``%25``; lone surrogates become
    U+FFFD (``%EF%BF%BD``).
    """
    if _URL_SAFE.fullmatch(url):
        return url
    return _ENCODE_CHARS.sub(_encode_run, _well_formed(url))


# ---------------------------------------------------------------------------
# escape-html 1.0.3
# ---------------------------------------------------------------------------

_HTML_SPECIAL = re.compile(r"[\"'&<>]")
_HTML_TABLE = str.maketrans({'"': "&quot;", "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;"})


def escape_html(s: str) -> str:
    """escape-html: ``" & ' < >`` -> ``&quot; &amp; &#39; &lt; &gt;``."""
    s = str(s)
    if not _HTML_SPECIAL.search(s):
        return s
    return s.translate(_HTML_TABLE)


# ---------------------------------------------------------------------------
# vary 1.1.2
# ---------------------------------------------------------------------------

_FIELD_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _vary_parse(header: str) -> list[str]:
    # vary's parse(): split on ',' and trim spaces (0x20 only, not tabs);
    # empty items are kept, which is what makes "a," an invalid field list.
    return [part.strip(" ") for part in header.split(",")]


def vary_append(header: str | None, field: str | list[str]) -> str:
    """vary ``append``: add field name(s) to a Vary header value.

    ``header`` None is treated as ``''`` (what ``vary(res, f)`` does with no
    existing header). Case-insensitive de-duplication, the first spelling is
    kept; ``*`` in either absorbs everything. Invalid names raise TypeError
    ``field argument contains an invalid header name``; a missing field
    raises ``field argument is required``.
    """
    if header is None:
        header = ""
    if not isinstance(header, str):
        raise TypeError("header argument is required")
    # JS `!field`: '' and undefined fail, but an empty array is truthy.
    if field is None or (isinstance(field, str) and field == ""):
        raise TypeError("field argument is required")
    fields = list(field) if isinstance(field, (list, tuple)) else _vary_parse(str(field))
    for f in fields:
        if not isinstance(f, str) or not _FIELD_NAME.fullmatch(f):
            raise TypeError("field argument contains an invalid header name")
    if header == "*":
        return header
    vals = _vary_parse(header.lower())
    if "*" in fields or "*" in vals:
        return "*"
    val = header
    for f in fields:
        fld = f.lower()
        if fld not in vals:
            vals.append(fld)
            val = val + ", " + f if val else f
    return val


# ---------------------------------------------------------------------------
# content-disposition 2.0.1 (create)
# ---------------------------------------------------------------------------

_CD_TOKEN = re.compile(r"[!#$%&'*+.0-9A-Z^_`a-z|~-]+")
_CD_TEXT = re.compile(r"[\x20-\x7e\x80-\xff]*")
_ASCII_TEXT = re.compile(r"[\x20-\x7e]*")
_INVALID_FILENAME = re.compile(r"%[0-9A-Fa-f]{2}")
_NON_ASCII = re.compile(r"[^\x20-\x7e]")


def _ascii_fallback(m: re.Match[str]) -> str:
    # JS replaces per UTF-16 code unit, so an astral char becomes "??".
    return "??" if ord(m.group()) > 0xFFFF else "?"


def _encode_extended(s: str) -> str:
    # encodeURIComponent leaves A-Za-z0-9 - _ . ! ~ * ' ( ); the package then
    # encodes ' ( ) * too, so only '!' survives beyond quote()'s own safe set.
    # Lone surrogates raise (UnicodeEncodeError), as encodeURIComponent throws.
    return "UTF-8''" + quote(s.encode("utf-8"), safe="!")


def content_disposition(filename: str | None = None, type: str = "attachment") -> str:
    """content-disposition 2.0.1 ``create(filename, {type})``.

    No basename is applied (Express does that itself before calling). Token
    filenames stay bare, other printable ASCII is quoted; non-ASCII, control
    characters or an ASCII name containing a ``%XX`` sequence get an ASCII
    ``filename`` fallback ('?' substitutions) plus an RFC 8187 ``filename*``.
    An empty ``type`` means ``attachment``; an invalid one raises TypeError.
    """
    type = type or "attachment"
    if not _CD_TOKEN.fullmatch(type):
        raise TypeError("Invalid type: " + type)
    if filename is None:
        return type
    if _ASCII_TEXT.fullmatch(filename) and not _INVALID_FILENAME.search(filename):
        params = [("filename", filename)]
    else:
        params = [
            ("filename", _NON_ASCII.sub(_ascii_fallback, filename)),
            ("filename*", _encode_extended(filename)),
        ]
    result = type
    for name, value in params:
        if _CD_TOKEN.fullmatch(value):
            result += "; " + name + "=" + value
        elif _CD_TEXT.fullmatch(value):
            result += "; " + name + '="' + _QUOTE.sub(r"\\\1", value) + '"'
        else:  # pragma: no cover - fallback values are always ASCII text
            raise TypeError("Invalid parameter value: " + value)
    return result
