"""Body parser and multipart cases: body-parser 2.4.0 and multer 2.5.0 on Express 5.3.0 (app.js)
against fastexpress's bodyparser and multipart (app.py).

Routes under /p end errors in the default (production) error page; the same routes under /e
answer an error's status, type, message and properties as JSON. Cases whose difference is
deliberate carry `deliberate=` and, where it can be stated exactly, `expect_python=`:

- multer's errors have no status, so Express answers them 500; fastexpress answers 413 for a
  limit and 400 for malformed input or a missing field name (415 for a multipart type other
  than form-data).
- JSON numbers are JavaScript doubles in Express; Python keeps integers exact and floats as
  floats (`1.0` stays `1.0`), and dict keys keep their order where JavaScript moves
  integer-like keys first.
- JSON nested deeper than 1024 levels is a 400 (orjson's limit); JSON.parse has none.
- A part's file name without an explicit charset is read as UTF-8 (multer: latin1).
- Multipart field names are not expanded (`a[b]` stays a key; multer's append-field nests).
"""
from __future__ import annotations

import gzip
import json
import zlib
from typing import Any, Callable, Sequence

import brotli
from cases import Case, case_adder  # tests/compat/cases.py (on sys.path)
from harness import DEFAULT_HOST

from fastexpress.finalhandler import html_document
from fastexpress.statuses import message as status_message

CASES: list[Case] = []
B = "----fxBoundary7MA4YWxk"
MP = f"multipart/form-data; boundary={B}"
JSON_CT = "application/json"
FORM = "application/x-www-form-urlencoded"


_add = case_adder(CASES, default_method="POST")


def case(*args: str, ctype: str | None = None, headers: Sequence[tuple[str, str]] | dict[str, str] = (),
         **extra: Any) -> None:
    """The common ``case`` (POST by default) plus ``ctype``: a Content-Type header put first."""
    items = list(headers.items()) if isinstance(headers, dict) else list(headers)
    if ctype is not None:
        items.insert(0, ("Content-Type", ctype))
    _add(*args, headers=items, **extra)


def chunked_request(path: str, headers: Sequence[tuple[str, str]], pieces: Sequence[bytes]) -> bytes:
    head = [f"POST {path} HTTP/1.1", f"Host: {DEFAULT_HOST}"]
    head += [f"{k}: {v}" for k, v in headers]
    head += ["Transfer-Encoding: chunked", "Connection: close"]
    data = ("\r\n".join(head) + "\r\n\r\n").encode()
    for piece in pieces:
        data += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return data + b"0\r\n\r\n"


def part(name: str | None, value: bytes | str, *, filename: str | None = None, ctype: str | None = None,
         extra: str = "", disposition: str | None = None) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    if disposition is None:
        disposition = "form-data"
        if name is not None:
            disposition += f'; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
    head = f"--{B}\r\nContent-Disposition: {disposition}\r\n"
    if ctype:
        head += f"Content-Type: {ctype}\r\n"
    head += extra
    return head.encode("utf-8") + b"\r\n" + value + b"\r\n"


def form(*parts: bytes, end: bytes = f"--{B}--\r\n".encode()) -> bytes:
    return b"".join(parts) + end


# ------------------------------------------------------------------ expected-response rewrites

def _json_bytes(value: Any) -> bytes:
    """JSON.stringify's bytes for plain data."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _with_status(status: int, page: bool) -> Callable[[dict[str, object]], dict[str, object]]:
    """Express answered 500 (a MulterError or busboy Error has no status); fastexpress answers
    `status` with an HTTPError. With `page`, the default error page changes with it; without,
    the JSON details gain the HTTPError's `expose: true` (a MulterError has no `expose`)."""
    def rewrite(expected: dict[str, object]) -> dict[str, object]:
        out = dict(expected)
        out["status"] = status
        out["reason"] = status_message(status)
        if page:
            body = html_document(status_message(status)).encode()
        else:
            details: dict[str, Any] = {}
            for key, value in json.loads(expected["body"]).items():  # type: ignore[arg-type]
                details[key] = value
                if key == "message":
                    details["expose"] = True
            body = _json_bytes(details)
        out["body"] = body
        out["headers"] = [(k, str(len(body)) if k == "content-length" else _weak_etag(body) if k == "etag" else v)
                          for k, v in expected["headers"]]  # type: ignore[union-attr]
        return out
    return rewrite


