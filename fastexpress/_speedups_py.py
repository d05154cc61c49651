"""Pure-Python twin of ``_speedups.pyx``: the byte-level hot paths.

Both twins must behave identically (same results, same exceptions, same messages); the test
suite runs on each and compares them directly. Keep this file and the .pyx in step.
"""
from __future__ import annotations

import re
from typing import Iterable

# RFC 9110 token characters: what a header name may contain (Node: ERR_INVALID_HTTP_TOKEN).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# What Node accepts in a header value (checkInvalidHeaderChar): HTAB, visible ASCII, obs-text.
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def validate_header(name: str, value: str) -> None:
    """Raise ``ValueError`` unless ``name: value`` can be written as one valid header line."""
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise ValueError(f"Header name must be a valid HTTP token [{name!r}]")
    if not isinstance(value, str):
        raise TypeError(f"Header value must be a string [{name!r}]")
    if _BAD_VALUE.search(value) is not None:
        raise ValueError(f"Invalid character in header content [{name!r}]")


# PERF: most header lines repeat from response to response (Content-Type, X-Powered-By,
# Vary...): each (name, value) is validated and encoded once. Bounded: once full, new lines are
# still validated and encoded, just not remembered.
_LINES: dict[tuple[str, str], bytes] = {}
_LINES_MAX = 4096


def build_head(status_line: bytes, headers: Iterable[tuple[str, str | list[str]]], tail: bytes,
               body: bytes = b"") -> bytes:
    """Serialize a response head: status line, each header (a list value gives one line per
    item), then ``tail`` (the connection-level headers), the blank line and ``body`` (so a
    whole small response is one buffer).

    Every line is validated here too, so nothing invalid reaches the socket even if a header
    was put in place without going through ``res.set``.
    """
    parts = [status_line]
    for item in headers:
        name, value = item
        if isinstance(value, str):
            line = _LINES.get(item)  # type: ignore[arg-type]
            if line is None:
                validate_header(name, value)
                line = f"{name}: {value}\r\n".encode("latin-1")
                if len(_LINES) < _LINES_MAX:
                    _LINES[item] = line  # type: ignore[index]
            parts.append(line)
        else:
            for item in value:
                validate_header(name, item)
                parts.append(f"{name}: {item}\r\n".encode("latin-1"))
    parts.append(tail)
    parts.append(b"\r\n")
    parts.append(body)
    return b"".join(parts)


def chunk(data: bytes) -> bytes:
    """Frame one chunk of a chunked body (empty data would end the body, so callers skip it)."""
    return b"%x\r\n%b\r\n" % (len(data), data)
