"""range-parser 1.3.0 (what Express 5.3.0's ``req.range`` calls), ported exactly.

``parse_range(size, header)`` returns a :class:`Ranges` list (with the unit
in ``.type``), ``-1`` when no range is satisfiable, or ``-2`` when the header
is malformed.  Quirks kept on purpose:

* the unit is whatever precedes the first '=' (``"=0-1"`` has type ``""``,
  ``"items=0-1"`` is accepted: callers check ``.type``);
* each range is split at its first '-', both sides trimmed with JS
  ``String.prototype.trim`` and required to be ASCII digits; one piece
  without '-' or with a non-numeric side makes the *whole* header -2;
* a well-formed but unsatisfiable range is silently skipped: start past
  the end, start > end, ``-0``, and a suffix ``-n`` with n > size (its
  start would be negative; it is not clamped to 0);
* ``end`` is clamped to ``size - 1``;
* numbers are JS doubles: over 15 digits they are rounded like ``Number()``.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Union

__all__ = ["Range", "Ranges", "parse_range"]


class Range(NamedTuple):
    """One inclusive byte range: ``start`` .. ``end``."""

    start: int
    end: int


class Ranges(list[Range]):
    """The ranges, in header order (or merged, with ``combine``); ``type`` is
    the unit before '=' (normally ``"bytes"``)."""

    type: str

    def __init__(self, ranges: list[Range] | None = None, type: str = "") -> None:  # noqa: A002
        super().__init__(ranges or ())
        self.type = type

    def __repr__(self) -> str:
        return f"Ranges({list.__repr__(self)}, type={self.type!r})"


# String.prototype.trim's whitespace (Python's str.strip() set differs).
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DIGITS = re.compile(r"[0-9]+")  # /^\d+$/: ASCII only, no trailing-newline slack


def _parse_pos(s: str) -> float | int | None:
    """range-parser ``parsePos``: ``Number(s)`` for an all-digit string, else
    None (NaN).  Short numbers are exact ints; long ones go through a double
    exactly as ``Number()`` would (and may become ``inf``)."""
    if not _DIGITS.fullmatch(s):
        return None
    if len(s) <= 15:
        return int(s)
    return float(s)


def parse_range(size: int, header: str, combine: bool = False) -> Union[Ranges, int]:
    """range-parser ``rangeParser(size, header, {combine})``: -2 malformed,
    -1 unsatisfiable, else :class:`Ranges`."""
    if not isinstance(header, str):
        raise TypeError("argument str must be a string")
    index = header.find("=")
    if index == -1:
        return -2
    ranges = Ranges(type=header[:index])
    if not -(2**53) <= size <= 2**53:
        size = float(size)  # JS arithmetic on sizes past 2**53 rounds
    last = size - 1
    for piece in header[index + 1 :].split(","):
        dash = piece.find("-")
        if dash == -1:
            return -2
        start_str = piece[:dash].strip(_JS_WHITESPACE)
        end_str = piece[dash + 1 :].strip(_JS_WHITESPACE)
        start = _parse_pos(start_str)
        end = _parse_pos(end_str)
        if not start_str:
            # suffix range "-n": the last n bytes (NaN when n is missing too)
            start = None if end is None else size - end
            end = last
        elif not end_str:
            end = last
        if start is None or end is None:
            return -2
        if end > last:  # limit last-byte-pos to current length
            end = last
        if start > end or start < 0:  # invalid or unsatisfiable: skip it
            continue
        ranges.append(Range(int(start), int(end)))
    if not ranges:
        return -1
    return _combine(ranges) if combine else ranges


def _combine(ranges: Ranges) -> Ranges:
    """range-parser ``combineRanges``: merge overlapping and adjacent ranges,
    keeping each merged range at the position of its earliest member."""
    # (start, end, index); sort is stable like V8's, so equal starts keep order
    ordered = sorted(
        ([r.start, r.end, i] for i, r in enumerate(ranges)), key=lambda r: r[0]
    )
    j = 0
    for i in range(1, len(ordered)):
        current = ordered[j]
        rng = ordered[i]
        if rng[0] > current[1] + 1:
            j += 1
            ordered[j] = rng
        elif rng[1] > current[1]:
            current[1] = rng[1]
            current[2] = min(current[2], rng[2])
    del ordered[j + 1 :]
    ordered.sort(key=lambda r: r[2])
    return Ranges([Range(s, e) for s, e, _ in ordered], type=ranges.type)
