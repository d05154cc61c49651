"""Routing: path syntax, matching options, ``use`` and mounting, ``next`` in all its forms,
error handlers, sync and async handlers, ``app.param``, ``app.route``/``app.all``, automatic
HEAD and OPTIONS, decorators.

Expected values are what Express 5.3.0 gives (checked against a real Express 5.3.0 app).
"""
from __future__ import annotations

import asyncio
import json
import re
import types

import pytest

from fastexpress import Router, express
from fastexpress.router import METHODS, method_attr
from fastexpress.testing import TestClient

NODE_HEADERS = {"date", "connection", "keep-alive"}


def app_headers(r):
    return [(k, v) for k, v in r.raw_headers if k.lower() not in NODE_HEADERS]


def params(req, res):
    res.json(req.params)


def get(app, url, **kw):
    with TestClient(app) as client:
        return client.get(url, **kw)


def route_app(path, handler=params, **router_opts):
    app = express()
    for k, v in router_opts.items():
        app.set(k, v)
    app.get(path, handler)
    return app


# -- path syntax --------------------------------------------------------------------------------

@pytest.mark.parametrize("path,url,expected", [
    ("/users/:id", "/users/42", {"id": "42"}),
    ("/opt{/:id}", "/opt", {}),
    ("/opt{/:id}", "/opt/5", {"id": "5"}),
    ("/opt{/:id}", "/opt/5/", {"id": "5"}),
    ("/files/*path", "/files/a/b%20c", {"path": ["a", "b c"]}),
    ("/files/*path", "/files/one", {"path": ["one"]}),
    ("/dl{/*path}", "/dl", {}),
    ("/dl{/*path}", "/dl/a/b", {"path": ["a", "b"]}),
    ("/esc\\(x\\)/:id", "/esc(x)/7", {"id": "7"}),
    ('/q/:"user-id"', "/q/9", {"user-id": "9"}),
    ("/file{.:ext}", "/file", {}),
    ("/file{.:ext}", "/file.tar.gz", {"ext": "tar.gz"}),
    ("/dash/:a-:b", "/dash/x-y-z", {"a": "x-y", "b": "z"}),
    ("/users/:uid/posts/:pid", "/users/1/posts/2", {"uid": "1", "pid": "2"}),
])
def test_path_syntax(path, url, expected):
    r = get(route_app(path), url)
    assert r.status_code == 200, r.text
    assert r.json() == expected


@pytest.mark.parametrize("path,url", [
    ("/files/*path", "/files"),
    ("/files/*path", "/files/"),
    ("/users/:id", "/users"),
    ("/users/:id", "/users/1/2"),
    ("/users", "/users//"),
])
def test_path_syntax_non_matches(path, url):
    assert get(route_app(path), url).status_code == 404


def test_regex_path_positional_group():
    r = get(route_app(re.compile(r"^/re/(\d+)$")), "/re/42")
    assert r.json() == {"0": "42"}


def test_regex_path_named_group():
    r = get(route_app(re.compile(r"^/nre/(?P<num>\d+)$")), "/nre/42")
    assert r.json() == {"num": "42"}


def test_regex_path_no_match():
    assert get(route_app(re.compile(r"^/re/(\d+)$")), "/re/abc").status_code == 404


def test_list_paths():
    app = route_app(["/l1/:a", "/l2/:b"])
    client = TestClient(app)
    assert client.get("/l1/x").json() == {"a": "x"}
    assert client.get("/l2/y").json() == {"b": "y"}
    assert client.get("/l3/z").status_code == 404


@pytest.mark.parametrize("path,message", [
    ("/opt/:id?", "Unexpected ? at index 8: /opt/:id?; visit https://git.new/pathToRegexpError for info"),
    ("/star/*", "Missing parameter name at index 7: /star/*; visit https://git.new/pathToRegexpError for info"),
    ("/a(b)", "Unexpected ( at index 2: /a(b); visit https://git.new/pathToRegexpError for info"),
    ("/a/:id(\\d+)", "Unexpected ( at index 6: /a/:id(\\d+); visit https://git.new/pathToRegexpError for info"),
    ("/a+", "Unexpected + at index 2: /a+; visit https://git.new/pathToRegexpError for info"),
    ("/x/[y]", "Unexpected [ at index 3: /x/[y]; visit https://git.new/pathToRegexpError for info"),
    ("/a!", "Unexpected ! at index 2: /a!; visit https://git.new/pathToRegexpError for info"),
    ("/:", "Missing parameter name at index 2: /:; visit https://git.new/pathToRegexpError for info"),
    ("/{a", "Unexpected end at index 3, expected }: /{a; visit https://git.new/pathToRegexpError for info"),
    ("/a}", "Unexpected } at index 2: /a}; visit https://git.new/pathToRegexpError for info"),
    ("/:a:b", 'Missing text before "b" param: /:a:b; visit https://git.new/pathToRegexpError for info'),
])
def test_old_path_syntax_raises_at_registration(path, message):
    app = express()
    with pytest.raises(ValueError) as info:
        app.get(path, params)
    assert str(info.value) == message


def test_registration_error_in_use_and_router():
    with pytest.raises(ValueError):
        express().use("/a/:id?", lambda req, res, next: next())
    with pytest.raises(ValueError):
        Router().get("/x/*", params)


# -- matching options ---------------------------------------------------------------------------

def test_case_insensitive_by_default():
    app = route_app("/Users")
    assert get(app, "/users").status_code == 200
    assert get(app, "/USERS").status_code == 200


def test_trailing_slash_optional_by_default():
    app = route_app("/users")
    assert get(app, "/users/").status_code == 200
    app = route_app("/users/")
    assert get(app, "/users").status_code == 200


def test_strict_routing_setting():
    app = route_app("/users", **{"strict routing": True})
    assert get(app, "/users").status_code == 200
    assert get(app, "/users/").status_code == 404
    app = route_app("/users/", **{"strict routing": True})
    assert get(app, "/users/").status_code == 200
    assert get(app, "/users").status_code == 404


def test_case_sensitive_routing_setting():
    app = route_app("/Users", **{"case sensitive routing": True})
    assert get(app, "/Users").status_code == 200
    assert get(app, "/users").status_code == 404


def test_routing_settings_read_when_router_is_made():
    app = express()
    app.get("/Users", params)  # base router made here, case-insensitive
    app.enable("case sensitive routing")
    assert get(app, "/users").status_code == 200


@pytest.mark.parametrize("opts,url,status", [
    ({"strict": True}, "/x", 200),
    ({"strict": True}, "/x/", 404),
    ({"strict": False}, "/x/", 200),
    ({"case_sensitive": True}, "/X", 404),
    ({"case_sensitive": True}, "/x", 200),
    ({"caseSensitive": True}, "/X", 404),
    ({}, "/X", 200),
])
def test_router_options(opts, url, status):
    app = express()
    router = Router(**opts)
    router.get("/x", lambda req, res: res.send("ok"))
    app.use("/r", router)
    assert get(app, "/r" + url).status_code == status


def test_express_router_is_router():
    assert isinstance(express.Router(), Router)


# -- app.use ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url,hit", [
    ("/mw", True), ("/mw/", True), ("/mw/a", True), ("/mw/a/b?x=1", True), ("/MW/a", True),
    ("/mwx", False), ("/mw.x", False), ("/m", False), ("/", False),
])
def test_use_prefix_on_segment_boundary(url, hit):
    app = express()
    app.use("/mw", lambda req, res: res.send("mw"))
    r = get(app, url)
    assert (r.status_code == 200 and r.text == "mw") is hit


def test_use_strips_prefix_from_url():
    app = express()
    app.use("/api/v1", lambda req, res: res.json([req.url, req.base_url, req.original_url]))
    assert get(app, "/api/v1/users?x=1").json() == ["/users?x=1", "/api/v1", "/api/v1/users?x=1"]


def test_use_with_param_prefix():
    app = express()
    app.use("/org/:org", lambda req, res: res.json([req.params, req.url, req.base_url]))
    assert get(app, "/org/acme/repos").json() == [{"org": "acme"}, "/repos", "/org/acme"]


def test_use_without_path_runs_for_everything():
    app = express()
    seen = []

    @app.use
    def log(req, res, next):
        seen.append(req.url)
        next()

    app.get("/a", lambda req, res: res.send("a"))
    client = TestClient(app)
    client.get("/a")
    client.get("/zzz")
    assert seen == ["/a", "/zzz"]


