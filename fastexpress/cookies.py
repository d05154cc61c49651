"""Cookies: ``res.cookie`` / ``res.clear_cookie`` and the ``cookie_parser`` middleware.

Ports of what an Express 5.3.0 app runs: ``res.cookie``/``res.clearCookie`` from Express's
``lib/response.js``, ``serialize``/``parse`` from the ``cookie`` package (0.7.2), the
``cookie-parser`` middleware (1.4.7) and ``cookie-signature`` (HMAC-SHA256, base64 without
``=``), so a cookie signed by a Node app verifies here and the other way round.

Option names are snake_case (``max_age``, ``http_only``, ``same_site``); Express's camelCase
spellings are accepted too. ``max_age`` is in milliseconds for ``res.cookie`` (as in Express)
and in seconds for ``serialize`` (as in the cookie package). ``expires`` is a ``datetime``
(a naive one is read as UTC), a ``date`` or a POSIX timestamp in seconds.
"""
from __future__ import annotations

import hmac
import json as _json
import math
import re
import time
from binascii import b2a_base64
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Literal
from urllib.parse import quote

from .jsvalues import js_number, js_ordered, js_string, js_truthy
from .querystring import _decode_uri_component
from .response import UNDEFINED, stringify

__all__ = [
    "JSONCookie", "JSONCookies", "clear_cookie", "cookie", "cookie_parser", "cookieParser",
    "json_cookie", "json_cookies", "parse", "serialize", "sign", "signed_cookie", "signed_cookies",
    "signedCookie", "signedCookies", "unsign",
]

# -- cookie 0.7.2's grammar (RFC 6265 4.1.1) ---------------------------------------------------

_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r'("?)[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*\1')
# re.ASCII: JavaScript's /i never folds a non-ASCII letter onto an ASCII one (Python's would
# match the Kelvin sign against "k").
_DOMAIN = re.compile(r"([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*",
                     re.IGNORECASE | re.ASCII)
_PATH = re.compile(r"[\x20-\x3A\x3D-\x7E]*")
_URI_SAFE = re.compile(r"[A-Za-z0-9\-_.!~*'()]*")

_PRIORITIES = {"low": "Low", "medium": "Medium", "high": "High"}
_SAME_SITES = {"lax": "Lax", "strict": "Strict", "none": "None"}

# Express's camelCase option names -> ours.
_ALIASES = {"maxAge": "max_age", "httpOnly": "http_only", "sameSite": "same_site"}

_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MAX_TIME = 8.64e15  # ms: the range of a JavaScript Date
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_JS_SPACE = " \t\n\v\f\r\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000\ufeff"
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def _now_ms() -> int:
    """``Date.now()``: the base of ``max_age``'s Expires (tests may replace it)."""
    return time.time_ns() // 1_000_000


# -- JavaScript values ------------------------------------------------------------------------

