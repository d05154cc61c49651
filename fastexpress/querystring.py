"""Query-string parsers: exact ports of the two Express 5.3.0 can use.

* Node 20 ``querystring.parse`` (Express's default ``simple`` parser)
  -> :func:`parse_simple`
* qs 6.17.1 ``parse`` (``extended``; also body-parser's urlencoded)
  -> :func:`parse_extended`
* express/lib/utils.js ``compileQueryParser`` -> :func:`compile_query_parser`

Results are plain ``dict``/``list``/``str`` trees.  Their key order is the
order ``Object.keys`` gives in JS: canonical array-index keys (``"0"`` ..
``"4294967294"``) first in ascending numeric order, then the other keys in
insertion order, so ``json.dumps(result)`` equals ``JSON.stringify``.

Inputs are str with one character per JS UTF-16 code unit for anything in
the BMP (a latin-1 decoded URL, as Node provides, always is).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Union

from .jsvalues import js_number, js_ordered, js_string

__all__ = [
    "parse_simple",
    "parse_extended",
    "compile_query_parser",
    "QueryParseError",
    "QueryDepthError",
    "QueryParameterLimitError",
    "QueryArrayLimitError",
]


class QueryParseError(ValueError):
    """qs threw a ``RangeError`` (body-parser turns any of these into
    ``400 The input exceeded the depth``)."""


class QueryDepthError(QueryParseError):
    """``strict_depth`` is on and a key nests deeper than ``depth``."""


class QueryParameterLimitError(QueryParseError):
    """``throw_on_limit_exceeded`` is on and there are too many parameters."""


class QueryArrayLimitError(QueryParseError):
    """``throw_on_limit_exceeded`` is on and an array grew past ``array_limit``."""


# ---------------------------------------------------------------------------
# JS helpers
# ---------------------------------------------------------------------------

_HEX_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_HEX_ESCAPE_SPLIT = re.compile(r"%([0-9A-Fa-f]{2})")


def _decode_uri_component(s: str) -> str | None:
    """JS ``decodeURIComponent``; None where it would throw ``URIError``
    (a '%' not followed by two hex digits, or escapes that are not valid
    UTF-8: overlong forms, encoded surrogates, > U+10FFFF, truncation)."""
    if "%" not in s:
        return s
    out: list[str] = []
    pos = 0
    for m in _HEX_ESCAPE_RUN.finditer(s):
        start = m.start()
        if s.find("%", pos, start) != -1:
            return None
        out.append(s[pos:start])
        try:
            out.append(bytes.fromhex(m.group().replace("%", "")).decode("utf-8"))
        except UnicodeDecodeError:
            return None
        pos = m.end()
    if s.find("%", pos) != -1:
        return None
    out.append(s[pos:])
    return "".join(out)


def _low_bytes(s: str) -> bytes:
    """Each UTF-16 code unit of ``s`` truncated to a byte, as a Node Buffer
    assignment (``buf[i] = charCode``) truncates it."""
    if s.isascii():
        return s.encode("ascii")
    try:
        return s.encode("latin-1")
    except UnicodeEncodeError:
        units = s.encode("utf-16-le", "surrogatepass")
        return bytes(units[0::2])  # little-endian: the low byte comes first


def _js_num(n: int) -> int | float:
    """A JS number from an exact integer: beyond 2**53 JS only has doubles."""
    return n if -(2**53) <= n <= 2**53 else float(n)


def _inc(n: int | float) -> int | float:
    return _js_num(n + 1) if type(n) is int else n + 1


def _num_key(n: int | float) -> str:
    """``String(n)`` for an integer-valued JS number used as a property key."""
    return str(n) if type(n) is int else js_number(n)


def _canonical_int(key: str) -> int | float | None:
    """The number ``n`` when ``String(parseInt(key, 10)) === key`` holds, else
    None.  That means: optional '-', no leading zeros, and digits that survive
    a round trip through a double (so "-0" and 17+ digit noise fail)."""
    body = key[1:] if key[:1] == "-" else key
    if not body or not body.isascii() or not body.isdigit():
        return None
    if body[0] == "0" and (len(body) > 1 or key[0] == "-"):
        return None
    n = int(key)
    if len(body) <= 15:
        return n
    f = float(n)
    if js_number(f) != key:
        return None
    return _js_num(n)


# ---------------------------------------------------------------------------
# Node 20 querystring.parse
# ---------------------------------------------------------------------------

# What makes Node's scanner set keyEncoded / valEncoded (see parse_simple).
_KEY_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
_VAL_ENCODED = re.compile(r"%\+*[0-9A-Fa-f]\+*[0-9A-Fa-f]")


def _qs_unescape(s: str) -> str:
    """Node ``querystring.unescape``: decodeURIComponent, and when that throws,
    ``unescapeBuffer(s).toString()``: valid ``%XX`` become bytes, every other
    code unit is truncated to its low byte, then the bytes are decoded as
    UTF-8 with U+FFFD for bad sequences (so 'é' next to a stray '%' turns
    into U+FFFD, and '中' into '-')."""
    decoded = _decode_uri_component(s)
    if decoded is not None:
        return decoded
    pieces = _HEX_ESCAPE_SPLIT.split(s)
    buf = bytearray()
    for i, piece in enumerate(pieces):
        if i & 1:
            buf.append(int(piece, 16))
        elif piece:
            buf += _low_bytes(piece)
    return buf.decode("utf-8", "replace")


def parse_simple(qs: str) -> dict[str, Union[str, list[str]]]:
    """Node 20 ``querystring.parse(qs)`` (sep '&', eq '=', maxKeys 1000).

    * pairs split on '&', key/value on the first '='; a bare ``e`` -> ``""``
    * ``+`` becomes a space; ``b[c]=3`` keeps the key ``"b[c]"``
    * repeated keys collect into a list in order
    * only the first 1000 '&'-separated pieces are looked at, empty ones
      included (the trailing empty piece of ``"a&"`` does not count)
    * a key or value is percent-decoded only if Node's scanner saw a valid
      ``%XX`` in it (quirks kept: for values a '+' between the '%' and the
      hex digits does not break that detection, and an encoded key lets the
      rest of the key trigger it too); decoding failures fall back to a
      byte-wise unescape (see :func:`_qs_unescape`)
    """
    obj: dict[str, Any] = {}
    if not qs or type(qs) is not str:
        return obj
    pieces = qs.split("&", 1000)
    if len(pieces) > 1000:
        del pieces[1000:]
    for piece in pieces:
        if not piece:
            continue
        eq = piece.find("=")
        if eq == -1:
            key, value = piece, ""
        else:
            key, value = piece[:eq], piece[eq + 1 :]
        key_match = _KEY_ENCODED.search(key) if "%" in key else None
        if value:
            # Node's scanner shares one `encodeCheck` counter: once the key is
            # known to be encoded, the rest of the key also feeds the value's
            # detector, so `%41%4+1=é` decodes (and mangles) the value too.
            val_encoded = "%" in value and _VAL_ENCODED.search(value) is not None
            if not val_encoded and key_match is not None:
                val_encoded = _VAL_ENCODED.search(key, key_match.end()) is not None
            if "+" in value:
                value = value.replace("+", " ")
            if val_encoded:
                value = _qs_unescape(value)
        if key:
            if "+" in key:
                key = key.replace("+", " ")
            if key_match is not None:
                key = _qs_unescape(key)
        cur = obj.get(key)
        if cur is None:
            obj[key] = value
        elif type(cur) is list:
            cur.append(value)
        else:
            obj[key] = [cur, value]
    return js_ordered(obj) if obj else obj


# ---------------------------------------------------------------------------
# qs 6.17.1 parse
# ---------------------------------------------------------------------------
# While parsing, JS arrays are _Arr (sparse: qs creates holes with `a[5]=x`
# and only compacts them at the very end) and JS objects are _Obj (a dict
# carrying qs's two side-channel marks).  _finish() turns both into plain
# list/dict, compacted and in Object.keys order.

_HOLE = object()

# Object.getOwnPropertyNames(Object.prototype) in Node 20: qs's prototype
# guard (`has.call(Object.prototype, key)`) when allowPrototypes is false.
_OBJECT_PROTOTYPE_KEYS = frozenset(
    [
        "constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty",
        "__lookupGetter__", "__lookupSetter__", "isPrototypeOf",
        "propertyIsEnumerable", "toString", "valueOf", "__proto__", "toLocaleString",
    ]
)


class _Arr:
    """A JS array that may have holes: index -> value, plus ``length``."""

    __slots__ = ("items", "length", "conflict")

    def __init__(self, values: list[Any] | None = None) -> None:
        self.items: dict[int, Any] = dict(enumerate(values)) if values else {}
        self.length = len(values) if values else 0
        # qs's "conflict" side channel: max index of a strictMerge wrap.
        self.conflict: int | float | None = None

    def set(self, i: int, value: Any) -> None:
        self.items[i] = value
        if i >= self.length:
            self.length = i + 1

    def push(self, value: Any) -> None:
        self.items[self.length] = value
        self.length += 1

    def indices(self) -> list[int]:
        return sorted(self.items)


class _Obj(dict):  # type: ignore[type-arg]
    """A plain JS object, plus qs's overflow / conflict side-channel marks."""

    __slots__ = ("overflow", "conflict")

    def __init__(self) -> None:
        super().__init__()
        self.overflow: int | float | None = None  # max numeric index
        self.conflict: int | float | None = None


