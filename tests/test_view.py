"""Templates: View lookup, res.render / app.render / app.engine, engines of every form, locals,
callbacks, view cache, and the built-in Jinja2 engine (fastexpress/view.py)."""
from __future__ import annotations

import asyncio
import functools
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from fastexpress import express
from fastexpress.router import DONE
from fastexpress.testing import TestClient
from fastexpress.view import Jinja2Engine, View, ViewError

ERROR_PAGE_500 = (b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
                  b"</head>\n<body>\n<pre>Internal Server Error</pre>\n</body>\n</html>\n")


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fill(path: str, options: dict[str, Any]) -> str:
    """A tiny engine body: '{{key}}' -> str(options[key])."""
    text = Path(path).read_text(encoding="utf-8")
    for key, value in options.items():
        text = text.replace("{{%s}}" % key, str(value))
    return text


def tpl(path, options, callback):  # Express's callback form, answering synchronously
    callback(None, fill(path, options))


@pytest.fixture
def views(tmp_path: Path) -> Path:
    root = tmp_path / "views"
    root.mkdir()
    return root


def make_app(views: Path | list[Path] | None = None, engine: str | None = "tpl", **settings: Any) -> Any:
    app = express()
    app.set("env", "test")  # no tracebacks on stderr
    if views is not None:
        app.set("views", [str(v) for v in views] if isinstance(views, list) else str(views))
    app.engine("tpl", tpl)
    if engine is not None:
        app.set("view engine", engine)
    for key, value in settings.items():
        app.set(key.replace("_", " "), value)
    return app


def capture_errors(app: Any) -> list[Any]:
    errors: list[Any] = []

    def on_error(err, req, res, next):
        errors.append(err)
        res.status(500).type("txt").send("error: " + str(err))

    app.use(on_error)
    return errors


def get(app: Any, url: str, **kw: Any) -> Any:
    with TestClient(app) as client:
        return client.get(url, **kw)


# ------------------------------------------------------------------------------ lookup

def test_view_lookup_name_plus_default_extension(views: Path) -> None:
    write(views, "index.tpl", "hello {{name}}")
    app = make_app(views)
    app.get("/", lambda req, res: res.render("index", {"name": "ada"}))
    r = get(app, "/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text == "hello ada"
    assert r.headers["content-length"] == "9"
    assert r.headers["etag"].startswith('W/"9-')


def test_view_lookup_file_before_index_then_index(views: Path) -> None:
    write(views, "dup.tpl", "file")
    write(views, "dup/index.tpl", "index")
    write(views, "blog/index.tpl", "blog index")
    app = make_app(views)
    app.get("/dup", lambda req, res: res.render("dup"))
    app.get("/blog", lambda req, res: res.render("blog"))
    app.get("/blog-slash", lambda req, res: res.render("blog/"))
    app.get("/explicit", lambda req, res: res.render("blog/index.tpl"))
    with TestClient(app) as c:
        assert c.get("/dup").text == "file"
        assert c.get("/blog").text == "blog index"
        assert c.get("/blog-slash").text == "blog index"
        assert c.get("/explicit").text == "blog index"


def test_view_lookup_nested_dotted_and_explicit_extension(views: Path) -> None:
    write(views, "users/show.tpl", "user {{id}}")
    write(views, "v1.2/page.tpl", "dotted dir")
    write(views, "page.other", "other engine {{x}}")
    app = make_app(views)
    app.engine(".other", tpl)  # with the dot
    app.get("/user", lambda req, res: res.render("users/show", {"id": 3}))
    app.get("/dotted", lambda req, res: res.render("v1.2/page"))
    app.get("/other", lambda req, res: res.render("page.other", {"x": 1}))
    with TestClient(app) as c:
        assert c.get("/user").text == "user 3"
        assert c.get("/dotted").text == "dotted dir"
        assert c.get("/other").text == "other engine 1"


def test_view_absolute_names_and_traversal(tmp_path: Path, views: Path) -> None:
    outside = write(tmp_path, "elsewhere/abs.tpl", "absolute")
    app = make_app(views)
    app.get("/abs", lambda req, res: res.render(str(outside)))
    app.get("/abs-noext", lambda req, res: res.render(str(outside)[:-4]))
    app.get("/pathlike", lambda req, res: res.render(outside))
    app.get("/up", lambda req, res: res.render("../elsewhere/abs"))
    with TestClient(app) as c:
        for url in ("/abs", "/abs-noext", "/pathlike", "/up"):
            assert c.get(url).text == "absolute", url


def test_view_roots_list_order_and_per_root_index(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "only-a.tpl", "A only")
    write(b, "only-b.tpl", "B only")
    write(a, "both.tpl", "from A")
    write(b, "both.tpl", "from B")
    write(a, "pick/index.tpl", "A's index")
    write(b, "pick.tpl", "B's file")
    app = make_app([a, b])
    app.get("/:name", lambda req, res: res.render(req.params["name"]))
    with TestClient(app) as c:
        assert c.get("/only-a").text == "A only"
        assert c.get("/only-b").text == "B only"
        assert c.get("/both").text == "from A"
        # each root is tried for both forms before the next root
        assert c.get("/pick").text == "A's index"


def test_view_pathlike_and_relative_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "rel/page.tpl", "relative root")
    monkeypatch.chdir(tmp_path)
    app = make_app()
    app.set("views", "rel")
    app.get("/", lambda req, res: res.render("page"))
    assert get(app, "/").text == "relative root"
    app2 = make_app()
    app2.set("views", [tmp_path / "rel"])
    app2.get("/", lambda req, res: res.render("page"))
    assert get(app2, "/").text == "relative root"


