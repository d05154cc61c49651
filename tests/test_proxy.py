"""fastexpress.proxy against proxy-addr 2.0.8 / forwarded 0.2.0 / ipaddr.js 1.9.1.

Every expected value below was produced by running the real packages (as
installed with Express 5.3.0) under Node 20, e.g. ``utils.compileTrust(v)``
from express/lib/utils.js and ``proxyaddr(req, fn)`` / ``proxyaddr.all`` on a
fake request ``{headers: {'x-forwarded-for': xff}, socket: {remoteAddress}}``.
"""

from __future__ import annotations

import pytest

from fastexpress.proxy import (
    all_addrs,
    compile_trust,
    forwarded,
    parse_ip,
    proxy_addr,
    req_ips,
)


# ipaddr.isValid(s) ? ipaddr.parse(s) : null, as (is_ipv6, integer value).
# Note the JS-isms: octal/hex octets, "0X" read as octal 0, 32-bit integers,
# no "127.1", "::" plus eight groups accepted, zone ids ignored.
PARSE_IP = [
    ('127.0.0.1', (False, 2130706433)),
    ('255.255.255.255', (False, 4294967295)),
    ('256.0.0.1', None),
    ('01.02.03.04', (False, 16909060)),
    ('0177.0.0.1', (False, 2130706433)),
    ('08.0.0.1', (False, 1)),
    ('0x7f.0.0.1', (False, 2130706433)),
    ('0X7F.0.0.1', (False, 1)),
    ('127.1', None),
    ('2130706433', (False, 2130706433)),
    ('4294967296', None),
    ('0xffffffff', (False, 4294967295)),
    ('::1', (True, 1)),
    ('::', (True, 0)),
    ('::ffff:127.0.0.1', (True, 281472812449793)),
    ('::ffff:7f00:1', (True, 281472812449793)),
    ('fe80::1%eth0', (True, 338288524927261089654018896841347694593)),
    ('fe80::1%', None),
    ('1::2::3', None),
    ('1:2:3:4:5:6:7:8', (True, 5192455318486707404433266433261576)),
    ('1:2:3:4:5:6:7:8:9', None),
    ('::1:2:3:4:5:6:7:8', (True, 5192455318486707404433266433261576)),
    ('1:2:3:4:5:6:7::', (True, 5192455318486707404433266433261568)),
    ('::ffff:1.2.3.256', None),
    ('::ffff:0x7f.0.0.1', (True, 281472812449793)),
    ('1::1.2.3.4', None),
    ('::1.2.3.4', None),
    ('2001:db8::10000', None),
    ('abcd', None),
    ('', None),
    (' 127.0.0.1', None),
    ('127.0.0.1\n', None),
    ('::FFFF:127.0.0.1', (True, 281472812449793)),
    ('1.2.3.4/8', None),
    ('localhost', None),
]


# Candidate addresses tested against each trust setting below.
TRUST_ADDRS = [
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    'fe80::1%eth0',
    '169.254.3.4',
    '172.31.0.1',
    '172.32.0.1',
    '192.168.0.7',
    'fd12::1',
    '2001:db8::5',
    '8.8.8.8',
    '0177.0.0.1',
    'garbage',
]


