"""The compiled speedups and their pure-Python twin: same results, same errors."""
from __future__ import annotations

import os

import pytest

import fastexpress
from fastexpress import _speedups_py

try:
    from fastexpress import _speedups as _compiled
except ImportError:
    _compiled = None

TWINS = [pytest.param(_speedups_py, id="python")]
if _compiled is not None:
    TWINS.append(pytest.param(_compiled, id="cython"))


def test_expected_implementation_loaded() -> None:
    if os.environ.get("FASTEXPRESS_NO_EXTENSIONS"):
        assert fastexpress.IMPLEMENTATION == "python"
    elif os.environ.get("FASTEXPRESS_EXPECT_COMPILED"):
        # CI builds the extension: silently running on the twin would hide a broken build.
        assert _compiled is not None, "the compiled speedups were expected but did not import"
        assert fastexpress.IMPLEMENTATION == "cython"
    else:
        assert fastexpress.IMPLEMENTATION == ("cython" if _compiled is not None else "python")


VALID = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("X-Tab", "a\tb"),
    ("X-Latin", "caf\xe9"),
    ("x-empty", ""),
    ("!#$%&'*+-.^_`|~", "v"),
]
BAD_NAMES = ["", "X Space", "X:Colon", "X\r\nInjected", "X\x00", "Ünïcode", "X(", "X@"]
BAD_VALUES = ["a\rb", "a\nb", "a\r\nSet-Cookie: x=1", "nul\x00", "bell\x07", "del\x7f", "snow\u2603"]


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("name,value", VALID)
def test_valid_headers_pass(mod, name: str, value: str) -> None:
    assert mod.validate_header(name, value) is None


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_header_names_raise(mod, name: str) -> None:
    with pytest.raises(ValueError, match="Header name must be a valid HTTP token"):
        mod.validate_header(name, "v")


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_header_values_raise(mod, value: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid character in header content \['X-Test'\]"):
        mod.validate_header("X-Test", value)


@pytest.mark.parametrize("mod", TWINS)
def test_non_string_value_is_type_error(mod) -> None:
    with pytest.raises(TypeError):
        mod.validate_header("X-Test", 5)


@pytest.mark.parametrize("mod", TWINS)
def test_build_head(mod) -> None:
    head = mod.build_head(
        b"HTTP/1.1 200 OK\r\n",
        [("Content-Type", "text/plain"), ("Set-Cookie", ["a=1", "b=2"]), ("X-Latin", "caf\xe9")],
        b"Date: x\r\n",
    )
    assert head == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
        b"X-Latin: caf\xe9\r\nDate: x\r\n\r\n"
    )


@pytest.mark.parametrize("mod", TWINS)
def test_build_head_refuses_injection(mod) -> None:
    with pytest.raises(ValueError):
        mod.build_head(b"HTTP/1.1 200 OK\r\n", [("X", ["ok", "bad\r\nEvil: 1"])], b"")


@pytest.mark.parametrize("mod", TWINS)
@pytest.mark.parametrize("data", [b"a", b"hello world", b"x" * 4096])
def test_chunk(mod, data: bytes) -> None:
    assert mod.chunk(data) == b"%x\r\n" % len(data) + data + b"\r\n"


def test_twins_agree_on_messages() -> None:
    if _compiled is None:
        pytest.skip("compiled speedups not built")
    for name, value in [("X Y", "v"), ("X", "a\nb")]:
        errors = []
        for mod in (_speedups_py, _compiled):
            with pytest.raises(ValueError) as info:
                mod.validate_header(name, value)
            errors.append(str(info.value))
        assert errors[0] == errors[1]


@pytest.mark.parametrize("mod", TWINS)
def test_build_head_with_body(mod) -> None:
    assert mod.build_head(b"HTTP/1.1 204 No Content\r\n", [], b"", b"") == b"HTTP/1.1 204 No Content\r\n\r\n"
    assert mod.build_head(b"HTTP/1.1 200 OK\r\n", [("A", "b")], b"", b"body") == b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"


@pytest.mark.parametrize("mod", TWINS)
def test_build_head_cached_line_is_still_validated_for_new_values(mod) -> None:
    # The line cache is keyed by (name, value): a good line cached must not let a bad one by.
    mod.build_head(b"HTTP/1.1 200 OK\r\n", [("X-Cache", "ok")], b"")
    with pytest.raises(ValueError):
        mod.build_head(b"HTTP/1.1 200 OK\r\n", [("X-Cache", "ok\r\nEvil: 1")], b"")
