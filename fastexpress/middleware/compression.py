"""``compression(**opts)``: the npm compression 1.8 middleware (gzip, deflate and br).

As in Node, the middleware replaces the response's ``write`` and end on the instance (the end
hook is ``Response._end``, through which both ``res.end`` and ``res.send`` finish; so an
instance with ``write`` in its ``__dict__`` tells ``send_file`` to stream through it).
When the response's head is about to go out (its first ``write``/``end``) the same checks run,
in the same order, as compression's ``onHeaders`` hook: the ``filter`` (by default: the
Content-Type is compressible per mime-db), ``Cache-Control: no-transform``, then
``Vary: Accept-Encoding`` is added, then the size threshold, an existing Content-Encoding, HEAD,
and the Accept-Encoding negotiation (negotiator 0.6.4, br preferred over gzip at equal q). A
compressed response loses its Content-Length and goes out chunked; its body is compressed
chunk by chunk (``zlib.compressobj`` / ``brotli.Compressor``), never buffered whole.
``res.flush()`` pushes out what the compressor holds (Z_FULL_FLUSH / BROTLI flush), as
compression's ``res.flush`` does; writes return the connection's backpressure signal.
"""
from __future__ import annotations

import math
import re
import zlib
from functools import cmp_to_key, lru_cache
from typing import TYPE_CHECKING, Any, Callable

from .._compressible import EXCLUDED, EXTRA, FALLBACK
from ..bodyparser import parse_bytes
from ..response import Response, _to_bytes

if TYPE_CHECKING:
    from ..request import Request

try:  # the brotli package is a dependency; without it br is simply never offered
    import brotli as _brotli
except ImportError:  # pragma: no cover
    _brotli = None

__all__ = ["compression", "compressible", "should_compress", "parse_bytes"]

_SUPPORTED = ("br", "gzip", "deflate", "identity") if _brotli is not None else ("gzip", "deflate", "identity")
_PREFERRED = ("br", "gzip") if _brotli is not None else ("gzip",)
_ENFORCEABLE = frozenset(("gzip", "deflate", "identity", "br"))
_NO_TRANSFORM = re.compile(r"(?:^|,)\s*?no-transform\s*?(?:,|$)", re.IGNORECASE)
_EXTRACT_TYPE = re.compile(r"\s*([^;\s]*)")

# Node's zlib.constants.BROTLI_PARAM_* numbers -> brotli.Compressor keywords.
_BROTLI_PARAMS = {0: "mode", 1: "quality", 2: "lgwin", 3: "lgblock"}

# Where a response's body ends: ``res.end`` and ``res.send`` both finish through
# ``Response._end(body)``, so that (with ``write``) is what is wrapped on the instance.
END_ATTR = "_end" if hasattr(Response, "_end") else "end"


# -- helpers shared with the default filter ---------------------------------------------------

_compressible_cache: dict[str, bool] = {}


def compressible(type: Any) -> bool:
    """The npm ``compressible`` package: is a Content-Type worth compressing (mime-db)?"""
    if not type or not isinstance(type, str):
        return False
    # PERF: an app sends a handful of Content-Type values; each is judged once.
    known = _compressible_cache.get(type)
    if known is not None:
        return known
    match = _EXTRACT_TYPE.match(type)
    mime = match.group(1).lower() if match else ""
    result = mime in EXTRA or (mime not in EXCLUDED and FALLBACK.search(mime) is not None)
    if len(_compressible_cache) < 512:
        _compressible_cache[type] = result
    return result


def should_compress(req: Request, res: Response) -> bool:
    """compression's default ``filter``: the response's Content-Type is compressible."""
    entry = res._headers.get("content-type")
    return entry is not None and compressible(entry[1])




_JS_NUMBER = re.compile(r"[+-]?(?:Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")


def _js_number(value: Any) -> float:
    """JavaScript's ``Number(value)`` for a header value (str, list of str or None)."""
    if value is None:
        return math.nan
    if type(value) is str and value.isdigit() and value.isascii():  # PERF: the usual length
        return float(value)
    if isinstance(value, list):
        if not value:
            return 0.0
        if len(value) > 1:
            return math.nan
        value = value[0]
    text = str(value).strip()
    if not text:
        return 0.0
    if text[:2].lower() in ("0x", "0o", "0b"):
        try:
            return float(int(text, 0))
        except ValueError:
            return math.nan
    if _JS_NUMBER.fullmatch(text) is None:
        return math.nan
    return float(text.replace("Infinity", "inf"))