def test_use_with_several_functions_and_lists():
    app = express()
    order = []

    def mw(name):
        def fn(req, res, next):
            order.append(name)
            next()
        return fn

    app.use("/x", mw("a"), [mw("b"), [mw("c")]], mw("d"))
    app.use("/x", lambda req, res: res.json(order))
    assert get(app, "/x").json() == ["a", "b", "c", "d"]


def test_use_without_function_raises():
    with pytest.raises(TypeError, match="app.use\\(\\) requires a middleware function"):
        express().use()


def test_nested_routers():
    app = express()
    a = Router()
    b = Router()
    b.get("/leaf/:id", lambda req, res: res.json([req.base_url, req.url, req.params]))
    a.use("/b", b)
    app.use("/a", a)
    assert get(app, "/a/b/leaf/3").json() == ["/a/b", "/leaf/3", {"id": "3"}]


def test_router_middleware_then_route():
    app = express()
    router = Router()
    order = []

    @router.use
    def first(req, res, next):
        order.append("router-mw")
        next()

    router.get("/", lambda req, res: res.json(order + ["route"]))
    app.use("/r", router)
    assert get(app, "/r").json() == ["router-mw", "route"]


# -- merge_params -------------------------------------------------------------------------------

def test_merge_params():
    app = express()
    router = Router(merge_params=True)
    router.get("/posts/:pid", params)
    router.get("/same/:uid", params)
    app.use("/users/:uid", router)
    client = TestClient(app)
    assert client.get("/users/7/posts/9").json() == {"uid": "7", "pid": "9"}
    assert client.get("/users/7/same/8").json() == {"uid": "8"}


def test_merge_params_camel_case_option():
    app = express()
    router = Router(mergeParams=True)
    router.get("/posts/:pid", params)
    app.use("/users/:uid", router)
    assert get(app, "/users/7/posts/9").json() == {"uid": "7", "pid": "9"}


def test_without_merge_params_parent_params_hidden():
    app = express()
    router = Router()
    router.get("/posts/:pid", params)
    app.use("/users/:uid", router)
    assert get(app, "/users/7/posts/9").json() == {"pid": "9"}


def test_params_restored_after_router():
    app = express()
    router = Router()
    router.use("/:inner", lambda req, res, next: next())
    app.use("/o/:outer", router, lambda req, res: res.json(req.params))
    assert get(app, "/o/1/2").json() == {"outer": "1"}


# -- sub-apps -----------------------------------------------------------------------------------

def test_sub_app_mountpath_settings_and_mount_event():
    app = express()
    app.set("json spaces", 2)
    sub = express()
    mounted = []
    sub.on("mount", lambda parent: mounted.append(parent is app))

    @sub.get("/info")
    def info(req, res):
        res.json({"mountpath": sub.mountpath, "same": req.app is sub, "spaces": sub.get("json spaces"),
                  "path": sub.path(), "parent": sub.parent is app, "res_app": res.app is sub})

    app.use("/sub", sub)
    assert mounted == [True]
    r = get(app, "/sub/info")
    assert r.json() == {"mountpath": "/sub", "same": True, "spaces": 2, "path": "/sub", "parent": True,
                        "res_app": True}
    assert r.text.startswith('{\n  "mountpath"')  # the parent's json spaces applies


def test_sub_app_own_setting_wins():
    app = express()
    app.set("json spaces", 2)
    sub = express()
    sub.set("json spaces", 0)
    sub.get("/", lambda req, res: res.json({"a": 1}))
    app.use("/sub", sub)
    assert get(app, "/sub").text == '{"a":1}'


def test_sub_app_req_app_restored_outside():
    app = express()
    sub = express()
    sub.get("/pass", lambda req, res, next: next())
    app.use("/sub", sub)
    app.get("/sub/pass", lambda req, res: res.json([req.app is app, res.app is app, req.base_url]))
    assert get(app, "/sub/pass").json() == [True, True, ""]


def test_sub_app_inherits_trust_proxy():
    app = express()
    app.set("trust proxy", True)
    sub = express()
    sub.get("/ip", lambda req, res: res.json(req.ip))
    app.use("/sub", sub)
    assert get(app, "/sub/ip", headers={"X-Forwarded-For": "9.9.9.9"}).json() == "9.9.9.9"


def test_sub_app_follows_parent_trust_proxy_set_after_mounting():
    app = express()
    sub = express()
    sub.get("/ip", lambda req, res: res.json(req.ip))
    app.use("/sub", sub)
    app.set("trust proxy", True)
    assert get(app, "/sub/ip", headers={"X-Forwarded-For": "9.9.9.9"}).json() == "9.9.9.9"


def test_sub_app_own_trust_proxy_wins():
    app = express()
    app.set("trust proxy", True)
    sub = express()
    sub.set("trust proxy", False)
    sub.get("/ip", lambda req, res: res.json([req.ip, sub.get("trust proxy")]))
    app.use("/own", sub)
    assert get(app, "/own/ip", headers={"X-Forwarded-For": "9.9.9.9"}).json() == ["127.0.0.1", False]


def test_sub_app_mounted_at_several_paths():
    app = express()
    sub = express()
    sub.get("/", lambda req, res: res.json(sub.mountpath))
    app.use(["/m1", "/m2"], sub)
    assert get(app, "/m2").json() == ["/m1", "/m2"]


def test_sub_app_disabling_x_powered_by_still_emits_parents():
    app = express()
    sub = express()
    sub.disable("x-powered-by")
    sub.get("/", lambda req, res: res.send("x"))
    app.use("/sub", sub)
    assert get(app, "/sub").headers["X-Powered-By"] == "fastexpress"


def test_sub_app_404_falls_back_to_parent():
    app = express()
    sub = express()
    app.use("/sub", sub)
    r = get(app, "/sub/nothing")
    assert r.status_code == 404 and "<pre>Cannot GET /sub/nothing</pre>" in r.text


def test_sub_app_error_goes_to_parent_error_handler():
    app = express()
    sub = express()

    @sub.get("/boom")
    def boom(req, res):
        raise RuntimeError("sub failed")

    app.use("/sub", sub)
    app.use(lambda err, req, res, next: res.status(500).send(f"parent caught: {err}"))
    assert get(app, "/sub/boom").text == "parent caught: sub failed"


# -- next ---------------------------------------------------------------------------------------

def test_next_continues():
    app = express()
    app.get("/", lambda req, res, next: (res.set("X-A", "1"), next()), lambda req, res: res.send("done"))
    r = get(app, "/")
    assert r.text == "done" and r.headers["X-A"] == "1"


def test_next_route_skips_rest_of_route():
    app = express()
    router = Router()
    router.get("/x", lambda req, res, next: next("route"), lambda req, res: res.send("same route"))
    router.get("/x", lambda req, res: res.send("next route"))
    app.use("/nr", router)
    assert get(app, "/nr/x").text == "next route"


def test_next_router_exits_router():
    app = express()
    router = Router()
    router.use(lambda req, res, next: next("router"))
    router.get("/x", lambda req, res: res.send("in router"))
    app.use("/rt", router)
    app.get("/rt/x", lambda req, res: res.send("after router"))
    assert get(app, "/rt/x").text == "after router"


def test_next_router_from_route_handler():
    app = express()
    router = Router()
    router.get("/x", lambda req, res, next: next("router"))
    router.get("/x", lambda req, res: res.send("in router"))
    app.use(router)
    app.get("/x", lambda req, res: res.send("after router"))
    assert get(app, "/x").text == "after router"


def test_next_with_exception_goes_to_error_handler():
    app = express()
    app.get("/", lambda req, res, next: next(ValueError("bad value")))
    app.get("/", lambda req, res: res.send("skipped"))
    app.use(lambda req, res, next: res.send("also skipped"))
    app.use(lambda err, req, res, next: res.status(418).send(f"{type(err).__name__}: {err}"))
    r = get(app, "/")
    assert (r.status_code, r.text) == (418, "ValueError: bad value")


def test_next_with_string_is_an_error():
    app = express()
    seen = []
    app.get("/", lambda req, res, next: next("boom"))

    def on_error(err, req, res, next):
        seen.append(err)
        next(err)

    app.use(on_error)
    r = get(app, "/")
    assert seen == ["boom"]
    assert r.status_code == 500
    assert r.text == ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
                      "</head>\n<body>\n<pre>boom</pre>\n</body>\n</html>\n")
    assert r.headers["Content-Length"] == "131"


