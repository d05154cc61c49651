"""``express.static``: a port of serve-static 2.2.1 over :mod:`fastexpress.send`.

Only GET and HEAD are served; other methods fall through to ``next()`` (or, with
``fallthrough=False``, get ``405`` with ``Allow: GET, HEAD``). A directory without a trailing
slash is redirected (301) to the same URL with one (query kept); ``redirect=False`` makes it a
404. Errors below 500 before a file is found (missing file, dotfile, ``..``, bad encoding) fall
through to ``next()``; with ``fallthrough=False``, and for every error once a file is found
(412, 416), they go to ``next(err)``.

Beyond serve-static:

* ``follow_symlinks=False`` (default): a path whose real location, symlinks resolved, is outside
  ``root`` is refused (403, so it falls through like a missing file). ``True`` follows them
  anywhere, as serve-static does.
* ``precompressed=True`` (or a list such as ``["br", "gzip"]``): as nginx's ``gzip_static``,
  when ``Accept-Encoding`` allows it (br preferred on a tie of q-values), a regular-file sibling
  ``<file>.br`` / ``<file>.gz`` is sent in place of ``<file>`` with ``Content-Encoding``. The
  Content-Type is the original file's; ETag, Last-Modified, Content-Length and byte ranges are
  those of the compressed file (each representation has its own validator, so a cache can never
  mix them up); ``Vary: Accept-Encoding`` is added to every file response of such a middleware.
"""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, Callable

from ..httputil import encodeurl, escape_html
from ..send import SendOptions, SendStream, missing_file, normalize_options, node_resolve, spawn

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["static", "serve_static"]

_JS_WS = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
         "\u2028\u2029\u202f\u205f\u3000\ufeff"
_LEGACY_TRIGGERS = re.compile("[\t\n\x0c\r #\xa0\ufeff]")
_AUTO_ESCAPE = {c: "%" + format(ord(c), "02X") for c in "{}|\\^`<>\"' \r\n\t"}
# A path that send would take as it is: segments of plain characters, none empty, none starting
# with "." (so no "." or "..", no dotfile), nothing to percent-decode, no trailing slash.
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)+")


def parse_url(url: str) -> tuple[str, str, str]:
    """parseurl 1.3.3's (pathname, search, hash) of a request URL: the fast path for a plain
    ``/path?query``; Node's legacy ``url.parse`` rules (backslashes before the query become
    slashes, fragment split off, a few characters escaped) when the URL holds a character
    that sends parseurl there."""
    if url[:1] == "/" and not _LEGACY_TRIGGERS.search(url):
        q = url.find("?")
        return (url, "", "") if q < 0 else (url[:q], url[q:], "")
    rest = url.strip(_JS_WS)
    split = len(rest)
    for i, c in enumerate(rest):
        if c in "?#":
            split = i
            break
    rest = rest[:split].replace("\\", "/") + rest[split:]
    hash_ = ""
    h = rest.find("#")
    if h >= 0:
        rest, hash_ = rest[:h], rest[h:]
    search = ""
    q = rest.find("?")
    if q >= 0:
        rest, search = rest[:q], rest[q:]
    if rest[:1] != "/":
        # An absolute-form target: keep scheme://host in front of the path.
        scheme = rest.find("://")
        if scheme >= 0:
            slash = rest.find("/", scheme + 3)
            rest = rest[slash:] if slash >= 0 else "/"
    escape = "".join(_AUTO_ESCAPE.get(c, c) for c in rest)
    return escape, "".join(_AUTO_ESCAPE.get(c, c) for c in search), hash_


def _collapse_leading_slashes(value: str) -> str:
    i = 0
    while i < len(value) and value[i] == "/":
        i += 1
    return "/" + value[i:] if i > 1 else value


def _html_document(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title
            + "</title>\n</head>\n<body>\n<pre>" + body + "</pre>\n</body>\n</html>\n")