def test_view_default_views_folder_is_cwd_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "views/home.tpl", "default folder")
    monkeypatch.chdir(tmp_path)
    app = make_app()  # views defaults to os.path.abspath("views") at creation
    assert app.get("views") == str(tmp_path / "views")
    app.get("/", lambda req, res: res.render("home"))
    assert get(app, "/").text == "default folder"


def test_view_default_engine_with_leading_dot(views: Path) -> None:
    write(views, "index.tpl", "dot engine")
    app = make_app(views, engine=".tpl")
    app.get("/", lambda req, res: res.render("index"))
    assert get(app, "/").text == "dot engine"


# ------------------------------------------------------------------------------ errors

def test_view_missing_message_and_error_object(views: Path) -> None:
    app = make_app(views)
    app.get("/", lambda req, res: res.render("nope"))
    errors = capture_errors(app)
    r = get(app, "/")
    assert r.status_code == 500
    message = f'Failed to lookup view "nope" in views directory "{views}"'
    assert r.text == "error: " + message
    err = errors[0]
    assert isinstance(err, ViewError) and str(err) == message and err.message == message
    assert isinstance(err.view, View)
    assert err.view.name == "nope" and err.view.ext == ".tpl" and err.view.path is None
    assert err.view.root == str(views)
    assert err.view.engine is tpl


def test_view_missing_messages_for_lists(tmp_path: Path) -> None:
    roots = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    for root in roots:
        root.mkdir()
    results = {}
    for count in (1, 2, 3):
        app = make_app(roots[:count])
        app.get("/", lambda req, res: res.render("x"))
        errors = capture_errors(app)
        get(app, "/")
        results[count] = str(errors[0])
    a, b, c = (str(r) for r in roots)
    assert results[1] == f'Failed to lookup view "x" in views directory "{a}"'
    assert results[2] == f'Failed to lookup view "x" in views directories "{a}" or "{b}"'
    assert results[3] == f'Failed to lookup view "x" in views directories "{a}", "{b}" or "{c}"'


def test_view_missing_in_production_shows_only_status_text(views: Path) -> None:
    app = make_app(views)
    app.set("env", "production")
    app.get("/", lambda req, res: res.render("nope"))
    r = get(app, "/")
    assert r.status_code == 500 and r.reason == "Internal Server Error"
    assert r.content == ERROR_PAGE_500


def test_view_missing_in_development_shows_message(views: Path) -> None:
    app = make_app(views)
    app.set("env", "development")
    app._log_error = lambda err: None  # keep the test output quiet
    app.get("/", lambda req, res: res.render("nope"))
    r = get(app, "/")
    assert r.status_code == 500
    assert "Failed to lookup view &quot;nope&quot;" in r.text


def test_view_no_default_engine_raises_synchronously(views: Path) -> None:
    write(views, "index.tpl", "x")
    app = make_app(views, engine=None)
    seen: list[str] = []

    @app.get("/")
    def handler(req, res):
        try:
            res.render("index", lambda err, html: seen.append("callback"))
        except ViewError as err:
            seen.append(str(err))
            raise

    errors = capture_errors(app)
    r = get(app, "/")
    assert r.status_code == 500
    assert seen == ["No default engine was specified and no extension was provided."]
    assert str(errors[0]) == seen[0]
    with pytest.raises(ViewError, match="No default engine"):
        app.render("index", lambda err, html: None)
    app.set("view engine", "")  # falsy, as in Express
    with pytest.raises(ViewError, match="No default engine"):
        app.render("index", lambda err, html: None)


