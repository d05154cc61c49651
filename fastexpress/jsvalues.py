"""JavaScript's view of Python values, where Express prints or compares them.

``String(value)`` and number formatting appear in header values, cookie attributes, settings'
error messages and query parsing; they live here once.
"""
from __future__ import annotations

import math
from typing import Any, Iterable


class _Undefined:
    """Express's ``undefined`` where Python's ``None`` already means ``null``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()


def js_number(x: float | int) -> str:
    """``String(x)`` for a JavaScript number: shortest round-trip digits in JavaScript's layout
    (``1e21``, ``1.5e-7``, ``0.000001``, integers past 2**53 rounded as a double)."""
    if isinstance(x, int) and -(2**53) <= x <= 2**53:
        return str(x)
    x = float(x)
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    if x.is_integer() and x <= 2**53:
        return str(int(x))
    # repr() gives the same shortest digits as JavaScript; only the layout differs.
    mantissa, _, exp = repr(x).partition("e")
    int_part, _, frac = mantissa.partition(".")
    digits = int_part + frac
    n = len(int_part) + int(exp or 0)  # x = 0.<digits> * 10**n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def js_string(value: Any) -> str:
    """``String(value)``: Python ``None`` is JavaScript's ``null``, lists join with commas."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None or v is UNDEFINED else js_string(v) for v in value)
    return str(value)


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: ``[]`` and ``{}`` are true; ``0``, ``NaN``, ``''``, ``None``
    (null) and ``UNDEFINED`` are not."""
    if value is None or value is False or value is UNDEFINED:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, (int, float)):
        return value == value and value != 0
    return True


# -- Object.keys order ------------------------------------------------------------------------
# A JavaScript object lists its array-index keys ("0" ... "4294967294", no leading zero) first,
# ascending, then the others in insertion order: what Express's req.query, req.params,
# req.cookies and a content-type's parameters show.

def is_array_index(key: str) -> bool:
    """Whether ``key`` is a canonical array index ("0", "17", not "017"), below 2**32 - 1."""
    return key.isdigit() and key.isascii() and (key == "0" or key[0] != "0") and int(key) < 4294967295


def js_key_order(keys: Iterable[str]) -> list[str]:
    """``keys`` in ``Object.keys`` order."""
    keys = list(keys)
    idx = [k for k in keys if k[:1].isdigit() and is_array_index(k)]
    if not idx:
        return keys
    return sorted(idx, key=int) + [k for k in keys if not (k[:1].isdigit() and is_array_index(k))]


def js_ordered(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` itself when its keys are in ``Object.keys`` order already, else a copy that is."""
    for key in d:  # PERF: the usual dict has no key starting with a digit: no list is built
        if key[:1].isdigit():
            break
    else:
        return d
    keys = js_key_order(d)
    return d if keys == list(d) else {k: d[k] for k in keys}