def _rewrite_json(fix: Callable[[Any], Any], status: int | None = None
                  ) -> Callable[[dict[str, object]], dict[str, object]]:
    """The same response with its JSON body changed by `fix` (and Content-Length/ETag
    following), or the 400 page when `status` is given."""
    def rewrite(expected: dict[str, object]) -> dict[str, object]:
        out = dict(expected)
        if status is not None:
            body = html_document(status_message(status)).encode()
            out["status"], out["reason"] = status, status_message(status)
            out["headers"] = [("x-powered-by", "*"), ("content-security-policy", "default-src 'none'"),
                              ("x-content-type-options", "nosniff"),
                              ("content-type", "text/html; charset=utf-8"), ("content-length", str(len(body)))]
        else:
            body = fix(expected["body"])
            headers = []
            for k, v in expected["headers"]:  # type: ignore[union-attr]
                if k == "content-length":
                    v = str(len(body))
                elif k == "etag":
                    v = _weak_etag(body)
                headers.append((k, v))
            out["headers"] = headers
        out["body"] = body
        return out
    return rewrite


def _weak_etag(body: bytes) -> str:
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha1(body).digest()).decode()[:27]
    return f'W/"{len(body):x}-{digest}"'


# ------------------------------------------------------------------ json
J = "json"
case("json-object", "/e/json", J, "object with nested values", ctype=JSON_CT,
     body='{"a":[1,"x",true,null,{"b":"c"}],"s":"tab\\tquote\\"slash\\/u\\u00e9"}')
case("json-array", "/e/json", J, "top-level array", ctype=JSON_CT, body="[1,2,[3]]")
case("json-empty", "/e/json", J, "empty body -> {}", ctype=JSON_CT, body="")
case("json-leading-ws", "/e/json", J, "whitespace before the object", ctype=JSON_CT, body=' \r\n\t{"a":1} \n')
case("json-charset-param", "/e/json", J, "application/json; charset=UTF-8", ctype="application/json; charset=UTF-8",
     body='{"a":1}')
case("json-unicode", "/e/json", J, "non-ASCII keys and values", ctype=JSON_CT,
     body='{"\u00e9":"\u00fc\u2603\U0001F600"}')
case("json-bom", "/e/json", J, "a UTF-8 BOM is dropped", ctype=JSON_CT, body=b'\xef\xbb\xbf{"bom":true}')
case("json-invalid-utf8", "/e/json", J, "invalid UTF-8 becomes U+FFFD", ctype=JSON_CT, body=b'{"a":"\xff\xfe"}')
case("json-utf16le", "/e/json", J, "charset=utf-16le", ctype="application/json; charset=utf-16le",
     body='{"wide":"\u00e9"}'.encode("utf-16-le"))
case("json-strict-string", "/e/json", J, "strict: a string is a 400 with V8's message", ctype=JSON_CT,
     body='"hello"')
case("json-strict-number", "/e/json", J, "strict: a number after whitespace", ctype=JSON_CT, body="  123")
case("json-strict-blank", "/e/json", J, "strict: only whitespace", ctype=JSON_CT, body="  \n ")
case("json-strict-long", "/e/json", J, "strict: a long non-object (message with context)", ctype=JSON_CT,
     body='true, "and then some more text"')
case("json-strict-page", "/p/json", J, "strict violation through the default error page", ctype=JSON_CT,
     body="null")
