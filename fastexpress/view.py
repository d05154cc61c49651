"""Templates: Express 5's ``View`` lookup, ``app.render``/``res.render`` and ``app.engine``, plus
the built-in Jinja2 engine for ``.html``, ``.j2`` and ``.jinja``.

As in Express (``lib/view.js``, ``app.render``, ``res.render``):

* ``app.render(name, options, callback)`` merges ``app.locals`` < ``options._locals`` (what
  ``res.render`` passes: ``res.locals``) < ``options``, sets ``cache`` from ``view cache`` unless
  given, takes the ``View`` from ``app.cache`` when caching, else builds one from the ``view
  engine`` and ``views`` settings, and hands ``callback(err, html)`` the result.
* A ``View`` finds its engine by extension (``app.engines``, which a mounted app reads through
  to its parents'), then looks ``<root>/<name>.<ext>`` and ``<root>/<name>/index.<ext>`` up in
  each root of ``views`` in turn.
* ``res.render(view, locals, callback)`` without a callback sends the HTML with ``res.send`` and
  passes an error to ``req.next(err)``.

Engines take ``fn(path, options, callback)`` (Express's form; ``callback(err, html)``) or
``fn(path, options)`` returning the HTML or an awaitable of it; three or more positional
parameters mean the callback form. A synchronous engine's answer is handled before
``res.render()`` returns (Express defers it to the next tick); an awaitable one runs as a task.
``res.render()`` and ``app.render(..., callback)`` return an awaitable that is done once the
callback (or the sending) has run, so ``await res.render(...)`` works with every engine.
"""
from __future__ import annotations

import asyncio
import inspect
import os
import threading
from collections import ChainMap
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import jinja2
from jinja2.runtime import Context as _JinjaContext
from markupsafe import Markup

from .mime import extname
from .response import UNDEFINED, Locals, js_string
from .router import DONE, _is_async, _is_awaitable, arity, spawn

if TYPE_CHECKING:
    from .application import App
    from .response import Response

__all__ = [
    "View", "ViewError", "Jinja2Engine", "register_engine", "render_app", "render_response",
    "BUILTIN_EXTENSIONS",
]

NO_DEFAULT_ENGINE = "No default engine was specified and no extension was provided."

#: Extensions the built-in Jinja2 engine serves when no engine is registered for them.
BUILTIN_EXTENSIONS = (".html", ".j2", ".jinja")