# -- negotiator 0.6.4's encoding negotiation, with compression's preferred order --------------

_SIMPLE_ENCODING = re.compile(r"^\s*([^\s;]+)\s*(?:;(.*))?$", re.DOTALL)
_JS_FLOAT_PREFIX = re.compile(r"\s*([+-]?(?:Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))")


def _parse_float(text: str | None) -> float:
    """JavaScript's ``parseFloat``: the longest number at the start, else NaN."""
    if text is None:
        return math.nan
    match = _JS_FLOAT_PREFIX.match(text)
    if match is None:
        return math.nan
    number = match.group(1)
    # A mantissa followed by a bare "e" ("1e") is still the mantissa.
    return float(number.replace("Infinity", "inf"))


def _js_or(*values: float) -> float:
    """``a || b || c`` over numbers (0 and NaN are falsy)."""
    for value in values[:-1]:
        if value and value == value:
            return value
    return values[-1]


def _parse_accept_encoding(accept: str) -> list[tuple[str, float, int]]:
    entries: list[tuple[str, float, int]] = []
    has_identity = False
    min_quality = 1.0
    parts = accept.split(",")
    for i, part in enumerate(parts):
        match = _SIMPLE_ENCODING.match(part.strip())
        if match is None:
            continue
        encoding = match.group(1)
        q = 1.0
        if match.group(2):
            for param in match.group(2).split(";"):
                pieces = param.strip().split("=")
                if pieces[0] == "q":
                    q = _parse_float(pieces[1] if len(pieces) > 1 else None)
                    break
        entries.append((encoding, q, i))
        has_identity = has_identity or encoding.lower() == "identity" or encoding == "*"
        min_quality = min(min_quality, q if q and q == q else 1.0)
    if not has_identity:
        entries.append(("identity", min_quality, len(parts)))
    return entries


def _preferred_compare(a: tuple[str, float, int, int, int], b: tuple[str, float, int, int, int]) -> float:
    # (encoding, q, s, o, i), compared as compression's negotiator call does.
    if a[1] != b[1]:
        return b[1] - a[1]
    a_pref = _PREFERRED.index(a[0]) if a[0] in _PREFERRED else -1
    b_pref = _PREFERRED.index(b[0]) if b[0] in _PREFERRED else -1
    if a_pref == -1 and b_pref == -1:
        return _js_or(b[2] - a[2], a[3] - b[3], a[4] - b[4])
    if a_pref != -1 and b_pref != -1:
        return a_pref - b_pref
    return 1 if a_pref == -1 else -1


@lru_cache(maxsize=256)
def negotiate_encoding(accept: str) -> str | None:
    """``new Negotiator(req).encoding(SUPPORTED, PREFERRED)`` as compression 1.8 calls it."""
    accepted = _parse_accept_encoding(accept)
    priorities = []
    for index, offer in enumerate(_SUPPORTED):
        best: tuple[str, float, int, int, int] = (offer, 0.0, 0, -1, index)
        lower = offer.lower()
        for encoding, q, i in accepted:
            if encoding.lower() == lower:
                s = 1
            elif encoding == "*":
                s = 0
            else:
                continue
            if _js_or(best[2] - s, best[1] - q, best[3] - i) < 0:
                best = (offer, q, s, i, index)
        priorities.append(best)
    good = [p for p in priorities if p[1] > 0]
    if not good:
        return None
    return sorted(good, key=cmp_to_key(_preferred_compare))[0][0]


# -- the compressors --------------------------------------------------------------------------

class _Config:
    __slots__ = ("filter", "threshold", "enforce", "level", "mem_level", "window_bits", "strategy", "brotli")

    def new_stream(self, method: str) -> tuple[Callable[[bytes], bytes], Callable[[], bytes], Callable[[], bytes]]:
        """(compress, flush, finish) of a new compressor for ``method``."""
        if method == "br":
            comp = _brotli.Compressor(**self.brotli)
            return comp.process, comp.flush, comp.finish
        wbits = self.window_bits + 16 if method == "gzip" else self.window_bits
        zcomp = zlib.compressobj(self.level, zlib.DEFLATED, wbits, self.mem_level, self.strategy)

        def flush() -> bytes:
            return zcomp.flush(zlib.Z_FULL_FLUSH)

        return zcomp.compress, flush, zcomp.flush


