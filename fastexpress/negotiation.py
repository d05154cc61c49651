"""Content negotiation: ports of negotiator 1.1.0 + accepts 2.0.0 (as installed).

Semantics reproduced exactly, including the JS-isms that decide ties:

* Accept-* lists are split with content-type 2.1.0's lenient parser in
  ``comma`` mode (quoted strings may contain commas, first duplicate
  parameter wins, names lowercased; the *type* keeps its original case).
* ``q`` is ``parseFloat(q)`` when the parameter is non-empty, else 1, so
  ``q=0.5x`` is 0.5, ``q=abc`` is NaN (never acceptable) and ``q=`` is 1.
* For each offered value the best matching accept entry is chosen by
  specificity, then q, then header order, using JS ``a || b || c`` number
  chaining (where NaN counts as "equal" and falls through).
* Results are sorted by q desc, specificity desc, header order, offer order.

Missing headers (``None``) differ from empty ones (``""``) exactly as in
negotiator: no Accept means ``*/*``, no Accept-Charset / Accept-Language
means ``*``, while an empty header accepts nothing (but see encodings,
where ``identity`` is always implied unless excluded).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

from fastexpress.httputil import _parse
from fastexpress.mime import JS_WHITESPACE, lookup

__all__ = [
    "accepts_types",
    "accepts_encodings",
    "accepts_charsets",
    "accepts_languages",
    "preferred_media_types",
    "preferred_encodings",
    "preferred_charsets",
    "preferred_languages",
]

_NAN = float("nan")

# JS parseFloat: optional leading JS whitespace, then the longest prefix that
# is a StrDecimalLiteral (digits are ASCII only; "1e" parses as 1).
_PARSE_FLOAT = re.compile(
    r"[%s]*([+-]?(?:Infinity|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?))" % JS_WHITESPACE
)


def _parse_float(s: str) -> float:
    m = _PARSE_FLOAT.match(s)
    return float(m.group(1)) if m else _NAN


def _q(params: dict[str, str]) -> float:
    # `parsed.parameters.q ? parseFloat(parsed.parameters.q) : 1`
    q = params.get("q")
    return _parse_float(q) if q else 1.0


def _split_accept(header: str) -> list[tuple[str, dict[str, str]]]:
    """negotiator's lib/accept.js: ``[(original-case type, params), ...]``."""
    out: list[tuple[str, dict[str, str]]] = []
    n = len(header)
    index = 0
    while index < n:
        start = index
        while start < n and (header[start] == " " or header[start] == "\t"):
            start += 1
        type_, stop, params = _parse(header, start, True)
        # content-type lowercases the type; negotiator re-slices the header by
        # the lowercased length to return the original casing.
        out.append((header[start:start + len(type_)], params))
        index = stop + 1
    return out


# Results of the single-answer accepts_* calls, keyed by (header, offers).
# The answer is a str/False (immutable), negotiation is pure, and an app makes
# the same few calls with the same few headers, so the common case becomes a
# dict hit. Bounded: cleared wholesale when full so hostile headers cannot
# grow memory.
_CacheKey = tuple[str | None, tuple[str, ...]]
_CACHE_MAX = 1024
_types_cache: dict[_CacheKey, str | Literal[False]] = {}
_charsets_cache: dict[_CacheKey, str | Literal[False]] = {}
_encodings_cache: dict[_CacheKey, str | Literal[False]] = {}
_languages_cache: dict[_CacheKey, str | Literal[False]] = {}


def _remember(cache: dict[_CacheKey, str | Literal[False]], key: _CacheKey, value: str | Literal[False]) -> None:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value


def _better(ps: int, pq: float, po: int, ss: int, sq: float, so: int) -> bool:
    """``(priority.s - spec.s || priority.q - spec.q || priority.o - spec.o) < 0``.

    A NaN or zero difference is falsy in JS and falls through to the next.
    """
    d = ps - ss
    if d:
        return d < 0
    dq = pq - sq
    if dq == dq and dq != 0:
        return dq < 0
    return po - so < 0