case("json-loose-string", "/e/json/loose", J, "strict off: a string", ctype=JSON_CT, body='"hi"')
case("json-loose-number", "/e/json/loose", J, "strict off: a number", ctype=JSON_CT, body=" 42 ")
case("json-loose-bad", "/e/json/loose", J, "strict off: invalid literal", ctype=JSON_CT, body="tru")
case("json-syntax-value", "/e/json", J, "missing value", ctype=JSON_CT, body='{"a":}')
case("json-syntax-key", "/e/json", J, "unquoted key", ctype=JSON_CT, body="{a:1}")
case("json-syntax-comma", "/e/json", J, "trailing comma in an object", ctype=JSON_CT, body='{"a":1,}')
case("json-syntax-array", "/e/json", J, "missing comma in an array", ctype=JSON_CT, body="[1 2]")
case("json-syntax-context", "/e/json", J, "error far into a long body: ...context...", ctype=JSON_CT,
     body='{"aaaaaaaaaaaaaaaaaaaa": nope, "bbbbbbbbbbbbbbbbbbbbbbbb": 1}')
case("json-syntax-trailing", "/e/json", J, "text after the value", ctype=JSON_CT, body='{"a":1} x')
case("json-syntax-escape", "/e/json", J, "bad escape", ctype=JSON_CT, body='{"a":"\\x"}')
case("json-syntax-unterminated", "/e/json", J, "unterminated string", ctype=JSON_CT, body='{"a":"abc')
case("json-syntax-control", "/e/json", J, "raw control character in a string", ctype=JSON_CT,
     body=b'{"a":"\x01"}')
case("json-syntax-number", "/e/json", J, "leading zero", ctype=JSON_CT, body="[01]")
case("json-syntax-astral", "/e/json", J, "positions count UTF-16 units", ctype=JSON_CT,
     body='{"\U0001F600\U0001F600":1,}')
case("json-syntax-page", "/p/json", J, "parse error through the default error page", ctype=JSON_CT, body="{")
case("json-charset-latin1", "/e/json", J, "charset=latin1 -> 415", ctype="application/json; charset=latin1",
     body='{"a":1}')
case("json-charset-utf8-no-hyphen", "/e/json", J, "charset=utf8 is not utf-* -> 415",
     ctype="application/json; charset=utf8", body='{"a":1}')
case("json-charset-unknown-utf", "/e/json", J, "charset=utf-9 passes the check, has no decoder -> 415",
     ctype="application/json; charset=UTF-9", body='{"a":1}')
case("json-charset-page", "/p/json", J, "415 through the default error page",
     ctype="application/json; charset=koi8-r", body="{}")
case("json-default-latin1", "/e/json/default-latin1", J, "defaultCharset latin1 without a charset -> 415",
     ctype=JSON_CT, body="{}")
case("json-vnd-not-default", "/e/json", J, "application/vnd.api+json is not parsed by default",
     ctype="application/vnd.api+json", body='{"a":1}')
case("json-type-list-vnd", "/e/json/type", J, "type list: vnd.api+json", ctype="application/vnd.api+json",
     body='{"a":1}')
case("json-type-list-text", "/e/json/type", J, "type list: text/* parsed as JSON", ctype="text/plain",
     body='{"t":1}')
case("json-type-list-miss", "/e/json/type", J, "type list: application/json not listed", ctype=JSON_CT,
     body='{"a":1}')
case("json-type-fn-yes", "/e/json/type-fn", J, "type function says yes", ctype="x/y",
     headers={"X-Parse": "yes"}, body='{"fn":1}')
case("json-type-fn-no", "/e/json/type-fn", J, "type function says no", ctype=JSON_CT, body='{"fn":1}')
case("json-no-content-type", "/e/json", J, "a body without Content-Type is not parsed", body='{"a":1}')
case("json-get-no-body", "/e/none", J, "no body: every parser skips, body undefined", method="GET")
case("json-get-with-type", "/e/none", J, "Content-Type but no body: skipped", method="GET", ctype=JSON_CT)
case("json-limit-ok", "/e/json/limit", J, "limit '20b' (parseInt): exactly 20 bytes",
     ctype=JSON_CT, body='{"a":"0123456789ab"}')
case("json-limit-over", "/e/json/limit", J, "Content-Length over the limit -> 413 with expected/length/limit",
     ctype=JSON_CT, body='{"a":"0123456789abc"}')
case("json-limit-page", "/p/json/limit", J, "413 through the default error page", ctype=JSON_CT,
     body='{"a":"0123456789abcdef"}')
