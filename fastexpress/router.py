"""Routing and middleware dispatch, as Express 5's ``router`` package does it. No I/O here.

``next`` is an object per pass through a router (``_RouterRun``) or a route (``_RouteRun``):
calling it advances the stack exactly as Express's ``next`` closure does. A handler runs
synchronously; one that returns an awaitable is scheduled as a task, and ``next()`` returns an
awaitable that finishes when the rest of the chain it started has run (``await next()``). An
app's outermost pass is made only when something asks for it (``Router.handle``); a pass that
reaches its end, or is left with ``next("router")``, hands on a turn later, as Express's does.
"""
from __future__ import annotations

import asyncio
import collections.abc
import contextvars
import inspect
import re
import sys
import sysconfig
import types
from bisect import bisect_left
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Generator, Iterable

from ._memo import Memo
from .pathre import Match, compile_matcher

_new = tuple.__new__

if TYPE_CHECKING:
    from .request import Request
    from .response import Response

Handler = Callable[..., Any]

# Node's http.METHODS (what Express routes), in Node's order.
METHODS: tuple[str, ...] = (
    "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK",
    "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS",
    "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT",
    "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
)


def method_attr(method: str) -> str:
    """Python attribute for an HTTP method: ``GET`` -> ``get``, ``M-SEARCH`` -> ``m_search``."""
    return method.lower().replace("-", "_")


class _Done:
    """An awaitable that is already finished: what ``next()`` returns when nothing is pending."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return iter(())

    def done(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "DONE"


DONE: Any = _Done()

# Tasks of async handlers, held so the event loop's weak references cannot lose one.
_tasks: set[asyncio.Task[Any]] = set()


def arity(fn: Callable[..., Any]) -> int:
    """How many positional arguments ``fn`` takes, as Express reads ``fn.length``."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return 3
    count = 0
    for param in sig.parameters.values():
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            count += 1
        elif param.kind == param.VAR_POSITIONAL:
            return max(count, 3)
    return count


def _is_async(fn: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))


# PERF: handlers often return None or ``res``; an ABC isinstance check per request is slow, one
# dict lookup is not. A generator is awaitable only when its code is marked as an iterable
# coroutine, so its type maps to True and spawn() asks the object.
_AWAITABLE: Memo[type, bool] = Memo(lambda kind: issubclass(kind, collections.abc.Awaitable), 256)
_AWAITABLE.update({type(None): False, _Done: False, types.CoroutineType: True, types.GeneratorType: True})


def _is_awaitable(result: Any) -> bool:
    return _AWAITABLE[type(result)] and (type(result) is not types.GeneratorType or inspect.isawaitable(result))


class _Resumed:
    """What a task drives for an async handler that spawn() ran up to its first wait. The first
    step hands the task what the handler waits on; every later step, and a throw() (a
    cancellation) at any time, goes to the handler itself. The handler's exception goes to
    ``next(err)``, whose awaitable is then driven in its place, so that the task ends when
    the error handling does."""

    __slots__ = ("target", "waiting", "next")

    def __init__(self, coro: Any, waiting: Any, next: Callable[..., Any]) -> None:
        self.target = coro
        self.waiting: Any = (waiting,)  # boxed: a coroutine may wait on None (a bare yield)
        self.next: Callable[..., Any] | None = next

    def send(self, value: Any) -> Any:
        waiting = self.waiting
        if waiting is not None:
            self.waiting = None
            return waiting[0]
        return self._step(self.target.send, value)

    def throw(self, exc: BaseException, *_: Any) -> Any:
        self.waiting = None
        return self._step(self.target.throw, exc)

    def close(self) -> None:
        self.target.close()

    @property
    def __name__(self) -> str:  # what the task's repr names: the handler
        return getattr(self.target, "__qualname__", type(self.target).__name__)

    def __next__(self) -> Any:
        return self.send(None)

    def __iter__(self) -> _Resumed:
        return self

    __await__ = __iter__

    def _step(self, method: Callable[[Any], Any], arg: Any) -> Any:
        try:
            return method(arg)
        except StopIteration:
            raise
        except Exception as err:
            next = self.next
            if next is None:  # the error handler's own failure is the task's
                raise
            self.next = None
            result = next(err)
            if not _is_awaitable(result):
                raise StopIteration from None
            self.target = _await(result)
            return self._step(self.target.send, None)


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def spawn(awaitable: Awaitable[Any], next: Callable[..., Any]) -> Any:
    """Run an async handler's awaitable; its exception goes to ``next(err)``. It runs at once
    up to its first real wait, as an async function does in Node (and Python 3.12's eager
    tasks): DONE when it finishes there, else a task that goes on from that wait.
    A plain generator (not an iterable coroutine) is no awaitable: DONE, as for any value."""
    kind = type(awaitable)
    if kind is not types.CoroutineType:
        if kind is types.GeneratorType and not inspect.isawaitable(awaitable):
            return DONE
        awaitable = _await(awaitable)  # e.g. a future or an object with __await__
    # PERF: an async handler that answers without waiting needs no task, no loop turn and
    # no cycle collector. It runs in a copy of the context, as a task would.
    context = contextvars.copy_context()
    try:
        waiting = context.run(awaitable.send, None)  # type: ignore[attr-defined]
    except StopIteration:
        return DONE
    except Exception as err:
        return next(err)
    task = asyncio.get_event_loop().create_task(_Resumed(awaitable, waiting, next), context=context)  # type: ignore[arg-type]
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


