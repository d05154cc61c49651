"""Table-driven tests for fastexpress.negotiation and fastexpress.typeis.

Expected values were produced by running the npm packages Express 5.3.0
installs (accepts 2.0.0, negotiator 1.1.0, type-is 2.1.0, media-typer 1.1.1,
mime-types 3.0.2) under Node 20 with a fake ``req = {headers}``. Do not
hand-edit; regenerate from the packages.

Header ``None`` means the header is absent (JS ``undefined``); JS ``false``
stays ``False`` and JS ``null`` is ``None``.
"""

from __future__ import annotations

from typing import Any

import pytest

from fastexpress.negotiation import accepts_charsets, accepts_encodings, accepts_languages, accepts_types
from fastexpress.typeis import has_body, request_is, type_is

# accepts 2.0.0 accepts(req).types(offers); header None = no Accept header.
ACCEPTS_TYPES = [
    (None, ['html', 'json'], 'html'),
    (None, [], ['*/*']),
    ('', ['html'], 'html'),
    ('', [], []),
    ('text/html', ['html'], 'html'),
    ('text/html', ['json'], False),
    ('application/json', ['html', 'json'], 'json'),
    ('application/json', ['json', 'application/json'], 'json'),
    ('application/json', ['application/json', 'json'], 'application/json'),
    ('text/*, application/json;q=0.5', ['json', 'html'], 'html'),
    ('text/*;q=0.5, application/json', ['html', 'json'], 'json'),
    ('*/*', ['png', 'html'], 'png'),
    ('*/*;q=0.1, image/*', ['html', 'png'], 'png'),
    ('text/html;level=1, text/html;q=0.5', ['text/html'], 'text/html'),
    ('text/html;level=1', ['text/html'], False),
    ('text/html;level=1', ['text/html;level=1'], 'text/html;level=1'),
    ('text/html;level=1;q=0.5, */*', ['text/html;LEVEL=1', 'text/plain'], 'text/plain'),
    ('text/html;charset=*', ['text/html;charset=utf-8'], 'text/html;charset=utf-8'),
    ('text/html', ['TEXT/HTML'], 'TEXT/HTML'),
    ('TEXT/HTML', ['text/html'], 'text/html'),
    ('text/html;q=0', ['html'], False),
    ('text/html;q=0, */*', ['html', 'json'], 'json'),
    ('text/html;q=abc', ['html'], False),
    ('text/html;q=, application/json;q=0.9', ['json', 'html'], 'html'),
    ('text/html;q=0.5x', ['html'], 'html'),
    ('text/html;q=-1, */*;q=0.1', ['html'], False),
    ('text/html;Q=0.1, application/json', ['html', 'json'], 'json'),
    ('application/json, text/html', ['html', 'json'], 'json'),
    ('application/json, text/html', ['html', 'json', 'bogus'], 'json'),
    ('application/json', ['bogus', 'json'], 'json'),
    ('application/json', ['bogus'], False),
    (None, ['bogus'], 'bogus'),
    ('text/html, application/xhtml+xml, application/xml;q=0.9, image/webp, */*;q=0.8', ['json', 'html', 'xml'], 'html'),
    ('text/html, application/xhtml+xml, application/xml;q=0.9, image/webp, */*;q=0.8', [], ['text/html', 'application/xhtml+xml', 'image/webp', 'application/xml', '*/*']),
    ('application/json;q=0.5, text/html;q=0.5', ['json', 'html'], 'json'),
    ('application/json;q=0.5, text/html;q=0.5', ['html', 'json'], 'json'),
    ('text/html, text/*', [], ['text/html', 'text/*']),
    ('text/html;q=0.2, text/plain;q=0.9, text/*;q=0.4', [], ['text/plain', 'text/*', 'text/html']),
    ('garbage', ['html'], False),
    ('garbage, text/html', [], ['text/html']),
    ('text/plain, , ,text/html', [], ['text/plain', 'text/html']),
    (' text/html ;q=0.5 , application/json ', [], ['application/json', 'text/html']),
    ('text/html;foo="a,b", application/json;q=0.9', ['json', 'html'], 'json'),
    ('text/html;foo="a,b";q=0.1, application/json;q=0.9', [], ['application/json', 'text/html']),
    ('*/*', [], ['*/*']),
    ('image/*', ['png', 'jpg', 'html'], 'png'),
    ('*/html', ['text/html', 'application/json'], 'text/html'),
    ('text/html;q=Infinity, application/json;q=Infinity', ['json', 'html'], 'html'),
    ('text/html;q=1e-3, application/json;q=.5', ['html', 'json'], 'json'),
    ('text/plain', ['text'], 'text'),
    ('application/*', ['js', 'json'], 'json'),
    ('text/*', ['js', 'json'], 'js'),
    ('Text/Plain;q=0.5, TEXT/HTML', [], ['TEXT/HTML', 'Text/Plain']),
    ('text/html;level=1, text/html', ['text/html;level=2'], 'text/html;level=2'),
    ('text/html;q="0.3", text/plain;q=0.4', ['html', 'text'], 'text'),
    ('text/html; q=0.5 ; level=2', ['text/html;level=2', 'text/html'], 'text/html;level=2'),
    ('text/*, text/html;q=0.5', ['html'], 'html'),
    ('text/html;q=0.5, text/*', ['html', 'text'], 'text'),
]