case("json-limit-chunked", "/e/json/limit", J, "chunked body crossing the limit -> 413 (limit only)",
     method="POST", raw=chunked_request("/e/json/limit", [("Content-Type", JSON_CT)],
                                        [b'{"a":"0123', b'456789abcdefgh"}']))
case("json-chunked-ok", "/e/json", J, "chunked body in several pieces",
     raw=chunked_request("/e/json", [("Content-Type", JSON_CT)], [b'{"a"', b':[1,', b'2]}']))
case("json-gzip", "/e/json", J, "Content-Encoding: gzip", ctype=JSON_CT,
     headers={"Content-Encoding": "gzip"}, body=gzip.compress(b'{"zipped":"yes"}'))
case("json-gzip-upper", "/e/json", J, "Content-Encoding: GZIP (case-insensitive)", ctype=JSON_CT,
     headers={"Content-Encoding": "GZIP"}, body=gzip.compress(b'{"zipped":"upper"}'))
case("json-gzip-members", "/e/json", J, "two concatenated gzip members", ctype=JSON_CT,
     headers={"Content-Encoding": "gzip"}, body=gzip.compress(b'{"a":') + gzip.compress(b'"two"}'))
case("json-deflate", "/e/json", J, "Content-Encoding: deflate (zlib)", ctype=JSON_CT,
     headers={"Content-Encoding": "deflate"}, body=zlib.compress(b'{"deflated":true}'))
case("json-br", "/e/json", J, "Content-Encoding: br", ctype=JSON_CT,
     headers={"Content-Encoding": "br"}, body=brotli.compress(b'{"brotli":[1,2]}'))
case("json-identity", "/e/json", J, "Content-Encoding: identity", ctype=JSON_CT,
     headers={"Content-Encoding": "identity"}, body='{"id":1}')
case("json-gzip-bomb", "/e/json/limit-kb", J, "gzip inflating past the limit -> 413", ctype=JSON_CT,
     headers={"Content-Encoding": "gzip"}, body=gzip.compress(b'{"z":"' + b"0" * 200_000 + b'"}'))
case("json-br-bomb", "/p/json/limit-kb", J, "br inflating past the limit -> 413 page", ctype=JSON_CT,
     headers={"Content-Encoding": "br"}, body=brotli.compress(b'["' + b"0" * 200_000 + b'"]'))
case("json-gzip-garbage", "/e/json", J, "not gzip -> 400 incorrect header check", ctype=JSON_CT,
     headers={"Content-Encoding": "gzip"}, body=b"this is not gzip data")
case("json-gzip-truncated", "/e/json", J, "truncated gzip -> 400 unexpected end of file", ctype=JSON_CT,
     headers={"Content-Encoding": "gzip"}, body=gzip.compress(b'{"a":1}')[:-6])
case("json-deflate-raw", "/p/json", J, "raw deflate without zlib header -> 400 page", ctype=JSON_CT,
     headers={"Content-Encoding": "deflate"},
     body=(lambda c: c.compress(b'{"a":1}') + c.flush())(zlib.compressobj(wbits=-15)))
case("json-zstd", "/e/json", J, "zstd is unsupported on Node 20 -> 415", ctype=JSON_CT,
     headers={"Content-Encoding": "zstd"}, body=b"(\xb5/\xfd")
case("json-unknown-coding", "/e/json", J, "unknown coding -> 415", ctype=JSON_CT,
     headers={"Content-Encoding": "compress"}, body='{"a":1}')
case("json-noinflate", "/e/json/noinflate", J, "inflate off: gzip -> 415 content encoding unsupported",
     ctype=JSON_CT, headers={"Content-Encoding": "gzip"}, body=gzip.compress(b"{}"))
case("json-noinflate-identity", "/e/json/noinflate", J, "inflate off: identity is fine", ctype=JSON_CT,
     headers={"Content-Encoding": "identity"}, body='{"a":1}')
case("json-verify-ok", "/e/json/verify", J, "verify passes", ctype=JSON_CT, body='{"good":1}')
case("json-verify-fail", "/e/json/verify", J, "verify raises -> 403 entity.verify.failed", ctype=JSON_CT,
     body='{"bad":1}')