def _sorted_by_priority(prios: list[tuple[float, int, int, int]]) -> list[int]:
    """Filter q > 0 and sort like compareSpecs; returns offer indexes.

    ``prios[i] = (q, s, o, i)``. compareSpecs is
    ``(b.q - a.q) || (b.s - a.s) || (a.o - b.o) || (a.i - b.i)``; with q > 0
    (possibly Infinity, where Inf - Inf = NaN falls through just like equal
    keys) and unique ``i`` this is a total order, so a key sort matches V8.
    """
    kept = [p for p in prios if p[0] > 0]
    kept.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    return [p[3] for p in kept]


def _sorted_all(specs: list[tuple[str, float, int]]) -> list[str]:
    """The no-offer case: ``(value, q, i)`` sorted by q desc then header order.

    Accept entries carry no ``s``/``o`` so those comparisons are NaN (skipped).
    """
    kept = [sp for sp in specs if sp[1] > 0]
    kept.sort(key=lambda sp: (-sp[1], sp[2]))
    return [sp[0] for sp in kept]


# ---------------------------------------------------------------------------
# Media types (negotiator lib/mediaType.js)
# ---------------------------------------------------------------------------


class _MediaSpec(NamedTuple):
    type: str  # original case
    subtype: str
    type_l: str  # lowercased, precomputed for matching
    subtype_l: str
    params: dict[str, str]  # without q
    q: float
    i: int


def _format_media_type(type_: str, params: dict[str, str], i: int) -> _MediaSpec | None:
    slash = type_.find("/")
    if slash == -1:
        return None
    q = _q(params)
    params = {k: v for k, v in params.items() if k != "q"}  # `delete params.q`
    t, sub = type_[:slash], type_[slash + 1:]
    return _MediaSpec(t, sub, t.lower(), sub.lower(), params, q, i)


# Parsed headers and offers are cached: a server sees few distinct Accept
# values and offers, and the specs are treated as immutable.
@lru_cache(maxsize=512)
def _parse_accept_media(header: str) -> tuple[_MediaSpec, ...]:
    out = []
    for i, (type_, params) in enumerate(_split_accept(header)):
        spec = _format_media_type(type_, params, i)
        if spec is not None:
            out.append(spec)
    return tuple(out)


@lru_cache(maxsize=512)
def _parse_offer_media(offer: str) -> _MediaSpec | None:
    # Offers go through content-type.parse without comma mode (lowercased).
    type_, _, params = _parse(offer)
    return _format_media_type(type_, params, 0)


def _media_specify(p: _MediaSpec, spec: _MediaSpec) -> int | None:
    s = 0
    if spec.type_l == p.type_l:
        s |= 4
    elif spec.type != "*":
        return None
    if spec.subtype_l == p.subtype_l:
        s |= 2
    elif spec.subtype != "*":
        return None
    if spec.params:
        for k, v in spec.params.items():
            if v != "*" and v.lower() != p.params.get(k, "").lower():
                return None
        s |= 1
    return s


def preferred_media_types(accept: str | None, provided: list[str] | None = None) -> list[str]:
    """negotiator ``mediaTypes(provided)`` for an Accept header value."""
    specs = _parse_accept_media("*/*" if accept is None else accept)
    if provided is None:
        return _sorted_all([(sp.type + "/" + sp.subtype, sp.q, sp.i) for sp in specs])
    prios = []
    for index, offer in enumerate(provided):
        ps, pq, po = 0, 0.0, -1
        p = _parse_offer_media(offer)
        if p is not None:
            for spec in specs:
                s = _media_specify(p, spec)
                if s is not None and _better(ps, pq, po, s, spec.q, spec.i):
                    ps, pq, po = s, spec.q, spec.i
        prios.append((pq, ps, po, index))
    return [provided[i] for i in _sorted_by_priority(prios)]