def _redirect_to_slash(req: Request, res: Response) -> None:
    """serve-static's directory redirect: the original URL with a slash after its path."""
    original = req.original_url
    prefix = ""
    if original[:1] != "/":
        from ..router import strip_protohost

        prefix = strip_protohost(original)
        original = original[len(prefix):] or "/"
    pathname, search, hash_ = parse_url(original)
    location = encodeurl(prefix + _collapse_leading_slashes(pathname + "/") + search + hash_)
    doc = _html_document("Redirecting", "Redirecting to " + escape_html(location)).encode("utf-8")
    res.status_code = 301
    res.set_header("Content-Type", "text/html; charset=UTF-8")
    res.set_header("Content-Length", str(len(doc)))
    res.set_header("Content-Security-Policy", "default-src 'none'")
    res.set_header("X-Content-Type-Options", "nosniff")
    res.set_header("Location", location)
    res.end(doc)


def static(root: Any, options: dict[str, Any] | None = None, **kwargs: Any) -> Callable[..., Any]:
    """serve-static: ``app.use("/static", express.static("public", max_age="1d"))``.

    Options (snake_case or Express's camelCase): ``dotfiles`` (ignore/allow/deny), ``etag``,
    ``extensions``, ``fallthrough``, ``immutable``, ``index`` (str, list or False),
    ``last_modified``, ``max_age`` (ms or "1d"), ``redirect``, ``set_headers(res, path, stat)``,
    ``accept_ranges``, ``cache_control``, plus ``follow_symlinks`` and ``precompressed``."""
    if isinstance(root, os.PathLike):
        root = os.fspath(root)
    if not root:
        raise TypeError("root path required")
    if not isinstance(root, str):
        raise TypeError("root path must be a string")
    opts = normalize_options(options, kwargs)
    fallthrough = opts.get("fallthrough") is not False
    redirect = opts.get("redirect") is not False
    set_headers = opts.get("set_headers")
    if set_headers and not callable(set_headers):
        raise TypeError("option setHeaders must be function")
    opts["maxage"] = opts.get("maxage") or opts.get("max_age") or 0
    opts.pop("max_age", None)
    opts["root"] = node_resolve(root)
    # Validated once here (serve-static would throw on each request instead).
    send_options = SendOptions(opts)
    hooks = (set_headers,) if set_headers else ()
    # PERF: where a missing file only passes the request on (fallthrough, no extensions to
    # try), a plain path is looked up directly first: most requests through static() are for
    # the routes behind it, and send's path resolution cost them ~2 us each to reach ENOENT.
    # Anything else takes the whole of send (a file found: one open() and close() more).
    quick_root = opts["root"].rstrip("/") if fallthrough and not send_options.extensions else None

    def serve_static(req: Request, res: Response, next: Callable[..., Any]) -> Any:
        method = req.method
        if method != "GET" and method != "HEAD":
            if fallthrough:
                return next()
            res.status_code = 405
            res.set_header("Allow", "GET, HEAD")
            res.set_header("Content-Length", "0")
            res.end()
            return None
        path = parse_url(req.url)[0]
        if quick_root is not None and _PLAIN_PATH.fullmatch(path) and missing_file(quick_root + path):
            return next()  # outside missing_file's except block: what runs next has no context
        if path == "/":
            original = req.original_url
            if parse_url(original)[0][-1:] != "/":
                path = ""  # make sure the redirect happens at the mount point
        stream = SendStream(req, path, send_options, fall_through=fallthrough, headers_hooks=hooks)
        try:
            kind, value = stream.pipe(res)
        except Exception as exc:  # a set_headers hook or an invalid header value
            return next(exc)
        if kind == "done":
            return None
        if kind == "stream":
            return spawn(_finish_stream(req, res, value, next))
        if kind == "directory":
            if redirect and not stream.has_trailing_slash():
                _redirect_to_slash(req, res)
                return None
            kind, value = stream.error(404)
        if kind == "next":  # a 4xx before the file was found, with fallthrough
            return next()
        return next(value)  # every other error (the stream decides which fall through)

    return serve_static


async def _finish_stream(req: Request, res: Response, body: Any, next: Callable[..., Any]) -> None:
    try:
        await body
    except ConnectionAbortedError:
        return
    except OSError as exc:
        from ..send import _fs_error

        result = next(_fs_error(500, exc, "read"))
        if result is not None and hasattr(result, "__await__"):
            await result


serve_static = static
