"""Express's body parsers (body-parser 2.4.0): ``json``, ``urlencoded``, ``text``, ``raw``.

Each factory returns a middleware that fills ``req.body`` when the request has a body (a
``Content-Length`` or ``Transfer-Encoding`` header) whose type matches, and otherwise leaves it
alone (``None``, Express's ``undefined``). A body another parser already read is skipped.

The body is read as it arrives (``req.stream()``), counted against ``limit`` (default 100kb) on
its inflated size, and refused with 413 as soon as it crosses the limit, so memory never holds
more than about the limit. A ``Content-Length`` over the limit is refused before anything is
read. ``Content-Encoding`` gzip, deflate and br bodies are decompressed in bounded steps (a
small zip bomb cannot expand past the limit); zstd is refused with 415, as body-parser does on
Node 20, where zlib has no zstd.

Errors are ``HTTPError`` with body-parser's ``status``, ``type``, message and properties,
passed to ``next(err)``:

=====  ==========================  ===============================================================
400    ``entity.parse.failed``     unparsable JSON (``body`` holds the decoded text); V8's messages
400    ``request.size.invalid``    fewer or more bytes than ``Content-Length`` said
400    ``request.aborted``         the client went away mid-body
400    ``querystring.parse.rangeError``  urlencoded keys nested deeper than ``depth``
403    ``entity.verify.failed``    ``verify`` raised (an exception's own ``status`` is kept)
413    ``entity.too.large``        over ``limit`` (``expected``/``length``/``limit`` or ``received``)
413    ``parameters.too.many``     more urlencoded parameters than ``parameter_limit``
415    ``charset.unsupported``     ``unsupported charset "X"``
415    ``encoding.unsupported``    ``unsupported content encoding "x"`` / inflate disabled
=====  ==========================  ===============================================================
"""
from __future__ import annotations

import codecs
import json as _stdjson
import math
import re
import zlib
from typing import Any, Callable, Iterator

import orjson

from .errors import ClientDisconnect, HTTPError
from .httputil import parse_content_type
from .querystring import QueryParseError, parse_extended
from .typeis import has_body, type_is

try:  # brotli is a dependency; without it br bodies get 415 like any unknown coding
    import brotli as _brotli

    # Bounded decompression needs brotli 1.2's output_buffer_limit; an older brotli could only
    # inflate a bomb whole, so br is then refused like an unknown coding.
    _brotli.Decompressor().process(b"", output_buffer_limit=1)
    _brotli.Decompressor().can_accept_more_data()
except (ImportError, TypeError, AttributeError):  # pragma: no cover
    _brotli = None

__all__ = ["json", "urlencoded", "text", "raw", "parse_bytes"]

DEFAULT_LIMIT = 102400  # "100kb"
# orjson refuses documents nested deeper than this; such a body is a 400, never a 500.
MAX_JSON_DEPTH = 1024


# --------------------------------------------------------------------------- options