def test_view_unknown_extension_message(views: Path) -> None:
    write(views, "page.nosuch", "x")
    app = make_app(views)
    app.get("/", lambda req, res: res.render("page.nosuch"))
    app.get("/default", lambda req, res: res.render("page"))
    app.set("view engine", "nosuch")
    errors = capture_errors(app)
    with TestClient(app) as c:
        assert c.get("/").text == 'error: Module "nosuch" does not provide a view engine.'
        assert c.get("/default").text == 'error: Module "nosuch" does not provide a view engine.'
    assert all(isinstance(e, ViewError) for e in errors)


def test_view_engine_exception_goes_to_next(views: Path) -> None:
    write(views, "x.boom", "")
    app = make_app(views)
    boom = RuntimeError("engine boom")

    def engine(path, options):
        raise boom

    app.engine("boom", engine)
    app.get("/", lambda req, res: res.render("x.boom"))
    errors = capture_errors(app)
    r = get(app, "/")
    assert r.text == "error: engine boom"
    assert errors == [boom]


def test_view_engine_callback_error_goes_to_next(views: Path) -> None:
    write(views, "x.cberr", "")
    app = make_app(views)
    problem = ValueError("callback error")
    app.engine("cberr", lambda path, options, callback: callback(problem))
    app.get("/", lambda req, res: res.render("x.cberr"))
    errors = capture_errors(app)
    assert get(app, "/").text == "error: callback error"
    assert errors == [problem]


def test_engine_must_be_callable() -> None:
    app = express()
    with pytest.raises(TypeError, match="callback function required"):
        app.engine("tpl", "not a function")
    assert app.engine("x", tpl) is app
    assert app.engines[".x"] is tpl
    app.engine(".y", tpl)
    assert app.engines[".y"] is tpl


# ------------------------------------------------------------------------------ engine forms

ENGINE_FORMS: dict[str, Any] = {}


def _form(name: str) -> Any:
    def register(fn: Any) -> Any:
        ENGINE_FORMS[name] = fn
        return fn

    return register


@_form("callback-sync")
def _callback_sync(path, options, callback):
    callback(None, fill(path, options))


@_form("callback-later")
def _callback_later(path, options, callback):
    asyncio.get_running_loop().call_soon(callback, None, fill(path, options))


@_form("callback-thread")
def _callback_thread(path, options, callback):
    threading.Thread(target=lambda: callback(None, fill(path, options))).start()


@_form("callback-thread-joined")
def _callback_thread_joined(path, options, callback):
    # answers from another thread while the engine is still running
    worker = threading.Thread(target=lambda: callback(None, fill(path, options)))
    worker.start()
    worker.join()


@_form("callback-varargs")
def _callback_varargs(*args):
    path, options, callback = args
    callback(None, fill(path, options))


@_form("return")
def _return(path, options):
    return fill(path, options)


@_form("async-return")
async def _async_return(path, options):
    await asyncio.sleep(0)
    return fill(path, options)


@_form("async-callback")
async def _async_callback(path, options, callback):
    await asyncio.sleep(0)
    callback(None, fill(path, options))


@_form("async-callback-returns")
async def _async_callback_returns(path, options, callback):
    await asyncio.sleep(0)
    return fill(path, options)


@_form("returns-future")
def _returns_future(path, options):
    future = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(0.001, future.set_result, fill(path, options))
    return future


class _CallableEngine:
    def __call__(self, path, options):
        return fill(path, options)


ENGINE_FORMS["callable-object"] = _CallableEngine()
ENGINE_FORMS["partial"] = functools.partial(lambda prefix, path, options: prefix + fill(path, options), "")
ENGINE_FORMS["lambda-callback"] = lambda path, options, cb: cb(None, fill(path, options))


@pytest.mark.parametrize("form", sorted(ENGINE_FORMS))
def test_view_engine_forms(views: Path, form: str) -> None:
    write(views, "page.eng", "hello {{name}}")
    app = make_app(views)
    app.engine("eng", ENGINE_FORMS[form])
    app.get("/", lambda req, res: res.status(202).render("page.eng", {"name": form}))
    r = get(app, "/")
    assert (r.status_code, r.text) == (202, f"hello {form}")
    assert r.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("form", ["async-return", "async-callback", "callback-later", "return"])
def test_view_engine_forms_async_failures(views: Path, form: str) -> None:
    write(views, "page.eng", "")
    app = make_app(views)
    problem = RuntimeError(form)

    if form == "async-return":
        async def engine(path, options):
            await asyncio.sleep(0)
            raise problem
    elif form == "async-callback":
        async def engine(path, options, callback):  # type: ignore[misc]
            await asyncio.sleep(0)
            raise problem
    elif form == "callback-later":
        def engine(path, options, callback):  # type: ignore[misc]
            asyncio.get_running_loop().call_soon(callback, problem)
    else:
        def engine(path, options):  # type: ignore[misc]
            raise problem

    app.engine("eng", engine)
    app.get("/", lambda req, res: res.render("page.eng"))
    errors = capture_errors(app)
    assert get(app, "/").text == f"error: {form}"
    assert errors == [problem]


