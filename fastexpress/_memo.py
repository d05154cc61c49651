"""A bounded memo: a dict whose missing keys are computed by a function, then remembered."""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict, Generic[K, V]):  # type: ignore[type-arg]
    """PERF: ``memo[key]`` is a plain dict lookup once the key has been seen; the first time,
    ``fn(key)`` computes it. Bounded: past ``size`` keys, results are computed but not stored,
    so a stream of new keys cannot grow it without end."""

    __slots__ = ("fn", "size")

    def __init__(self, fn: Callable[[K], V], size: int = 1024) -> None:
        super().__init__()
        self.fn = fn
        self.size = size

    def __missing__(self, key: K) -> V:
        result = self.fn(key)
        if len(self) < self.size:
            self[key] = result
        return result