case("json-verify-page", "/p/json/verify", J, "verify failure through the default page", ctype=JSON_CT,
     body='{"bad":1}')
case("json-verify-status", "/e/json/verify-status", J, "verify's own status and type are kept", ctype=JSON_CT,
     body='{"teapot":1}')
case("json-verify-charset", "/e/json/verify", J, "verify + unknown utf-* charset -> 415 before reading",
     ctype="application/json; charset=utf-99", body="{}")
case("json-reviver", "/e/json/reviver", J, "reviver doubles numbers bottom-up", ctype=JSON_CT,
     body='{"a":1,"b":[2,{"c":3}],"d":"4"}')
case("json-twice", "/e/json/twice", J, "a second json parser skips a parsed body", ctype=JSON_CT,
     body='{"once":1}')
case("json-then-text", "/e/json/then-text", J, "text after json skips the parsed body", ctype=JSON_CT,
     body='{"json":1}')
case("json-big-int", "/e/json", J, "integers beyond 2**53", ctype=JSON_CT, body="[12345678901234567890]",
     deliberate="JSON numbers: Express has doubles, Python keeps integers exact",
     expect_python=_rewrite_json(lambda b: b.replace(b"12345678901234567000", b"12345678901234567890")))
case("json-float", "/e/json", J, "1.0 and 2.50", ctype=JSON_CT, body="[1.0,2.50]",
     deliberate="JSON numbers: a Python float keeps its fraction",
     expect_python=_rewrite_json(lambda b: b.replace(b"[1,2.5]", b"[1.0,2.5]")))
case("json-index-keys", "/e/json", J, "integer-like keys", ctype=JSON_CT, body='{"b":1,"2":2,"a":3}',
     deliberate="dict keys keep their order; JavaScript lists integer-like keys first",
     expect_python=_rewrite_json(lambda b: b.replace(b'{"2":2,"b":1,"a":3}', b'{"b":1,"2":2,"a":3}')))
case("json-deep", "/p/json/deep", J, "nesting 5000 deep", ctype=JSON_CT, body="[" * 5000 + "]" * 5000,
     deliberate="JSON nested deeper than 1024 levels is a 400 (JSON.parse has no limit)",
     expect_python=_rewrite_json(lambda b: b, status=400))

# ------------------------------------------------------------------ urlencoded
U = "urlencoded"
case("form-basic", "/e/form", U, "repeats become arrays", ctype=FORM, body="a=1&b=2&a=3")
case("form-brackets-simple", "/e/form", U, "extended false: brackets stay in the key", ctype=FORM,
     body="b[c]=1&b[d]=2&e[]=3")
case("form-extended", "/e/form/ext", U, "extended: nested objects and arrays", ctype=FORM,
     body="user[name]=ann&user[tags][]=a&user[tags][]=b&list[1]=y&list[0]=x")
case("form-decoding", "/e/form", U, "plus and percent decoding, bad escapes kept", ctype=FORM,
     body="q=a+b%20c%21&bad=%E0%A4%A&e=%C3%A9&no-value&=empty-key")
case("form-empty", "/e/form", U, "empty body -> {}", ctype=FORM, body="")
case("form-param-limit-ok", "/e/form/plimit", U, "3 parameters with parameterLimit 3", ctype=FORM, body="a=1&b=2&c=3")
case("form-param-limit", "/e/form/plimit", U, "4 parameters -> 413 parameters.too.many", ctype=FORM,
     body="a=1&b=2&c=3&d=4")
case("form-param-limit-page", "/p/form/plimit", U, "413 page", ctype=FORM, body="a&b&c&d&e")
case("form-depth-ok", "/e/form/depth", U, "depth 2: a[b][c]", ctype=FORM, body="a[b][c]=1")
case("form-depth", "/e/form/depth", U, "depth 2: a[b][c][d] -> 400", ctype=FORM, body="a[b][c][d]=1")
case("form-depth-page", "/p/form/depth", U, "depth error page", ctype=FORM, body="a[b][c][d]=1")
case("form-latin1", "/e/form", U, "charset=iso-8859-1 decodes %E9", ctype=FORM + "; charset=ISO-8859-1",
     body="n=caf%E9&raw=\xe9".encode("latin-1"))