def invoke(fn: Callable[..., Any], is_async: bool, args: tuple[Any, ...], next: Callable[..., Any]) -> Any:
    """Call one handler; route its exception (sync or async) to ``next(err)``."""
    try:
        result = fn(*args)
    except Exception as err:
        return next(err)
    if is_async or _AWAITABLE[type(result)]:
        return spawn(result, next)
    return DONE


def strip_protohost(url: str) -> str:
    """The ``scheme://host`` part of an absolute-form request target, or ''."""
    if not url or url[0] == "/":
        return ""
    search = url.find("?")
    path_length = search if search != -1 else len(url)
    fqdn = url[:path_length].find("://")
    if fqdn == -1:
        return ""
    end = url.find("/", 3 + fqdn)
    return url if end == -1 else url[:end]


def pathname(url: str) -> str:
    """The path of a request target, as parseurl gives it: before any ``?`` or ``#``."""
    end = url.find("?")
    path = url if end < 0 else url[:end]
    hash_at = path.find("#")
    return path if hash_at < 0 else path[:hash_at]


# Layer.prefix keys, one object per value (as many as an app has distinct `use()` prefixes).
_PREFIXES: dict[tuple[str, bool], tuple[str, bool]] = {}


# What may follow a `use()` prefix in the path: nothing, or the next segment.
_SEGMENT_ENDS = ("", "/")


def _match_slash(path: str) -> Match:
    return Match("", {})


class Layer:
    """One entry of a router's stack: a path matcher and a handler (or a route)."""

    __slots__ = ("handle", "nargs", "is_async", "match", "direct", "prefix", "literal", "route", "method",
                 "path", "name")

    def __init__(self, path: Any, fn: Handler, *, end: bool, strict: bool = False, sensitive: bool = False) -> None:
        self.path = path
        self.handle = fn
        self.nargs = arity(fn)
        self.is_async = _is_async(fn)
        self.name = getattr(fn, "__name__", "<anonymous>")
        # PERF: `use('/', ...)` matches everything; no regex at all. `match(path)` is the
        # matcher itself: one call per layer tried.
        slash = path == "/" and not end
        self.match: Callable[[str], Match | None] = (
            _match_slash if slash else compile_matcher(path, end=end, strict=strict, sensitive=sensitive)
        )
        # A literal `use()` prefix (e.g. "/api"): layers with equal keys match the same text of
        # the same path, which lets consecutive ones skip restoring and re-stripping req.url.
        # Interned, so that the router compares keys by identity.
        static = getattr(self.match, "static_path", None)
        key = (static, sensitive)
        self.prefix = _PREFIXES.setdefault(key, key) if static and not end and 2 <= self.nargs <= 3 else None
        # `use(fn)` at the root: every path matches, with no params, so the router calls it
        # without matching (when no error is pending).
        self.direct = slash and 2 <= self.nargs <= 3
        # A literal route path, case-folded: it matches only a path that folds to it (or to it
        # plus "/"), so the router can pass over it without calling the matcher.
        self.literal = static if static and end and not sensitive else None
        self.route: Route | None = None
        self.method: str | None = None

    def handle_request(self, req: Request, res: Response, next: Callable[..., Any]) -> Any:
        nargs = self.nargs
        if nargs > 3:
            return next()
        args = (req, res, next) if nargs == 3 else (req, res) if nargs == 2 else (req, res, next)[:nargs]
        return invoke(self.handle, self.is_async, args, next)

    def handle_error(self, error: Any, req: Request, res: Response, next: Callable[..., Any]) -> Any:
        if self.nargs != 4:
            return next(error)
        return invoke(self.handle, self.is_async, (error, req, res, next), next)


