"""Request cases for the differential compatibility suite (app.js vs app.py).

Each case is one HTTP/1.1 request sent byte for byte to both servers. `section` names the
part of /work/shared/express-behaviour.md (§0-§3) it covers. A case whose difference is
deliberate carries `deliberate="reason"` (listed in DIFFERENCES.md) and is skipped.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence
from urllib.parse import quote

from harness import DEFAULT_HOST, build_request


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    section: str = ""
    description: str = ""
    deliberate: str | None = None
    host: str | None = DEFAULT_HOST
    raw: bytes | None = None          # full request bytes, overriding everything above
    timeout: float = 5.0
    methods: tuple[str, ...] = ()     # methods of pipelined requests in `raw`, in order
    # For a deliberate difference that can be stated exactly: turns Express's comparable
    # response (harness.RawResponse.comparable()) into what fastexpress must send instead.
    # Without it a deliberate case is skipped.
    expect_python: Callable[[dict[str, object]], dict[str, object]] | None = None

    def request_bytes(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return build_request(self.method, self.path, self.headers, self.body, host=self.host)


CASES: list[Case] = []


def case_adder(cases: list[Case], default_method: str = "GET") -> Callable[..., None]:
    """``case(id, path, section, description, method=, headers=, body=, **Case fields)`` adding
    to ``cases``: headers as pairs or a dict, a str body as UTF-8 (each suite has one)."""

    def case(id: str, path: str, section: str, description: str = "", *, method: str = default_method,
             headers: Sequence[tuple[str, str]] | dict[str, str] = (), body: bytes | str | None = None,
             **extra: object) -> None:
        if isinstance(headers, dict):
            headers = list(headers.items())
        if isinstance(body, str):
            body = body.encode()
        cases.append(Case(id=id, method=method, path=path, headers=tuple(headers), body=body,
                          section=section, description=description, **extra))  # type: ignore[arg-type]

    return case


case = case_adder(CASES)


W, R, Q, A = "§0 wire basics", "§1 response", "§2 request", "§3 app/router/errors"
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
HELLO_ETAG = 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'

# ---------------------------------------------------------------------------- §0 wire basics
case("wire-hello", "/wire/hello", W, "send('hello'): weak ETag, CT, CL, header order")
case("wire-empty", "/wire/empty", W, "send(''): ETag of the empty body")
case("wire-utf8", "/wire/utf8", W, "CL is the UTF-8 byte length; ETag over bytes")
case("wire-teapot", "/wire/teapot", W, "418 reason phrase from Node: I'm a Teapot")
case("wire-unknown-599", "/wire/unknown", W, "unknown code 599: reason 'unknown'")
case("wire-header-order", "/wire/order", W, "headers go out in set order; append gives several lines")
case("wire-big", "/wire/big", W, "64 KiB body: CL and ETag")
case("wire-head", "/wire/hello", W, "HEAD: same headers, no body", method="HEAD")
case("wire-post-any", "/wire/any", W, "app.all with a request body", method="POST",
     headers={"Content-Type": "text/plain"}, body="ignored body")
case("wire-http10", "/wire/hello", W, "HTTP/1.0 request: HTTP/1.1 status line, CL, close",
     raw=b"GET /wire/hello HTTP/1.0\r\nHost: example.com\r\n\r\n")
case("wire-http10-stream", "/stream", W, "HTTP/1.0 and res.write: no chunking, body ends at close",
     raw=b"GET /stream HTTP/1.0\r\nHost: example.com\r\n\r\n")
case("wire-lowercase-request", "/req/get", W, "request header names in any case",
     raw=b"GET /req/get HTTP/1.1\r\nhost: example.com\r\nx-custom: lower\r\nREFERER: /r\r\n"
         b"connection: close\r\n\r\n")
case("wire-app-connection-close", "/wire/close", W, "Connection: close set by the app on a keep-alive request: "
     "the connection closes after it; a pipelined request behind it is not answered",
     raw=b"GET /wire/close HTTP/1.1\r\nHost: example.com\r\n\r\nGET /wire/hello HTTP/1.1\r\nHost: example.com\r\n\r\n")
case("wire-put-any", "/wire/any", W, "PUT through app.all", method="PUT", body="")
for code in (200, 201, 202, 203, 206, 226, 300, 301, 302, 303, 307, 308, 400, 401, 402, 403, 404, 405,
             406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425,
             426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511,
             299, 499, 599, 999, 204, 304, 205):
    case(f"sendstatus-{code}", f"/wire/status/{code}", W,
         f"sendStatus({code}): Node's reason phrase, body = message or the number")

# ---------------------------------------------------------------------------- §1 res.status
case("status-string", "/status/string", R, "status('200') -> TypeError -> 500 page")
case("status-float", "/status/float", R, "status(200.5) -> TypeError -> 500 page")
case("status-low", "/status/low", R, "status(99) -> RangeError -> 500 page")
case("status-high", "/status/high", R, "status(1000) -> RangeError -> 500 page")
case("status-created", "/status/created", R, "status(201).send()")
case("status-chain", "/status/chain", R, "status(202).type('txt').send()")
case("status-code-prop", "/status/code-prop", R, "res.statusCode = 203 then read back")

# ---------------------------------------------------------------------------- §1 res.send
case("send-str", "/send/str", R, "string -> text/html; charset=utf-8")
case("send-str-ct", "/send/str-ct", R, "string with preset text/plain")
case("send-str-ct-params", "/send/str-ct-params", R, "preset CT params kept, charset appended last")
case("send-str-ct-charset", "/send/str-ct-charset", R, "preset charset replaced by utf-8")
case("send-str-json-ct", "/send/str-json-ct", R, "string with type('json')")
case("send-bytes", "/send/bytes", R, "bytes -> application/octet-stream")
case("send-bytes-ct", "/send/bytes-ct", R, "bytes with preset image/png")
case("send-bytes-empty", "/send/bytes-empty", R, "empty bytes: CL 0 and ETag")
case("send-dict", "/send/dict", R, "dict -> JSON")
case("send-list", "/send/list", R, "list -> JSON")
case("send-int", "/send/int", R, "number -> JSON, status stays 200 (5.x)")
case("send-zero", "/send/zero", R, "0 -> JSON '0'")
case("send-float", "/send/float", R, "1.5 -> JSON")
case("send-true", "/send/true", R, "true -> JSON")
case("send-false", "/send/false", R, "false -> JSON")
case("send-null", "/send/null", R, "null -> empty body, no CT")
case("send-undefined", "/send/undefined", R, "no argument: no CT/ETag, CL 0")
case("send-empty-str", "/send/empty-str", R, "'' -> text/html with ETag")
case("send-status-json", "/send/status-json", R, "status(201).send(dict)")
case("send-nested", "/send/nested", R, "nested JSON with non-ASCII, quotes and newline")
case("send-transfer-encoding", "/send/te", R, "Transfer-Encoding set by hand: no CL")
case("send-twice", "/send/twice", R, "second send raises; the first response is intact")
case("send-headers-sent", "/send/headers-sent", R, "headersSent false before write; chunked")
case("send-head", "/send/dict", R, "HEAD of a JSON send", method="HEAD")

# ---------------------------------------------------------------------------- §1 res.json
case("json-obj", "/json/obj", R, "json(obj)")
case("json-undefined", "/json/undefined", R, "json(undefined): CT, empty body, no ETag")
case("json-null", "/json/null", R, "json(null) -> 'null'")
case("json-str", "/json/str", R, "json(string) with quotes")
case("json-num", "/json/num", R, "json(7)")
case("json-special", "/json/special", R, "<>& and U+2028 untouched without json escape")
case("json-nan", "/json/nan", R, "NaN and Infinity -> null")
case("json-date", "/json/date", R, "Date -> ISO string (str in Python)")
case("json-dropped", "/json/dropped", R, "undefined keys dropped")
case("json-ct-preset", "/json/ct-preset", R, "preset vnd.api+json kept, charset added")
case("json-status", "/json/status", R, "status(400).json()")
case("json-spaces", "/jsonspaces/obj", R, "json spaces 2 (empty {} and [] stay compact)")
case("json-spaces-jsonp", "/jsonspaces/jsonp?callback=cb", R, "jsonp honours json spaces")
case("json-replacer", "/jsonreplacer/obj", R, "json replacer fn + json spaces 4")
case("json-escape", "/jsonescape/obj", R, "json escape: <>& as \\u003c etc.")
case("json-escape-jsonp", "/jsonescape/jsonp?callback=cb", R, "json escape inside jsonp")

# ---------------------------------------------------------------------------- §1 res.jsonp
case("jsonp-callback", "/jsonp?callback=foo", R, "callback wrapper, text/javascript, nosniff")
case("jsonp-no-callback", "/jsonp", R, "no callback: JSON plus nosniff")
case("jsonp-sanitised", "/jsonp?callback=foo%3Cscript%3E()%3B%5B0%5D.bar$", R, "callback stripped to [\\[\\]\\w$.]")
case("jsonp-array-callback", "/jsonp?callback=first&callback=second", R, "repeated callback: first one")
case("jsonp-empty-callback", "/jsonp?callback=", R, "empty callback: plain JSON")
case("jsonp-undefined", "/jsonp/undefined?callback=cb", R, "jsonp(undefined) -> cb();")
case("jsonp-undefined-nocb", "/jsonp/undefined", R, "jsonp(undefined) without a callback")
case("jsonp-u2028", "/jsonp/str?callback=cb", R, "U+2028/2029 escaped in the callback body")
case("jsonp-ct-preset", "/jsonp/ct-preset", R, "preset CT and no callback: no nosniff")
case("jsonp-ct-preset-cb", "/jsonp/ct-preset?callback=cb", R, "callback overrides a preset CT")
case("jsonp-status", "/jsonp/status?callback=cb", R, "status(404).jsonp()")
case("jsonp-callback-name", "/jsonpname/?cb=named&callback=ignored", R, "jsonp callback name setting")
case("jsonp-head", "/jsonp?callback=foo", R, "HEAD of jsonp", method="HEAD")

# ---------------------------------------------------------------------------- §1 set / get / append
case("set-basic", "/set/basic", R, "set, String(number), header alias")
case("set-array", "/set/array", R, "array value -> one line per element")
case("set-obj", "/set/obj", R, "set({...})")
case("set-replace", "/set/replace", R, "set replaces case-insensitively")
for label, ct in (("json", "application/json"), ("text", "text/plain"), ("png", "image/png"),
                  ("foobar", "foo/bar"), ("html-word", "html"), ("charset-kept", "text/plain; charset=latin1"),
                  ("params", "text/html; level=1")):
    case(f"set-ct-{label}", "/set/ct?t=" + quote(ct), R, f"set('Content-Type', {ct!r}) goes through mime.contentType")
case("res-get", "/get", R, "res.get: string, list for multi, undefined -> null")
case("append", "/append", R, "append strings and lists; later set replaces")
case("append-fresh", "/append/fresh", R, "append to a header not yet set")

# ---------------------------------------------------------------------------- §1 res.type
for t in ("html", ".html", "HTML", "json", "js", "mjs", "txt", "png", "xml", "file.tar.gz",
          "application/x-foo", "text/x-custom", "nosuchext", "", "css", "svg", "pdf"):
    case(f"type-{t or 'empty'}".replace("/", "_"), "/type?t=" + quote(t), R, f"res.type({t!r})")
case("content-type-alias", "/content-type", R, "res.contentType('json')")

# ---------------------------------------------------------------------------- §1 res.vary
case("vary-dedupe", "/vary", R, "appends without duplicates, case-insensitively")
case("vary-star", "/vary/star", R, "* absorbs everything")
case("vary-empty", "/vary/empty", R, "vary([]) is a no-op")
case("vary-list", "/vary/list", R, "vary(list)")
case("vary-none", "/vary/none", R, "vary() throws -> 500")

# ---------------------------------------------------------------------------- §1 res.location
for label, url in (("plain", "/foo/bar"), ("space", "/foo bar"), ("absolute", "http://example.com/\u00e4?x=1"),
                   ("percent", "/already%20encoded"), ("lone-percent", "/100%"),
                   ("specials", '/a"b<c>`d{e}'), ("backslash", "/a\\b"), ("query", "/x?y=1&z=\u00fc")):
    case(f"location-{label}", "/location?u=" + quote(url, safe=""), R, f"location({url!r}) -> encodeurl")
case("location-back", "/location/back", R, "'back' stays literal in 5.x")

# ---------------------------------------------------------------------------- §1 res.redirect
case("redirect-no-accept", "/redirect", R, "302, text body when there is no Accept")
case("redirect-html", "/redirect", R, "html body", headers=HTML)
case("redirect-text", "/redirect", R, "text body", headers={"Accept": "text/plain"})
case("redirect-json", "/redirect", R, "other Accept: empty body, no CT", headers=JSON)
case("redirect-any", "/redirect", R, "Accept */*: text", headers={"Accept": "*/*"})
case("redirect-html-q", "/redirect", R, "q-values pick html",
     headers={"Accept": "text/plain;q=0.5, text/html"})
case("redirect-head", "/redirect", R, "HEAD: headers only", method="HEAD", headers=HTML)
case("redirect-301", "/redirect/301", R, "redirect(301, url)", headers=HTML)
case("redirect-303", "/redirect/303", R, "absolute URL, 303")
case("redirect-escape", "/redirect/escape", R, "HTML-escaped body, encoded Location", headers=HTML)
case("redirect-encode", "/redirect/encode", R, "non-ASCII and space encoded")
case("redirect-back", "/redirect/back", R, "'back' literal", headers={"Referer": "/from"})
case("redirect-post-307", "/redirect/post", R, "POST redirect 307", method="POST", body="x",
     headers={"Content-Type": "text/plain"})

# ---------------------------------------------------------------------------- §1 res.links
case("links", "/links", R, "Link header from an object")
case("links-twice", "/links/twice", R, "second call appends with ', '")
case("links-array", "/links/array", R, "array value: one entry per element")

# ---------------------------------------------------------------------------- §1 res.attachment
case("attach-none", "/attach/none", R, "no filename")
case("attach-pdf", "/attach/pdf", R, "token filename unquoted, type from extension")
case("attach-space", "/attach/space", R, "quoted filename")
case("attach-unicode", "/attach/unicode", R, "non-ASCII: fallback + filename*")
case("attach-path", "/attach/path", R, "basename of a path")

# ---------------------------------------------------------------------------- §1 res.format
case("format-no-accept", "/format", R, "no Accept: first key wins")
case("format-html", "/format", R, "text/html", headers=HTML)
case("format-json", "/format", R, "application/json", headers=JSON)
case("format-q", "/format", R, "q-values", headers={"Accept": "text/html;q=0.2, application/json;q=0.9"})
case("format-wildcard", "/format", R, "*/* -> first key", headers={"Accept": "*/*"})
case("format-text-wild", "/format", R, "text/* -> first text key", headers={"Accept": "text/*"})
case("format-406", "/format", R, "no match -> 406 page with Vary kept", headers={"Accept": "image/png"})
case("format-406-head", "/format", R, "HEAD 406", method="HEAD", headers={"Accept": "image/png"})
case("format-ext-json", "/format/ext", R, "extension keys", headers=JSON)
case("format-ext-html", "/format/ext", R, "extension keys -> html", headers=HTML)
case("format-default", "/format/default", R, "default key used on no match", headers={"Accept": "image/png"})
case("format-default-match", "/format/default", R, "default not used on a match", headers={"Accept": "text/plain"})
case("format-handler-args", "/format/args", R, "format handler taking (req, res, next)")

# ---------------------------------------------------------------------------- §1 res.locals
case("locals", "/locals", R, "res.locals per request across handlers; app.locals")

# ---------------------------------------------------------------------------- §1 write / end
case("stream-chunked", "/stream", R, "write+end: chunked, no CT")
case("stream-ct", "/stream/ct", R, "write with a preset type")
case("stream-cl", "/stream/cl", R, "write with a preset Content-Length: not chunked")
case("stream-bytes", "/stream/bytes", R, "write bytes")
case("stream-async", "/stream/async", R, "writes across awaits, status 202")
case("stream-head", "/stream", R, "HEAD of a streamed response", method="HEAD")
case("end-empty", "/end/empty", R, "bare end(): CL 0")
case("end-str", "/end/str", R, "end(str): CL, no CT, no ETag")
case("end-status", "/end/status", R, "status(404).end()")

# ---------------------------------------------------------------------------- §1 204/205/304 stripping
case("strip-204", "/strip/204", R, "204: CT/CL removed, ETag kept, no body")
case("strip-304", "/strip/304", R, "304 set by hand")
case("strip-205", "/strip/205", R, "205: CL 0, no body")
case("strip-204-json", "/strip/204-json", R, "204 with json()")
case("strip-204-end", "/strip/204-end", R, "204 with end()")
case("strip-204-headers", "/strip/204-headers", R, "204 keeps other headers")

# ---------------------------------------------------------------------------- §1 conditional GET
case("cond-inm-match", "/cond", R, "INM equal to the weak ETag -> 304", headers={"If-None-Match": HELLO_ETAG})
case("cond-inm-strong-form", "/cond", R, "INM strong form matches weak ETag -> 304",
     headers={"If-None-Match": HELLO_ETAG[2:]})
case("cond-inm-star", "/cond", R, "INM * -> 304", headers={"If-None-Match": "*"})
case("cond-inm-list", "/cond", R, "INM list containing the tag -> 304",
     headers={"If-None-Match": f'"a", {HELLO_ETAG} , "b"'})
case("cond-inm-other", "/cond", R, "INM different -> 200", headers={"If-None-Match": '"nope"'})
case("cond-no-cache", "/cond", R, "Cache-Control: no-cache defeats INM",
     headers={"If-None-Match": HELLO_ETAG, "Cache-Control": "no-cache"})
case("cond-cc-other", "/cond", R, "Cache-Control: max-age=0 does not defeat INM",
     headers={"If-None-Match": HELLO_ETAG, "Cache-Control": "max-age=0"})
case("cond-post", "/cond", R, "POST is never fresh", method="POST", body="",
     headers={"If-None-Match": HELLO_ETAG})
case("cond-head", "/cond", R, "HEAD with matching INM -> 304", method="HEAD",
     headers={"If-None-Match": HELLO_ETAG})
case("cond-404", "/cond/404", R, "404 is never fresh", headers={"If-None-Match": HELLO_ETAG})
case("cond-ims-newer", "/cond/lm", R, "IMS after Last-Modified -> 304",
     headers={"If-Modified-Since": "Thu, 02 Jan 2020 00:00:00 GMT"})
case("cond-ims-equal", "/cond/lm", R, "IMS equal -> 304",
     headers={"If-Modified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"})
case("cond-ims-older", "/cond/lm", R, "IMS before Last-Modified -> 200",
     headers={"If-Modified-Since": "Tue, 31 Dec 2019 00:00:00 GMT"})
case("cond-ims-invalid", "/cond/lm", R, "unparseable IMS -> 200", headers={"If-Modified-Since": "yesterday"})
case("cond-inm-over-ims", "/cond/lm", R, "INM mismatch wins over a fresh IMS",
     headers={"If-None-Match": '"nope"', "If-Modified-Since": "Thu, 02 Jan 2020 00:00:00 GMT"})
case("cond-json", "/cond/json", R, "JSON body ETag then 304",
     headers={"If-None-Match": 'W/"11-IkjuL6CqqtmReFMfkkvwC0sKj04"'})
case("etag-strong", "/strong/hello", R, "etag 'strong' sub-app: no W/")
case("etag-strong-json", "/strong/json", R, "strong ETag on JSON")
case("etag-strong-inm-weak", "/strong/hello", R, "weak INM matches a strong ETag -> 304",
     headers={"If-None-Match": HELLO_ETAG})
case("etag-false", "/noetag/hello", R, "etag false: no ETag")
case("etag-false-inm-star", "/noetag/hello", R, "etag false and INM * -> 304", headers={"If-None-Match": "*"})
case("etag-false-inm", "/noetag/hello", R, "etag false and INM tag -> 200", headers={"If-None-Match": HELLO_ETAG})
case("etag-fn", "/fnetag/long", R, "etag function result used")
case("etag-fn-none", "/fnetag/short", R, "etag function returning nothing: no ETag")
case("etag-fn-304", "/fnetag/long", R, "etag function + INM -> 304", headers={"If-None-Match": '"len-9"'})

# ---------------------------------------------------------------------------- §2 query
case("query-simple", "/req/query?a=1&a=2&b[c]=3&d=x+y&e&f=%C3%A9&g=a%26b", Q, "simple parser")
case("query-empty", "/req/query", Q, "no query -> {}")
case("query-blank", "/req/query?", Q, "bare ? -> {}")
case("query-bad-percent", "/req/query?a=%E0%A4%A&b=%zz", Q, "bad escapes kept as text (querystring)")
case("query-equals", "/req/query?a==b&=c&d=1=2", Q, "odd '=' placements")
case("query-extended", "/extq/query?b[c]=3&f[]=1&f[]=2&g[h][i]=j&k=1&k=2", Q, "query parser extended (qs)")
case("query-extended-index", "/extq/query?a[1]=b&a[0]=c", Q, "qs array indices")
case("query-false", "/noq/query?a=1", Q, "query parser false -> {}")

# ---------------------------------------------------------------------------- §2 params / paths
case("params-basic", "/req/p/tobi", Q, "one param")
case("params-decoded", "/req/p/caf%C3%A9", Q, "percent-decoded")
case("params-slash", "/req/p/a%2Fb", Q, "%2F decodes to /")
case("params-plus", "/req/p/a+b", Q, "+ kept")
case("params-space", "/req/p/a%20b", Q, "%20 -> space")
case("params-bad-encoding", "/req/p/%E0%A4%A", Q, "bad percent-encoding -> 400")
case("params-bad-encoding-2", "/req/p/%zz", Q, "%zz -> 400")
case("params-two", "/req/p2/x/y", Q, "two params")
case("params-trailing-slash", "/req/p/tobi/", Q, "trailing slash optional")
case("params-splat", "/req/splat/a/b%2Fc/d", Q, "splat: decoded array")
case("req-info", "/req/info?x=1", Q, "path/url/originalUrl/baseUrl at top level")
case("req-info-router", "/org/acme/info?q=1", Q, "mounted router: baseUrl holds the matched prefix")
case("req-info-router-case", "/ORG/Acme/info", Q, "baseUrl keeps the request's spelling")
case("req-info-nested", "/org/acme/teams/red?x=y", Q, "nested mergeParams router")
case("req-info-mw", "/mw/a/b?x=1", Q, "use('/mw'): url stripped")
case("req-info-mw-root", "/mw", Q, "use('/mw') on /mw: url '/'")
case("req-info-mw-root-query", "/mw?x=1", Q, "use('/mw') on /mw?x=1: url '/?x=1'")
case("req-info-mw-boundary", "/mwx", Q, "use('/mw') does not match /mwx -> 404")
case("req-info-mw-skip", "/mw/a?skip=1", Q, "middleware next() -> 404")
for _id, _path in [("deep", "/pfx/a/b?x=1"), ("root", "/pfx"), ("slash", "/pfx/"), ("query", "/pfx?x=1"),
                   ("case", "/PfX/a"), ("rewrite", "/pfx/a/b?rewrite=1"), ("rewrite-root", "/pfx?rewrite=1"),
                   ("rewrite-2", "/pfx/a/b?rewrite=2"), ("upper", "/pfx/a?up=1"), ("slashes", "/pfx//a"),
                   ("encoded", "/pfx/%41?x=%2F")]:
    case(f"req-info-pfx-{_id}", "/pt" + _path, Q,
         "use('/pfx', a, b, c) then more '/pfx' layers in a router: url, baseUrl, path per layer")
for _id, _path in [("root", "/rs"), ("query", "/rs?x=1"), ("slash", "/rs/"), ("deep", "/rs/a?y=2"),
                   ("fragment", "/rs#f"), ("query-fragment", "/rs?x=1#f"), ("regexp-boundary", "/rxy"),
                   ("regexp-later", "/qq/rx"), ("regexp", "/rx/a?z=1")]:
    case(f"req-info-restore-{_id}", _path, Q, "a route after use() prefixes: req.url as it came")
case("req-info-subapp", "/subapp/deep/info?z=1", Q, "mounted sub-app")

# ---------------------------------------------------------------------------- §2 headers
case("req-get", "/req/get", Q, "req.get/header; Referer read via Referrer",
     headers={"X-Custom": "yes", "Referer": "http://ref.example/"})
case("req-get-referrer", "/req/get", Q, "Referrer header read via Referer",
     headers={"Referrer": "http://other.example/"})
case("req-get-duplicate", "/req/get", Q, "a repeated request header is joined with ', '",
     headers=[("X-Custom", "one"), ("X-Custom", "two")])
case("req-get-none", "/req/get", Q, "absent headers -> null")
for label, accept in (("none", None), ("html", "text/html"), ("json-q", "application/json;q=0.5, text/html"),
                      ("star", "*/*"), ("png", "image/png"), ("text-wild", "text/*"),
                      ("browser", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                      ("zero-q", "application/json;q=0, */*")):
    case(f"accepts-{label}", "/req/accepts", Q, f"req.accepts with Accept {accept!r}",
         headers={"Accept": accept} if accept else {})
case("accepts-other-none", "/req/accepts-other", Q, "no Accept-* headers")
case("accepts-other", "/req/accepts-other", Q, "encodings, charsets, languages",
     headers={"Accept-Encoding": "gzip;q=0.5, br", "Accept-Charset": "iso-8859-1, utf-8;q=0.7",
              "Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
case("accepts-other-identity", "/req/accepts-other", Q, "identity;q=0 and *",
     headers={"Accept-Encoding": "*, identity;q=0", "Accept-Language": "en-US"})
case("is-json", "/req/is", Q, "req.is with a JSON body", method="POST",
     headers={"Content-Type": "application/json; charset=utf-8"}, body="{}")
case("is-vnd-json", "/req/is", Q, "req.is with +json", method="POST",
     headers={"Content-Type": "application/vnd.api+json"}, body="{}")
case("is-html", "/req/is", Q, "req.is with text/html", method="POST",
     headers={"Content-Type": "text/html"}, body="<p>")
case("is-no-body", "/req/is", Q, "no body -> null")
case("is-no-ct", "/req/is", Q, "body without CT -> false", method="POST", body="raw")
case("is-empty-body", "/req/is", Q, "CL 0 counts as a body", method="POST",
     headers={"Content-Type": "application/json"}, body="")
for label, rng, q in (("none", None, ""), ("single", "bytes=0-99", ""), ("suffix", "bytes=-100", ""),
                      ("open", "bytes=500-", ""), ("multi", "bytes=0-99,200-299", ""),
                      ("overlap", "bytes=0-99,50-150", ""), ("combine", "bytes=0-99,50-150,500-", "?combine=1"),
                      ("clamped", "bytes=900-2000", ""), ("unsatisfiable", "bytes=2000-3000", ""),
                      ("malformed", "bytes=abc", ""), ("unit", "items=0-5", ""), ("no-equals", "bytes", "")):
    case(f"range-{label}", "/req/range" + q, Q, f"req.range(1000) with Range {rng!r}",
         headers={"Range": rng} if rng else {})
case("xhr-yes", "/req/xhr", Q, "X-Requested-With: XMLHttpRequest", headers={"X-Requested-With": "XMLHttpRequest"})
case("xhr-case", "/req/xhr", Q, "case-insensitive", headers={"X-Requested-With": "xmlhttprequest"})
case("xhr-no", "/req/xhr", Q, "absent -> false")

# ---------------------------------------------------------------------------- §2 ip / host / protocol
XFF = {"X-Forwarded-For": "203.0.113.5, 198.51.100.7", "X-Forwarded-Proto": "https, http",
       "X-Forwarded-Host": "proxy.example.org:8443, other"}
case("net-untrusted", "/req/net", Q, "no trust proxy: socket address, X-Forwarded-* ignored",
     host="tobi.ferrets.example.com:3000", headers=XFF)
case("net-plain", "/req/net", Q, "plain Host with port", host="example.com:8080")
case("net-ipv6-host", "/req/net", Q, "IPv6 Host keeps brackets", host="[::1]:8080")
case("net-ip-host", "/req/net", Q, "IP Host: no subdomains", host="127.0.0.1:3000")
case("net-deep-subdomains", "/req/net", Q, "subdomains reversed", host="a.b.c.example.co.uk")
case("net-trust-all", "/trust/net", Q, "trust proxy true", host="internal:3000", headers=XFF)
case("net-trust-all-no-xff", "/trust/net", Q, "trust proxy true without X-Forwarded-*", host="internal:3000")
case("net-trust-one", "/trust1/net", Q, "trust proxy 1", host="internal", headers=XFF)
case("net-trust-loopback", "/trustlb/net", Q, "trust proxy 'loopback'", host="internal", headers=XFF)
case("net-trust-list", "/trustlist/net", Q, "trust proxy list with a CIDR", host="internal", headers=XFF)
case("net-trust-fn", "/trustfn/net", Q, "trust proxy function (addr, i) -> i < 2", host="internal", headers=XFF)
case("net-subdomain-offset", "/suboffset/net", Q, "subdomain offset 1", host="tobi.ferrets.example.com")
case("settings", "/settings", A, "app.get(setting)/enabled/disabled in production")

# ---------------------------------------------------------------------------- §2 fresh / stale
case("fresh-none", "/req/fresh", Q, "no conditional headers: stale")
case("fresh-inm", "/req/fresh", Q, "INM equal -> fresh", headers={"If-None-Match": '"abc"'})
case("fresh-inm-weak", "/req/fresh", Q, "INM weak form -> fresh", headers={"If-None-Match": 'W/"abc"'})
case("fresh-inm-star", "/req/fresh", Q, "INM * -> fresh", headers={"If-None-Match": "*"})
case("fresh-no-cache", "/req/fresh", Q, "no-cache -> stale",
     headers={"If-None-Match": '"abc"', "Cache-Control": "public, no-cache"})
case("fresh-ims", "/req/fresh?lm=1", Q, "IMS with Last-Modified -> fresh",
     headers={"If-Modified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"})
case("fresh-ims-no-lm", "/req/fresh", Q, "IMS without Last-Modified -> stale",
     headers={"If-Modified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"})

# ---------------------------------------------------------------------------- §3 path syntax
for label, path in (("opt-none", "/rt/opt"), ("opt-some", "/rt/opt/1"), ("file-ext", "/rt/file.tar.gz"),
                    ("file-none", "/rt/file"), ("pair", "/rt/pair/x-y-z"), ("star", "/rt/star/a/b/c"),
                    ("star-empty", "/rt/star"), ("star-slash", "/rt/star/"), ("zstar-none", "/rt/zstar"),
                    ("zstar-some", "/rt/zstar/a/b"), ("escaped", "/rt/esc(x)"), ("quoted", "/rt/q/val"),
                    ("regex", "/rt/re/123"), ("regex-nomatch", "/rt/re/abc"), ("regex-named", "/rt/named/42"),
                    ("array-1", "/rt/arr1"), ("array-2", "/rt/arr2/zz"), ("case-insensitive", "/RT/CASE"),
                    ("trailing-slash", "/rt/case/"), ("double-slash", "/rt/case//"),
                    ("route-path", "/rt/route/9"), ("nested-arrays", "/rt/nested")):
    case(f"path-{label}", path, A, f"path syntax: {path}")
for label, path in (("first", "/many/r0"), ("fourth", "/many/r3"), ("last", "/many/r29"),
                    ("folded", "/many/R17/"), ("regex", "/many/r25x"), ("prefix", "/many/r2/x"),
                    ("prefix-exact", "/many/r2"), ("next-route", "/many/r25"), ("query", "/many/r29?q=1"),
                    ("miss", "/many/nope")):
    case(f"many-routes-{label}", path, A, f"30 literal routes and others: {path}")
case("many-routes-options", "/many/r25", A, "OPTIONS: Allow from both /r25 routes", method="OPTIONS")
case("many-routes-post", "/many/r25", A, "POST reaches the later route", method="POST")
case("strict-match", "/strict/x", A, "strict router: exact")
case("strict-extra-slash", "/strict/x/", A, "strict router: trailing slash -> 404")
case("strict-slash-route", "/strict/y/", A, "strict router: route with slash")
case("strict-missing-slash", "/strict/y", A, "strict router: slash required -> 404")
case("case-sensitive-match", "/cs/Abc", A, "caseSensitive router: exact case")
case("case-sensitive-miss", "/cs/abc", A, "caseSensitive router: other case -> 404")
case("csapp-match", "/csapp/Path/", A, "sub-app with case sensitive + strict routing")
case("csapp-miss-case", "/csapp/path/", A, "sub-app case sensitive -> 404")
case("csapp-miss-slash", "/csapp/Path", A, "sub-app strict -> 404")
case("merge-params", "/merge/m1/x/i1", A, "mergeParams: parent params visible")
case("merge-params-same-name", "/merge/m1/same/m2", A, "mergeParams: child wins on the same name")
case("no-merge-params", "/nomerge/m1/x/i1", A, "without mergeParams only own params")

# ---------------------------------------------------------------------------- §3 next() variants
case("next-route", "/nr", A, "next('route') skips the rest of the route")
case("next-router", "/nrr/x", A, "next('router') leaves the router")
case("next-chain", "/mwchain", A, "next() across handlers and routes")
case("after-next-router-end", "/after/end", A, "a router passed to its end: what its last layer does after next() comes first")
case("after-next-router-left", "/after/left", A, "next('router'): what the layer does after it comes first")
case("after-next-final", "/final-after", A, "a header set after next() reaches the final handler's 404 page")
case("err-string", "/err/string", A, "next('boom') -> 500 page")
case("err-error", "/err/error", A, "next(Error) -> 500 page")
case("err-throw", "/err/throw", A, "sync throw -> 500 page")
case("err-throw-chain", "/err/throw-chain", A, "sync throw in a route's second handler -> 500 page")
case("err-in-route", "/err/in-route", A, "an error handler in the route's own stack takes a throw before it")
case("err-404", "/err/404", A, "err.status 404 -> 404 page")
case("err-403-statuscode", "/err/403-statuscode", A, "err.statusCode 403")
case("err-418", "/err/418", A, "err.status 418 -> I'm a Teapot page")
case("err-503-thrown", "/err/503", A, "thrown error with status 503")
case("err-600", "/err/600", A, "status outside 400-599 -> 500")
case("err-302", "/err/302", A, "status 302 on an error -> 500")
case("err-res-status", "/err/res-status", A, "no err.status: res.statusCode 404 used")
case("err-res-status-201", "/err/res-status-200", A, "res.statusCode 201 not an error code -> 500")
case("err-headers", "/err/headers", A, "err.headers applied with a 4xx status")
case("err-headers-no-status", "/err/headers-no-status", A, "err.headers ignored without a status")
case("err-kept-headers", "/err/kept-headers", A, "earlier headers kept, Content-Language removed")
case("err-head", "/err/head", A, "HEAD of an error page", method="HEAD")
case("async-reject", "/async/reject", A, "async handler rejection -> 500")
case("async-reject-404", "/async/reject-404", A, "async rejection with status 404")
case("async-ok", "/async/ok", A, "async handler that awaits then sends")
case("eh-router-throw", "/eh/throw", A, "router error handler gets the error")
case("eh-router-string", "/eh/string", A, "error handler receives a string error")
case("eh-router-pass", "/eh/status", A, "error handler passes to the final handler")
case("eh-chain", "/ehchain/x", A, "two error handlers in a row")

# ---------------------------------------------------------------------------- §3 app.param
case("param-once", "/param/7", A, "app.param runs once per value across two routes")
case("param-list", "/params2/one/two", A, "app.param with a list of names")
case("param-error", "/badparam/fail", A, "app.param error -> next(err)")
case("param-ok", "/badparam/fine", A, "app.param passing")

# ---------------------------------------------------------------------------- §3 HEAD / OPTIONS / all / route
case("head-override", "/headonly", A, "app.head wins over GET for HEAD", method="HEAD")
case("head-get", "/headonly", A, "GET still uses the GET handler")
case("options-auto", "/opts", A, "automatic OPTIONS: Allow sorted, text/plain without charset", method="OPTIONS")
case("options-custom", "/opts-custom", A, "explicit app.options", method="OPTIONS")
case("options-404", "/nowhere", A, "OPTIONS with no route -> 404", method="OPTIONS")
case("options-all", "/all", A, "app.all answers OPTIONS itself", method="OPTIONS")
case("options-route-all", "/book", A, "route.all answers OPTIONS", method="OPTIONS")
case("options-route", "/book2", A, "app.route methods in Allow", method="OPTIONS")
case("options-head", "/opts", A, "HEAD of a route without app.head", method="HEAD")
case("method-not-routed", "/opts", A, "PUT on a GET/POST route -> 404", method="PUT", body="")
case("all-post", "/all", A, "app.all POST", method="POST", body="")
case("all-delete", "/all", A, "app.all DELETE", method="DELETE")
case("all-patch", "/all", A, "app.all PATCH", method="PATCH", body="x")
case("route-get", "/book", A, "app.route get")
case("route-post", "/book", A, "app.route post", method="POST", body="")
case("route-all-put", "/book", A, "app.route all", method="PUT", body="")
case("route-put-404", "/book2", A, "app.route: method without handler -> 404", method="DELETE")

# ---------------------------------------------------------------------------- §3 final handler 404
case("404-plain", "/nope", A, "Cannot GET /nope")
case("404-query-dropped", "/nope?q=1", A, "query dropped from the message")
case("404-encoded", "/nope/<x>?q", A, "path HTML-encoded via encodeurl")
case("404-percent", "/nope/%E2%98%83/a%20b", A, "existing escapes kept")
case("404-quote", "/nope/'\"&", A, "quotes and ampersand escaped")
case("404-post", "/nope", A, "Cannot POST", method="POST", body="data")
case("404-head", "/nope", A, "HEAD 404: headers only", method="HEAD")
case("404-delete", "/nope", A, "Cannot DELETE", method="DELETE")
case("404-absolute-form", "http://example.com/abs/path?x=1", A, "absolute-form request target")

# ---------------------------------------------------------------------------- edge cases
case("quirk-subapp-powered-by", "/nopb/hello", W, "sub-app disable('x-powered-by') still emits it (parent set it)")
case("err-599", "/err/599", A, "error status 599: 'unknown' reason, page text")
case("err-499", "/err/499", A, "error status 499 (no standard message)")
case("eh-throws", "/ehthrow/x", A, "an error handler that throws: its error reaches the final handler")
case("set-ct-array", "/set/ct-array", R, "array Content-Type throws -> 500")
case("vary-preset", "/vary/preset", R, "vary appends to a Vary set by hand")
case("links-preset", "/links/preset", R, "links appends to a Link set by hand")
case("type-charset", "/type/charset", R, "type with a charset, then send(str) replaces it")
case("stream-large", "/stream/large", R, "100 writes of 1 KiB")
case("stream-error", "/stream/error", A, "error after headers were sent: the connection is cut")
case("next-after-send", "/next-after-send", A, "next() after send: the first response stands")
case("404-encoded-match", "/wire/%68ello", A, "routes match the encoded path: %68 is not 'h'")
case("404-dotdot", "/nope/../x", A, "no path normalisation")
case("404-router-root", "/org/acme/", A, "router mounted, no route for its root")
case("query-repeat-3", "/req/query?a=1&a=2&a=3", Q, "three values")
case("query-brackets-simple", "/req/query?a[]=1&a[]=2", Q, "simple parser keeps a[] literal")
case("query-key-decode", "/req/query?%20k%20=v&x%5By%5D=1&e=%F0%9F%98%80", Q, "keys decoded, emoji value")
case("query-extended-repeat", "/extq/query?a=1&a=2&a[b]=3", Q, "qs: mixing a and a[b]")
case("accepts-params", "/req/accepts", Q, "Accept with media type params", headers={"Accept": "text/html;level=1"})
case("format-accept-charset", "/format", R, "Accept param charset", headers={"Accept": "text/plain; charset=utf-8"})
case("options-router", "/org/acme/info", A, "automatic OPTIONS through a mounted router", method="OPTIONS")
case("options-two-layers", "/nrr/x", A, "OPTIONS collects methods from router and app routes", method="OPTIONS")
case("options-param-route", "/wire/status/200", A, "OPTIONS on a param route", method="OPTIONS")
case("options-star", "*", A, "OPTIONS * (asterisk-form)", method="OPTIONS")
case("head-all", "/all", A, "HEAD through app.all", method="HEAD")
case("all-purge", "/all", A, "app.all with an extension method (PURGE)", method="PURGE")
case("is-chunked-body", "/req/is", Q, "Transfer-Encoding: chunked counts as a body", method="POST",
     raw=b"POST /req/is HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\n"
         b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
case("expect-continue", "/wire/any", W, "Expect: 100-continue gets an interim 100 first", method="POST",
     headers={"Expect": "100-continue", "Content-Type": "text/plain"}, body="continued")
case("pipelined", "/wire/hello", W, "three pipelined requests on one connection (keep-alive, HEAD, close)",
     raw=b"GET /wire/hello HTTP/1.1\r\nHost: example.com\r\n\r\n"
         b"HEAD /stream HTTP/1.1\r\nHost: example.com\r\n\r\n"
         b"GET /stream HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
     methods=("GET", "HEAD", "GET"))
case("pipelined-errors", "/nope", W, "pipelined 404, error page and 304 on one connection",
     raw=b"GET /nope HTTP/1.1\r\nHost: example.com\r\n\r\n"
         b"GET /err/418 HTTP/1.1\r\nHost: example.com\r\n\r\n"
         b"GET /cond HTTP/1.1\r\nHost: example.com\r\nIf-None-Match: *\r\nConnection: close\r\n\r\n",
     methods=("GET", "GET", "GET"))
case("pipelined-post", "/wire/any", W, "pipelined POST with a body, then GET",
     raw=b"POST /wire/any HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello"
         b"GET /wire/hello HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
     methods=("POST", "GET"))
case("set-latin1-value", "/set/latin1", R, "a Latin-1 header value goes out as one byte per char")
case("set-non-latin1-value", "/set/snowman", R, "a header value outside Latin-1 is refused -> 500")
case("set-crlf-value", "/set/crlf", R, "CR/LF in a header value is refused -> 500, nothing injected")
case("set-bad-name", "/set/bad-name", R, "a space in a header name is refused -> 500")
for label, fname in (("quote", 'a"b.txt'), ("percent", "100%.txt"), ("percent-hex", "a%20b.txt"),
                     ("semicolon", "a;b.txt"), ("no-ext", "README"), ("upper-ext", "PHOTO.JPG"),
                     ("backslash", "dir\\file.txt")):
    case(f"attach-{label}", "/attach?f=" + quote(fname, safe=""), R, f"attachment({fname!r})")
case("jsonp-callback-unicode", "/jsonp?callback=cb%C3%A9%E2%82%AC", R, "\\w in the callback filter is ASCII-only")
case("jsonp-callback-all-stripped", "/jsonp?callback=%3C%3E", R, "callback empty after stripping")
case("query-proto-simple", "/req/query?__proto__=1&constructor=2&toString=3", Q, "prototype-ish keys, simple parser")
case("query-proto-extended", "/extq/query?__proto__[x]=1&a[constructor]=2&b=3", Q, "prototype-ish keys, qs")
case("query-extended-array-limit", "/extq/query?a[21]=x&b[1]=y&b[3]=z", Q, "qs arrayLimit 20 and sparse arrays")
case("query-extended-depth", "/extq/query?a[b][c][d][e][f][g][h]=1", Q, "qs depth 5")
case("query-extended-dots", "/extq/query?a.b=1&c[]=&d[e]", Q, "qs: dots are literal, empty values")
case("query-semicolon", "/req/query?a=1;b=2&c=%", Q, "';' is not a separator; a lone % is kept")
case("query-plus", "/req/query?a+b=c+d&e=%2B", Q, "+ in keys and %2B")
case("params-percent25", "/req/p/100%25", Q, "%25 decodes to %")
case("req-header-latin1", "/req/get", Q, "non-ASCII request header bytes are read as Latin-1",
     raw="GET /req/get HTTP/1.1\r\nHost: example.com\r\nX-Custom: caf\u00e9\r\nConnection: close\r\n\r\n".encode())
case("req-header-padded", "/req/get", Q, "header value whitespace trimmed",
     raw=b"GET /req/get HTTP/1.1\r\nHost: example.com\r\nX-Custom: \t padded \t\r\nConnection: close\r\n\r\n")
case("net-host-upper", "/req/net", Q, "Host case kept", host="Tobi.Example.COM")
case("net-absolute-form", "/req/net", Q, "absolute-form target: Host header still used",
     raw=b"GET http://other.test/req/net HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
case("net-xff-junk", "/trust/net", Q, "XFF with a non-IP entry and blanks", host="internal",
     headers={"X-Forwarded-For": "unknown, , 198.51.100.7"})
case("net-xfh-ipv6", "/trust/net", Q, "X-Forwarded-Host with IPv6", host="internal",
     headers={"X-Forwarded-Host": "[2001:db8::1]:8080"})
case("net-trust-lb-junk", "/trustlb/net", Q, "loopback trust stops at a non-IP entry", host="internal",
     headers={"X-Forwarded-For": "203.0.113.5, unknown"})
case("wire-unknown-method", "/all", W, "a method Node does not know -> 400 from the server",
     raw=b"FOO /all HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
case("wire-garbage", "/", W, "a malformed request line -> 400 from the server", raw=b"GARBAGE\r\n\r\n")
def _no_host_answer(expected: dict[str, object]) -> dict[str, object]:
    # Node writes this one client error with a chunked empty body; fastexpress answers it like
    # every other refused request: the bare status head and Connection: close.
    headers = [h for h in expected["headers"] if h[0] != "transfer-encoding"]  # type: ignore[attr-defined]
    return {**expected, "headers": headers, "body": b""}


case("wire-no-host", "/wire/hello", W, "HTTP/1.1 without Host -> 400 from the server", host=None,
     deliberate="Node answers a missing Host with a chunked empty body; fastexpress with a bare head",
     expect_python=_no_host_answer)
case("wire-huge-header", "/wire/hello", W, "headers over 16 KiB -> 431 from the server",
     headers={"X-Big": "x" * 20000})
case("sendstatus-head", "/wire/status/404", W, "HEAD of sendStatus", method="HEAD")
case("vary-comma-list", "/vary/list", R, "request Vary unaffected; vary(list) then duplicate")
case("inherit-json-spaces", "/jsonspaces/inner/obj", A, "a sub-sub-app inherits json spaces from its parent")
case("inherit-mountpath", "/jsonspaces/inner/where", A, "mountpath and parent of nested apps")
case("subapp-mountpath", "/subapp/where", A, "mountpath of a mounted app")
case("subapp-restores-app", "/jsonspaces/pass", A, "after falling out of a sub-app, the parent's settings apply")
case("inherit-trust-proxy", "/trust/inner/net", Q, "trust proxy inherited by a nested sub-app", host="internal",
     headers=XFF)
case("subapp-404", "/subapp/missing", A, "404 inside a mounted app: the parent's final handler")
case("use-path-array-a", "/ma/echo", A, "app.use with a list of paths (first)")
case("use-path-array-b", "/mb/echo?x=1", A, "app.use with a list of paths (second)")
case("async-next", "/async/next", A, "async handler calling next() after an await")
case("router-param", "/prouter/hello", A, "router.param on a Router")
case("router-param-throws", "/prouter/throw", A, "a throwing param callback -> its status")
