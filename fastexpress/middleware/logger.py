"""``logger(format="dev", **opts)``: the morgan 1.12 request logger.

Formats: ``combined``, ``common``, ``default``, ``short``, ``tiny``, ``dev`` (status coloured;
plain when the ``NO_COLOR`` environment variable is set), any format string of ``:tokens``, or
a callable ``fn(tokens, req, res) -> str | None`` (None skips the line). Options: ``stream``
(anything with ``write``; default ``sys.stderr``, looked up when a line is written), ``skip``
(``fn(req, res) -> bool``), ``immediate`` (log when the request arrives, not when the response
is done).

Tokens as morgan's: ``:method :url :status :response-time[digits] :total-time[digits]
:date[clf|iso|web] :remote-addr :remote-user :http-version :referrer :user-agent :req[header]
:res[header] :pid``; a token that gives nothing prints ``-``; string values are escaped for
line-oriented logs (control characters, quotes and backslashes). ``logger.token(name, fn)``
adds a token ``fn(req, res, arg)``, ``logger.format(name, fmt)`` names a format,
``logger.compile(fmt)`` compiles one.

Times are measured from the arrival of the request's first byte (the protocol's
``req.start_time``) to the response's ``'finish'``: the last byte handed to the connection
(or its ``'close'`` when the client went away after the head). ``:total-time`` runs until the
line is written, which is the same moment. (morgan's ``:response-time`` stops when the head is
written: the same for a response sent in one piece; a streamed one counts to its end here,
because no hook on the head is taken, which would cost file responses their zero-copy path.)
The line is written on ``'finish'``, or on ``'close'`` when the client went away first.
"""
from __future__ import annotations

import base64
import binascii
import os
import re
import sys
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any, Callable

from ..jsvalues import UNDEFINED, js_string, js_truthy
from ..router import arity

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["logger", "token", "format", "compile", "TOKENS", "FORMATS"]

_perf = time.perf_counter

# -- escaping and JavaScript-isms -------------------------------------------------------------

_ESCAPE_RE = re.compile('[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\\\]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _ESCAPES.get(ch) or "\\u%04x" % ord(ch)


def escape_log_field(value: Any) -> str | None:
    """morgan's ``escapeLogField``: control characters, quotes and backslashes escaped."""
    if value is None or value is UNDEFINED:
        return None
    text = js_string(value)
    return _ESCAPE_RE.sub(_escape_char, text) if _ESCAPE_RE.search(text) else text


def _to_fixed(value: float, digits: Any) -> str:
    """``Number.prototype.toFixed(digits)`` (digits as a format string gives it: "3")."""
    if digits is None:
        n = 3
    else:
        try:
            n = int(float(digits))
        except (TypeError, ValueError):
            n = 0
    n = max(0, min(100, n))
    return "%.*f" % (n, value)


# -- tokens -----------------------------------------------------------------------------------

Token = Callable[..., Any]


class Tokens(dict):  # type: ignore[type-arg]
    """The token table, as a format callable receives it: ``tokens["response-time"](req, res)``,
    also ``tokens.response_time(req, res)`` and ``tokens.method(req, res)``."""

    def __getattr__(self, name: str) -> Token:
        try:
            return self[name]
        except KeyError:
            try:
                return self[name.replace("_", "-")]
            except KeyError:
                raise AttributeError(name) from None


TOKENS = Tokens()  # name -> the escaping wrapper around the token function
FORMATS: dict[str, Any] = {}  # name -> format string or callable


def token(name: str, fn: Token) -> Callable[..., Any]:
    """Define ``:name`` as ``fn(req, res, arg=None)``; its string output is escaped."""
    takes_arg = arity(fn) >= 3

    def value(req: Request, res: Response, *args: Any) -> Any:
        result = fn(req, res, *args) if takes_arg else fn(req, res)
        if isinstance(result, str) and _ESCAPE_RE.search(result):
            return _ESCAPE_RE.sub(_escape_char, result)
        return result

    value.__name__ = f"token_{name}"
    TOKENS[name] = value
    return globals().get("logger")


def _headers_sent(res: Response) -> bool:
    return bool(res.headers_sent)


def _url(req: Request, res: Response, arg: Any = None) -> Any:
    return req.original_url or req.url


def _method(req: Request, res: Response, arg: Any = None) -> Any:
    return req.method


def _response_time(req: Request, res: Response, digits: Any = None) -> Any:
    start = getattr(req, "_log_start", None)
    end = getattr(res, "_log_start", None)
    if start is None or end is None:
        return None
    return _to_fixed((end - start) * 1e3, digits)


def _total_time(req: Request, res: Response, digits: Any = None) -> Any:
    start = getattr(req, "_log_start", None)
    if start is None or getattr(res, "_log_start", None) is None:
        return None
    return _to_fixed((_perf() - start) * 1e3, digits)


_CLF_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clf_date(moment: datetime) -> str:
    return "%02d/%s/%d:%02d:%02d:%02d +0000" % (moment.day, _CLF_MONTHS[moment.month - 1], moment.year,
                                               moment.hour, moment.minute, moment.second)


def _date(req: Request, res: Response, fmt: Any = None) -> Any:
    now = datetime.now(timezone.utc)
    fmt = fmt or "web"
    if fmt == "clf":
        return clf_date(now)
    if fmt == "iso":
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)
    if fmt == "web":
        return format_datetime(now, usegmt=True)
    return None


