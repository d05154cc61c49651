"""Views suite of the differential compatibility tests: app.engine, app.render, res.render and
the View lookup on fastexpress. The same app as app.js (keep the two files in step).
Run: FASTEXPRESS_ENV=production python app.py PORT

Jinja2 and EJS differ, so both apps register the SAME tiny engine, `tpl` (as in Express's
docs): `{{a.b}}` prints options.a.b (HTML-escaped), `{{@keys}}` the sorted option names and
`{{@path}}` the template's path relative to this folder. What is compared is Express's part:
lookup, locals merging, errors, status, headers and bodies.
"""
from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Mapping

from fastexpress import express
from fastexpress.response import js_string

port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
app = express()
HERE = os.path.dirname(os.path.abspath(__file__))

# -------------------------------------------------------------------- the shared engine
_MISSING = object()


def show(v):
    if v is _MISSING:
        return ""
    if v is None:
        return "null"
    if isinstance(v, (list, tuple)):
        return ",".join("" if x is None else show(x) for x in v)
    if isinstance(v, Mapping):
        return "[object Object]"
    return js_string(v)


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def fill(content, file_path, options):
    def one(m):
        expr = m.group(1).strip()
        if expr == "@keys":
            return ",".join(sorted(options))
        if expr == "@path":
            return os.path.relpath(file_path, HERE)
        value = options
        for part in expr.split("."):
            value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
        return esc(show(value))

    return re.sub(r"\{\{(.+?)\}\}", one, content)


def read(file_path):
    with open(file_path, encoding="utf-8", newline="") as f:
        return f.read()


# Express's form: (path, options, callback).
def tpl(file_path, options, callback):
    try:
        content = read(file_path)
    except OSError as err:
        return callback(err)
    callback(None, fill(content, file_path, options))


# The other two forms fastexpress takes (app.js answers through the callback).
def rtpl(file_path, options):
    return fill(read(file_path), file_path, options)


async def atpl(file_path, options):
    await asyncio.sleep(0)
    return fill(read(file_path), file_path, options)


def boom(file_path, options):
    raise Exception("engine boom")


def cberr(file_path, options, callback):
    asyncio.get_running_loop().call_soon(callback, Exception("callback error"))


def here(*parts):
    return os.path.join(HERE, *parts)


app.engine("tpl", tpl)
app.engine(".tpl2", tpl)
app.engine("rtpl", rtpl)
app.engine("atpl", atpl)
app.engine("boom", boom)
app.engine("cberr", cberr)
app.set("view engine", "tpl")
app.locals.title = "Views"

# ---------------------------------------------------------------------- lookup
app.get("/basic", lambda req, res: res.render("index", {"name": "World"}))
app.get("/ext", lambda req, res: res.render("index.tpl", {"name": "ext"}))
app.get("/nested", lambda req, res: res.render("users/show", {"id": 7}))
app.get("/dir-index", lambda req, res: res.render("blog"))
app.get("/dir-slash", lambda req, res: res.render("blog/"))
app.get("/dup", lambda req, res: res.render("dup"))
app.get("/dotted", lambda req, res: res.render("dotted.dir/page"))
app.get("/tpl2", lambda req, res: res.render("page.tpl2", {"name": "two"}))
app.get("/abs", lambda req, res: res.render(here("other", "abs.tpl")))
app.get("/abs-noext", lambda req, res: res.render(here("other", "abs")))
app.get("/traverse", lambda req, res: res.render("../other/abs"))
app.get("/null-locals", lambda req, res: res.render("index", None))

# ---------------------------------------------------------------------- errors
app.get("/missing", lambda req, res: res.render("nope"))
app.get("/missing-nested", lambda req, res: res.render("users/nope"))
app.get("/missing-ext", lambda req, res: res.render("nope.tpl"))
app.get("/unknown-module", lambda req, res: res.render("page.express"))
app.get("/unknown-ext", lambda req, res: res.render("page.nosuchengine"))
app.get("/engine/throw", lambda req, res: res.render("x.boom"))
app.get("/engine/cberr", lambda req, res: res.render("x.cberr"))


# ---------------------------------------------------------------------- locals
app.get("/keys", lambda req, res: res.render("keys"))


@app.get("/keys-locals")
def keys_locals(req, res):
    res.locals.fromRes = 1
    res.render("keys", {"zeta": 1, "alpha": 2})


app.get("/keys-nocache", lambda req, res: res.render("keys", {"cache": False}))
app.get("/locals/app", lambda req, res: res.render("locals"))


@app.get("/locals/res")
def locals_res(req, res):
    res.locals.who = "res"
    res.locals.title = "ResTitle"
    res.render("locals")


@app.get("/locals/call")
def locals_call(req, res):
    res.locals.who = "res"
    res.locals["from"] = "res"
    res.render("locals", {"who": "call", "title": "CallTitle"})


@app.get("/locals/_locals")
def locals_underscore(req, res):
    res.locals.who = "res"
    res.render("locals", {"from": "call", "_locals": {"who": "ignored", "from": "ignored"}})


def who_middleware(req, res, next):
    res.locals.who = "middleware"
    next()


app.get("/locals/middleware", who_middleware, lambda req, res: res.render("locals"))
app.get("/types", lambda req, res: res.render("types", {
    "s": "str", "n": 42, "f": 1.5, "t": True, "no": False, "nil": None, "list": [1, "two", None],
    "obj": {"a": {"b": "deep"}}}))
