"""Express 5.3.0 ``req.fresh`` = method/status gate + the ``fresh`` 2.0.0 package.

:func:`is_fresh` takes the raw header strings (``None`` when absent).  The
``If-Modified-Since`` comparison goes through ``Date.parse`` in JS, so
:func:`parse_http_date` is a port of V8's date parser (``DateParser`` in
src/date/dateparser*.{h,cc} plus ``ParseDateTimeString``): the ES5 ISO
format first, then V8's permissive "legacy" parser.  That covers the three
HTTP-date forms (IMF-fixdate, RFC 850, asctime) and everything else a client
might send, with V8's answers (two-digit years -> 19xx/20xx, ``(comments)``
ignored, weekday names never checked, out-of-range day-of-month rolled into
the next month, ...).  Dates without a zone (asctime, ``2020-01-01T00:00``)
are local time, like V8, using this process's time zone.
"""

from __future__ import annotations

import re
import time as _time
from datetime import datetime, timedelta
from functools import lru_cache

__all__ = ["is_fresh", "fresh", "parse_http_date"]

# /(?:^|,)\s*?no-cache\s*?(?:,|$)/ with JS's \s (Python's \s is a different
# set: it adds \x1c-\x1f and \x85 and lacks \ufeff) and JS's `$`.
_JS_WS = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_NO_CACHE = re.compile(rf"(?:^|,){_JS_WS}*?no-cache{_JS_WS}*?(?:,|\Z)")


def _parse_token_list(s: str) -> list[str]:
    """fresh's ``parseTokenList``: split on ',', dropping spaces (0x20 only)
    around each token.  Empty tokens are kept (they never match an ETag)."""
    if " " not in s:
        return s.split(",")
    return [t.strip(" ") for t in s.split(",")]


def fresh(
    if_none_match: str | None,
    if_modified_since: str | None,
    cache_control: str | None,
    etag: str | None,
    last_modified: str | None,
) -> bool:
    """The ``fresh`` package: ``fresh(reqHeaders, {etag, 'last-modified'})``."""
    if not if_modified_since and not if_none_match:
        return False  # unconditional request
    # Cache-Control: no-cache means an end-to-end reload: always stale.
    if cache_control and "no-cache" in cache_control and _NO_CACHE.search(cache_control):
        return False
    if if_none_match:  # If-None-Match takes precedence over If-Modified-Since
        if if_none_match == "*":
            return True
        if not etag:
            return False
        weak = "W/" + etag
        for match in _parse_token_list(if_none_match):
            if match == etag or match == weak or "W/" + match == etag:
                return True
        return False
    if not last_modified:
        return False
    # !(lm <= ims): NaN on either side compares false, so unparseable -> stale
    lm = parse_http_date(last_modified)
    ims = parse_http_date(if_modified_since)  # type: ignore[arg-type]
    return lm is not None and ims is not None and lm <= ims


def is_fresh(
    method: str,
    status: int,
    if_none_match: str | None,
    if_modified_since: str | None,
    cache_control: str | None,
    etag: str | None,
    last_modified: str | None,
) -> bool:
    """Express 5.3 ``req.fresh``: only GET/HEAD/QUERY, only for a 2xx or 304
    status, then :func:`fresh`."""
    if method != "GET" and method != "HEAD" and method != "QUERY":
        return False
    if (200 <= status < 300) or status == 304:
        return fresh(if_none_match, if_modified_since, cache_control, etag, last_modified)
    return False


# ---------------------------------------------------------------------------
# V8 Date.parse
# ---------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}