def _to_number(value: Any) -> float | int:
    """JavaScript's ``ToNumber`` (``value - 0``) for the values an option can hold; NaN when
    it is not a number."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, timedelta):
        micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        return micros // 1000 if micros % 1000 == 0 else micros / 1000
    if isinstance(value, str):
        text = value.strip(_JS_SPACE)
        if not text:
            return 0
        if text in ("Infinity", "+Infinity"):
            return math.inf
        if text == "-Infinity":
            return -math.inf
        if _RADIX.fullmatch(text):
            return int(text[2:], {"x": 16, "o": 8, "b": 2}[text[1].lower()])
        if _DECIMAL.fullmatch(text):
            return float(text)
    return math.nan


class _JsDate:
    """A JavaScript ``Date``: milliseconds since the epoch, or None for an Invalid Date."""

    __slots__ = ("ms",)

    def __init__(self, ms: float | int | None) -> None:
        # TimeClip: NaN outside +-8.64e15 ms, else truncated to an integer.
        if ms is None or isinstance(ms, float) and not math.isfinite(ms) or abs(ms) > _MAX_TIME:
            self.ms: int | None = None
        else:
            self.ms = int(ms)


def _expires_ms(value: Any) -> int | None:
    """The milliseconds of an ``expires`` option; None when it is not a valid date."""
    if isinstance(value, _JsDate):
        return value.ms
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            value = value.replace(tzinfo=timezone.utc)
        delta = value - _EPOCH
        return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if isinstance(value, date):
        return (value - _EPOCH.date()).days * 86_400_000
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _JsDate(value * 1000).ms
    return None


def _civil(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count since 1970-01-01, proleptic Gregorian, any year."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def utc_string(ms: int) -> str:
    """``new Date(ms).toUTCString()``: ``Thu, 01 Jan 1970 00:00:00 GMT``."""
    seconds = ms // 1000
    days, rem = divmod(seconds, 86400)
    year, month, day = _civil(days)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    shown = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
    return (f"{_DAYS[(days + 4) % 7]}, {day:02d} {_MONTHS[month - 1]} {shown} "
            f"{hours:02d}:{minutes:02d}:{secs:02d} GMT")


# -- encodeURIComponent / decodeURIComponent ------------------------------------------------------

def encode_uri_component(value: str) -> str:
    """JavaScript's ``encodeURIComponent`` (UTF-8; unescaped: ``A-Za-z0-9-_.!~*'()``)."""
    if _URI_SAFE.fullmatch(value):
        return value
    try:
        return quote(value, safe="-_.!~*'()")
    except UnicodeEncodeError:  # a lone surrogate: JavaScript's URIError
        raise ValueError("URI malformed") from None


def _decode(value: str) -> str:
    # cookie's default decode: decodeURIComponent when there is a '%' (on error: the raw text).
    if "%" not in value:
        return value
    decoded = _decode_uri_component(value)
    return value if decoded is None else decoded


# -- cookie 0.7.2: serialize and parse ------------------------------------------------------------

def _norm(options: dict[str, Any]) -> dict[str, Any]:
    return {_ALIASES.get(key, key): value for key, value in options.items()} if options else {}


def serialize(name: str, value: Any, options: dict[str, Any] | None = None, /, **opts: Any) -> str:
    """``cookie.serialize(name, value, options)``: one ``Set-Cookie`` value. ``max_age`` is in
    seconds here; raises ``TypeError`` with the cookie package's messages."""
    return _serialize(name, value, _norm({**(options or {}), **opts}))


def _serialize(name: str, val: Any, opt: dict[str, Any]) -> str:
    enc = opt.get("encode")
    if not js_truthy(enc):
        enc = encode_uri_component
    elif not callable(enc):
        raise TypeError("option encode is invalid")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise TypeError("argument name is invalid")
    value = js_string(enc(js_string(val)))
    if not _VALUE.fullmatch(value):
        raise TypeError("argument val is invalid")
    parts = [name, "=", value]

    max_age = opt.get("max_age")
    if max_age is not None and max_age is not UNDEFINED:
        number = _to_number(max_age)
        if not math.isfinite(number):
            raise TypeError("option maxAge is invalid")
        parts += "; Max-Age=", js_number(math.floor(number))

    domain = opt.get("domain")
    if js_truthy(domain):
        domain = js_string(domain)
        if not _DOMAIN.fullmatch(domain):
            raise TypeError("option domain is invalid")
        parts += "; Domain=", domain

    path = opt.get("path")
    if js_truthy(path):
        path = js_string(path)
        if not _PATH.fullmatch(path):
            raise TypeError("option path is invalid")
        parts += "; Path=", path

    expires = opt.get("expires")
    # A Date is always truthy in JavaScript; here 0 is a timestamp (the epoch), so only the
    # empty values skip the attribute.
    if not (expires is None or expires is False or expires is UNDEFINED or expires == ""):
        ms = _expires_ms(expires)
        if ms is None:
            raise TypeError("option expires is invalid")
        parts += "; Expires=", utc_string(ms)

    if js_truthy(opt.get("http_only")):
        parts.append("; HttpOnly")
    if js_truthy(opt.get("secure")):
        parts.append("; Secure")
    if js_truthy(opt.get("partitioned")):
        parts.append("; Partitioned")

    priority = opt.get("priority")
    if js_truthy(priority):
        shown = _PRIORITIES.get(priority.lower()) if isinstance(priority, str) else None
        if shown is None:
            raise TypeError("option priority is invalid")
        parts += "; Priority=", shown

    same_site = opt.get("same_site")
    if js_truthy(same_site):
        if same_site is True:
            shown = "Strict"
        elif isinstance(same_site, str):
            shown = _SAME_SITES.get(same_site.lower())
        else:
            shown = None
        if shown is None:
            raise TypeError("option sameSite is invalid")
        parts += "; SameSite=", shown
    return "".join(parts)