def _status(req: Request, res: Response, arg: Any = None) -> Any:
    return str(res.status_code) if _headers_sent(res) else None


def _referrer(req: Request, res: Response, arg: Any = None) -> Any:
    headers = req.headers
    return headers.get("referer") or headers.get("referrer")


def remote_addr(req: Request, res: Response | None = None, arg: Any = None) -> Any:
    """morgan's ``getip``: ``req.ip``, else the connection's peer address."""
    try:
        ip = req.ip
    except Exception:  # noqa: BLE001 - a broken trust setting must not lose the log line
        ip = None
    return ip or getattr(req._conn, "client_addr", None) or None


_CREDENTIALS = re.compile(r" *(?:[Bb][Aa][Ss][Ii][Cc]) +([A-Za-z0-9._~+/-]+=*) *")
_USER_PASS = re.compile("([^:]*):[^\n\r\u2028\u2029]*")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def _decode_base64(text: str) -> str:
    """Node's ``Buffer.from(text, 'base64').toString()``: url-safe letters too, other
    characters skipped, stops at padding, invalid UTF-8 replaced."""
    text = text.split("=", 1)[0].replace("-", "+").replace("_", "/")
    text = _NOT_BASE64.sub("", text)
    if len(text) % 4 == 1:
        text = text[:-1]
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return ""
    return data.decode("utf-8", "replace")


def basic_auth_user(header: str | None) -> str | None:
    """The user name of a Basic Authorization header (npm basic-auth), or None."""
    if not isinstance(header, str):
        return None
    match = _CREDENTIALS.fullmatch(header)
    if match is None:
        return None
    user_pass = _USER_PASS.fullmatch(_decode_base64(match.group(1)))
    return user_pass.group(1) if user_pass else None


def _remote_user(req: Request, res: Response, arg: Any = None) -> Any:
    return basic_auth_user(req.headers.get("authorization"))


def _pid(req: Request, res: Response, arg: Any = None) -> Any:
    return str(os.getpid())


def _http_version(req: Request, res: Response, arg: Any = None) -> Any:
    version = req.http_version
    return version if "." in version else version + ".0"


def _user_agent(req: Request, res: Response, arg: Any = None) -> Any:
    return req.headers.get("user-agent")


def _req_header(req: Request, res: Response, field: Any = None) -> Any:
    if field is None:
        return None
    return req.headers.get(str(field).lower())


def _res_header(req: Request, res: Response, field: Any = None) -> Any:
    if not _headers_sent(res) or field is None:
        return None
    value = res.get(str(field))
    return ", ".join(value) if isinstance(value, list) else value


for _name, _fn in (
    ("url", _url), ("method", _method), ("response-time", _response_time), ("total-time", _total_time),
    ("date", _date), ("status", _status), ("referrer", _referrer), ("remote-addr", remote_addr),
    ("remote-user", _remote_user), ("pid", _pid), ("http-version", _http_version),
    ("user-agent", _user_agent), ("req", _req_header), ("res", _res_header),
):
    token(_name, _fn)


# -- formats ----------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r":([-\w]{2,})(?:\[([^\]]+)\])?", re.ASCII)


def compile(fmt: str) -> Callable[[Any, Any, Any], str]:  # noqa: A001 - morgan's name
    """Compile a format string of ``:tokens`` into ``fn(tokens, req, res) -> str``."""
    if not isinstance(fmt, str):
        raise TypeError("argument format must be a string")
    parts: list[str] = []
    calls: list[tuple[str, tuple[Any, ...]]] = []
    pos = 0
    for match in _TOKEN_RE.finditer(fmt):
        parts.append(fmt[pos:match.start()])
        arg = match.group(2)
        calls.append((match.group(1), () if arg is None else (arg,)))
        pos = match.end()
    tail = fmt[pos:]

    # As morgan does (it builds a JavaScript function from the format), the format becomes one
    # Python function: one expression per token, no loop. Every piece of the format enters the
    # source through repr(). PERF: a combined-format line 478 -> 290 bytecodes.
    pieces = []
    for literal, (name, args) in zip(parts, calls):
        if literal:
            pieces.append(repr(literal))
        call = "".join(f", {arg!r}" for arg in args)
        pieces.append(f"(v or '-' if type(v := (f if (f := get({name!r})) is not None else _unknown({name!r}))"
                      f"(req, res{call})) is str else _text(v))")
    if tail:
        pieces.append(repr(tail))
    source = ("def format_line(tokens, req, res):\n"
              "    get = tokens.get if isinstance(tokens, dict) else _getter(tokens)\n"
              f"    return ''.join(({''.join(p + ', ' for p in pieces)}))\n")
    namespace: dict[str, Any] = {"_unknown": _unknown_token, "_text": _token_text, "_getter": _attribute_getter}
    exec(source, namespace)  # noqa: S102 - the format's text is quoted by repr()
    return namespace["format_line"]  # type: ignore[no-any-return]


