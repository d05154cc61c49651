"""Cases of the files suite: res.sendFile, res.download and express.static (send 1.2.1,
serve-static 2.2.1), app.js vs app.py. Every file of public/ has the mtime
2021-06-15T12:34:56.789Z in both apps, so ETag and Last-Modified compare byte for byte."""
from __future__ import annotations

from cases import Case, case_adder  # tests/compat/cases.py (on sys.path through the harness)
from harness import DEFAULT_HOST, build_request

CASES: list[Case] = []
SF, DL, ST = "§1 sendFile", "§1 download", "§1 express.static"

LM = "Tue, 15 Jun 2021 12:34:56 GMT"
MTIME_HEX = "%x" % 1623760496789  # the mtime in ms, as in a file ETag
HELLO_ETAG = f'W/"c-{MTIME_HEX}"'  # 12 bytes
DIGITS_ETAG = f'W/"a-{MTIME_HEX}"'  # 10 bytes


case = case_adder(CASES)


def raw_get(target: str) -> bytes:
    """A request line sent exactly as written (no client-side normalisation of the path)."""
    return build_request("GET", target, (), None, host=DEFAULT_HOST)


# ---------------------------------------------------------------------------- res.sendFile
case("sf-abs", "/sf/abs", SF, "absolute path: Accept-Ranges, Cache-Control, Last-Modified, ETag, CT, CL")
case("sf-abs-head", "/sf/abs", SF, "HEAD: the same headers, no body", method="HEAD")
case("sf-root-param", "/sf/root/hello.txt", SF, "relative name with root")
case("sf-root-param-traversal", "/sf/root/..%2Fapp.js", SF, "decoded ../ in a param with root -> 403 page")
case("sf-root-param-dotfile", "/sf/root/.hidden", SF, "dotfile in the name -> ignored -> 404 page")
case("sf-rel-root", "/sf/rel-root/sub/page.html", SF, "root relative to the working directory")
case("sf-relative-no-root", "/sf/relative", SF, "relative path without root: TypeError -> 500")
case("sf-no-path", "/sf/no-path", SF, "no path: TypeError -> 500")
case("sf-missing", "/sf/missing", SF, "ENOENT -> next(err) -> 404 page")
case("sf-dir", "/sf/dir", SF, "a directory -> next() -> Cannot GET")
case("sf-dir-slash", "/sf/dir-slash", SF, "a directory with a slash: index.html")
for value in ("1d", "2h", "1000", "1500", "-5", "99999999999999", "abc", "1.5h", "1 day", "5s", "0", "2.5"):
    case(f"sf-maxage-{value.replace(' ', '_')}", f"/sf/maxage/{value.replace(' ', '%20')}", SF,
         f"maxAge {value!r}: ms rules, floored, clamped to 0..1y")
case("sf-immutable", "/sf/immutable", SF, "maxAge 1d + immutable")
case("sf-no-cache-control", "/sf/no-cache-control", SF, "cacheControl false: no Cache-Control at all")
case("sf-no-last-modified", "/sf/no-last-modified", SF, "lastModified false")
case("sf-no-ranges", "/sf/no-ranges", SF, "acceptRanges false: Range ignored, no Accept-Ranges",
     headers={"Range": "bytes=0-1"})
case("sf-headers", "/sf/headers", SF, "options.headers first, their Content-Type wins")
case("sf-headers-missing", "/sf/headers-missing", SF, "options.headers are not set on an error")
for mode in ("default", "ignore", "deny", "allow"):
    case(f"sf-dotfiles-{mode}", f"/sf/dotfiles/{mode}", SF, f"dotfiles {mode}")
case("sf-dotdir-allow", "/sf/dotdir", SF, "a file in a dot directory with dotfiles allow")
case("sf-dotfile-abs", "/sf/dotfile-abs", SF, "absolute path to a dotfile without root: ignored -> 404")
case("sf-preset", "/sf/preset", SF, "headers set before sendFile are kept (ETag, Cache-Control, CT)")
case("sf-preset-inm", "/sf/preset", SF, "a preset ETag is what If-None-Match compares with",
     headers={"If-None-Match": '"custom"'})