def test_error_handlers_skipped_on_success():
    app = express()
    called = []
    app.use(lambda err, req, res, next: called.append("error1"))
    app.get("/", lambda req, res: res.send("ok"))
    app.use(lambda err, req, res, next: called.append("error2"))
    assert get(app, "/").text == "ok"
    assert called == []


def test_error_handler_calling_next_without_error_resumes():
    app = express()
    app.get("/rec", lambda req, res, next: next(Exception("x")), lambda err, req, res, next: next(),
            lambda req, res: res.send("resumed"))
    assert get(app, "/rec").text == "resumed"


def test_error_handlers_chain():
    app = express()

    @app.get("/")
    def boom(req, res):
        raise KeyError("k")

    def first(err, req, res, next):
        next(RuntimeError(f"wrapped {err!r}"))

    app.use(first)
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    assert get(app, "/").text == "wrapped KeyError('k')"


def test_exception_in_sync_handler():
    app = express()

    @app.get("/")
    def boom(req, res):
        raise RuntimeError("sync fail")

    app.use(lambda err, req, res, next: res.status(500).send(f"caught {err}"))
    assert get(app, "/").text == "caught sync fail"


@pytest.mark.parametrize("path", ["/", "/api"])
def test_exception_in_middleware_called_by_next(path):
    # The first middleware is called by the router, the second by the first one's next().
    for first in (True, False):
        app = express()
        if not first:
            app.use(path, lambda req, res, next: next())

        def boom(req, res, next):
            raise RuntimeError(f"fail {req.base_url}")

        app.use(path, boom)
        app.use(lambda err, req, res, next: res.status(500).send(f"caught {err}"))
        r = get(app, "/api/x")
        assert (r.status_code, r.text) == (500, f"caught fail {path.rstrip('/')}")


@pytest.mark.parametrize("at", [0, 1, 2], ids=["first middleware", "second middleware", "handler"])
def test_exception_in_route_handlers_called_by_next(at):
    # app.get(path, mw, mw, handler): the first is called by the route, the rest by next().
    def step(i):
        def mw(req, res, next):
            if i == at:
                raise RuntimeError(f"fail {i}")
            next()
        return mw

    def handler(req, res):
        if at == 2:
            raise RuntimeError("fail 2")
        res.send("ok")

    app = express()
    app.get("/", step(0), step(1), handler)
    app.use(lambda err, req, res, next: res.status(500).send(f"caught {err}"))
    r = get(app, "/")
    assert (r.status_code, r.text) == (500, f"caught fail {at}")


def test_error_handler_inside_a_route():
    # A four-argument function in a route's own stack takes the errors of the ones before it.
    def boom(req, res, next):
        raise RuntimeError("in route")

    app = express()
    app.get("/", boom, lambda req, res: res.send("skipped"),
            lambda err, req, res, next: res.status(418).send(f"route caught {err}"))
    r = get(app, "/")
    assert (r.status_code, r.text) == (418, "route caught in route")



@pytest.mark.parametrize("wait_first", [True, False], ids=["after a wait", "before any wait"])
def test_exception_in_async_handler(wait_first: bool):
    app = express()

    @app.get("/")
    async def boom(req, res):
        if wait_first:
            await asyncio.sleep(0)
        raise RuntimeError("async fail")

    app.use(lambda err, req, res, next: res.status(500).send(f"caught {err}"))
    r = get(app, "/")
    assert (r.status_code, r.text) == (500, "caught async fail")


def test_async_handlers_run_at_once_up_to_their_first_wait():
    # As an async function in Node: its body runs when called, until it first waits, so a
    # middleware sees what the async handlers after it did before they waited.
    app = express()
    order = []

    @app.use
    async def mw(req, res, next):
        order.append("mw")
        pending = next()
        order.append("after next")
        await pending
        order.append("mw done")

    @app.get("/")
    async def handler(req, res):
        order.append("handler")
        await asyncio.sleep(0)
        order.append("handler after wait")
        res.send("ok")

    assert get(app, "/").text == "ok"
    assert order == ["mw", "handler", "after next", "handler after wait", "mw done"]


def test_async_handler_waiting_keeps_its_context_and_leaves_the_callers():
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    app = express()
    seen = []

    @app.get("/")
    async def handler(req, res):
        var.set("handler")
        await asyncio.sleep(0)
        seen.append(var.get())  # the same context after the wait
        res.send(var.get())

    with TestClient(app) as client:
        assert client.get("/").text == "handler"
        seen.append(var.get())  # nothing leaked into the caller's context
    assert seen == ["handler", "unset"]


def test_async_handler_cancelled_while_waiting_sees_the_cancellation():
    # The handler ran up to its wait before its task's first step: a cancellation of that
    # task, even before the step, reaches the handler where it waits.
    from fastexpress import router as router_module

    app = express()
    events = []

    @app.get("/")
    async def handler(req, res):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            events.append("cancelled")
            res.status(503).send("cancelled")
            raise

    async def main():
        before = set(router_module._tasks)
        proto, transport = client.open()
        proto.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        (task,) = set(router_module._tasks) - before  # the handler waits in its task
        assert "handler" in repr(task)
        task.cancel()
        await asyncio.sleep(0.01)
        return task, bytes(transport.output)

    with TestClient(app) as client:
        task, out = client.loop.run_until_complete(main())
    assert events == ["cancelled"] and task.cancelled()
    assert out.startswith(b"HTTP/1.1 503 ") and out.endswith(b"cancelled")


def test_async_error_after_a_wait_is_handled_before_await_next_returns():
    app = express()
    order = []

    @app.use
    async def mw(req, res, next):
        await next()
        order.append("mw done")

    @app.get("/")
    async def handler(req, res):
        await asyncio.sleep(0)
        raise RuntimeError("late")

    @app.use
    async def on_error(err, req, res, next):
        await asyncio.sleep(0)
        order.append("error handled")
        res.status(500).send(str(err))

    r = get(app, "/")
    assert (r.status_code, r.text) == (500, "late")
    assert order == ["error handled", "mw done"]


def test_exception_in_async_middleware_after_await_next():
    app = express()
    seen = []

    @app.use
    async def mw(req, res, next):
        await next()
        raise RuntimeError("late")

    app.get("/", lambda req, res: res.send("ok"))
    app.use(lambda err, req, res, next: seen.append((str(err), res.headers_sent)))
    assert get(app, "/").text == "ok"
    assert seen == [("late", True)]


class _Later:
    """A custom awaitable (no coroutine function involved): the handler's work finishes when
    it is awaited."""

    def __init__(self, fn):
        self.fn = fn

    def __await__(self):
        yield from asyncio.sleep(0).__await__()
        return self.fn()


@types.coroutine
def _iterable_coroutine(fn):
    yield from asyncio.sleep(0).__await__()
    return fn()


def _plain_generator(fn):
    yield fn()  # never run: a plain generator is a value, not an awaitable


def _awaited_app(make):
    """One app reaching every place a sync handler's result is looked at: the root middleware
    path, a prefixed middleware (matched, then the same-prefix chain), a multi-handler route
    (invoke) and a one-handler route."""
    app = express()
    seen = []
    app.use(lambda req, res, next: make(lambda: (seen.append("root"), next())))
    app.use("/p", lambda req, res, next: make(lambda: (seen.append("p1"), next())))
    app.use("/p", lambda req, res, next: make(lambda: (seen.append("p2"), next())))
    app.get("/p", lambda req, res, next: make(lambda: (seen.append("route"), next())),
            lambda req, res: make(lambda: res.send(",".join(seen))))
    app.get("/one", lambda req, res: make(lambda: res.send(",".join(seen))))
    app.use(lambda err, req, res, next: res.status(500).send(f"caught {err}"))
    return app, seen


@pytest.mark.parametrize("make", [_Later, _iterable_coroutine], ids=["__await__", "types.coroutine"])
def test_sync_handler_returning_an_awaitable_is_awaited(make):
    app, seen = _awaited_app(make)
    with TestClient(app) as client:
        assert client.get("/p").text == "root,p1,p2,route"
        seen.clear()
        assert client.get("/one").text == "root"