# accepts(req).encodings(offers).
ACCEPTS_ENCODINGS = [
    (None, [], ['identity']),
    (None, ['gzip'], False),
    (None, ['gzip', 'identity'], 'identity'),
    ('', [], ['identity']),
    ('', ['identity'], 'identity'),
    ('gzip', [], ['gzip', 'identity']),
    ('gzip', ['gzip'], 'gzip'),
    ('gzip', ['deflate', 'identity'], 'identity'),
    ('gzip, deflate', ['deflate', 'gzip'], 'gzip'),
    ('gzip;q=0.5, deflate', ['gzip', 'deflate'], 'deflate'),
    ('gzip;q=0', ['gzip', 'identity'], 'identity'),
    ('gzip;q=0', [], ['identity']),
    ('*', ['br', 'gzip'], 'br'),
    ('*', [], ['*']),
    ('*;q=0', ['identity'], False),
    ('identity;q=0', ['identity', 'gzip'], False),
    ('gzip;q=0.2', ['identity'], 'identity'),
    ('gzip;q=0.2', [], ['gzip', 'identity']),
    ('GZIP', ['gzip'], 'gzip'),
    ('gzip', ['GZIP'], 'GZIP'),
    ('br;q=1.0, gzip;q=0.8, *;q=0.1', ['gzip', 'br', 'deflate'], 'br'),
    ('br;q=1.0, gzip;q=0.8, *;q=0.1', [], ['br', 'gzip', '*']),
    ('gzip, deflate, br, zstd', [], ['gzip', 'deflate', 'br', 'zstd', 'identity']),
    ('gzip, deflate, br, zstd', ['zstd', 'br'], 'br'),
    ('deflate;q=abc', [], ['identity']),
    ('deflate;q=abc, gzip', ['deflate', 'gzip', 'identity'], 'gzip'),
    ('gzip;q=-0.5', [], []),
    ('gzip;q=-0.5', ['identity'], False),
    ('*, gzip;q=0', ['gzip', 'br'], 'br'),
    ('gzip;q=0.5, *;q=0.5', ['br', 'gzip'], 'gzip'),
    ('gzip;q=0.5, *', ['gzip', 'br'], 'br'),
    ('gzip', [''], False),
    ('*', [''], False),
    (' gzip , , deflate ', [], ['gzip', 'deflate', 'identity']),
    ('gzip;q=1e2, br;q=Infinity', [], ['br', 'gzip', 'identity']),
    ('compress, gzip;q=0.5, identity;q=0.5', [], ['compress', 'gzip', 'identity']),
]

# accepts(req).charsets(offers).
ACCEPTS_CHARSETS = [
    (None, [], ['*']),
    (None, ['utf-8'], 'utf-8'),
    (None, ['utf-8', 'iso-8859-1'], 'utf-8'),
    ('', [], []),
    ('', ['utf-8'], False),
    ('utf-8', [], ['utf-8']),
    ('utf-8', ['utf-8'], 'utf-8'),
    ('UTF-8', ['utf-8'], 'utf-8'),
    ('utf-8', ['UTF-8'], 'UTF-8'),
    ('utf-8, iso-8859-1;q=0.5', ['iso-8859-1', 'utf-8'], 'utf-8'),
    ('iso-8859-1;q=0.5, *', ['iso-8859-1', 'utf-8'], 'utf-8'),
    ('*;q=0.1, utf-8', [], ['utf-8', '*']),
    ('*', ['a', 'b'], 'a'),
    ('utf-8;q=0', ['utf-8'], False),
    ('utf-8;q=0, *', ['utf-8', 'latin1'], 'latin1'),
    ('utf-8, iso-8859-1', ['utf-8, iso-8859-1'], False),
    ('utf-8;q=0.5, iso-8859-1;q=0.5', ['iso-8859-1', 'utf-8'], 'utf-8'),
    ('utf-8;q=0.5, iso-8859-1;q=0.5', [], ['utf-8', 'iso-8859-1']),
    ('utf-8;q=bad', ['utf-8'], False),
    ('*', [''], False),
    ('utf-7;q=1.5, utf-8', [], ['utf-7', 'utf-8']),
    ('unicode-1-1;q=0.8, iso-8859-5', ['unicode-1-1'], 'unicode-1-1'),
]

