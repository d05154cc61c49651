"""Request cases for the views suite (app.js vs app.py in this folder).

Same structure as tests/compat/cases.py (`Case` comes from there). Sections: the View lookup, errors and their
messages, locals merging, status and headers, callbacks, app.render, engine forms, views lists
and mounted apps. Both apps render with the same tiny `tpl` engine, so the bodies compare byte
for byte. `?raw` sends an error on to the default error page (production: status text only);
without it the apps' error handler echoes the error's message (and `err.view`).
"""
from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # run from this folder directly
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cases import Case, case_adder  # tests/compat/cases.py (on sys.path, as for the other suites)


CASES: list[Case] = []


case = case_adder(CASES)


def weak_etag(body: bytes) -> str:
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode()[:27]
    return f'W/"{len(body):x}-{digest}"'


L, E, V, S, C, AR, F, M = ("lookup", "errors", "locals", "status/headers", "callbacks", "app.render",
                           "engine forms", "views lists/mounts")
BASIC_BODY = b"<h1>Views</h1><p>Hello World</p>\n"

# ---------------------------------------------------------------------------- lookup
case("basic", "/basic", L, "view engine supplies .tpl: views/index.tpl, text/html, CL, ETag")
case("basic-head", "/basic", L, "HEAD: the same headers, no body", method="HEAD")
case("ext", "/ext", L, "an explicit extension is used as is")
case("nested", "/nested", L, "users/show -> views/users/show.tpl")
case("dir-index", "/dir-index", L, "blog -> views/blog/index.tpl when views/blog.tpl is missing")
case("dir-slash", "/dir-slash", L, "blog/ -> views/blog/.tpl, then views/blog/index.tpl")
case("dup", "/dup", L, "<name>.<ext> wins over <name>/index.<ext>")
case("dotted-dir", "/dotted", L, "a dot in a folder name is not an extension")
case("dot-registered", "/tpl2", L, "app.engine('.tpl2', fn): the leading dot is optional")
case("abs", "/abs", L, "an absolute name is used as is (outside the views folder)")
case("abs-noext", "/abs-noext", L, "an absolute name without extension gets the default engine's")
case("traverse", "/traverse", L, "../ in a name is resolved against the root (no confinement)")
case("null-locals", "/null-locals", L, "res.render(view, null): no locals")

# ---------------------------------------------------------------------------- errors
case("missing", "/missing", E, "the exact message and err.view (name, ext, no path)")
case("missing-raw", "/missing?raw", E, "a missing view on the default error page: 500")
case("missing-head", "/missing?raw", E, "HEAD of the error page", method="HEAD")
case("missing-nested", "/missing-nested", E, "message with a nested name")
case("missing-ext", "/missing-ext", E, "message with an explicit extension")
case("unknown-module", "/unknown-module", E, "Module \"express\" does not provide a view engine.")
case("unknown-ext-raw", "/unknown-ext?raw", E, "an extension no engine serves: 500 page")
case("unknown-ext-message", "/unknown-ext", E, "the message for an extension that names no module",
     deliberate="Express require()s a module named after the extension and reports "
                "\"Cannot find module 'nosuchengine'\" with its require stack; fastexpress never imports "
                "by extension and says 'Module \"nosuchengine\" does not provide a view engine.'")
case("engine-throw", "/engine/throw", E, "an engine that throws: next(err) with its message")
case("engine-throw-raw", "/engine/throw?raw", E, "the same on the default error page")
case("engine-cberr", "/engine/cberr", E, "an engine that calls back with an error")
case("noengine", "/noengine/plain", E, "view engine '' and no extension: No default engine...")
case("noengine-raw", "/noengine/plain?raw", E, "the same on the default error page")

# ---------------------------------------------------------------------------- locals
case("keys", "/keys", V, "the engine's options: settings, app.locals, _locals, cache (on in production)")
case("keys-locals", "/keys-locals", V, "res.locals and call locals are spread into the options too")
case("keys-nocache", "/keys-nocache", V, "an explicit cache: false wins over view cache")
case("locals-app", "/locals/app", V, "app.locals only")
case("locals-res", "/locals/res", V, "res.locals over app.locals; _locals is res.locals")
case("locals-call", "/locals/call", V, "call locals over res.locals over app.locals")
case("locals-_locals", "/locals/_locals", V, "a _locals given to res.render is replaced by res.locals")
case("locals-middleware", "/locals/middleware", V, "res.locals set by an earlier handler")
case("types", "/types", V, "numbers, booleans, null, lists, nested objects reach the engine as they are")
case("escape", "/escape", V, "the engine's escaping (same on both sides)")
case("utf8", "/utf8", V, "UTF-8 body: Content-Length in bytes, ETag over bytes")
case("empty", "/empty", V, "an empty template: send(''), empty ETag")

