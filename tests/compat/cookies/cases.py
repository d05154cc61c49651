"""Request cases for the cookies suite (app.js vs app.py in this folder).

Same structure as tests/compat/cases.py (`Case` comes from there). Sections: res.cookie, res.clearCookie,
cookie-parser (req.cookies / req.signedCookies / req.secret) and the helpers it exports.
Signed cookie values are computed here with hmac (cookie-signature's algorithm) so that the
cases do not depend on either implementation.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import sys
from pathlib import Path
from urllib.parse import quote

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # run from this folder directly
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cases import Case, case_adder  # tests/compat/cases.py (on sys.path, as for the other suites)


CASES: list[Case] = []


case = case_adder(CASES)


def signed(value: str, secret: str) -> str:
    """cookie-signature: value + '.' + base64(HMAC-SHA256) without '='."""
    mac = base64.b64encode(hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()).decode()
    return "s:" + value + "." + mac.rstrip("=")


def enc(value: str) -> str:
    """encodeURIComponent, as res.cookie sends a value."""
    return quote(value, safe="-_.!~*'()")


C, X, P, H = "res.cookie", "res.clearCookie", "cookie-parser", "cookie-parser helpers"

# ---------------------------------------------------------------------------- res.cookie
SET_OPS = {
    "basic": "name=tobi; Path=/",
    "encoded": "encodeURIComponent of spaces, ';', '=', non-ASCII",
    "reserved": "characters encodeURIComponent keeps or escapes",
    "emoji": "a 4-byte UTF-8 character",
    "object": "object value: j: + JSON",
    "array": "array value: j: + JSON",
    "null": "null value: j:null",
    "unicode_object": "JSON with non-ASCII, then percent-encoded",
    "number": "number value: String(42)",
    "float": "number value: String(1.5)",
    "bool": "boolean value: 'false'",
    "empty": "empty value",
    "max_age": "maxAge 1000 ms: Max-Age=1 and Expires from now",
    "max_age_camel": "maxAge spelled in camelCase (one day)",
    "max_age_fraction": "maxAge 1500.9: Max-Age floored, Expires truncated",
    "max_age_zero": "maxAge 0: Max-Age=0, Expires now",
    "max_age_negative": "negative maxAge: Max-Age=-5, Expires in the past",
    "max_age_string": "maxAge as a numeric string",
    "max_age_bad": "maxAge 'abc': option maxAge is invalid",
    "max_age_infinite": "maxAge Infinity: option maxAge is invalid",
    "max_age_huge": "maxAge 1e20: Max-Age fine, Expires out of range: option expires is invalid",
    "max_age_over_expires": "maxAge wins over expires",
    "expires": "expires as a date",
    "expires_timestamp": "expires at a timestamp",
    "expires_epoch": "expires at the epoch",
    "expires_millis": "expires with milliseconds: seconds shown",
    "expires_bad": "expires as a string: option expires is invalid",
    "expires_invalid_date": "expires an invalid date: option expires is invalid",
    "domain": "Domain with a leading dot",
    "domain_bad": "Domain with a space: option domain is invalid",
    "path": "Path=/admin",
    "path_empty": "path '' omits Path",
    "path_bad": "path with ';': option path is invalid",
    "http_only": "HttpOnly",
    "secure": "Secure",
    "partitioned": "Partitioned (after Secure)",
    "priority_high": "Priority=High",
    "priority_low": "priority is case-insensitive: Priority=Low",
    "priority_medium": "Priority=Medium",
    "priority_bad": "option priority is invalid",
    "same_site_true": "sameSite true: SameSite=Strict",
    "same_site_lax": "SameSite=Lax",
    "same_site_none": "SameSite=None",
    "same_site_strict": "sameSite 'STRICT': SameSite=Strict",
    "same_site_false": "sameSite false: no attribute",
    "same_site_bad": "option sameSite is invalid",
    "all": "every attribute: Max-Age; Domain; Path; Expires; HttpOnly; Secure; Partitioned; Priority; SameSite",
    "name_bad": "argument name is invalid",
    "encode_identity": "encode option: the value as it is",
    "encode_custom": "encode option: a custom function",
    "encode_bad_value": "encode leaves a space: argument val is invalid",
    "encode_not_function": "encode not a function: option encode is invalid",
    "multi": "two cookies: two Set-Cookie lines",
    "append_existing": "res.append('Set-Cookie') then res.cookie",
    "set_then_cookie": "res.set('Set-Cookie', [..]) then res.cookie",
    "chain": "res.cookie returns res: chained calls and status",
    "signed": "signed without cookieParser(secret): the error",
    "signed_false": "signed: false: a plain cookie",
    "clear": "clearCookie: empty value, Path=/, Expires at the epoch",
    "clear_path": "clearCookie with path and domain",
    "clear_ignores_max_age": "clearCookie ignores maxAge and expires",
    "clear_options": "clearCookie keeps the other attributes",
    "clear_path_undefined": "clearCookie with path undefined/None: Path=/",
    "clear_signed": "signed clearCookie without a secret: the error",
    "clear_then_set": "clearCookie then cookie on one response",
}
for op, description in SET_OPS.items():
    section = X if op.startswith("clear") else C
    case(f"set-{op.replace('_', '-')}", f"/set/{op}", section, description)

SIGNED_OPS = {
    "signed": "signed: s: + value + '.' + HMAC-SHA256 base64 without '='",
    "signed_object": "signed object: s:j:{...}.sig",
    "signed_max_age": "signed with maxAge and httpOnly",
    "signed_unicode": "signed non-ASCII value (HMAC over UTF-8)",
    "clear_signed": "clearCookie signed: s:.sig of the empty value",
    "basic": "a plain cookie under cookieParser(secret)",
}
for op, description in SIGNED_OPS.items():
    case(f"sset-{op.replace('_', '-')}", f"/sset/{op}", X if op.startswith("clear") else C, description)
case("bset-signed", "/bset/signed", C, "cookieParser([a, b]): res.cookie signs with the first secret")
case("set-unknown-op", "/set/nope", C, "no such op: the 404 page")

# ---------------------------------------------------------------------------- cookie-parser
GOOD = signed("tobi", "s3cret")
OLD = signed("tobi", "old-secret")
WRONG = signed("tobi", "nope")
JSON_SIGNED = signed('j:{"id":7,"roles":["admin"]}', "s3cret")


def cookies(header: str) -> dict[str, str]:
    return {"Cookie": header}


case("p-no-header", "/p", P, "no Cookie header: {} and {}, secret is the first one")
case("p-plain", "/p", P, "plain cookies", headers=cookies("a=1; b=two"))
case("p-spaces", "/p", P, "spaces and tabs around names and values are trimmed",
     headers=cookies("  a = 1 ;\tb\t=\t2 ; c= three four "))
case("p-quoted", "/p", P, "one pair of double quotes is removed",
     headers=cookies('q="quoted"; r="; s=""; t=""x""; u="half'))
case("p-encoded", "/p", P, "decodeURIComponent; invalid escapes keep the raw text",
     headers=cookies("e=hello%20world; f=%E2%98%83; g=%zz; h=%E0%A4%A; i=100%; j=a+b"))
case("p-duplicate", "/p", P, "the first of repeated names wins", headers=cookies("a=1; a=2; b=3"))
case("p-no-equals", "/p", P, "pairs without '=' are skipped",
     headers=cookies("junk; a=1; more junk; b=2; tail"))
case("p-empty-value", "/p", P, "empty values", headers=cookies("a=; b=2; c="))
case("p-equals-in-value", "/p", P, "'=' inside a value", headers=cookies("a=b=c; d==e"))
case("p-numeric-names", "/p", P, "integer-like names come first in JavaScript's key order",
     headers=cookies("b=1; 10=x; 2=y; a=3; 01=z"))
case("p-proto", "/p", P, "__proto__ is lost in JavaScript's plain object",
     headers=cookies("__proto__=1; constructor=2; a=3"))
case("p-one-char", "/p", P, "a header shorter than 2 characters: {}", headers=cookies("a"))
case("p-empty-name", "/p", P, "a pair with an empty name", headers=cookies("=v; a=1"))
case("p-json", "/p", P, "j: values are parsed as JSON", headers=cookies('j=j:{"a":1,"b":[true,null,"x"]}'))
case("p-json-encoded", "/p", P, "a j: value percent-encoded as res.cookie sends it",
     headers=cookies("user=" + enc('j:{"name":"tobi","tags":["a","b"],"n":1,"ok":true,"none":null}')))
case("p-json-falsy", "/p", P, "JSON that parses to null/false/0/'' stays a string; [] and {} do not",
     headers=cookies('a=j:0; b=j:false; c=j:null; d=j:""; e=j:[]; f=j:{}; g=j:nope; h=j:1; i=j:"s"'))
case("p-json-key-order", "/p", P, "parsed JSON objects have JavaScript's key order",
     headers=cookies('o=j:{"b":1,"2":2,"a":3,"1":{"z":1,"0":0}}'))
case("p-json-nan", "/p", P, "NaN and Infinity are not JSON", headers=cookies("a=j:NaN; b=j:Infinity; c=j:[1,]"))
case("p-signed", "/p", P, "a signed cookie moves to signedCookies", headers=cookies("user=" + GOOD))
case("p-signed-encoded", "/p", P, "a signed cookie percent-encoded as res.cookie sends it",
     headers=cookies("user=" + enc(GOOD)))
case("p-signed-old-secret", "/p", P, "signed with the second secret: still verified",
     headers=cookies("user=" + OLD))
case("p-signed-wrong-secret", "/p", P, "signed with another secret: false", headers=cookies("user=" + WRONG))
case("p-signed-tampered", "/p", P, "tampered value: false",
     headers=cookies("user=" + GOOD.replace("tobi", "toby")))
case("p-signed-no-dot", "/p", P, "s: without a signature: false", headers=cookies("user=s:tobi"))
case("p-signed-empty", "/p", P, "s: alone: false", headers=cookies("user=s:"))
case("p-signed-json", "/p", P, "signed j: value: verified, then parsed",
     headers=cookies("user=" + enc(JSON_SIGNED)))
case("p-signed-json-falsy", "/p", P, "signed j:0 stays a string",
     headers=cookies("user=" + signed("j:0", "s3cret")))
case("p-mixed", "/p", P, "plain, JSON, signed and tampered together",
     headers=cookies(f"a=1; j=j:[1,2]; s={GOOD}; t={WRONG}; o={OLD}"))
case("p-latin1", "/p", P, "raw UTF-8 bytes in the header arrive as latin-1 characters",
     headers=cookies("u=\u00e9\u2603"))
case("p-two-headers", "/p", P, "two Cookie lines are joined with '; '",
     headers=[("Cookie", "a=1"), ("Cookie", "b=2; a=3")])
case("none-signed", "/none", P, "cookieParser() with no secret: s: values stay in cookies",
     headers=cookies(f"user={GOOD}; j=j:{{}}"))
case("none-no-header", "/none", P, "cookieParser() and no Cookie: secret undefined")
case("str-secret", "/str", P, "cookieParser('only'): a string secret",
     headers=cookies(f"user={signed('v', 'only')}; bad={GOOD}"))
case("dec-custom", "/dec", P, "decode option replaces decodeURIComponent; then s: and j: checks",
     headers=cookies(f"a=abc; b=%41; c={signed('x', 's3cret')}; d=j:[1]"))
case("twice", "/twice", P, "a second cookieParser does nothing once req.cookies is set",
     headers=cookies(f"a=1; f={signed('x', 'first')}; s={signed('x', 'second')}"))
case("twice-no-header", "/twice", P, "a second cookieParser also skips the empty {} (truthy in JavaScript)")
case("raw-no-parser", "/raw", P, "without cookieParser: cookies, signedCookies and secret are unset",
     headers=cookies("a=1"))
case("roundtrip-signed", "/roundtrip?v=hello%20w%C3%B6rld", P,
     "res.cookie signed JSON, read back with cookie.parse and signedCookie([wrong, secret])")
case("roundtrip-empty", "/roundtrip", P, "the same with the query value missing")

# ---------------------------------------------------------------------------- helpers
case("helpers", "/helpers", H, "JSONCookie, JSONCookies, signedCookie, signedCookies")