# accepts(req).languages(offers).
ACCEPTS_LANGUAGES = [
    (None, [], ['*']),
    (None, ['en'], 'en'),
    ('', [], []),
    ('', ['en'], False),
    ('en', ['en'], 'en'),
    ('en', ['en-US'], 'en-US'),
    ('en-US', ['en'], 'en'),
    ('en-US', ['en-GB'], False),
    ('en-US,en;q=0.9', ['en', 'en-US'], 'en-US'),
    ('en-US,en;q=0.9', [], ['en-US', 'en']),
    ('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', [], ['fr-CH', 'fr', 'en', 'de', '*']),
    ('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', ['de', 'en', 'es'], 'en'),
    ('*', ['es', 'fr'], 'es'),
    ('EN-us', ['en-US'], 'en-US'),
    ('en-us', ['EN'], 'EN'),
    ('en;q=0', ['en'], False),
    ('en;q=0, *', ['en', 'fr'], 'fr'),
    ('en, en-US', ['en-US'], 'en-US'),
    ('en-US, en', ['en-GB', 'en'], 'en'),
    ('zh-Hant-TW', ['zh', 'zh-Hant', 'zh-Hant-TW'], 'zh-Hant-TW'),
    ('zh-Hant', ['zh-Hant-TW', 'zh'], 'zh'),
    ('en', ['en;q=0.1'], 'en;q=0.1'),
    ('en', [''], False),
    ('*', [''], False),
    ('en-US;q=0.8, en-GB;q=0.8', ['en', 'en-GB'], 'en-GB'),
    ('da, en-gb;q=0.8, en;q=0.7', ['en', 'en-gb', 'da'], 'da'),
    ('en;q=abc, fr', [], ['fr']),
    ('en, fr', ['fr', 'en'], 'en'),
    ('en-US-x-private', ['en-US'], False),
    ('-US', ['en-US', '-US'], '-US'),
]

# type-is 2.1.0 is(contentType, types).
TYPE_IS = [
    ('application/json', ['json'], 'json'),
    ('application/json; charset=utf-8', ['json'], 'json'),
    ('application/json', ['application/json'], 'application/json'),
    ('application/json', ['application/*'], 'application/json'),
    ('application/json', ['*/json'], 'application/json'),
    ('application/json', ['*/*'], 'application/json'),
    ('application/json', ['+json'], False),
    ('application/vnd.api+json', ['+json'], 'application/vnd.api+json'),
    ('application/vnd.api+json', ['*/*+json'], 'application/vnd.api+json'),
    ('application/vnd.api+json', ['json'], False),
    ('application/vnd.api+json', ['application/*+json'], 'application/vnd.api+json'),
    ('application/json', ['html', 'json'], 'json'),
    ('text/html', ['html'], 'html'),
    ('text/html', ['.html'], '.html'),
    ('text/html', ['text/*'], 'text/html'),
    ('text/html', ['Text/HTML'], False),
    ('TEXT/HTML', ['text/html'], 'text/html'),
    ('text/html', [], 'text/html'),
    ('TEXT/HTML; charset=utf-8', [], 'text/html'),
    ('application/x-www-form-urlencoded', ['urlencoded'], 'urlencoded'),
    ('multipart/form-data; boundary=x', ['multipart'], 'multipart'),
    ('multipart/form-data', ['multipart/*'], 'multipart/form-data'),
    ('multipart/form-data', ['multipart/form-data'], 'multipart/form-data'),
    ('text/plain', ['json', 'urlencoded'], False),
    (None, ['json'], False),
    ('', ['json'], False),
    ('invalid', ['json'], False),
    ('text/', ['text/*'], False),
    ('text/html/x', ['text/*'], False),
    ('text/html extra', ['html'], False),
    ('text/json', ['json'], False),
    ('text/json', ['*/json'], 'text/json'),
    ('application/json', ['bogusext'], False),
    ('image/svg+xml', ['svg'], 'svg'),
    ('image/svg+xml', ['+xml'], 'image/svg+xml'),
    ('image/svg+xml', ['image/*'], 'image/svg+xml'),
    ('application/xml', ['+xml'], False),
    ('application/json', ['*+json'], False),
    ('application/vnd+json', ['*/*+json'], 'application/vnd+json'),
    ('a/+json', ['+json'], False),
    ('application/ld+json', ['+json', 'json'], 'application/ld+json'),
    ('  application/json  ', ['json'], 'json'),
    ('application/json;', ['json'], 'json'),
    ('text/plain', ['*'], False),
    ('text/plain', ['text'], 'text'),
    ('text/plain', ['txt'], 'txt'),
    ('image/png', ['png', 'image/*'], 'png'),
    ('application/octet-stream', ['bin'], 'bin'),
    ('x/y', ['x/*', 'x/y'], 'x/y'),
    ('Application/JSON', ['application/JSON'], False),
    ('text/html\t', ['html'], 'html'),
    ('application/json', ['*/*+json'], False),
]