def parse(header: str, options: dict[str, Any] | None = None, /, **opts: Any) -> dict[str, Any]:
    """``cookie.parse(header, options)``: name -> value (the first of repeated names wins;
    values are percent-decoded by ``decode``, default ``decodeURIComponent`` keeping the raw
    text where that fails; one pair of double quotes is removed)."""
    if not isinstance(header, str):
        raise TypeError("argument str must be a string")
    obj: dict[str, Any] = {}
    n = len(header)
    if n < 2:
        return obj
    dec = _decode
    if options or opts:
        dec = {**(options or {}), **opts}.get("decode") or _decode
    # cookie's scan, as splits: it skips to the next ';'-separated pair holding an '=', and
    # trims only spaces and tabs around names and values. PERF: a third of the scan's cost.
    for pair in header.split(";"):
        eq = pair.find("=")
        if eq < 0:
            continue
        key = pair[:eq].strip(" \t")
        # Only the first assignment counts; "__proto__" is lost in JavaScript's plain object.
        if key in obj or key == "__proto__":
            continue
        raw = pair[eq + 1:].strip(" \t")
        if raw[:1] == '"' and raw[-1:] == '"':
            raw = raw[1:-1]
        try:
            obj[key] = dec(raw)
        except Exception:  # noqa: BLE001 - cookie's tryDecode keeps the raw text
            obj[key] = raw
    return js_ordered(obj)


# -- cookie-signature ----------------------------------------------------------------------------

def _key(secret: str | bytes | bytearray | memoryview) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def sign(value: str, secret: str | bytes) -> str:
    """``value + "." + base64(HMAC-SHA256(secret, value))`` without the ``=`` padding."""
    if not isinstance(value, str):
        raise TypeError("Cookie value must be provided as a string.")
    if secret is None:
        raise TypeError("Secret key must be provided.")
    mac = b2a_base64(hmac.digest(_key(secret), value.encode("utf-8"), "sha256"), newline=False)
    return value + "." + mac.rstrip(b"=").decode("ascii")


def unsign(value: str, secret: str | bytes) -> str | Literal[False]:
    """The value signed in ``value`` when the signature matches ``secret``, else ``False``
    (compared in constant time)."""
    if not isinstance(value, str):
        raise TypeError("Signed cookie string must be provided.")
    if secret is None:
        raise TypeError("Secret key must be provided.")
    tentative = value[:value.rfind(".")]  # no '.': all but the last character, as slice(0, -1)
    expected = sign(tentative, secret)
    return tentative if hmac.compare_digest(expected.encode("utf-8"), value.encode("utf-8")) else False


# -- cookie-parser 1.4.7 -------------------------------------------------------------------------

def _secrets(secret: Any) -> list[Any]:
    if not js_truthy(secret):
        return []
    if isinstance(secret, (list, tuple)):
        return list(secret)
    return [secret]


def _json_truthy(value: Any) -> bool:
    # JSON.parse results that JavaScript calls false: null, false, 0, "" ([] and {} are true).
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, (int, float)):
        return value != 0
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _js_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return js_ordered(dict(pairs))


def json_cookie(value: Any) -> Any:
    """cookie-parser's ``JSONCookie``: the parsed JSON of a ``j:`` value, else None (undefined)."""
    if not isinstance(value, str) or not value.startswith("j:"):
        return None
    try:
        return _json.loads(value[2:], parse_constant=_reject_constant, object_pairs_hook=_js_object)
    except (ValueError, RecursionError):
        return None


def json_cookies(obj: dict[str, Any]) -> dict[str, Any]:
    """cookie-parser's ``JSONCookies``: ``j:`` values replaced by their JSON, in place. As in
    JavaScript, a value that parses to null, false, 0 or "" is left as it was."""
    for key, value in obj.items():
        if type(value) is str and value[:2] != "j:":  # PERF: the usual plain value, not JSON
            continue
        parsed = json_cookie(value)
        if _json_truthy(parsed):
            obj[key] = parsed
    return obj


def signed_cookie(value: Any, secret: Any) -> Any:
    """cookie-parser's ``signedCookie``: an ``s:`` value unsigned with the first secret (of a
    str or a list) that verifies it, ``False`` if none does; other strings come back as they
    are; non-strings give None (undefined)."""
    if not isinstance(value, str):
        return None
    if not value.startswith("s:"):
        return value
    for each in _secrets(secret):
        result = unsign(value[2:], each)
        if result is not False:
            return result
    return False