def _flatten(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def use_arguments(args: tuple[Any, ...]) -> tuple[Any, list[Any]]:
    """``use([path], ...handlers)``: the path (default ``/``) and the flattened handlers. The
    first argument is a path unless it (or the first item of nested lists) is callable."""
    first = args[0] if args else None
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    if args and not callable(first):
        return args[0], _flatten(args[1:])
    return "/", _flatten(args)


def _check_handlers(handlers: list[Any]) -> None:
    if not handlers:
        raise TypeError("argument handler is required")
    for fn in handlers:
        if not callable(fn):
            raise TypeError("argument handler must be a function")


class Route:
    """``app.route(path)``: handlers per method for one path."""

    def __init__(self, path: Any) -> None:
        self.path = path
        self.stack: list[Layer] = []
        self.methods: dict[str, bool] = {}  # upper-case method -> True; "_all" for .all()

    def methods_list(self) -> list[str]:
        names = [m for m in self.methods if m != "_all"]
        if "GET" in self.methods and "HEAD" not in self.methods:
            names.append("HEAD")
        return names

    def dispatch(self, req: Request, res: Response, done: Callable[..., Any]) -> Any:
        stack = self.stack
        if not stack:
            return done()
        method = req.method
        if method == "HEAD" and "HEAD" not in self.methods:
            method = "GET"
        req.route = self
        if len(stack) == 1:
            layer = stack[0]
            if layer.nargs == 2 and (layer.method is None or layer.method == method):
                # PERF: the usual route, one (req, res) handler: it cannot call next, so the
                # route's own next is not needed; an error goes straight to done(err), exactly
                # where the route's next would send it.
                # PERF: invoke() inlined; the handler read as an attribute, then called (in a
                # slot, a function is no method: `layer.handle(...)` cannot be specialised).
                handle = layer.handle
                try:
                    result = handle(req, res)
                except Exception as exc:
                    return done(exc)
                if layer.is_async or _AWAITABLE[type(result)]:
                    return spawn(result, done)
                return DONE
        return _RouteRun(stack, method, req, res, done)()

    def _add(self, method: str | None, handlers: tuple[Any, ...]) -> Route:
        flat = _flatten(handlers)
        _check_handlers(flat)
        for fn in flat:
            layer = Layer("/", fn, end=True)
            layer.method = method
            self.methods[method or "_all"] = True
            self.stack.append(layer)
        return self

    def all(self, *handlers: Any) -> Route:
        return self._add(None, handlers)

    if TYPE_CHECKING:  # route.post(...), route.m_search(...): one method each, added below
        def __getattr__(self, name: str) -> Callable[..., Route]: ...


def add_verbs(cls: type, register: Callable[..., Any], *, with_path: bool = True) -> None:
    """Give ``cls`` a method per HTTP method (``get``, ``post``, ``m_search`` ...) that it does
    not define itself: ``obj.post(path, *handlers)`` calls ``register(obj, "POST", path,
    handlers)`` (without ``path`` when ``with_path`` is false, as on a route).

    PERF: methods, not ``__getattr__``: on CPython 3.11 a class with ``__getattr__`` gets no
    specialised attribute loads at all, and every ``router.stack`` or ``app._router`` read on
    the request path paid ~25 ns more (plaintext 72.9k -> 69.5k instructions per request)."""
    for method in METHODS:
        name = method_attr(method)
        if not hasattr(cls, name):
            fn = _verb(register, method) if with_path else _route_verb(register, method)
            fn.__name__ = name
            fn.__qualname__ = f"{cls.__name__}.{name}"
            setattr(cls, name, fn)


def _verb(register: Callable[..., Any], method: str) -> Callable[..., Any]:
    def verb(self: Any, path: Any, *handlers: Any) -> Any:
        return register(self, method, path, handlers)

    return verb


def _route_verb(register: Callable[..., Any], method: str) -> Callable[..., Any]:
    def verb(self: Any, *handlers: Any) -> Any:
        return register(self, method, handlers)

    return verb


add_verbs(Route, Route._add, with_path=False)


class _RouteRun:
    """``next`` inside one route."""

    __slots__ = ("stack", "method", "req", "res", "done", "idx", "sync")

    def __init__(self, stack: list[Layer], method: str, req: Request, res: Response, done: Callable[..., Any]) -> None:
        self.stack = stack
        self.method = method
        self.req = req
        self.res = res
        self.done = done
        self.idx = 0
        self.sync = 0

    def __call__(self, err: Any = None) -> Any:
        if err is not None and isinstance(err, str):
            if err == "route":
                return self.done()
            if err == "router":
                return self.done(err)
        self.sync = sync = self.sync + 1
        if sync > 100:
            self.sync = 0
            return _defer(self, err)
        stack = self.stack
        method = self.method
        idx = self.idx
        count = len(stack)
        while idx < count:
            layer = stack[idx]
            idx += 1
            if layer.method is None or layer.method == method:
                self.idx = idx
                nargs = layer.nargs
                if err is not None:
                    result = layer.handle_error(err, self.req, self.res, self)
                elif nargs == 3 or nargs == 2:
                    # PERF: the usual middleware or handler: invoke() inlined, as in
                    # _RouterRun.__call__ (the handler read, then called).
                    handle = layer.handle
                    try:
                        result = handle(self.req, self.res, self) if nargs == 3 else handle(self.req, self.res)
                    except Exception as exc:
                        result = self(exc)
                    else:
                        result = spawn(result, self) if layer.is_async or _AWAITABLE[type(result)] else DONE
                else:
                    result = layer.handle_request(self.req, self.res, self)
                self.sync = 0
                return result
        self.idx = idx
        return self.done(err)


def merge_params(params: dict[str, Any], parent: dict[str, Any] | None) -> dict[str, Any]:
    """Router's mergeParams: parent values under the route's, numbered keys shifted up."""
    if not parent:
        return params
    merged = dict(parent)
    if "0" not in params or "0" not in parent:
        merged.update(params)
        return merged
    i = 0
    while str(i) in params:
        i += 1
    o = 0
    while str(o) in parent:
        o += 1
    shifted = dict(params)
    for k in range(i - 1, -1, -1):
        shifted[str(k + o)] = params[str(k)]
        if k < o:
            del shifted[str(k)]
    merged.update(shifted)
    return merged


class _Jumps:
    """Where, in a router's stack as it is, the next layer that may match a path is: past
    literal routes that cannot (``Layer.literal``), straight to the next other layer or to a
    literal route that folds to the same path.

    PERF: a request for an app's 50th route used to pass 49 literal routes one by one."""

    __slots__ = ("layers", "wild", "literals")

    def __init__(self, stack: list[Layer]) -> None:
        self.layers = list(stack)  # what it was made for: a stack that differs needs new jumps
        count = len(stack)
        # wild[i]: the first layer at or after i that is not a literal route (count: none).
        self.wild = [count] * (count + 1)
        for i in range(count - 1, -1, -1):
            self.wild[i] = i if stack[i].literal is None else self.wild[i + 1]
        self.literals: dict[str, list[int]] = {}
        for i, layer in enumerate(stack):
            if layer.literal is not None:
                self.literals.setdefault(layer.literal, []).append(i)

    def next(self, idx: int, key: str, key_trim: str) -> int:
        """The first layer at or after ``idx`` that a path folding to ``key`` (or, without its
        trailing slash, to ``key_trim``) may match."""
        found = self.wild[idx]
        for k in (key, key_trim):
            at = self.literals.get(k)
            if at is not None:
                j = bisect_left(at, idx)
                if j < len(at) and at[j] < found:
                    found = at[j]
        return found


class Router:
    """``express.Router()``: a stack of middleware and routes, itself usable as middleware."""

    def __init__(self, *, case_sensitive: bool = False, strict: bool = False, merge_params: bool = False,
                 caseSensitive: bool | None = None, mergeParams: bool | None = None) -> None:  # noqa: N803
        self.case_sensitive = case_sensitive if caseSensitive is None else caseSensitive
        self.strict = strict
        self.merge_params = merge_params if mergeParams is None else mergeParams
        self.stack: list[Layer] = []
        self._jumps: _Jumps | None = None
        self.params: dict[str, list[Handler]] = {}

    # A Router is a middleware: router(req, res, next).
    def __call__(self, req: Request, res: Response, next: Callable[..., Any]) -> Any:
        return self.handle(req, res, next)

    def handle(self, req: Request, res: Response, done: Callable[..., Any] | None, parent_app: Any = None) -> Any:
        """Dispatch through the stack; ``done(err)`` when it is exhausted (None: the final
        handler of ``req.app``), after putting back ``req.app`` and ``res.app`` when a mounted
        app's router is given its ``parent_app``."""
        stack = self.stack
        idx = 0
        if (done is None and stack and not stack[0].direct and parent_app is None and req._next is None
                and req._pass is None and req.url[:1] == "/" and req.method != "OPTIONS" and not self.merge_params):
            # PERF: an app's outermost pass (a request from the server) whose first taker is a
            # route calls it without a pass: a route's handler that never asks for `next` (a
            # (req, res) one that answers) then costs no _RouterRun, no _dispatch and nothing for
            # release() to walk. `req.next`, and the route's `done`, make the pass on demand
            # (resume()), exactly as it would stand after the route.
            url = req.url
            path = pathname(url) if "?" in url or "#" in url else url
            idx, layer, match, route, err = _find(self, stack, 0, path, req.method, None, None)
            if err is not None or match is None:
                idx = 0  # a matcher failed, or nothing takes it: the pass finds that again (400, 404)
            elif match[1] and self.params:
                idx -= 1  # param callbacks to run first: the pass starts at the layer
            elif route is not None:
                req._pass = self
                req._pass_idx = idx
                req.params = match[1]
                req.route = route
                return route.dispatch(req, res, req._resume)
            else:
                # A middleware takes it first: the pass starts with it, matched already.
                run = _RouterRun(self, req, res, None, None, idx)
                req.params = match[1]
                result = run._call_layer(layer, match, None, path)
                run.sync = 0
                return result
        run = _RouterRun(self, req, res, done, parent_app, idx)
        # PERF: straight to matching unless the first layer can be called without it.
        return run() if stack and stack[0].direct else run._dispatch(None)

    def _jumps_for(self, stack: list[Layer]) -> _Jumps:
        """The jumps for ``stack`` (this router's), made again when it changed since."""
        jumps = self._jumps
        # PERF: a list comparison is one C loop of identity checks: code that edits
        # router.stack in place is seen, and checking costs less than passing one layer.
        if jumps is None or jumps.layers != stack:
            jumps = self._jumps = _Jumps(stack)
        return jumps

    # -- building the stack -----------------------------------------------------------------

    def use(self, *args: Any) -> Any:
        path, flat = use_arguments(args)
        if not flat:
            if path != "/" or args:
                # `@router.use("/prefix")`: a decorator that mounts the function below it.
                return self._decorator(lambda fn: self.use(path, fn))
            raise TypeError("argument handler is required")
        for fn in flat:
            if not callable(fn):
                raise TypeError("argument handler must be a function")
            layer = Layer(path, self._mountable(fn, path), end=False, strict=False, sensitive=self.case_sensitive)
            self.stack.append(layer)
        if len(args) == 1 and inspect.isroutine(args[0]):
            return args[0]  # `@router.use` as a decorator keeps the function's name bound to it
        return self

    def _mountable(self, fn: Any, path: Any) -> Any:
        return fn

    @staticmethod
    def _decorator(register: Callable[[Handler], Any]) -> Callable[[Handler], Handler]:
        def decorator(fn: Handler) -> Handler:
            register(fn)
            return fn

        return decorator

    def route(self, path: Any) -> Route:
        route = Route(path)
        layer = Layer(path, route.dispatch, end=True, strict=self.strict, sensitive=self.case_sensitive)
        layer.route = route
        self.stack.append(layer)
        return route

    def _method(self, method: str | None, path: Any, handlers: tuple[Any, ...]) -> Any:
        if not handlers:
            # `@router.get("/x")`: register the decorated function, hand it back unchanged.
            return self._decorator(lambda fn: self._method(method, path, (fn,)))
        route = self.route(path)
        if method is None:
            route.all(*handlers)
        else:
            route._add(method, handlers)
        return self

    def all(self, path: Any, *handlers: Any) -> Any:
        return self._method(None, path, handlers)

    def param(self, name: Any, fn: Handler | None = None) -> Any:
        if fn is None:
            return self._decorator(lambda f: self.param(name, f))
        if isinstance(name, (list, tuple)):
            for item in name:
                self.param(item, fn)
            return self
        if not name:
            raise TypeError("argument name is required")
        if not isinstance(name, str):
            raise TypeError("argument name must be a string")
        if not callable(fn):
            raise TypeError("argument fn must be a function")
        self.params.setdefault(name, []).append(fn)
        return self

    if TYPE_CHECKING:  # router.get(...), router.m_search(...): one method each, added below
        def __getattr__(self, name: str) -> Callable[..., Any]: ...


add_verbs(Router, Router._method)


def _find(router: Router, stack: list[Layer], idx: int, path: str, method: str, layer_error: Any,
          allowed: list[str] | None) -> tuple[int, Any, Match | None, Route | None, Any]:
    """From ``stack[idx]`` on, the first layer that takes ``path`` for ``method``, as Express's
    ``next`` looks for it: (the index after it, the layer, its match or None when none takes it,
    its route or None, the pending error). A matcher's exception (a parameter that does not
    percent-decode) becomes the pending error unless one is; with an error pending, routes are
    passed over. ``allowed`` (an OPTIONS request's) gathers the methods of the routes passed."""
    layer: Any = None
    match: Match | None = None
    route: Route | None = None
    count = len(stack)
    key: str | None = None  # the path folded as Layer.literal is, made when first needed
    while True:
        # PERF: not `while idx < count`: over this long body its jump needs an EXTENDED_ARG,
        # and 3.11 then never specialises the comparison before it.
        if idx >= count:
            break
        layer = stack[idx]
        idx += 1
        literal = layer.literal
        if literal is not None:
            # PERF: a literal route is decided without calling its matcher when the path
            # spells it exactly (the usual hit) or cannot fold to it (the usual miss).
            if literal == path:
                match = _new(Match, (path, {}))  # what the matcher returns
            else:
                if key is None:  # a non-ASCII path may fold to ASCII: the matcher decides
                    key = path.lower()
                    key_trim = key[:-1] if key[-1:] == "/" else key
                    misses = 0
                    jumps: _Jumps | None = None
                if literal != key and literal != key_trim:
                    # PERF: past a few literal routes, on to the next layer that may match
                    # (a jump costs about two passed layers; the jumps are made once a pass).
                    misses += 1
                    if misses > 2:
                        if jumps is None:
                            jumps = router._jumps_for(stack)
                        idx = jumps.next(idx, key, key_trim)
                    continue
                match = layer.match(path)
        else:
            try:
                match = layer.match(path)
            except Exception as exc:  # e.g. a parameter that does not percent-decode: 400
                layer_error = layer_error if layer_error is not None else exc
                continue
        if match is None:
            continue
        route = layer.route
        if route is None:
            break
        if layer_error is not None:
            match = None
            continue
        # Express's route._handlesMethod: HEAD is served by a GET handler unless one for HEAD.
        methods = route.methods
        has_method = (method in methods or "_all" in methods
                      or (method == "HEAD" and "GET" in methods and "HEAD" not in methods))
        if not has_method and method == "OPTIONS" and allowed is not None:
            allowed.extend(route.methods_list())
        if has_method or method == "HEAD":
            break
        match = None
    return idx, layer, match, route, layer_error


class _RouterRun:
    """``next`` for one pass of a request through one router: Express's closure as an object."""

    __slots__ = (
        "router", "stack", "req", "res", "callback", "idx", "removed", "slash_added", "parent_params",
        "parent_url", "parent_next", "paramcalled", "methods", "protohost", "sync", "entered", "parent_app",
    )

    def __init__(self, router: Router, req: Request, res: Response, callback: Callable[..., Any] | None,
                 parent_app: Any = None, idx: int = 0) -> None:
        """The pass that begins at ``router.stack[idx]``; it becomes ``req.next``."""
        self.router = router
        self.stack = router.stack
        self.req = req
        self.res = res
        self.callback = callback
        self.idx = idx
        self.removed = ""
        self.slash_added = False
        self.parent_params = req.params
        self.parent_url = req.base_url or ""
        self.parent_next = req._next
        self.paramcalled: dict[str, dict[str, Any]] | None = None
        self.methods: list[str] | None = [] if req.method == "OPTIONS" else None
        url = req.url
        self.protohost = "" if url[:1] == "/" else strip_protohost(url)
        self.sync = 0
        # (layer.prefix, req.url, req.base_url) as the last literal `use()` prefix left them.
        self.entered: tuple[Any, str, str] | None = None
        # A mounted app's pass: the app req.app and res.app return to when it passes the request on.
        self.parent_app = parent_app
        req._next = self
        req.base_url = self.parent_url

    def _done(self, err: Any = None) -> Any:
        # Leave the router: put back what it changed on req (Express's `restore`).
        req = self.req
        req.base_url = self.parent_url
        req._next = self.parent_next
        req.params = self.parent_params
        if self.parent_app is not None:
            req.app = self.res.app = self.parent_app
        callback = self.callback
        if callback is None:  # an app's outermost router: Express's finalhandler
            from .finalhandler import FinalHandler

            callback = self.callback = FinalHandler(req, self.res, req.app)
        methods = self.methods
        if methods and err is None:
            try:
                _send_options(self.res, methods)
            except Exception as exc:
                return callback(exc)
            return DONE
        return callback(err)

    def __call__(self, err: Any = None) -> Any:
        # PERF: the usual `next()` from a middleware: the next layer takes every path (`use(fn)`)
        # or continues the literal `use()` prefix the last one entered, so it is called at once,
        # without matching. Everything else (errors, matching, deferring) is _dispatch's, which
        # the first test sends to at once (a short jump: see the loop in _dispatch).
        idx = self.idx
        stack = self.stack
        sync = self.sync
        if err is not None or idx >= len(stack) or sync >= 100:
            return self._dispatch(err)
        layer = stack[idx]
        req = self.req
        if self.removed:
            entered = self.entered
            if entered is not None and layer.prefix is entered[0] and req.url is entered[1]:
                # The same prefix, req.url as the last layer left it: restoring and
                # stripping again would give the same url, so only what that layer may
                # have changed is put back (`use("/api", a, b, c)`).
                req.base_url = entered[2]
            elif layer.direct:
                self._restore_url()
            else:
                return self._dispatch(None)
        elif not layer.direct:
            return self._dispatch(None)
        self.sync = sync + 1
        self.idx = idx + 1
        req.params = merge_params({}, self.parent_params) if self.router.merge_params else {}
        handle = layer.handle  # PERF: as in Route.dispatch
        try:
            result = handle(req, self.res, self) if layer.nargs == 3 else handle(req, self.res)
        except Exception as exc:
            result = self._dispatch(exc)
        else:
            # PERF: None (what sync middleware returns) needs no type lookup; an async
            # function never returns it.
            if result is not None:
                result = spawn(result, self) if layer.is_async or _AWAITABLE[type(result)] else DONE
            else:
                result = DONE
        self.sync = 0
        return result

    def _dispatch(self, err: Any) -> Any:
        """Express's ``next(err)``: find the next layer that matches and call it."""
        req = self.req
        layer_error = err
        if err is not None and type(err) is str:
            if err == "route":
                layer_error = None
            elif err == "router":
                self._restore_url()
                return _defer(self._done, None)  # as Express's router: on the next turn
        stack = self.stack
        idx = self.idx
        if idx < len(stack):
            self.sync += 1
            if self.sync > 100:
                # Express defers after 100 synchronous layers; so do we, to bound recursion.
                self.sync = 0
                return _defer(self, err)
        if self.removed:
            self._restore_url()
        if idx >= len(stack):
            # Express's router leaves a stack passed to its end on the next turn (setImmediate):
            # what the caller of next() does after it comes first. (A stack in which nothing
            # more matches is left at once, below, as there.)
            return _defer(self._done, layer_error)
        url = req.url
        if self.protohost:
            url = url[len(self.protohost):]
        # PERF: pathname() only when there is something to cut off (most targets have no query).
        path = pathname(url) if "?" in url or "#" in url else url
        idx, layer, match, route, layer_error = _find(self.router, stack, idx, path, req.method, layer_error,
                                                     self.methods)
        self.idx = idx
        if match is None:
            return self._done(layer_error)
        if route is not None:
            req.route = route
        params = match[1]  # PERF: Match.params by index: no descriptor call
        req.params = merge_params(dict(params), self.parent_params) if self.router.merge_params else params
        if params and self.router.params:
            return _ParamRun(self, layer, match, layer_error, path).start()
        # PERF: after_params (and for a route, _call_layer) inlined: fewer calls per layer.
        if route is not None:
            result = route.dispatch(req, self.res, self)
        else:
            result = self._call_layer(layer, match, layer_error, path)
        self.sync = 0
        return result

    def _restore_url(self) -> None:
        """Undo what entering a ``use()`` prefix did to ``req.url`` and ``req.base_url``."""
        req = self.req
        if self.slash_added:
            url = req.url
            if url == "/" or url.startswith("/?") or (self.removed.endswith("/") and url[:1] == "/"):
                req.url = url[1:]
            self.slash_added = False
        if self.removed:
            req.base_url = self.parent_url
            protohost = self.protohost
            req.url = protohost + self.removed + req.url[len(protohost):]
            self.removed = ""

    def after_params(self, layer: Layer, match: Match, layer_error: Any, path: str) -> Any:
        result = self._call_layer(layer, match, layer_error, path)
        self.sync = 0  # reset after the call returns, as Express does, so deep chains defer
        return result

    def _call_layer(self, layer: Layer, match: Match, layer_error: Any, path: str) -> Any:
        req = self.req
        route = layer.route
        if route is not None:
            return route.dispatch(req, self.res, self)
        layer_path = match[0]  # PERF: Match.path by index
        if layer_path:
            n = len(layer_path)
            if layer_path != path[:n] or path[n:n + 1] not in _SEGMENT_ENDS:
                return self(layer_error)
            # Enter the prefix: req.url loses it (keeping a leading "/"), req.base_url gains it.
            # PERF: the new values are built in locals and stored once.
            self.removed = layer_path
            protohost = self.protohost
            if protohost:
                url = protohost + req.url[len(protohost) + n:]
            else:
                url = req.url[n:]
                if url[:1] != "/":
                    url = "/" + url
                    self.slash_added = True
            base_url = self.parent_url + (layer_path[:-1] if layer_path[-1] == "/" else layer_path)
            req.url = url
            req.base_url = base_url
            self.entered = (layer.prefix, url, base_url) if layer.prefix is not None else None
        if layer_error is not None:
            return layer.handle_error(layer_error, req, self.res, self)
        if layer.nargs != 3:
            return layer.handle_request(req, self.res, self)
        # PERF: the usual middleware: invoke() inlined, as in __call__ (the handler read, then
        # called, as there).
        handle = layer.handle
        try:
            result = handle(req, self.res, self)
        except Exception as exc:
            return self(exc)
        return spawn(result, self) if layer.is_async or _AWAITABLE[type(result)] else DONE


# Reference counts, where they tell whether anything but known links can still reach an object:
# CPython before 3.14 (which counts borrowed stack references no more), with the GIL.
getrefcount: Callable[[Any], int] | None = (
    sys.getrefcount if sys.implementation.name == "cpython" and sys.version_info < (3, 14)
    and not sysconfig.get_config_var("Py_GIL_DISABLED") else None
)


def release(req: Request) -> None:
    """Cut a finished request's links to its response and router passes (``req.res``,
    ``req.next``) when nothing else can reach the request, its response or a pass.

    PERF: they refer to each other (``res.req``, each pass's ``req`` and ``res``), so each
    request would be garbage for the cycle collector, which then runs every ~100 small requests
    and costs ~9% of their CPU time; cut, reference counting frees them at once. No code can
    tell: the counts prove that the only references left are those links and the caller's one
    (a local variable, the only one it may hold). Where counts prove nothing, nothing is cut.
    """
    res = req.res
    if getrefcount is None or res is None or not res.finished or res.req is not req:
        return
    # Each router pass, from req.next out through the ones it returns to, must hold req and
    # res and be referred to only by the next inner one. Its references: `run` here,
    # getrefcount's argument, and the links to it (req.next, or the inner pass's parent_next,
    # and also its callback when the inner pass is a nested router's). The pass Router.handle
    # made late (the outermost, which may have ended) has two more: req._pass and `made` here.
    made = req._pass
    if made is not None and type(made) is not _RouterRun:
        made = None  # a router whose pass was never made: no link to req
    run = req._next
    runs = 0
    links = 1
    while run is not None:
        if type(run) is not _RouterRun or run.req is not req or run.res is not res:
            return
        if getrefcount(run) != 2 + links:
            if run is not made or getrefcount(run) != 4 + links:
                return
            made = None  # counted: it has not ended
        runs += 1
        links = 1 + (run.callback is run.parent_next)
        run = run.parent_next
    if made is not None:  # it has ended: req._pass, `made` and getrefcount's argument
        if made.req is not req or made.res is not res or getrefcount(made) != 3:
            return
        runs += 1
    # req: the caller's, this frame's, getrefcount's argument, res.req and each pass's;
    # res: this frame's, getrefcount's argument, req.res and each pass's.
    if getrefcount(req) == 4 + runs and getrefcount(res) == 3 + runs:
        req._next = None
        req._pass = None
        req.res = None


def resume(req: Request) -> _RouterRun:
    """The outermost pass that Router.handle called a route without, made when something asks
    for ``req.next``: as it stands after that route (the state it began with: no params, no
    base url, no pass around it, a target beginning with "/")."""
    run = _RouterRun(req._pass, req, req.res, None, None, req._pass_idx)
    req._pass = run  # the route's done (Request._resume) calls this pass, whatever req.next is then
    run.parent_params = {}
    run.parent_url = ""
    run.protohost = ""
    run.methods = None
    return run


def _defer(next: Callable[..., Any], err: Any) -> Any:
    """``next(err)`` on the loop's next turn (Node's setImmediate): what the caller of next()
    does after it comes first. What this returns is done once that call and what it started
    have run: ``await next()`` runs the rest of the chain, as it always does here (awaiting
    Express's next() waits for nothing)."""
    loop = asyncio.get_event_loop()
    waiter = loop.create_future()
    loop.call_soon(_run_deferred, next, err, waiter)
    return waiter


def _run_deferred(next: Callable[..., Any], err: Any, waiter: asyncio.Future[Any]) -> None:
    try:
        result = next(err)
    except BaseException:
        waiter.set_result(None)
        raise  # a router's own failure: the loop reports it
    if _is_awaitable(result):
        asyncio.ensure_future(result).add_done_callback(lambda _: waiter.done() or waiter.set_result(None))
    else:
        waiter.set_result(None)


class _ParamRun:
    """``app.param`` callbacks for the parameters of one matched layer, once per value."""

    __slots__ = ("run", "layer", "match", "layer_error", "path", "keys", "i", "key", "callbacks", "cb_index", "called")

    def __init__(self, run: _RouterRun, layer: Layer, match: Match, layer_error: Any, path: str) -> None:
        self.run = run
        self.layer = layer
        self.match = match
        self.layer_error = layer_error
        self.path = path
        self.keys = list(match.params)
        self.i = 0
        self.key = ""
        self.callbacks: list[Handler] = []
        self.cb_index = 0
        if run.paramcalled is None:
            run.paramcalled = {}
        self.called: dict[str, Any] = {}

    def start(self) -> Any:
        return self.param()

    def finish(self, err: Any = None) -> Any:
        run = self.run
        if err is not None:
            return run(self.layer_error if self.layer_error is not None else err)
        return run.after_params(self.layer, self.match, self.layer_error, self.path)

    def param(self, err: Any = None) -> Any:
        if err is not None:
            return self.finish(err)
        run = self.run
        req = run.req
        called_map = run.paramcalled
        assert called_map is not None
        while self.i < len(self.keys):
            key = self.keys[self.i]
            self.i += 1
            value = req.params.get(key)
            callbacks = run.router.params.get(key)
            if value is None or not callbacks:
                continue
            called = called_map.get(key)
            if called is not None and (called["match"] == value or (called["error"] is not None and called["error"] != "route")):
                req.params[key] = called["value"]
                if called["error"] is not None:
                    return self.finish(called["error"])
                continue
            self.key = key
            self.callbacks = callbacks
            self.cb_index = 0
            self.called = called_map[key] = {"error": None, "match": value, "value": value}
            return self.param_callback()
        return self.finish()

    def param_callback(self, err: Any = None) -> Any:
        req = self.run.req
        self.called["value"] = req.params.get(self.key)
        if err is not None:
            self.called["error"] = err
            return self.param(err)
        if self.cb_index >= len(self.callbacks):
            return self.param()
        fn = self.callbacks[self.cb_index]
        self.cb_index += 1
        return invoke(fn, _is_async(fn), (req, self.run.res, self.param_callback, req.params.get(self.key), self.key),
                      self.param_callback)


def _send_options(res: Response, methods: list[str]) -> None:
    allow = ", ".join(sorted(set(methods)))
    res.set_header("Allow", allow)
    res.set_header("Content-Length", str(len(allow)))
    res.set_header("Content-Type", "text/plain")
    res.set_header("X-Content-Type-Options", "nosniff")
    res.end(allow)


def is_path(value: Any) -> bool:
    """Whether a first argument is a route path (so ``app.get('etag')`` reads a setting)."""
    return isinstance(value, (re.Pattern, list, tuple)) or (isinstance(value, str) and value.startswith("/"))
