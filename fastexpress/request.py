"""``req``: Express's request object, over one parsed HTTP/1.1 request.

Express's getters (``query``, ``ip``, ``hostname``, ``fresh`` ...) are properties computed on
access from the headers and the app's settings, as in Express; nothing is parsed for a handler
that does not ask.
"""
from __future__ import annotations

import asyncio
from collections import deque
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any, AsyncIterator, Literal

from .errors import ClientDisconnect, HTTPError
from .fresh import is_fresh
from .headers import Headers
from .negotiation import accepts_charsets, accepts_encodings, accepts_languages, accepts_types
from .proxy import proxy_addr, req_ips
from .querystring import parse_extended, parse_simple
from .rangeparser import Ranges, parse_range
from .router import Router, _RouterRun, pathname, resume
from .typeis import request_is

if TYPE_CHECKING:
    from .application import App
    from .protocol import HttpProtocol
    from .response import Response
    from .router import Route


_BUILTIN_PARSERS = (parse_simple, parse_extended)


def _flatten_args(args: tuple[Any, ...]) -> list[str]:
    # Express's accepts()/is() take strings or one array of strings.
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return list(args[0])
    return list(args)


def _is_ip(host: str) -> bool:
    try:
        ip_address(host[1:-1] if host.startswith("[") else host)
    except ValueError:
        return False
    return True


