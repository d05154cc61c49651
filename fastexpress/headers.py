"""Request headers: a case-insensitive, multi-value view over the raw header lines."""
from __future__ import annotations

from typing import Iterator, Mapping

from ._accel import header_map

# Node's IncomingMessage keeps only the first of these when a request repeats them
# (matchKnownFields); every other repeated header is joined with ", " (cookie with "; ").
_FIRST_WINS = frozenset(
    """age authorization content-length content-type etag expires from host if-modified-since
    if-unmodified-since last-modified location max-forwards proxy-authorization referer
    retry-after server user-agent""".split()
)


class Headers(Mapping[str, str]):
    """``req.headers``: ``headers["content-type"]`` in any case gives the value as Node's
    ``req.headers`` would (repeats joined), ``get_all(name)`` gives every line's value and
    ``raw`` the lines as received.

    PERF: the dict is built on first lookup, so a handler that never reads headers never pays.
    """

    __slots__ = ("_raw", "_encoded", "_map")

    def __init__(self, raw: list[tuple[str, str]] | None = None) -> None:
        self._raw: list[tuple[str, str]] | None = raw if raw is not None else []
        self._encoded: list[tuple[bytes, bytes]] | None = None
        self._map: dict[str, str] | None = None

    @classmethod
    def from_bytes(cls, lines: list[tuple[bytes, bytes]]) -> Headers:
        """PERF: keep the parser's bytes; decode only if a handler looks at the headers."""
        headers = cls.__new__(cls)
        headers._raw = None
        headers._encoded = lines
        headers._map = None
        return headers

    @property
    def raw(self) -> list[tuple[str, str]]:
        """The header lines as received: (name, value) in order, decoded as Latin-1."""
        raw = self._raw
        if raw is None:
            assert self._encoded is not None
            raw = self._raw = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in self._encoded]
        return raw

    def _build(self) -> dict[str, str]:
        # PERF: a head's byte lines straight into the dict (six lines and a lookup: 2.0 ->
        # ~1.0 us, compiled); a repeated name takes the loop below, which knows Node's rules.
        encoded = self._encoded
        result = header_map(encoded) if encoded is not None else None
        if result is not None:
            self._map = result
            return result
        result = {}
        for name, value in self.raw:
            key = name.lower()
            if key in result:
                if key in _FIRST_WINS:
                    continue
                sep = "; " if key == "cookie" else ", "
                result[key] = result[key] + sep + value
            else:
                result[key] = value
        self._map = result
        return result

    def __getitem__(self, name: str) -> str:
        return (self._map if self._map is not None else self._build())[name.lower()]

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return (self._map if self._map is not None else self._build()).get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in (self._map if self._map is not None else self._build())

    def __iter__(self) -> Iterator[str]:
        return iter(self._map if self._map is not None else self._build())

    def __len__(self) -> int:
        return len(self._map if self._map is not None else self._build())

    def get_all(self, name: str) -> list[str]:
        key = name.lower()
        return [value for n, value in self.raw if n.lower() == key]

    getAll = get_all  # noqa: N815

    def __repr__(self) -> str:
        return f"Headers({self.raw!r})"
