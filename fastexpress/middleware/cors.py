"""``cors(**opts)``: the npm cors 2.8 middleware, header for header.

``origin`` is ``True`` (reflect the request's Origin), ``False``/``None`` (no CORS headers),
``"*"`` (the default), a fixed string, a ``re.Pattern``, a list of strings and patterns, or a
callable: ``fn(origin) -> value`` (sync or async) or, callback style, ``fn(origin, cb)`` with
``cb(err, value)``. The whole options object may also be computed per request:
``cors(lambda req: {...})`` or ``cors(lambda req, cb: cb(None, {...}))``.

Other options (snake_case; cors's camelCase names are accepted too): ``methods``,
``allowed_headers`` (alias ``headers``), ``exposed_headers``, ``credentials``, ``max_age``,
``preflight_continue``, ``options_success_status``.
"""
from __future__ import annotations

import inspect
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from ..jsvalues import js_string, js_truthy
from ..router import spawn

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["cors"]

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
    "preflight_continue": False,
    "options_success_status": 204,
}

_ALIASES = {
    "allowedHeaders": "allowed_headers",
    "exposedHeaders": "exposed_headers",
    "maxAge": "max_age",
    "preflightContinue": "preflight_continue",
    "optionsSuccessStatus": "options_success_status",
}
_KNOWN = frozenset({"origin", "methods", "allowed_headers", "headers", "exposed_headers", "credentials",
                    "max_age", "preflight_continue", "options_success_status"})


def _normalize(options: Any) -> dict[str, Any]:
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise TypeError("cors options must be a dict")
    return {_ALIASES.get(key, key): value for key, value in options.items()}


def _is_regex(value: Any) -> bool:
    return hasattr(value, "search") and hasattr(value, "pattern")


def _origin_allowed(origin: str | None, allowed: Any) -> bool:
    if isinstance(allowed, (list, tuple)):
        return any(_origin_allowed(origin, item) for item in allowed)
    if isinstance(allowed, str):
        return origin == allowed
    if _is_regex(allowed):
        # RegExp.test(undefined) tests the string "undefined", as in JavaScript.
        return allowed.search("undefined" if origin is None else origin) is not None
    return js_truthy(allowed)


def _join(value: Any) -> Any:
    """cors's ``value.join ? value.join(',') : value``."""
    if isinstance(value, (list, tuple)):
        return ",".join("" if item is None else js_string(item) for item in value)
    return value


def _length(value: Any) -> bool:
    """``value && value.length``: a non-empty string (or list)."""
    if isinstance(value, (str, list, tuple)):
        return len(value) > 0
    return False


def _apply(req: Request, res: Response, options: dict[str, Any], next: Callable[..., Any],
           simple: list[tuple[str, Any]] | None = None) -> None:
    """cors's ``cors(options, req, res, next)``: set the headers, answer a preflight.
    ``simple``: the headers of a non-preflight request, when known in advance."""
    preflight = req.method == "OPTIONS"
    headers = simple if simple is not None and not preflight else _headers(req, options, preflight)
    # applyHeaders
    for name, value in headers:
        if name == "Vary":
            res.vary(value)
        else:
            res.set_header(name, value)
    if not preflight or options.get("preflight_continue"):
        next()
        return
    # Safari (and potentially other browsers) need content-length 0 for 204.
    status = options.get("options_success_status")
    res.status_code = int(status) if isinstance(status, (int, float, str)) and not isinstance(status, bool) else 204
    res.set_header("Content-Length", "0")
    res.end()


