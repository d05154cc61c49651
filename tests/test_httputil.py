"""Table-driven tests for fastexpress.mime, fastexpress.httputil and fastexpress.statuses.

Every expected value below was produced by running the real npm packages that
Express 5.3.0 installs (mime-types 3.0.2 / mime-db 1.54.0, content-type 2.1.0,
etag 1.8.1, encodeurl 2.0.3, escape-html 1.0.3, vary 1.1.2,
content-disposition 2.0.1, statuses 2.0.2) under Node 20, and -- for the
EXPRESS_*, ATTACHMENT and STATUS_* tables -- by requesting a real Express 5.3.0
server and reading the bytes it sent. Do not hand-edit the expectations;
regenerate them from the packages.

Mapping of JS results: ``false`` from mime-types -> ``None``; a thrown error ->
``Err(<exception class>, <message>)``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from fastexpress import mime, statuses
from fastexpress.httputil import (
    compile_etag,
    content_disposition,
    encodeurl,
    escape_html,
    etag,
    express_set_content_type,
    express_type,
    format_content_type,
    parse_content_type,
    set_charset,
    vary_append,
)


class Err(NamedTuple):
    kind: type[BaseException]
    message: str


def outcome(fn: Callable[..., Any], *args: Any) -> Any:
    """The function's result, or Err(...) for what it raised."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - the table says which
        return Err(type(e), str(e))


# ---------------------------------------------------------------------------
# mime
# ---------------------------------------------------------------------------