# ---------------------------------------------------------------------------- status and headers
case("status-201", "/status/201", S, "res.status(201).render keeps the status")
case("status-404", "/status/404", S, "res.status(404).render keeps the status")
case("headers", "/headers", S, "headers set before render are kept, in order")
case("type-txt", "/type-txt", S, "a type set before render is kept (text/plain; charset=utf-8)")
case("type-charset", "/type-charset", S, "send() rewrites the charset of a set Content-Type to utf-8")
case("etag-set", "/etag-set", S, "an ETag set before render is kept")
case("etag-304", "/basic", S, "If-None-Match with the body's ETag: 304",
     headers={"If-None-Match": weak_etag(BASIC_BODY)})
case("etag-stale", "/basic", S, "If-None-Match with another ETag: 200",
     headers={"If-None-Match": 'W/"1-x"'})
case("render-then-set", "/render-then-set", S, "res.render(); res.set(...) after it",
     deliberate="a synchronous engine's HTML is sent before res.render() returns (Express sends it "
                "on the next tick), so headers must be set before res.render()")

# ---------------------------------------------------------------------------- callbacks
case("cb", "/cb", C, "res.render(view, locals, cb): cb gets the HTML, nothing is sent for it")
case("cb-second", "/cb-second", C, "res.render(view, cb): a function in the locals position")
case("cb-error", "/cb-error", C, "a lookup error goes to the callback (html undefined)")
case("cb-engine-error", "/cb-engine-error", C, "an engine's callback error goes to the callback")
case("cb-throw-error", "/cb-throw-error", C, "an engine's exception goes to the callback")

# ---------------------------------------------------------------------------- app.render
case("app-render", "/app-render", AR, "app.render(name, options, cb)")
case("app-render-fn", "/app-render-fn", AR, "app.render(name, cb)")
case("app-render-nores", "/app-render-nores", AR, "app.render does not see res.locals")
case("app-render-_locals", "/app-render-_locals", AR, "app.render spreads options._locals under options")
case("app-render-missing", "/app-render-missing", AR, "app.render's lookup error goes to its callback")
case("app-render-keys", "/app-render-keys", AR, "the options app.render hands the engine")

# ---------------------------------------------------------------------------- engine forms
case("engine-return", "/engine/return", F, "fn(path, options) -> str (app.js: a callback engine)")
case("engine-async", "/engine/async", F, "async def fn(path, options) (app.js: a later callback)")

# ---------------------------------------------------------------------------- views lists, mounted apps
case("multi-only2", "/multi/only2", M, "views = [views2, views]: found in the first root")
case("multi-shared", "/multi/shared", M, "in both roots: the first root wins")
case("multi-fallback", "/multi/fallback", M, "only in the second root")
case("multi-pick", "/multi/pick", M, "root 1's pick/index.tpl beats root 2's pick.tpl (per-root order)")
case("multi-missing", "/multi/nope", M, 'message: views directories "a" or "b"')
case("three-missing", "/three/nope", M, 'message: views directories "a", "b" or "c"')
case("three-third", "/three/three", M, "found in the third root")
case("single-list-missing", "/single/nope", M, "a list of one root: views directory \"a\"")
case("single-list", "/single/index", M, "a list of one root finds its views")
case("relative-views", "/relative/only2", M, "a relative views setting resolves against the working directory")
case("relative-missing", "/relative/nope", M, "its message shows the setting as given (not resolved)")
case("noengine-ext", "/noengine/ext", M, "a mounted app finds the parent's engines")
case("noengine-late", "/noengine/late", M, "an engine the parent registered after mounting")
case("dotengine", "/dotengine/", M, "view engine '.tpl' with its leading dot")
case("sub-locals", "/sub/locals", M, "a mounted app renders with its own app.locals")
case("sub-keys", "/sub/keys", M, "a mounted app's settings inherit the parent's (env, view engine)")