class Request:
    """One HTTP request as an Express handler sees it."""

    __slots__ = (
        "_conn", "method", "url", "original_url", "base_url", "http_version", "headers",
        "keep_alive", "params", "app", "res", "route", "_next", "_pass", "_pass_idx", "_has_body", "_chunks", "_buffered", "_body_done",
        "_body_error", "_waiter", "_read_started", "_discarding", "_expect_continue",
        "_continue_sent", "_query", "_query_url", "_conditional", "start_time", "__dict__",
    )

    # What middleware sets on some requests: class defaults (Express's undefined), stored in
    # the instance only when set. PERF: nothing to initialise per request.
    body: Any = None  # no parser ran
    cookies: Any = None
    signed_cookies: Any = None
    secret: Any = None
    files: Any = None  # multipart uploads

    def __init__(self, conn: HttpProtocol, method: str, url: str, http_version: str,
                 headers: Headers, keep_alive: bool, has_body: bool) -> None:
        self._conn = conn
        self.method = method
        self.url = url
        self.original_url = url
        self.base_url = ""
        self.http_version = http_version
        self.headers = headers
        self.keep_alive = keep_alive
        self.params: dict[str, Any] = {}
        self.app: App | None = None
        self.res: Response | None = None
        self.route: Route | None = None
        self._next: Any = None  # the router pass (see `next`)
        # Router.handle's lazy pass: None, the router whose pass is yet to be made, or that pass.
        self._pass: Any = None
        self._has_body = has_body
        self._chunks: deque[bytes] | None = None  # made when body bytes arrive
        self._buffered = 0
        self._body_done = not has_body
        self._body_error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._read_started = False
        self._discarding = False
        self._expect_continue = False
        self._continue_sent = False
        self._query: Any = None
        self._query_url: str | None = None
        self._conditional = True  # the protocol says False when no If-None-Match/-Modified-Since
        # loop.time() when the request's first byte arrived (for response times, as morgan's).
        self.start_time = 0.0

    # -- the router's next -------------------------------------------------------------------

    @property
    def next(self) -> Any:
        """Express's ``req.next``: the ``next`` of the router pass the request is in. The pass
        an app's first route was called without (``Router.handle``) is made here, on demand."""
        run = self._next
        if run is None and isinstance(self._pass, Router):  # a pass yet to be made
            run = resume(self)
        return run

    @next.setter
    def next(self, value: Any) -> None:
        if isinstance(self._pass, Router):
            resume(self)  # the route's done must still find the pass
        self._next = value

    def _resume(self, err: Any = None) -> Any:
        # The `done` of a route called without its router pass: that pass, made now if it is
        # not yet, is given `err`, as the route's done would be (even once the pass has ended).
        run = self._pass
        return (run if type(run) is _RouterRun else resume(self))(err)

    # -- Express names ----------------------------------------------------------------------

    @property
    def originalUrl(self) -> str:  # noqa: N802
        return self.original_url

    @originalUrl.setter
    def originalUrl(self, value: str) -> None:  # noqa: N802
        self.original_url = value

    @property
    def baseUrl(self) -> str:  # noqa: N802
        return self.base_url

    @baseUrl.setter
    def baseUrl(self, value: str) -> None:  # noqa: N802
        self.base_url = value

    @property
    def signedCookies(self) -> Any:  # noqa: N802
        return self.signed_cookies

    @signedCookies.setter
    def signedCookies(self, value: Any) -> None:  # noqa: N802
        self.signed_cookies = value

    @property
    def httpVersion(self) -> str:  # noqa: N802
        return self.http_version

    @property
    def socket(self) -> HttpProtocol:
        return self._conn

    connection = socket

    def _setting(self, name: str) -> Any:
        app = self.app
        return app.settings.get(name) if app is not None else None

    # -- URL --------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        url = self.url
        if url[:1] != "/":
            from .router import strip_protohost

            url = url[len(strip_protohost(url)):] or "/"
        return pathname(url)

    @property
    def query(self) -> Any:
        url = self.url
        if self._query_url is url:  # PERF: parsed once per URL, not per access
            return self._query
        parse = self._setting("query parser fn")
        start = url.find("?")
        if parse is None:
            result: Any = {}
        elif start < 0:
            # parseurl's query is null without a '?'; the built-in parsers give {} for it.
            result = parse(None) if parse not in _BUILTIN_PARSERS else {}
        else:
            query = url[start + 1:]
            hash_at = query.find("#")  # the fragment is not part of the query (parseurl)
            result = parse(query if hash_at < 0 else query[:hash_at])
        self._query = result
        self._query_url = url
        return result

    # -- headers ----------------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        if not name:
            raise TypeError("name argument is required to req.get")
        if not isinstance(name, str):
            raise TypeError("name must be a string to req.get")
        lname = name.lower()
        if lname in ("referer", "referrer"):
            return self.headers.get("referrer") or self.headers.get("referer")
        return self.headers.get(lname)

    header = get

    def accepts(self, *types: Any) -> Any:
        return accepts_types(self.headers.get("accept"), _flatten_args(types))

    def accepts_encodings(self, *encodings: Any) -> Any:
        return accepts_encodings(self.headers.get("accept-encoding"), _flatten_args(encodings))

    def accepts_charsets(self, *charsets: Any) -> Any:
        return accepts_charsets(self.headers.get("accept-charset"), _flatten_args(charsets))

    def accepts_languages(self, *languages: Any) -> Any:
        return accepts_languages(self.headers.get("accept-language"), _flatten_args(languages))

    acceptsEncodings = accepts_encodings  # noqa: N815
    acceptsCharsets = accepts_charsets  # noqa: N815
    acceptsLanguages = accepts_languages  # noqa: N815

    def is_(self, *types: Any) -> str | Literal[False] | None:
        headers = self.headers
        return request_is(headers.get("content-type"), headers.get("content-length"),
                          headers.get("transfer-encoding"), _flatten_args(types))

    def range(self, size: int, combine: bool = False, **options: Any) -> Ranges | int | None:
        header = self.headers.get("range")
        if not header:
            return None
        return parse_range(size, header, combine=options.get("combine", combine))

    # -- connection, proxies ----------------------------------------------------------------

    def _trust(self) -> Any:
        trust = self._setting("trust proxy fn")
        return trust if trust is not None else (lambda addr, i: False)

    @property
    def protocol(self) -> str:
        proto = "https" if self._conn.is_tls else "http"
        if not self._trust()(self._conn.client_addr, 0):
            return proto
        header = self.headers.get("x-forwarded-proto") or proto
        return header.split(",", 1)[0].strip()

    @property
    def secure(self) -> bool:
        return self.protocol == "https"

    @property
    def ip(self) -> str:
        return proxy_addr(self._conn.client_addr, self.headers.get("x-forwarded-for"), self._trust())

    @property
    def ips(self) -> list[str]:
        return req_ips(self._conn.client_addr, self.headers.get("x-forwarded-for"), self._trust())

    @property
    def host(self) -> str | None:
        val = self.headers.get("x-forwarded-host")
        if not val or not self._trust()(self._conn.client_addr, 0):
            val = self.headers.get("host")
        elif "," in val:
            val = val[: val.index(",")].rstrip()
        return val or None

    @property
    def hostname(self) -> str | None:
        host = self.host
        if not host:
            return None
        offset = host.find("]") + 1 if host[0] == "[" else 0
        index = host.find(":", offset)
        return host[:index] if index != -1 else host

    @property
    def subdomains(self) -> list[str]:
        hostname = self.hostname
        if not hostname:
            return []
        offset = self._setting("subdomain offset") or 0
        parts = hostname.split(".")[::-1] if not _is_ip(hostname) else [hostname]
        return parts[offset:]

    @property
    def xhr(self) -> bool:
        return (self.headers.get("x-requested-with") or "").lower() == "xmlhttprequest"

    @property
    def fresh(self) -> bool:
        res = self.res
        if res is None:
            return False
        headers = self.headers
        etag = res.get("ETag")
        last_modified = res.get("Last-Modified")
        return is_fresh(self.method, res.status_code, headers.get("if-none-match"),
                        headers.get("if-modified-since"), headers.get("cache-control"),
                        etag if isinstance(etag, str) else None,
                        last_modified if isinstance(last_modified, str) else None)

    @property
    def stale(self) -> bool:
        return not self.fresh

    # -- body -------------------------------------------------------------------------------

    async def read(self, limit: int | None = None) -> bytes:
        """The whole request body (once). Over ``limit`` bytes: ``HTTPError`` 413."""
        if self._body_done and not self._read_started and self._body_error is None:
            # PERF: the body is already here (the usual small request): no generator.
            self._read_started = True
            self._check_length(limit)
            data = b"".join(self._chunks) if self._chunks else b""
            self._chunks = None
            self._buffered = 0
            if limit is not None and len(data) > limit:
                raise _too_large(limit)
            return data
        parts = [chunk async for chunk in self.stream(limit)]
        return b"".join(parts)

    async def stream(self, limit: int | None = None) -> AsyncIterator[bytes]:
        """The request body chunk by chunk as it arrives; reading is paused while unread data
        sits above the high-water mark."""
        if self._read_started:
            raise RuntimeError("the request body was already read")
        self._read_started = True
        self._check_length(limit)
        received = 0
        if self._chunks is None:
            self._chunks = deque()
        chunks = self._chunks
        while True:
            if chunks:
                data = chunks.popleft()
                self._buffered -= len(data)
                received += len(data)
                if limit is not None and received > limit:
                    self._discard()
                    raise _too_large(limit)
                self._conn.update_reading()
                yield data
                continue
            if self._body_error is not None:
                raise self._body_error
            if self._body_done:
                return
            self._waiter = asyncio.get_running_loop().create_future()
            self._conn.want_body()  # the connection may have to fetch it (ASGI's receive)
            try:
                await self._waiter
            finally:
                self._waiter = None

    def _check_length(self, limit: int | None) -> None:
        if limit is None:
            return
        length = self.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            self._discard()
            raise _too_large(limit)

    # -- called by the protocol -------------------------------------------------------------

    def _on_body(self, data: bytes) -> None:
        if self._discarding:
            return
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = deque()
        chunks.append(data)
        self._buffered += len(data)
        self._wake()
        if self._buffered > self._conn.config.body_high_water:
            self._conn.update_reading()

    def _over_high_water(self) -> bool:
        return not self._discarding and self._buffered > self._conn.config.body_high_water

    def _on_body_complete(self) -> None:
        self._body_done = True
        self._wake()

    def _on_body_error(self) -> None:
        self._body_error = HTTPError(400, "invalid request body", type="request.invalid")
        self._wake()

    def _on_disconnect(self) -> None:
        if not self._body_done and self._body_error is None:
            self._body_error = ClientDisconnect()
        self._wake()

    def _discard(self) -> None:
        """Nobody will read the rest of the body: drop what is buffered and what comes."""
        self._discarding = True
        self._chunks = None
        self._buffered = 0
        self._conn.update_reading()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.original_url}>"


def _too_large(limit: int) -> HTTPError:
    return HTTPError(413, "request entity too large", type="entity.too.large", limit=limit)