_BYTES_RE = re.compile(r"((-|\+)?(\d+(?:\.\d+)?)) *(kb|mb|gb|tb|pb)", re.IGNORECASE)
_BYTES_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
# parseInt(value, 10): JS whitespace, a sign, digits; anything may follow.
_PARSE_INT = re.compile(r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*([+-]?\d+)")


def parse_bytes(value: Any) -> int | float | None:
    """npm ``bytes.parse`` 3.1.2: ``1024``, ``"1kb"``, ``"1.5mb"``, ``"100"`` -> a number of
    bytes; None when JavaScript would get null (not a number or a string, or no digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else value
    if not isinstance(value, str):
        return None
    match = _BYTES_RE.fullmatch(value)
    if match is not None:
        number, unit = float(match.group(1)), match.group(4).lower()
    else:
        prefix = _PARSE_INT.match(value)
        if prefix is None:
            return None
        number, unit = float(prefix.group(1)), "b"
    return math.floor(_BYTES_UNITS[unit] * number)


_CAMEL = {
    "parameterLimit": "parameter_limit",
    "defaultCharset": "default_charset",
    "charsetSentinel": "charset_sentinel",
    "interpretNumericEntities": "interpret_numeric_entities",
}


def _options(options: Any, opts: dict[str, Any], allowed: tuple[str, ...], name: str) -> dict[str, Any]:
    """Merge Express's options object (a dict) and keyword arguments; camelCase names work too."""
    merged: dict[str, Any] = {}
    if options is not None:
        if not isinstance(options, dict):
            raise TypeError(f"{name}() options must be a dict")
        merged.update(options)
    merged.update(opts)
    out: dict[str, Any] = {}
    for key, value in merged.items():
        key = _CAMEL.get(key, key)
        if key not in allowed:
            raise TypeError(f"{name}() got an unexpected option {key!r}")
        out[key] = value
    return out


class _Settings:
    """body-parser's normalizeOptions."""

    __slots__ = ("limit", "inflate", "verify", "default_charset", "should_parse", "types")

    def __init__(self, opts: dict[str, Any], default_type: str) -> None:
        self.inflate = opts.get("inflate") is not False
        raw_limit = opts.get("limit")
        limit = DEFAULT_LIMIT if raw_limit is None else parse_bytes(raw_limit)
        if limit is None:
            raise TypeError(f'option limit "{_js_string(raw_limit)}" is invalid')
        self.limit = limit
        verify = opts.get("verify") or None
        if verify is not None and not callable(verify):
            raise TypeError("option verify must be function")
        self.verify = verify
        self.default_charset = opts.get("default_charset") or "utf-8"
        type_ = opts.get("type") or default_type
        if callable(type_):
            self.should_parse: Callable[[Any], Any] | None = type_
            self.types: list[Any] = []
        else:
            self.should_parse = None
            self.types = list(type_) if isinstance(type_, (list, tuple)) else [type_]


def _js_string(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- charsets

# Python codecs that iconv-lite has no counterpart for (or that are not charsets at all).
_NOT_CHARSETS = frozenset({"undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode",
                           "mbcs", "oem", "charmap", "unicode_internal"})
_codec_cache: dict[str, codecs.CodecInfo | None] = {}


def lookup_charset(name: str) -> codecs.CodecInfo | None:
    """The Python codec for a charset name, or None where iconv-lite would not know it.
    Names are tried as given, then without punctuation (iconv-lite's canonical form)."""
    try:
        return _codec_cache[name]
    except KeyError:
        pass
    info = None
    for candidate in (name, re.sub(r"[^0-9a-z]", "", name.lower())):
        if not candidate:
            continue
        try:
            found = codecs.lookup(candidate)
        except (LookupError, ValueError):
            continue
        if getattr(found, "_is_text_encoding", True) and found.name.replace("-", "_") not in _NOT_CHARSETS:
            info = found
        break
    if len(_codec_cache) < 256:
        _codec_cache[name] = info
    return info


def _decode(data: bytes, codec: codecs.CodecInfo) -> str:
    """iconv-lite's decode: invalid bytes become U+FFFD and a Unicode BOM is dropped."""
    text = codec.decode(data, "replace")[0]
    if text[:1] == "\ufeff" and codec.name.startswith("utf"):
        text = text[1:]
    return text


def _charset_error(encoding: str) -> HTTPError:
    return HTTPError(415, f'unsupported charset "{encoding.upper()}"', charset=encoding.lower(),
                     type="charset.unsupported")


# --------------------------------------------------------------------------- decompression

_ZLIB_PREFIX = re.compile(r"^Error -?\d+ while [a-z ]+: ")


def _zlib_error(exc: Exception) -> HTTPError:
    message = _ZLIB_PREFIX.sub("", str(exc)) or "invalid compressed data"
    return HTTPError(400, message, code="Z_DATA_ERROR", errno=-3)


def _unexpected_eof() -> HTTPError:
    # Node's zlib: a stream that stops before its end.
    return HTTPError(400, "unexpected end of file", code="Z_BUF_ERROR", errno=-5)


class _Inflater:
    """Streaming gzip/deflate/br decoding that never produces more than ``budget()`` bytes per
    step, as Node's zlib streams behave: concatenated gzip members are decoded in turn (zero
    padding after one ends it), bytes after a deflate or brotli stream are ignored."""

    __slots__ = ("kind", "_z", "_br", "_done", "_between")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._z: Any = None
        self._br: Any = None
        self._done = False       # the stream ended; the rest of the input is ignored
        self._between = False    # gzip: a member ended, another may follow
        if kind == "br":
            self._br = _brotli.Decompressor()
        else:
            self._z = zlib.decompressobj(31 if kind == "gzip" else 15)

    def feed(self, data: bytes, budget: Callable[[], int]) -> Iterator[bytes]:
        if self._br is not None:
            yield from self._feed_br(data, budget)
            return
        while data and not self._done:
            if self._between:
                if data[0] == 0:  # Node treats zero bytes after a member as the end
                    self._done = True
                    return
                self._between = False
                self._z = zlib.decompressobj(31)
            z = self._z
            try:
                out = z.decompress(data, budget())
                while True:
                    if out:
                        yield out
                    if z.eof:
                        break
                    tail = z.unconsumed_tail
                    if not tail and not out:
                        break
                    out = z.decompress(tail, budget())
            except zlib.error as exc:
                raise _zlib_error(exc) from None
            if not z.eof:
                return
            data = z.unused_data
            if self.kind == "gzip":
                self._between = True
            else:
                self._done = True

    def _feed_br(self, data: bytes, budget: Callable[[], int]) -> Iterator[bytes]:
        d = self._br
        if self._done or not data:
            return
        try:
            out = d.process(data, output_buffer_limit=budget())
            while True:
                if out:
                    yield out
                if d.can_accept_more_data():
                    break
                out = d.process(b"", output_buffer_limit=budget())
        except _brotli.error:
            raise HTTPError(400, "Decompression failed", code="ERR_BROTLI_DECOMPRESSION_FAILED") from None
        if d.is_finished():
            self._done = True

    def finish(self) -> None:
        """The input ended: an unfinished stream is an error."""
        if self._done or self._between:
            return
        if self._br is not None:
            if not self._br.is_finished():
                raise _unexpected_eof()
            return
        if not self._z.eof:
            raise _unexpected_eof()


_CODINGS = ("gzip", "deflate", "br")


def _content_coding(req: Any, inflate: bool) -> str | None:
    """The body's Content-Encoding (None for identity); raises 415 as body-parser does."""
    coding = req.headers.get("content-encoding")
    coding = coding.lower() if coding else "identity"
    if coding == "identity":
        return None
    if not inflate:
        raise HTTPError(415, "content encoding unsupported", encoding=coding, type="encoding.unsupported")
    if coding not in _CODINGS or (coding == "br" and _brotli is None):
        raise HTTPError(415, f'unsupported content encoding "{coding}"', encoding=coding,
                        type="encoding.unsupported")
    return coding


# --------------------------------------------------------------------------- reading

def _js_length(value: str | None) -> int | None:
    """raw-body's ``parseInt(length, 10)`` when ``!isNaN(length)``."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    return None


def _too_large_declared(length: int, limit: int | float) -> HTTPError:
    return HTTPError(413, "request entity too large", expected=length, length=length, limit=limit,
                     type="entity.too.large")


def _too_large(limit: int | float, received: int) -> HTTPError:
    return HTTPError(413, "request entity too large", limit=limit, received=received, type="entity.too.large")


def _aborted(length: int | None, received: int) -> HTTPError:
    return HTTPError(400, "request aborted", code="ECONNABORTED", expected=length, length=length,
                     received=received, type="request.aborted")


def _size_invalid(length: int, received: int) -> HTTPError:
    return HTTPError(400, "request size did not match content length", expected=length, length=length,
                     received=received, type="request.size.invalid")


def _discard(req: Any) -> None:
    """Drop the rest of a body nobody will read (the protocol would on the response anyway)."""
    discard = getattr(req, "_discard", None)
    if discard is not None:
        discard()


def _body_buffered(req: Any) -> bool:
    """The whole body is already here and unread: ``req.read()`` will not wait."""
    return (getattr(req, "_body_done", False) and not getattr(req, "_read_started", True)
            and getattr(req, "_body_error", None) is None)


def _read_buffered(req: Any) -> bytes:
    """``await req.read()`` when it cannot wait (see ``_body_buffered``), without a task."""
    coro = req.read()
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coro.close()  # pragma: no cover - _body_buffered said it would not suspend
    raise RuntimeError("the request body was not buffered")


def _inflate_all(data: bytes, coding: str, limit: int | float) -> bytes:
    inflater = _Inflater(coding)
    parts: list[bytes] = []
    received = 0

    def budget() -> int:
        return int(max(1, min(limit - received + 1, 1 << 20)))

    for out in inflater.feed(data, budget):
        received += len(out)
        if received > limit:
            raise _too_large(limit, received)
        parts.append(out)
    inflater.finish()
    return b"".join(parts)


async def _read_stream(req: Any, coding: str | None, length: int | None, limit: int | float) -> bytes:
    """raw-body: the (inflated) body, refused as soon as it crosses ``limit``."""
    inflater = _Inflater(coding) if coding is not None else None
    parts: list[bytes] = []
    received = 0

    def budget() -> int:
        return int(max(1, min(limit - received + 1, 1 << 20)))

    stream = req.stream()
    try:
        async for chunk in stream:
            if inflater is None:
                received += len(chunk)
                if received > limit:
                    _discard(req)
                    raise _too_large(limit, received)
                parts.append(chunk)
                continue
            try:
                for out in inflater.feed(chunk, budget):
                    received += len(out)
                    if received > limit:
                        raise _too_large(limit, received)
                    parts.append(out)
            except HTTPError:
                _discard(req)
                raise
        if inflater is not None:
            inflater.finish()
    except ClientDisconnect:
        raise _aborted(length, received) from None
    finally:
        await stream.aclose()
    if inflater is None and length is not None and received != length:
        raise _size_invalid(length, received)
    return b"".join(parts)


# --------------------------------------------------------------------------- the middleware

class _Parser:
    """body-parser's ``read``: the checks in order, then read, verify and parse."""

    __slots__ = ("settings", "parse", "valid_charset", "skip_charset", "name", "__name__", "_matches")

    def __init__(self, settings: _Settings, parse: Callable[[Any, str | None], Any],
                 valid_charset: Callable[[str], bool] | None, skip_charset: bool, name: str) -> None:
        self.settings = settings
        self.parse = parse  # (bytes, codec) -> value
        self.valid_charset = valid_charset
        self.skip_charset = skip_charset
        self.name = name
        self.__name__ = name
        self._matches: dict[str | None, bool] = {}  # PERF: Content-Type -> does the type match

    def _type_matches(self, content_type: str | None) -> bool:
        try:
            return self._matches[content_type]
        except KeyError:
            pass
        result = bool(type_is(content_type, self.settings.types))
        if len(self._matches) < 128:
            self._matches[content_type] = result
        return result

    def __call__(self, req: Any, res: Any, next: Callable[..., Any]) -> Any:
        # Already parsed: the body was read (body-parser: onFinished.isFinished(req)).
        if getattr(req, "_read_started", False) or req.__dict__.get("_body"):
            return next()
        headers = req.headers
        if not has_body(headers.get("content-length"), headers.get("transfer-encoding")):
            return next()
        settings = self.settings
        if settings.should_parse is not None:
            if not settings.should_parse(req):
                return next()
        elif not self._type_matches(headers.get("content-type")):
            return next()
        try:
            encoding = codec = None
            if not self.skip_charset:
                encoding = _request_charset(headers.get("content-type")) or settings.default_charset
                if self.valid_charset is not None and not self.valid_charset(encoding):
                    raise HTTPError(415, f'unsupported charset "{encoding.upper()}"', charset=encoding,
                                    type="charset.unsupported")
                codec = lookup_charset(encoding)
                if codec is None and settings.verify is not None:
                    raise _charset_error(encoding)
            coding = _content_coding(req, settings.inflate)
            length = _js_length(headers.get("content-length")) if coding is None else None
            limit = settings.limit
            if length is not None and length > limit:
                _discard(req)
                raise _too_large_declared(length, limit)
            if encoding is not None and codec is None:
                _discard(req)
                raise _charset_error(encoding)
        except HTTPError as err:
            return next(err)
        if _body_buffered(req):
            # PERF: the usual small request arrived whole with its head: no task, no awaiting.
            try:
                data = _read_buffered(req)
                if coding is not None:
                    data = _inflate_all(data, coding, limit)
                elif len(data) > limit:
                    raise _too_large(limit, len(data))
                elif length is not None and len(data) != length:
                    raise _size_invalid(length, len(data))
                self._finish(req, res, data, encoding, codec)
            except HTTPError as err:
                return next(err)
            return next()
        return self._read(req, res, next, coding, length, encoding, codec)

    async def _read(self, req: Any, res: Any, next: Callable[..., Any], coding: str | None,
                    length: int | None, encoding: str | None, codec: codecs.CodecInfo | None) -> None:
        try:
            data = await _read_stream(req, coding, length, self.settings.limit)
            self._finish(req, res, data, encoding, codec)
        except HTTPError as err:
            next(err)
            return
        next()

    def _finish(self, req: Any, res: Any, data: bytes, encoding: str | None,
                codec: codecs.CodecInfo | None) -> None:
        verify = self.settings.verify
        if verify is not None:
            try:
                verify(req, res, data, encoding)
            except Exception as exc:
                raise _verify_error(exc, data) from exc
        req.body = self.parse(data, codec)
        req._body = True


def _wrap_error(exc: Exception, status: int, type_: str, body: Any) -> HTTPError:
    """http-errors' createError(status, err, {body, type}): the exception's own status (when it
    has one in 400-599) wins, its message is kept."""
    for attr in ("status", "status_code", "statusCode"):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and 400 <= value < 600:
            status = value
            break
    err = HTTPError(status, str(exc), type=type_, body=body)
    err.__cause__ = exc
    return err


def _verify_error(exc: Exception, data: bytes) -> HTTPError:
    """createError(403, err, {body, type: err.type || 'entity.verify.failed'})."""
    return _wrap_error(exc, 403, getattr(exc, "type", None) or "entity.verify.failed", data)


_charset_param_cache: dict[str, str | None] = {}


def _request_charset(content_type: str | None) -> str | None:
    """The Content-Type's charset parameter, lower-cased (content-type's parse)."""
    if not content_type:
        return None
    try:
        return _charset_param_cache[content_type]
    except KeyError:
        pass
    charset = parse_content_type(content_type)[1].get("charset")
    charset = charset.lower() if charset is not None else None
    if len(_charset_param_cache) < 256:
        _charset_param_cache[content_type] = charset
    return charset


def _text(data: bytes, codec: codecs.CodecInfo | None) -> str:
    if codec is None:  # pragma: no cover - raw never decodes
        return data.decode("latin-1")
    if codec.name == "utf-8":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
        return text[1:] if text[:1] == "\ufeff" else text
    return _decode(data, codec)


# --------------------------------------------------------------------------- json

_JSON_WS = " \t\n\r"
_JSON_WS_BYTES = b" \t\n\r"


def _json_parse_error(message: str, text: str) -> HTTPError:
    return HTTPError(400, message, type="entity.parse.failed", body=text)


def _first_non_ws(text: str) -> str | None:
    for ch in text:
        if ch not in _JSON_WS:
            return ch
    return None


def _strict_violation(text: str, first: str | None) -> HTTPError:
    """body-parser's createStrictSyntaxError: V8's message for the body with everything from
    the first non-whitespace character on replaced by '#', the '#' runs then put back."""
    units = _utf16_units(text)  # JavaScript's string indexes
    first = _first_non_ws(units)
    # JavaScript: str.indexOf(undefined) looks for "undefined" (never in a blank body).
    index = units.find(first) if first is not None else -1
    partial = units[:index] + "#" * (len(units) - index) if index != -1 else ""
    message = _v8_error(partial) or "strict violation"
    message = re.sub(r"#+", lambda m: units[index:index + len(m.group())], message)
    return _json_parse_error(_from_units(message), text)


def _parse_json_text(text: str, strict: bool) -> Any:
    if not text:
        return {}
    if strict and text[0] != "{" and text[0] != "[":
        first = _first_non_ws(text)
        if first != "{" and first != "[":
            raise _strict_violation(text, first)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        orjson_error = str(exc)
    message = v8_json_error(text)
    if message is not None:
        raise _json_parse_error(message, text)
    if "depth" in orjson_error or "ecursion" in orjson_error:
        raise _json_parse_error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", text)
    # Valid for JSON.parse but not for orjson: lone surrogates (\ud800), numbers beyond a
    # double (1e400 -> Infinity, written back as null).
    try:
        return _stdjson.loads(text)
    except RecursionError:
        raise _json_parse_error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", text) from None
    except ValueError as exc:  # pragma: no cover - the V8 scanner accepted it
        raise _json_parse_error(str(exc), text) from None


def _parse_json(data: bytes, codec: codecs.CodecInfo | None, strict: bool) -> Any:
    if codec is not None and codec.name == "utf-8":
        if not data:
            return {}
        first = data[0]
        if first == 0x7B or first == 0x5B or (not strict and first != 0xEF):
            try:
                return orjson.loads(data)
            except orjson.JSONDecodeError:
                pass
    return _parse_json_text(_text(data, codec), strict)


def _revive(value: Any, reviver: Callable[[str, Any], Any]) -> Any:
    """JSON.parse's reviver walk: bottom-up, keys as strings (array indexes too), a result of
    ``fastexpress.UNDEFINED`` deletes the property (an array keeps a null hole). Iterative,
    so nesting depth costs no Python stack."""
    from .response import UNDEFINED

    holder: dict[str, Any] = {"": value}
    stack: list[tuple[Any, Any, bool]] = [(holder, "", False)]
    while stack:
        container, key, expanded = stack.pop()
        current = container[key]
        if not expanded and isinstance(current, (dict, list)):
            stack.append((container, key, True))
            keys = list(current.keys()) if isinstance(current, dict) else range(len(current))
            for child in reversed(keys):
                stack.append((current, child, False))
            continue
        result = reviver(str(key) if isinstance(container, list) else key, current)
        if result is UNDEFINED:
            if isinstance(container, list):
                container[key] = None
            else:
                del container[key]
        else:
            container[key] = result
    return holder.get("", None)


def json(options: dict[str, Any] | None = None, /, **opts: Any) -> Callable[..., Any]:
    """``express.json()``: parse ``application/json`` bodies into ``req.body``.

    Options: ``limit`` (100kb), ``type`` ("application/json"; a string, a list or a callable
    taking ``req``), ``inflate`` (True), ``verify(req, res, buf, encoding)``, ``strict``
    (True: only objects and arrays), ``reviver(key, value)`` (JSON.parse's reviver; return
    ``fastexpress.UNDEFINED`` to drop a key), ``default_charset`` ("utf-8"). The charset must
    be a ``utf-*`` one, else 415.
    """
    o = _options(options, opts, ("limit", "type", "inflate", "verify", "strict", "reviver",
                                 "default_charset"), "json")
    settings = _Settings(o, "application/json")
    strict = o.get("strict") is not False
    reviver = o.get("reviver")
    if reviver is not None and not callable(reviver):
        reviver = None  # JSON.parse ignores a reviver that is not a function

    if reviver is None:
        def parse(data: bytes, codec: codecs.CodecInfo | None) -> Any:
            return _parse_json(data, codec, strict)
    else:
        def parse(data: bytes, codec: codecs.CodecInfo | None) -> Any:
            value = _parse_json(data, codec, strict)
            try:
                return _revive(value, reviver)
            except Exception as exc:
                # JSON.parse threw: createError(400, err, {body, type: err.type || ...})
                raise _wrap_error(exc, 400, getattr(exc, "type", None) or "entity.parse.failed",
                                  _text(data, codec)) from exc

    return _Parser(settings, parse, lambda charset: charset[:4] == "utf-", False, "jsonParser")


# --------------------------------------------------------------------------- urlencoded

def _is_nan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def urlencoded(options: dict[str, Any] | None = None, /, **opts: Any) -> Callable[..., Any]:
    """``express.urlencoded()``: parse ``application/x-www-form-urlencoded`` bodies.

    Options: ``extended`` (False: keys are never split, repeats make lists; True: qs with
    ``depth`` 32 and deeper keys a 400), ``parameter_limit`` (1000; more is a 413), ``depth``,
    ``charset_sentinel``, ``interpret_numeric_entities``, ``default_charset`` ("utf-8" or
    "iso-8859-1"), and ``limit``, ``type``, ``inflate``, ``verify`` as for ``json``.
    """
    o = _options(options, opts, ("limit", "type", "inflate", "verify", "extended", "parameter_limit",
                                 "depth", "charset_sentinel", "interpret_numeric_entities",
                                 "default_charset"), "urlencoded")
    settings = _Settings(o, "application/x-www-form-urlencoded")
    if settings.default_charset not in ("utf-8", "iso-8859-1"):
        raise TypeError("option defaultCharset must be either utf-8 or iso-8859-1")
    extended = bool(o.get("extended"))
    parameter_limit = o.get("parameter_limit", 1000)
    depth = (o.get("depth", 32) if extended else 0)
    charset_sentinel = bool(o.get("charset_sentinel"))
    numeric_entities = bool(o.get("interpret_numeric_entities"))
    if _is_nan(parameter_limit) or parameter_limit < 1:
        raise TypeError("option parameterLimit must be a positive number")
    if _is_nan(depth) or depth < 0:
        raise TypeError("option depth must be a zero or a positive number")
    if math.isfinite(parameter_limit):
        parameter_limit = int(parameter_limit)

    def parse(data: bytes, codec: codecs.CodecInfo | None) -> Any:
        assert codec is not None
        body = _text(data, codec)
        if not body:
            return {}
        count = body.count("&") + 1
        if count > parameter_limit:
            raise HTTPError(413, "too many parameters", type="parameters.too.many", body=body)
        array_limit = max(100, count) if extended else count
        try:
            return parse_extended(body, depth=depth, parameter_limit=parameter_limit, array_limit=array_limit,
                                  allow_prototypes=True, strict_depth=True,
                                  charset="iso-8859-1" if codec.name == "iso8859-1" else "utf-8",
                                  charset_sentinel=charset_sentinel,
                                  interpret_numeric_entities=numeric_entities)
        except (QueryParseError, RecursionError):
            raise HTTPError(400, "The input exceeded the depth", type="querystring.parse.rangeError",
                            body=body) from None

    return _Parser(settings, parse, lambda charset: charset in ("utf-8", "iso-8859-1"), False,
                   "urlencodedParser")


# --------------------------------------------------------------------------- text, raw

def text(options: dict[str, Any] | None = None, /, **opts: Any) -> Callable[..., Any]:
    """``express.text()``: ``text/plain`` bodies as a ``str`` in ``req.body``, decoded with the
    request's charset (any Python text codec; an unknown one is a 415) or ``default_charset``
    ("utf-8"). Options ``limit``, ``type``, ``inflate``, ``verify`` as for ``json``."""
    o = _options(options, opts, ("limit", "type", "inflate", "verify", "default_charset"), "text")
    settings = _Settings(o, "text/plain")
    return _Parser(settings, _text, None, False, "textParser")


def _raw(data: bytes, codec: codecs.CodecInfo | None) -> bytes:
    return data


def raw(options: dict[str, Any] | None = None, /, **opts: Any) -> Callable[..., Any]:
    """``express.raw()``: ``application/octet-stream`` bodies as ``bytes`` in ``req.body``.
    Options ``limit``, ``type``, ``inflate``, ``verify`` as for ``json``."""
    o = _options(options, opts, ("limit", "type", "inflate", "verify"), "raw")
    settings = _Settings(o, "application/octet-stream")
    return _Parser(settings, _raw, None, True, "rawParser")


# --------------------------------------------------------------------------- V8's JSON errors

# V8 (Node 20) JsonToken classes of the characters that start a token.
_EOS, _NUMBER, _STRING, _ILLEGAL = "eos", "number", "string", "illegal"
_TOKENS = {'"': _STRING, "-": _NUMBER, "[": "[", "{": "{", "]": "]", "}": "}", "t": "t", "f": "f",
           "n": "n", " ": "ws", "\t": "ws", "\r": "ws", "\n": "ws", ":": ":", ",": ","}
for _d in "0123456789":
    _TOKENS[_d] = _NUMBER
_ESCAPES = frozenset('"\\/bfnrt')
_HEX = frozenset("0123456789abcdefABCDEF")
_SPECIAL = frozenset({"[object Object]", "undefined", "Infinity", "NaN"})
_CONTEXT = 10       # V8's kMaxContextCharacters
_MIN_CONTEXT = 21   # kMinOriginalSourceLengthForContext


class _JsonSyntax(Exception):
    pass


def _utf16_units(text: str) -> str:
    """The text as JavaScript sees it: one character per UTF-16 code unit."""
    if not any(ord(ch) > 0xFFFF for ch in text):
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(data[i] | data[i + 1] << 8) for i in range(0, len(data), 2))


def _from_units(s: str) -> str:
    """Back from UTF-16 code units to text; a lone surrogate becomes U+FFFD."""
    if not any("\ud800" <= ch <= "\udfff" for ch in s):
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def v8_json_error(text: str) -> str | None:
    """The message of the SyntaxError Node 20's ``JSON.parse(text)`` throws, or None when it
    would parse. (Positions count UTF-16 code units, as JavaScript's do.)"""
    message = _v8_error(_utf16_units(text))
    return None if message is None else _from_units(message)


def _v8_error(units: str) -> str | None:
    try:
        _V8Scanner(units).parse()
    except _JsonSyntax as exc:
        return str(exc)
    return None


class _V8Scanner:
    """A port of V8's JsonParser control flow, keeping only what decides its error messages."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.n = len(s)
        self.i = 0

    # -- reporting --------------------------------------------------------------------------

    def token_at(self, i: int) -> str:
        if i >= self.n:
            return _EOS
        ch = self.s[i]
        return _TOKENS.get(ch, _ILLEGAL) if ord(ch) <= 0xFF else _ILLEGAL

    def fail(self, pos: int, message: str | None = None) -> _JsonSyntax:
        if message is not None:
            if message.endswith("after JSON"):
                return _JsonSyntax(f"{message} at position {pos}")
            return _JsonSyntax(f"{message} in JSON at position {pos}")
        token = self.token_at(pos)
        s, n = self.s, self.n
        if token == _EOS:
            return _JsonSyntax("Unexpected end of JSON input")
        if token == _NUMBER:
            return _JsonSyntax(f"Unexpected number in JSON at position {pos}")
        if token == _STRING:
            return _JsonSyntax(f"Unexpected string in JSON at position {pos}")
        if s in _SPECIAL:
            return _JsonSyntax(f'"{s}" is not valid JSON')
        ch = s[pos]
        if n < _MIN_CONTEXT:
            return _JsonSyntax(f"Unexpected token '{ch}', \"{s}\" is not valid JSON")
        if pos < _CONTEXT:
            return _JsonSyntax(f"Unexpected token '{ch}', \"{s[:pos + _CONTEXT]}\"... is not valid JSON")
        if pos < n - _CONTEXT:
            return _JsonSyntax(f"Unexpected token '{ch}', ...\"{s[pos - _CONTEXT:pos + _CONTEXT]}\"... "
                               "is not valid JSON")
        return _JsonSyntax(f"Unexpected token '{ch}', ...\"{s[pos - _CONTEXT:]}\" is not valid JSON")

    def skip_ws(self) -> int:
        s, n, i = self.s, self.n, self.i
        while i < n and s[i] in _JSON_WS:
            i += 1
        self.i = i
        return i

    def expect(self, ch: str, message: str | None) -> None:
        i = self.skip_ws()
        if i < self.n and self.s[i] == ch:
            self.i = i + 1
            return
        raise self.fail(i, message)

    def check(self, ch: str) -> bool:
        i = self.skip_ws()
        if i < self.n and self.s[i] == ch:
            self.i = i + 1
            return True
        return False

    # -- values -----------------------------------------------------------------------------

    def parse(self) -> None:
        # Continuations: "o" (object property), "a" (array element).
        stack: list[str] = []
        while True:
            # Produce a value.
            while True:
                i = self.skip_ws()
                token = self.token_at(i)
                if token == _STRING:
                    self.i = i + 1
                    self.scan_string()
                elif token == _NUMBER:
                    self.scan_number()
                elif token == "{":
                    self.i = i + 1
                    if self.check("}"):
                        break
                    stack.append("o")
                    self.expect_key("Expected property name or '}'")
                    self.expect(":", "Expected ':' after property name")
                    continue
                elif token == "[":
                    self.i = i + 1
                    if self.check("]"):
                        break
                    stack.append("a")
                    continue
                elif token == "t":
                    self.scan_literal("true")
                elif token == "f":
                    self.scan_literal("false")
                elif token == "n":
                    self.scan_literal("null")
                else:
                    raise self.fail(i)
                break
            # Consume it.
            while True:
                if not stack:
                    i = self.skip_ws()
                    if i < self.n:
                        raise self.fail(i, "Unexpected non-whitespace character after JSON")
                    return
                if stack[-1] == "o":
                    if self.check(","):
                        self.expect_key("Expected double-quoted property name")
                        self.expect(":", None)
                        break
                    self.expect("}", "Expected ',' or '}' after property value")
                else:
                    if self.check(","):
                        break
                    self.expect("]", "Expected ',' or ']' after array element")
                stack.pop()

    def expect_key(self, message: str) -> None:
        i = self.skip_ws()
        if i < self.n and self.s[i] == '"':
            self.i = i + 1
            self.scan_string()
            return
        raise self.fail(i, message)

    def scan_literal(self, word: str) -> None:
        s, n, i = self.s, self.n, self.i
        if s.startswith(word, i):
            self.i = i + len(word)
            return
        i += 1
        for expected in word[1:]:
            if i >= n:
                break
            if s[i] != expected:
                raise self.fail(i)
            i += 1
        raise self.fail(n)

    def scan_string(self) -> None:
        s, n, i = self.s, self.n, self.i
        while True:
            if i >= n:
                raise self.fail(i, "Unterminated string")
            ch = s[i]
            if ch == '"':
                self.i = i + 1
                return
            if ch == "\\":
                i += 1
                if i >= n:
                    raise self.fail(i)
                c = s[i]
                if ord(c) > 0xFF:
                    raise self.fail(i)
                if c == "u":
                    for _ in range(4):
                        i += 1
                        if i >= n or s[i] not in _HEX:
                            raise self.fail(i, "Bad Unicode escape")
                elif c not in _ESCAPES:
                    raise self.fail(i, "Bad escaped character")
                i += 1
                continue
            if ch < " ":
                raise self.fail(i, "Bad control character in string literal")
            i += 1

    def scan_number(self) -> None:
        s, n, i = self.s, self.n, self.i

        def at(j: int) -> str:
            return s[j] if j < n else ""

        if at(i) == "-":
            i += 1
        if at(i) == "0":
            i += 1
            if at(i).isdigit() and at(i).isascii():
                raise self.fail(i)
        else:
            start = i
            while at(i) and at(i) in "0123456789":
                i += 1
            if i == start:
                raise self.fail(i, "No number after minus sign")
        if at(i) == ".":
            i += 1
            if not (at(i) and at(i) in "0123456789"):
                raise self.fail(i, "Unterminated fractional number")
            while at(i) and at(i) in "0123456789":
                i += 1
        if at(i) in ("e", "E") and at(i):
            i += 1
            if at(i) in ("-", "+") and at(i):
                i += 1
            if not (at(i) and at(i) in "0123456789"):
                raise self.fail(i, "Exponent part is missing a number")
            while at(i) and at(i) in "0123456789":
                i += 1
        self.i = i