# compileTrust(setting): which TRUST_ADDRS fn(addr, 0) accepts. IPv4-mapped
# candidates are matched as IPv4; a mapped subnet spans IPv4 only with prefix >= 96.
TRUSTED = [
    (True, ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', 'fe80::1%eth0', '169.254.3.4', '172.31.0.1', '172.32.0.1', '192.168.0.7', 'fd12::1', '2001:db8::5', '8.8.8.8', '0177.0.0.1', 'garbage']),
    (False, []),
    (None, []),
    (0, []),
    (1, ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', 'fe80::1%eth0', '169.254.3.4', '172.31.0.1', '172.32.0.1', '192.168.0.7', 'fd12::1', '2001:db8::5', '8.8.8.8', '0177.0.0.1', 'garbage']),
    (2, ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', 'fe80::1%eth0', '169.254.3.4', '172.31.0.1', '172.32.0.1', '192.168.0.7', 'fd12::1', '2001:db8::5', '8.8.8.8', '0177.0.0.1', 'garbage']),
    ('loopback', ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '0177.0.0.1']),
    ('linklocal', ['fe80::1%eth0', '169.254.3.4']),
    ('uniquelocal', ['10.1.2.3', '::ffff:10.1.2.3', '172.31.0.1', '192.168.0.7', 'fd12::1']),
    ('loopback, linklocal, uniquelocal', ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', 'fe80::1%eth0', '169.254.3.4', '172.31.0.1', '192.168.0.7', 'fd12::1', '0177.0.0.1']),
    (['loopback', '10.0.0.0/8'], ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '0177.0.0.1']),
    ('127.0.0.1', ['127.0.0.1', '::ffff:127.0.0.1', '0177.0.0.1']),
    ('10.0.0.0/8', ['10.1.2.3', '::ffff:10.1.2.3']),
    ('10.1.2.3/255.255.0.0', ['10.1.2.3', '::ffff:10.1.2.3']),
    ('::1', ['::1']),
    ('::ffff:127.0.0.1', ['127.0.0.1', '::ffff:127.0.0.1', '0177.0.0.1']),
    ('::ffff:127.0.0.1/104', ['127.0.0.1', '127.255.0.9', '::ffff:127.0.0.1', '0177.0.0.1']),
    ('::ffff:0:0/96', ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '169.254.3.4', '172.31.0.1', '172.32.0.1', '192.168.0.7', '8.8.8.8', '0177.0.0.1']),
    ('::ffff:0:0/80', []),
    ('fe80::/10', ['fe80::1%eth0']),
    ('2001:db8::/32', ['2001:db8::5']),
    (' 192.168.0.0/16 ,  ::1 ', ['::1', '192.168.0.7']),
    ('0.0.0.0/1', ['127.0.0.1', '127.255.0.9', '10.1.2.3', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '8.8.8.8', '0177.0.0.1']),
    ('::/1', ['::1', '2001:db8::5']),
    ('10.1.2.3/255.255.255.255', ['10.1.2.3', '::ffff:10.1.2.3']),
    ('2130706433', ['127.0.0.1', '::ffff:127.0.0.1', '0177.0.0.1']),
    ('0x7f000001/0xff000000', ['127.0.0.1', '127.255.0.9', '::ffff:127.0.0.1', '0177.0.0.1']),
    ('::ffff:127.0.0.1/8', []),
]


# compileTrust(setting) throws TypeError(message).
TRUST_ERRORS = [
    ('', 'invalid IP address: '),
    ('bogus', 'invalid IP address: bogus'),
    ('10.0.0.0/33', 'invalid range on address: 10.0.0.0/33'),
    ('10.0.0.0/0', 'invalid range on address: 10.0.0.0/0'),
    ('::/129', 'invalid range on address: ::/129'),
    ('10.0.0.1/255.0.255.0', 'invalid range on address: 10.0.0.1/255.0.255.0'),
    ('10.0.0.1/0.0.0.0', 'invalid range on address: 10.0.0.1/0.0.0.0'),
    ('10.0.0.1/ffff::', 'invalid range on address: 10.0.0.1/ffff::'),
    ('10.0.0.1/abc', 'invalid range on address: 10.0.0.1/abc'),
    ('loopback, , uniquelocal', 'invalid IP address: '),
    ('Loopback', 'invalid IP address: Loopback'),
    ('1.2.3.4/', 'invalid range on address: 1.2.3.4/'),
    ('::1/0x10', 'invalid range on address: ::1/0x10'),
    ('10.0.0.1/-8', 'invalid range on address: 10.0.0.1/-8'),
    (['loopback', 'nope/8'], 'invalid IP address: nope'),
    ('256.1.1.1', 'invalid IP address: 256.1.1.1'),
    ('127.1', 'invalid IP address: 127.1'),
]


# Hop-count settings: fn(addr, i) is i < n.
HOPS = [
    (1, [['a', 0], ['b', 1], ['c', 2]], [True, False, False]),
    (2, [['a', 0], ['b', 1], ['c', 2]], [True, True, False]),
    (0, [['a', 0]], [False]),
    (1.5, [['a', 1], ['b', 2]], [True, False]),
]


# forwarded(req): (socket address, X-Forwarded-For, result).
FORWARDED = [
    ('127.0.0.1', None, ['127.0.0.1']),
    ('127.0.0.1', '', ['127.0.0.1']),
    ('127.0.0.1', '10.0.0.1', ['127.0.0.1', '10.0.0.1']),
    ('127.0.0.1', '10.0.0.1, 10.0.0.2', ['127.0.0.1', '10.0.0.2', '10.0.0.1']),
    ('127.0.0.1', '  a  ,  b c  ,, ', ['127.0.0.1', 'b c', 'a']),
    ('127.0.0.1', ',,,', ['127.0.0.1']),
    ('127.0.0.1', ' ', ['127.0.0.1']),
    ('127.0.0.1', '\t1.2.3.4 ,5.6.7.8\t', ['127.0.0.1', '5.6.7.8\t', '\t1.2.3.4']),
    ('::1', '1.1.1.1,2.2.2.2,3.3.3.3', ['::1', '3.3.3.3', '2.2.2.2', '1.1.1.1']),
    ('127.0.0.1', 'x,', ['127.0.0.1', 'x']),
]


# (trust setting, socket address, X-Forwarded-For) ->
# (proxyaddr(req, fn) = req.ip, proxyaddr.all(req, fn), req.ips)
PROXY = [
    (False, '127.0.0.1', '10.0.0.1, 1.2.3.4', '127.0.0.1', ['127.0.0.1'], []),
    (True, '127.0.0.1', '1.2.3.4, 10.0.0.1', '1.2.3.4', ['127.0.0.1', '10.0.0.1', '1.2.3.4'], ['1.2.3.4', '10.0.0.1']),
    (True, '127.0.0.1', None, '127.0.0.1', ['127.0.0.1'], []),
    (True, '127.0.0.1', '', '127.0.0.1', ['127.0.0.1'], []),
    ('loopback', '127.0.0.1', '1.2.3.4', '1.2.3.4', ['127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('loopback', '127.0.0.1', '1.2.3.4, 10.0.0.1', '10.0.0.1', ['127.0.0.1', '10.0.0.1'], ['10.0.0.1']),
    ('loopback, uniquelocal', '127.0.0.1', '1.2.3.4, 10.0.0.1', '1.2.3.4', ['127.0.0.1', '10.0.0.1', '1.2.3.4'], ['1.2.3.4', '10.0.0.1']),
    ('loopback, uniquelocal', '8.8.8.8', '1.2.3.4, 10.0.0.1', '8.8.8.8', ['8.8.8.8'], []),
    ('loopback, uniquelocal', '127.0.0.1', '5.5.5.5, 1.2.3.4, 10.0.0.1', '1.2.3.4', ['127.0.0.1', '10.0.0.1', '1.2.3.4'], ['1.2.3.4', '10.0.0.1']),
    (1, '127.0.0.1', '5.5.5.5, 1.2.3.4, 10.0.0.1', '10.0.0.1', ['127.0.0.1', '10.0.0.1'], ['10.0.0.1']),
    (2, '127.0.0.1', '5.5.5.5, 1.2.3.4, 10.0.0.1', '1.2.3.4', ['127.0.0.1', '10.0.0.1', '1.2.3.4'], ['1.2.3.4', '10.0.0.1']),
    (3, '127.0.0.1', '5.5.5.5, 1.2.3.4, 10.0.0.1', '5.5.5.5', ['127.0.0.1', '10.0.0.1', '1.2.3.4', '5.5.5.5'], ['5.5.5.5', '1.2.3.4', '10.0.0.1']),
    (10, '127.0.0.1', '5.5.5.5, 1.2.3.4, 10.0.0.1', '5.5.5.5', ['127.0.0.1', '10.0.0.1', '1.2.3.4', '5.5.5.5'], ['5.5.5.5', '1.2.3.4', '10.0.0.1']),
    (0, '127.0.0.1', '5.5.5.5', '127.0.0.1', ['127.0.0.1'], []),
    ('::1', '::1', '2001:db8::1', '2001:db8::1', ['::1', '2001:db8::1'], ['2001:db8::1']),
    ('loopback', '::ffff:127.0.0.1', '1.2.3.4', '1.2.3.4', ['::ffff:127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('127.0.0.1', '::ffff:127.0.0.1', '1.2.3.4', '1.2.3.4', ['::ffff:127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('::ffff:127.0.0.1/104', '127.0.0.1', '1.2.3.4', '1.2.3.4', ['127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('::ffff:127.0.0.1/104', '::ffff:127.0.0.1', '1.2.3.4', '1.2.3.4', ['::ffff:127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('::ffff:0:0/80', '127.0.0.1', '1.2.3.4', '127.0.0.1', ['127.0.0.1'], []),
    ('fe80::/10', 'fe80::1%eth0', '1.2.3.4', '1.2.3.4', ['fe80::1%eth0', '1.2.3.4'], ['1.2.3.4']),
    ('loopback', '127.0.0.1', 'garbage, 1.2.3.4', '1.2.3.4', ['127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('loopback', '127.0.0.1', '1.2.3.4, garbage', 'garbage', ['127.0.0.1', 'garbage'], ['garbage']),
    (True, '127.0.0.1', ' , ,', '127.0.0.1', ['127.0.0.1'], []),
    ('loopback', '127.0.0.1', '127.0.0.2, 127.0.0.3', '127.0.0.2', ['127.0.0.1', '127.0.0.3', '127.0.0.2'], ['127.0.0.2', '127.0.0.3']),
    (['loopback', '10.0.0.0/8'], '10.9.9.9', '6.6.6.6, 127.0.0.5', '6.6.6.6', ['10.9.9.9', '127.0.0.5', '6.6.6.6'], ['6.6.6.6', '127.0.0.5']),
    ('uniquelocal', '192.168.1.1', 'fd00::1, 172.16.0.1', 'fd00::1', ['192.168.1.1', '172.16.0.1', 'fd00::1'], ['fd00::1', '172.16.0.1']),
    ('10.0.0.0/255.0.0.0', '10.0.0.1', '1.1.1.1', '1.1.1.1', ['10.0.0.1', '1.1.1.1'], ['1.1.1.1']),
    ('loopback', '127.0.0.1', '0177.0.0.1, 1.2.3.4', '1.2.3.4', ['127.0.0.1', '1.2.3.4'], ['1.2.3.4']),
    ('loopback', '2130706433', '1.2.3.4', '1.2.3.4', ['2130706433', '1.2.3.4'], ['1.2.3.4']),
    (True, '127.0.0.1', '1.1.1.1 2.2.2.2', '1.1.1.1 2.2.2.2', ['127.0.0.1', '1.1.1.1 2.2.2.2'], ['1.1.1.1 2.2.2.2']),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_IP)
def test_parse_ip(text: str, expected: tuple[bool, int] | None) -> None:
    assert parse_ip(text) == expected


@pytest.mark.parametrize(("setting", "trusted"), TRUSTED)
def test_compile_trust_matches(setting: object, trusted: list[str]) -> None:
    fn = compile_trust(setting)
    assert [a for a in TRUST_ADDRS if fn(a, 0)] == trusted


@pytest.mark.parametrize(("setting", "message"), TRUST_ERRORS)
def test_compile_trust_errors(setting: object, message: str) -> None:
    with pytest.raises(TypeError) as info:
        compile_trust(setting)
    assert str(info.value) == message


def test_compile_trust_other_types() -> None:
    with pytest.raises(TypeError, match="^unsupported trust argument$"):
        compile_trust({"a": 1})
    fn = compile_trust([])
    assert fn("127.0.0.1", 0) is False


@pytest.mark.parametrize(("hops", "calls", "expected"), HOPS)
def test_hop_count(hops: float, calls: list[list[object]], expected: list[bool]) -> None:
    fn = compile_trust(hops)
    assert [fn(a, i) for a, i in calls] == expected  # type: ignore[arg-type]


def test_trust_passthrough_and_constants() -> None:
    def custom(addr: str, i: int) -> bool:
        return addr == "x"

    assert compile_trust(custom) is custom
    # False/None need no per-call work: the same constant function each time.
    none_fn = compile_trust(False)
    assert none_fn is compile_trust(None)
    assert none_fn("127.0.0.1", 0) is False
    assert compile_trust(True)("anything", 99) is True


@pytest.mark.parametrize(("remote", "xff", "expected"), FORWARDED)
def test_forwarded(remote: str, xff: str | None, expected: list[str]) -> None:
    assert forwarded(remote, xff) == expected


@pytest.mark.parametrize(("setting", "remote", "xff", "ip", "addrs", "ips"), PROXY)
def test_proxy_addr_all_ips(
    setting: object, remote: str, xff: str | None, ip: str, addrs: list[str], ips: list[str]
) -> None:
    fn = compile_trust(setting)
    assert proxy_addr(remote, xff, fn) == ip
    assert all_addrs(remote, xff, fn) == addrs
    assert req_ips(remote, xff, fn) == ips


def test_trust_is_called_with_hop_index() -> None:
    seen: list[tuple[str, int]] = []

    def spy(addr: str, i: int) -> bool:
        seen.append((addr, i))
        return True

    # the last address is never tested (it is the answer, not a proxy)
    assert proxy_addr("127.0.0.1", "a, b, c", spy) == "a"
    assert seen == [("127.0.0.1", 0), ("c", 1), ("b", 2)]