case("sf-status", "/sf/status", SF, "res.status(201) is kept")
case("sf-cb-error", "/sf/cb-error", SF, "callback gets the 404 error: status, code ENOENT, expose false")
case("sf-cb-dir", "/sf/cb-dir", SF, "callback gets EISDIR for a directory")
case("sf-cb-ok", "/sf/cb-ok", SF, "callback on success: the file is sent")
case("sf-cb-options", "/sf/cb-options", SF, "options and callback")
case("sf-cb-traversal", "/sf/cb-traversal", SF, "callback gets 403 for ../ with root")
case("sf-traversal-noroot", "/sf/traversal-noroot", SF, "an absolute path with .. -> 403 page")
case("sf-start-end", "/sf/start-end", SF, "start/end options: bytes 2..5")
case("sf-start-end-range", "/sf/start-end", SF, "a Range inside start/end", headers={"Range": "bytes=1-2"})
case("sf-big", "/sf/big", SF, "a 200 KiB file (streamed)")
case("sf-big-range", "/sf/big", SF, "a range of a streamed file", headers={"Range": "bytes=100000-170000"})
case("sf-big-head", "/sf/big", SF, "HEAD of the big file", method="HEAD")
case("sf-json", "/sf/file/nested/deep/file.json", SF, "application/json; charset=utf-8")
case("sf-html", "/sf/file/page.html", SF, "text/html; charset=utf-8")
case("sf-css", "/sf/file/style.css", SF, "text/css; charset=utf-8")
case("sf-noext", "/sf/file/noext", SF, "no extension: application/octet-stream")
case("sf-empty", "/sf/file/empty.txt", SF, "an empty file: CL 0, ETag 0-")
case("sf-empty-range", "/sf/file/empty.txt", SF, "a range of an empty file: 416 bytes */0",
     headers={"Range": "bytes=0-"})
case("sf-space", "/sf/file/with%20space.txt", SF, "a name with a space")
case("sf-unicode", "/sf/file/caf%C3%A9.txt", SF, "a non-ASCII name")
case("sf-index", "/sf/index", SF, "a directory path with a trailing slash serves index.html")
case("sf-index-off", "/sf/index-off", SF, "index false: a directory -> next() -> Cannot GET")
case("sf-trailing-file", "/sf/trailing-file", SF, "a file with a trailing slash: ENOTDIR -> 404")
case("sf-nul", "/sf/nul", SF, "NUL in the path -> 400 page")
case("sf-percent", "/sf/percent", SF, "%2e%2e in a sendFile path is literal (encodeURI first) -> 404")
case("sf-extensions", "/sf/extensions", SF, "extensions option: page -> page.html")
case("sf-noetag-app", "/noetag/file", SF, "the app's etag setting disabled: no ETag")

# ---------------------------------------------------------------------------- conditionals and ranges
CR = "§1 sendFile conditionals/ranges"
D = "/static/digits.txt"
for rid, value in (("first5", "bytes=0-4"), ("suffix", "bytes=-3"), ("open", "bytes=7-"),
                   ("clamped", "bytes=5-100"), ("several", "bytes=0-1,5-6"), ("combined", "bytes=0-1,1-3"),
                   ("unsatisfiable", "bytes=20-30"), ("other-unit", "items=0-1"), ("garbage", "bytes=abc"),
                   ("spaces", " bytes=2-3"), ("zero-suffix", "bytes=-0"), ("start-past", "bytes=10-"),
                   ("reversed", "bytes=5-2"), ("whole", "bytes=0-")):
    case(f"range-{rid}", D, CR, f"Range: {value}", headers={"Range": value})
case("range-head", D, CR, "HEAD with a range: 206 headers", method="HEAD", headers={"Range": "bytes=0-4"})
case("if-range-etag-match", D, CR, "If-Range with the ETag -> 206",
     headers={"Range": "bytes=0-4", "If-Range": DIGITS_ETAG})
case("if-range-etag-stale", D, CR, "If-Range with another ETag -> 200 full",
     headers={"Range": "bytes=0-4", "If-Range": 'W/"a-1"'})
case("if-range-date-equal", D, CR, "If-Range with the Last-Modified date -> 206",
     headers={"Range": "bytes=0-4", "If-Range": LM})