@pytest.mark.parametrize("make", [_Later, _iterable_coroutine], ids=["__await__", "types.coroutine"])
def test_awaitable_result_failing_reaches_the_error_handler(make):
    app = express()

    def fail():
        raise RuntimeError("late failure")

    app.get("/", lambda req, res: make(fail))
    app.use(lambda err, req, res, next: res.status(500).send(f"caught {err}"))
    assert get(app, "/").text == "caught late failure"


def test_plain_generator_result_is_a_value_not_awaited():
    ran = []
    app = express()
    app.use(lambda req, res, next: (_plain_generator(lambda: ran.append("mw")), next())[0])
    app.get("/", lambda req, res: (_plain_generator(lambda: ran.append("h")), res.send("ok"))[0])
    app.use(lambda err, req, res, next: ran.append(f"error: {err}"))
    assert get(app, "/").text == "ok"
    # Neither generator ran nor was awaited (which would fail): returning one is like returning
    # any other value.
    assert ran == []


def test_async_error_handler():
    app = express()

    @app.get("/")
    def boom(req, res):
        raise RuntimeError("x")

    @app.use
    async def on_error(err, req, res, next):
        await asyncio.sleep(0)
        res.status(503).send("async handled")

    r = get(app, "/")
    assert (r.status_code, r.text) == (503, "async handled")


def test_sync_and_async_middleware_mix():
    app = express()
    order = []

    @app.use
    def one(req, res, next):
        order.append("sync")
        next()

    @app.use
    async def two(req, res, next):
        await asyncio.sleep(0)
        order.append("async")
        next()

    @app.get("/")
    async def handler(req, res):
        order.append("handler")
        res.json(order)

    assert get(app, "/").json() == ["sync", "async", "handler"]


def test_await_next_runs_rest_then_returns():
    app = express()
    order = []

    @app.use
    async def timing(req, res, next):
        order.append("before")
        await next()
        order.append(("after", res.headers_sent))

    @app.use
    async def middle(req, res, next):
        await asyncio.sleep(0)
        order.append("middle")
        await next()

    @app.get("/")
    async def handler(req, res):
        await asyncio.sleep(0)
        order.append("handler")
        res.send("ok")

    assert get(app, "/").text == "ok"
    assert order == ["before", "middle", "handler", ("after", True)]


@pytest.mark.parametrize("path", ["/", "/api"])
def test_await_next_through_sync_middleware(path):
    # next() called by a sync middleware that returns None still gives an awaitable.
    app = express()
    order = []

    @app.use(path)
    async def outer(req, res, next):
        await next()
        order.append("after")

    def sync(req, res, next):
        order.append("sync")
        next()  # returns None

    app.use(path, sync)
    app.get("/api/x", lambda req, res: order.append("handler") or res.send("ok"))
    assert get(app, "/api/x").text == "ok"
    assert order == ["sync", "handler", "after"]


def test_await_next_can_add_header_before_send():
    app = express()

    @app.use
    async def mw(req, res, next):
        await next()
        res.send(f"handler said {res.locals['said']}")

    @app.get("/")
    def handler(req, res, next):
        res.locals["said"] = "hi"  # neither responds nor calls next: the chain ends here
    assert get(app, "/").text == "handler said hi"


def test_next_called_later_from_callback():
    app = express()

    @app.use
    def mw(req, res, next):
        asyncio.get_event_loop().call_later(0.01, next)

    app.get("/", lambda req, res: res.send("later"))
    assert get(app, "/").text == "later"


def test_handler_arrays():
    app = express()
    order = []

    def mw(name):
        def fn(req, res, next):
            order.append(name)
            next()
        return fn

    app.get("/", [mw("a"), mw("b")], mw("c"), lambda req, res: res.json(order))
    assert get(app, "/").json() == ["a", "b", "c"]


def test_route_handler_not_callable_raises():
    with pytest.raises(TypeError):
        express().get("/", "not a function")


# -- app.param ----------------------------------------------------------------------------------

def test_param_runs_once_per_value_per_request():
    app = express()
    calls = []

    def load(req, res, next, value, name):
        calls.append(f"{name}={value}")
        req.params["id"] = "P" + value
        next()

    app.param("id", load)
    app.get("/pp/:id", lambda req, res, next: next("route"))
    app.get("/pp/:id", lambda req, res, next: next())
    app.get("/pp/:id", lambda req, res: res.json({"calls": calls, "id": req.params["id"]}))
    assert get(app, "/pp/5").json() == {"calls": ["id=5"], "id": "P5"}


def test_param_runs_again_for_new_request():
    app = express()
    calls = []
    app.param("id", lambda req, res, next, value, name: (calls.append(value), next()))
    app.get("/u/:id", lambda req, res: res.send("ok"))
    client = TestClient(app)
    client.get("/u/1")
    client.get("/u/2")
    client.get("/u/2")
    assert calls == ["1", "2", "2"]


def test_param_not_called_for_other_names():
    app = express()
    calls = []
    app.param("id", lambda req, res, next, value, name: (calls.append(value), next()))
    app.get("/u/:uid", lambda req, res: res.send("ok"))
    get(app, "/u/1")
    assert calls == []


def test_param_list_of_names():
    app = express()
    calls = []
    app.param(["a", "b"], lambda req, res, next, value, name: (calls.append((name, value)), next()))
    app.get("/:a/:b", lambda req, res: res.json(calls))
    assert get(app, "/x/y").json() == [["a", "x"], ["b", "y"]]


def test_param_error_goes_to_error_handler():
    app = express()
    app.param("bad", lambda req, res, next, value, name: next(Exception(f"param failed {value}")))
    app.get("/pb/:bad", lambda req, res: res.send("never"))
    app.use(lambda err, req, res, next: res.status(500).send(f"E:{err}"))
    assert get(app, "/pb/z").text == "E:param failed z"


def test_param_raising_goes_to_error_handler():
    app = express()

    def fn(req, res, next, value, name):
        raise LookupError(f"no {value}")

    app.param("id", fn)
    app.get("/u/:id", lambda req, res: res.send("never"))
    app.use(lambda err, req, res, next: res.status(404).send(str(err)))
    r = get(app, "/u/7")
    assert (r.status_code, r.text) == (404, "no 7")


def test_param_async():
    app = express()

    async def load(req, res, next, value, name):
        await asyncio.sleep(0)
        req.user = {"id": value}
        next()

    app.param("id", load)
    app.get("/u/:id", lambda req, res: res.json(req.user))
    assert get(app, "/u/3").json() == {"id": "3"}


def test_param_async_raising():
    app = express()

    async def load(req, res, next, value, name):
        await asyncio.sleep(0)
        raise RuntimeError("async param")

    app.param("id", load)
    app.get("/u/:id", lambda req, res: res.send("never"))
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    assert get(app, "/u/3").text == "async param"


def test_param_on_router():
    app = express()
    router = Router()
    router.param("id", lambda req, res, next, value, name: (setattr(req, "loaded", value * 2), next()))
    router.get("/:id", lambda req, res: res.send(req.loaded))
    app.use("/r", router)
    assert get(app, "/r/ab").text == "abab"


def test_param_decorator():
    app = express()

    @app.param("id")
    def load(req, res, next, value, name):
        req.seen = name
        next()

    app.get("/u/:id", lambda req, res: res.send(req.seen))
    assert get(app, "/u/1").text == "id"


# -- app.route / app.all ------------------------------------------------------------------------

def _named(name):
    return lambda req, res: res.send(name)


def many_routes_app(skip_first_r25=False):
    """30 literal routes, with layers that may match anything among them: the router passes
    literal routes that cannot match without trying them, and must never pass one that can."""
    app = express()
    for i in range(30):
        if i == 25 and skip_first_r25:
            app.get("/r25", lambda req, res, next: next("route"))
        else:
            app.get(f"/r{i}", _named(f"r{i}"))
        if i == 12:
            app.get(re.compile(r"^/r\d+x$"), _named("param"))  # not literal: tried, whatever the path
        if i == 20:
            app.use("/r2", lambda req, res, next: res.set("X-Mw", req.base_url) and next())
    app.get("/r25", _named("r25 again"))  # a later literal route with the same path
    app.post("/r25", _named("r25 post"))
    app.get("/k", _named("k"))
    return app