def test_view_engine_answers_once(views: Path) -> None:
    write(views, "a.twice", "")
    write(views, "a.raises", "")
    app = make_app(views)

    def twice(path, options, callback):
        callback(None, "first")
        callback(None, "second")

    def raises_after(path, options, callback):
        callback(None, "answered")
        raise RuntimeError("after the answer")

    app.engine("twice", twice)
    app.engine("raises", raises_after)
    app.get("/twice", lambda req, res: res.render("a.twice"))
    app.get("/raises", lambda req, res: res.render("a.raises"))
    with TestClient(app) as c:
        assert c.get("/twice").text == "first"
        assert c.get("/raises").text == "answered"


def test_view_engine_options(views: Path) -> None:
    write(views, "page.spy", "")
    seen: dict[str, Any] = {}
    app = make_app(views)

    def spy(path, options):
        seen["path"] = path
        seen["options"] = options
        return "ok"

    app.engine("spy", spy)
    app.locals.title = "App"
    app.get("/", lambda req, res: res.render("page.spy", {"x": 1}))
    assert get(app, "/").text == "ok"
    options = seen["options"]
    assert seen["path"] == str(views / "page.spy")
    assert isinstance(options, dict)
    assert set(options) == {"settings", "title", "_locals", "cache", "x"}
    assert options["settings"] is app.settings
    assert options["cache"] is False  # view cache is off outside production
    assert options.x == 1 and options.title == "App"  # attribute access, like app.locals


# ------------------------------------------------------------------------------ locals

def test_view_locals_precedence(views: Path) -> None:
    write(views, "who.tpl", "{{title}}|{{who}}|{{only_res}}|{{only_call}}")
    app = make_app(views)
    app.locals.title = "app"
    app.locals.who = "app"

    def set_locals(req, res, next):
        res.locals.who = "res"
        res.locals.only_res = "R"
        next()

    app.use(set_locals)
    app.get("/res", lambda req, res: res.render("who", {"only_call": "C"}))
    app.get("/call", lambda req, res: res.render("who", {"who": "call", "title": "T", "only_call": "C"}))
    app.get("/kwargs", lambda req, res: res.render("who", {"who": "dict"}, who="kw", only_call="K"))
    app.get("/kw-locals", lambda req, res: res.render("who", locals={"who": "kwdict", "only_call": "L"}))
    with TestClient(app) as c:
        assert c.get("/res").text == "app|res|R|C"
        assert c.get("/call").text == "T|call|R|C"
        assert c.get("/kwargs").text == "app|kw|R|K"
        assert c.get("/kw-locals").text == "app|kwdict|R|L"


def test_view_locals_underscore_and_cache_keys(views: Path) -> None:
    write(views, "page.spy", "")
    seen: list[dict[str, Any]] = []
    app = make_app(views)
    app.engine("spy", lambda path, options: seen.append(dict(options)) or "ok")

    @app.get("/")
    def handler(req, res):
        res.locals.r = 1
        res.render("page.spy", {"_locals": {"ignored": True}, "cache": None})

    get(app, "/")
    opts = seen[0]
    assert opts["_locals"] == {"r": 1} and opts["r"] == 1 and "ignored" not in opts
    assert opts["cache"] is False  # None means "not given"


def test_view_render_does_not_mutate_given_locals(views: Path) -> None:
    write(views, "index.tpl", "x")
    app = make_app(views)
    given = {"a": 1}
    app.get("/", lambda req, res: res.render("index", given))
    get(app, "/")
    assert given == {"a": 1}


def test_view_bad_locals_type(views: Path) -> None:
    write(views, "index.tpl", "x")
    app = make_app(views)
    app.get("/", lambda req, res: res.render("index", 5))
    errors = capture_errors(app)
    assert get(app, "/").status_code == 500
    assert isinstance(errors[0], TypeError)


# ------------------------------------------------------------------------------ status, headers

def test_view_status_and_headers_kept(views: Path) -> None:
    write(views, "index.tpl", "body")
    app = make_app(views)
    app.get("/404", lambda req, res: res.status(404).render("index"))
    app.get("/txt", lambda req, res: res.set("X-A", "1").type("txt").render("index"))
    with TestClient(app) as c:
        r = c.get("/404")
        assert (r.status_code, r.text) == (404, "body")
        r = c.get("/txt")
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert r.headers["x-a"] == "1"
        r = c.head("/txt")
        assert r.status_code == 200 and r.content == b"" and r.headers["content-length"] == "4"