def accepts_types(header: str | None, types: list[str]) -> str | Literal[False] | list[str]:
    """``accepts(req).types(types)`` -- what ``req.accepts(...)`` returns.

    * no offers: every acceptable type from the header, best first
      (``['*/*']`` when there is no header, ``[]`` for an empty one);
    * no (or empty) Accept header: the first offer, unvalidated;
    * otherwise the best offer *as given* (``'json'``, not the MIME type),
      or False. Offers without ``/`` are mapped through mime ``lookup``;
      unknown extensions are dropped. Of offers mapping to the same MIME
      type the first one wins.
    """
    if not types:
        return preferred_media_types(header)
    if not header:
        return types[0]
    key = (header, tuple(types))
    try:
        return _types_cache[key]
    except (KeyError, TypeError):  # TypeError: unhashable offer, just compute
        pass
    mimes = [t if "/" in t else lookup(t) for t in types]
    accepted = preferred_media_types(header, [m for m in mimes if isinstance(m, str)])
    result: str | Literal[False] = types[mimes.index(accepted[0])] if accepted else False
    _remember(_types_cache, key, result)
    return result


# ---------------------------------------------------------------------------
# Charsets (negotiator lib/charset.js)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _parse_accept_charset(header: str) -> tuple[tuple[str, str, float, int], ...]:
    # (charset, lowercased charset, q, i); entries with an empty name dropped.
    return tuple(
        (t, t.lower(), _q(params), i) for i, (t, params) in enumerate(_split_accept(header)) if t
    )


def preferred_charsets(accept: str | None, provided: list[str] | None = None) -> list[str]:
    """negotiator ``charsets(provided)``; no header means ``*``."""
    specs = _parse_accept_charset("*" if accept is None else accept)
    if provided is None:
        return _sorted_all([(c, q, i) for c, _, q, i in specs])
    prios = []
    for index, offer in enumerate(provided):
        ps, pq, po = 0, 0.0, -1
        offer_l = offer.lower()
        for c, cl, q, i in specs:
            if cl == offer_l:
                s = 1
            elif c == "*":
                s = 0
            else:
                continue
            if _better(ps, pq, po, s, q, i):
                ps, pq, po = s, q, i
        prios.append((pq, ps, po, index))
    return [provided[i] for i in _sorted_by_priority(prios)]


def accepts_charsets(header: str | None, charsets: list[str]) -> str | Literal[False] | list[str]:
    """``accepts(req).charsets(charsets)`` (``req.acceptsCharsets``).

    No offers -> all accepted charsets best first (``['*']`` with no header).
    Otherwise the best offer or False (also False if that offer is ``''``).
    """
    if not charsets:
        return preferred_charsets(header)
    # JS `negotiator.charsets(offers)[0] || false`: an empty-string winner is False too.
    key = (header, tuple(charsets))
    try:
        return _charsets_cache[key]
    except (KeyError, TypeError):
        pass
    best = preferred_charsets(header, charsets)
    result: str | Literal[False] = best[0] if best and best[0] else False
    _remember(_charsets_cache, key, result)
    return result


# ---------------------------------------------------------------------------
# Encodings (negotiator lib/encoding.js)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _parse_accept_encoding(header: str) -> tuple[tuple[str, str, float, int], ...]:
    """(encoding, lowercased, q, i), plus the implied ``identity`` entry.

    identity is appended unless an ``identity`` or ``*`` entry exists, with
    the lowest q seen, where q 0/NaN count as 1 (``encoding.q || 1``) -- so
    ``gzip;q=0`` still leaves identity at q=1 -- and i = number of raw entries.
    """
    raw = _split_accept(header)
    out = []
    has_identity = False
    min_q = 1.0
    for i, (t, params) in enumerate(raw):
        if not t:
            continue
        q = _q(params)
        tl = t.lower()
        out.append((t, tl, q, i))
        has_identity = has_identity or tl == "identity" or t == "*"
        min_q = min(min_q, q if (q == q and q != 0) else 1.0)
    if not has_identity:
        out.append(("identity", "identity", min_q, len(raw)))
    return tuple(out)


def preferred_encodings(accept: str | None, provided: list[str] | None = None) -> list[str]:
    """negotiator ``encodings(provided)``; a missing header is the same as ``''``."""
    specs = _parse_accept_encoding(accept or "")
    if provided is None:
        return _sorted_all([(e, q, i) for e, _, q, i in specs])
    prios = []
    for index, offer in enumerate(provided):
        ps, pq, po = 0, 0.0, -1
        offer_l = offer.lower()
        for e, el, q, i in specs:
            if el == offer_l:
                s = 1
            elif e == "*":
                s = 0
            else:
                continue
            if _better(ps, pq, po, s, q, i):
                ps, pq, po = s, q, i
        prios.append((pq, ps, po, index))
    return [provided[i] for i in _sorted_by_priority(prios)]


