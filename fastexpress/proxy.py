"""Trusted-proxy address resolution: exact ports of what Express 5.3.0 uses.

* express/lib/utils.js ``compileTrust``  -> :func:`compile_trust`
* proxy-addr 2.0.8 ``compile``            -> :func:`compile_trust` (lists/strings)
* proxy-addr 2.0.8 ``all`` / default      -> :func:`all_addrs` / :func:`proxy_addr`
* forwarded 0.2.0                         -> :func:`forwarded`
* express ``req.ips``                     -> :func:`req_ips`
* ipaddr.js 1.9.1 ``isValid``/``parse``   -> :func:`parse_ip` (private helpers)

ipaddr.js is deliberately *not* replaced by the stdlib ``ipaddress`` module:
ipaddr.js accepts forms ``ipaddress`` rejects (``127.1``, ``0x7f.0.0.1``,
octal ``0177.0.0.1``, a bare 32-bit integer, zone ids, and a few malformed
IPv6 spellings) and rejects some it accepts, and those decide whether an
``X-Forwarded-For`` hop is trusted.  So its parser is reproduced here.

Everything expensive happens in :func:`compile_trust` (once, at
``app.set('trust proxy', ...)`` time).  The per-request path is: split the
header (cheap), then for each hop one cached address parse plus an integer
shift/compare per configured subnet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

__all__ = [
    "TrustFn",
    "compile_trust",
    "forwarded",
    "all_addrs",
    "proxy_addr",
    "req_ips",
    "parse_ip",
]

TrustFn = Callable[[str, int], bool]

# ---------------------------------------------------------------------------
# ipaddr.js 1.9.1 parsing
# ---------------------------------------------------------------------------
# The regexes are ipaddr.js's, compiled with re.ASCII|re.IGNORECASE: JS `/i`
# without the `u` flag never folds non-ASCII characters onto ASCII ones,
# while Python's Unicode folding would (e.g. KELVIN SIGN -> 'k').  They are
# used with fullmatch() because JS `$` (no m flag) does not match before a
# trailing newline the way Python's `$` does.

_IPV4_PART = r"(0?[0-9]+|0x[a-f0-9]+)"
_IPV4_FOUR = re.compile(rf"{_IPV4_PART}\.{_IPV4_PART}\.{_IPV4_PART}\.{_IPV4_PART}", re.A | re.I)
_IPV4_LONG = re.compile(_IPV4_PART, re.A | re.I)
_IPV6_PART = r"(?:[0-9a-f]+::?)+"
_ZONE_INDEX = r"%[0-9a-z]{1,}"
_IPV6_ZONE = re.compile(_ZONE_INDEX, re.A | re.I)
_IPV6_NATIVE = re.compile(rf"(::)?({_IPV6_PART})?([0-9a-f]+)?(::)?({_ZONE_INDEX})?", re.A | re.I)
_IPV6_TRANSITIONAL = re.compile(
    rf"((?:{_IPV6_PART})|(?:::)(?:{_IPV6_PART})?)"
    rf"{_IPV4_PART}\.{_IPV4_PART}\.{_IPV4_PART}\.{_IPV4_PART}({_ZONE_INDEX})?",
    re.A | re.I,
)
_OCTAL_PREFIX = re.compile(r"[0-7]*")
_DIGITS = re.compile(r"[0-9]+")
_HEX_DIGITS = re.compile(r"[0-9a-f]*", re.A | re.I)

# The everyday spelling of an IPv4 address (no leading zeros, each octet
# <= 255).  ipaddr.js parses it to the obvious value, so it can skip the
# general JS-quirk parser; anything else takes the slow, exact path.
_PLAIN_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")

_MAPPED_PREFIX = 0xFFFF << 32  # ::ffff:0:0/96


def _parse_int_auto(s: str) -> int:
    """ipaddr.js ``parseIntAuto``: ``parseInt(s, 8)`` when s starts with '0'
    and its second char is not a lowercase 'x' (so ``0X1F`` is read as octal
    and stops at 'X', giving 0), else ``parseInt(s)`` (decimal or 0x-hex).
    ``s`` always matched ``_IPV4_PART``, so there is at least one digit."""
    if s[0] == "0" and s[1:2] != "x":
        # parseInt(.., 8) reads the longest run of octal digits ("09" -> 0).
        digits = _OCTAL_PREFIX.match(s).group()  # type: ignore[union-attr]
        return int(digits, 8) if digits else 0
    if s[:2] in ("0x", "0X"):
        return int(s[2:], 16)
    return int(s)


def _js_parse_int_plain(s: str) -> int:
    """``parseInt(s)`` (no radix) of a string that matched ``0?\\d+`` or
    ``0x[a-f0-9]+``: used for the dotted tail of transitional IPv6."""
    if s[:2] in ("0x", "0X"):
        return int(s[2:], 16)
    return int(s)


def _ipv4_parser(s: str) -> int | None:
    """ipaddr.IPv4.parser + the IPv4 constructor's range checks, as a 32-bit
    int, or None where ipaddr.IPv4.isValid() would be false."""
    m = _IPV4_FOUR.fullmatch(s)
    if m is not None:
        value = 0
        for part in m.groups():
            octet = _parse_int_auto(part)
            if octet > 255:  # "ipv4 octet should fit in 8 bits"
                return None
            value = (value << 8) | octet
        return value
    m = _IPV4_LONG.fullmatch(s)
    if m is not None:
        value = _parse_int_auto(m.group(1))
        if value > 0xFFFFFFFF:  # "address outside defined range"
            return None
        return value
    return None


def _expand_ipv6(s: str, nparts: int) -> tuple[list[int | None], str | None] | None:
    """ipaddr.js ``expandIPv6``.  A ``None`` part stands for JS NaN (from
    ``parseInt('', 16)``), which the IPv6 constructor later rejects."""
    if s.find("::") != s.rfind("::"):
        return None
    zone_id: str | None = None
    m = _IPV6_ZONE.search(s)
    if m is not None:
        zone_id = m.group()[1:]
        # string.replace(/%.+$/, ''): the validated input has only one '%'.
        s = s[: s.find("%")]
    colon_count = s.count(":")
    if s[:2] == "::":
        colon_count -= 1
    if s[-2:] == "::":
        colon_count -= 1
    if colon_count > nparts:
        return None
    s = s.replace("::", ":" + "0:" * (nparts - colon_count), 1)
    if s[:1] == ":":
        s = s[1:]
    if s[-1:] == ":":
        s = s[:-1]
    parts: list[int | None] = []
    for p in s.split(":"):
        # parseInt(p, 16) reads the longest hex prefix; '' gives NaN.
        digits = _HEX_DIGITS.match(p).group()  # type: ignore[union-attr]
        parts.append(int(digits, 16) if digits else None)
    return parts, zone_id


def _parts_to_int(parts: list[int | None]) -> int | None:
    """The IPv6 constructor's checks (8 parts, each 0..0xffff) -> 128-bit int."""
    if len(parts) != 8:
        return None
    value = 0
    for part in parts:
        if part is None or part > 0xFFFF:
            return None
        value = (value << 16) | part
    return value