class ViewError(Exception):
    """A view that cannot be rendered: no engine for it, or no file (then ``.view`` is the
    ``View`` that was looked up, as Express's ``err.view``)."""

    def __init__(self, message: str, view: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.view = view


# -- Node's path helpers ------------------------------------------------------------------------

def _resolve(root: Any, name: str) -> str:
    """``path.resolve(root, name)`` (POSIX)."""
    path = os.path.abspath(os.path.join(os.fspath(root), name))
    if path.startswith("//") and not path.startswith("///"):
        path = path[1:]  # POSIX keeps a leading '//'; Node does not
    return path


def _basename(file: str, ext: str) -> str:
    """``path.basename(file, ext)`` for a bare file name: the suffix goes if it ends the name."""
    if ext and file.endswith(ext):
        return file[: len(file) - len(ext)]
    return file


def _is_file(path: str) -> bool:
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


def _js_join(value: Any) -> str:
    """``String(value)`` for a ``views`` setting (an array prints its items joined by commas)."""
    if isinstance(value, (list, tuple)):
        return ",".join("" if item is None else _js_join(item) for item in value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)  # type: ignore[return-value]
    return "undefined" if value is None else js_string(value)


# -- View ---------------------------------------------------------------------------------------

class View:
    """Express's ``View``: ``View(name, {"defaultEngine", "root", "engines"})``.

    ``app.set("view", MyView)`` replaces it, as in Express: ``app.render`` builds one per name
    (or takes it from ``app.cache``), treats a falsy ``.path`` as not found and calls
    ``.render(options, callback)``.
    """

    def __init__(self, name: str, options: Mapping[str, Any] | None = None) -> None:
        opts = options or {}
        if isinstance(name, os.PathLike):
            name = os.fspath(name)  # type: ignore[assignment]
        default_engine = opts.get("defaultEngine", opts.get("default_engine"))
        self.default_engine: Any = default_engine
        self.ext = extname(name)
        self.name = name
        self.root: Any = opts.get("root")

        if not self.ext and not default_engine:
            raise ViewError(NO_DEFAULT_ENGINE)

        file_name = name
        if not self.ext:
            # the extension from the default engine's name
            default_engine = js_string(default_engine)
            self.ext = default_engine if default_engine[0] == "." else "." + default_engine
            file_name += self.ext

        engines = opts.get("engines")
        if engines is None:
            engines = {}
        engine = engines.get(self.ext)
        if not engine:
            # Express require()s a module named after the extension here; fastexpress never
            # imports by extension: the built-in engine, else the same error as Express's.
            engine = _builtin_engine(self.ext)
            if engine is None:
                raise ViewError(f'Module "{self.ext[1:]}" does not provide a view engine.')
            engines[self.ext] = engine
        self.engine: Callable[..., Any] = engine

        self.path: str | None = self.lookup(file_name)

    @property
    def defaultEngine(self) -> Any:  # noqa: N802 - Express's name
        return self.default_engine

    def lookup(self, name: str) -> str | None:
        """The file for ``name`` in the first root that has one, else None."""
        root = self.root
        roots = root if isinstance(root, (list, tuple)) else [root]
        for r in roots:
            loc = _resolve(r, name)
            path = self.resolve(os.path.dirname(loc), os.path.basename(loc))
            if path:
                return path
        return None

    def resolve(self, dir: str, file: str) -> str | None:
        """``<dir>/<file>``, else ``<dir>/<file less ext>/index<ext>``, if it is a file."""
        ext = self.ext
        path = os.path.join(dir, file)
        if _is_file(path):
            return path
        path = os.path.join(dir, _basename(file, ext), "index" + ext)
        if _is_file(path):
            return path
        return None

    def render(self, options: Mapping[str, Any], callback: Callable[..., Any]) -> Any:
        """Run the engine; ``callback(err, html)`` gets its answer. Returns None, or an
        awaitable that must be run to get the answer (an async engine)."""
        return call_engine(self.engine, self.path, options, callback)

    def __repr__(self) -> str:
        return f"<View {self.name!r} path={self.path!r}>"


# -- calling engines ----------------------------------------------------------------------------

_callback_style: dict[Any, bool] = {}


def _takes_callback(fn: Callable[..., Any]) -> bool:
    """Express's form ``fn(path, options, callback)``: three or more positional parameters."""
    try:
        known = _callback_style.get(fn)
    except TypeError:  # unhashable callable
        return arity(fn) >= 3
    if known is None:
        known = arity(fn) >= 3
        if len(_callback_style) < 512:
            _callback_style[fn] = known
    return known


def call_engine(fn: Callable[..., Any], path: Any, options: Mapping[str, Any], callback: Callable[..., Any]) -> Any:
    """Call an engine of either form; None when it answered (or will answer) through
    ``callback``, else an awaitable whose running does."""
    if _takes_callback(fn):
        result = fn(path, options, callback)
        if result is not None and _is_awaitable(result):
            return _await_callback_engine(result, callback)
        return None
    result = fn(path, options)
    if _is_awaitable(result):
        return _await_result(result, callback)
    callback(None, result)
    return None


async def _await_result(awaitable: Any, callback: Callable[..., Any]) -> None:
    callback(None, await awaitable)


async def _await_callback_engine(awaitable: Any, callback: Callable[..., Any]) -> None:
    value = await awaitable
    if value is not None:  # an async callback-form engine that returned its HTML instead
        callback(None, value)


# The states of one render's answer.
_CALLING, _STORED, _WAITING, _FINISHED = range(4)


class _Completion:
    """The ``callback(err, html)`` handed to an engine. An answer given while the engine is
    still running is kept and handled once it returns (so a failure of the sending is not
    taken for the engine's); a later one is handled at once, on the loop's thread. Only the
    first answer counts."""

    __slots__ = ("done", "on_error", "state", "err", "html", "future", "loop", "thread", "lock")

    def __init__(self, done: Callable[[Any, Any], Any], on_error: Callable[[BaseException], Any]) -> None:
        self.done = done
        self.on_error = on_error
        self.state = _CALLING
        self.err: Any = None
        self.html: Any = None
        self.future: asyncio.Future[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = 0
        # An engine may answer from another thread at any moment: state changes are atomic.
        self.lock = threading.Lock()

    def __call__(self, err: Any = None, html: Any = None, *_: Any) -> None:
        with self.lock:
            state = self.state
            if state == _CALLING:
                self.err, self.html, self.state = err, html, _STORED
                return
            if state != _WAITING:
                return  # only the first answer counts
            self.state = _FINISHED
        loop = self.loop
        if loop is not None and threading.get_ident() != self.thread:
            loop.call_soon_threadsafe(self.finish, err, html)
        else:
            self.finish(err, html)

    def settle(self, loop: asyncio.AbstractEventLoop | None) -> bool:
        """After the engine returned: True when it had answered (handle that now); else the
        answer is awaited from here on, on ``loop`` (``self.future`` is done once handled)."""
        with self.lock:
            if self.state == _STORED:
                self.state = _FINISHED
                return True
            if loop is not None:
                self.loop = loop
                self.thread = threading.get_ident()
                self.future = loop.create_future()
            self.state = _WAITING
            return False

    def failed(self) -> bool:
        """The engine raised: True when it had not answered (the exception is the answer)."""
        with self.lock:
            if self.state == _CALLING:
                self.state = _FINISHED
                return True
            return False

    def finish(self, err: Any, html: Any) -> None:
        try:
            self.done(err, html)
        except Exception as exc:
            try:
                self.on_error(exc)
            except Exception:  # pragma: no cover - the error route itself failed
                import logging

                logging.getLogger("fastexpress.error").exception("error while handling a render error")
        finally:
            future = self.future
            if future is not None and not future.done():
                future.set_result(None)


async def _drive(pending: Any, completion: _Completion) -> None:
    try:
        await pending
    except Exception as err:
        completion(err, None)


def _try_render(view: Any, options: Mapping[str, Any], done: Callable[[Any, Any], Any],
                on_error: Callable[[BaseException], Any]) -> Any:
    """Express's ``tryRender``: an engine's exception goes to ``done(err)``."""
    completion = _Completion(done, on_error)
    try:
        pending = view.render(options, completion)
    except Exception as err:
        if completion.failed():
            done(err, None)
            return DONE
        pending = None  # it answered, then raised: the answer stands
    if completion.state == _STORED and completion.settle(None):  # PERF: the usual sync answer
        done(completion.err, completion.html)
        return DONE
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if completion.settle(loop):
        done(completion.err, completion.html)
        return DONE
    if loop is None:
        # Outside an event loop (a script calling app.render): run an async engine here.
        if pending is not None:
            asyncio.run(_drive(pending, completion))
        return DONE
    if pending is not None:
        spawn(_drive(pending, completion), lambda exc: _report(on_error, exc))
    return completion.future


def _report(on_error: Callable[[BaseException], Any], exc: BaseException) -> Any:
    on_error(exc)
    return DONE


# -- app.engine / app.render / res.render -------------------------------------------------------

def register_engine(app: App, ext: str, fn: Callable[..., Any]) -> App:
    """``app.engine(ext, fn)``: ``ext`` with or without its leading dot."""
    if not callable(fn):
        raise TypeError("callback function required")
    ext = js_string(os.fspath(ext) if isinstance(ext, os.PathLike) else ext)
    extension = ext if ext[:1] == "." else "." + ext
    app.engines[extension] = fn
    return app


def _engines(app: App) -> Any:
    """``app.engines``, reading through to the parents' as Express's prototype chain does."""
    parent = app.parent
    if parent is None:
        return app.engines
    maps = [app.engines]
    while parent is not None:
        maps.append(parent.engines)
        parent = parent.parent
    return ChainMap(*maps)


def _app_cache(app: App) -> dict[str, Any]:
    """``app.cache``: View objects by name (Express's ``app.cache``)."""
    cache = vars(app).get("cache")
    if cache is None:
        cache = app.cache = {}
    return cache


def _lookup_error(name: str, view: Any) -> ViewError:
    root = view.root
    if isinstance(root, (list, tuple)) and len(root) > 1:
        dirs = ('directories "' + '", "'.join(_js_join(r) for r in root[:-1]) + '" or "'
                + _js_join(root[-1]) + '"')
    else:
        dirs = 'directory "' + _js_join(root) + '"'
    return ViewError(f'Failed to lookup view "{js_string(name)}" in views {dirs}', view)


def _render(app: App, name: str, options: Mapping[str, Any] | None, done: Callable[[Any, Any], Any],
            on_error: Callable[[BaseException], Any], res_locals: Mapping[str, Any] | None = None) -> Any:
    """``app.render`` with ``done(err, html)``; returns DONE or an awaitable of the answer."""
    opts = options or {}
    render_options = Locals(app.locals)
    own = res_locals if res_locals is not None else opts.get("_locals")
    if own:
        render_options.update(own)
    render_options.update(opts)
    if res_locals is not None:
        render_options["_locals"] = res_locals
    # .cache unless explicitly provided
    cache_on = render_options.get("cache")
    if cache_on is None:
        cache_on = render_options["cache"] = app.enabled("view cache")

    view = _app_cache(app).get(name) if cache_on else None
    if view is None:
        view_class = app.settings.get("view") or View
        view = view_class(name, {
            "defaultEngine": app.settings.get("view engine"),
            "root": app.settings.get("views"),
            "engines": _engines(app),
        })
        if not view.path:
            done(_lookup_error(name, view), None)
            return DONE
        if cache_on:
            _app_cache(app)[name] = view

    return _try_render(view, render_options, done, on_error)


def _arguments(args: tuple[Any, ...], kwargs: dict[str, Any], what: str) -> tuple[Any, Any]:
    """``(locals|options, callback)`` from ``(x, [cb])``, ``(cb)``, keywords, and extra keyword
    locals (``res.render("page", title="Home")``)."""
    if len(args) > 2:
        raise TypeError(f"render() takes a view name, {what} and a callback ({len(args) + 1} arguments given)")
    options = args[0] if args else None
    callback = args[1] if len(args) > 1 else None
    if what in kwargs:
        if args:
            raise TypeError(f"render() got {what} twice")
        options = kwargs.pop(what)
    if "callback" in kwargs:
        if callback is not None:
            raise TypeError("render() got callback twice")
        callback = kwargs.pop("callback")
    if callable(options) and not isinstance(options, Mapping):
        # support callback function as second arg
        callback, options = options, None
    if options is not None and not isinstance(options, Mapping):
        if options:
            raise TypeError(f"{what} must be a dict, not {type(options).__name__}")
        options = None
    if kwargs:
        options = {**(options or {}), **kwargs}
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    return options, callback


def _user_callback(callback: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    n = arity(callback)
    if n >= 2:
        return callback
    if n == 1:
        return lambda err, html: callback(err)
    return lambda err, html: callback()


def _as_exception(err: Any) -> BaseException:
    return err if isinstance(err, BaseException) else Exception(js_string(err))


def render_response(res: Response, view: str, *args: Any, **kwargs: Any) -> Any:
    """``res.render(view, locals=None, callback=None, **locals)``.

    Without a callback the HTML is sent with ``res.send`` (``text/html; charset=utf-8`` unless a
    type is set, at the current status) and an error goes to ``req.next(err)``; with one it gets
    ``(err, html)``. Returns an awaitable that is done once that has happened.
    """
    local_values, callback = _arguments(args, kwargs, "locals")
    req = res.req
    app = req.app if req.app is not None else res.app

    def on_error(exc: BaseException) -> Any:
        return req.next(exc)

    if callback is None:
        def done(err: Any, html: Any) -> None:
            if err:
                req.next(err)
                return
            res.send(UNDEFINED if html is None else html)
    else:
        done = _user_callback(callback)
    return _render(app, view, local_values, done, on_error, res.locals)


def render_app(app: App, name: str, *args: Any, **kwargs: Any) -> Any:
    """``app.render(name, options=None, callback=None, **options)``.

    With a callback: ``callback(err, html)``, returning an awaitable done once it has run. Without
    one: a coroutine of the HTML (``html = await app.render("email", {...})``; outside a loop,
    ``asyncio.run(app.render(...))``), raising the error instead.
    """
    options, callback = _arguments(args, kwargs, "options")
    if callback is None:
        return _render_value(app, name, options)

    def on_error(exc: BaseException) -> None:
        app._log_error(exc)

    return _render(app, name, options, _user_callback(callback), on_error)


async def _render_value(app: App, name: str, options: Mapping[str, Any] | None) -> Any:
    answer: list[tuple[Any, Any]] = []

    def done(err: Any, html: Any) -> None:
        answer.append((err, html))

    await _render(app, name, options, done, lambda exc: None)
    err, html = answer[0]
    if err:
        raise _as_exception(err)
    return html


# -- the built-in Jinja2 engine -----------------------------------------------------------------

class _NeedsAsync(Exception):
    """A template called something async while rendering synchronously: render it again on the
    async path."""


# Call results that cannot be awaitables: no further checks for them.
_PLAIN_RESULTS = frozenset({str, Markup, int, float, bool, type(None), list, tuple, dict, range})


class _SyncContext(_JinjaContext):
    """The context of synchronously rendered templates: a call that gives a coroutine (or an
    async generator) stops the render so that it runs again with ``enable_async``."""

    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        rv = _JinjaContext.call(self, obj, *args, **kwargs)
        if type(rv) in _PLAIN_RESULTS:
            return rv
        if inspect.isawaitable(rv) or inspect.isasyncgen(rv):
            close = getattr(rv, "close", None)
            if inspect.iscoroutine(rv) and close is not None:
                close()  # never started: no "was never awaited" warning
            raise _NeedsAsync()
        return rv


class _ViewLoader(jinja2.FileSystemLoader):
    """Names relative to the view roots (``{% extends "base.html" %}``), as FileSystemLoader
    does, plus the exact files that the View lookup found, by absolute path."""

    def __init__(self, searchpath: Iterable[str], files: set[str]) -> None:
        super().__init__(list(searchpath), encoding="utf-8", followlinks=True)
        self._files = files

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self._files:
            return super().get_source(environment, template)
        try:
            with open(template, encoding=self.encoding) as f:
                source = f.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise jinja2.TemplateNotFound(template) from None
        mtime = os.path.getmtime(template)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(template) == mtime
            except OSError:
                return False

        return source, template, uptodate


def _is_async_callable(value: Any) -> bool:
    return callable(value) and not isinstance(value, type) and (
        _is_async(value) or inspect.isasyncgenfunction(value))


class Jinja2Engine:
    """The built-in engine (``.html``, ``.j2``, ``.jinja``): ``engine(path, options)`` gives the
    HTML, or a coroutine of it when the template needs to await.

    One ``jinja2.Environment`` per set of view roots (``FileSystemLoader`` over them, so
    ``{% extends %}``/``{% include %}`` names are relative to the roots), with autoescaping on and
    the trailing newline kept. With ``options["cache"]`` (the ``view cache`` setting) compiled
    templates are reused without looking at the files again; without it a template whose file
    changed is re-read.

    Async: locals that are awaitables are awaited first (concurrently); when a local is an async
    function, or the template calls something async, the template renders with
    ``enable_async=True`` (async calls and ``{% for %}`` over async generators are awaited).
    Otherwise rendering is the fast synchronous path. A template found to need the async path
    mid-render is rendered again from the start on it, and goes there directly from then on.

    For your own configuration register an instance: ``app.engine("html", Jinja2Engine(
    filters={...}, globals={...}, tests={...}, configure=fn, enable_async=False, **env_options))``;
    ``configure(env)`` runs once on each Environment made; ``enable_async=True`` always renders
    asynchronously.
    """

    def __init__(self, *, filters: Mapping[str, Any] | None = None, globals: Mapping[str, Any] | None = None,
                 tests: Mapping[str, Any] | None = None, configure: Callable[[jinja2.Environment], Any] | None = None,
                 enable_async: bool = False, **environment_options: Any) -> None:
        self.filters = dict(filters or {})
        self.globals = dict(globals or {})
        self.tests = dict(tests or {})
        self.configure = configure
        # An async filter or test can only work on the async path.
        self.force_async = bool(enable_async) or any(
            _is_async_callable(fn) for fn in (*self.filters.values(), *self.tests.values()))
        self.environment_options = environment_options
        self._envs: dict[tuple[tuple[str, ...], bool, bool], jinja2.Environment] = {}
        self._files: set[str] = set()
        self._needs_async: set[tuple[tuple[str, ...], str]] = set()
        self._roots_memo: dict[Any, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def environment(self, roots: tuple[str, ...], cached: bool = True, is_async: bool = False) -> jinja2.Environment:
        """The Environment for a set of view roots (made on first use)."""
        key = (roots, cached, is_async)
        env = self._envs.get(key)
        if env is None:
            with self._lock:
                env = self._envs.get(key)
                if env is None:
                    env = self._make_environment(roots, cached, is_async)
                    self._envs[key] = env
        return env

    def _make_environment(self, roots: tuple[str, ...], cached: bool, is_async: bool) -> jinja2.Environment:
        options: dict[str, Any] = {
            "autoescape": True,
            "keep_trailing_newline": True,
            "auto_reload": not cached,
            "cache_size": -1 if cached else 400,
        }
        options.update(self.environment_options)
        options["loader"] = _ViewLoader(roots, self._files)
        options["enable_async"] = is_async
        env = jinja2.Environment(**options)
        if not is_async:
            env.context_class = _SyncContext
        env.filters.update(self.filters)
        env.globals.update(self.globals)
        env.tests.update(self.tests)
        if self.configure is not None:
            self.configure(env)
        return env

    def _roots(self, views: Any, path: str) -> tuple[str, ...]:
        if views is None:
            return (os.path.dirname(path),)
        key = views if isinstance(views, str) else tuple(views) if isinstance(views, (list, tuple)) else views
        try:
            roots = self._roots_memo.get(key)
        except TypeError:
            roots, key = None, None
        if roots is None:
            items = views if isinstance(views, (list, tuple)) else [views]
            roots = tuple(os.path.abspath(os.fspath(r)) for r in items)
            # Relative roots depend on the working directory: not remembered.
            if key is not None and len(self._roots_memo) < 256 and all(
                    os.path.isabs(os.fspath(r)) for r in items):
                self._roots_memo[key] = roots
        return roots

    def __call__(self, path: str, options: Mapping[str, Any]) -> Any:
        settings = options.get("settings")
        views = settings.get("views") if isinstance(settings, Mapping) else None
        roots = self._roots(views, path)
        cached = bool(options.get("cache"))
        files = self._files
        if path not in files:
            files.add(path)

        needs_async = self.force_async
        awaitables: list[str] | None = None
        for key, value in options.items():
            if _is_awaitable(value):
                if awaitables is None:
                    awaitables = []
                awaitables.append(key)
            elif not needs_async and callable(value) and _is_async_callable(value):
                needs_async = True
        if not needs_async and (roots, path) in self._needs_async:
            needs_async = True
        if awaitables is not None or needs_async:
            return self._render_async(roots, cached, path, options, awaitables, needs_async)
        template = self.environment(roots, cached, False).get_template(path)
        try:
            return template.render(options)
        except _NeedsAsync:
            self._needs_async.add((roots, path))
            return self._render_async(roots, cached, path, options, None, True)

    async def _render_async(self, roots: tuple[str, ...], cached: bool, path: str, options: Mapping[str, Any],
                            awaitables: list[str] | None, needs_async: bool) -> str:
        if awaitables:
            values = await asyncio.gather(*(options[key] for key in awaitables))
            options = dict(options)
            options.update(zip(awaitables, values))
        if not needs_async:
            try:
                return self.environment(roots, cached, False).get_template(path).render(options)
            except _NeedsAsync:
                self._needs_async.add((roots, path))
        template = self.environment(roots, cached, True).get_template(path)
        return await template.render_async(options)


_default_jinja: Jinja2Engine | None = None


def default_jinja_engine() -> Jinja2Engine:
    """The shared built-in Jinja2 engine (what ``.html``, ``.j2`` and ``.jinja`` use unless an
    engine is registered for them)."""
    global _default_jinja
    if _default_jinja is None:
        _default_jinja = Jinja2Engine()
    return _default_jinja


def _builtin_engine(ext: str) -> Callable[..., Any] | None:
    if ext in BUILTIN_EXTENSIONS:
        return default_jinja_engine()
    return None