# ------------------------------------------------------------------------------ callbacks

def test_view_callback_forms(views: Path) -> None:
    write(views, "index.tpl", "hi {{name}}")
    app = make_app(views)
    app.get("/second", lambda req, res: res.render("index", lambda err, html: res.send(f"[{html}]")))
    app.get("/third", lambda req, res: res.render("index", {"name": "x"}, lambda err, html: res.send(html.upper())))
    app.get("/kw", lambda req, res: res.render("index", callback=lambda err, html: res.send("kw " + html)))
    app.get("/none", lambda req, res: res.render("index", None, lambda err, html: res.send("none " + html)))
    with TestClient(app) as c:
        assert c.get("/second").text == "[hi {{name}}]"
        assert c.get("/third").text == "HI X"
        assert c.get("/kw").text == "kw hi {{name}}"
        assert c.get("/none").text == "none hi {{name}}"


def test_view_callback_gets_errors(views: Path) -> None:
    write(views, "x.boom", "")
    app = make_app(views)
    app.engine("boom", lambda path, options: 1 / 0)
    got: list[Any] = []

    @app.get("/missing")
    def missing(req, res):
        res.render("nope", lambda err, html: (got.append((err, html)), res.status(404).send("cb")))

    @app.get("/boom")
    def boom(req, res):
        res.render("x.boom", lambda err: res.status(503).send(type(err).__name__))  # one parameter

    with TestClient(app) as c:
        assert c.get("/missing").status_code == 404
        r = c.get("/boom")
        assert (r.status_code, r.text) == (503, "ZeroDivisionError")
    err, html = got[0]
    assert isinstance(err, ViewError) and html is None


def test_view_callback_exception_goes_to_next(views: Path) -> None:
    write(views, "index.tpl", "x")
    write(views, "later.eng", "x")
    app = make_app(views)
    app.engine("eng", _async_return)

    def bad_callback(err, html):
        raise KeyError("in callback")

    app.get("/sync", lambda req, res: res.render("index", bad_callback))
    app.get("/async", lambda req, res: res.render("later.eng", bad_callback))
    errors = capture_errors(app)
    with TestClient(app) as c:
        assert c.get("/sync").status_code == 500
        assert c.get("/async").status_code == 500
    assert [type(e) for e in errors] == [KeyError, KeyError]


def test_view_render_after_send_goes_to_error_route(views: Path) -> None:
    write(views, "later.eng", "x")
    app = make_app(views)
    app.engine("eng", _async_return)

    @app.get("/")
    def handler(req, res):
        res.render("later.eng")  # answers after the handler already sent
        res.send("first")

    errors = capture_errors(app)
    r = get(app, "/")
    assert r.text == "first"
    assert len(errors) == 1 and type(errors[0]).__name__ == "HeadersSentError"


# ------------------------------------------------------------------------------ return values

def test_view_render_return_values_are_awaitable(views: Path) -> None:
    write(views, "index.tpl", "sync")
    write(views, "page.eng", "async")
    app = make_app(views)
    app.engine("eng", _async_return)
    results: dict[str, Any] = {}

    @app.get("/sync")
    async def sync_engine(req, res):
        result = res.render("index")
        results["sync"] = result
        await result
        results["sent"] = res.headers_sent

    @app.get("/async")
    async def async_engine(req, res):
        result = res.render("page.eng")
        results["async"] = result
        assert not res.headers_sent
        await result
        results["async-sent"] = res.headers_sent

    with TestClient(app) as c:
        assert c.get("/sync").text == "sync"
        assert c.get("/async").text == "async"
    assert results["sync"] is DONE and results["sent"] is True
    assert results["async"] is not DONE and results["async-sent"] is True


def test_view_returned_from_handler(views: Path) -> None:
    write(views, "page.eng", "returned")
    app = make_app(views)
    app.engine("eng", _async_return)
    app.get("/", lambda req, res: res.render("page.eng"))
    assert get(app, "/").text == "returned"


# ------------------------------------------------------------------------------ view cache

def test_view_cache_keeps_view_objects(views: Path) -> None:
    write(views, "index.tpl", "cached")
    paths: list[str] = []
    app = make_app(views)
    app.engine("tpl", lambda path, options: paths.append(path) or Path(path).read_text())
    app.enable("view cache")
    app.get("/", lambda req, res: res.render("index"))
    with TestClient(app) as c:
        assert c.get("/").text == "cached"
        assert set(app.cache) == {"index"} and app.cache["index"].path == str(views / "index.tpl")
        # a file appearing in front of the cached one is not looked up again
        (views / "index.tpl").rename(views / "moved.tpl")
        write(views, "index/index.tpl", "new lookup")
        r = c.get("/")
        assert r.status_code == 500  # the cached path is gone: the engine fails
        app.disable("view cache")
        assert c.get("/").text == "new lookup"


