"""fastexpress.querystring against Node 20's querystring and qs 6.17.1.

Every expected value below was produced by running the real code under
Node 20 (``require('querystring').parse`` and the ``qs`` installed with
Express 5.3.0).  Results are compared through ``json.dumps`` so that key
order (JS ``Object.keys`` order) is checked too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from fastexpress.jsvalues import js_number
from fastexpress.querystring import (
    QueryArrayLimitError,
    QueryDepthError,
    QueryParameterLimitError,
    QueryParseError,
    compile_query_parser,
    parse_extended,
    parse_simple,
)


def same(got: Any, want: Any) -> bool:
    return json.dumps(got) == json.dumps(want)


# querystring.parse(qs) in Node 20 (Express's 'simple' query parser).
# Key order is Object.keys order (integer keys first).  Note the fallbacks:
# a malformed escape keeps the raw text, but any valid %XX nearby makes Node
# decode byte-wise, so 'é' becomes U+FFFD and '中' becomes '-'.
SIMPLE = [
    ('', {}),
    ('a=1', {'a': '1'}),
    ('a=1&b=2', {'a': '1', 'b': '2'}),
    ('a=1&a=2', {'a': ['1', '2']}),
    ('a=1&a=2&a=3', {'a': ['1', '2', '3']}),
    ('b[c]=3', {'b[c]': '3'}),
    ('a+b=c+d', {'a b': 'c d'}),
    ('e', {'e': ''}),
    ('e&f=', {'e': '', 'f': ''}),
    ('=x', {'': 'x'}),
    ('=', {'': ''}),
    ('&&a=1&&', {'a': '1'}),
    ('a=1&', {'a': '1'}),
    ('a=b=c', {'a': 'b=c'}),
    ('a=%41%42', {'a': 'AB'}),
    ('a=%E4%BD%A0%E5%A5%BD', {'a': '你好'}),
    ('a=%', {'a': '%'}),
    ('a=%zz', {'a': '%zz'}),
    ('a=%E4%BD', {'a': '�'}),
    ('a=café%', {'a': 'café%'}),
    ('a=中%2', {'a': '中%2'}),
    ('a=%4+1é', {'a': '%4 1�'}),
    ('%41%4+1=é', {'A%4 1': 'é'}),
    ('a%20b=1', {'a b': '1'}),
    ('a%2=1', {'a%2': '1'}),
    ('%=%', {'%': '%'}),
    ('a=%C0%80', {'a': '��'}),
    ('a=%ED%A0%80', {'a': '���'}),
    ('a=%F4%90%80%80', {'a': '����'}),
    ('b=1&0=2&10=3&2=4', {'0': '2', '2': '4', '10': '3', 'b': '1'}),
    ('__proto__=1&constructor=2&toString=3', {'__proto__': '1', 'constructor': '2', 'toString': '3'}),
    ('a=1;b=2', {'a': '1;b=2'}),
    ('a=%2B', {'a': '+'}),
    ('x=y&y&y', {'x': 'y', 'y': ['', '']}),
]


# querystring.parse("k0=v&k1=v&...&k1001=v") stops after 1000 pairs
MAXKEYS_COUNT = 1000
MAXKEYS_EMPTY = {'a': '1', 'b': '2'}  # 998 empty pairs count towards the 1000


# qs.parse(qs, {allowPrototypes: true}): Express's 'extended' query parser.
# Indexes >= arrayLimit (20) make objects; arrays are compacted; depth 5 keeps
# the rest of a deeper key as one literal segment; '__proto__' keys are dropped.
EXTENDED = [
    ('', {}),
    ('a=1', {'a': '1'}),
    ('a=1&a=2', {'a': ['1', '2']}),
    ('a[]=1&a[]=2', {'a': ['1', '2']}),
    ('a[0]=x&a[1]=y', {'a': ['x', 'y']}),
    ('a[1]=y&a[0]=x', {'a': ['x', 'y']}),
    ('a[1]=b&a[15]=c', {'a': ['b', 'c']}),
    ('a[20]=x', {'a': {'20': 'x'}}),
    ('a[21]=x&a[]=y', {'a': {'0': 'y', '21': 'x'}}),
    ('a[b][c]=d', {'a': {'b': {'c': 'd'}}}),
    ('a[b]=1&a[c]=2', {'a': {'b': '1', 'c': '2'}}),
    ('a[b][c][d][e][f][g][h]=i', {'a': {'b': {'c': {'d': {'e': {'f': {'[g][h]': 'i'}}}}}}}),
    ('a.b=c', {'a.b': 'c'}),
    ('a[.b]=1', {'a': {'.b': '1'}}),
    ('a=1&a[b]=2', {'a': ['1', {'b': '2'}]}),
    ('a[b]=2&a=1', {'a': [{'b': '2'}, '1']}),
    ('a[]=1&a[b]=2', {'a': {'0': '1', 'b': '2'}}),
    ('a[0]=1&a[b]=2', {'a': {'0': '1', 'b': '2'}}),
    ('[]=1', {'0': '1'}),
    ('[a]=1', {'a': '1'}),
    ('[0]=x', {'0': 'x'}),
    ('a[=1', {'a': {'[': '1'}}),
    ('a]=1', {'a]': '1'}),
    ('a[[b]]=1', {'a': {'[b]': '1'}}),
    ('a[b[c]]=1', {'a': {'b[c]': '1'}}),
    ('a[]b=1', {'a': ['1']}),
    ('a[b]c=1', {'a': {'b': '1'}}),
    ('%5Ba%5D=1', {'a': '1'}),
    ('a%5Bb%5D=c', {'a': {'b': 'c'}}),
    ('a[%5D=1', {'a': ['1']}),
    ('a+b=c+d', {'a b': 'c d'}),
    ('a=%E4%BD%A0', {'a': '你'}),
    ('a=%zz', {'a': '%zz'}),
    ('a=%E4%BD', {'a': '%E4%BD'}),
    ('a=%&b=c', {'a': '%', 'b': 'c'}),
    ('__proto__[x]=1', {}),
    ('__proto__=1', {}),
    ('constructor=1&toString[x]=2', {'constructor': '1', 'toString': {'x': '2'}}),
    ('hasOwnProperty=1', {'hasOwnProperty': '1'}),
    ('a[__proto__]=1', {'a': {}}),
    ('a[constructor]=1', {'a': {'constructor': '1'}}),
    ('e', {'e': ''}),
    ('e&e', {'e': ['', '']}),
    ('=1', {}),
    ('a=1&&b=2', {'a': '1', 'b': '2'}),
    ('a[]', {'a': ['']}),
    ('a[]=&a[]=', {'a': ['', '']}),
    ('a=1&a=2&a=3&a=4&a=5&a=6&a=7&a=8&a=9&a=10&a=11&a=12&a=13&a=14&a=15&a=16&a=17&a=18&a=19&a=20&a=21', {'a': {'0': '1', '1': '2', '2': '3', '3': '4', '4': '5', '5': '6', '6': '7', '7': '8', '8': '9', '9': '10', '10': '11', '11': '12', '12': '13', '13': '14', '14': '15', '15': '16', '16': '17', '17': '18', '18': '19', '19': '20', '20': '21'}}),
    ('a[-1]=x', {'a': {'-1': 'x'}}),
    ('a[01]=x', {'a': {'01': 'x'}}),
    ('a[ 1]=x', {'a': {' 1': 'x'}}),
    ('a[99999999999999999999]=x', {'a': {'99999999999999999999': 'x'}}),
    ('b=1&0=2&a[3]=x', {'0': '2', 'b': '1', 'a': ['x']}),
    ('a]=b]=c', {'a]': 'b]=c'}),
    ('a[b]=c=d', {'a': {'b': 'c=d'}}),
    ('a[][]=1', {'a': ['1']}),
    ('a[0][b]=1&a[0][c]=2&a[1][b]=3', {'a': [{'b': '1', 'c': '2'}, {'b': '3'}]}),
    ('a=b&a[]=c', {'a': ['b', 'c']}),
    ('a[]=b&a=c', {'a': ['b', 'c']}),
    ('a[0]=b&a[0]=c', {'a': [['b', 'c']]}),
]


# qs.parse with other options (the qs option names map to parse_extended's
# keyword arguments; allowPrototypes is true unless allow_prototypes=False).
EXTENDED_OPTIONS = [
    ('a[b][c][d]=1', {'depth': 1}, {'a': {'b': {'[c][d]': '1'}}}),
    ('a[b][c][d]=1', {'depth': 0}, {'a[b][c][d]': '1'}),
    ('[a]=1&[0]=2&a[b]=3', {'depth': 0}, {'0': '2', 'a': '1', 'a[b]': '3'}),
    ('a[b][c]=1', {'depth': 2, 'strict_depth': True}, {'a': {'b': {'c': '1'}}}),
    ('a[1]=x&a[2]=y', {'array_limit': 2}, {'a': {'1': 'x', '2': 'y'}}),
    ('a[]=x&a[]=y&a[]=z', {'array_limit': 2}, {'a': {'0': 'x', '1': 'y', '2': 'z'}}),
    ('a=x&a=y&a=z', {'array_limit': 2}, {'a': {'0': 'x', '1': 'y', '2': 'z'}}),
    ('a[0]=x', {'array_limit': 0}, {'a': {'0': 'x'}}),
    ('a=1&b=2&c=3&d=4', {'parameter_limit': 2}, {'a': '1', 'b': '2'}),
    ('a.b.c=1&x[y.z]=2&d..e=3&f.=4&.g=5', {'allow_dots': True}, {'a': {'b': {'c': '1'}}, 'x': {'y.z': '2'}, 'd.': {'e': '3'}, 'f.': '4', 'g': '5'}),
    ('a%2Eb=1', {'allow_dots': True}, {'a': {'b': '1'}}),
    ('toString=1&a[hasOwnProperty]=2&b=3', {'allow_prototypes': False}, {'b': '3'}),
    ('a[b]=1&[toString]=2', {'depth': 0, 'allow_prototypes': False}, {'a[b]': '1'}),
    ('a=%E9&b=%26%2365%3B', {'charset': 'iso-8859-1'}, {'a': 'é', 'b': '&#65;'}),
    ('a=%26%2365%3B%26%23128512%3B', {'charset': 'iso-8859-1', 'interpret_numeric_entities': True}, {'a': 'A😀'}),
    ('utf8=%26%2310003%3B&a=%E9', {'charset_sentinel': True}, {'a': 'é'}),
    ('utf8=%E2%9C%93&a=%C3%A9', {'charset_sentinel': True, 'charset': 'iso-8859-1'}, {'a': 'é'}),
    ('a[b][c][d][e][f][g][h][i][j]=1', {'depth': 32, 'strict_depth': True, 'array_limit': 100}, {'a': {'b': {'c': {'d': {'e': {'f': {'g': {'h': {'i': {'j': '1'}}}}}}}}}}),
    ('a[50]=x&a[99]=y', {'array_limit': 100}, {'a': ['x', 'y']}),
]


# Options that make qs throw a RangeError (message kept verbatim).
EXTENDED_ERRORS = [
    ('a[b][c]=1', {'depth': 1, 'strict_depth': True}, 'QueryDepthError', 'Input depth exceeded depth option of 1 and strictDepth is true'),
    ('a[b][c][d][e][f][g]=1', {'strict_depth': True}, 'QueryDepthError', 'Input depth exceeded depth option of 5 and strictDepth is true'),
    ('a=1&b=2&c=3', {'parameter_limit': 2, 'throw_on_limit_exceeded': True}, 'QueryParameterLimitError', 'Parameter limit exceeded. Only 2 parameters allowed.'),
    ('a=1&b=2', {'parameter_limit': 1, 'throw_on_limit_exceeded': True}, 'QueryParameterLimitError', 'Parameter limit exceeded. Only 1 parameter allowed.'),
    ('a[]=1&a[]=2&a[]=3', {'array_limit': 2, 'throw_on_limit_exceeded': True}, 'QueryArrayLimitError', 'Array limit exceeded. Only 2 elements allowed in an array.'),
    ('a=1&a=2', {'array_limit': 1, 'throw_on_limit_exceeded': True}, 'QueryArrayLimitError', 'Array limit exceeded. Only 1 element allowed in an array.'),
    ('a[5]=1', {'array_limit': 5, 'throw_on_limit_exceeded': True}, 'QueryArrayLimitError', 'Array limit exceeded. Only 5 elements allowed in an array.'),
]


# The same options exactly at their limits do not throw.
EXTENDED_AT_LIMIT = [
    ('a=1&b=2', {'parameter_limit': 2, 'throw_on_limit_exceeded': True}, {'a': '1', 'b': '2'}),
    ('a[]=1&a[]=2', {'array_limit': 2, 'throw_on_limit_exceeded': True}, {'a': ['1', '2']}),
    ('a[b][c]=1', {'depth': 2, 'strict_depth': True}, {'a': {'b': {'c': '1'}}}),
]


@pytest.mark.parametrize(("qs", "expected"), SIMPLE)
def test_parse_simple(qs: str, expected: dict[str, Any]) -> None:
    got = parse_simple(qs)
    assert same(got, expected), got


def test_parse_simple_max_keys() -> None:
    assert len(parse_simple("&".join(f"k{i}=v" for i in range(1002)))) == MAXKEYS_COUNT
    assert parse_simple("&" * 998 + "a=1&b=2&c=3") == MAXKEYS_EMPTY


@pytest.mark.parametrize(("qs", "expected"), EXTENDED)
def test_parse_extended(qs: str, expected: dict[str, Any]) -> None:
    got = parse_extended(qs)
    assert same(got, expected), got


@pytest.mark.parametrize(("qs", "options", "expected"), EXTENDED_OPTIONS)
def test_parse_extended_options(qs: str, options: dict[str, Any], expected: dict[str, Any]) -> None:
    got = parse_extended(qs, **options)
    assert same(got, expected), got


ERROR_TYPES = {
    "QueryDepthError": QueryDepthError,
    "QueryParameterLimitError": QueryParameterLimitError,
    "QueryArrayLimitError": QueryArrayLimitError,
}


@pytest.mark.parametrize(("qs", "options", "error", "message"), EXTENDED_ERRORS)
def test_parse_extended_errors(qs: str, options: dict[str, Any], error: str, message: str) -> None:
    with pytest.raises(ERROR_TYPES[error]) as info:
        parse_extended(qs, **options)
    assert str(info.value) == message
    # body-parser maps any qs RangeError to 400; all of ours share a base
    assert isinstance(info.value, QueryParseError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("qs", "options", "expected"), EXTENDED_AT_LIMIT)
def test_parse_extended_at_limit(qs: str, options: dict[str, Any], expected: dict[str, Any]) -> None:
    assert same(parse_extended(qs, **options), expected)


def test_results_are_plain_containers() -> None:
    got = parse_extended("a[b][]=1&a[b][]=2&c[25]=x")
    assert type(got) is dict and type(got["a"]) is dict
    assert type(got["a"]["b"]) is list and type(got["c"]) is dict
    # a fresh tree every call (callers may mutate req.query)
    assert parse_extended("a[]=1") is not parse_extended("a[]=1")


def test_bad_charset() -> None:
    with pytest.raises(TypeError, match="charset option must be either utf-8, iso-8859-1"):
        parse_extended("a=1", charset="latin1")


def test_compile_query_parser() -> None:
    assert compile_query_parser(True) is parse_simple
    assert compile_query_parser("simple") is parse_simple
    assert compile_query_parser("extended") is parse_extended

    def custom(s: str) -> dict[str, Any]:
        return {"raw": s}

    assert compile_query_parser(custom) is custom
    off = compile_query_parser(False)
    first = off("a=1")
    assert first == {} and off("a=1") is not first  # a new dict each time


@pytest.mark.parametrize(
    ("setting", "shown"),
    [("Extended", "Extended"), ("", ""), (1, "1"), (0, "0"), (None, "null"), ("qs", "qs")],
)
def test_compile_query_parser_errors(setting: object, shown: str) -> None:
    # express: new TypeError('unknown value for query parser function: ' + val)
    with pytest.raises(TypeError) as info:
        compile_query_parser(setting)
    assert str(info.value) == "unknown value for query parser function: " + shown


def test_js_number_strings() -> None:
    # String(n) as JS prints it, used for keys like a[<huge index>]
    cases = {1e21: "1e+21", 1e20: "100000000000000000000", 123.5: "123.5", 1e-7: "1e-7",
             0.000001: "0.000001", 2.5e25: "2.5e+25", -4.0: "-4"}
    for value, text in cases.items():
        assert js_number(value) == text
