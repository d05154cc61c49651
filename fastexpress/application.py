"""``express()``: the application: settings, the lazily made base router, mounting."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

from .errors import ClientDisconnect
from .finalhandler import log_error
from .httputil import compile_etag
from .proxy import compile_trust
from .querystring import compile_query_parser
from .response import Locals
from .router import Router, add_verbs, is_path, use_arguments

if TYPE_CHECKING:
    from .request import Request
    from .response import Response
    from .server import Server

_TRUST_DEFAULT = "\0trust proxy default"  # Express's trustProxyDefaultSymbol, as a hidden key


def default_env() -> str:
    return os.environ.get("FASTEXPRESS_ENV") or os.environ.get("NODE_ENV") or "development"


_UNSET = object()
_dict_get = dict.get


class Settings(dict):  # type: ignore[type-arg]
    """``app.settings``: a dict that falls back to the parent app's settings once mounted, as
    Express chains ``settings`` prototypes."""

    __slots__ = ("parent",)

    def __init__(self) -> None:
        super().__init__()
        self.parent: Settings | None = None

    def __missing__(self, key: str) -> Any:
        if self.parent is not None:
            return self.parent[key]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        value = _dict_get(self, key, _UNSET)  # PERF: one lookup for hits and misses
        if value is not _UNSET:
            return value
        if self.parent is not None:
            return self.parent.get(key, default)
        return default

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (self.parent is not None and key in self.parent)


class App:
    """An Express application. Create one with ``express()``."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.locals = Locals()
        self.mountpath: Any = "/"
        self.parent: App | None = None
        self.engines: dict[str, Callable[..., Any]] = {}
        self.cache: dict[str, Any] = {}  # views by name when 'view cache' is on
        self._router: Router | None = None
        self._listeners: dict[str, list[Callable[..., Any]]] = {}
        self._x_powered_by = True
        self._default_configuration()

    def _default_configuration(self) -> None:
        env = default_env()
        self.enable("x-powered-by")
        self.set("etag", "weak")
        self.set("env", env)
        self.set("query parser", "simple")
        self.set("subdomain offset", 2)
        self.set("trust proxy", False)
        dict.__setitem__(self.settings, _TRUST_DEFAULT, True)
        self.locals["settings"] = self.settings
        self.set("views", os.path.abspath("views"))
        self.set("jsonp callback name", "callback")
        if env == "production":
            self.enable("view cache")
        self.on("mount", self._on_mount)

    def _on_mount(self, parent: App) -> None:
        # A sub-app inherits trust proxy unless it set its own (Express's back-compat rule).
        if dict.get(self.settings, _TRUST_DEFAULT) is True and callable(parent.settings.get("trust proxy fn")):
            dict.pop(self.settings, "trust proxy", None)
            dict.pop(self.settings, "trust proxy fn", None)
        self.settings.parent = parent.settings
        for ext, fn in parent.engines.items():
            self.engines.setdefault(ext, fn)

    # -- settings ---------------------------------------------------------------------------

    def set(self, setting: str, *value: Any) -> Any:
        if not value:
            return self.settings.get(setting)
        val = value[0]
        self.settings[setting] = val
        if setting == "etag":
            self.settings["etag fn"] = compile_etag(val)
        elif setting == "query parser":
            self.settings["query parser fn"] = compile_query_parser(val)
        elif setting == "trust proxy":
            self.settings["trust proxy fn"] = compile_trust(val)
            dict.__setitem__(self.settings, _TRUST_DEFAULT, False)
        elif setting == "x-powered-by":
            self._x_powered_by = bool(val)
        return self

    def get(self, path: Any, *handlers: Any) -> Any:
        """``app.get('etag')`` reads a setting; ``app.get('/path', ...)`` adds a GET route."""
        if not handlers and not is_path(path):
            return self.set(path)
        return self._route("GET", path, handlers)

    def _route(self, method: str | None, path: Any, handlers: tuple[Any, ...]) -> Any:
        # Returns the app for chaining, or a decorator when no handler is given.
        result = self.router._method(method, path, handlers)
        return self if result is self._router else result

    def enabled(self, setting: str) -> bool:
        return bool(self.set(setting))

    def disabled(self, setting: str) -> bool:
        return not self.set(setting)

    def enable(self, setting: str) -> App:
        return self.set(setting, True)

    def disable(self, setting: str) -> App:
        return self.set(setting, False)

    # -- routing ----------------------------------------------------------------------------

    @property
    def router(self) -> Router:
        # Made on first use, so 'case sensitive routing' and 'strict routing' set before the
        # first route apply (as in Express).
        if self._router is None:
            self._router = Router(case_sensitive=self.enabled("case sensitive routing"),
                                  strict=self.enabled("strict routing"))
        return self._router

    def use(self, *args: Any) -> Any:
        path, flat = use_arguments(args)
        if not flat:
            if args:
                return Router._decorator(lambda fn: self.use(path, fn))
            raise TypeError("app.use() requires a middleware function")
        router = self.router
        for fn in flat:
            if isinstance(fn, App):
                fn.mountpath = path
                fn.parent = self
                router.use(path, _mounted_app(fn))
                fn.emit("mount", self)
            else:
                router.use(path, fn)
        if len(args) == 1 and callable(args[0]) and not isinstance(args[0], (App, Router)):
            return args[0]  # `@app.use` as a decorator
        return self

    def route(self, path: Any) -> Any:
        return self.router.route(path)

    def all(self, path: Any, *handlers: Any) -> Any:
        return self._route(None, path, handlers)

    def param(self, name: Any, fn: Callable[..., Any] | None = None) -> Any:
        result = self.router.param(name, fn)
        return self if result is self.router else result

    if TYPE_CHECKING:  # app.post(...), app.m_search(...): one method each, added below
        def __getattr__(self, name: str) -> Callable[..., Any]: ...

    def path(self) -> str:
        return self.parent.path() + str(self.mountpath) if self.parent is not None else ""

    # -- templates (fastexpress/view.py holds the logic) ------------------------------------

    def engine(self, ext: str, fn: Callable[..., Any]) -> App:
        from .view import register_engine

        register_engine(self, ext, fn)
        return self

    def render(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        from .view import render_app

        return render_app(self, name, *args, **kwargs)

    # -- events -----------------------------------------------------------------------------

    def on(self, event: str, fn: Callable[..., Any]) -> App:
        self._listeners.setdefault(event, []).append(fn)
        return self

    def emit(self, event: str, *args: Any) -> None:
        for fn in list(self._listeners.get(event, ())):
            fn(*args)

    # -- handling ---------------------------------------------------------------------------

    def handle(self, req: Request, res: Response, callback: Callable[..., Any] | None = None,
               parent_app: App | None = None) -> Any:
        """Serve ``req``; ``callback(err)`` when no layer answers (None: the final handler).
        A mounted app is given its ``parent_app``: req.app and res.app return to it then."""
        if self._x_powered_by:
            res._headers["x-powered-by"] = ("X-Powered-By", "fastexpress")
        req.app = self
        res.app = self
        # PERF: without a callback the router makes the final handler only when it is reached.
        router = self._router
        return (router if router is not None else self.router).handle(req, res, callback, parent_app)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        """An ASGI 3 application (``uvicorn module:app``); mounted as a middleware in a Router,
        ``(req, res, next)``. Async because ASGI servers detect the interface by it."""
        if type(scope) is dict:
            from .asgi import serve_asgi

            return await serve_asgi(self, scope, receive, send)
        return self.handle(scope, receive, send)

    def _log_error(self, err: Any) -> None:
        # A client that went away is not the app's error: no traceback storm for it.
        if self.settings.get("env") != "test" and not isinstance(err, ClientDisconnect):
            log_error(err)

    # -- serving ----------------------------------------------------------------------------

    def listen(self, port: int = 3000, host: str = "127.0.0.1", callback: Callable[[], Any] | None = None,
               **options: Any) -> None:
        """Serve until Ctrl-C or SIGTERM, then stop gracefully (in-flight requests finish)."""
        from .server import run

        if callable(host):  # app.listen(port, callback)
            host, callback = "127.0.0.1", host
        run(self, port=port, host=host, callback=callback, **options)

    async def start(self, port: int = 0, host: str = "127.0.0.1", **options: Any) -> Server:
        """Start serving inside the running event loop; returns a handle with ``.port`` and
        ``await close()``."""
        from .server import start

        return await start(self, port=port, host=host, **options)


add_verbs(App, App._route)  # `get` is App's own: a setting or a GET route


def _mounted_app(app: App) -> Callable[..., Any]:
    def mounted_app(req: Request, res: Response, next: Callable[..., Any]) -> Any:
        # Express's done closure (restore the parent app, then next(err)) is the sub-app's
        # router pass itself. PERF: no closure holding req, res and next: reference counting
        # frees the request (fastexpress.router.release).
        return app.handle(req, res, next, req.app)

    return mounted_app