def _unknown_token(name: str) -> Any:
    raise TypeError(f"logger: unknown token :{name}")


def _token_text(value: Any) -> str:
    """A token's value that is not a str, as morgan prints it ("-" for a falsy one)."""
    return js_string(value) if js_truthy(value) else "-"


def _attribute_getter(tokens: Any) -> Callable[[str], Any]:
    return lambda name: getattr(tokens, name, None)


def format(name: str, fmt: Any) -> Callable[..., Any]:  # noqa: A001 - morgan's name
    """Name a format (a format string or a callable ``fn(tokens, req, res)``)."""
    FORMATS[name] = fmt
    return globals().get("logger")


format("combined", ':remote-addr - :remote-user [:date[clf]] ":method :url HTTP/:http-version" :status '
                   ':res[content-length] ":referrer" ":user-agent"')
format("common", ':remote-addr - :remote-user [:date[clf]] ":method :url HTTP/:http-version" :status '
                 ':res[content-length]')
format("default", ':remote-addr - :remote-user [:date] ":method :url HTTP/:http-version" :status '
                  ':res[content-length] ":referrer" ":user-agent"')
format("short", ":remote-addr :remote-user :method :url HTTP/:http-version :status :res[content-length] - "
                ":response-time ms")
format("tiny", ":method :url :status :res[content-length] - :response-time ms")

_dev_by_color: dict[int, Callable[..., str]] = {}


def _dev(tokens: Any, req: Request, res: Response) -> str:
    status = res.status_code if _headers_sent(res) else None
    color = (0 if status is None else 31 if status >= 500 else 33 if status >= 400 else 36 if status >= 300
             else 32 if status >= 200 else 0)
    fn = _dev_by_color.get(color)
    if fn is None:
        fn = _dev_by_color[color] = compile(
            f"\x1b[0m:method :url \x1b[{color}m:status\x1b[0m :response-time ms - :res[content-length]\x1b[0m")
    return fn(tokens, req, res)


# NO_COLOR (https://no-color.org): when set and not empty, dev has no escape sequences.
format("dev", compile(":method :url :status :response-time ms - :res[content-length]")
       if os.environ.get("NO_COLOR") else _dev)


def _format_function(fmt: Any) -> Callable[..., Any]:
    if callable(fmt):
        return fmt
    named = FORMATS.get(fmt) if isinstance(fmt, str) else None
    chosen = named if named is not None else (fmt or FORMATS["default"])
    return chosen if callable(chosen) else compile(chosen)


# -- the middleware ---------------------------------------------------------------------------

_KNOWN = frozenset({"stream", "skip", "immediate", "format"})


def logger(format: Any = "dev", /, **opts: Any) -> Callable[..., Any]:  # noqa: A002
    """The logger middleware (morgan). ``format`` is a format name, a format string or a
    callable ``fn(tokens, req, res)``; options ``stream``, ``skip``, ``immediate``."""
    for key in opts:
        if key not in _KNOWN:
            raise TypeError(f"logger() got an unexpected option {key!r}")
    if isinstance(format, dict):  # morgan(options): the format inside the options
        opts = {**format, **opts}
        format = opts.pop("format", "default")
    elif "format" in opts:
        format = opts.pop("format")
    format_line = _format_function(format)
    stream = opts.get("stream")
    skip = opts.get("skip")
    immediate = bool(opts.get("immediate"))
    if stream is not None and not callable(getattr(stream, "write", None)):
        raise TypeError("logger: stream must have a write() method")

    def log_request(req: Request, res: Response) -> None:
        if skip is not None and skip(req, res):
            return
        line = format_line(TOKENS, req, res)
        if line is None:
            return
        out = stream if stream is not None else sys.stderr
        out.write(f"{line}\n")
        flush = getattr(out, "flush", None)
        if flush is not None and stream is None:
            flush()

    def logger_middleware(req: Request, res: Response, next: Callable[..., Any]) -> None:
        now = _perf()
        start = now
        began = req.start_time
        if began:
            # The request's first byte arrived before its head was parsed and dispatched.
            try:
                start = now - max(0.0, req._conn.loop.time() - began)
            except AttributeError:
                pass
        req._log_start = start  # type: ignore[attr-defined]
        res._log_start = None  # type: ignore[attr-defined]
        if immediate:
            log_request(req, res)
            next()
            return
        logged = False

        def on_done() -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            if res.headers_sent and getattr(res, "_log_start", None) is None:
                res._log_start = _perf()  # type: ignore[attr-defined]
            log_request(req, res)

        res.on("finish", on_done)
        res.on("close", on_done)
        next()

    return logger_middleware


logger.token = token  # type: ignore[attr-defined]
logger.format = format  # type: ignore[attr-defined]
logger.compile = compile  # type: ignore[attr-defined]