def _is_container(v: Any) -> bool:
    return type(v) is _Obj or type(v) is _Arr


def _array_limit_error(limit: int) -> QueryArrayLimitError:
    return QueryArrayLimitError(
        f"Array limit exceeded. Only {js_number(limit)} element{'' if limit == 1 else 's'} allowed in an array."
    )


def _array_to_object(source: _Arr) -> _Obj:
    obj = _Obj()
    for i in source.indices():
        obj[str(i)] = source.items[i]
    return obj


def _concat(*values: Any) -> _Arr:
    """``[].concat(...values)``: arrays are spread (holes kept), others appended."""
    out = _Arr()
    for v in values:
        if type(v) is _Arr:
            base = out.length
            for i, item in v.items.items():
                out.items[base + i] = item
            out.length += v.length
        else:
            out.push(v)
    return out


def _combine(a: Any, b: Any, limit: int, throw: bool) -> Any:
    """qs utils.combine."""
    if type(a) is _Obj and a.overflow is not None:
        if throw:
            raise _array_limit_error(limit)
        # b is always a single string here (the only caller with an
        # overflowed `a` is parseValues combining a duplicate key).
        new_index = a.overflow
        for v in [b.items[i] for i in b.indices()] if type(b) is _Arr else (b,):
            new_index = _inc(new_index)
            a[_num_key(new_index)] = v
        a.overflow = new_index
        return a
    result = _concat(a, b)
    if result.length > limit:
        if throw:
            raise _array_limit_error(limit)
        obj = _array_to_object(result)
        obj.overflow = result.length - 1
        return obj
    return result