def _ipv6_parser(s: str) -> int | None:
    """ipaddr.IPv6.isValid + parse, as a 128-bit int (zone id dropped: it
    never takes part in matching), or None when not valid."""
    if ":" not in s:
        return None
    if _IPV6_NATIVE.fullmatch(s) is not None:
        expanded = _expand_ipv6(s, 8)
        return None if expanded is None else _parts_to_int(expanded[0])
    m = _IPV6_TRANSITIONAL.fullmatch(s)
    if m is None:
        return None
    expanded = _expand_ipv6(m.group(1)[:-1] + (m.group(6) or ""), 6)
    if expanded is None:  # `addr.parts` on null throws -> isValid() false
        return None
    parts = expanded[0]
    octets = [_js_parse_int_plain(m.group(i)) for i in range(2, 6)]
    if max(octets) > 255:
        return None
    parts = parts + [octets[0] << 8 | octets[1], octets[2] << 8 | octets[3]]
    return _parts_to_int(parts)


def parse_ip(addr: str) -> tuple[bool, int] | None:
    """``ipaddr.isValid(addr) ? ipaddr.parse(addr) : null`` as
    ``(is_ipv6, integer value)``.  IPv6 is tried first, as ipaddr.js does."""
    if not isinstance(addr, str):
        return None
    v6 = _ipv6_parser(addr)
    if v6 is not None:
        return True, v6
    v4 = _ipv4_parser(addr)
    if v4 is not None:
        return False, v4
    return None


@lru_cache(maxsize=4096)
def _parse_candidate(addr: str) -> tuple[bool, int] | None:
    """Per-request parse of one hop address, canonicalised the way proxy-addr's
    trust functions do it.  Cached: the same few proxy addresses recur on
    every request, so the usual cost is one dict lookup."""
    if type(addr) is str and _PLAIN_IPV4.fullmatch(addr) is not None:
        a, b, c, d = addr.split(".")
        return False, (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)
    ip = parse_ip(addr)
    if ip is not None and ip[0] and (ip[1] >> 32) == 0xFFFF:
        # proxy-addr canonicalises IPv4-mapped candidates to IPv4 before
        # matching, so a mapped address cannot dodge an IPv4 rule.
        return False, ip[1] & 0xFFFFFFFF
    return ip