# mime-types lookup(x); JS false -> None.
LOOKUP = [
    ('html', 'text/html'),
    ('.html', 'text/html'),
    ('HTML', 'text/html'),
    ('.HTML', 'text/html'),
    ('file.html', 'text/html'),
    ('file.tar.gz', 'application/gzip'),
    ('dir/file.JSON', 'application/json'),
    ('/path/to/file.js', 'text/javascript'),
    ('js', 'text/javascript'),
    ('mjs', 'text/javascript'),
    ('json', 'application/json'),
    ('png', 'image/png'),
    ('txt', 'text/plain'),
    ('css', 'text/css'),
    ('xml', 'application/xml'),
    ('svg', 'image/svg+xml'),
    ('mp4', 'video/mp4'),
    ('wasm', 'application/wasm'),
    ('rtf', 'application/rtf'),
    ('woff', 'font/woff'),
    ('mp3', 'audio/mpeg'),
    ('bin', 'application/octet-stream'),
    ('exe', 'application/x-msdos-program'),
    ('map', 'application/json'),
    ('unknownext', None),
    ('', None),
    ('x.', None),
    ('.bashrc', None),
    ('dir/.bashrc', None),
    ('foo/', None),
    ('html/', 'text/html'),
    ('..', None),
    ('a/..', None),
    ('file.', None),
    ('a.b.c.md', 'text/markdown'),
    ('C:\\x\\y.PNG', 'image/png'),
    ('README', None),
    ('dir.d/file', None),
    ('.', None),
    ('...', None),
    ('x..html', 'text/html'),
    ('constructor', None),
    ('__proto__', None),
    ('toString', None),
    ('hasOwnProperty', None),
    ('jpeg', 'image/jpeg'),
    ('JPG', 'image/jpeg'),
    ('ts', 'video/mp2t'),
    ('wav', 'audio/wav'),
    ('m4a', 'audio/mp4'),
    ('ogg', 'audio/ogg'),
    ('tiff', 'image/tiff'),
    ('ico', 'image/vnd.microsoft.icon'),
    ('3gp', 'video/3gpp'),
    ('sql', 'application/sql'),
    ('xhtml', 'application/xhtml+xml'),
    ('yaml', 'text/yaml'),
    ('md', 'text/markdown'),
    ('gz', 'application/gzip'),
    ('zip', 'application/zip'),
    ('pdf', 'application/pdf'),
    ('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
]

# Node 20 path.extname(p) (posix).
EXTNAME = [
    ('index.html', '.html'),
    ('index.coffee.md', '.md'),
    ('index.', '.'),
    ('index', ''),
    ('.index', ''),
    ('.index.md', '.md'),
    ('..', ''),
    ('...', '.'),
    ('a/..', ''),
    ('a/.b', ''),
    ('a.b/', '.b'),
    ('a.b//', '.b'),
    ('/', ''),
    ('', ''),
    ('x/y.z/w', ''),
    ('file.tar.gz', '.gz'),
    ('.x.', '.'),
    ('a/b.c/', '.c'),
    ('..a', '.a'),
    ('a..', '.'),
]

# mime-types charset(type).
CHARSET = [
    ('text/html', 'UTF-8'),
    ('TEXT/HTML', 'UTF-8'),
    ('text/plain', 'UTF-8'),
    ('text/x-foo', 'UTF-8'),
    ('Text/Whatever', 'UTF-8'),
    ('application/json', 'UTF-8'),
    ('application/JSON', 'UTF-8'),
    ('application/javascript', 'UTF-8'),
    ('text/javascript', 'UTF-8'),
    ('image/png', None),
    ('application/octet-stream', None),
    ('application/xml', None),
    ('text/xml', 'UTF-8'),
    ('application/ld+json', None),
    ('application/vnd.api+json', None),
    ('application/x-www-form-urlencoded', None),
    ('application/json; charset=latin1', 'UTF-8'),
    ('text/html;charset=iso-8859-1', 'UTF-8'),
    ('  text/html  ', 'UTF-8'),
    ('text/html foo', 'UTF-8'),
    (' application/json;', 'UTF-8'),
    ('', None),
    ('foo', None),
    ('foo/bar', None),
    ('text', None),
    ('text/', 'UTF-8'),
    ('message/rfc822', None),
    ('message/news', None),
    ('multipart/form-data', None),
    ('application/manifest+json', 'UTF-8'),
    ('image/svg+xml', None),
    ('application/dns-message', None),
    ('text/csv', 'UTF-8'),
    ('text/calendar', 'UTF-8'),
    ('application/x-javascript', None),
    ('application/node', None),
    ('text/html; Charset=latin1', 'UTF-8'),
    ('application/json; charset=UTF-8', 'UTF-8'),
    ('text/plain; format=flowed', 'UTF-8'),
    ('application/mbox', None),
    ('constructor', None),
    ('video/mp4', None),
    ('audio/mpeg', None),
    ('application/gzip', None),
    ('text/html\xa0x', 'UTF-8'),
    ('\u2028text/plain', 'UTF-8'),
    ('application/wasm', None),
    ('application/java-archive', None),
]

# mime-types extension(type).
EXTENSION = [
    ('text/html', 'html'),
    ('TEXT/HTML', 'html'),
    ('text/plain', 'txt'),
    ('text/x-foo', None),
    ('Text/Whatever', None),
    ('application/json', 'json'),
    ('application/JSON', 'json'),
    ('application/javascript', 'js'),
    ('text/javascript', 'js'),
    ('image/png', 'png'),
    ('application/octet-stream', 'bin'),
    ('application/xml', 'xml'),
    ('text/xml', 'xml'),
    ('application/ld+json', 'jsonld'),
    ('application/vnd.api+json', None),
    ('application/x-www-form-urlencoded', None),
    ('application/json; charset=latin1', 'json'),
    ('text/html;charset=iso-8859-1', 'html'),
    ('  text/html  ', 'html'),
    ('text/html foo', 'html'),
    (' application/json;', 'json'),
    ('', None),
    ('foo', None),
    ('foo/bar', None),
    ('text', None),
    ('text/', None),
    ('message/rfc822', 'eml'),
    ('message/news', None),
    ('multipart/form-data', None),
    ('application/manifest+json', 'webmanifest'),
    ('image/svg+xml', 'svg'),
    ('application/dns-message', None),
    ('text/csv', 'csv'),
    ('text/calendar', 'ics'),
    ('application/x-javascript', None),
    ('application/node', 'cjs'),
    ('text/html; Charset=latin1', 'html'),
    ('application/json; charset=UTF-8', 'json'),
    ('text/plain; format=flowed', 'txt'),
    ('application/mbox', 'mbox'),
    ('constructor', None),
    ('video/mp4', 'mp4'),
    ('audio/mpeg', 'mpga'),
    ('application/gzip', 'gz'),
    ('text/html\xa0x', 'html'),
    ('\u2028text/plain', 'txt'),
    ('application/wasm', 'wasm'),
    ('application/java-archive', 'jar'),
]

# mime-types contentType(str).
CONTENT_TYPE = [
    ('text/html', 'text/html; charset=utf-8'),
    ('TEXT/HTML', 'TEXT/HTML; charset=utf-8'),
    ('text/plain', 'text/plain; charset=utf-8'),
    ('text/x-foo', 'text/x-foo; charset=utf-8'),
    ('Text/Whatever', 'Text/Whatever; charset=utf-8'),
    ('application/json', 'application/json; charset=utf-8'),
    ('application/JSON', 'application/JSON; charset=utf-8'),
    ('application/javascript', 'application/javascript; charset=utf-8'),
    ('text/javascript', 'text/javascript; charset=utf-8'),
    ('image/png', 'image/png'),
    ('application/octet-stream', 'application/octet-stream'),
    ('application/xml', 'application/xml'),
    ('text/xml', 'text/xml; charset=utf-8'),
    ('application/ld+json', 'application/ld+json'),
    ('application/vnd.api+json', 'application/vnd.api+json'),
    ('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'),
    ('application/json; charset=latin1', 'application/json; charset=latin1'),
    ('text/html;charset=iso-8859-1', 'text/html;charset=iso-8859-1'),
    ('  text/html  ', '  text/html  ; charset=utf-8'),
    ('text/html foo', 'text/html foo; charset=utf-8'),
    (' application/json;', ' application/json;; charset=utf-8'),
    ('', None),
    ('foo', None),
    ('foo/bar', 'foo/bar'),
    ('text', 'text/plain; charset=utf-8'),
    ('text/', 'text/; charset=utf-8'),
    ('message/rfc822', 'message/rfc822'),
    ('message/news', 'message/news'),
    ('multipart/form-data', 'multipart/form-data'),
    ('application/manifest+json', 'application/manifest+json; charset=utf-8'),
    ('image/svg+xml', 'image/svg+xml'),
    ('application/dns-message', 'application/dns-message'),
    ('text/csv', 'text/csv; charset=utf-8'),
    ('text/calendar', 'text/calendar; charset=utf-8'),
    ('application/x-javascript', 'application/x-javascript'),
    ('application/node', 'application/node'),
    ('text/html; Charset=latin1', 'text/html; Charset=latin1; charset=utf-8'),
    ('application/json; charset=UTF-8', 'application/json; charset=UTF-8'),
    ('text/plain; format=flowed', 'text/plain; format=flowed; charset=utf-8'),
    ('application/mbox', 'application/mbox'),
    ('constructor', None),
    ('video/mp4', 'video/mp4'),
    ('audio/mpeg', 'audio/mpeg'),
    ('application/gzip', 'application/gzip'),
    ('text/html\xa0x', 'text/html\xa0x; charset=utf-8'),
    ('\u2028text/plain', '\u2028text/plain; charset=utf-8'),
    ('application/wasm', 'application/wasm'),
    ('application/java-archive', 'application/java-archive'),
    ('html', 'text/html; charset=utf-8'),
    ('.html', 'text/html; charset=utf-8'),
    ('json', 'application/json; charset=utf-8'),
    ('js', 'text/javascript; charset=utf-8'),
    ('file.tar.gz', 'application/gzip'),
    ('png', 'image/png'),
    ('bogus', None),
    ('txt', 'text/plain; charset=utf-8'),
    ('md', 'text/markdown; charset=utf-8'),
    ('xml', 'application/xml'),
    ('csv', 'text/csv; charset=utf-8'),
    ('HTML', 'text/html; charset=utf-8'),
]


@pytest.mark.parametrize("inp, want", LOOKUP)
def test_lookup(inp: str, want: str | None) -> None:
    assert mime.lookup(inp) == want


@pytest.mark.parametrize("inp, want", EXTNAME)
def test_extname(inp: str, want: str) -> None:
    assert mime.extname(inp) == want


@pytest.mark.parametrize("inp, want", CHARSET)
def test_charset(inp: str, want: str | None) -> None:
    assert mime.charset(inp) == want


@pytest.mark.parametrize("inp, want", EXTENSION)
def test_extension(inp: str, want: str | None) -> None:
    assert mime.extension(inp) == want


@pytest.mark.parametrize("inp, want", CONTENT_TYPE)
def test_content_type(inp: str, want: str | None) -> None:
    assert mime.content_type(inp) == want


def test_mimedata_shape() -> None:
    from fastexpress import _mimedata

    # Counts from mime-types 3.0.2 / mime-db 1.54.0 (Object.keys of
    # mime.types, mime.extensions, and db entries with a charset).
    assert (_mimedata.MIME_TYPES_VERSION, _mimedata.MIME_DB_VERSION) == ("3.0.2", "1.54.0")
    assert len(_mimedata.TYPES) == 1239
    assert len(_mimedata.EXTENSIONS) == 1015
    assert len(_mimedata.CHARSETS) == 41


# ---------------------------------------------------------------------------
# content-type / Express glue
# ---------------------------------------------------------------------------

# content-type 2.1.0 parse(s) -> (type, parameters); never throws.
PARSE_CONTENT_TYPE = [
    ('text/html', ('text/html', {})),
    ('TEXT/HTML; Charset=UTF-8', ('text/html', {'charset': 'UTF-8'})),
    ('text/html; charset=utf-8; foo=bar', ('text/html', {'charset': 'utf-8', 'foo': 'bar'})),
    ('text/plain ; charset = "utf-8" ', ('text/plain', {'charset': 'utf-8'})),
    ('text/plain;charset="a\\"b\\\\c"', ('text/plain', {'charset': 'a"b\\c'})),
    ('text/plain; charset="unterminated', ('text/plain', {})),
    ('text/plain; charset="x"junk; foo=bar', ('text/plain', {'charset': 'x', 'foo': 'bar'})),
    ('text/plain; foo; bar=baz', ('text/plain', {'bar': 'baz'})),
    ('text/plain; =x', ('text/plain', {'': 'x'})),
    ('text/plain;;a=1;;b=2', ('text/plain', {'a': '1', 'b': '2'})),
    ('text/plain; a=1; A=2', ('text/plain', {'a': '1'})),
    ('text/plain; a="1"; a=2', ('text/plain', {'a': '1'})),
    ('text/plain; a=1, b=2', ('text/plain', {'a': '1, b=2'})),
    ('a/b; q="0,5"', ('a/b', {'q': '0,5'})),
    ('', ('', {})),
    ('   ', ('', {})),
    ('html', ('html', {})),
    ('text/plain; name= spaced value ;x=y', ('text/plain', {'name': 'spaced value', 'x': 'y'})),
    ('text/plain;\tk\t=\tv\t', ('text/plain', {'k': 'v'})),
    ('text/plain; k="quoted;semi"', ('text/plain', {'k': 'quoted;semi'})),
    ('text/plain; k="trail\\', ('text/plain', {})),
    ('text/plain; k="", j=1', ('text/plain', {'k': ''})),
    ('text/plain; k=', ('text/plain', {'k': ''})),
    ('text/plain; k', ('text/plain', {})),
    (';a=b', ('', {'a': 'b'})),
    ('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW', ('multipart/form-data', {'boundary': '----WebKitFormBoundary7MA4YWxkTrZu0gW'})),
    ('application/json; charset=utf-8; charset=latin1', ('application/json', {'charset': 'utf-8'})),
    ('text/plain; 1=a; b=2; 0=c', ('text/plain', {'0': 'c', '1': 'a', 'b': '2'})),
    ('Text/HTML ; X=Y', ('text/html', {'x': 'Y'})),
    ('a/b c/d; x=1', ('a/b c/d', {'x': '1'})),
    ('text/plain; k=vé', ('text/plain', {'k': 'vé'})),
    ('text/plain; k="éÿ"', ('text/plain', {'k': 'éÿ'})),
    ('text/plain;k=a=b', ('text/plain', {'k': 'a=b'})),
    ('text/plain; k = "v" ; j = w ', ('text/plain', {'k': 'v', 'j': 'w'})),
]

# content-type 2.1.0 format({type, parameters}); params given in JS insertion order.
FORMAT_CONTENT_TYPE = [
    ('text/html', {}, 'text/html'),
    ('text/html', {'charset': 'utf-8'}, 'text/html; charset=utf-8'),
    ('image/svg+xml', {'charset': 'utf-8', 'foo': 'bar'}, 'image/svg+xml; charset=utf-8; foo=bar'),
    ('text/plain', {'foo': 'bar baz'}, 'text/plain; foo="bar baz"'),
    ('text/plain', {'foo': 'a"b\\c'}, 'text/plain; foo="a\\"b\\\\c"'),
    ('text/plain', {'foo': ''}, 'text/plain; foo=""'),
    ('text/plain', {'foo': 'é'}, 'text/plain; foo="é"'),
    ('text/plain', {'foo': 'Ā'}, Err(TypeError, 'Invalid parameter value: Ā')),
    ('text/plain', {'foo': 'a\nb'}, Err(TypeError, 'Invalid parameter value: a\nb')),
    ('text/plain', {'foo': 'a\tb'}, 'text/plain; foo="a\tb"'),
    ('text/plain', {'b@d': 'x'}, Err(TypeError, 'Invalid parameter name: b@d')),
    ('text/plain', {'': 'x'}, Err(TypeError, 'Invalid parameter name: ')),
    ('html', {}, Err(TypeError, 'Invalid type: html')),
    ('', {}, Err(TypeError, 'Invalid type: ')),
    ('text/', {}, Err(TypeError, 'Invalid type: text/')),
    ('Text/HTML', {'A': 'B'}, 'Text/HTML; A=B'),
    ('text/html ', {}, Err(TypeError, 'Invalid type: text/html ')),
    ('a/b/c', {}, Err(TypeError, 'Invalid type: a/b/c')),
    ('text/plain', {'b': '1', '10': 'x', '2': 'y', '01': 'z'}, 'text/plain; 2=y; 10=x; b=1; 01=z'),
    ('text/plain', {'charset': 'utf-8', '4294967295': 'big', '4294967294': 'idx'}, 'text/plain; 4294967294=idx; charset=utf-8; 4294967295=big'),
    ('text/plain', {'foo': 'semi;colon'}, 'text/plain; foo="semi;colon"'),
    ('text/plain', {'foo': "tok!#$%&'*+.^_`|~"}, "text/plain; foo=tok!#$%&'*+.^_`|~"),
]

# express/lib/utils setCharset(type, charset).
SET_CHARSET = [
    ('text/plain; foo=bar', 'utf-8', 'text/plain; foo=bar; charset=utf-8'),
    ('text/html', 'utf-8', 'text/html; charset=utf-8'),
    ('text/html; charset=latin1', 'utf-8', 'text/html; charset=utf-8'),
    ('text/plain; charset=latin1; foo=bar', 'utf-8', 'text/plain; charset=utf-8; foo=bar'),
    ('TEXT/PLAIN; CHARSET=latin1', 'utf-8', 'text/plain; charset=utf-8'),
    ('application/json', 'utf-8', 'application/json; charset=utf-8'),
    ('', 'utf-8', ''),
    ('text/html', '', 'text/html'),
    ('html', 'utf-8', Err(TypeError, 'Invalid type: html')),
    ('text/plain; foo', 'utf-8', 'text/plain; charset=utf-8'),
    ('text/plain; =bar', 'utf-8', Err(TypeError, 'Invalid parameter name: ')),
    ('text/plain; foo="a b"', 'utf-8', 'text/plain; foo="a b"; charset=utf-8'),
    ('text/plain; foo="Ā"', 'utf-8', Err(TypeError, 'Invalid parameter value: Ā')),
    ('text/plain; charset="x"; charset=y', 'iso-8859-1', 'text/plain; charset=iso-8859-1'),
    ('text/plain; 1=a', 'utf-8', 'text/plain; 1=a; charset=utf-8'),
    ('text/plain', 'a b', 'text/plain; charset="a b"'),
    ('false', 'utf-8', Err(TypeError, 'Invalid type: false')),
    ('text/html; charset=utf-8', 'utf-8', 'text/html; charset=utf-8'),
    ('  text/html  ;  a = b  ', 'utf-8', 'text/html; a=b; charset=utf-8'),
    ('application/octet-stream', 'utf-8', 'application/octet-stream; charset=utf-8'),
]

# Content-Type header a real Express 5.3.0 server sends after res.set('Content-Type', v).
EXPRESS_SET = [
    ('html', 'text/html; charset=utf-8'),
    ('.html', 'text/html; charset=utf-8'),
    ('json', 'application/json; charset=utf-8'),
    ('text/html', 'text/html; charset=utf-8'),
    ('text/html; charset=iso-8859-1', 'text/html; charset=iso-8859-1'),
    ('image/png', 'image/png'),
    ('application/json', 'application/json; charset=utf-8'),
    ('foo', 'false'),
    ('', 'false'),
    ('text/plain; Charset=latin1', 'text/plain; Charset=latin1; charset=utf-8'),
    ('TEXT/PLAIN', 'TEXT/PLAIN; charset=utf-8'),
    ('application/vnd.api+json', 'application/vnd.api+json'),
    ('dir/file.html', 'dir/file.html'),
    ('js', 'text/javascript; charset=utf-8'),
    ('application/javascript', 'application/javascript; charset=utf-8'),
    ('false', 'false'),
    ('txt', 'text/plain; charset=utf-8'),
    ('svg', 'image/svg+xml'),
]

# Content-Type header a real Express 5.3.0 server sends after res.type(v).
EXPRESS_TYPE = [
    ('html', 'text/html; charset=utf-8'),
    ('.html', 'text/html; charset=utf-8'),
    ('HTML', 'text/html; charset=utf-8'),
    ('js', 'text/javascript; charset=utf-8'),
    ('png', 'image/png'),
    ('file.tar.gz', 'application/gzip'),
    ('', 'application/octet-stream'),
    ('foo', 'application/octet-stream'),
    ('json', 'application/json; charset=utf-8'),
    ('text/html', 'text/html; charset=utf-8'),
    ('application/json', 'application/json; charset=utf-8'),
    ('text/plain; charset=latin1', 'text/plain; charset=latin1'),
    ('image/png', 'image/png'),
    ('text', 'text/plain; charset=utf-8'),
    ('bin', 'application/octet-stream'),
    ('css', 'text/css; charset=utf-8'),
    ('mjs', 'text/javascript; charset=utf-8'),
    ('md', 'text/markdown; charset=utf-8'),
    ('xml', 'application/xml'),
    ('svg', 'image/svg+xml'),
    ('txt', 'text/plain; charset=utf-8'),
    ('csv', 'text/csv; charset=utf-8'),
    ('wasm', 'application/wasm'),
    ('application/x-foo', 'application/x-foo'),
    ('dir/file.png', 'dir/file.png'),
    ('a.b.c', 'text/x-c; charset=utf-8'),
]

# (Content-Type, Content-Disposition) a real Express server sends after res.attachment(v).
ATTACHMENT = [
    (None, (None, 'attachment')),
    ('file.txt', ('text/plain; charset=utf-8', 'attachment; filename=file.txt')),
    ('path/to/report.pdf', ('application/pdf', 'attachment; filename=report.pdf')),
    ('résumé.txt', ('text/plain; charset=utf-8', 'attachment; filename="r?sum?.txt"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.txt')),
    ('my file.json', ('application/json; charset=utf-8', 'attachment; filename="my file.json"')),
    ('noext', ('application/octet-stream', 'attachment; filename=noext')),
    ('', (None, 'attachment; filename=""')),
    ('/abs/path/image.PNG', ('image/png', 'attachment; filename=image.PNG')),
]


@pytest.mark.parametrize("inp, want", PARSE_CONTENT_TYPE)
def test_parse_content_type(inp: str, want: tuple[str, dict[str, str]]) -> None:
    assert parse_content_type(inp) == want


@pytest.mark.parametrize("type_, params, want", FORMAT_CONTENT_TYPE)
def test_format_content_type(type_: str, params: dict[str, str], want: Any) -> None:
    assert outcome(format_content_type, type_, params) == want


@pytest.mark.parametrize("type_, charset, want", SET_CHARSET)
def test_set_charset(type_: str, charset: str, want: Any) -> None:
    assert outcome(set_charset, type_, charset) == want


@pytest.mark.parametrize("value, want", EXPRESS_SET)
def test_express_set_content_type(value: str, want: str) -> None:
    assert express_set_content_type(value) == want


@pytest.mark.parametrize("value, want", EXPRESS_TYPE)
def test_express_type(value: str, want: str) -> None:
    assert express_type(value) == want


@pytest.mark.parametrize("filename, want", ATTACHMENT)
def test_attachment_composition(filename: str | None, want: tuple[str | None, str]) -> None:
    # res.attachment(filename): name = basename(filename); if (name)
    # res.type(extname(name)); Content-Disposition = create(name).
    name = posixpath.basename(filename) if filename is not None else None
    ctype = express_type(mime.extname(name)) if name else None
    assert (ctype, content_disposition(name)) == want


# ---------------------------------------------------------------------------
# etag
# ---------------------------------------------------------------------------

# etag 1.8.1 etag(buffer, {weak}).
ETAG = [
    (b'', True, 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
    (b'', False, '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
    (b'hello', True, 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    (b'hello', False, '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    (b'Hello, World!', True, 'W/"d-CgqfKmdylCVXq1NV12r0Qvj2XgE"'),
    (b'Hello, World!', False, '"d-CgqfKmdylCVXq1NV12r0Qvj2XgE"'),
    (b'\xc3\xa9t\xc3\xa9', True, 'W/"5-ZNDLxfAsOQTuT0OcpHZIC2e14+E"'),
    (b'\xc3\xa9t\xc3\xa9', False, '"5-ZNDLxfAsOQTuT0OcpHZIC2e14+E"'),
    (b'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', True, 'W/"3e8-w++mkPo/3S4lJoU+7WcFOOoSdjg"'),
    (b'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', False, '"3e8-w++mkPo/3S4lJoU+7WcFOOoSdjg"'),
    (b'{"a":1}', True, 'W/"7-n4nHQM60bXQYySSnisV5QdXpZSA"'),
    (b'{"a":1}', False, '"7-n4nHQM60bXQYySSnisV5QdXpZSA"'),
    (b'\x00\xc3\xbf', True, 'W/"3-UnaMUNhERYdUrawjPkyhD3yiobM"'),
    (b'\x00\xc3\xbf', False, '"3-UnaMUNhERYdUrawjPkyhD3yiobM"'),
    (b'\x00', True, 'W/"1-W6k8nbDP+T9StSHXQg5D9u2ieE8"'),
    (b'\x00', False, '"1-W6k8nbDP+T9StSHXQg5D9u2ieE8"'),
    (b'\xff\x00\xfe', True, 'W/"3-xLs/ObdKX3bUHWyWwiepaF/a+Rg"'),
    (b'\xff\x00\xfe', False, '"3-xLs/ObdKX3bUHWyWwiepaF/a+Rg"'),
    (b'\x89PNG\r\n\x1a\n', True, 'W/"8-TK7OU5sDmxbhYgbqJHj4xf+yygU"'),
    (b'\x89PNG\r\n\x1a\n', False, '"8-TK7OU5sDmxbhYgbqJHj4xf+yygU"'),
]

# express compileETag(setting)(body, encoding); rows of 2 use Buffer.from('hello').
COMPILE_ETAG = [
    (True, 'hello', 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    ('weak', 'hello', 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    ('strong', 'hello', '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'),
    (True, 'héllo', 'utf8', 'W/"6-NbXqRcXkH3i0apN8x01B3+qSCJA"'),
    ('strong', 'héllo', None, '"6-NbXqRcXkH3i0apN8x01B3+qSCJA"'),
    (True, 'héllo', 'latin1', 'W/"5-Ao23UsFGBNYk6LHBIdYAxCe4o7o"'),
]

# express compileETag(setting) rejections.
COMPILE_ETAG_ERRORS = [
    ('WEAK', Err(TypeError, 'unknown value for etag function: WEAK')),
    ('strong ', Err(TypeError, 'unknown value for etag function: strong ')),
    ('', Err(TypeError, 'unknown value for etag function: ')),
    (1, Err(TypeError, 'unknown value for etag function: 1')),
    (0, Err(TypeError, 'unknown value for etag function: 0')),
    (None, Err(TypeError, 'unknown value for etag function: null')),
    ('true', Err(TypeError, 'unknown value for etag function: true')),
]


@pytest.mark.parametrize("body, weak, want", ETAG)
def test_etag(body: bytes, weak: bool, want: str) -> None:
    assert etag(body, weak) == want


@pytest.mark.parametrize("row", COMPILE_ETAG)
def test_compile_etag(row: tuple[Any, ...]) -> None:
    setting, *call, want = row
    fn = compile_etag(setting)
    assert fn is not None
    if len(call) == 1:
        assert fn(call[0].encode(), None) == want
    else:
        assert fn(call[0], call[1]) == want


@pytest.mark.parametrize("setting, want", COMPILE_ETAG_ERRORS)
def test_compile_etag_errors(setting: Any, want: Err) -> None:
    assert outcome(compile_etag, setting) == want


def test_compile_etag_passthrough() -> None:
    def custom(body: bytes, encoding: str | None) -> str:
        return "x"

    assert compile_etag(custom) is custom
    assert compile_etag(False) is None
    assert compile_etag(True) is compile_etag("weak")
    assert compile_etag("strong")(b"", None) == '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'  # type: ignore[misc]


# ---------------------------------------------------------------------------
# encodeurl / escape-html / vary / content-disposition
# ---------------------------------------------------------------------------

# encodeurl 2.0.3.
ENCODEURL = [
    ('http://localhost/foo bar', 'http://localhost/foo%20bar'),
    ('/foo%20bar', '/foo%20bar'),
    ('/foo%2', '/foo%252'),
    ('/foo%', '/foo%25'),
    ('/%%41', '/%25%41'),
    ('/%zz', '/%25zz'),
    ('/é', '/%C3%A9'),
    ('/☃', '/%E2%98%83'),
    ('/😀', '/%F0%9F%98%80'),
    ('/\ud83d', '/%EF%BF%BD'),
    ('/\ude00x', '/%EF%BF%BDx'),
    ('/a?b=c d&e=[f]', '/a?b=c%20d&e=[f]'),
    ('/a#frag ment', '/a#frag%20ment'),
    ('http://[::1]:3000/x', 'http://[::1]:3000/x'),
    ('/a\\b', '/a\\b'),
    ('/a|b^c', '/a|b^c'),
    ('/<script>', '/%3Cscript%3E'),
    ('/"quoted"', '/%22quoted%22'),
    ("/it's", "/it's"),
    ('/{brace}', '/%7Bbrace%7D'),
    ('/`tick`', '/%60tick%60'),
    ('/tab\there', '/tab%09here'),
    ('/nl\nx', '/nl%0Ax'),
    ('/\x7f', '/%7F'),
    ('/%41%42%4', '/%41%42%254'),
    ('/%E2%98%83', '/%E2%98%83'),
    ('', ''),
    ('already/encoded%2Fpath', 'already/encoded%2Fpath'),
    ('/%g1%1g', '/%25g1%251g'),
    ('/space%20 %20', '/space%20%20%20'),
]

# escape-html 1.0.3.
ESCAPE_HTML = [
    ('', ''),
    ('plain', 'plain'),
    ('<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'),
    ("it's & co", 'it&#39;s &amp; co'),
    ('a > b < c', 'a &gt; b &lt; c'),
    ('&amp;', '&amp;amp;'),
    ('é<é', 'é&lt;é'),
    ('"\'&<>', '&quot;&#39;&amp;&lt;&gt;'),
    ('no special', 'no special'),
    ('x&', 'x&amp;'),
]

# vary 1.1.2 append(header, field).
VARY = [
    ('', 'Accept', 'Accept'),
    ('', 'accept, origin', 'accept, origin'),
    ('Accept', 'Accept', 'Accept'),
    ('Accept', 'accept', 'Accept'),
    ('Accept', 'Origin', 'Accept, Origin'),
    ('Accept, Origin', 'User-Agent', 'Accept, Origin, User-Agent'),
    ('Accept', '*', '*'),
    ('*', 'Accept', '*'),
    ('Accept, *', 'Origin', '*'),
    ('', ['Accept', 'Origin'], 'Accept, Origin'),
    ('Accept', ['accept', 'ORIGIN', 'origin'], 'Accept, ORIGIN'),
    ('Accept', [], 'Accept'),
    ('', [], ''),
    ('Accept', '', Err(TypeError, 'field argument is required')),
    ('Accept', 'Accept,', Err(TypeError, 'field argument contains an invalid header name')),
    ('Accept', 'in valid', Err(TypeError, 'field argument contains an invalid header name')),
    ('Accept', ['in valid'], Err(TypeError, 'field argument contains an invalid header name')),
    ('Accept', 'a:b', Err(TypeError, 'field argument contains an invalid header name')),
    ('ACCEPT,  origin ', 'Origin, Cookie', 'ACCEPT,  origin , Cookie'),
    (' ', 'Accept', ' , Accept'),
    ('Accept,,', 'Origin', 'Accept,,, Origin'),
    ('Accept', '  Origin  ,  Cookie ', 'Accept, Origin, Cookie'),
    ('Accept', '*, Origin', '*'),
    ('Accept', '\tOrigin', Err(TypeError, 'field argument contains an invalid header name')),
    ('', 'Accept-Encoding', 'Accept-Encoding'),
    ('Accept-Encoding', 'Accept-encoding', 'Accept-Encoding'),
]

# content-disposition 2.0.1 create(filename, {type}); type None = option absent.
CONTENT_DISPOSITION = [
    (None, None, 'attachment'),
    ('file.txt', None, 'attachment; filename=file.txt'),
    ('my file.txt', None, 'attachment; filename="my file.txt"'),
    ('résumé.txt', None, 'attachment; filename="r?sum?.txt"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.txt'),
    ('é', None, 'attachment; filename="?"; filename*=UTF-8\'\'%C3%A9'),
    ('€ rates.txt', None, 'attachment; filename="? rates.txt"; filename*=UTF-8\'\'%E2%82%AC%20rates.txt'),
    ('😀.txt', None, 'attachment; filename="??.txt"; filename*=UTF-8\'\'%F0%9F%98%80.txt'),
    ('a%20b.txt', None, "attachment; filename=a%20b.txt; filename*=UTF-8''a%2520b.txt"),
    ('100%.txt', None, 'attachment; filename=100%.txt'),
    ('tab\there.txt', None, 'attachment; filename="tab?here.txt"; filename*=UTF-8\'\'tab%09here.txt'),
    ('quote"d.txt', None, 'attachment; filename="quote\\"d.txt"'),
    ('back\\slash.txt', None, 'attachment; filename="back\\\\slash.txt"'),
    ('', None, 'attachment; filename=""'),
    ('semi;colon.txt', None, 'attachment; filename="semi;colon.txt"'),
    ("it's (1).txt", None, 'attachment; filename="it\'s (1).txt"'),
    ('file.txt', 'inline', 'inline; filename=file.txt'),
    (None, 'inline', 'inline'),
    ('file.txt', '', 'attachment; filename=file.txt'),
    ('file.txt', 'bad type', Err(TypeError, 'Invalid type: bad type')),
    ('file.txt', 'form-data', 'form-data; filename=file.txt'),
    ('dir/file.txt', None, 'attachment; filename="dir/file.txt"'),
    ('naïve*.pdf', None, 'attachment; filename="na?ve*.pdf"; filename*=UTF-8\'\'na%C3%AFve%2A.pdf'),
    ('ÿĀ', None, 'attachment; filename="??"; filename*=UTF-8\'\'%C3%BF%C4%80'),
    ('a\x7fb', None, 'attachment; filename="a?b"; filename*=UTF-8\'\'a%7Fb'),
]


@pytest.mark.parametrize("url, want", ENCODEURL)
def test_encodeurl(url: str, want: str) -> None:
    assert encodeurl(url) == want


@pytest.mark.parametrize("s, want", ESCAPE_HTML)
def test_escape_html(s: str, want: str) -> None:
    assert escape_html(s) == want


@pytest.mark.parametrize("header, field, want", VARY)
def test_vary_append(header: str, field: str | list[str], want: Any) -> None:
    assert outcome(vary_append, header, field) == want


def test_vary_append_missing_header() -> None:
    # vary(res, f) reads `res.getHeader('Vary') || ''`.
    assert vary_append(None, "Accept") == "Accept"
    assert vary_append(None, []) == ""


@pytest.mark.parametrize("filename, type_, want", CONTENT_DISPOSITION)
def test_content_disposition(filename: str | None, type_: str | None, want: Any) -> None:
    args = (filename,) if type_ is None else (filename, type_)
    assert outcome(content_disposition, *args) == want


# ---------------------------------------------------------------------------
# statuses
# ---------------------------------------------------------------------------

# Node 20 http.STATUS_CODES, in order.
STATUS_CODES_NODE = [
    (100, 'Continue'),
    (101, 'Switching Protocols'),
    (102, 'Processing'),
    (103, 'Early Hints'),
    (200, 'OK'),
    (201, 'Created'),
    (202, 'Accepted'),
    (203, 'Non-Authoritative Information'),
    (204, 'No Content'),
    (205, 'Reset Content'),
    (206, 'Partial Content'),
    (207, 'Multi-Status'),
    (208, 'Already Reported'),
    (226, 'IM Used'),
    (300, 'Multiple Choices'),
    (301, 'Moved Permanently'),
    (302, 'Found'),
    (303, 'See Other'),
    (304, 'Not Modified'),
    (305, 'Use Proxy'),
    (307, 'Temporary Redirect'),
    (308, 'Permanent Redirect'),
    (400, 'Bad Request'),
    (401, 'Unauthorized'),
    (402, 'Payment Required'),
    (403, 'Forbidden'),
    (404, 'Not Found'),
    (405, 'Method Not Allowed'),
    (406, 'Not Acceptable'),
    (407, 'Proxy Authentication Required'),
    (408, 'Request Timeout'),
    (409, 'Conflict'),
    (410, 'Gone'),
    (411, 'Length Required'),
    (412, 'Precondition Failed'),
    (413, 'Payload Too Large'),
    (414, 'URI Too Long'),
    (415, 'Unsupported Media Type'),
    (416, 'Range Not Satisfiable'),
    (417, 'Expectation Failed'),
    (418, "I'm a Teapot"),
    (421, 'Misdirected Request'),
    (422, 'Unprocessable Entity'),
    (423, 'Locked'),
    (424, 'Failed Dependency'),
    (425, 'Too Early'),
    (426, 'Upgrade Required'),
    (428, 'Precondition Required'),
    (429, 'Too Many Requests'),
    (431, 'Request Header Fields Too Large'),
    (451, 'Unavailable For Legal Reasons'),
    (500, 'Internal Server Error'),
    (501, 'Not Implemented'),
    (502, 'Bad Gateway'),
    (503, 'Service Unavailable'),
    (504, 'Gateway Timeout'),
    (505, 'HTTP Version Not Supported'),
    (506, 'Variant Also Negotiates'),
    (507, 'Insufficient Storage'),
    (508, 'Loop Detected'),
    (509, 'Bandwidth Limit Exceeded'),
    (510, 'Not Extended'),
    (511, 'Network Authentication Required'),
]

# statuses 2.0.2 message map, in order.
STATUSES_MESSAGES = [
    (100, 'Continue'),
    (101, 'Switching Protocols'),
    (102, 'Processing'),
    (103, 'Early Hints'),
    (200, 'OK'),
    (201, 'Created'),
    (202, 'Accepted'),
    (203, 'Non-Authoritative Information'),
    (204, 'No Content'),
    (205, 'Reset Content'),
    (206, 'Partial Content'),
    (207, 'Multi-Status'),
    (208, 'Already Reported'),
    (226, 'IM Used'),
    (300, 'Multiple Choices'),
    (301, 'Moved Permanently'),
    (302, 'Found'),
    (303, 'See Other'),
    (304, 'Not Modified'),
    (305, 'Use Proxy'),
    (307, 'Temporary Redirect'),
    (308, 'Permanent Redirect'),
    (400, 'Bad Request'),
    (401, 'Unauthorized'),
    (402, 'Payment Required'),
    (403, 'Forbidden'),
    (404, 'Not Found'),
    (405, 'Method Not Allowed'),
    (406, 'Not Acceptable'),
    (407, 'Proxy Authentication Required'),
    (408, 'Request Timeout'),
    (409, 'Conflict'),
    (410, 'Gone'),
    (411, 'Length Required'),
    (412, 'Precondition Failed'),
    (413, 'Payload Too Large'),
    (414, 'URI Too Long'),
    (415, 'Unsupported Media Type'),
    (416, 'Range Not Satisfiable'),
    (417, 'Expectation Failed'),
    (418, "I'm a Teapot"),
    (421, 'Misdirected Request'),
    (422, 'Unprocessable Entity'),
    (423, 'Locked'),
    (424, 'Failed Dependency'),
    (425, 'Too Early'),
    (426, 'Upgrade Required'),
    (428, 'Precondition Required'),
    (429, 'Too Many Requests'),
    (431, 'Request Header Fields Too Large'),
    (451, 'Unavailable For Legal Reasons'),
    (500, 'Internal Server Error'),
    (501, 'Not Implemented'),
    (502, 'Bad Gateway'),
    (503, 'Service Unavailable'),
    (504, 'Gateway Timeout'),
    (505, 'HTTP Version Not Supported'),
    (506, 'Variant Also Negotiates'),
    (507, 'Insufficient Storage'),
    (508, 'Loop Detected'),
    (509, 'Bandwidth Limit Exceeded'),
    (510, 'Not Extended'),
    (511, 'Network Authentication Required'),
]

# Status line a real Node 20 / Express server writes for res.status(c).end().
STATUS_LINE = [
    (200, 'HTTP/1.1 200 OK'),
    (201, 'HTTP/1.1 201 Created'),
    (204, 'HTTP/1.1 204 No Content'),
    (301, 'HTTP/1.1 301 Moved Permanently'),
    (404, 'HTTP/1.1 404 Not Found'),
    (418, "HTTP/1.1 418 I'm a Teapot"),
    (422, 'HTTP/1.1 422 Unprocessable Entity'),
    (425, 'HTTP/1.1 425 Too Early'),
    (499, 'HTTP/1.1 499 unknown'),
    (509, 'HTTP/1.1 509 Bandwidth Limit Exceeded'),
    (599, 'HTTP/1.1 599 unknown'),
    (299, 'HTTP/1.1 299 unknown'),
    (999, 'HTTP/1.1 999 unknown'),
]

# Body of res.sendStatus(c) from a real Express server.
SEND_STATUS = [
    (200, 'OK'),
    (404, 'Not Found'),
    (418, "I'm a Teapot"),
    (500, 'Internal Server Error'),
    (299, '299'),
    (599, '599'),
]


def test_status_maps() -> None:
    assert list(statuses.STATUS_CODES.items()) == STATUS_CODES_NODE
    assert list(statuses.MESSAGES.items()) == STATUSES_MESSAGES


@pytest.mark.parametrize("code, line", STATUS_LINE)
def test_status_line(code: int, line: str) -> None:
    assert f"HTTP/1.1 {code} {statuses.reason(code)}" == line


@pytest.mark.parametrize("code, body", SEND_STATUS)
def test_send_status_body(code: int, body: str) -> None:
    # res.sendStatus: statuses.message[code] || String(code)
    assert (statuses.message(code) or str(code)) == body


def test_unknown_codes() -> None:
    assert statuses.reason(299) == "unknown"
    assert statuses.message(299) is None


# -- jsvalues: String(x) as JavaScript prints it (values taken from Node 20) -------------------

from fastexpress.jsvalues import UNDEFINED, js_number, js_string  # noqa: E402


@pytest.mark.parametrize("value,text", [
    (0, "0"), (-0.0, "0"), (1.0, "1"), (1.5, "1.5"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
    (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (12345678901234567891.0, "12345678901234567000"),
    (float("nan"), "NaN"), (float("inf"), "Infinity"), (-2.5, "-2.5"), (2**60, "1152921504606847000"),
])
def test_js_number(value: float, text: str) -> None:
    assert js_number(value) == text


@pytest.mark.parametrize("value,text", [
    (True, "true"), (False, "false"), (None, "null"), (UNDEFINED, "undefined"), ("s", "s"),
    ([1, None, "a"], "1,,a"), (3, "3"), (2.0, "2"),
])
def test_js_string(value: object, text: str) -> None:
    assert js_string(value) == text