# type-is hasBody(req) for (Content-Length, Transfer-Encoding); None = header absent.
HAS_BODY = [
    (None, None, False),
    ('0', None, True),
    ('10', None, True),
    ('', None, True),
    (' ', None, True),
    ('abc', None, False),
    ('0x10', None, True),
    ('1e3', None, True),
    (' 12 ', None, True),
    ('-1', None, True),
    ('1.5', None, True),
    ('Infinity', None, True),
    ('12abc', None, False),
    (None, 'chunked', True),
    (None, '', True),
    ('abc', 'chunked', True),
    ('+5', None, True),
    ('.', None, False),
    ('0b101', None, True),
    ('-0x1', None, False),
    ('\xa012', None, True),
    ('1_000', None, False),
]

# type-is typeofrequest(req, types) == req.is(types); None = no body.
REQUEST_IS = [
    ('application/json', '10', None, ['json'], 'json'),
    ('application/json', None, None, ['json'], None),
    ('application/json', None, 'chunked', ['json'], 'json'),
    ('application/json', '0', None, ['json'], 'json'),
    (None, '5', None, ['json'], False),
    ('text/html', '5', None, [], 'text/html'),
    ('text/html', 'abc', None, ['html'], None),
    ('application/x-www-form-urlencoded', '3', None, ['urlencoded', 'json'], 'urlencoded'),
    ('multipart/form-data; boundary=z', None, 'chunked', ['multipart'], 'multipart'),
    ('application/vnd.api+json', '2', None, ['+json'], 'application/vnd.api+json'),
    ('text/plain', '', None, ['text/*'], 'text/plain'),
    (None, None, None, [], None),
]


@pytest.mark.parametrize("header, offers, want", ACCEPTS_TYPES)
def test_accepts_types(header: str | None, offers: list[str], want: Any) -> None:
    assert accepts_types(header, offers) == want


@pytest.mark.parametrize("header, offers, want", ACCEPTS_ENCODINGS)
def test_accepts_encodings(header: str | None, offers: list[str], want: Any) -> None:
    assert accepts_encodings(header, offers) == want


@pytest.mark.parametrize("header, offers, want", ACCEPTS_CHARSETS)
def test_accepts_charsets(header: str | None, offers: list[str], want: Any) -> None:
    assert accepts_charsets(header, offers) == want


@pytest.mark.parametrize("header, offers, want", ACCEPTS_LANGUAGES)
def test_accepts_languages(header: str | None, offers: list[str], want: Any) -> None:
    assert accepts_languages(header, offers) == want


def test_result_lists_are_fresh() -> None:
    # Parsed headers are cached; callers must still get lists they may mutate.
    header = "text/html, application/json;q=0.5"
    first = accepts_types(header, [])
    assert isinstance(first, list)
    first.append("junk")
    assert accepts_types(header, []) == ["text/html", "application/json"]


@pytest.mark.parametrize("content_type, types, want", TYPE_IS)
def test_type_is(content_type: str | None, types: list[str], want: Any) -> None:
    assert type_is(content_type, types) == want


@pytest.mark.parametrize("content_length, transfer_encoding, want", HAS_BODY)
def test_has_body(content_length: str | None, transfer_encoding: str | None, want: bool) -> None:
    assert has_body(content_length, transfer_encoding) is want


@pytest.mark.parametrize("content_type, content_length, transfer_encoding, types, want", REQUEST_IS)
def test_request_is(
    content_type: str | None, content_length: str | None, transfer_encoding: str | None, types: list[str], want: Any
) -> None:
    assert request_is(content_type, content_length, transfer_encoding, types) == want
