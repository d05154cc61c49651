"""``res``: Express's response object.

As in Express's ``lib/response.js``, each method is short and returns ``res``; ``json``,
``jsonp``, ``send_status`` (and later ``render``) funnel into ``send``, the one place that
decides type, length, ETag, 304 and HEAD. ``end``/``write`` hand bytes to the connection.
"""
from __future__ import annotations

import json as _json
import re
import logging
import math
import os
from typing import TYPE_CHECKING, Any, Callable, Iterable

import orjson

from ._accel import validate_header, weak_etag
from ._memo import Memo
from .errors import HeadersSentError, HTTPError, WriteAfterEndError
from .httputil import _weak_etag
from .jsvalues import UNDEFINED, js_string
from .httputil import CONTENT_TYPE_FALSE, content_disposition, encodeurl, escape_html, express_set_content_type, express_type, set_charset, vary_append
from .mime import extname, lookup as mime_lookup
from .negotiation import accepts_types
from .statuses import message as status_message

if TYPE_CHECKING:
    from .application import App
    from .request import Request

logger = logging.getLogger("fastexpress.error")




class Locals(dict):  # type: ignore[type-arg]
    """``res.locals`` / ``app.locals``: a dict whose keys also read as attributes."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None


def _valid_type(t: str) -> str:
    value = express_type(t)
    validate_header("Content-Type", value)  # the write boundary, once per distinct value
    return value


# PERF: the few Content-Type values an app uses are transformed once, not per response.
_set_ct_value: Memo[str, str] = Memo(express_set_content_type)
_utf8: Memo[str, str] = Memo(lambda value: set_charset(value, "utf-8"))
_valid_type_value: Memo[str, str] = Memo(_valid_type)


def _to_bytes(data: Any, encoding: str | None = None) -> bytes:
    if data is None or data is UNDEFINED:
        return b""
    if isinstance(data, str):
        return data.encode(encoding or "utf-8")
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f'The "chunk" argument must be of type str or bytes. Received {type(data).__name__}')


_HTML_TEXT = "text/html; charset=utf-8"
_JSON_TYPE = "application/json; charset=utf-8"
_JSON_SETTINGS = frozenset(("json replacer", "json spaces", "json escape"))


class Response:
    """The response to one request."""

    __slots__ = (
        "req", "app", "_conn", "status_code", "status_message", "_headers", "_locals",
        "headers_sent", "finished", "_chunked", "_has_body", "_listeners", "_closed", "__dict__",
    )

    def __init__(self, req: Request) -> None:
        self.req = req
        req.res = self
        self._conn = req._conn
        self.app: App | None = None
        self.status_code = 200
        self.status_message: str | None = None
        # lower-case name -> (name as set, value or list of values); dict order = write order.
        self._headers: dict[str, tuple[str, Any]] = {}
        self._locals: Locals | None = None
        self.headers_sent = False
        self.finished = False
        self._chunked = False
        self._has_body = True
        self._listeners: dict[str, list[Callable[[], Any]]] | None = None
        self._closed = False

    @property
    def locals(self) -> Locals:
        # PERF: made on first use; most handlers never touch it.
        if self._locals is None:
            self._locals = Locals()
        return self._locals

    @locals.setter
    def locals(self, value: Locals) -> None:
        self._locals = value

    # -- Express names ----------------------------------------------------------------------

    @property
    def statusCode(self) -> int:  # noqa: N802
        return self.status_code

    @statusCode.setter
    def statusCode(self, value: int) -> None:  # noqa: N802
        self.status_code = value

    @property
    def statusMessage(self) -> str | None:  # noqa: N802
        return self.status_message

    @statusMessage.setter
    def statusMessage(self, value: str | None) -> None:  # noqa: N802
        self.status_message = value

    @property
    def headersSent(self) -> bool:  # noqa: N802
        return self.headers_sent

    @property
    def writableEnded(self) -> bool:  # noqa: N802
        return self.finished

    writable_ended = writableEnded

    def _settings(self) -> dict[str, Any]:
        app = self.app
        return app.settings if app is not None else {}

    # -- status -----------------------------------------------------------------------------

    def status(self, code: Any) -> Response:
        if isinstance(code, float) and code.is_integer():
            code = int(code)
        if not isinstance(code, int) or isinstance(code, bool):
            shown = _json.dumps(code) if isinstance(code, (str, float, bool, type(None))) else repr(code)
            raise TypeError(f"Invalid status code: {shown}. Status code must be an integer.")
        if code < 100 or code > 999:
            raise ValueError(f"Invalid status code: {code}. Status code must be greater than 99 and less than 1000.")
        self.status_code = code
        return self

    def send_status(self, code: int) -> Response:
        body = status_message(code) or str(code)
        self.status(code)
        self.type("txt")
        return self.send(body)

    sendStatus = send_status  # noqa: N815

    # -- headers ----------------------------------------------------------------------------

    def set(self, field: Any, value: Any = UNDEFINED) -> Response:
        if value is UNDEFINED:
            if not isinstance(field, dict):
                raise TypeError("res.set() takes a field and a value, or a dict of fields")
            for key, val in field.items():
                self.set(key, val)
            return self
        if self.headers_sent:
            raise HeadersSentError()
        if isinstance(value, (list, tuple)):
            value = [js_string(v) for v in value]
        else:
            value = js_string(value)
        lname = field.lower()
        if lname == "content-type":
            if isinstance(value, list):
                raise TypeError("Content-Type cannot be set to an Array")
            value = _set_ct_value[value]
        self._put(field, lname, value)
        return self

    header = set

    def _put(self, name: str, lname: str, value: str | list[str]) -> None:
        # The write boundary: CR, LF, NUL and other invalid characters are refused here.
        if isinstance(value, str):
            validate_header(name, value)
        else:
            for item in value:
                validate_header(name, item)
        self._headers[lname] = (name, value)

    def get(self, field: str) -> Any:
        entry = self._headers.get(field.lower())
        return entry[1] if entry is not None else None

    def append(self, field: str, value: Any) -> Response:
        prev = self.get(field)
        if prev:
            if isinstance(prev, list):
                value = prev + (list(value) if isinstance(value, (list, tuple)) else [value])
            elif isinstance(value, (list, tuple)):
                value = [prev, *value]
            else:
                value = [prev, value]
        return self.set(field, value)

    def type(self, t: str) -> Response:
        if self.headers_sent:
            raise HeadersSentError()
        self._headers["content-type"] = ("Content-Type", _valid_type_value[t])
        return self

    content_type = type
    contentType = type  # noqa: N815

    def vary(self, field: Any = UNDEFINED) -> Response:
        if field is UNDEFINED or field is None:
            raise TypeError("field argument is required")
        current = self.get("Vary") or ""
        if isinstance(current, list):
            current = ", ".join(current)
        value = vary_append(current, list(field) if isinstance(field, (list, tuple)) else field)
        if value:
            self.set("Vary", value)
        return self

    def location(self, url: Any) -> Response:
        return self.set("Location", encodeurl(js_string(url)))

    def links(self, links: dict[str, Any]) -> Response:
        link = self.get("Link") or ""
        if link:
            link += ", "
        parts = []
        for rel, value in links.items():
            if isinstance(value, (list, tuple)):
                parts.append(", ".join(f'<{item}>; rel="{rel}"' for item in value))
            else:
                parts.append(f'<{value}>; rel="{rel}"')
        return self.set("Link", link + ", ".join(parts))

    def attachment(self, filename: str | None = None) -> Response:
        name = os.path.basename(filename) if filename is not None else None
        if name:
            self.type(extname(name))
        return self.set("Content-Disposition", content_disposition(name))

    # Node's header API, which Express apps also use.

    def set_header(self, name: str, value: Any) -> Response:
        if self.headers_sent:
            raise HeadersSentError()
        value = [js_string(v) for v in value] if isinstance(value, (list, tuple)) else js_string(value)
        self._put(name, name.lower(), value)
        return self

    def get_header(self, name: str) -> Any:
        return self.get(name)

    def has_header(self, name: str) -> bool:
        return name.lower() in self._headers

    def remove_header(self, name: str) -> Response:
        if self.headers_sent:
            raise HeadersSentError()
        self._headers.pop(name.lower(), None)
        return self

    def get_headers(self) -> dict[str, Any]:
        return {lname: value for lname, (_, value) in self._headers.items()}

    def get_header_names(self) -> list[str]:
        return list(self._headers)

    def write_head(self, status: int, headers: dict[str, Any] | Iterable[tuple[str, Any]] | None = None) -> Response:
        self.status(status)
        if headers:
            for name, value in headers.items() if isinstance(headers, dict) else headers:
                self.set_header(name, value)
        return self

    setHeader = set_header  # noqa: N815
    getHeader = get_header  # noqa: N815
    hasHeader = has_header  # noqa: N815
    removeHeader = remove_header  # noqa: N815
    getHeaders = get_headers  # noqa: N815
    getHeaderNames = get_header_names  # noqa: N815
    writeHead = write_head  # noqa: N815

    # -- sending ----------------------------------------------------------------------------

    def send(self, body: Any = UNDEFINED) -> Response:
        if self.headers_sent:
            raise HeadersSentError()
        headers = self._headers
        btype = type(body)
        chunk: bytes | None
        if btype is str or isinstance(body, str):
            ct = headers.get("content-type")
            if ct is not None and isinstance(ct[1], str) and ct[1] != CONTENT_TYPE_FALSE:
                headers["content-type"] = (ct[0], _utf8[ct[1]])
            else:
                headers["content-type"] = ("Content-Type", _HTML_TEXT)
            chunk = body.encode("utf-8")
        elif btype is bytes or isinstance(body, (bytes, bytearray, memoryview)):
            chunk = bytes(body)
            if "content-type" not in headers:
                headers["content-type"] = ("Content-Type", "application/octet-stream")
        elif body is None:
            chunk = b""
        elif body is UNDEFINED:
            chunk = None
        else:
            return self.json(body)
        app = self.app
        try:  # PERF: the dict's own lookup (a mounted app's falls back through __missing__)
            etag_fn = app.settings["etag fn"] if app is not None else None
        except KeyError:
            etag_fn = None
        if chunk is not None:
            if "transfer-encoding" not in headers:
                headers["content-length"] = ("Content-Length", str(len(chunk)))
            if etag_fn is not None and "etag" not in headers:
                etag = weak_etag(chunk) if etag_fn is _weak_etag else etag_fn(chunk, None)
                if etag:
                    if etag_fn is _weak_etag:
                        headers["etag"] = ("ETag", etag)  # ours: valid by construction
                    else:
                        self.set("ETag", etag)
        req = self.req
        # PERF: freshness needs a conditional header; most requests have none.
        if req._conditional and req.fresh:
            self.status_code = 304
        status = self.status_code
        if status == 204 or status == 304:
            headers.pop("content-type", None)
            headers.pop("content-length", None)
            headers.pop("transfer-encoding", None)
            chunk = b""
        elif status == 205:
            self.set("Content-Length", "0")
            headers.pop("transfer-encoding", None)
            chunk = b""
        # Through end(), not _end(): middleware that wraps res.end (as in Node) sees sends too.
        return self.end(b"" if chunk is None or req.method == "HEAD" else chunk)

    def json(self, obj: Any = UNDEFINED) -> Response:
        app = self.app
        settings = app.settings if app is not None else None
        if settings is None or (settings.parent is None and settings.keys().isdisjoint(_JSON_SETTINGS)):
            body = stringify(obj)  # PERF: the usual app sets none of them: one C call, not three lookups
        else:
            body = stringify(obj, settings.get("json replacer"), settings.get("json spaces"), settings.get("json escape"))
        headers = self._headers
        if "content-type" not in headers:
            headers["content-type"] = ("Content-Type", _JSON_TYPE)  # a valid constant
        return self.send(UNDEFINED if body is None else body)

    def jsonp(self, obj: Any = UNDEFINED) -> Response:
        settings = self._settings()
        body = stringify(obj, settings.get("json replacer"), settings.get("json spaces"), settings.get("json escape"))
        query = self.req.query
        callback = query.get(settings.get("jsonp callback name")) if isinstance(query, dict) else None
        if "content-type" not in self._headers:
            self.set("X-Content-Type-Options", "nosniff")
            self.set("Content-Type", "application/json")
        if isinstance(callback, list):
            callback = callback[0] if callback else None
        if isinstance(callback, str) and callback:
            self.set("X-Content-Type-Options", "nosniff")
            self.set("Content-Type", "text/javascript")
            callback = "".join(c for c in callback if c.isascii() and (c.isalnum() or c in "[]_$."))
            if body is None:
                body = ""
            else:
                body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            body = f"/**/ typeof {callback} === 'function' && {callback}({body});"
        return self.send(UNDEFINED if body is None else body)

    def redirect(self, *args: Any) -> Response:
        if len(args) == 2:
            status, url = args
        elif len(args) == 1:
            status, url = 302, args[0]
        else:
            raise TypeError("res.redirect() takes a url, or a status and a url")
        if url is None or url is UNDEFINED:
            logger.warning("fastexpress deprecated res.redirect(): Provide a url argument")
            url = "undefined"
        address = self.location(url).get("Location")
        key = accepts_types(self.req.headers.get("accept"), ["text", "html"])
        self.vary("Accept")
        text = status_message(status) if isinstance(status, int) else None
        text = "undefined" if text is None else text
        if key == "text":
            self.set("Content-Type", "text/plain; charset=utf-8")
            body = f"{text}. Redirecting to {address}"
        elif key == "html":
            self.set("Content-Type", _HTML_TEXT)
            u = escape_html(address)
            body = (f"<!DOCTYPE html><head><title>{text}</title></head>"
                    f"<body><p>{text}. Redirecting to {u}</p></body>")
        else:
            body = ""
        self.status(status)
        data = body.encode("utf-8")
        self.set("Content-Length", len(data))
        return self.end() if self.req.method == "HEAD" else self.end(data)

    def format(self, obj: dict[str, Callable[..., Any]]) -> Response:
        req = self.req
        keys = [key for key in obj if key != "default"]
        key = req.accepts(keys) if keys else False
        self.vary("Accept")
        if key:
            self.set("Content-Type", _normalize_type(key))
            _call_format_handler(obj[key], req, self)
        elif "default" in obj:
            _call_format_handler(obj["default"], req, self)
        else:
            req.next(HTTPError(406, types=[_normalize_type(k) for k in keys]))
        return self

    def write(self, data: Any, encoding: str | None = None) -> bool:
        """Stream a chunk (chunked framing when no Content-Length is set). False means the
        connection's buffer is full: ``await res.drain()`` before writing more."""
        if self.finished:
            raise WriteAfterEndError()
        self._conn.write_response(self, _to_bytes(data, encoding), False)
        return self._conn.write_ready()

    async def drain(self) -> None:
        await self._conn.drain()

    def end(self, data: Any = None, encoding: str | None = None) -> Response:
        if self.finished:
            return self  # Node ignores a second end()
        return self._end(data if type(data) is bytes else _to_bytes(data, encoding))

    def _end(self, body: bytes) -> Response:
        self.finished = True
        try:
            self._conn.write_response(self, body, True)
        except Exception:
            if not self.headers_sent:  # e.g. an invalid status message: nothing was written
                self.finished = False
            raise
        return self

    # -- files, templates, cookies (their modules hold the logic) ---------------------------

    def send_file(self, path: str, *args: Any, **options: Any) -> Any:
        """Express's ``res.sendFile``; returns an awaitable that is already running."""
        from .send import send_file

        return send_file(self, path, *args, **options)

    def download(self, path: str, *args: Any, **options: Any) -> Any:
        from .send import download

        return download(self, path, *args, **options)

    def render(self, view: str, /, *args: Any, **kwargs: Any) -> Any:
        from .view import render_response

        return render_response(self, view, *args, **kwargs)

    def cookie(self, name: str, value: Any, **options: Any) -> Response:
        from .cookies import cookie

        return cookie(self, name, value, **options)

    def clear_cookie(self, name: str, **options: Any) -> Response:
        from .cookies import clear_cookie

        return clear_cookie(self, name, **options)

    sendFile = send_file  # noqa: N815
    clearCookie = clear_cookie  # noqa: N815

    # -- events -----------------------------------------------------------------------------

    def on(self, event: str, listener: Callable[[], Any]) -> Response:
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(event, []).append(listener)
        return self

    once = on  # each event fires at most once per response

    def _emit(self, event: str) -> None:
        listeners = self._listeners.pop(event, None) if self._listeners else None
        for listener in listeners or ():
            try:
                listener()
            except Exception:
                logger.exception("error in res.on(%r) listener", event)

    def _on_finish(self) -> None:
        # Node emits 'finish' once the response is handed over, then 'close'.
        self._closed = True
        if self._listeners is not None:
            self._emit("finish")
            self._emit("close")

    def _on_finish_closed(self) -> None:
        self._on_close()

    def _on_close(self) -> None:
        if not self._closed:
            self._closed = True
            self._emit("close")

    def _emergency(self, status: int) -> None:
        """The app failed before answering: a bare error response, nothing of the app's."""
        self._headers = {}
        self.status_code = status
        self.send(status_message(status) or "")

    def __repr__(self) -> str:
        return f"<Response {self.status_code}>"