@pytest.mark.parametrize("url,body,mw", [
    ("/r0", "r0", None), ("/r2", "r2", None), ("/r3", "r3", None), ("/r11", "r11", None), ("/r13", "r13", None), ("/r29", "r29", None),
    ("/R17", "r17", None), ("/r17/", "r17", None), ("/R17/", "r17", None), ("/r5x", "param", None),
    ("/r25x", "param", None), ("/r2", "r2", None), ("/r2/x", None, "/r2"), ("/r29?q=1", "r29", None),
    ("/k", "k", None), ("/K", "k", None), ("/nope", None, None),
])
def test_many_literal_routes_each_reached(url, body, mw):
    r = get(many_routes_app(), url)
    if body is None:
        assert r.status_code == 404
    else:
        assert (r.status_code, r.text) == (200, body)
    assert r.headers.get("x-mw") == mw


def test_many_literal_routes_options_and_next():
    app = many_routes_app()
    with TestClient(app) as client:
        r = client.options("/r25")
        assert (r.headers["allow"], r.text) == ("GET, HEAD, POST", "GET, HEAD, POST")
        assert client.post("/r25").text == "r25 post"
    # next("route") from the first /r25 reaches the second one past every other literal route.
    assert get(many_routes_app(skip_first_r25=True), "/r25").text == "r25 again"


def test_stack_changed_after_requests_is_followed():
    app = many_routes_app()
    with TestClient(app) as client:
        assert client.get("/r28").text == "r28"
        app.get("/late", _named("late"))  # appended after the router has served
        app.get("/later", _named("later"))
        assert client.get("/later").text == "later"
        other = Router()
        other.get("/new", _named("new"))
        stack = app.router.stack
        index = next(i for i, layer in enumerate(stack) if layer.path == "/r28")
        stack[index] = other.stack[0]  # replaced in place: same length
        assert client.get("/new").text == "new"
        assert client.get("/r28").status_code == 404
        stack.reverse()
        assert client.get("/r25").text == "r25 again"
        assert client.get("/r0").text == "r0"


def test_route_chains():
    app = express()
    route = app.route("/book")
    assert route.get(lambda req, res: res.send("g")) is route
    route.post(lambda req, res: res.send("p")).put(lambda req, res: res.send("u"))
    client = TestClient(app)
    assert [client.request(m, "/book").text for m in ("GET", "POST", "PUT")] == ["g", "p", "u"]
    assert client.delete("/book").status_code == 404


def test_route_all_and_path():
    app = express()
    app.route("/b/:id").all(lambda req, res, next: (res.set("X-All", "1"), next())).get(
        lambda req, res: res.json([req.route.path, req.params]))
    r = get(app, "/b/3")
    assert r.json() == ["/b/:id", {"id": "3"}] and r.headers["X-All"] == "1"


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "M-SEARCH"])
def test_all_answers_every_method(method):
    app = express()
    app.all("/any", lambda req, res: res.send(req.method))
    r = TestClient(app).request(method, "/any")
    assert (r.status_code, r.text) == (200, method)


@pytest.mark.parametrize("attr,method", [("put", "PUT"), ("patch", "PATCH"), ("delete", "DELETE"),
                                         ("options", "OPTIONS"), ("propfind", "PROPFIND"), ("m_search", "M-SEARCH"),
                                         ("purge", "PURGE")])
def test_method_functions(attr, method):
    app = express()
    getattr(app, attr)("/m", lambda req, res: res.send(req.method))
    assert TestClient(app).request(method, "/m").text == method
    assert TestClient(app).request("GET", "/m").status_code == 404


@pytest.mark.parametrize("method", METHODS)
def test_every_method_is_a_method_of_app_router_and_route(method):
    # Node's every method: app.<name>(path, fn), router.<name>(path, fn), route.<name>(fn).
    name = method_attr(method)
    app = express()
    getattr(app, name)("/a", lambda req, res: res.send("app " + req.method))
    router = Router()
    assert getattr(router, name)("/r", lambda req, res: res.send("router " + req.method)) is router
    app.use(router)
    route = app.route("/route")
    assert getattr(route, name)(lambda req, res: res.send("route " + req.method)) is route
    client = TestClient(app)
    for path, who in (("/a", "app"), ("/r", "router"), ("/route", "route")):
        r = client.request(method, path)
        if method == "HEAD":
            assert r.status_code == 200 and r.headers["Content-Length"] == str(len(f"{who} HEAD"))
        else:
            assert (r.status_code, r.text) == (200, f"{who} {method}")


@pytest.mark.parametrize("make", [express, Router, lambda: express().route("/x")])
def test_an_unknown_method_name_is_an_attribute_error(make):
    obj = make()
    with pytest.raises(AttributeError, match=f"'{type(obj).__name__}' object has no attribute 'fetch'"):
        obj.fetch
    assert not hasattr(obj, "_private")


# -- HEAD ---------------------------------------------------------------------------------------

def test_automatic_head_runs_get_handler():
    app = express()
    ran = []

    @app.get("/h")
    def h(req, res):
        ran.append(req.method)
        res.set("X-From", "get").send("body")

    client = TestClient(app)
    head = client.head("/h")
    full = client.get("/h")
    assert ran == ["HEAD", "GET"]
    assert head.content == b"" and app_headers(head) == app_headers(full)
    assert head.headers["Content-Length"] == "4"


def test_app_head_registered_first_overrides():
    app = express()
    app.head("/h", lambda req, res: res.set("X-From", "head").end())
    app.get("/h", lambda req, res: res.set("X-From", "get").send("body"))
    client = TestClient(app)
    assert client.head("/h").headers["X-From"] == "head"
    assert client.get("/h").headers["X-From"] == "get"


def test_app_head_registered_after_get_is_not_reached():
    # Express: the GET route matches HEAD first.
    app = express()
    app.get("/h", lambda req, res: res.set("X-From", "get").send("body"))
    app.head("/h", lambda req, res: res.set("X-From", "head").end())
    assert TestClient(app).head("/h").headers["X-From"] == "get"


def test_head_on_route_with_head_and_get():
    app = express()
    app.route("/h").get(lambda req, res: res.send("get")).head(lambda req, res: res.set("X-H", "1").end())
    assert TestClient(app).head("/h").headers["X-H"] == "1"


def test_head_without_get_route_is_404():
    app = express()
    app.post("/h", lambda req, res: res.send("p"))
    assert TestClient(app).head("/h").status_code == 404


# -- OPTIONS ------------------------------------------------------------------------------------