case("form-charset-bad", "/e/form", U, "charset=utf-16 -> 415", ctype=FORM + "; charset=utf-16", body="a=1")
case("form-sentinel", "/e/form/sentinel", U, "charset sentinel switches to iso-8859-1", ctype=FORM,
     body="utf8=%E2%9C%93&a=%C3%A9&utf8=x")
case("form-limit", "/e/form/limit", U, "limit 10 -> 413", ctype=FORM, body="a=0123456789")
case("form-chunked", "/e/form/ext", U, "chunked urlencoded",
     raw=chunked_request("/e/form/ext", [("Content-Type", FORM)], [b"a[b]=1&", b"a[c]=2"]))
case("form-gzip", "/e/form", U, "gzip urlencoded", ctype=FORM, headers={"Content-Encoding": "gzip"},
     body=gzip.compress(b"zipped=1"))

# ------------------------------------------------------------------ text
T = "text"
case("text-basic", "/e/text", T, "text/plain utf-8", ctype="text/plain", body="h\u00e9llo \u2603")
case("text-latin1", "/e/text", T, "charset=latin1", ctype="text/plain; charset=latin1", body=b"caf\xe9")
case("text-windows-1252", "/e/text", T, "charset=windows-1252", ctype="text/plain; charset=windows-1252",
     body=b"\x80 price")
case("text-default-latin1", "/e/text/latin1", T, "defaultCharset iso-8859-1", ctype="text/plain", body=b"\xe9t\xe9")
case("text-utf16-bom", "/e/text", T, "charset=utf-16 with a BOM", ctype="text/plain; charset=utf-16",
     body=b"\xff\xfeh\x00i\x00")
case("text-utf8-bom", "/e/text", T, "UTF-8 BOM dropped", ctype="text/plain", body=b"\xef\xbb\xbfbom")
case("text-bad-utf8", "/e/text", T, "invalid UTF-8 -> U+FFFD", ctype="text/plain", body=b"a\xffb\xc3")
case("text-unknown-charset", "/e/text", T, "unknown charset -> 415", ctype="text/plain; charset=foo-bar", body="x")
case("text-unknown-charset-page", "/p/text", T, "415 page", ctype="text/plain; charset=nope", body="x")
case("text-verify-charset", "/e/text/verify", T, "verify + unknown charset -> 415",
     ctype="text/plain; charset=nope", body="x")
case("text-verify-fail", "/e/text/verify", T, "verify failure on text", ctype="text/plain", body="so bad")
case("text-any", "/e/text/any", T, "type */*: any content type", ctype="application/xml", body="<x/>")
case("text-empty", "/e/text", T, "empty text body", ctype="text/plain", body="")
case("text-html-not-parsed", "/e/text", T, "text/html is not text/plain", ctype="text/html", body="<b>")
case("text-deflate", "/e/text", T, "deflate text", ctype="text/plain", headers={"Content-Encoding": "deflate"},
     body=zlib.compress("d\u00e9flate".encode()))

# ------------------------------------------------------------------ raw
R = "raw"
case("raw-basic", "/e/raw", R, "octet-stream as bytes", ctype="application/octet-stream",
     body=bytes(range(256)))
case("raw-empty", "/e/raw", R, "empty body -> empty bytes", ctype="application/octet-stream", body=b"")
case("raw-charset-ignored", "/e/raw", R, "raw ignores the charset", ctype="application/octet-stream; charset=nope",
     body=b"\x00\x01")
case("raw-other-type", "/e/raw", R, "other types are not parsed", ctype="image/png", body=b"\x89PNG")
case("raw-type-fn", "/e/raw/any", R, "type function: anything", ctype="image/png", body=b"\x89PNG")
case("raw-limit", "/e/raw/any", R, "limit 64 -> 413", ctype="image/png", body=b"x" * 65)
case("raw-limit-chunked", "/p/raw/any", R, "chunked over the limit -> 413 page",
     raw=chunked_request("/p/raw/any", [], [b"x" * 40, b"y" * 40]))