case("if-range-date-old", D, CR, "If-Range with an older date -> 200",
     headers={"Range": "bytes=0-4", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"})
case("if-range-garbage", D, CR, "If-Range that is neither -> 200",
     headers={"Range": "bytes=0-4", "If-Range": "garbage"})
case("inm-match", D, CR, "If-None-Match with the ETag -> 304 (CT, CL removed)",
     headers={"If-None-Match": DIGITS_ETAG})
case("inm-strong-form", D, CR, "If-None-Match with the strong form of the weak ETag -> 304",
     headers={"If-None-Match": f'"a-{MTIME_HEX}"'})
case("inm-list", D, CR, "If-None-Match list containing the ETag -> 304",
     headers={"If-None-Match": '"x", ' + DIGITS_ETAG})
case("inm-star", D, CR, "If-None-Match * -> 304", headers={"If-None-Match": "*"})
case("inm-mismatch", D, CR, "If-None-Match mismatch -> 200", headers={"If-None-Match": 'W/"nope"'})
case("inm-no-cache", D, CR, "If-None-Match match but Cache-Control: no-cache -> 200",
     headers={"If-None-Match": DIGITS_ETAG, "Cache-Control": "no-cache"})
case("ims-equal", D, CR, "If-Modified-Since = Last-Modified -> 304", headers={"If-Modified-Since": LM})
case("ims-old", D, CR, "If-Modified-Since older -> 200",
     headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
case("ims-garbage", D, CR, "If-Modified-Since garbage -> 200", headers={"If-Modified-Since": "yesterday"})
case("if-match-ok", D, CR, "If-Match with the ETag -> 200", headers={"If-Match": DIGITS_ETAG})
case("if-match-star", D, CR, "If-Match * -> 200", headers={"If-Match": "*"})
case("if-match-fail", D, CR, "If-Match mismatch -> 412 page, file headers kept",
     headers={"If-Match": '"other"'})
case("if-match-fail-nofall", "/static-nofall/digits.txt", CR, "412 without fallthrough",
     headers={"If-Match": '"other"'})
case("ius-old", D, CR, "If-Unmodified-Since older -> 412",
     headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
case("ius-new", D, CR, "If-Unmodified-Since newer -> 200",
     headers={"If-Unmodified-Since": "Mon, 01 Jan 2035 00:00:00 GMT"})
case("ius-garbage", D, CR, "If-Unmodified-Since garbage is ignored -> 200",
     headers={"If-Unmodified-Since": "garbage"})
case("inm-and-range", D, CR, "If-None-Match match wins over Range -> 304",
     headers={"If-None-Match": DIGITS_ETAG, "Range": "bytes=0-1"})
case("sf-inm-match", "/sf/abs", CR, "sendFile: If-None-Match -> 304", headers={"If-None-Match": HELLO_ETAG})
case("sf-if-match-fail", "/sf/abs", CR, "sendFile: 412 -> next(err) page with file headers",
     headers={"If-Match": '"other"'})
case("sf-unsatisfiable", "/sf/abs", CR, "sendFile: 416 page with Content-Range",
     headers={"Range": "bytes=100-200"})
case("sf-status-inm", "/sf/status", CR, "status 201 and a matching If-None-Match -> 304",
     headers={"If-None-Match": HELLO_ETAG})

# ---------------------------------------------------------------------------- res.download
case("dl-plain", "/dl/plain", DL, "attachment; filename=hello.txt")
case("dl-name", "/dl/name", DL, "a different filename; CT still from the path")
case("dl-unicode", "/dl/unicode", DL, "non-ASCII filename: fallback plus filename*")
case("dl-space", "/dl/space", DL, "quoted filename")
case("dl-path-name", "/dl/path-name", DL, "the basename of the filename")
case("dl-headers", "/dl/headers", DL, "options.headers merged, their Content-Disposition ignored")
case("dl-relative", "/dl/relative", DL, "relative path resolved against the working directory")
case("dl-root", "/dl/root", DL, "root option")
case("dl-options-only", "/dl/options-only", DL, "options in the filename position")
case("dl-missing", "/dl/missing", DL, "missing file -> 404 page")
case("dl-cb", "/dl/cb", DL, "callback in the filename position")
case("dl-name-cb", "/dl/name-cb", DL, "callback in the options position")
case("dl-head", "/dl/plain", DL, "HEAD of a download", method="HEAD")

# ---------------------------------------------------------------------------- express.static
case("st-file", "/static/hello.txt", ST, "a file")
case("st-head", "/static/hello.txt", ST, "HEAD", method="HEAD")
case("st-root-index", "/static/", ST, "the mount with a slash: index.html")
case("st-mount-redirect", "/static", ST, "the mount without a slash: 301 to /static/")
case("st-mount-redirect-query", "/static?a=b", ST, "mount redirect keeps the query")
case("st-dir-redirect", "/static/sub", ST, "a directory: 301 with the redirect page")
case("st-dir-redirect-query", "/static/sub?x=1&y=%20", ST, "301 keeps the query")
case("st-dir-redirect-head", "/static/sub", ST, "HEAD of a redirect", method="HEAD")
case("st-dir-redirect-encoded", "/static/nested%2Fdeep", ST, "a directory reached through %2F")
case("st-dir-index", "/static/sub/", ST, "a directory with a slash: index.html")
case("st-sub-file", "/static/sub/page.html", ST, "a file in a directory")
case("st-missing", "/static/missing.txt", ST, "missing: falls through to Cannot GET")
case("st-post", "/static/hello.txt", ST, "POST falls through", method="POST", body="x")
case("st-put-nofall", "/static-nofall/hello.txt", ST, "PUT without fallthrough: 405 Allow: GET, HEAD",
     method="PUT", body="x")
case("st-options-nofall", "/static-nofall/hello.txt", ST, "OPTIONS without fallthrough: 405", method="OPTIONS")
case("st-dotfile", "/static/.hidden", ST, "dotfile ignored: falls through")
case("st-dotdir", "/static/.dotdir/inside.txt", ST, "a file in a dot directory: ignored")
case("st-dotfile-deny", "/static-deny/.hidden", ST, "deny -> 403 -> falls through (4xx)")
case("st-dotfile-deny-nofall", "/static-nofall-deny/.hidden", ST, "deny without fallthrough: 403 page")
case("st-dotfile-allow", "/static-allow/.hidden", ST, "allow: served")
case("st-dotdir-allow", "/static-allow/.dotdir/inside.txt", ST, "allow: a file in a dot directory")
case("st-dotfile-nofall", "/static-nofall/.hidden", ST, "ignored without fallthrough: 404 page")
case("st-missing-nofall", "/static-nofall/missing.txt", ST, "missing without fallthrough: 404 page")
case("st-dir-nofall", "/static-nofall/sub", ST, "redirect without fallthrough")
case("st-noredirect", "/static-noredirect/sub", ST, "redirect false: 404 falls through")
case("st-noredirect-mount", "/static-noredirect", ST, "redirect false at the mount: falls through")
case("st-noindex", "/static-noindex/", ST, "index false: a directory with a slash -> 404 -> falls through")
case("st-noindex-redirect", "/static-noindex/sub", ST, "index false: still redirects")
case("st-index-list", "/static-index-list/sub2/", ST, "index list: the first that exists")
case("st-index-list-second", "/static-index-list/sub/", ST, "index list: falls to index.html")
case("st-index-missing", "/static/sub2/", ST, "no index file: 404 -> falls through")
case("st-ext-html", "/static-ext/page", ST, "extensions: page -> page.html")
case("st-ext-txt", "/static-ext/hello", ST, "extensions: hello -> hello.txt after html misses")
case("st-ext-missing", "/static-ext/nothing", ST, "extensions: none exists -> falls through")
case("st-ext-exact", "/static-ext/hello.txt", ST, "extensions: an exact name is served as is")
case("st-maxage", "/static-maxage/hello.txt", ST, "maxAge 1d + immutable")
case("st-maxage-num", "/static-maxage-num/hello.txt", ST, "maxAge 5500 ms -> max-age=5")
case("st-setheaders", "/static-setheaders/hello.txt", ST, "setHeaders(res, path, stat) runs before the fields")
case("st-setheaders-missing", "/static-setheaders/nope.txt", ST, "setHeaders is not called for a missing file")
case("st-noetag", "/static-noetag/hello.txt", ST, "etag false, lastModified false")
case("st-noetag-inm", "/static-noetag/hello.txt", ST, "no ETag: If-None-Match never matches",
     headers={"If-None-Match": HELLO_ETAG})
case("st-noranges", "/static-noranges/digits.txt", ST, "acceptRanges false", headers={"Range": "bytes=0-1"})
case("st-nocc", "/static-nocc/hello.txt", ST, "cacheControl false")
case("st-rel-root", "/static-rel/hello.txt", ST, "a root relative to the working directory")
case("st-empty", "/static/empty.txt", ST, "an empty file")
case("st-noext", "/static/noext", ST, "no extension: application/octet-stream")
case("st-space", "/static/with%20space.txt", ST, "percent-encoded space")
case("st-unicode", "/static/caf%C3%A9.txt", ST, "percent-encoded UTF-8")
case("st-unicode-nfd", "/static/cafe%CC%81.txt", ST, "a different normalisation form is another name")
case("st-double-slash", "/static//hello.txt", ST, "a double slash inside the mount")
case("st-dot-segment", "/static/sub/../hello.txt", ST, "a .. that stays inside the root is resolved")
case("st-dot-segment-encoded", "/static/sub/%2e%2e/hello.txt", ST, "an encoded .. inside the root")
case("st-single-dot", "/static/./hello.txt", ST, "a . segment")
case("st-json", "/static/nested/deep/file.json", ST, "nested file")
case("st-trailing-slash-file", "/static/hello.txt/", ST, "a file with a slash: 404 -> falls through")
case("st-big", "/tmpstatic/big.bin", ST, "200 KiB body")
case("st-big-range", "/tmpstatic/big.bin", ST, "a range of the big file", headers={"Range": "bytes=65536-"})
case("st-symlink-in", "/tmpstatic/link-in.txt", ST, "a symlink inside the root")
case("st-both-first", "/both/page.html", ST, "two static roots: the first has it")
case("st-both-second", "/both/hello.txt", ST, "two static roots: the second has it")
case("st-preset", "/static-preset/hello.txt", ST, "headers set by an earlier middleware are kept")
case("st-fall-custom", "/fall/nope", ST, "falls through to the next handler")
case("st-fall-custom-traversal", "/fall/%2e%2e/x", ST, "a traversal falls through to the next handler")
case("st-fall-query", "/static/hello.txt?v=3", ST, "a query string is ignored")

# ---------------------------------------------------------------------------- traversal and encoding
TR = "§1 express.static traversal"
for tid, target in (("dotdot", "/static/../app.js"), ("dotdot-deep", "/static/sub/../../app.js"),
                    ("encoded", "/static/%2e%2e/app.js"), ("encoded-upper", "/static/%2E%2E/app.js"),
                    ("encoded-slash", "/static/..%2fapp.js"), ("encoded-all", "/static/%2e%2e%2fapp.js"),
                    ("backslash", "/static/..\\app.js"), ("encoded-backslash", "/static/..%5capp.js"),
                    ("backslash-mid", "/static/sub%5c..%5c..%5capp.js"),
                    ("double-encoded", "/static/%252e%252e/app.js"), ("nul", "/static/%00"),
                    ("nul-name", "/static/hello.txt%00.png"), ("bad-percent", "/static/%zz"),
                    ("lone-percent", "/static/100%"), ("bad-utf8", "/static/%C3%28"),
                    ("overlong", "/static/%c0%ae%c0%ae/app.js"), ("absolute", "/static//etc/passwd"),
                    ("abs-encoded", "/static/%2fetc%2fpasswd"), ("dotdot-only", "/static/.."),
                    ("dots3", "/static/.../app.js")):
    case(f"tr-{tid}", target, TR, f"GET {target}", raw=raw_get(target))
    if tid in ("dotdot", "encoded", "backslash", "nul", "bad-percent", "overlong"):
        nofall = target.replace("/static/", "/static-nofall/", 1)
        case(f"tr-{tid}-nofall", nofall, TR, f"GET {nofall} without fallthrough: the error page",
             raw=raw_get(nofall))

# A symlink leading out of the root: Express serves it; fastexpress refuses it (403, which
# falls through to the 404 page) unless follow_symlinks=True.
_NOT_FOUND_PAGE = (b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   b"<title>Error</title>\n</head>\n<body>\n"
                   b"<pre>Cannot GET /tmpstatic/link-out.txt</pre>\n</body>\n</html>\n")
case("st-symlink-out", "/tmpstatic/link-out.txt", ST, "a symlink out of the root",
     deliberate="symlinks leading outside the static root are refused unless follow_symlinks=True",
     expect_python=lambda exp: {**exp, "status": 404, "reason": "Not Found",
                                "headers": [("x-powered-by", "*"),
                                            ("content-security-policy", "default-src 'none'"),
                                            ("x-content-type-options", "nosniff"),
                                            ("content-type", "text/html; charset=utf-8"),
                                            ("content-length", str(len(_NOT_FOUND_PAGE)))],
                                "body": _NOT_FOUND_PAGE})

# ---------------------------------------------------------------------------- odd request targets
OT = "§1 express.static request targets"
for oid, target in (("fragment", "/static/hello.txt#frag"), ("fragment-dir", "/static/sub#top"),
                    ("fragment-query-dir", "/static/sub?a=1#top"), ("absolute-form", "http://example.com/static/hello.txt"),
                    ("absolute-form-dir", "http://example.com/static/sub?q=1"),
                    ("raw-utf8", "/static/caf\u00c3\u00a9.txt"), ("raw-utf8-dir", "/static/sub\u00c3\u00a0"),
                    ("mount-dir-double-slash", "/static//sub"), ("encoded-space-dir", "/static/sub%20"),
                    ("redirect-escape", "/static/sub?<x>"), ("redirect-slashes", "//static/sub")):
    case(f"ot-{oid}", target, OT, f"GET {target!r}", raw=build_request("GET", target, (), None, host=DEFAULT_HOST)
         if not any(ord(c) > 127 for c in target) else
         ("GET " + target + " HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n").encode("latin-1"))