def signed_cookies(obj: dict[str, Any], secret: Any) -> dict[str, Any]:
    """cookie-parser's ``signedCookies``: the signed entries of ``obj`` unsigned into a new
    dict (``False`` for a bad signature) and removed from ``obj``."""
    out: dict[str, Any] = {}
    for key in list(obj):
        value = obj[key]
        decoded = signed_cookie(value, secret)
        if not (type(decoded) is type(value) and decoded == value):  # JavaScript's val !== dec
            out[key] = decoded
            del obj[key]
    return out


def cookie_parser(secret: Any = None, options: dict[str, Any] | None = None, /,
                  **opts: Any) -> Callable[..., Any]:
    """The cookie-parser middleware: ``req.cookies`` (``j:`` values parsed), ``req.signed_cookies``
    (``s:`` values verified against each secret; ``False`` when none matches) and
    ``req.secret`` (the first secret). Other options (``decode``) go to :func:`parse`. It does
    nothing when ``req.cookies`` is already set."""
    secrets = _secrets(secret)
    first = secrets[0] if secrets else None
    parse_options = {**(options or {}), **opts}

    def cookie_parser(req: Any, res: Any, next: Callable[..., Any]) -> Any:
        if req.cookies is not None:
            return next()
        req.secret = first
        header = req.headers.get("cookie")
        if not header:
            req.cookies = {}
            req.signed_cookies = {}
            return next()
        cookies = parse(header, parse_options)
        if secrets:
            req.signed_cookies = json_cookies(signed_cookies(cookies, secrets))
        else:
            req.signed_cookies = {}
        req.cookies = json_cookies(cookies)
        return next()

    return cookie_parser


cookieParser = cookie_parser  # noqa: N816
JSONCookie = json_cookie  # noqa: N816
JSONCookies = json_cookies  # noqa: N816
signedCookie = signed_cookie  # noqa: N816
signedCookies = signed_cookies  # noqa: N816
for _name, _fn in (("json_cookie", json_cookie), ("json_cookies", json_cookies), ("signed_cookie", signed_cookie),
                   ("signed_cookies", signed_cookies), ("JSONCookie", json_cookie), ("JSONCookies", json_cookies),
                   ("signedCookie", signed_cookie), ("signedCookies", signed_cookies)):
    setattr(cookie_parser, _name, _fn)  # as on the npm module: cookieParser.signedCookie(...)
del _name, _fn


# -- res.cookie / res.clearCookie (Express 5.3.0) ---------------------------------------------------

def _cookie_value(value: Any) -> str:
    """Express's ``typeof value === 'object' ? 'j:' + JSON.stringify(value) : String(value)``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)) or value is UNDEFINED:
        return js_string(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8")
    text = stringify(value)
    return "j:" + ("undefined" if text is None else text)


def cookie(res: Any, name: str, value: Any, **options: Any) -> Any:
    """``res.cookie(name, value, **options)``: append one ``Set-Cookie`` header as Express does."""
    return _cookie(res, name, value, _norm(options))


def _cookie(res: Any, name: str, value: Any, opts: dict[str, Any]) -> Any:
    secret = res.req.secret
    signed = js_truthy(opts.get("signed"))
    if signed and not js_truthy(secret):
        raise RuntimeError('cookieParser("secret") required for signed cookies')
    val = _cookie_value(value)
    if signed:
        val = "s:" + sign(val, secret)
    max_age = opts.get("max_age")
    if max_age is not None and max_age is not UNDEFINED:
        number = _to_number(max_age)
        if number == number:  # not NaN: Expires from now, Max-Age in whole seconds
            opts["expires"] = _JsDate(_now_ms() + number)
            if isinstance(number, int):
                opts["max_age"] = number // 1000
            else:  # Math.floor(Infinity) stays Infinity: serialize refuses it
                opts["max_age"] = math.floor(number / 1000) if math.isfinite(number) else number
    if opts.get("path") is None or opts.get("path") is UNDEFINED:
        opts["path"] = "/"
    return res.append("Set-Cookie", _serialize(name, val, opts))


def clear_cookie(res: Any, name: str, **options: Any) -> Any:
    """``res.clear_cookie(name, **options)``: an empty cookie that expired at the epoch, on
    ``path`` (default ``/``); ``max_age`` and ``expires`` are ignored, as in Express 5."""
    opts = {"path": "/", **_norm(options), "expires": _JsDate(1)}
    opts.pop("max_age", None)
    return _cookie(res, name, "", opts)