def _normalize_type(t: str) -> str:
    if "/" in t:
        return t.split(";", 1)[0].strip()
    return mime_lookup(t) or "application/octet-stream"


def _call_format_handler(fn: Callable[..., Any], req: Request, res: Response) -> None:
    from .router import arity, invoke

    next = req.next
    args = () if arity(fn) == 0 else (req, res, next)
    invoke(fn, False, args, next)


# -- JSON -------------------------------------------------------------------------------------

_ORJSON_OPTS = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _js_default(value: Any) -> Any:
    to_json = getattr(value, "to_json", None) or getattr(value, "toJSON", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _replace(holder: Any, key: str, value: Any, replacer: Any) -> Any:
    """JSON.stringify's replacer walk: a callable sees (key, value); a list whitelists keys."""
    if callable(replacer):
        value = replacer(key, value)
    if isinstance(value, dict):
        items = value.items()
        if isinstance(replacer, (list, tuple)):
            allowed = [str(k) for k in replacer]
            items = [(k, value[k]) for k in allowed if k in value]
        out = {}
        for k, v in items:
            v = _replace(value, str(k), v, replacer)
            if v is not UNDEFINED:
                out[k] = v
        return out
    if isinstance(value, (list, tuple)):
        return [None if (v := _replace(value, str(i), item, replacer)) is UNDEFINED else v
                for i, item in enumerate(value)]
    return value


def _clean_floats(value: Any) -> Any:
    # JSON.stringify writes NaN and Infinity as null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean_floats(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, (list, tuple)):
        return [None if v is UNDEFINED else _clean_floats(v) for v in value]
    return value


def stringify(value: Any, replacer: Any = None, spaces: Any = None, escape: Any = None) -> str | None:
    """``JSON.stringify(value, replacer, spaces)`` with Express's ``json escape``; ``None``
    stands for JavaScript's undefined result."""
    if replacer:
        value = _replace({"": value}, "", value, replacer)
    if value is UNDEFINED or callable(value):
        return None
    indent: str | None = None
    if spaces is not None:  # PERF: the usual case skips the type tests
        if isinstance(spaces, bool):
            spaces = int(spaces)
        if isinstance(spaces, (int, float)) and spaces >= 1:
            indent = " " * min(10, int(spaces))
        elif isinstance(spaces, str) and spaces:
            indent = spaces[:10]
    try:
        if indent is None:
            text = orjson.dumps(value, default=_js_default, option=_ORJSON_OPTS).decode("utf-8")
        elif indent == "  ":
            text = orjson.dumps(value, default=_js_default, option=_ORJSON_OPTS | orjson.OPT_INDENT_2).decode("utf-8")
        else:
            raise orjson.JSONEncodeError("indent")
    except orjson.JSONEncodeError:
        # Unusual shapes (big ints, custom indents, UNDEFINED inside): the stdlib encoder.
        text = _json.dumps(_clean_floats(value), indent=indent, separators=(",", ": ") if indent else (",", ":"),
                           ensure_ascii=False, default=_js_default, allow_nan=False)
        # A lone surrogate (it cannot be UTF-8) is escaped, as JSON.stringify does.
        text = _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)
    if escape:
        text = text.translate(_ESCAPES)
    return text
