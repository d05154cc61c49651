"""fastexpress.rangeparser and fastexpress.fresh against the real packages.

Expected values come from running range-parser 1.3.0, fresh 2.0.0, Express
5.3.0's ``req.fresh`` getter and ``Date.parse`` under Node 20.  Zone-less
dates are local time in V8, so those rows pin the process time zone.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from fastexpress.fresh import fresh, is_fresh, parse_http_date
from fastexpress.rangeparser import Range, Ranges, parse_range


@pytest.fixture
def set_tz() -> Iterator[object]:
    """Switch the process time zone (as TZ=... would for Node); restore after."""
    saved = os.environ.get("TZ")

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield switch
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


# rangeParser(size, header, {combine}) from range-parser 1.3.0:
# -2 malformed, -1 unsatisfiable, else (ranges.type, [(start, end), ...]).
# Trimming is String.prototype.trim (U+FEFF/U+00A0 yes, \x1c no).
RANGES = [
    (1000, 'bytes=0-499', False, ('bytes', [(0, 499)])),
    (1000, 'bytes=500-999', False, ('bytes', [(500, 999)])),
    (1000, 'bytes=-500', False, ('bytes', [(500, 999)])),
    (1000, 'bytes=9500-', False, -1),
    (1000, 'bytes=0-0,-1', False, ('bytes', [(0, 0), (999, 999)])),
    (1000, 'bytes=0-1999', False, ('bytes', [(0, 999)])),
    (1000, 'bytes=1000-', False, -1),
    (1000, 'bytes=-0', False, -1),
    (1000, 'bytes=-2000', False, -1),
    (1000, 'bytes=500-20', False, -1),
    (1000, 'bytes= 0 - 1 ', False, ('bytes', [(0, 1)])),
    (1000, 'bytes=\ufeff0-1\xa0', False, ('bytes', [(0, 1)])),
    (1000, 'bytes=\x1c0-1', False, -2),
    (1000, 'bytes=0-1,', False, -2),
    (1000, 'bytes=0-1,,2-3', False, -2),
    (1000, 'bytes=0-1, x', False, -2),
    (1000, 'bytes=a-1', False, -2),
    (1000, 'bytes=0-b', False, -2),
    (1000, 'bytes=1', False, -2),
    (1000, 'bytes=', False, -2),
    (1000, 'bytes', False, -2),
    (1000, 'bytes=-', False, -2),
    (1000, 'bytes=--1', False, -2),
    (1000, 'bytes=0--1', False, -2),
    (1000, 'bytes=0x10-20', False, -2),
    (1000, 'bytes=1e2-200', False, -2),
    (1000, 'bytes=٣-5', False, -2),
    (1000, 'items=0-5', False, ('items', [(0, 5)])),
    (1000, '=0-5', False, ('', [(0, 5)])),
    (1000, 'bytes=a=0-5', False, -2),
    (1000, 'bytes=200-100,0-5', False, ('bytes', [(0, 5)])),
    (1000, 'bytes=2000-3000', False, -1),
    (0, 'bytes=0-', False, -1),
    (0, 'bytes=-1', False, -1),
    (1, 'bytes=0-', False, ('bytes', [(0, 0)])),
    (1000, 'bytes=0-99999999999999999999', False, ('bytes', [(0, 999)])),
    (1000, 'bytes=0-4,90-99,5-75,100-199,101-102', True, ('bytes', [(0, 75), (90, 199)])),
    (1000, 'bytes=-1,20-100,0-1,101-120', True, ('bytes', [(999, 999), (20, 120), (0, 1)])),
    (1000, 'bytes=0-1,2-3,4-5', True, ('bytes', [(0, 5)])),
    (1000, 'bytes=40-50,10-20,15-45', True, ('bytes', [(10, 50)])),
    (1000, 'bytes=10-20,10-15', True, ('bytes', [(10, 20)])),
    (1000, 'bytes=0-1,5-6,3-3', True, ('bytes', [(0, 1), (5, 6), (3, 3)])),
    (1000, 'bytes=-600,0-500', True, ('bytes', [(0, 999)])),
    (1000, 'bytes=500-600,0-100,99-450', True, ('bytes', [(500, 600), (0, 450)])),
    (1000, 'bytes=x-1', True, -2),
    (1000, 'bytes=2000-', True, -1),
]


# Date.parse(s) in Node 20 (V8), ms since the epoch or None for NaN, for
# strings that carry a zone (or are ISO date-only): independent of the local
# time zone.
HTTP_DATES = [
    ('Sun, 06 Nov 1994 08:49:37 GMT', 784111777000),
    ('Sunday, 06-Nov-94 08:49:37 GMT', 784111777000),
    ('Sun, 06 Nov 1994 08:49:37 +0100', 784108177000),
    ('Sun, 06 Nov 1994 08:49:37 -08:00', 784140577000),
    ('Sun, 06 Nov 1994 08:49:37 EST', 784129777000),
    ('Sun, 06 Nov 1994 08:49:37 PDT', 784136977000),
    ('Sun, 06 Nov 1994 08:49:37 UT', 784111777000),
    ('Sun, 06 Nov 1994 08:49:37 Z', 784111777000),
    ('Fri, 31 Feb 2021 00:00:00 GMT', 1614729600000),
    ('Sun, 00 Nov 1994 08:49:37 GMT', None),
    ('Sun, 32 Nov 1994 08:49:37 GMT', None),
    ('Sun, 06 Nov 1994 24:00:00 GMT', 784166400000),
    ('Sun, 06 Nov 1994 24:00:01 GMT', None),
    ('Sun, 06 Nov 1994 23:59:60 GMT', 784166340000),
    ('Sun, 06 Nov 0049 08:49:37 GMT', 2519801377000),
    ('Sun, 06 Nov 0050 08:49:37 GMT', -604422623000),
    ('Sun, 06 Nov 99 08:49:37 GMT', 941878177000),
    ('Xyz, 06 Junk 1994 08:49:37 GMT', 770892577000),
    ('Sun, 06 Nov 1994 08:49:37 GMT (comment)', 784111777000),
    ('Sun, 06 Nov 1994 08:49 GMT', 784111740000),
    ('Sun, 06 Nov 1994 8:49:37.250 GMT', 784111777250),
    ('Sun, 06 Nov 1994 08:49:37 GMT+0200', 784104577000),
    ('Sun, 06 Nov 1994 08:49:37 GMT-8', 784140577000),
    ('Sun, 06 Nov 1994 08:49:37 GMT+5:30', 784091977000),
    ('Sun, 06 Nov 1994 08:49:37 GMTX', None),
    ('Sun 06 Nov 1994 08:49:37 GMT garbage', None),
    ('Nov 6 1994 08:49:37 GMT', 784111777000),
    ('6 November 1994 GMT', 784080000000),
    ('1994-11-06', 784080000000),
    ('1994-11-06T08:49:37Z', 784111777000),
    ('1994-11-06T08:49:37.5+01:00', 784108177500),
    ('1994-11-06T08:49:37+0130', 784106377000),
    ('1994-11-06T25:00:00Z', None),
    ('+001994-11-06T00:00:00Z', 784080000000),
    ('-000001-01-01T00:00:00Z', -62198755200000),
    ('1994-11', 783648000000),
    ('1994', 757382400000),
    ('11/06/1994 08:49:37 GMT', 784111777000),
    ('1994/11/06 GMT', 784080000000),
    ('06 Nov 1994 08:49:37 PM GMT', 784154977000),
    ('06 Nov 1994 12:00 AM GMT', 784080000000),
    ('06 Nov 1994 13:00 PM GMT', None),
    ('Sun, 06 Nov 1994 08:49:37 GMT\x00junk', 784111777000),
    ('', None),
    ('garbage', None),
    ('Sun, 06 Nov 275760 00:00:00 GMT', None),
    ('Sun, 06 Nov 999999 00:00:00 GMT', None),
    ('Sun,\xa006\xa0Nov\xa01994\xa008:49:37\xa0GMT', 784111777000),
]


# Zone-less dates are local time: Date.parse with TZ=UTC.
LOCAL_DATES_UTC = [
    ('Sun Nov  6 08:49:37 1994', 784111777000),
    ('Sun Nov 6 08:49:37 1994', 784111777000),
    ('Thu Jan  1 00:00:00 1970', 0),
    ('Sun Mar 13 02:30:00 2022', 1647138600000),
    ('Sun Nov  6 01:30:00 2022', 1667698200000),
    ('1994-11-06T08:49:37', 784111777000),
    ('1994-11-06T08:49', 784111740000),
    ('Nov 6 1994', 784080000000),
    ('Jan 5', 978652800000),
    ('Sun, 06 Nov 1994 08:49:37', 784111777000),
    ('Sun, 06 Nov 1994', 784080000000),
    ('0', 946684800000),
]


# Zone-less dates are local time: Date.parse with TZ=America/New_York.
LOCAL_DATES_NEW_YORK = [
    ('Sun Nov  6 08:49:37 1994', 784129777000),
    ('Sun Nov 6 08:49:37 1994', 784129777000),
    ('Thu Jan  1 00:00:00 1970', 18000000),
    ('Sun Mar 13 02:30:00 2022', 1647156600000),
    ('Sun Nov  6 01:30:00 2022', 1667712600000),
    ('1994-11-06T08:49:37', 784129777000),
    ('1994-11-06T08:49', 784129740000),
    ('Nov 6 1994', 784098000000),
    ('Jan 5', 978670800000),
    ('Sun, 06 Nov 1994 08:49:37', 784129777000),
    ('Sun, 06 Nov 1994', 784098000000),
    ('0', 946702800000),
]


# Zone-less dates are local time: Date.parse with TZ=Asia/Kolkata.
LOCAL_DATES_KOLKATA = [
    ('Sun Nov  6 08:49:37 1994', 784091977000),
    ('Sun Nov 6 08:49:37 1994', 784091977000),
    ('Thu Jan  1 00:00:00 1970', -19800000),
    ('Sun Mar 13 02:30:00 2022', 1647118800000),
    ('Sun Nov  6 01:30:00 2022', 1667678400000),
    ('1994-11-06T08:49:37', 784091977000),
    ('1994-11-06T08:49', 784091940000),
    ('Nov 6 1994', 784060200000),
    ('Jan 5', 978633000000),
    ('Sun, 06 Nov 1994 08:49:37', 784091977000),
    ('Sun, 06 Nov 1994', 784060200000),
    ('0', 946665000000),
]


# Express 5.3 req.fresh (request.js getter, real fresh 2.0.0 underneath):
# (method, status, If-None-Match, If-Modified-Since, Cache-Control, res ETag,
# res Last-Modified, expected).
FRESH = [
    ('GET', 200, None, None, None, '"a"', 'Sun, 06 Nov 1994 08:49:37 GMT', False),
    ('GET', 200, '"a"', None, None, '"a"', None, True),
    ('GET', 200, '"a"', None, None, '"b"', None, False),
    ('GET', 200, '"a"', None, None, None, None, False),
    ('GET', 200, '*', None, None, None, None, True),
    ('GET', 200, ' *', None, None, '"a"', None, False),
    ('GET', 200, 'W/"a"', None, None, '"a"', None, True),
    ('GET', 200, '"a"', None, None, 'W/"a"', None, True),
    ('GET', 200, 'W/"a"', None, None, 'W/"a"', None, True),
    ('GET', 200, '"x", "y" ,"a"', None, None, '"a"', None, True),
    ('GET', 200, '"x",W/"a"', None, None, '"a"', None, True),
    ('GET', 200, '"x" "a"', None, None, '"a"', None, False),
    ('GET', 200, '"a"', 'garbage', None, '"a"', 'Sun, 06 Nov 1994 08:49:37 GMT', True),
    ('GET', 200, '"b"', 'Sun, 06 Nov 1994 08:49:37 GMT', None, '"a"', 'Sun, 06 Nov 1994 08:49:37 GMT', False),
    ('GET', 200, None, 'Sun, 06 Nov 1994 08:49:37 GMT', None, None, 'Sun, 06 Nov 1994 08:49:37 GMT', True),
    ('GET', 200, None, 'Sun, 06 Nov 1994 08:49:36 GMT', None, None, 'Sun, 06 Nov 1994 08:49:37 GMT', False),
    ('GET', 200, None, 'Sun, 06 Nov 1994 08:49:38 GMT', None, None, 'Sun, 06 Nov 1994 08:49:37 GMT', True),
    ('GET', 200, None, 'Sunday, 06-Nov-94 08:49:37 GMT', None, None, 'Sun, 06 Nov 1994 08:49:37 GMT', True),
    ('GET', 200, None, 'Sun Nov  6 08:49:37 1994', None, None, 'Sunday, 06-Nov-94 08:49:37 GMT', True),
    ('GET', 200, None, 'Sun, 06 Nov 1994 08:49:37 GMT', None, None, None, False),
    ('GET', 200, None, 'Sun, 06 Nov 1994 08:49:37 GMT', None, None, 'garbage', False),
    ('GET', 200, None, 'garbage', None, None, 'Sun, 06 Nov 1994 08:49:37 GMT', False),
    ('GET', 200, None, 'Sun, 06 Nov 1994 09:49:37 +0100', None, None, 'Sun, 06 Nov 1994 08:49:37 GMT', True),
    ('GET', 200, None, 'Sun, 06 Nov 1994 08:49:37 GMT', 'no-cache', None, 'Sun, 06 Nov 1994 08:49:37 GMT', False),
    ('GET', 200, '*', None, 'max-age=0, no-cache', None, None, False),
    ('GET', 200, '*', None, 'no-cache="set-cookie"', None, None, True),
    ('GET', 200, '*', None, 'max-age=0', None, None, True),
    ('GET', 200, '*', None, ' no-cache , private', None, None, False),
    ('GET', 200, '*', None, 'xno-cache', None, None, True),
    ('GET', 200, '*', None, '\x1cno-cache', None, None, True),
    ('GET', 200, '*', None, '\ufeffno-cache', None, None, False),
    ('HEAD', 200, '"a"', None, None, '"a"', None, True),
    ('QUERY', 200, '"a"', None, None, '"a"', None, True),
    ('POST', 200, '"a"', None, None, '"a"', None, False),
    ('get', 200, '"a"', None, None, '"a"', None, False),
    ('GET', 304, '"a"', None, None, '"a"', None, True),
    ('GET', 299, '"a"', None, None, '"a"', None, True),
    ('GET', 301, '"a"', None, None, '"a"', None, False),
    ('GET', 404, '"a"', None, None, '"a"', None, False),
    ('GET', 199, '"a"', None, None, '"a"', None, False),
]


@pytest.mark.parametrize(("size", "header", "combine", "expected"), RANGES)
def test_parse_range(size: int, header: str, combine: bool, expected: object) -> None:
    got = parse_range(size, header, combine=combine)
    if isinstance(expected, int):
        assert got == expected
    else:
        assert isinstance(got, Ranges)
        unit, ranges = expected  # type: ignore[misc]
        assert got.type == unit
        assert [(r.start, r.end) for r in got] == ranges
        assert all(isinstance(r, Range) for r in got)


def test_ranges_type_and_shape() -> None:
    got = parse_range(100, "bytes=0-9,-5")
    assert isinstance(got, list) and isinstance(got, Ranges)
    assert got == [Range(0, 9), Range(95, 99)] and got.type == "bytes"
    assert got[1].start == 95 and got[1].end == 99
    with pytest.raises(TypeError, match="argument str must be a string"):
        parse_range(100, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), HTTP_DATES)
def test_parse_http_date_zoned(text: str, expected: int | None, set_tz) -> None:  # type: ignore[no-untyped-def]
    for zone in ("UTC", "America/New_York"):
        set_tz(zone)
        assert parse_http_date(text) == expected


@pytest.mark.parametrize(
    ("zone", "rows"),
    [("UTC", LOCAL_DATES_UTC), ("America/New_York", LOCAL_DATES_NEW_YORK), ("Asia/Kolkata", LOCAL_DATES_KOLKATA)],
)
def test_parse_http_date_local(zone: str, rows: list[tuple[str, int | None]], set_tz) -> None:  # type: ignore[no-untyped-def]
    set_tz(zone)
    assert [(text, parse_http_date(text)) for text, _ in rows] == rows


@pytest.mark.parametrize(("method", "status", "inm", "ims", "cc", "etag", "lm", "expected"), FRESH)
def test_is_fresh(
    method: str, status: int, inm: str | None, ims: str | None, cc: str | None,
    etag: str | None, lm: str | None, expected: bool, set_tz,  # type: ignore[no-untyped-def]
) -> None:
    set_tz("UTC")  # one row compares an asctime (local) date
    assert is_fresh(method, status, inm, ims, cc, etag, lm) is expected


def test_fresh_without_gate() -> None:
    # the bare `fresh` package does not look at method or status
    assert fresh('"a"', None, None, '"a"', None) is True
    assert fresh(None, None, None, '"a"', None) is False
    assert fresh("", "", None, '"a"', "x") is False