def _write_after_end(data: Any, encoding: str | None = None) -> bool:
    return False  # as compression's res.write once a compressed response has ended


def _flush_after_end() -> None:
    pass  # nothing is left to flush


class _Hook:
    """The per-response state of compression's closure: the wrapped write/end/flush."""

    __slots__ = ("req", "res", "config", "_write", "_end", "compress", "flush_fn", "finish", "ended", "length")

    def __init__(self, req: Request, res: Response, config: _Config) -> None:
        self.req = req
        self.res = res
        self.config = config
        self._write = res.write
        self._end = getattr(res, END_ATTR)
        self.compress: Callable[[bytes], bytes] | None = None
        self.flush_fn: Callable[[], bytes] | None = None
        self.finish: Callable[[], bytes] | None = None
        self.ended = False
        self.length: int | None = None

    def write(self, data: Any, encoding: str | None = None) -> bool:
        if self.ended:
            return False
        res = self.res
        if not res.headers_sent:
            self._on_headers()
        compress = self.compress
        if compress is None:
            return self._write(data, encoding)
        if res._conn.closed:  # the client is gone: no more compressing for nobody
            return False
        out = compress(_to_bytes(data, encoding))
        if out or not res.headers_sent:
            return self._write(out)
        return res._conn.write_ready()

    def end(self, data: Any = None, encoding: str | None = None) -> Response:
        res = self.res
        if self.ended:
            return res
        body = _to_bytes(data, encoding)
        commit = False
        if not res.headers_sent:
            headers = res._headers
            length = headers.get("content-length")
            if length is None or not length[1]:  # estimate the length
                self.length = len(body)
            self._on_headers()
            # compression commits the head (writeHead) before ending: without a length the
            # head is framed for a stream, so Node sends even an uncompressed body chunked.
            commit = "content-length" not in headers and "transfer-encoding" not in headers
        compress = self.compress
        if compress is None:
            if commit:
                self._write(body)
                body = b""
        else:
            self.ended = True
            out = compress(body) if body else b""
            assert self.finish is not None
            out += self.finish()
            self.compress = self.flush_fn = self.finish = None
            # As Node's compression: the compressed bytes are written, then the response ends,
            # so even a body compressed in one go goes out chunked (no Content-Length).
            if out:
                self._write(out)
            body = b""
        self._end(body)
        self._unhook()
        return res

    def _unhook(self) -> None:
        # The response has ended: what compression's wrappers still do then needs no hook, so
        # they give way to ones that hold nothing. PERF: res no longer refers to the hook, which
        # refers to res: both are freed by reference counting, not by the cycle collector.
        attrs = self.res.__dict__
        if attrs.get("write") == self.write:
            if self.ended:
                attrs["write"] = _write_after_end
            else:  # nothing was compressed: a late write fails as without compression
                del attrs["write"]
        if attrs.get(END_ATTR) == self.end:
            del attrs[END_ATTR]  # Response.end answers a second end itself
        if attrs.get("flush") == self.flush:
            attrs["flush"] = _flush_after_end

    def flush(self) -> None:
        """Write out what the compressor holds (compression's ``res.flush()``)."""
        if self.flush_fn is not None and not self.ended:
            out = self.flush_fn()
            if out:
                self._write(out)

    def _on_headers(self) -> None:
        # compression's onHeaders listener: the same checks in the same order.
        req, res, config = self.req, self.res, self.config
        if not config.filter(req, res):
            return
        headers = res._headers
        entry = headers.get("cache-control")
        if entry is not None and entry[1]:
            value = entry[1]
            text = ",".join(value) if isinstance(value, list) else str(value)
            if _NO_TRANSFORM.search(text):
                return
        if "vary" in headers:
            res.vary("Accept-Encoding")
        else:  # PERF: the usual case, nothing to merge with
            headers["vary"] = ("Vary", "Accept-Encoding")
        threshold = config.threshold
        entry = headers.get("content-length")
        if entry is not None and _js_number(entry[1]) < threshold:
            return
        if self.length is not None and self.length < threshold:
            return
        entry = headers.get("content-encoding")
        if entry is not None and entry[1] and entry[1] != "identity":
            return
        if req.method == "HEAD":
            return
        accept = req.headers.get("accept-encoding")
        method = negotiate_encoding(accept or "")
        if not accept and config.enforce in _ENFORCEABLE:
            method = config.enforce
        if not method or method == "identity":
            return
        if method == "br" and _brotli is None:  # pragma: no cover
            return
        self.compress, self.flush_fn, self.finish = config.new_stream(method)
        res.set_header("Content-Encoding", method)
        res.remove_header("Content-Length")
        etag = headers.get("etag")
        if etag is not None and isinstance(etag[1], str) and not etag[1].startswith("W/"):
            # The encoded bytes are not the ones a strong validator names: weaken it, as
            # nginx's gzip does (npm compression leaves it; a deliberate difference).
            headers["etag"] = (etag[0], "W/" + etag[1])