def accepts_encodings(header: str | None, encodings: list[str]) -> str | Literal[False] | list[str]:
    """``accepts(req).encodings(encodings)`` (``req.acceptsEncodings``).

    No offers -> all accepted encodings best first (``['identity']`` with no
    header). Otherwise the best offer or False.
    """
    if not encodings:
        return preferred_encodings(header)
    # JS `negotiator.encodings(offers)[0] || false`: an empty-string winner is False too.
    key = (header, tuple(encodings))
    try:
        return _encodings_cache[key]
    except (KeyError, TypeError):
        pass
    best = preferred_encodings(header, encodings)
    result: str | Literal[False] = best[0] if best and best[0] else False
    _remember(_encodings_cache, key, result)
    return result


# ---------------------------------------------------------------------------
# Languages (negotiator lib/language.js)
# ---------------------------------------------------------------------------


class _LangSpec(NamedTuple):
    full: str
    full_l: str
    prefix_l: str
    q: float
    i: int


def _format_language(type_: str, params: dict[str, str], i: int) -> _LangSpec | None:
    if not type_:
        return None
    hyphen = type_.find("-")
    prefix = type_ if hyphen == -1 else type_[:hyphen]
    return _LangSpec(type_, type_.lower(), prefix.lower(), _q(params), i)


@lru_cache(maxsize=256)
def _parse_accept_language(header: str) -> tuple[_LangSpec, ...]:
    out = []
    for i, (t, params) in enumerate(_split_accept(header)):
        spec = _format_language(t, params, i)
        if spec is not None:
            out.append(spec)
    return tuple(out)


@lru_cache(maxsize=512)
def _parse_offer_language(offer: str) -> _LangSpec | None:
    # Offers are run through content-type.parse: lowercased, params stripped.
    type_, _, params = _parse(offer)
    return _format_language(type_, params, 0)


def preferred_languages(accept: str | None, provided: list[str] | None = None) -> list[str]:
    """negotiator ``languages(provided)``; no header means ``*``.

    Specificity: exact tag 4, accept entry's prefix equals the offer 2
    (``en-US`` accepts offer ``en``), offer's prefix equals the entry 1
    (``en`` accepts ``en-GB``), ``*`` 0.
    """
    specs = _parse_accept_language("*" if accept is None else accept)
    if provided is None:
        return _sorted_all([(sp.full, sp.q, sp.i) for sp in specs])
    prios = []
    for index, offer in enumerate(provided):
        ps, pq, po = 0, 0.0, -1
        p = _parse_offer_language(offer)
        if p is not None:
            for spec in specs:
                if spec.full_l == p.full_l:
                    s = 4
                elif spec.prefix_l == p.full_l:
                    s = 2
                elif spec.full_l == p.prefix_l:
                    s = 1
                elif spec.full == "*":
                    s = 0
                else:
                    continue
                if _better(ps, pq, po, s, spec.q, spec.i):
                    ps, pq, po = s, spec.q, spec.i
        prios.append((pq, ps, po, index))
    return [provided[i] for i in _sorted_by_priority(prios)]


def accepts_languages(header: str | None, languages: list[str]) -> str | Literal[False] | list[str]:
    """``accepts(req).languages(languages)`` (``req.acceptsLanguages``).

    No offers -> all accepted languages best first (``['*']`` with no header).
    Otherwise the best offer or False.
    """
    if not languages:
        return preferred_languages(header)
    # JS `negotiator.languages(offers)[0] || false`: an empty-string winner is False too.
    key = (header, tuple(languages))
    try:
        return _languages_cache[key]
    except (KeyError, TypeError):
        pass
    best = preferred_languages(header, languages)
    result: str | Literal[False] = best[0] if best and best[0] else False
    _remember(_languages_cache, key, result)
    return result