# IMF-fixdate, the form every well-behaved client sends: handled directly
# when its fields are in range and the year has 4 significant digits (V8
# reads "0049" as 2049, so small years take the general path).
_IMF_FIXDATE = re.compile(
    r"[A-Za-z]{3}, ([0-9]{2}) ([A-Z][a-z]{2}) ([1-9][0-9]{3}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)


def parse_http_date(value: str) -> int | None:
    """``Date.parse(value)`` in Node 20 (V8) as integer milliseconds since
    the epoch, or None for NaN.  (fresh also maps ``''`` to NaN.)"""
    if not value:
        return None
    m = _IMF_FIXDATE.fullmatch(value)
    if m is not None:
        # V8 ignores the weekday word (even a month or zone name there is
        # overridden or skipped), so in-range fields give the obvious value.
        day_s, mon_s, year_s, h_s, mi_s, s_s = m.groups()
        month = _MONTHS.get(mon_s)
        day, hour, minute, second = int(day_s), int(h_s), int(mi_s), int(s_s)
        if month is not None and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 59:
            days = _days_from_civil(int(year_s), month, 1) + day - 1
            return days * 86400000 + ((hour * 60 + minute) * 60 + second) * 1000
    # The same few Last-Modified / If-Modified-Since strings recur, and the
    # full parser is slow-ish; zone-less results depend on the local zone,
    # so that is part of the key (time.tzset() changes time.tzname).
    return _v8_parse_cached(value, _time.tzname)


@lru_cache(maxsize=512)
def _v8_parse_cached(value: str, tzname: tuple[str, str]) -> int | None:
    return _v8_parse(value)


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


# Token tags (DateToken); keyword tokens use their KeywordType (>= 0) as tag.
_T_INVALID, _T_UNKNOWN, _T_WS, _T_NUMBER, _T_SYMBOL, _T_END = -6, -5, -4, -3, -2, -1
_K_INVALID, _K_MONTH, _K_TZ, _K_TSEP, _K_AMPM = 0, 1, 2, 3, 4
_NONE = 2**31 - 1  # kNone = kMaxInt
_MAX_SIG_DIGITS = 9

# KeywordTable: 3-char lowercase prefix (zero-padded) -> (type, value)
_KEYWORDS: dict[str, tuple[int, int]] = {
    "jan": (_K_MONTH, 1), "feb": (_K_MONTH, 2), "mar": (_K_MONTH, 3),
    "apr": (_K_MONTH, 4), "may": (_K_MONTH, 5), "jun": (_K_MONTH, 6),
    "jul": (_K_MONTH, 7), "aug": (_K_MONTH, 8), "sep": (_K_MONTH, 9),
    "oct": (_K_MONTH, 10), "nov": (_K_MONTH, 11), "dec": (_K_MONTH, 12),
    "am\0": (_K_AMPM, 0), "pm\0": (_K_AMPM, 12),
    "ut\0": (_K_TZ, 0), "utc": (_K_TZ, 0), "z\0\0": (_K_TZ, 0), "gmt": (_K_TZ, 0),
    "cdt": (_K_TZ, -5), "cst": (_K_TZ, -6), "edt": (_K_TZ, -4), "est": (_K_TZ, -5),
    "mdt": (_K_TZ, -6), "mst": (_K_TZ, -7), "pdt": (_K_TZ, -7), "pst": (_K_TZ, -8),
    "t\0\0": (_K_TSEP, 0),
}

# IsWhiteSpace (JS WhiteSpace) ends a word; IsWhiteSpaceOrLineTerminator is
# a white-space token.  U+2028/U+2029 are line terminators, not WhiteSpace,
# and are >= 'A', so they end up inside words.
_V8_WHITESPACE = frozenset("\t\v\f \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                           "\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff")
_V8_WS = _V8_WHITESPACE | frozenset("\n\r\u2028\u2029")

_Token = tuple[int, int, object]  # (tag, length, value)
_END_TOKEN: _Token = (_T_END, 0, -1)


def _tokenize(s: str) -> list[_Token]:
    """DateStringTokenizer::Scan, run to the end (scanning is context-free).
    A NUL character ends the input, as in V8.  (V8 scans UTF-16 code units;
    an astral character only ever lengthens a word past the 3 characters
    that matter, so code points give the same tokens.)"""
    nul = s.find("\0")
    if nul != -1:
        s = s[:nul]
    n = len(s)
    i = 0
    tokens: list[_Token] = []
    while i < n:
        c = s[i]
        if "0" <= c <= "9":
            j = i
            while j < n and "0" <= s[j] <= "9":
                j += 1
            # ReadUnsignedNumeral: leading zeros skipped, then at most 9
            # significant digits kept; the length counts every digit.
            k = i
            while k < j and s[k] == "0":
                k += 1
            tokens.append((_T_NUMBER, j - i, int(s[k : min(j, k + _MAX_SIG_DIGITS)] or "0")))
            i = j
        elif c in ":-+.)":
            tokens.append((_T_SYMBOL, 1, c))
            i += 1
        elif c >= "A" and c not in _V8_WHITESPACE:
            j = i
            while j < n and s[j] >= "A" and s[j] not in _V8_WHITESPACE:
                j += 1
            word = s[i:j]
            prefix = "".join(
                ch.lower() if ("A" <= ch <= "Z" or "a" <= ch <= "z") else "\x01" for ch in word[:3]
            ).ljust(3, "\0")
            kw = _KEYWORDS.get(prefix)
            if kw is not None and (j - i <= 3 or kw[0] == _K_MONTH):
                tokens.append((kw[0], j - i, kw[1]))
            else:
                tokens.append((_K_INVALID, j - i, 0))
            i = j
        elif c in _V8_WS:
            tokens.append((_T_WS, 1, -1))
            i += 1
        elif c == "(":
            balance = 0
            while True:  # SkipParentheses: to the matching ')' or the end
                if s[i] == ")":
                    balance -= 1
                elif s[i] == "(":
                    balance += 1
                i += 1
                if not (balance > 0 and i < n):
                    break
            tokens.append((_T_UNKNOWN, 1, -1))
        else:
            tokens.append((_T_UNKNOWN, 1, -1))
            i += 1
    tokens.append(_END_TOKEN)
    return tokens


class _Scanner:
    __slots__ = ("tokens", "pos")

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def next(self) -> _Token:
        tok = self.tokens[self.pos]
        if tok[0] != _T_END:
            self.pos += 1
        return tok

    def skip_symbol(self, sym: str) -> bool:
        tok = self.tokens[self.pos]
        if tok[0] == _T_SYMBOL and tok[2] == sym:
            self.pos += 1
            return True
        return False


def _is_sign(tok: _Token) -> bool:
    return tok[0] == _T_SYMBOL and (tok[2] == "+" or tok[2] == "-")


def _is_num(tok: _Token, length: int) -> bool:
    return tok[0] == _T_NUMBER and tok[1] == length


def _is_kw_z(tok: _Token) -> bool:
    return tok[0] == _K_TZ and tok[1] == 1 and tok[2] == 0


class _Day:
    __slots__ = ("comp", "named_month", "is_iso")

    def __init__(self) -> None:
        self.comp: list[int] = []
        self.named_month = _NONE
        self.is_iso = False

    def add(self, n: int) -> bool:
        if len(self.comp) < 3:
            self.comp.append(n)
            return True
        return False

    def write(self) -> tuple[int, int, int] | None:
        comp = self.comp
        if len(comp) < 1:
            return None
        comp = comp + [1] * (3 - len(comp))  # day and month default to 1
        index = 3  # V8 tests index_ *after* the padding, so it is always 3
        year = 0  # (=> 2000) for KJS compatibility
        if self.named_month == _NONE:
            if self.is_iso or (index == 3 and not 1 <= comp[0] <= 31):
                year, month, day = comp
            else:
                month, day = comp[0], comp[1]
                year = comp[2]
        else:
            month = self.named_month
            if not 1 <= comp[0] <= 31:
                year, day = comp[0], comp[1]
            else:
                day, year = comp[0], comp[1]
        if not self.is_iso:
            if 0 <= year <= 49:
                year += 2000
            elif 50 <= year <= 99:
                year += 1900
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return year, month - 1, day


class _Time:
    __slots__ = ("comp", "hour_offset")

    def __init__(self) -> None:
        self.comp: list[int] = []
        self.hour_offset = _NONE

    def is_empty(self) -> bool:
        return not self.comp

    def is_expecting(self, n: int) -> bool:
        i = len(self.comp)
        return (i == 1 and 0 <= n <= 59) or (i == 2 and 0 <= n <= 59) or (i == 3 and 0 <= n <= 999)

    def add(self, n: int) -> bool:
        if len(self.comp) < 4:
            self.comp.append(n)
            return True
        return False

    def add_final(self, n: int) -> bool:
        if not self.add(n):
            return False
        self.comp.extend([0] * (4 - len(self.comp)))
        return True

    def write(self) -> tuple[int, int, int, int] | None:
        hour, minute, second, ms = self.comp + [0] * (4 - len(self.comp))
        if self.hour_offset != _NONE:
            if not 0 <= hour <= 12:
                return None
            hour = hour % 12 + self.hour_offset
        if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= ms <= 999):
            # a 24th hour is allowed when everything else is 0
            if hour != 24 or minute != 0 or second != 0 or ms != 0:
                return None
        return hour, minute, second, ms


class _TZ:
    __slots__ = ("sign", "hour", "minute")

    def __init__(self) -> None:
        self.sign = _NONE
        self.hour = _NONE
        self.minute = _NONE

    def set(self, offset_hours: int) -> None:
        self.sign = -1 if offset_hours < 0 else 1
        self.hour = offset_hours * self.sign
        self.minute = 0

    def is_expecting(self, n: int) -> bool:
        return self.hour != _NONE and self.minute == _NONE and 0 <= n <= 59

    def is_utc(self) -> bool:
        return self.hour == 0 and self.minute == 0

    def write(self) -> int | None | bool:
        """UTC offset in seconds, None for "no zone" (local time), or False
        when V8 rejects it."""
        if self.sign == _NONE:
            return None
        hour = 0 if self.hour == _NONE else self.hour
        minute = 0 if self.minute == _NONE else self.minute
        total = (hour * 3600 + minute * 60) & 0xFFFFFFFF  # unsigned arithmetic
        if total > 2**31 - 1:  # > Smi::kMaxValue
            return False
        return -total if self.sign < 0 else total


def _read_milliseconds(tok: _Token) -> int:
    number, length = tok[2], tok[1]
    assert isinstance(number, int)
    if length == 1:
        return number * 100
    if length == 2:
        return number * 10
    if length > 3:
        length = min(length, _MAX_SIG_DIGITS)
        return number // 10 ** (length - 3)
    return number


def _parse_es5(sc: _Scanner, day: _Day, time: _Time, tz: _TZ) -> _Token:
    """DateParser::ParseES5DateTime: the next token for the legacy parser,
    END when fully parsed as ISO, or an INVALID token."""
    invalid: _Token = (_T_INVALID, 0, -1)
    if _is_sign(sc.peek()):
        sign_token = sc.next()
        if not _is_num(sc.peek(), 6):
            return sign_token
        sign = 1 if sign_token[2] == "+" else -1
        year = sc.next()[2]
        assert isinstance(year, int)
        if sign < 0 and year == 0:
            return sign_token
        day.add(sign * year)
    elif _is_num(sc.peek(), 4):
        day.add(sc.next()[2])  # type: ignore[arg-type]
    else:
        return sc.next()
    if sc.skip_symbol("-"):
        tok = sc.peek()
        if not _is_num(tok, 2) or not 1 <= tok[2] <= 12:  # type: ignore[operator]
            return sc.next()
        day.add(sc.next()[2])  # type: ignore[arg-type]
        if sc.skip_symbol("-"):
            tok = sc.peek()
            if not _is_num(tok, 2) or not 1 <= tok[2] <= 31:  # type: ignore[operator]
                return sc.next()
            day.add(sc.next()[2])  # type: ignore[arg-type]
    if sc.peek()[0] != _K_TSEP:
        if sc.peek()[0] != _T_END:
            return sc.next()
    else:
        sc.next()
        tok = sc.peek()
        if not _is_num(tok, 2) or not 0 <= tok[2] <= 24:  # type: ignore[operator]
            return invalid
        hour_is_24 = tok[2] == 24
        time.add(sc.next()[2])  # type: ignore[arg-type]
        if not sc.skip_symbol(":"):
            return invalid
        tok = sc.peek()
        if not _is_num(tok, 2) or not 0 <= tok[2] <= 59 or (hour_is_24 and tok[2] > 0):  # type: ignore[operator]
            return invalid
        time.add(sc.next()[2])  # type: ignore[arg-type]
        if sc.skip_symbol(":"):
            tok = sc.peek()
            if not _is_num(tok, 2) or not 0 <= tok[2] <= 59 or (hour_is_24 and tok[2] > 0):  # type: ignore[operator]
                return invalid
            time.add(sc.next()[2])  # type: ignore[arg-type]
            if sc.skip_symbol("."):
                tok = sc.peek()
                if tok[0] != _T_NUMBER or (hour_is_24 and tok[2] > 0):  # type: ignore[operator]
                    return invalid
                time.add(_read_milliseconds(sc.next()))
        if _is_kw_z(sc.peek()):
            sc.next()
            tz.set(0)
        elif _is_sign(sc.peek()):
            tz.sign = 1 if sc.next()[2] == "+" else -1
            if _is_num(sc.peek(), 4):
                hourmin = sc.next()[2]
                assert isinstance(hourmin, int)
                hour, minute = divmod(hourmin, 100)
                if not (0 <= hour <= 23 and 0 <= minute <= 59):
                    return invalid
                tz.hour, tz.minute = hour, minute
            else:
                tok = sc.peek()
                if not _is_num(tok, 2) or not 0 <= tok[2] <= 23:  # type: ignore[operator]
                    return invalid
                tz.hour = sc.next()[2]  # type: ignore[assignment]
                if not sc.skip_symbol(":"):
                    return invalid
                tok = sc.peek()
                if not _is_num(tok, 2) or not 0 <= tok[2] <= 59:  # type: ignore[operator]
                    return invalid
                tz.minute = sc.next()[2]  # type: ignore[assignment]
        if sc.peek()[0] != _T_END:
            return invalid
    # Date-only ISO forms are UTC; date-time forms without a zone are local.
    if tz.hour == _NONE and time.is_empty():
        tz.set(0)
    day.is_iso = True
    return _END_TOKEN


def _v8_parse(s: str) -> int | None:
    """DateParser::Parse + ParseDateTimeString (see module doc)."""
    sc = _Scanner(_tokenize(s))
    day, time, tz = _Day(), _Time(), _TZ()
    token = _parse_es5(sc, day, time, tz)
    if token[0] == _T_INVALID:
        return None
    has_read_number = bool(day.comp)
    while token[0] != _T_END:
        tag = token[0]
        if tag == _T_NUMBER:
            has_read_number = True
            n = token[2]
            assert isinstance(n, int)
            if sc.skip_symbol(":"):
                if sc.skip_symbol(":"):  # n + "::"
                    if not time.is_empty():
                        return None
                    time.add(n)
                    time.add(0)
                else:  # n + ":"
                    if not time.add(n):
                        return None
                    nxt = sc.peek()
                    if nxt[0] == _T_SYMBOL and nxt[2] == ".":
                        sc.next()
            elif sc.skip_symbol(".") and time.is_expecting(n):
                time.add(n)
                if sc.peek()[0] != _T_NUMBER:
                    return None
                ms = _read_milliseconds(sc.next())
                if ms < 0:
                    return None
                time.add_final(ms)
            elif tz.is_expecting(n):
                tz.minute = n
            elif time.is_expecting(n):
                time.add_final(n)
                # Require end, white space, "Z", "+" or "-" right after.
                peek = sc.peek()
                if not (peek[0] == _T_END or peek[0] == _T_WS or _is_kw_z(peek) or _is_sign(peek)):
                    return None
            else:
                if not day.add(n):
                    return None
                sc.skip_symbol("-")
        elif tag >= 0:  # a word
            value = token[2]
            assert isinstance(value, int)
            if tag == _K_AMPM and not time.is_empty():
                time.hour_offset = value
            elif tag == _K_MONTH:
                day.named_month = value
                sc.skip_symbol("-")
            elif tag == _K_TZ and has_read_number:
                tz.set(value)
            else:
                # Garbage words are illegal once a number has been read, and
                # must be separated from the first number.
                if has_read_number:
                    return None
                if sc.peek()[0] == _T_NUMBER:
                    return None
        elif _is_sign(token) and (tz.is_utc() or not time.is_empty()):
            # UTC offset (only after UTC or a time)
            tz.sign = 1 if token[2] == "+" else -1
            n, length = 0, 0
            if sc.peek()[0] == _T_NUMBER:
                num_tok = sc.next()
                length = num_tok[1]
                n = num_tok[2]  # type: ignore[assignment]
            has_read_number = True
            nxt = sc.peek()
            if nxt[0] == _T_SYMBOL and nxt[2] == ":":
                tz.hour = n
                tz.minute = _NONE
            elif length in (1, 2):  # GMT-8
                tz.hour = n
                tz.minute = 0
            elif length in (3, 4):  # hhmm
                tz.hour, tz.minute = divmod(n, 100)
            else:
                return None
        elif (_is_sign(token) or (tag == _T_SYMBOL and token[2] == ")")) and has_read_number:
            return None  # extra sign or ')' after a number
        # anything else (white space, unknown characters) is ignored
        token = sc.next()

    ymd = day.write()
    if ymd is None:
        return None
    hms = time.write()
    if hms is None:
        return None
    offset = tz.write()
    if offset is False:
        return None
    year, month0, mday = ymd
    if not -1000000 <= year <= 1000000:  # MakeDay's year range
        return None
    hour, minute, second, ms = hms
    date = (_days_from_civil(year, month0 + 1, 1) + mday - 1) * 86400000 + (
        ((hour * 60 + minute) * 60 + second) * 1000 + ms
    )
    max_time = 8640000000000000
    if offset is None:
        if abs(date) > max_time + 864000000:  # kMaxTimeBeforeUTCInMs
            return None
        date -= _local_offset_ms(date)
    else:
        date -= offset * 1000
    if abs(date) > max_time:  # TimeClip
        return None
    return date


def _local_offset_ms(local_ms: int) -> int:
    """This process's UTC offset (ms) at a wall-clock time given as ms since
    the epoch read as UTC: what V8's DateCache::ToUTC subtracts.  Python's
    naive ``timestamp()`` resolves skipped and repeated wall times with the
    offset from before the transition, like V8's ICU call
    (UCAL_TZ_LOCAL_FORMER).  Years datetime cannot hold are shifted by whole
    400-year cycles (same weekdays, so the same DST rule dates) first."""
    seconds = local_ms // 1000
    days = seconds // 86400
    if not _MIN_DAYS <= days <= _MAX_DAYS:
        # 146097 days = 400 Gregorian years; land in 2400..2799 going forward
        # (where only the zone's perpetual rule applies) or 1200..1599 back.
        target = _DAYS_2400 if days > _MAX_DAYS else _DAYS_1200
        seconds += ((target - days) // 146097 + 1) * 146097 * 86400
    wall = _EPOCH + timedelta(seconds=seconds)
    try:
        return (seconds - int(wall.timestamp())) * 1000
    except (OverflowError, OSError, ValueError):
        return 0


_EPOCH = datetime(1970, 1, 1)
_MIN_DAYS = _days_from_civil(1, 1, 2)
_MAX_DAYS = _days_from_civil(9999, 12, 30)
_DAYS_2400 = _days_from_civil(2400, 1, 1)
_DAYS_1200 = _days_from_civil(1200, 1, 1)