def _count_elements(arr: _Arr) -> int:
    return len(arr.items)


def _limited_pair(first: Any, second: Any, limit: int, throw: bool) -> Any:
    pair = _Arr([first, second])
    if 2 > limit:
        if throw:
            raise _array_limit_error(limit)
        obj = _array_to_object(pair)
        obj.overflow = 1
        return obj
    return pair


def _max_numeric_index(obj: _Obj, start: int | float) -> int | float:
    best = start
    for key in obj:
        n = _canonical_int(key)
        if n is not None and n > best:
            best = n
    return best


def _merge(target: Any, source: Any, limit: int, throw: bool) -> Any:
    """qs utils.merge with qs's defaults for everything not exposed here
    (strictMerge true, plainObjects false)."""
    if source is None or source == "":  # `!source`
        return target
    if type(source) is str:
        if type(target) is _Arr:
            next_index = target.length
            if _count_elements(target) >= limit:
                if throw:
                    raise _array_limit_error(limit)
                obj = _array_to_object(_concat(target, source))
                obj.overflow = next_index
                return obj
            target.set(next_index, source)
        elif type(target) is _Obj:
            if target.overflow is not None:
                new_index = _inc(target.overflow)
                target[_num_key(new_index)] = source
                target.overflow = new_index
            elif target.conflict is not None:
                next_conflict = _inc(target.conflict)
                if throw and next_conflict >= limit:
                    raise _array_limit_error(limit)
                target[_num_key(next_conflict)] = source
                target.conflict = next_conflict
            else:
                conflict = _limited_pair(target, source, limit, throw)
                if type(conflict) is _Arr:
                    conflict.conflict = 1
                return conflict
        else:
            return _limited_pair(target, source, limit, throw)
        return target

    if not _is_container(target):
        if type(source) is _Obj and source.overflow is not None:
            result = _Obj()
            result["0"] = target
            # Object.keys order matters here: "1" and "01" both land on "2".
            for key, value in js_ordered(source).items():
                n = _js_parse_int10(key)
                result[_num_key(_inc(n)) if n is not None else "NaN"] = value
            result.overflow = _inc(source.overflow)
            return result
        combined = _concat(target, source)
        if combined.length > limit:
            if throw:
                raise _array_limit_error(limit)
            obj = _array_to_object(combined)
            obj.overflow = combined.length - 1
            return obj
        return combined

    if type(target) is _Arr and type(source) is _Arr:
        for i in source.indices():  # forEach skips holes
            item = source.items[i]
            if i in target.items:
                target_item = target.items[i]
                if _is_container(target_item) and _is_container(item):
                    target.items[i] = _merge(target_item, item, limit, throw)
                else:
                    target.push(item)
            else:
                target.set(i, item)
        if _count_elements(target) > limit:
            if throw:
                raise _array_limit_error(limit)
            obj = _array_to_object(target)
            obj.overflow = target.length - 1
            return obj
        return target

    acc: _Obj
    if type(target) is _Arr:
        acc = _array_to_object(target)
        if target.conflict is not None:
            acc.conflict = target.length - 1
    else:
        acc = target
    if type(source) is _Arr:
        entries: Any = ((str(i), source.items[i]) for i in source.indices())
        source_overflow = None
    else:
        entries = list(source.items())
        source_overflow = source.overflow
    for key, value in entries:
        if key in acc:
            acc[key] = _merge(acc[key], value, limit, throw)
        else:
            acc[key] = value
        if source_overflow is not None and acc.overflow is None:
            acc.overflow = _max_numeric_index(acc, source_overflow)
        if acc.overflow is not None:
            n = _canonical_int(key)
            if n is not None and n >= 0 and n > acc.overflow:
                acc.overflow = n
        if acc.conflict is not None:
            n = _canonical_int(key)
            if n is not None and n > acc.conflict:
                acc.conflict = n
    return acc