def test_automatic_options():
    app = express()
    app.route("/book").get(lambda req, res: res.send("g")).post(lambda req, res: res.send("p")).put(
        lambda req, res: res.send("u"))
    r = TestClient(app).options("/book")
    assert r.status_code == 200 and r.text == "GET, HEAD, POST, PUT"
    assert app_headers(r) == [
        ("X-Powered-By", "fastexpress"),
        ("Allow", "GET, HEAD, POST, PUT"),
        ("Content-Length", "20"),
        ("Content-Type", "text/plain"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    assert "ETag" not in r.headers


def test_automatic_options_merges_and_sorts_routes():
    app = express()
    app.delete("/multi", lambda req, res: res.end())
    app.patch("/multi", lambda req, res: res.end())
    app.get("/multi", lambda req, res: res.end())
    r = TestClient(app).options("/multi")
    assert r.headers["Allow"] == "DELETE, GET, HEAD, PATCH" and r.text == "DELETE, GET, HEAD, PATCH"


def test_automatic_options_keeps_middleware_headers():
    app = express()
    app.use("/o", lambda req, res, next: (res.set("X-Mw", "1"), next()))
    app.get("/o", lambda req, res: res.end())
    r = TestClient(app).options("/o")
    assert app_headers(r)[:3] == [("X-Powered-By", "fastexpress"), ("X-Mw", "1"), ("Allow", "GET, HEAD")]


def test_automatic_options_from_nested_router():
    app = express()
    router = Router()
    router.get("/x", lambda req, res: res.end())
    router.post("/x", lambda req, res: res.end())
    app.use("/r", router)
    assert TestClient(app).options("/r/x").headers["Allow"] == "GET, HEAD, POST"


def test_options_no_route_is_404():
    app = express()
    app.get("/book", lambda req, res: res.end())
    r = TestClient(app).options("/nothing")
    assert r.status_code == 404 and "<pre>Cannot OPTIONS /nothing</pre>" in r.text


def test_own_options_handler_wins():
    app = express()
    app.get("/o", lambda req, res: res.end())
    app.options("/o", lambda req, res: res.set("Allow", "custom").send("own"))
    r = TestClient(app).options("/o")
    assert (r.headers["Allow"], r.text) == ("custom", "own")


def test_unmatched_method_is_404():
    app = express()
    app.route("/book").get(lambda req, res: res.send("g"))
    r = TestClient(app).delete("/book")
    assert r.status_code == 404 and "<pre>Cannot DELETE /book</pre>" in r.text


# -- decorators and settings access --------------------------------------------------------------

def test_route_decorator_returns_function():
    app = express()

    @app.get("/x")
    def show(req, res):
        res.send("decorated")

    assert callable(show) and show.__name__ == "show"
    assert get(app, "/x").text == "decorated"


def test_use_decorator_returns_function():
    app = express()

    @app.use
    def mw(req, res, next):
        res.set("X-Mw", "1")
        next()

    assert mw.__name__ == "mw"
    app.get("/", lambda req, res: res.send("ok"))
    assert get(app, "/").headers["X-Mw"] == "1"


def test_use_path_decorator():
    app = express()

    @app.use("/p")
    def mw(req, res):
        res.send("prefixed " + req.url)

    assert mw.__name__ == "mw"
    assert get(app, "/p/x").text == "prefixed /x"


def test_router_decorators():
    app = express()
    router = Router()

    @router.post("/r")
    def create(req, res):
        res.status(201).send("made")

    assert create.__name__ == "create"
    app.use(router)
    assert TestClient(app).post("/r").status_code == 201


def test_all_decorator():
    app = express()

    @app.all("/any")
    def anything(req, res):
        res.send(req.method)

    assert anything.__name__ == "anything"
    assert TestClient(app).put("/any").text == "PUT"


def test_app_get_one_string_reads_setting():
    app = express()
    assert app.get("etag") == "weak"
    app.set("etag", "strong")
    assert app.get("etag") == "strong"
    assert app.get("query parser") == "simple"


def test_app_methods_return_app_for_chaining():
    app = express()
    assert app.get("/a", params) is app
    assert app.post("/a", params) is app
    assert app.use(lambda req, res, next: next(), lambda req, res, next: next()) is app
    assert app.set("x", 1) is app


def test_route_handler_arity_decides_kind():
    app = express()
    seen = []

    def two(req, res):
        seen.append("two")
        res.send("ok")

    def four(err, req, res, next):
        seen.append("four")

    app.get("/", four, two)
    assert get(app, "/").text == "ok"
    assert seen == ["two"]


# -- more matching and mounting cases ---------------------------------------------------------------

def test_absolute_form_request_target_routes_on_path():
    app = express()
    app.get("/abs/path", lambda req, res: res.json([req.url, req.path, req.original_url]))
    r = get(app, "http://example.com/abs/path?q=1")
    assert r.json() == ["http://example.com/abs/path?q=1", "/abs/path", "http://example.com/abs/path?q=1"]


def test_absolute_form_url_inside_use_keeps_protohost():
    app = express()
    app.use("/api", lambda req, res: res.json([req.url, req.path, req.base_url, req.original_url]))
    r = get(app, "http://example.com/api/x?y")
    assert r.json() == ["http://example.com/x?y", "/x", "/api", "http://example.com/api/x?y"]


def test_splat_decodes_each_segment():
    assert get(route_app("/files/*path"), "/files/a%2Fb/c").json() == {"path": ["a/b", "c"]}


def test_use_with_list_of_paths():
    app = express()
    app.use(["/la", "/lb"], lambda req, res: res.json([req.base_url, req.url]))
    assert get(app, "/lb/z").json() == ["/lb", "/z"]
    assert get(app, "/la").json() == ["/la", "/"]


def test_use_with_regex_path():
    app = express()
    app.use(re.compile(r"^/re(\d)"), lambda req, res: res.json([req.base_url, req.url, req.params]))
    assert get(app, "/re5/x").json() == ["/re5", "/x", {"0": "5"}]


def test_use_path_with_trailing_slash():
    app = express()
    app.use("/ts/", lambda req, res: res.json([req.base_url, req.url]))
    assert get(app, "/ts/x").json() == ["/ts", "/x"]
    assert get(app, "/ts").json() == ["/ts", "/"]


def test_param_runs_for_use_layers():
    app = express()
    calls = []
    app.param("uid", lambda req, res, next, value, name: (calls.append(value), next()))
    app.use("/pu/:uid", lambda req, res: res.json(calls))
    assert get(app, "/pu/9/x").json() == ["9"]


def test_nested_sub_app_paths():
    app = express()
    sub = express()
    subsub = express()
    subsub.get("/", lambda req, res: res.json([subsub.path(), sub.path(), subsub.mountpath]))
    sub.use("/deeper", subsub)
    app.use("/sub", sub)
    assert get(app, "/sub/deeper").json() == ["/sub/deeper", "/sub", "/deeper"]


def test_sub_app_mounted_at_root():
    app = express()
    sub = express()
    sub.get("/x", lambda req, res: res.json([sub.mountpath, req.base_url, req.url]))
    app.use(sub)
    assert get(app, "/x").json() == ["/", "", "/x"]


def test_next_route_from_plain_middleware_is_plain_next():
    app = express()
    app.use(lambda req, res, next: next("route"))
    app.get("/", lambda req, res: res.send("reached"))
    assert get(app, "/").text == "reached"


def test_router_use_returns_router_for_chaining_with_paths():
    router = Router()
    assert router.use("/x", lambda req, res, next: next()) is router


def test_router_use_with_router_returns_router():
    router = Router()
    sub = Router()
    assert router.use(sub) is router


def many_next_app(count, where):
    app = express()
    if where == "router":
        for _ in range(count):
            app.use(lambda req, res, next: next())
        app.get("/", lambda req, res: res.send("deep"))
    elif where == "prefix":  # the same literal prefix each time: the router's shortcut
        app.use("/p", *([lambda req, res, next: next()] * count))
        app.use("/p", lambda req, res: res.send("deep"))
    else:
        app.get("/", *([lambda req, res, next: next()] * count), lambda req, res: res.send("deep"))
    return app


@pytest.mark.parametrize("where", ["router", "route", "prefix"])
def test_moderate_sync_stack(where):
    r = get(many_next_app(150, where), "/p" if where == "prefix" else "/")
    assert (r.status_code, r.text) == (200, "deep")


@pytest.mark.parametrize("where", ["router", "route", "prefix"])
def test_large_sync_stack(where):
    r = get(many_next_app(1000, where), "/p" if where == "prefix" else "/")
    assert (r.status_code, r.text) == (200, "deep")


def test_automatic_options_from_sub_app():
    app = express()
    sub = express()
    sub.get("/x", lambda req, res: res.end())
    sub.put("/x", lambda req, res: res.end())
    app.use("/sub", sub)
    r = TestClient(app).options("/sub/x")
    assert (r.headers["Allow"], r.text) == ("GET, HEAD, PUT", "GET, HEAD, PUT")


def test_automatic_options_answered_by_innermost_router():
    # Express quirk: the mounted router answers with only its own methods.
    app = express()
    app.get("/y", lambda req, res: res.end())
    router = Router()
    router.post("/y", lambda req, res: res.end())
    app.use(router)
    r = TestClient(app).options("/y")
    assert (r.headers["Allow"], r.text) == ("POST", "POST")


def test_fragment_is_not_part_of_the_path_or_query() -> None:
    # parseurl drops '#...': Express routes GET /p/abc#frag to /p/:id with id "abc".
    from fastexpress.testing import TestClient

    app = express()
    app.get("/p/:id", lambda req, res: res.json({"id": req.params["id"], "path": req.path, "q": req.query}))
    with TestClient(app) as client:
        responses, _ = client.exchange(b"GET /p/abc?q=1#frag HTTP/1.1\r\nHost: a\r\n\r\n", responses=1)
    assert responses[0].json() == {"id": "abc", "path": "/p/abc", "q": {"q": "1"}}


def test_same_prefix_chain_with_async_middleware_and_error():
    # Async layers and an error in the middle of a same-prefix chain: the error skips the
    # remaining plain middleware and reaches the error handler with the url as Express has it.
    app = express()
    seen = []

    async def first(req, res, next):
        seen.append((req.url, req.base_url))
        await next()

    def second(req, res, next):
        seen.append((req.url, req.base_url))
        next(ValueError("boom"))

    app.use("/api", first, second, lambda req, res, next: seen.append("skipped"))
    app.use("/api", lambda err, req, res, next: res.status(500).send(f"{err} {req.url} {req.base_url}"))
    r = get(app, "/api/v1?q=1")
    assert (r.status_code, r.text) == (500, "boom /v1?q=1 /api")
    assert seen == [("/v1?q=1", "/api"), ("/v1?q=1", "/api")]


def test_same_prefix_chain_in_a_merge_params_router():
    # Each layer of `use("/p", a, b)` inside a mergeParams router sees the parent's params
    # (and a fresh dict: what one layer writes there does not leak into the next).
    app = express()
    router = Router(merge_params=True)
    seen = []

    def first(req, res, next):
        seen.append(dict(req.params))
        req.params["mine"] = "1"
        next()

    def second(req, res, next):
        seen.append(dict(req.params))
        res.json({"url": req.url, "base": req.base_url, "params": req.params})

    router.use("/p", first, second)
    app.use("/u/:id", router)
    r = get(app, "/u/7/p/x")
    assert r.json() == {"url": "/x", "base": "/u/7/p", "params": {"id": "7"}}
    assert seen == [{"id": "7"}, {"id": "7"}]


# -- literal routes passed over without their matcher -------------------------------------------

LITERAL_ROUTES = ["/a", "/a/", "/A", "/", "/a.b", "/x-y/z", "/caf%C3%A9", "/CamelCase"]
LITERAL_TARGETS = ["/a", "/a/", "/A", "/A/", "/a//", "/", "//", "/a.b", "/a.b/", "/x-y/z", "/X-Y/Z/",
                   "/caf%c3%a9", "/caf%C3%A9", "/camelcase", "/CAMELCASE/", "/a?q=1", "/A/?q=/"]


@pytest.mark.parametrize("strict", [False, True], ids=["loose", "strict"])
@pytest.mark.parametrize("sensitive", [False, True], ids=["folded", "sensitive"])
@pytest.mark.parametrize("route", LITERAL_ROUTES)
def test_literal_route_reached_exactly_when_its_matcher_matches(route: str, sensitive: bool, strict: bool) -> None:
    # The router skips a literal route whose folded path cannot equal the request's; the
    # matcher itself is the reference, for every target.
    from fastexpress.pathre import compile_matcher

    matcher = compile_matcher(route, end=True, strict=strict, sensitive=sensitive)
    app = express()
    app.set("strict routing", strict)
    app.set("case sensitive routing", sensitive)
    app.get("/other", lambda req, res: res.send("other"))  # a literal that never matches first
    app.get(route, lambda req, res: res.send("route"))
    app.use(lambda req, res: res.send("fallback"))
    client = TestClient(app)
    for target in LITERAL_TARGETS:
        expected = "route" if matcher(target.split("?")[0]) is not None else "fallback"
        assert client.get(target).text == expected, target


def test_non_ascii_path_that_folds_to_a_literal_does_not_match_it() -> None:
    # "\u212a" (Kelvin sign) lower-cases to "k": the router's cheap filter lets the route
    # through, and its matcher refuses it, as JavaScript's /i does.
    app = express()

    def rewrite(req, res, next):
        req.url = "/\u212a"
        next()

    app.use(rewrite)
    app.get("/k", lambda req, res: res.send("route"))
    app.use(lambda req, res: res.send("fallback"))
    assert get(app, "/anything").text == "fallback"


# -- an app's first route, called before its router pass exists ---------------------------------
# A request whose first taker is a route gets its router pass (req.next, the route's done) made
# only when asked for (Router.handle). Each app below is served twice: as built, and behind a
# pass-through `app.use(fn)` that makes the pass at once. Both must answer alike, and as Express.

def _pass_through(req, res, next):
    next()


def _err_handler(err, req, res, next):
    res.status(getattr(err, "status", 500)).send(f"caught {err}")


def _answer(req, res):
    res.json({"params": req.params, "url": req.url, "base": req.base_url,
               "route": req.route.path if req.route else None})


def _first_route_cases():
    def throws(app):
        @app.get("/a/:id")
        def first(req, res):
            raise ValueError("boom")
        app.use(_err_handler)

    def next_plain(app):
        def first(req, res):
            res.append("X-Calls", "first")  # once: the pass goes on after this route
            req.next()
        app.get("/a/:id", first)
        app.get("/a/:name", _answer)

    def next_route(app):
        app.get("/a/:id", lambda req, res: req.next("route"))
        app.get("/a/:name", _answer)

    def next_router(app):
        app.get("/a/:id", lambda req, res: req.next("router"))
        app.get("/a/:name", _answer)

    def next_error(app):
        app.get("/a/:id", lambda req, res: req.next(LookupError("missing")))
        app.get("/a/:name", _answer)
        app.use(_err_handler)

    def next_to_a_middleware(app):
        app.get("/a/:id", lambda req, res: req.next())
        app.use(_answer)

    def next_past_the_end(app):
        app.get("/a/:id", lambda req, res: req.next())

    def rewrites_url(app):
        def first(req, res):
            req.url = "/b/9?q=1"
            req.next()
        app.get("/a/:id", first)
        app.get("/a/:name", lambda req, res: res.send("not here"))
        app.get("/b/:n", _answer)

    def async_throws(app):
        @app.get("/a/:id")
        async def first(req, res):
            await asyncio.sleep(0)
            raise ValueError("later")
        app.use(_err_handler)

    def async_next_later(app):
        @app.get("/a/:id")
        async def first(req, res):
            await asyncio.sleep(0)
            req.next()
        app.get("/a/:name", _answer)

    def route_stack(app):
        def mw(req, res, next):
            res.set("X-Mw", "1")
            next()
        def fails(req, res):
            raise ValueError("in route")
        app.get("/a/:id", mw, fails)
        app.use(_err_handler)

    def route_stack_next(app):
        app.get("/a/:id", lambda req, res, next: next(), lambda req, res: req.next())
        app.use(_answer)

    def param_callback(app):
        app.param("id", lambda req, res, next, value, name: (res.set("X-Param", value), next()))
        app.get("/a/:id", _answer)

    def middleware_on_prefix(app):
        def mw(req, res, next):
            res.set("X-Base", req.base_url)
            next()
        app.use("/a", mw)
        app.get("/a/:id", _answer)

    def middleware_on_prefix_throws(app):
        def mw(req, res, next):
            raise ValueError("prefix")
        app.use("/a", mw)
        app.get("/a/:id", _answer)
        app.use(_err_handler)

    def head_to_get(app):
        app.get("/a/:id", lambda req, res: res.set("X-Head", req.method).send("body"))

    def head_past_an_empty_route(app):
        app.route("/a/:id")  # no handlers: Express still takes it for HEAD, and it passes on
        app.use(lambda req, res: res.set("X-Route", req.route.path if req.route else "none").send("x"))

    def format_406(app):
        app.get("/a/:id", lambda req, res: res.format({"text/html": lambda: res.send("<p>")}))
        app.use(_err_handler)

    def send_file_missing(app):
        app.get("/a/:id", lambda req, res: res.send_file("/nonexistent/fastexpress-test-file"))
        app.use(_err_handler)

    def next_replaced(app):
        def first(req, res):
            req.next = None  # an app may set it, as in Express: it reads back what was set
            res.send(str(req.next))
        app.get("/a/:id", first)

    def same_next(app):
        app.get("/a/:id", lambda req, res: res.send(str(req.next is req.next and callable(req.next))))

    answer = {"params": {"name": "7"}, "url": "/a/7", "base": "", "route": "/a/:name"}
    own = {"params": {"id": "7"}, "url": "/a/7", "base": "", "route": "/a/:id"}
    in_use = {"params": {}, "url": "/a/7", "base": "", "route": "/a/:id"}
    not_found = "Cannot GET /a/7"
    # name: (build, method, request headers, status, body (JSON, text, or text within), X- headers)
    return {
        "throws": (throws, "GET", {}, 500, "caught boom", {}),
        "req.next()": (next_plain, "GET", {}, 200, answer, {"x-calls": "first"}),
        "req.next('route')": (next_route, "GET", {}, 200, answer, {}),
        "req.next('router')": (next_router, "GET", {}, 404, not_found, {"x-content-type-options": "nosniff"}),
        "req.next(err)": (next_error, "GET", {}, 500, "caught missing", {}),
        "req.next() to a middleware": (next_to_a_middleware, "GET", {}, 200, in_use, {}),
        "req.next() past the end": (next_past_the_end, "GET", {}, 404, not_found, {"x-content-type-options": "nosniff"}),
        "req.url rewritten": (rewrites_url, "GET", {}, 200,
                              {"params": {"n": "9"}, "url": "/b/9?q=1", "base": "", "route": "/b/:n"}, {}),
        "async throws": (async_throws, "GET", {}, 500, "caught later", {}),
        "async req.next()": (async_next_later, "GET", {}, 200, answer, {}),
        "route stack throws": (route_stack, "GET", {}, 500, "caught in route", {"x-mw": "1"}),
        "route stack req.next()": (route_stack_next, "GET", {}, 200, in_use, {}),
        "param callback": (param_callback, "GET", {}, 200, own, {"x-param": "7"}),
        "middleware on a prefix": (middleware_on_prefix, "GET", {}, 200, own, {"x-base": "/a"}),
        "middleware on a prefix throws": (middleware_on_prefix_throws, "GET", {}, 500, "caught prefix", {}),
        "HEAD to a GET route": (head_to_get, "HEAD", {}, 200, "", {"x-head": "HEAD"}),
        "HEAD past an empty route": (head_past_an_empty_route, "HEAD", {}, 200, "", {"x-route": "/a/:id"}),
        "res.format 406": (format_406, "GET", {"Accept": "application/json"}, 406, "caught Not Acceptable", {}),
        "res.send_file missing": (send_file_missing, "GET", {}, 404, "caught ENOENT", {}),
        "req.next read twice": (same_next, "GET", {}, 200, "True", {}),
        "req.next set by the app": (next_replaced, "GET", {}, 200, "None", {}),
    }


@pytest.mark.parametrize("name", list(_first_route_cases()))
def test_first_route_answers_as_with_its_pass_made_at_once(name: str) -> None:
    build, method, headers, status, body, x_headers = _first_route_cases()[name]
    answers = []
    for made_at_once in (False, True):
        app = express()
        if made_at_once:
            app.use(_pass_through)
        build(app)
        with TestClient(app) as client:
            r = client.request(method, "/a/7", headers=headers)
        answers.append((r.status_code, app_headers(r), r.content))
    assert answers[0] == answers[1]
    got_status, got_headers, content = answers[0]
    assert got_status == status
    assert {k.lower(): v for k, v in got_headers if k.lower().startswith("x-") and k.lower() != "x-powered-by"} == x_headers
    if isinstance(body, dict):
        assert json.loads(content) == body
    elif status == 200:
        assert content.decode() == body
    else:
        assert body in content.decode()


def test_first_route_pass_is_made_only_when_asked_for() -> None:
    # PERF's premise (Router.handle): nothing makes the pass for a (req, res) route that
    # answers; the first read of req.next makes it, as it stands after the route.
    from fastexpress.router import _RouterRun

    seen = []

    def first(req, res):
        seen.append(req._next)
        run = req.next
        seen.append((type(run), run.idx, req._next is run))
        res.send("ok")

    app = express()
    app.get("/other", lambda req, res: res.send("other"))
    app.get("/a/:id", first)
    assert get(app, "/a/7").text == "ok"
    assert seen == [None, (_RouterRun, 2, True)]


# -- what runs after next() ---------------------------------------------------------------------
# Express's router leaves a stack passed to its end on the next turn (setImmediate), and its final
# handler writes the 404 or error page only once the request has ended (a later turn): code after
# next() runs first. Expected values are Express 5.3.0's.

def _after_next_cases():
    def header_at_the_end(app):
        def mw(req, res, next):
            next()
            res.set("X-After", "1")
        app.use(mw)

    def header_where_nothing_more_matches(app):
        def mw(req, res, next):
            next()
            res.set("X-After", "1")
        app.use(mw)
        app.get("/other", lambda req, res: res.send("other"))

    def header_after_router_exit(app):
        def first(req, res):
            req.next("router")
            res.set("X-After", "2")
        app.get("/b/:id", first)

    def answer_after_next(app):
        def mw(req, res, next):
            next()
            res.send("late answer")
        app.use(mw)

    def answer_where_nothing_more_matches(app):
        answer_after_next(app)
        app.get("/other", lambda req, res: res.send("other"))

    def header_after_an_error(app):
        def mw(req, res, next):
            next(ValueError("e"))
            res.set("X-After", "3")
        app.use(mw)

    def params_after_the_pass(app):
        def first(req, res):
            req.next()
            res.set("X-Params", json.dumps(req.params))
        app.get("/b/:id", first)

    def router_passed_to_its_end(app):
        router = Router()

        def mw(req, res, next):
            next()
            res.set("X-After", "1")
        router.use(mw)
        app.use("/b", router)
        app.get("/b/7", lambda req, res: res.send(f"after: {res.get('X-After')}"))

    def router_left(app):
        router = Router()

        def mw(req, res, next):
            next("router")
            res.set("X-After", "2")
        router.use(mw)
        router.get("/7", lambda req, res: res.send("skipped"))
        app.use("/b", router)
        app.get("/b/7", lambda req, res: res.send(f"after: {res.get('X-After')}"))

    def parser_then_header(app):
        app.use(express.json())

        def mw(req, res, next):
            next()
            res.set("X-After", "1")
        app.use(mw)

    json_post = ("POST", {"Content-Type": "application/json"}, b'{"a": 1}')
    get_ = ("GET", {}, None)
    # name: (build, request, status, body (text within), headers expected)
    return {
        "a header after next() at the end": (header_at_the_end, get_, 404, "Cannot GET /b/7", {"X-After": "1"}),
        "a header after next() where nothing more matches": (header_where_nothing_more_matches, get_, 404, "Cannot GET /b/7", {"X-After": "1"}),
        "a header after req.next('router')": (header_after_router_exit, get_, 404, "Cannot GET /b/7", {"X-After": "2"}),
        "an answer after next() at the end": (answer_after_next, get_, 200, "late answer", {}),
        # (Express then throws from its final handler, uncaught: it cannot write its page)
        "an answer after next() where nothing more matches": (answer_where_nothing_more_matches, get_, 200, "late answer", {}),
        "a header after next(err)": (header_after_an_error, get_, 500, "Internal Server Error", {"X-After": "3"}),
        "a header after a parser read the body": (parser_then_header, json_post, 404, "Cannot POST /b/7", {"X-After": "1"}),
        "req.params after the pass": (params_after_the_pass, get_, 404, "Cannot GET /b/7", {"X-Params": '{"id": "7"}'}),
        "a router passed to its end": (router_passed_to_its_end, get_, 200, "after: 1", {"X-After": "1"}),
        "a router left with next('router')": (router_left, get_, 200, "after: 2", {"X-After": "2"}),
    }


@pytest.mark.parametrize("name", list(_after_next_cases()))
def test_what_runs_after_next_comes_before_the_final_handler_and_the_parent(name: str, caplog) -> None:
    build, (method, headers, body), status, text, expected = _after_next_cases()[name]
    app = express()
    app.set("env", "production")
    build(app)
    with TestClient(app) as client:
        r = client.request(method, "/b/7", headers=headers, content=body)
    assert r.status_code == status
    assert text in r.text
    for name_, value in expected.items():
        assert r.headers.get(name_) == value
    # A page that can no longer be written (the app answered first) is left unwritten, quietly.
    assert [rec.getMessage() for rec in caplog.records if rec.name == "asyncio"] == []


def test_await_next_waits_for_what_next_left_to_a_later_turn() -> None:
    # Awaiting next() runs the rest of the chain (API.md), also when a router hands the request
    # on, or the final handler writes its page, a turn later. (Express's next() returns nothing
    # to wait for: there the code after it runs first, as after a plain next() here.)
    seen = []
    app = express()
    router = Router()

    @router.use
    async def last_in_router(req, res, next):
        await next()
        seen.append((req.path, res.headers_sent, res.status_code))

    app.use("/b", router)

    @app.get("/b/7")
    async def route_that_waits(req, res):
        await asyncio.sleep(0.01)
        res.send("the app's route")

    @app.use
    async def last_in_app(req, res, next):
        await next()
        seen.append(("end", res.headers_sent, res.status_code))

    with TestClient(app) as client:
        assert client.get("/b/7").text == "the app's route"
        assert client.get("/nothing").status_code == 404
    assert seen == [("/b/7", True, 200), ("end", True, 404)]