def _headers(req: Request | None, options: dict[str, Any], preflight: bool) -> list[tuple[str, Any]]:
    """The (name, value) pairs cors would apply, in its order, empty values dropped; "Vary"
    entries are merged into the response's Vary. ``req`` None: no request headers (a string
    origin on a simple request needs none)."""
    headers: list[tuple[str, Any]] = []
    request_origin = req.headers.get("origin") if req is not None else None
    origin = options.get("origin")
    # configureOrigin
    if not js_truthy(origin) or origin == "*":
        headers.append(("Access-Control-Allow-Origin", "*"))
    elif isinstance(origin, str):
        headers.append(("Access-Control-Allow-Origin", origin))
        headers.append(("Vary", "Origin"))
    else:
        allowed = _origin_allowed(request_origin, origin)
        headers.append(("Access-Control-Allow-Origin", request_origin if allowed else False))
        headers.append(("Vary", "Origin"))
    # configureCredentials
    if options.get("credentials") is True:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if preflight:
        assert req is not None
        # configureMethods
        headers.append(("Access-Control-Allow-Methods", _join(options.get("methods"))))
        # configureAllowedHeaders
        allowed_headers = options.get("allowed_headers")
        if not js_truthy(allowed_headers):
            allowed_headers = options.get("headers")
        if not js_truthy(allowed_headers):
            allowed_headers = req.headers.get("access-control-request-headers")
            headers.append(("Vary", "Access-Control-Request-Headers"))
        else:
            allowed_headers = _join(allowed_headers)
        if _length(allowed_headers):
            headers.append(("Access-Control-Allow-Headers", allowed_headers))
        # configureMaxAge
        max_age = options.get("max_age")
        if (isinstance(max_age, (int, float)) and not isinstance(max_age, bool)) or js_truthy(max_age):
            text = js_string(max_age) if not isinstance(max_age, float) or not math.isnan(max_age) else "NaN"
            if text:
                headers.append(("Access-Control-Max-Age", text))
    # configureExposedHeaders
    exposed = options.get("exposed_headers")
    if js_truthy(exposed):
        exposed = _join(exposed)
        if _length(exposed):
            headers.append(("Access-Control-Expose-Headers", exposed))
    return [(name, value) for name, value in headers if js_truthy(value)]


@lru_cache(maxsize=256)
def _nargs(fn: Callable[..., Any]) -> int:
    """Required positional parameters: 2 or more means callback style ``fn(value, cb)``."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 1
    count = 0
    for param in params:
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            if param.default is param.empty:
                count += 1
        elif param.kind == param.VAR_POSITIONAL:
            return 2
    return count


def _call(fn: Callable[..., Any], arg: Any, then: Callable[[Any, Any], Any], next: Callable[..., Any]) -> Any:
    """Call a sync, async or callback-style ``fn(arg)`` and pass ``(err, value)`` to ``then``
    (which returns None or an awaitable). Returns None or an awaitable for the router to run."""
    try:
        callback_style = _nargs(fn) >= 2
    except TypeError:  # unhashable callable
        callback_style = _nargs.__wrapped__(fn) >= 2
    if callback_style:
        sync = [True]
        found: list[Any] = []

        def callback(err: Any = None, value: Any = None) -> None:
            result = then(err, value)
            if result is not None:
                if sync[0]:
                    found.append(result)
                else:  # called back later (a timer, a task): run the rest on its own
                    spawn(result, next)

        result = fn(arg, callback)
        sync[0] = False
        if inspect.isawaitable(result):  # async def fn(origin, cb)
            return result
        return found[0] if found else None
    result = fn(arg)
    if inspect.isawaitable(result):
        async def finish() -> None:
            rest = then(None, await result)
            if rest is not None:
                await rest

        return finish()
    return then(None, result)


def cors(options: Any = None, /, **opts: Any) -> Callable[..., Any]:
    """The cors middleware; ``options`` may be a dict, or a callable computing it per request."""
    delegate: Callable[..., Any] | None = None
    static: dict[str, Any] = {}
    if callable(options) and not isinstance(options, dict):
        delegate = options
        if opts:
            raise TypeError("cors(): pass an options function or keyword options, not both")
    else:
        static = _normalize(options)
        static.update(_normalize(opts))
        for key in static:
            if key not in _KNOWN:
                raise TypeError(f"cors() got an unexpected option {key!r}")
    static_options = {**DEFAULTS, **static}
    # PERF: with a fixed origin a simple request's headers do not depend on the request.
    static_origin = static_options.get("origin")
    simple = _headers(None, static_options, False) if isinstance(static_origin, str) and static_origin else None

    def run(req: Request, res: Response, next: Callable[..., Any], options: dict[str, Any]) -> Any:
        origin = options.get("origin")
        if not js_truthy(origin):
            next()
            return None
        if not callable(origin) or _is_regex(origin):
            _apply(req, res, options, next, simple if options is static_options else None)
            return None

        def with_origin(err: Any, value: Any) -> None:
            if js_truthy(err):
                next(err)
            elif not js_truthy(value):
                next()
            else:
                _apply(req, res, {**options, "origin": value}, next)

        return _call(origin, req.headers.get("origin"), with_origin, next)

    if delegate is None:
        def cors_middleware(req: Request, res: Response, next: Callable[..., Any]) -> Any:
            return run(req, res, next, static_options)

        return cors_middleware

    fn = delegate

    def cors_delegate(req: Request, res: Response, next: Callable[..., Any]) -> Any:
        def with_options(err: Any, value: Any) -> Any:
            if js_truthy(err):
                next(err)
                return None
            return run(req, res, next, {**DEFAULTS, **_normalize(value)})

        return _call(fn, req, with_options, next)

    return cors_delegate