def _js_parse_int10(s: str) -> int | float | None:
    """``parseInt(s, 10)``, None for NaN (keys here never carry whitespace
    issues that matter; leading JS whitespace is skipped anyway)."""
    m = _PARSE_INT10.match(s)
    if m is None:
        return None
    return _js_num(int(m.group(1)))


_PARSE_INT10 = re.compile(r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*([+-]?[0-9]+)")


def _qs_decode(s: str, charset: str) -> str:
    """qs utils.decode: '+' -> ' ', then decodeURIComponent (utf-8; on
    failure the undecoded string is kept whole) or per-``%XX`` unescape
    (iso-8859-1)."""
    if "%" not in s:
        return s.replace("+", " ") if "+" in s else s
    s = s.replace("+", " ")
    if charset == "iso-8859-1":
        return _HEX_ESCAPE_SPLIT.sub(lambda m: chr(int(m.group(1), 16)), s)
    decoded = _decode_uri_component(s)
    return s if decoded is None else decoded


_NUMERIC_ENTITY = re.compile(r"&#([0-9]+);")


def _interpret_numeric_entities(s: str) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = m.group(1)
        c = int(digits)
        if 0xFFFF < c <= 0x10FFFF:
            return chr(c)
        # String.fromCharCode applies ToUint16 to parseInt's double.
        if c > 2**53:
            f = float(digits)
            c = 0 if f == float("inf") else int(f)
        return chr(c % 0x10000)

    return _NUMERIC_ENTITY.sub(repl, s)


_BRACKET_OPEN = re.compile("%5B", re.I)
_BRACKET_CLOSE = re.compile("%5D", re.I)
_ISO_SENTINEL = "utf8=%26%2310003%3B"  # encodeURIComponent('&#10003;')
_CHARSET_SENTINEL = "utf8=%E2%9C%93"  # encodeURIComponent('✓')


def _parse_values(
    s: str,
    limit: int,
    parameter_limit: int | float,
    throw: bool,
    charset: str,
    charset_sentinel: bool,
    interpret_numeric_entities: bool,
) -> dict[str, Any]:
    """qs ``parseValues``: '&'-split into a flat key -> value(s) object."""
    obj: dict[str, Any] = {}
    if "%" in s:
        s = _BRACKET_CLOSE.sub("]", _BRACKET_OPEN.sub("[", s))
    if parameter_limit == float("inf"):
        parts = s.split("&")
    else:
        # String.prototype.split's limit goes through ToUint32.
        n = int(parameter_limit) % 2**32
        split_limit = (n + 1) % 2**32 if throw else n
        parts = s.split("&", split_limit)[:split_limit] if split_limit else []
        if throw and len(parts) > parameter_limit:
            raise QueryParameterLimitError(
                f"Parameter limit exceeded. Only {js_number(parameter_limit)} "
                f"parameter{'' if parameter_limit == 1 else 's'} allowed."
            )

    skip_index = -1
    if charset_sentinel:
        for i, part in enumerate(parts):
            if part.startswith("utf8="):
                if part == _CHARSET_SENTINEL:
                    charset = "utf-8"
                elif part == _ISO_SENTINEL:
                    charset = "iso-8859-1"
                skip_index = i
                break

    for i, part in enumerate(parts):
        if i == skip_index:
            continue
        bracket_equals = part.find("]=")
        pos = part.find("=") if bracket_equals == -1 else bracket_equals + 1
        val: Any
        if pos == -1:
            key = _qs_decode(part, charset)
            val = ""
        else:
            key = _qs_decode(part[:pos], charset)
            if throw:
                existing = obj.get(key)
                current = existing.length if type(existing) is _Arr else 0
                if current >= limit and current > 0:  # parseArrayValue
                    raise _array_limit_error(limit)
            val = _qs_decode(part[pos + 1 :], charset)
        if val and interpret_numeric_entities and charset == "iso-8859-1":
            val = _interpret_numeric_entities(val)
        if key in obj:
            obj[key] = _combine(obj[key], val, limit, throw)
        else:
            obj[key] = val
    return obj


def _strip_wrapping_brackets(key: str) -> str:
    return key[1:-1] if key[:1] == "[" and key[-1:] == "]" else key


def _top_level_dots_to_brackets(key: str) -> str:
    """qs ``topLevelDotsToBrackets`` (allowDots): ``a.b`` -> ``a[b]``, but a
    dot inside ``[...]`` is left alone."""
    out: list[str] = []
    depth = 0
    i = 0
    n = len(key)
    while i < n:
        c = key[i]
        if c == "[":
            depth += 1
            out.append("[")
        elif c == "]":
            if depth > 0:
                depth -= 1
            out.append("]")
        elif c == "." and depth == 0 and i + 1 < n and key[i + 1] != "." and key[i + 1] != "[":
            j = i + 1
            while j < n and key[j] != "." and key[j] != "[":
                j += 1
            out.append("[" + key[i + 1 : j] + "]")
            i = j - 1
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _split_key(original: str, depth: int | float, allow_prototypes: bool, allow_dots: bool, strict_depth: bool) -> list[str] | None:
    """qs ``splitKeyIntoSegments``: ``a[b][c]`` -> ``['a', '[b]', '[c]']``;
    None when the prototype guard drops the key."""
    key = _top_level_dots_to_brackets(original) if allow_dots else original
    if depth <= 0:
        if not allow_prototypes and _strip_wrapping_brackets(key) in _OBJECT_PROTOTYPE_KEYS:
            return None
        return [key]
    segments: list[str] = []
    first = key.find("[")
    parent = key[:first] if first >= 0 else key
    if parent:
        if not allow_prototypes and parent in _OBJECT_PROTOTYPE_KEYS:
            return None
        segments.append(parent)
    n = len(key)
    open_ = first
    collected = 0
    while open_ >= 0 and collected < depth:
        level = 1
        i = open_ + 1
        close = -1
        while i < n and close < 0:
            c = key[i]
            if c == "[":
                level += 1
            elif c == "]":
                level -= 1
                if level == 0:
                    close = i
            i += 1
        if close < 0:
            # Unterminated group: the raw rest becomes one literal segment.
            segments.append("[" + key[open_:] + "]")
            return segments
        seg = key[open_ : close + 1]
        if not allow_prototypes and seg[1:-1] in _OBJECT_PROTOTYPE_KEYS:
            return None
        segments.append(seg)
        collected += 1
        open_ = key.find("[", close + 1)
    if open_ >= 0:
        if strict_depth:
            raise QueryDepthError(
                f"Input depth exceeded depth option of {js_number(depth)} and strictDepth is true"
            )
        segments.append("[" + key[open_:] + "]")
    return segments


def _parse_object(chain: list[str], leaf: Any, limit: int, throw: bool) -> Any:
    """qs ``parseObject``: build the nested value for one key, innermost first."""
    for root in reversed(chain):
        obj: Any
        if root == "[]":
            if type(leaf) is _Obj and leaf.overflow is not None:
                obj = leaf
            else:
                obj = _combine(_Arr(), leaf, limit, throw)
        else:
            obj = _Obj()
            decoded = _strip_wrapping_brackets(root)
            index = _canonical_int(decoded) if root != decoded else None
            if index is not None and index >= 0:
                if index < limit:
                    obj = _Arr()
                    obj.set(index, leaf)
                elif throw:
                    raise _array_limit_error(limit)
                else:
                    obj[decoded] = leaf
                    obj.overflow = index
            elif decoded != "__proto__":
                obj[decoded] = leaf
        leaf = obj
    return leaf


def _finish(value: Any) -> Any:
    """qs ``compact`` (drop holes) + conversion to plain list/dict in JS key
    order."""
    t = type(value)
    if t is _Arr:
        items = value.items
        return [_finish(items[i]) for i in sorted(items)]
    if t is _Obj:
        return js_ordered({k: _finish(v) for k, v in value.items()})
    return value


def parse_extended(
    qs: str,
    *,
    depth: int = 5,
    parameter_limit: int = 1000,
    array_limit: int = 20,
    allow_prototypes: bool = True,
    allow_dots: bool = False,
    strict_depth: bool = False,
    throw_on_limit_exceeded: bool = False,
    charset: str = "utf-8",
    charset_sentinel: bool = False,
    interpret_numeric_entities: bool = False,
) -> dict[str, Any]:
    """qs 6.17.1 ``qs.parse(qs, options)``.  The defaults are Express's
    ``extended`` query parser (``{allowPrototypes: true}``); every qs option
    not listed keeps qs's default.

    body-parser's urlencoded (extended) calls this with ``depth=32,
    strict_depth=True, array_limit=max(100, count)``, plus ``charset``,
    ``charset_sentinel`` and ``interpret_numeric_entities``; ``depth=0`` is its
    non-extended mode (keys are never split).

    Raises :class:`QueryDepthError` (strict_depth) and
    :class:`QueryParameterLimitError` / :class:`QueryArrayLimitError`
    (throw_on_limit_exceeded) with qs's messages; all are
    :class:`QueryParseError`, i.e. qs's ``RangeError``.
    """
    if charset not in ("utf-8", "iso-8859-1"):
        raise TypeError("The charset option must be either utf-8, iso-8859-1, or undefined")
    if not qs:
        return {}
    limit = array_limit
    throw = throw_on_limit_exceeded
    temp = _parse_values(
        qs, limit, parameter_limit, throw, charset, charset_sentinel, interpret_numeric_entities
    )
    if allow_prototypes and not allow_dots and "[" not in qs and "]" not in qs and "%5" not in qs:
        # Fast path: no key can nest, so every distinct key is its own
        # top-level entry and qs's merge has nothing to merge.
        temp.pop("", None)
        temp.pop("__proto__", None)
        return _finish_flat(temp)
    obj = _Obj()
    for key in js_ordered(temp):
        if not key:
            continue
        segments = _split_key(key, depth, allow_prototypes, allow_dots, strict_depth)
        if segments is None:
            continue
        new_obj = _parse_object(segments, temp[key], limit, throw)
        obj = _merge(obj, new_obj, limit, throw)
    return _finish(obj)


def _finish_flat(temp: dict[str, Any]) -> dict[str, Any]:
    for key, value in temp.items():
        if type(value) is not str:
            temp[key] = _finish(value)
    return js_ordered(temp)


# ---------------------------------------------------------------------------
# express compileQueryParser
# ---------------------------------------------------------------------------


def _parse_nothing(qs: str) -> dict[str, Any]:
    return {}


def compile_query_parser(setting: object) -> Callable[[str], dict[str, Any]]:
    """Express ``compileQueryParser``: the 'query parser' setting -> parser.

    ``True``/``'simple'`` -> :func:`parse_simple`; ``'extended'`` ->
    :func:`parse_extended`; ``False`` -> a parser returning a new empty dict
    (Express's ``req.query`` is ``{}`` when the setting is false); a callable
    is used as is; anything else raises ``TypeError``.
    """
    if callable(setting):
        return setting  # type: ignore[return-value]
    if setting is True or (type(setting) is str and setting == "simple"):
        return parse_simple
    if setting is False:
        return _parse_nothing
    if type(setting) is str and setting == "extended":
        return parse_extended
    raise TypeError("unknown value for query parser function: " + js_string(setting))