app.get("/escape", lambda req, res: res.render("escape", {"html": "<a href=\"x\">&'</a>", "attr": '"quoted" & <tag>'}))
app.get("/utf8", lambda req, res: res.render("utf8", {"name": "\u00fcn\u00ef"}))
app.get("/empty", lambda req, res: res.render("empty"))

# ---------------------------------------------------------------------- status and headers
app.get("/status/201", lambda req, res: res.status(201).render("index", {"name": "created"}))
app.get("/status/404", lambda req, res: res.status(404).render("index", {"name": "not found"}))


@app.get("/headers")
def headers(req, res):
    res.set("X-Before", "1")
    res.append("Link", '</a>; rel="a"')
    res.render("index", {"name": "headers"})


app.get("/type-txt", lambda req, res: res.type("txt").render("index", {"name": "text"}))


@app.get("/type-charset")
def type_charset(req, res):
    res.set("Content-Type", "text/html; charset=iso-8859-1")
    res.render("index", {"name": "latin"})


@app.get("/render-then-set")
def render_then_set(req, res):
    res.render("index", {"name": "late"})
    res.set("X-Late", "1")  # raises HeadersSentError here: the HTML was sent already


app.get("/etag-set", lambda req, res: res.set("ETag", '"mine"').render("index", {"name": "World"}))


# ---------------------------------------------------------------------- callbacks
@app.get("/cb")
def cb(req, res):
    res.render("index", {"name": "cb"}, lambda err, html: res.type("txt").send(html.upper()))


@app.get("/cb-second")
def cb_second(req, res):
    res.render("index", lambda err, html: res.send("[" + html + "]"))


@app.get("/cb-error")
def cb_error(req, res):
    res.render("nope", lambda err, html: res.status(404).type("txt").send(
        "cb: " + str(err) + " html=" + ("none" if html is None else html)))


@app.get("/cb-engine-error")
def cb_engine_error(req, res):
    res.render("x.cberr", lambda err: res.status(502).type("txt").send("cb: " + str(err)))


@app.get("/cb-throw-error")
def cb_throw_error(req, res):
    res.render("x.boom", {}, lambda err: res.status(503).type("txt").send("cb: " + str(err)))


# ---------------------------------------------------------------------- app.render
@app.get("/app-render")
def app_render(req, res):
    app.render("index", {"name": "app"}, lambda err, html: res.type("txt").send(html))


@app.get("/app-render-fn")
def app_render_fn(req, res):
    app.render("index", lambda err, html: res.send(html))


@app.get("/app-render-nores")
def app_render_nores(req, res):
    res.locals.who = "res"
    app.render("locals", {"from": "opts"}, lambda err, html: res.send(html))


@app.get("/app-render-_locals")
def app_render_underscore(req, res):
    app.render("locals", {"_locals": {"who": "given", "from": "given"}, "from": "opts"},
               lambda err, html: res.send(html))


@app.get("/app-render-missing")
def app_render_missing(req, res):
    app.render("nope", lambda err: res.status(500).type("txt").send("app: " + str(err)))


@app.get("/app-render-keys")
def app_render_keys(req, res):
    app.render("keys", {"x": 1}, lambda err, html: res.send(html))


# ---------------------------------------------------------------------- engine forms
app.get("/engine/return", lambda req, res: res.render("page.rtpl", {"name": "r"}))
app.get("/engine/async", lambda req, res: res.render("page.atpl", {"name": "a"}))

# ---------------------------------------------------------------------- sub-apps and views lists
multi = express()
multi.set("views", [here("views2"), here("views")])
multi.get("/:name", lambda req, res: res.render(req.params["name"]))
app.use("/multi", multi)

three = express()
three.set("views", [here("views"), here("views2"), here("views3")])
three.get("/:name", lambda req, res: res.render(req.params["name"]))
app.use("/three", three)

single = express()
single.set("views", [here("views")])
single.get("/:name", lambda req, res: res.render(req.params["name"]))
app.use("/single", single)

relative = express()
relative.set("views", "views2")
relative.get("/:name", lambda req, res: res.render(req.params["name"]))
app.use("/relative", relative)

no_engine = express()
no_engine.set("view engine", "")
no_engine.get("/plain", lambda req, res: res.render("index"))
no_engine.get("/ext", lambda req, res: res.render("index.tpl", {"name": "inherited engine"}))
no_engine.get("/late", lambda req, res: res.render("index.late", {"name": "late"}))
app.use("/noengine", no_engine)

dot_engine = express()
dot_engine.set("view engine", ".tpl")
dot_engine.get("/", lambda req, res: res.render("index", {"name": "dot"}))
app.use("/dotengine", dot_engine)

sub = express()
sub.locals.title = "Sub"
sub.get("/locals", lambda req, res: res.render("locals", {"who": "sub"}))
sub.get("/keys", lambda req, res: res.render("keys"))
app.use("/sub", sub)

# An engine registered on the parent after mounting: the sub-app still finds it.
app.engine("late", tpl)


# ---------------------------------------------------------------------- errors out
@app.use
def on_error(err, req, res, next):
    if "raw" in req.query:
        return next(err)
    view = getattr(err, "view", None)
    extra = (f" view={view.name} ext={view.ext} path={'none' if view.path is None else view.path}"
             if view is not None else "")
    res.status(500).type("txt").send("error: " + str(err) + extra)


if __name__ == "__main__":
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress ready on {port}", flush=True))