def test_view_cache_off_looks_up_each_time(views: Path) -> None:
    write(views, "index.tpl", "one")
    app = make_app(views)
    app.get("/", lambda req, res: res.render("index"))
    with TestClient(app) as c:
        assert c.get("/").text == "one"
        assert not vars(app).get("cache")
        (views / "index.tpl").unlink()
        write(views, "index/index.tpl", "two")
        assert c.get("/").text == "two"


def test_view_cache_on_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASTEXPRESS_ENV", "production")
    assert express().enabled("view cache")
    monkeypatch.setenv("FASTEXPRESS_ENV", "development")
    assert not express().enabled("view cache")


def _touch_later(path: Path, text: str) -> None:
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.mark.parametrize("cache", [True, False])
def test_view_jinja_changed_file_reread_only_without_cache(views: Path, cache: bool) -> None:
    page = write(views, "page.html", "v1 {{ x }}")
    app = make_app(views, engine="html")
    app.set("view cache", cache)
    app.get("/", lambda req, res: res.render("page", {"x": 1}))
    with TestClient(app) as c:
        assert c.get("/").text == "v1 1"
        _touch_later(page, "v2 {{ x }}")
        assert c.get("/").text == ("v1 1" if cache else "v2 1")


def test_view_cache_local_overrides_setting(views: Path) -> None:
    page = write(views, "page.html", "v1")
    app = make_app(views, engine="html")
    app.enable("view cache")
    app.get("/", lambda req, res: res.render("page"))
    app.get("/fresh", lambda req, res: res.render("page", {"cache": False}))
    with TestClient(app) as c:
        assert c.get("/").text == "v1"
        _touch_later(page, "v2")
        assert c.get("/").text == "v1"
        assert c.get("/fresh").text == "v2"


# ------------------------------------------------------------------------------ Jinja2

def test_view_jinja_builtin_for_html_j2_jinja(views: Path) -> None:
    write(views, "index.html", "html {{ name }}\n")
    write(views, "page.j2", "j2 {{ name }}")
    write(views, "page.jinja", "jinja {{ name }}")
    app = express()
    app.set("views", str(views))
    app.set("view engine", "html")
    app.get("/", lambda req, res: res.render("index", {"name": "ada"}))
    app.get("/j2", lambda req, res: res.render("page.j2", name="b"))
    app.get("/jinja", lambda req, res: res.render("page.jinja", name="c"))
    with TestClient(app) as c:
        assert c.get("/").text == "html ada\n"  # trailing newline kept
        assert c.get("/j2").text == "j2 b"
        assert c.get("/jinja").text == "jinja c"
    assert isinstance(app.engines[".html"], Jinja2Engine)


def test_view_jinja_autoescape(views: Path) -> None:
    write(views, "e.html", "{{ v }}|{{ v|safe }}|<a title=\"{{ q }}\">")
    app = make_app(views, engine="html")
    app.get("/", lambda req, res: res.render("e", {"v": "<b>&</b>", "q": "\"'"}))
    assert get(app, "/").text == "&lt;b&gt;&amp;&lt;/b&gt;|<b>&</b>|<a title=\"&#34;&#39;\">"