case("raw-br", "/e/raw", R, "br raw body", ctype="application/octet-stream", headers={"Content-Encoding": "br"},
     body=brotli.compress(b"\x00" * 100))

# ------------------------------------------------------------------ multipart
M = "multipart"
MULTER_413 = "multer's errors have no status: Express answers 500, fastexpress 413"
MULTER_400 = "multer/busboy errors have no status: Express answers 500, fastexpress 400"
case("mp-fields-files", "/e/mp", M, "fields and files, repeated names", ctype=MP, body=form(
    part("title", "hello"), part("tag", "a"), part("tag", "b"),
    part("doc", "file one", filename="one.txt", ctype="text/plain"),
    part("doc", b"\x00\x01\xff", filename="two.bin"),
    part("tag", "c")))
case("mp-preamble-epilogue", "/e/mp", M, "a preamble and an epilogue are ignored", ctype=MP,
     body=b"this is a preamble\r\n" + form(part("a", "1")) + b"epilogue")
case("mp-empty-form", "/e/mp", M, "only the closing boundary", ctype=MP, body=f"--{B}--\r\n")
case("mp-file-paths", "/e/mp", M, "client paths are cut to the base name", ctype=MP, body=form(
    part("f", "x", filename="dir/sub/x.txt"), part("g", "y", filename="C:\\\\Users\\\\y.txt"),
    part("h", "z", filename="..")))
case("mp-skipped-parts", "/e/mp", M, "empty file names, octet-stream without a name, no disposition", ctype=MP,
     body=form(part("empty", "", filename="", ctype="application/octet-stream"),
               part("blob", "data", ctype="application/octet-stream"),
               f"--{B}\r\nX-Other: 1\r\n\r\nno disposition\r\n".encode(),
               part(None, "attachment", disposition='attachment; name="att"'),
               part("kept", "yes")))
case("mp-part-headers", "/e/mp", M, "part Content-Type, charset and transfer encoding", ctype=MP, body=form(
    part("latin", b"caf\xe9", ctype="text/plain; charset=iso-8859-1"),
    part("f", "data", filename="f.csv", ctype="Text/CSV; charset=utf-8",
         extra="Content-Transfer-Encoding: BINARY\r\n")))
case("mp-filename-star", "/e/mp", M, "filename* (RFC 5987) wins", ctype=MP, body=form(
    part(None, "euro", disposition="form-data; name=\"f\"; filename=\"fallback.txt\"; "
                                   "filename*=UTF-8''%E2%82%AC%20rates.txt")))
case("mp-escaped-names", "/e/mp", M, "%22, %0A and %0D in names are reversed", ctype=MP,
     body=form(part("a%22b%0Ac", "v"), part("f", "x", filename="q%22uote.txt")))
_CHUNKY = form(part("a", "chunky"), part("f", "file", filename="c.txt"))
case("mp-chunked", "/e/mp", M, "chunked multipart in 7-byte pieces",
     raw=chunked_request("/e/mp", [("Content-Type", MP)], [_CHUNKY[i:i + 7] for i in range(0, len(_CHUNKY), 7)]))
case("mp-not-multipart", "/e/mp", M, "a JSON body passes through multer untouched", ctype=JSON_CT, body="{}")
case("mp-limits-ok", "/e/mp/limits", M, "within every limit", ctype=MP,
     body=form(part("a", "x" * 20), part("f", "0123456789", filename="f.txt")))
case("mp-file-too-large", "/e/mp/limits", M, "file over fileSize -> LIMIT_FILE_SIZE", ctype=MP,
     body=form(part("f", "0123456789A", filename="big.txt")),
     deliberate=MULTER_413, expect_python=_with_status(413, False))
case("mp-file-too-large-page", "/p/mp/limits", M, "LIMIT_FILE_SIZE through the default page", ctype=MP,
     body=form(part("f", "0123456789A", filename="big.txt")),
     deliberate=MULTER_413, expect_python=_with_status(413, True))