# -- options ----------------------------------------------------------------------------------

_ALIASES = {
    "memLevel": "mem_level", "windowBits": "window_bits", "chunkSize": "chunk_size",
    "enforceEncoding": "enforce_encoding",
}
_KNOWN = frozenset({"filter", "threshold", "level", "mem_level", "window_bits", "strategy", "chunk_size",
                    "brotli", "enforce_encoding"})


def _int_option(opts: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = opts.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise TypeError(f'The "options.{name}" property must be an integer. Received {value!r}')
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f'The value of "options.{name}" is out of range. It must be >= {low} and <= {high}. '
                         f"Received {value}")
    return value


def _brotli_options(spec: Any) -> dict[str, int]:
    """compression's ``brotli`` option: ``{"params": {BROTLI_PARAM_QUALITY: 4, ...}}`` as in
    Node (numeric keys), or the brotli package's keywords ``quality``, ``lgwin``, ``lgblock``,
    ``mode``, directly or inside ``params``. Quality defaults to 4, as compression sets it."""
    out: dict[str, int] = {"quality": 4}
    if spec is None:
        return out
    if not isinstance(spec, dict):
        raise TypeError("compression: the brotli option must be a dict")
    items = dict(spec)
    params = items.pop("params", None) or {}
    items.update(params)
    for key, value in items.items():
        name = _BROTLI_PARAMS.get(key, key) if isinstance(key, int) else str(key)
        if name not in ("mode", "quality", "lgwin", "lgblock"):
            continue  # other Node brotli options (chunkSize, size hints ...) change no bytes here
        out[name] = int(value)
    return out


def compression(options: dict[str, Any] | None = None, /, **opts: Any) -> Callable[..., Any]:
    """The compression middleware. Options (snake_case; Node's camelCase is accepted):
    ``threshold`` (bytes or "1kb"; default 1kb), ``level``, ``mem_level``, ``window_bits``,
    ``strategy`` (zlib's), ``brotli`` (``{"params": {...}}``), ``filter(req, res)``,
    ``enforce_encoding`` (used when the request has no Accept-Encoding), ``chunk_size``
    (accepted, no effect)."""
    merged: dict[str, Any] = {}
    for source in (options or {}, opts):
        for key, value in source.items():
            name = _ALIASES.get(key, key)
            if name not in _KNOWN:
                raise TypeError(f"compression() got an unexpected option {key!r}")
            merged[name] = value
    config = _Config()
    config.filter = merged.get("filter") or should_compress
    threshold = parse_bytes(merged.get("threshold"))
    config.threshold = 1024 if threshold is None else threshold
    config.enforce = merged.get("enforce_encoding") or "identity"
    config.level = _int_option(merged, "level", -1, -1, 9)
    config.mem_level = _int_option(merged, "mem_level", 8, 1, 9)
    # zlib refuses an 8-bit window for a zlib/gzip wrapper; Node quietly uses 9 then.
    config.window_bits = max(9, _int_option(merged, "window_bits", 15, 8, 15))
    config.strategy = _int_option(merged, "strategy", 0, 0, 4)
    config.brotli = _brotli_options(merged.get("brotli"))

    def compression(req: Request, res: Response, next: Callable[..., Any]) -> None:  # noqa: F811
        hook = _Hook(req, res, config)
        res.write = hook.write  # type: ignore[method-assign]
        setattr(res, END_ATTR, hook.end)
        res.flush = hook.flush  # type: ignore[attr-defined]
        next()

    return compression


compression.filter = should_compress  # type: ignore[attr-defined]