# ---------------------------------------------------------------------------
# proxy-addr 2.0.8 compile
# ---------------------------------------------------------------------------

_IP_RANGES: dict[str, list[str]] = {
    "linklocal": ["169.254.0.0/16", "fe80::/10"],
    "loopback": ["127.0.0.1/8", "::1/128"],
    "uniquelocal": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
}

_V4_PREFIX_ZEROS = {0: 8, 128: 7, 192: 6, 224: 5, 240: 4, 248: 3, 252: 2, 254: 1, 255: 0}


def _prefix_length_from_subnet_mask(mask: int) -> int | None:
    """ipaddr.IPv4.prototype.prefixLengthFromSubnetMask."""
    cidr = 0
    stop = False
    for shift in (0, 8, 16, 24):  # last octet first
        zeros = _V4_PREFIX_ZEROS.get((mask >> shift) & 0xFF)
        if zeros is None:
            return None
        if stop and zeros != 0:
            return None
        if zeros != 8:
            stop = True
        cidr += zeros
    return 32 - cidr


# A compiled subnet: (is_ipv6, value, prefix_length, is_ipv4_mapped)
_Subnet = tuple[bool, int, int, bool]


def _parse_ip_notation(note: object) -> _Subnet:
    """proxy-addr ``parseipNotation``, with its error messages."""
    if not isinstance(note, str):
        # note.lastIndexOf(...) on a non-string throws this TypeError in JS.
        raise TypeError("note.lastIndexOf is not a function")
    pos = note.rfind("/")
    s = note[:pos] if pos != -1 else note
    ip = parse_ip(s)
    if ip is None:
        raise TypeError("invalid IP address: " + s)
    is_v6, value = ip
    is_mapped = is_v6 and (value >> 32) == 0xFFFF
    if pos == -1 and is_mapped:
        # A bare IPv4-mapped address is stored as IPv4 (a CIDR one is not).
        is_v6, value, is_mapped = False, value & 0xFFFFFFFF, False
    max_bits = 128 if is_v6 else 32
    rng: int | None
    if pos == -1:
        rng = max_bits
    else:
        range_str = note[pos + 1 :]
        if _DIGITS.fullmatch(range_str):
            rng = int(range_str)
        elif not is_v6 and parse_ip(range_str) is not None:
            # parseNetmask: only an IPv4 netmask yields a prefix length.
            mask = parse_ip(range_str)
            rng = None if mask is None or mask[0] else _prefix_length_from_subnet_mask(mask[1])
        else:
            rng = None
    # `null <= 0` is true in JS, so every unparseable range lands here too.
    if rng is None or rng <= 0 or rng > max_bits:
        raise TypeError("invalid range on address: " + note)
    return is_v6, value, rng, is_mapped


def _trust_none(addr: str, i: int) -> bool:
    return False


def _trust_all(addr: str, i: int) -> bool:
    return True


def _compile_subnets(subnets: list[_Subnet]) -> TrustFn:
    """proxy-addr ``compileTrust``/``trustSingle``/``trustMulti``, reduced at
    compile time to integer prefix compares.

    After canonicalisation a candidate is IPv4 or non-mapped IPv6, and:
    * an IPv4 subnet matches IPv4 candidates only;
    * an IPv4-mapped IPv6 subnet with prefix >= 96 matches IPv4 candidates
      (compared as ``::ffff:a.b.c.d``, i.e. the low 32 bits under prefix-96),
      and with prefix < 96 matches nothing;
    * any other IPv6 subnet matches non-mapped IPv6 candidates only.
    """
    v4: list[tuple[int, int]] = []  # (shift, expected value >> shift)
    v6: list[tuple[int, int]] = []
    for is_v6, value, rng, is_mapped in subnets:
        if not is_v6:
            shift = 32 - rng
            v4.append((shift, value >> shift))
        elif is_mapped:
            if rng >= 96:
                shift = 128 - rng
                v4.append((shift, (value & 0xFFFFFFFF) >> shift))
        else:
            shift = 128 - rng
            v6.append((shift, value >> shift))
    v4_t = tuple(dict.fromkeys(v4))
    v6_t = tuple(dict.fromkeys(v6))

    if len(v4_t) == 1 and not v6_t:
        (shift4, want4), = v4_t

        def trust_v4(addr: str, i: int) -> bool:
            ip = _parse_candidate(addr)
            return ip is not None and not ip[0] and (ip[1] >> shift4) == want4

        return trust_v4

    def trust(addr: str, i: int) -> bool:
        ip = _parse_candidate(addr)
        if ip is None:
            return False
        value = ip[1]
        for shift, want in (v6_t if ip[0] else v4_t):
            if (value >> shift) == want:
                return True
        return False

    return trust