def test_view_jinja_extends_and_include_across_roots(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write(b, "base.html", "<main>{% block body %}{% endblock %}</main>{% include 'partials/foot.html' %}")
    write(a, "partials/foot.html", "<footer>{{ year }}</footer>")
    write(a, "pages/home.html", "{% extends 'base.html' %}{% block body %}Home {{ settings['view engine'] }}{% endblock %}")
    app = make_app([a, b], engine="html")
    app.get("/", lambda req, res: res.render("pages/home", {"year": 2024}))
    assert get(app, "/").text == "<main>Home html</main><footer>2024</footer>"


def test_view_jinja_absolute_view_outside_roots(tmp_path: Path, views: Path) -> None:
    write(views, "layout.html", "[{% block c %}{% endblock %}]")
    outside = write(tmp_path, "mail/welcome.html", "{% extends 'layout.html' %}{% block c %}hi {{ n }}{% endblock %}")
    app = make_app(views, engine="html")
    app.get("/", lambda req, res: res.render(str(outside), {"n": 1}))
    assert get(app, "/").text == "[hi 1]"


def test_view_jinja_errors_go_to_next(views: Path) -> None:
    import jinja2

    write(views, "syntax.html", "{% if %}")
    write(views, "include.html", "{% include 'missing.html' %}")
    write(views, "raise.html", "{{ fail() }}")
    app = make_app(views, engine="html")
    app.get("/syntax", lambda req, res: res.render("syntax"))
    app.get("/include", lambda req, res: res.render("include"))
    app.get("/raise", lambda req, res: res.render("raise", {"fail": lambda: 1 / 0}))
    errors = capture_errors(app)
    with TestClient(app) as c:
        for url in ("/syntax", "/include", "/raise"):
            assert c.get(url).status_code == 500
    assert isinstance(errors[0], jinja2.TemplateSyntaxError)
    assert isinstance(errors[1], jinja2.TemplateNotFound)
    assert isinstance(errors[2], ZeroDivisionError)


def test_view_jinja_async_values(views: Path) -> None:
    write(views, "a.html", "{{ user }}|{{ load('x') }}|{% for i in numbers() %}{{ i }}{% endfor %}|{{ plain }}")
    app = make_app(views, engine="html")

    async def fetch_user():
        await asyncio.sleep(0.001)
        return "<ada>"

    async def load(arg):
        await asyncio.sleep(0)
        return "loaded " + arg

    async def numbers():
        for i in range(3):
            await asyncio.sleep(0)
            yield i

    app.get("/", lambda req, res: res.render("a", {"user": fetch_user(), "load": load, "numbers": numbers,
                                                   "plain": "p"}))
    assert get(app, "/").text == "&lt;ada&gt;|loaded x|012|p"


def test_view_jinja_awaitable_values_only_use_sync_path(views: Path) -> None:
    write(views, "a.html", "{{ a }} {{ b }}")
    app = make_app(views, engine="html")

    async def value(v):
        await asyncio.sleep(0)
        return v

    def handler(req, res):
        task = asyncio.ensure_future(value("task"))
        return res.render("a", {"a": value("coro"), "b": task})

    app.get("/", handler)
    assert get(app, "/").text == "coro task"


def test_view_jinja_async_discovered_mid_render(views: Path) -> None:
    write(views, "m.html", "{{ count() }} {{ obj.load() }}")
    app = make_app(views, engine="html")
    calls: list[int] = []

    class Repo:
        async def load(self):
            await asyncio.sleep(0)
            return "async method"

    def count():
        calls.append(1)
        return len(calls)

    app.get("/", lambda req, res: res.render("m", {"obj": Repo(), "count": count}))
    with TestClient(app) as c:
        assert c.get("/").text == "2 async method"  # the sync attempt ran count() once
        assert c.get("/").text == "3 async method"  # from then on straight to the async path


def test_view_jinja_sync_path_has_no_coroutines(views: Path) -> None:
    write(views, "s.html", "{% for i in range(3) %}{{ loop.index }}{{ f(i) }}{% endfor %}{{ m() }}")
    app = make_app(views, engine="html")
    app.get("/", lambda req, res: res.render("s", {"f": lambda i: i * 2, "m": dict}))
    assert get(app, "/").text == "102234{}"


def test_view_jinja_custom_engine_instance(views: Path) -> None:
    write(views, "c.html", "{{ name|shout }} {{ site }} {{ 3 is odd_number }}")
    configured: list[Any] = []

    async def slow_upper(value):
        return value.upper()

    engine = Jinja2Engine(filters={"shout": lambda s: s.upper() + "!"}, globals={"site": "S"},
                          tests={"odd_number": lambda n: n % 2 == 1}, configure=configured.append)
    app = make_app(views, engine="html")
    app.engine("html", engine)
    app.get("/", lambda req, res: res.render("c", {"name": "ada"}))
    assert get(app, "/").text == "ADA! S True"
    assert len(configured) == 1

    write(views, "d.html", "{{ name|slow }}")
    async_engine = Jinja2Engine(filters={"slow": slow_upper})
    assert async_engine.force_async
    app.engine("html", async_engine)
    app.get("/d", lambda req, res: res.render("d", {"name": "bob"}))
    assert get(app, "/d").text == "BOB"


def test_view_jinja_environment_per_root_set(tmp_path: Path) -> None:
    engine = Jinja2Engine()
    env1 = engine.environment((str(tmp_path / "a"),), True)
    assert engine.environment((str(tmp_path / "a"),), True) is env1
    assert engine.environment((str(tmp_path / "b"),), True) is not env1
    assert env1.autoescape is True and env1.auto_reload is False
    assert engine.environment((str(tmp_path / "a"),), False).auto_reload is True
    assert engine.environment((str(tmp_path / "a"),), True, True).is_async


def test_view_jinja_loader_refuses_unknown_absolute_names(views: Path, tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.txt", "secret")
    write(views, "inc.html", "{% include name %}")
    app = make_app(views, engine="html")
    app.get("/", lambda req, res: res.render("inc", {"name": str(secret)}))
    errors = capture_errors(app)
    assert get(app, "/").status_code == 500
    assert "TemplateNotFound" in type(errors[0]).__name__


# ------------------------------------------------------------------------------ app.render

def test_app_render_callback_and_await(views: Path) -> None:
    write(views, "mail.tpl", "Dear {{name}} from {{site}}{{extra}}")
    app = make_app(views)
    app.locals.site = "S"
    got: list[Any] = []
    app.render("mail", {"name": "ada"}, lambda err, html: got.append((err, html)))  # outside a loop
    assert got == [(None, "Dear ada from S{{extra}}")]
    app.render("mail", lambda err, html: got.append(html))
    assert got[-1] == "Dear {{name}} from S{{extra}}"
    assert asyncio.run(app.render("mail", {"name": "bob"})) == "Dear bob from S{{extra}}"
    assert asyncio.run(app.render("mail", {"name": "kw"}, extra="!")) == "Dear kw from S!"
    assert asyncio.run(app.render("mail", options={"name": "o"}, extra="?")) == "Dear o from S?"
    with pytest.raises(ViewError, match='Failed to lookup view "nope"'):
        asyncio.run(app.render("nope"))


def test_app_render_async_engine_outside_loop(views: Path) -> None:
    write(views, "m.eng", "async {{name}}")
    app = make_app(views)
    app.engine("eng", _async_return)
    got: list[Any] = []
    app.render("m.eng", {"name": "x"}, lambda err, html: got.append(html))
    assert got == ["async x"]
    assert asyncio.run(app.render("m.eng", {"name": "y"})) == "async y"


def test_app_render_in_handler_ignores_res_locals(views: Path) -> None:
    write(views, "page.tpl", "{{who}}")
    app = make_app(views)
    app.locals.who = "app"

    @app.get("/")
    async def handler(req, res):
        res.locals.who = "res"
        html = await app.render("page")
        res.send(html + "|" + await app.render("page", {"_locals": res.locals}))

    assert get(app, "/").text == "app|res"


def test_app_render_engine_error_raises_from_await(views: Path) -> None:
    write(views, "x.boom", "")
    app = make_app(views)
    app.engine("boom", lambda path, options, cb: cb("plain string error"))
    with pytest.raises(Exception, match="plain string error"):
        asyncio.run(app.render("x.boom"))


# ------------------------------------------------------------------------------ mounted apps, custom View

def test_view_mounted_app_engines_and_settings(tmp_path: Path) -> None:
    root, sub_root = tmp_path / "root", tmp_path / "sub"
    write(root, "page.tpl", "root page {{title}}")
    write(sub_root, "page.tpl", "sub page {{title}}")
    write(sub_root, "late.late", "late engine")
    app = make_app(root)
    app.locals.title = "parent"
    sub = express()
    sub.set("views", str(sub_root))
    sub.locals.title = "child"
    sub.get("/page", lambda req, res: res.render("page"))  # view engine inherited
    sub.get("/late", lambda req, res: res.render("late.late"))
    app.use("/sub", sub)
    app.engine("late", tpl)  # after mounting: still found through the parent
    app.get("/page", lambda req, res: res.render("page"))
    with TestClient(app) as c:
        assert c.get("/page").text == "root page parent"
        assert c.get("/sub/page").text == "sub page child"
        assert c.get("/sub/late").text == "late engine"


def test_view_custom_view_class(views: Path) -> None:
    class AbstractView:
        def __init__(self, name, options):
            self.name = name
            self.options = options
            self.path = "required as the signal of success"

        def render(self, options, callback):
            callback(None, f"abstract {self.name} {options['x']} {self.options['defaultEngine']}")

    app = make_app(views)
    app.set("view", AbstractView)
    app.get("/", lambda req, res: res.render("anything", {"x": 1}))
    assert get(app, "/").text == "abstract anything 1 tpl"


def test_view_class_directly(views: Path) -> None:
    write(views, "a.tpl", "")
    engines: dict[str, Any] = {}
    view = View("a", {"defaultEngine": "tpl", "root": str(views), "engines": {".tpl": tpl}})
    assert (view.name, view.ext, view.path, view.engine) == ("a", ".tpl", str(views / "a.tpl"), tpl)
    assert view.defaultEngine == "tpl"
    html = View("a.html", {"root": str(views), "engines": engines})
    assert html.path is None and isinstance(engines[".html"], Jinja2Engine)  # loaded into the registry
    with pytest.raises(ViewError, match="No default engine"):
        View("a", {"root": str(views), "engines": {}})