case("mp-too-many-files", "/e/mp/limits", M, "a third file -> LIMIT_FILE_COUNT", ctype=MP,
     body=form(*(part("f", "x", filename=f"{i}.txt") for i in range(3))),
     deliberate=MULTER_413, expect_python=_with_status(413, False))
case("mp-too-many-fields", "/e/mp/limits", M, "a fourth field -> LIMIT_FIELD_COUNT", ctype=MP,
     body=form(*(part(f"k{i}", "v") for i in range(4))),
     deliberate=MULTER_413, expect_python=_with_status(413, False))
case("mp-field-too-long", "/e/mp/limits", M, "value over fieldSize -> LIMIT_FIELD_VALUE", ctype=MP,
     body=form(part("long", "x" * 21)), deliberate=MULTER_413, expect_python=_with_status(413, False))
case("mp-too-many-parts", "/e/mp/limits", M, "a seventh part -> LIMIT_PART_COUNT", ctype=MP,
     body=form(part("a", "1"), part("b", "2"), part("c", "3"),
               *(part("f", "x", filename=f"{i}.txt", ctype="text/plain") for i in range(2)),
               f"--{B}\r\nX: 1\r\n\r\n\r\n".encode(), f"--{B}\r\nX: 2\r\n\r\n\r\n".encode()),
     deliberate=MULTER_413, expect_python=_with_status(413, False))
case("mp-field-name-too-long", "/e/mp/names", M, "name over fieldNameSize -> LIMIT_FIELD_KEY", ctype=MP,
     body=form(part("abcdef", "v")), deliberate=MULTER_413, expect_python=_with_status(413, False))
case("mp-field-name-ok", "/e/mp/names", M, "name at fieldNameSize", ctype=MP, body=form(part("abcde", "v")))
case("mp-missing-name", "/e/mp", M, "a part without a name -> MISSING_FIELD_NAME", ctype=MP,
     body=form(part(None, "v")), deliberate=MULTER_400, expect_python=_with_status(400, False))
case("mp-no-boundary", "/p/mp", M, "no boundary parameter", ctype="multipart/form-data", body="x",
     deliberate=MULTER_400, expect_python=_with_status(400, True))
case("mp-truncated", "/p/mp", M, "the body ends inside a part", ctype=MP,
     body=form(part("a", "1"))[:-10], deliberate=MULTER_400, expect_python=_with_status(400, True))
case("mp-no-boundary-in-body", "/e/mp", M, "no boundary anywhere in the body", ctype=MP,
     body="just some text", deliberate=MULTER_400, expect_python=_with_status(400, False))
case("mp-bad-header", "/e/mp", M, "a malformed part header", ctype=MP,
     body=f"--{B}\r\nContent-Disposition form-data\r\n\r\nx\r\n--{B}--\r\n",
     deliberate=MULTER_400, expect_python=_with_status(400, False))
case("mp-mixed", "/p/mp", M, "multipart/mixed is not a form", ctype=f"multipart/mixed; boundary={B}",
     body=form(part("a", "1")),
     deliberate="busboy's unsupported-type error has no status: Express answers 500, fastexpress 415",
     expect_python=_with_status(415, True))
case("mp-utf8-filename", "/e/mp", M, "raw UTF-8 in filename", ctype=MP,
     body=form(part("f", "x", filename="r\u00e9sum\u00e9.txt")),
     deliberate="file names without a charset are UTF-8 here, latin1 in multer",
     expect_python=_rewrite_json(lambda b: _json_bytes(
         json.loads(b) | {"files": [dict(json.loads(b)["files"][0], originalname="r\u00e9sum\u00e9.txt")]})))
case("mp-bracket-names", "/e/mp", M, "field names with brackets", ctype=MP,
     body=form(part("user[name]", "ann"), part("list[]", "a")),
     deliberate="multipart field names are not expanded (multer's append-field nests them)",
     expect_python=_rewrite_json(lambda b: b.replace(b'{"user":{"name":"ann"},"list":["a"]}',
                                                     b'{"user[name]":"ann","list[]":"a"}')))
