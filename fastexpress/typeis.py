"""Port of type-is 2.1.0 (with media-typer 1.1.1), as Express's ``req.is`` uses it."""

from __future__ import annotations

import re
from typing import Literal

from fastexpress.httputil import _parse
from fastexpress.mime import lookup

__all__ = ["type_is", "has_body", "request_is", "normalize", "mime_match"]

# media-typer TYPE_REGEXP (applied to the lowercased type). fullmatch because
# JS `$` does not match before a trailing newline the way Python's does.
_MEDIA_TYPE = re.compile(
    r" *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *"
)

# JS StrWhiteSpaceChar for Number(): str.strip() needs the characters spelled
# out (no ranges).
_JS_WS_CHARS = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# StrNumericLiteral: decimal (optional sign, Infinity) or unsigned 0x/0o/0b.
_JS_NUMBER = re.compile(
    r"[+-]?(?:Infinity|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+"
)


def _js_is_nan(value: str | None) -> bool:
    """JS ``isNaN(value)`` for a header value (string or undefined).

    ``Number('')`` and ``Number('  ')`` are 0, so an empty Content-Length
    still means "has a body"; ``'0x10'``, ``'1e3'``, ``' 5 '`` are numbers.
    """
    if value is None:
        return True
    s = value.strip(_JS_WS_CHARS)
    if not s:
        return False
    return _JS_NUMBER.fullmatch(s) is None


def _normalize_type(value: str | None) -> str | None:
    # type-is normalizeType: the lowercased type before ';', if well-formed.
    if not value:
        return None
    type_, _, _ = _parse(value, 0, False, False)
    return type_ if _MEDIA_TYPE.fullmatch(type_) else None


# Precomputed results of normalize() for the argument strings apps pass to
# req.is (bounded so arbitrary input cannot grow it without limit).
_normalize_cache: dict[str, str | None] = {}


def normalize(type: str) -> str | None:
    """type-is ``normalize``: ``urlencoded``, ``multipart``, ``+json``, extensions.

    Returns None where JS returns false (unknown extension).
    """
    try:
        return _normalize_cache[type]
    except KeyError:
        pass
    if type == "urlencoded":
        result: str | None = "application/x-www-form-urlencoded"
    elif type == "multipart":
        result = "multipart/*"
    elif type[:1] == "+":
        result = "*/*" + type  # "+json" -> "*/*+json"
    elif "/" not in type:
        result = lookup(type)
    else:
        result = type
    if len(_normalize_cache) < 1024:
        _normalize_cache[type] = result
    return result


def mime_match(expected: str | None, actual: str) -> bool:
    """type-is ``match``. ``expected`` is compared case-sensitively (only the
    request's type is lowercased), so ``Text/HTML`` never matches."""
    if expected is None:
        return False
    actual_parts = actual.split("/")
    expected_parts = expected.split("/")
    if len(actual_parts) != 2 or len(expected_parts) != 2:
        return False
    if expected_parts[0] != "*" and expected_parts[0] != actual_parts[0]:
        return False
    esub, asub = expected_parts[1], actual_parts[1]
    if esub[:2] == "*+":
        # "*+json": the actual subtype must end with "+json" (or *be* "+json").
        return len(esub) <= len(asub) + 1 and esub[1:] == asub[1 - len(esub):]
    if esub != "*" and esub != asub:
        return False
    return True


def type_is(content_type: str | None, types: list[str]) -> str | Literal[False]:
    """type-is ``is(contentType, types)``.

    Returns the matching argument as given (``'json'``, ``'urlencoded'``,
    ``'multipart'``), but the request's full lowercased type when the
    matching argument starts with ``+`` or contains ``*``. No types -> the
    request's type. Missing or malformed Content-Type -> False. Parameters
    (charset etc.) are ignored.
    """
    val = _normalize_type(content_type)
    if not val:
        return False
    if not types:
        return val
    for t in types:
        if not isinstance(t, str):
            continue  # JS normalize() returns false for non-strings
        if mime_match(normalize(t), val):
            return val if (t[:1] == "+" or "*" in t) else t
    return False


def has_body(content_length: str | None, transfer_encoding: str | None) -> bool:
    """type-is ``hasBody``: a Transfer-Encoding header (any value, even ``''``)
    or a Content-Length that JS ``isNaN`` accepts as a number (``''`` -> 0
    counts; ``'abc'`` does not)."""
    return transfer_encoding is not None or not _js_is_nan(content_length)


def request_is(
    content_type: str | None,
    content_length: str | None,
    transfer_encoding: str | None,
    types: list[str],
) -> str | Literal[False] | None:
    """``req.is(types)``: None when the request has no body, else ``type_is``."""
    if not has_body(content_length, transfer_encoding):
        return None
    return type_is(content_type, types)