def _compile_list(val: object) -> TrustFn:
    """proxy-addr ``compile(val)``."""
    if isinstance(val, str):
        trust: list[object] = [val]
    elif isinstance(val, (list, tuple)):
        trust = list(val)
    else:
        raise TypeError("unsupported trust argument")
    expanded: list[object] = []
    for item in trust:
        # Named ranges are spliced in once; their members are not re-expanded.
        if isinstance(item, str) and item in _IP_RANGES:
            expanded.extend(_IP_RANGES[item])
        else:
            expanded.append(item)
    subnets = [_parse_ip_notation(note) for note in expanded]
    if not subnets:
        return _trust_none
    return _compile_subnets(subnets)


# String.prototype.trim's set (WhiteSpace + LineTerminator).  Python's
# str.strip() differs: it also strips \x1c-\x1f and \x85 but not \ufeff.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _js_trim(s: str) -> str:
    return s.strip(_JS_WHITESPACE)


def compile_trust(value: object) -> TrustFn:
    """Express ``compileTrust``: the 'trust proxy' setting -> ``fn(addr, i)``.

    * callable -> returned as is
    * ``True`` -> trust every hop
    * a number -> trust the first ``n`` hops (``i < n``)
    * a string -> comma-separated list, each entry trimmed
    * a list   -> proxy-addr ``compile``; entries are IPs, CIDRs,
      ``addr/netmask``, or ``loopback``/``linklocal``/``uniquelocal``
    * ``False``/``None`` -> ``[]``: trust nothing

    Quirks kept: ``''`` is a string, so it becomes ``['']`` and raises
    ``invalid IP address: ``; ``0`` is a hop count that trusts nothing; any
    other object raises ``unsupported trust argument``.  Invalid entries
    raise ``TypeError`` with proxy-addr's message.
    """
    if value is True:
        return _trust_all
    if callable(value):
        return value  # type: ignore[return-value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hops = value
        if hops != hops or hops <= 0:  # NaN or non-positive: `i < n` never holds
            return _trust_none

        def trust_hops(addr: str, i: int) -> bool:
            return i < hops

        return trust_hops
    if isinstance(value, str):
        value = [_js_trim(v) for v in value.split(",")]
    if value is None or value is False:
        value = []
    return _compile_list(value)


# ---------------------------------------------------------------------------
# forwarded 0.2.0 / proxy-addr all / default export / req.ips
# ---------------------------------------------------------------------------


def _parse_xff(header: str) -> list[str]:
    """forwarded's ``parse``: entries right to left, each trimmed of spaces
    (only U+0020; tabs stay), empty entries dropped, inner spaces kept."""
    if "," not in header:
        entry = header.strip(" ")
        return [entry] if entry else []
    out = []
    for entry in reversed(header.split(",")):
        entry = entry.strip(" ")
        if entry:
            out.append(entry)
    return out


def forwarded(remote_addr: str, x_forwarded_for: str | None) -> list[str]:
    """The ``forwarded`` package: ``[socket address, XFF right to left...]``."""
    if not x_forwarded_for:
        return [remote_addr]
    return [remote_addr, *_parse_xff(x_forwarded_for)]


def all_addrs(remote_addr: str, x_forwarded_for: str | None, trust: TrustFn) -> list[str]:
    """proxy-addr ``all(req, trust)``: the addresses from the socket outwards,
    stopping after the first one ``trust`` rejects (the last is never tested)."""
    addrs = forwarded(remote_addr, x_forwarded_for)
    if len(addrs) == 1 or trust is _trust_none:
        return addrs[:1]
    for i in range(len(addrs) - 1):
        if not trust(addrs[i], i):
            del addrs[i + 1 :]
            break
    return addrs


def proxy_addr(remote_addr: str, x_forwarded_for: str | None, trust: TrustFn) -> str:
    """proxy-addr's default export: the furthest address still trusted, i.e.
    the last element of :func:`all_addrs` (what Express's ``req.ip`` is)."""
    if not x_forwarded_for or trust is _trust_none:
        return remote_addr
    addrs = forwarded(remote_addr, x_forwarded_for)
    last = len(addrs) - 1
    for i in range(last):
        if not trust(addrs[i], i):
            return addrs[i]
    return addrs[last]


def req_ips(remote_addr: str, x_forwarded_for: str | None, trust: TrustFn) -> list[str]:
    """Express ``req.ips``: ``all_addrs`` reversed (client first) without the
    socket address; empty unless some proxy hop is trusted."""
    if not x_forwarded_for or trust is _trust_none:
        return []
    addrs = all_addrs(remote_addr, x_forwarded_for, trust)
    addrs.reverse()
    addrs.pop()
    return addrs
