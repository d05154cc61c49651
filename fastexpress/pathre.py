"""Path matching: a port of path-to-regexp 8.4.2 plus router 2.x's ``Layer`` matchers.

Express 5 routes with router 2.x, which compiles every path with path-to-regexp 8. This module
reproduces that pair exactly, for the options the router passes:

* ``end``        routes (``app.get``) use ``end=True``; ``use()`` prefixes use ``end=False``.
* ``strict``     the router's ``strict`` option. When false the router "loosens" string paths
                 (strips trailing slashes) and lets a single trailing ``/`` match (``trailing``).
* ``sensitive``  case sensitivity; path-to-regexp's ``i`` flag when false.

Syntax: ``:name`` (or ``:"any name"``) matches one segment (``[^/]+``), ``*name`` one or more
characters across segments (a list of decoded segments), ``{...}`` is optional, ``\\`` escapes.
``( ) [ ] ? + ! }`` are reserved and rejected with path-to-regexp's own messages.

The regular expression path-to-regexp would build in JavaScript is emitted directly in Python
syntax (``$`` becomes ``\\Z``, ``[^]`` becomes ``.`` under DOTALL, ...) and compiled once; a
matcher does one ``re.match`` and builds the params. JavaScript's non-unicode ``/i`` folding is
reproduced with ``re.IGNORECASE | re.ASCII`` for ASCII text plus explicit character classes for
non-ASCII letters (Python's own Unicode folding would also equate e.g. ``k`` with the Kelvin
sign, which JavaScript does not).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Callable, Iterator, NamedTuple, Optional, Sequence, Union

from .jsvalues import is_array_index, js_ordered

__all__ = [
    "Match",
    "Matcher",
    "ParamDecodeError",
    "PathError",
    "PathSpec",
    "compile_matcher",
    "decode_param",
]


# ---------------------------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------------------------

_ERROR_INFO = "; visit https://git.new/pathToRegexpError for info"


class PathError(ValueError):
    """A path path-to-regexp refuses (its ``PathError``, a ``TypeError`` in JavaScript).

    The message is byte-for-byte path-to-regexp's: ``"<what>: <path>; visit ... for info"``,
    where ``<path>`` is the string path-to-regexp saw, i.e. after the router's loosening.
    """

    def __init__(self, message: str, original_path: Optional[str] = None) -> None:
        text = message
        if original_path:  # path-to-regexp omits ": <path>" for an empty path too
            text += f": {original_path}"
        text += _ERROR_INFO
        super().__init__(text)
        self.original_path = original_path


class ParamDecodeError(ValueError):
    """A matched param that is not valid percent-encoded UTF-8 (router's ``decodeParam``).

    In Express this is a ``URIError`` with ``status``/``statusCode`` 400, thrown while matching;
    the router forwards it to the error handlers.
    """

    name = "URIError"
    status = 400
    status_code = 400
    statusCode = 400  # noqa: N815 - the Express spelling error handlers look for

    def __init__(self, value: str) -> None:
        self.message = f"Failed to decode param '{value}'"
        super().__init__(self.message)
        self.value = value


_Params = dict[str, Union[str, list[str]]]


class Match(NamedTuple):
    """A successful match: the matched part of the path and the decoded params."""

    path: str
    params: dict[str, Union[str, list[str]]]


Matcher = Callable[[str], Optional[Match]]
# PERF: NamedTuple's generated __new__ is a Python function (~200ns a call here); matchers build
# results with tuple.__new__ directly, which gives the identical Match object.
_new = tuple.__new__
# One path as the router accepts it; lists (possibly nested) are tried in order.
PathSpec = Union[str, "re.Pattern[str]", Sequence["PathSpec"]]


# ---------------------------------------------------------------------------------------------
# Unicode data. Taken from Node's ICU (see tools/gen_pathre_cases.js --tables) because Python
# 3.11's unicodedata is older than what Express runs on, and because these are JavaScript's
# definitions (ID_Start/ID_Continue for param names; toUpperCase-based RegExp folding).
# ---------------------------------------------------------------------------------------------

# BEGIN GENERATED UNICODE TABLES
# Node v20.20.2, ICU 78.2, Unicode 17.0
_ID_START_RANGES = (
    "10 0 s p 4 0 1 p 1b 0 a 0 4 0 5 m 1 u 1 cp 4 b e 4 7 0 1 0 3l 4 1 1 2 3 1 0 6 0 1 2 1 0 1 j 1 2a"
    " 1 3u 8 4l 1 11 2 0 6 14 1z q 4 3 19 16 z 1 1 2q 1 0 f 1 7 1 a 2 2 0 g 0 1 t t 2g b 0 o w 9 1 4 "
    "0 5 l 4 0 9 0 3 0 n o 7 a 5 n 1 6 g 15 1m 1h 3 0 i 0 7 9 f f 4 7 2 1 2 l 1 6 1 0 3 3 3 0 g 0 d 1"
    " 1 2 e 1 a 0 8 5 4 1 2 l 1 6 1 1 1 1 1 1 v 3 1 0 j 2 g 8 1 2 1 l 1 6 1 1 1 4 3 0 i 0 f 1 n 0 b 7"
    " 2 1 2 l 1 6 1 1 1 4 3 0 u 1 1 2 f 0 h 0 1 5 3 2 1 3 3 1 1 0 1 1 3 1 3 2 3 b m 0 1g 7 1 2 1 m 1 "
    "f 3 0 q 2 1 1 2 1 u 0 4 7 1 2 1 m 1 9 1 4 3 0 u 2 1 1 f 1 h 8 1 2 1 14 2 0 g 0 5 2 8 2 o 5 5 h 3"
    " n 1 8 1 0 2 6 1m 1b 1 1 c 6 1m 1 1 0 1 4 1 n 1 0 1 9 1 1 9 0 2 4 1 0 l 3 w 0 1r 7 1 z r 4 37 16"
    " k 0 g 5 4 3 3 0 3 1 7 2 4 c c 0 h 11 1 0 5 0 2 16 1 98 1 3 2 6 1 0 1 3 2 14 1 3 2 w 1 3 2 6 1 0"
    " 1 3 2 e 1 1k 1 3 2 1u 11 f g 2d 2 5 3 h7 2 g 1 p 5 22 3 a 7 h d i e h e c 1 2 f 1f z 0 4 0 1v 2"
    "g 7 14 1 0 5 1x a u 1d t 2 4 b 17 4 p 1i m 9 1g 2a 0 2l 1a h 7 1i t d 1 a 17 q z 15 2 a z 2 a 5 "
    "16 2 2 15 3 1 5 1 1 3 0 5 5b 1s 7p 2 5 2 11 2 5 2 7 1 0 1 0 1 0 1 u 2 1g 1 6 1 0 3 2 1 6 3 3 2 5"
    " 4 c 5 2 1 6 38 0 d 0 g c 2t 0 4 0 2 9 1 0 2 5 6 0 1 0 1 0 1 f 2 3 5 4 4 0 h 14 22f 6c 6 3 3 1 c"
    " 11 1 0 5 0 2 1j 7 0 g m 9 6 1 6 1 6 1 6 1 6 1 6 1 6 1 6 fa 2 p 8 7 4 2 4 4 2d 4 4 1 2h 1 3 5 16"
    " 1 2l h v 1c f e8 533 1s h3g 1v 19 2 7g 3 f a 1 k 1a g u 2 27 13 8 2 2u 2 29 k g 1 2 1 3 1 m t 1"
    "f e 1d 1q 5 3 0 1 1 b r a m p s 7 1a s 0 g 4 1 9 a 4 1 14 n 2 1 7 k m 3 0 3 1d 1 0 3 1 2 4 2 0 1"
    " 0 o 2 2 a 7 2 c 5 2 5 2 5 9 6 1 6 1 16 1 d 6 36 t 8mb c m 4 1c 6is a5 2 2x 12 6 c 4 5 0 1 9 1 c"
    " 1 4 1 0 1 1 1 1 1 2z x a2 i 1r 2 1h 14 b 38 4 1 3q 10 p 6 p b 2g 3 5 2 5 2 5 2 2 z b 1 p 1 i 1 "
    "1 1 e 2 d y 3e 1x 1g 7f s 3 1c 1b v d t 5 11 a t 2 z 4 7 1 4 16 4d i z 4 z 4 13 8 1f c a 1 e 1 6"
    " 1 1 1 a 1 e 1 6 1 1 3 1f c 8m 9 l a 7 o 5 1 15 1 8 1x 5 2 0 1 17 1 1 3 0 2 m a m 9 u 1t i 1 1 a"
    " l a p 6 p 12 1j 6 1 1s 0 f 3 1 2 1 s 16 s 3 s z 7 1 r r 1h a l a i d h 32 20 1j 1e d 1e d z 12 "
    "r 9 m 6y 15 6 1 g 5 1k s a 0 8 l 16 h 1a k r m c 1g 1l 1 2 0 d 18 w o q z t 0 2 0 8 y 3 0 c 1b e"
    " 3 l 0 1 0 z h 1 o j 1 1r 6 1 0 1 3 1 e 1 9 7 1a 12 7 2 1 2 l 1 6 1 1 1 4 3 0 i 0 c 4 u 9 1 0 2 "
    "0 1 11 1 0 p 0 1 0 18 1g i 3 k 2 u 1b k 1 1 0 54 1a 15 3 10 1b k 0 1n 16 d 0 1z q 11 6 55 17 38 "
    "1r v 7 2 0 2 7 1 1 1 n f 0 1 0 2m 7 2 12 g 0 1 0 s 0 a 13 7 0 l 0 b 19 j 0 i 20 5j w v 8 1 10 h "
    "0 1d t 34 6 1 1 1 11 l 0 p 5 1 1 1 v e 0 n 17 78 i f 0 1 c 1 x 3g 0 27 pl 2u 32 h 5f 218 2o f tr"
    " h 5 p 32y 5 g6 5a1 t 1cy fs 7 u h 26 h t i 1b g 3 v k 5 i c0 18 5v 1r w o 2 o 18 22 5 0 1u c 1s"
    " 1 1 0 e 4 9 5p1 15 v 2p 36 6pp 3 1 6 1 1 1 82 f 0 t 2 2 0 e 3 8 az 1s4 2y 5 c 3 8 7 9 4me 2c 1 "
    "1y 1 1 2 0 2 1 2 3 1 b 1 0 1 6 1 1s 1 3 2 7 1 6 1 r 1 3 1 4 1 0 3 6 1 9f 2 o 1 o 1 u 1 o 1 u 1 o"
    " 1 u 1 o 1 u 1 o 1 7 1f8 u 6 5 79 1p 42 18 a 6 g 0 8x t i 17 dg r 6c t 2 0 5r u 1 2 1 1 1 6 2 4 "
    "9 1 68 6 1 3 1 1 1 e 1 5g 1n 1v 7 0 xg 3 1 q 1 1 1 0 2 0 1 9 1 3 1 0 1 0 6 0 4 0 1 0 1 0 1 2 1 1"
    " 1 0 2 0 1 0 1 0 1 0 1 0 1 1 1 0 2 3 1 6 1 3 1 3 1 0 1 9 1 g 5 2 1 4 1 g 3es wyn w 3dp 2 4gd 2 5"
    "rk f h9 1wi f1 15u 3t6 5 6jt"
)
_ID_CONTINUE_RANGES = (
    "10 0 b 9 7 p 4 0 1 p 1b 0 a 0 1 0 2 0 5 m 1 u 1 cp 4 b e 4 7 0 1 0 h 38 1 1 2 3 1 0 6 4 1 0 1 j "
    "1 2a 1 3u 1 4 2 4l 1 11 2 0 6 14 8 18 1 0 1 1 1 1 1 0 8 q 4 3 t a 5 21 4 2t 1 7 2 9 1 i 2 0 g 1m"
    " 2 2s e 1h 4 0 2 0 2 19 i r 4 a 5 n 1 6 7 22 1 3k 2 9 1 i 1 7 2 1 2 l 1 6 1 0 3 3 2 8 2 1 2 3 8 "
    "0 4 1 1 4 2 b a 0 1 0 2 2 1 5 4 1 2 l 1 6 1 1 1 1 1 1 2 0 1 4 4 1 2 2 3 0 7 3 1 0 7 f b 2 1 8 1 "
    "2 1 l 1 6 1 1 1 4 2 9 1 2 1 2 2 0 f 3 2 9 9 6 1 2 1 7 2 1 2 l 1 6 1 1 1 4 2 8 2 1 2 2 7 2 4 1 1 "
    "4 2 9 1 0 g 1 1 5 3 2 1 3 3 1 1 0 1 1 3 1 3 2 3 b 4 4 3 2 1 3 2 0 6 0 e 9 g c 1 2 1 m 1 f 2 8 1 "
    "2 1 3 7 1 1 2 1 1 2 3 2 9 g 3 1 7 1 2 1 m 1 9 1 4 2 8 1 2 1 3 7 1 5 2 1 3 2 9 1 2 c c 1 2 1 1e 1"
    " 2 1 4 5 3 7 4 2 9 a 5 1 2 1 h 3 n 1 8 1 0 2 6 3 0 4 5 1 0 1 7 6 9 2 1 d 1l 5 e 1 9 13 1 1 0 1 4"
    " 1 n 1 0 1 m 2 4 1 0 1 6 1 9 2 3 w 0 n 1 6 9 b 0 1 0 1 0 4 9 1 z 4 j 1 h 1 z 9 0 1l 21 6 25 2 11"
    " 1 0 5 0 2 16 1 98 1 3 2 6 1 0 1 3 2 14 1 3 2 w 1 3 2 6 1 0 1 3 2 e 1 1k 1 3 2 1u 2 2 9 8 e f g "
    "2d 2 5 3 h7 2 g 1 p 5 22 3 a 7 l 9 l b j c c 1 2 1 1 c 2b 3 0 4 1 2 9 x 2 1 a 6 2g 7 16 5 1x a u"
    " 1 b 4 b a 13 2 4 b 17 4 p 6 a 11 r 4 1q 1 s 2 a 6 9 d 0 8 d 1 u 2 b k 24 3 9 h 8 c 37 c 1j 8 9 "
    "3 1c 2 a 5 16 2 2 g 2 1 12 5 et 2 5 2 11 2 5 2 7 1 0 1 0 1 0 1 u 2 1g 1 6 1 0 3 2 1 6 3 3 2 5 4 "
    "c 5 2 1 6 f 1 1d 1 j 0 s 0 d 0 g c 1f c 4 0 3 b h 0 4 0 2 9 1 0 2 5 6 0 1 0 1 0 1 f 2 3 5 4 4 0 "
    "h 14 22f 6c 6 8 c 11 1 0 5 0 2 1j 7 0 f n 9 6 1 6 1 6 1 6 1 6 1 6 1 6 1 6 1 v ed 2 p e 1 4 2 4 4"
    " 2d 2 6 1 2m 5 16 1 2l h v 1c f e8 533 1s h3g 1v 19 2 7g 3 r k 1b 4 9 1 36 11 8 2 2u 2 29 k 1i 4"
    " 0 j 1f c 1x a 9 6 n 3 0 1 1c 2 z c s 3 1s e a 6 u 1 1i 9 d 2 9 6 m 3 20 o 2 2 f 2 4 a 5 2 5 2 5"
    " 9 6 1 6 1 16 1 d 6 3e 1 1 2 9 6 8mb c m 4 1c 6is a5 2 2x 12 6 c 4 5 b 1 c 1 4 1 0 1 1 1 1 1 2z "
    "x a2 i 1r 2 1h 14 b 4 f g f 3 1 o 2 w 4 1 3q j 9 7 p 4 0 1 p a 2h 3 5 2 5 2 5 2 2 z b 1 p 1 i 1 "
    "1 1 e 2 d y 3e 1x 1g 3s 0 3m s 3 1c f 0 v v d t 5 16 5 t 2 z 4 7 1 4 16 4d 2 9 6 z 4 z 4 13 8 1f"
    " c a 1 e 1 6 1 1 1 a 1 e 1 6 1 1 3 1f c 8m 9 l a 7 o 5 1 15 1 8 1x 5 2 0 1 17 1 1 3 0 2 m a m 9 "
    "u 1t i 1 1 a l a p 6 p 12 1j 6 1 1s 3 1 1 5 7 1 2 1 s 2 2 4 0 w s 3 s z 7 1 t p 1h a l a i d h 3"
    "2 20 1j 1e d 1e d 13 8 9 6 11 3 4 1 m 6y 15 1 1 3 1 g 5 1e y a 0 8 w v l 16 k r m 9 1y v f 9 1n "
    "7 0 d o 7 9 6 1g 1 9 4 3 8 z 2 0 9 1w 4 3 1 c 1 0 z h 1 10 6 3 1q 6 1 0 1 3 1 e 1 9 7 1m 5 9 6 3"
    " 1 7 2 1 2 l 1 6 1 1 1 4 1 9 2 1 2 2 2 0 6 0 5 6 2 6 3 4 b 9 1 0 2 0 1 11 1 9 1 0 2 0 1 3 1 7 d "
    "1 t 22 5 9 4 3 u 1x 1 0 8 9 4m 1h 2 8 n 5 y 1s 3 0 b 9 12 1k 7 9 6 j s q 2 e 4 9 6 6 55 1m 2t 21"
    " l 7 2 0 2 7 1 1 1 t 1 1 2 8 c 9 1y 7 2 19 2 7 1 1 r 1q 8 0 8 21 3 0 i 20 2v 7 2g w f 9 6 8 1 18"
    " 1 8 f 9 o t 2 l 1 d 21 6 1 1 1 17 3 0 1 1 1 8 8 9 6 5 1 1 1 10 1 1 1 5 7 9 6 17 4 9 6u m 9 g 1 "
    "14 3 4 d a 2d 0 27 pl 2u 32 h 5f 218 2o f tr g l a 32y 5 g6 5a1 1l 1c6 fs 7 u 1 9 6 26 1 9 6 t 2"
    " 4 b 1i 9 3 c 9 9 k 5 i c0 18 3 9 5i 1r w o 2 o 18 22 4 1k 7 g 1s 1 1 1 b 6 9 5p1 15 v 2p 36 6pp"
    " 3 1 6 1 1 1 82 f 0 t 2 2 0 e 3 8 az 1s4 2y 5 c 3 8 7 9 3 1 381 9 ee 19 2 m f2 4 3 5 8 7 2 6 u 3"
    " 44 2 cb 2c 1 1y 1 1 2 0 2 1 2 3 1 b 1 0 1 6 1 1s 1 3 2 7 1 6 1 r 1 3 1 4 1 0 3 6 1 9f 2 o 1 o 1"
    " u 1 o 1 u 1 o 1 u 1 o 1 u 1 o 1 7 2 1d e8 1i 4 1d 8 0 e 0 m 4 1 e uo u 6 5 5x 6 1 g 2 6 1 1 1 4"
    " 5 1p x 0 34 18 3 d 2 9 4 0 8x u h 1l d2 15 5y 16 5h u 1 l 8 1 68 6 1 3 1 1 1 e 1 5g b 6 15 23 4"
    " 9 x2 3 1 q 1 1 1 0 2 0 1 9 1 3 1 0 1 0 6 0 4 0 1 0 1 0 1 2 1 1 1 0 2 0 1 0 1 0 1 0 1 0 1 1 1 0 "
    "2 3 1 6 1 3 1 3 1 0 1 9 1 g 5 2 1 4 1 g 2lw 9 sm wyn w 3dp 2 4gd 2 5rk f h9 1wi f1 15u 3t6 5 6jt"
    " f62u 6n"
)
_CANON_RUNS = (
    "2p 3e 1 -w 51 51 0 kn 68 6u 1 -w 6w 72 1 -w 73 73 0 3d 75 8f 2 -1 8j 8n 2 -1 8q 94 2 -1 97 af 2 "
    "-1 ai am 2 -1 ao ao 0 5f ar at 2 -1 aw aw 0 -1 b0 b0 0 -1 b6 b6 0 -1 b9 b9 0 2p bd bd 0 -1 be be"
    " 0 4j bf bf 0 wu9 bi bi 0 3m bl bp 2 -1 bs bs 0 -1 bx bx 0 -1 c0 c0 0 -1 c4 c6 2 -1 c9 c9 0 -1 c"
    "d cd 0 -1 cf cf 0 1k cl cl 0 -1 cm cm 0 -2 co co 0 -1 cp cp 0 -2 cr cr 0 -1 cs cs 0 -2 cu d8 2 -"
    "1 d9 d9 0 -27 db dr 2 -1 du du 0 -1 dv dv 0 -2 dx dx 0 -1 e1 f3 2 -1 f7 fn 2 -1 fw fw 0 -1 fz g0"
    " 1 8cf g2 g2 0 -1 g7 gf 2 -1 gg gg 0 8bj gh gh 0 8bg gi gi 0 8bi gj gj 0 -5u gk gk 0 -5q gm gn 1"
    " -5p gp gp 0 -5m gr gr 0 -5n gs gs 0 wnj gw gw 0 -5p gx gx 0 wnf gz gz 0 -5r h0 h0 0 wo7 h1 h1 0"
    " wmg h2 h2 0 wn8 h4 h4 0 -5t h5 h5 0 -5v h6 h6 0 wn8 h7 h7 0 8af h8 h8 0 wn5 hb hb 0 -5v hd hd 0"
    " 8al he he 0 -5x hh hh 0 -5y hp hp 0 89z hs hs 0 -62 hu hu 0 wn7 hv hv 0 -62 hz hz 0 wmi i0 i0 0"
    " -62 i1 i1 0 -1x i2 i3 1 -61 i4 i4 0 -1z ia ia 0 -63 il il 0 wlx im im 0 wlu n9 n9 0 2c oh oj 2 "
    "-1 on on 0 -1 or ot 1 3m q4 q4 0 -12 q5 q7 1 -11 q9 qp 1 -w qq qq 0 -v qr qz 1 -w r0 r0 0 -1s r1"
    " r2 1 -1r r4 r4 0 -1q r5 r5 0 -1l r9 r9 0 -1b ra ra 0 -1i rb rb 0 -8 rd rz 2 -1 s0 s0 0 -2e s1 s"
    "1 0 -28 s2 s2 0 7 s3 s3 0 -38 s5 s5 0 -2o s8 s8 0 -1 sb sb 0 -1 ts un 1 -w uo v3 1 -28 v5 w1 2 -"
    "1 wb xr 2 -1 xu y6 2 -1 y7 y7 0 -f y9 10v 2 -1 129 13a 1 -1c 3bk 3cq 1 2bk 3ct 3cv 1 2bk 3y0 3y5"
    " 1 -8 5mo 5mo 0 -4tq 5mp 5mp 0 -4tp 5mq 5mq 0 -4tg 5mr 5ms 1 -4te 5mt 5mt 0 -4tf 5mu 5mu 0 -4t8 "
    "5mv 5mv 0 -4rp 5mw 5mw 0 r7m 5my 5my 0 -1 5tl 5tl 0 r9g 5tp 5tp 0 2xy 5u6 5u6 0 raw 5xd 61h 2 -1"
    " 61n 61n 0 -1n 61t 64f 2 -1 64g 64n 1 8 64w 651 1 8 65c 65j 1 8 65s 65z 1 8 668 66d 1 8 66p 66v "
    "2 8 674 67b 1 8 67k 67l 1 22 67m 67p 1 2e 67q 67r 1 2s 67s 67t 1 3k 67u 67v 1 34 67w 67x 1 3i 69"
    "c 69d 1 8 69q 69q 0 -5k5 6a8 6a9 1 8 6ao 6ap 1 8 6at 6at 0 7 6ku 6ku 0 -s 6ls 6m7 1 -g 6mc 6mc 0"
    " -1 79s 7ah 1 -q 8q8 8rj 1 -1c 8rl 8rl 0 -1 8rp 8rp 0 -8bv 8rq 8rq 0 -8bs 8rs 8rw 2 -1 8s3 8s3 0"
    " -1 8s6 8s6 0 -1 8sh 8v7 2 -1 8vg 8vi 2 -1 8vn 8vn 0 -1 8w0 8x1 1 -5ls 8x3 8x3 0 -5ls 8x9 8x9 0 "
    "-5ls wu9 wvh 2 -1 ww1 wwr 2 -1 x0j x0v 2 -1 x0z x2n 2 -1 x2y x30 2 -1 x33 x3b 2 -1 x3g x3g 0 -1 "
    "x3l x3n 2 -1 x3o x3o 0 1c x3r x49 2 -1 x4l x4z 2 -1 x54 x56 2 -1 x59 x5n 2 -1 x6e x6e 0 -1 xub x"
    "ub 0 -ps xv4 xxb 1 -tzk 1ef5 1efu 1 -w"
)
# END GENERATED UNICODE TABLES


def _decode_ranges(encoded: str) -> tuple[list[int], list[int]]:
    """Decode base-36 "gap span" pairs into parallel start/end lists (for bisect)."""
    nums = [int(tok, 36) for tok in encoded.split()]
    starts: list[int] = []
    ends: list[int] = []
    prev_end = -1
    for i in range(0, len(nums), 2):
        start = prev_end + 1 + nums[i]
        prev_end = start + nums[i + 1]
        starts.append(start)
        ends.append(prev_end)
    return starts, ends


_ID_START = _decode_ranges(_ID_START_RANGES)
_ID_CONTINUE = _decode_ranges(_ID_CONTINUE_RANGES)


def _in_ranges(ch: str, table: tuple[list[int], list[int]]) -> bool:
    cp = ord(ch)
    i = bisect_right(table[0], cp) - 1
    return i >= 0 and cp <= table[1][i]


def _is_id_start(ch: str) -> bool:
    # path-to-regexp: /^[$_\p{ID_Start}]$/u ($ and _ are in the table already).
    if ch < "\x80":
        return ch.isalpha() or ch == "$" or ch == "_"
    return _in_ranges(ch, _ID_START)


def _is_id_continue(ch: str) -> bool:
    # path-to-regexp: /^[$\u200c\u200d\p{ID_Continue}]$/u
    if ch < "\x80":
        return ch.isalnum() or ch == "$" or ch == "_"
    return _in_ranges(ch, _ID_CONTINUE)


_fold_classes: Optional[dict[int, str]] = None


def _js_fold_class(ch: str) -> str:
    """All UTF-16 code units a non-unicode ``/i`` RegExp treats as equal to ``ch``.

    ECMAScript's Canonicalize maps each code unit through toUpperCase (unless the result is
    several units, or maps non-ASCII to ASCII) and compares the results; this returns the set
    of units with the same canonical value as ``ch`` (``ch`` itself if none).
    """
    global _fold_classes
    if _fold_classes is None:
        # Built on first use: only non-ASCII literals in case-insensitive paths need it.
        nums = [int(tok, 36) for tok in _CANON_RUNS.split()]
        canon: dict[int, int] = {}
        for i in range(0, len(nums), 4):
            start, end, step, delta = nums[i : i + 4]
            for cp in range(start, end + 1, step or 1):
                canon[cp] = cp + delta
        members: dict[int, list[int]] = {}
        for cp, up in canon.items():
            members.setdefault(up, []).append(cp)
        classes: dict[int, str] = {}
        for up, cps in members.items():
            if up not in canon:  # the canonical unit maps to itself, so it is a member too
                cps.append(up)
            text = "".join(chr(c) for c in sorted(cps))
            for c in cps:
                classes[c] = text
        _fold_classes = classes
    return _fold_classes.get(ord(ch), ch)


# ---------------------------------------------------------------------------------------------
# Parsing (path-to-regexp's `parse`)
# ---------------------------------------------------------------------------------------------

# Tokens: ("text", value) | ("param", name) | ("wildcard", name) | ("group", [tokens]).
_Token = tuple[str, Any]  # Any: a str, or list[_Token] for a group
_RESERVED = frozenset("}()[]+?!")


def _parse(path: str) -> list[_Token]:
    """Tokenize ``path`` exactly as path-to-regexp's ``parse`` does (same errors, same indexes).

    Iterative rather than recursive so deeply nested ``{`` cannot hit Python's recursion limit
    where JavaScript would not. Python strings index by code point, like the ``[...str]`` the
    JavaScript parser works on, so error indexes agree.
    """
    n = len(path)
    index = 0
    output: list[_Token] = []
    text: list[str] = []
    end = ""  # "}" inside a group; "" at top level (never equal to a character)
    stack: list[tuple[list[_Token], str]] = []

    def write_text() -> None:
        if text:
            output.append(("text", "".join(text)))
            text.clear()

    while True:
        if index >= n:
            if end:
                raise PathError(f"Unexpected end at index {index}, expected {end}", path)
            write_text()
            return output
        value = path[index]
        index += 1
        if value == end:
            write_text()
            group = output
            output, end = stack.pop()
            output.append(("group", group))
            continue
        if value == "\\":
            if index == n:
                raise PathError(f"Unexpected end after \\ at index {index}", path)
            text.append(path[index])
            index += 1
            continue
        if value == ":" or value == "*":
            kind = "param" if value == ":" else "wildcard"
            name = ""
            if index < n and _is_id_start(path[index]):
                start = index
                index += 1
                while index < n and _is_id_continue(path[index]):
                    index += 1
                name = path[start:index]
            elif index < n and path[index] == '"':
                quote_start = index
                chars: list[str] = []
                terminated = False
                while index < n:
                    index += 1
                    if index < n and path[index] == '"':
                        index += 1
                        terminated = True
                        break
                    if index < n and path[index] == "\\":  # the next character is literal
                        index += 1
                    if index < n:
                        chars.append(path[index])
                if not terminated:
                    raise PathError(f"Unterminated quote at index {quote_start}", path)
                name = "".join(chars)
            if not name:
                raise PathError(f"Missing parameter name at index {index}", path)
            write_text()
            output.append((kind, name))
            continue
        if value == "{":
            write_text()
            stack.append((output, end))
            output, end = [], "}"
            continue
        if value in _RESERVED:
            raise PathError(f"Unexpected {value} at index {index - 1}", path)
        text.append(value)


def _flatten(tokens: list[_Token], original: str) -> Iterator[list[_Token]]:
    """Every expansion of the optional groups, in path-to-regexp's order (group kept first).

    Yields one shared list (valid until the next step), like path-to-regexp's ``flatten``; an
    explicit stack of (tokens, index, continuation) replaces its recursion. More than 256
    expansions is an error, raised when the 257th is reached as in path-to-regexp.
    """
    result: list[_Token] = []
    # A continuation (tokens, index, next continuation) says where to resume after a group.
    pending: list[tuple[list[_Token], int, Any, int]] = [(tokens, 0, None, 0)]
    count = 0
    while pending:
        toks, i, cont, keep = pending.pop()
        del result[keep:]
        while True:
            while i < len(toks):
                token = toks[i]
                i += 1
                if token[0] == "group":
                    # Explore "with the group" now; "without it" is resumed later from here.
                    pending.append((toks, i, cont, len(result)))
                    cont = (toks, i, cont)
                    toks, i = token[1], 0
                    continue
                result.append(token)
            if cont is None:
                break
            toks, i, cont = cont
        if count >= 256:
            raise PathError("Too many path combinations", original)
        count += 1
        yield result


# ---------------------------------------------------------------------------------------------
# Regex generation (path-to-regexp's `toRegExpSource` / `negate` / `pathToRegexp`), emitting
# Python syntax for the same JavaScript expression.
# ---------------------------------------------------------------------------------------------


def _u16len(s: str) -> int:
    # path-to-regexp compares JavaScript string lengths, i.e. UTF-16 code units.
    return len(s) + sum(1 for c in s if c > "\uffff")


class _Emitter:
    """Literal/char-class spelling for one compile: plain, or JS-``/i``-folded."""

    __slots__ = ("fold",)

    def __init__(self, fold: bool) -> None:
        self.fold = fold

    def lit(self, s: str) -> str:
        """A Python pattern matching the JavaScript literal ``escape(s)``."""
        if not self.fold or s.isascii():
            return re.escape(s)  # ASCII letters fold via re.IGNORECASE | re.ASCII
        out = []
        for ch in s:
            cls = _js_fold_class(ch) if "\x80" <= ch <= "\uffff" else ch
            out.append(re.escape(ch) if len(cls) == 1 else "[" + re.escape(cls) + "]")
        return "".join(out)

    def not_in(self, chars: str) -> str:
        """JavaScript ``[^chars]``: any character (``[^]``) when ``chars`` is empty."""
        if not chars:
            return "."  # DOTALL is always on
        if self.fold and not chars.isascii():
            chars = "".join(_js_fold_class(c) if "\x80" <= c <= "\uffff" else c for c in chars)
        return "[^" + re.escape(chars) + "]"

    def negate(self, a: str, b: str) -> str:
        """path-to-regexp's ``negate``: one character that does not start ``a`` or ``b``."""
        if _u16len(b) > _u16len(a):
            a, b = b, a  # longest string first
        if a == b:
            b = ""
        if _u16len(b) > 1:
            return f"(?:(?!{self.lit(a)}|{self.lit(b)}).)"
        if _u16len(a) > 1:
            return f"(?:(?!{self.lit(a)}){self.not_in(b)})"
        return self.not_in(a + b)


_DELIMITER = "/"


def _to_source(
    tokens: list[_Token], keys: list[tuple[str, bool]], original: str, em: _Emitter, named: bool = False
) -> str:
    """One alternative of the regex; appends (name, is_wildcard) for each capture to ``keys``.

    A line-by-line port of path-to-regexp 8.4's ``toRegExpSource``: params and wildcards are
    built so they cannot backtrack into the text that follows them within a segment. With
    ``named``, captures are Python named groups (the caller checked the names allow it).
    """
    result: list[str] = []
    backtrack = ""  # text since the last capture
    wildcard_backtrack = ""  # text since the last wildcard
    prev_capture = 0  # 1 = param, 2 = wildcard
    segment_captures = 0  # bit set of capture kinds seen in the current segment
    n = len(tokens)

    def has_in_segment(index: int, kind: str) -> bool:
        while index < n:
            token = tokens[index]
            index += 1
            if token[0] == kind:
                return True
            if token[0] == "text" and _DELIMITER in token[1]:
                break
        return False

    def peek_text(index: int) -> str:
        out = ""
        while index < n:
            token = tokens[index]
            index += 1
            if token[0] != "text":
                break
            out += token[1]
        return out

    index = 0
    while index < n:
        kind, value = tokens[index]
        index += 1
        if kind == "text":
            result.append(em.lit(value))
            backtrack += value
            if prev_capture == 2:
                wildcard_backtrack += value
            if _DELIMITER in value:
                segment_captures = 0
            continue
        # param or wildcard
        if prev_capture and not backtrack:
            raise PathError(f'Missing text before "{value}" {kind}', original)
        open_ = f"(?P<{value}>" if named else "("
        if kind == "param":
            if segment_captures & 2:  # seen a wildcard in this segment
                result.append(f"{open_}{em.negate(_DELIMITER, backtrack)}+)")
            elif has_in_segment(index, "wildcard"):  # a wildcard follows in this segment
                result.append(f"{open_}{em.negate(_DELIMITER, peek_text(index))}+)")
            elif segment_captures & 1:  # seen a param in this segment
                result.append(f"{open_}{em.negate(_DELIMITER, backtrack)}+|{em.lit(backtrack)})")
            else:
                result.append(f"{open_}{em.negate(_DELIMITER, '')}+)")
            prev_capture = 1
            segment_captures |= 1
        else:
            if segment_captures & 2:
                result.append(f"{open_}{em.negate(backtrack, '')}+)")
            elif wildcard_backtrack:  # no capture in segment, but a wildcard earlier in the path
                result.append(f"{open_}{em.negate(wildcard_backtrack, '')}+|{em.negate(_DELIMITER, '')}+)")
            else:
                result.append(f"{open_}.+)")
            wildcard_backtrack = ""
            prev_capture = 2
            segment_captures |= 2
        keys.append((value, kind == "wildcard"))
        backtrack = ""
    return "".join(result)


# ---------------------------------------------------------------------------------------------
# Param decoding (router's decodeParam: decodeURIComponent)
# ---------------------------------------------------------------------------------------------

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decode_run(m: "re.Match[str]") -> str:
    # Strict UTF-8 rejects what decodeURIComponent rejects: bad continuation bytes, truncated
    # sequences, overlong forms, surrogates and code points above U+10FFFF.
    return bytes.fromhex(m.group().replace("%", "")).decode("utf-8")


def decode_param(value: str) -> str:
    """``decodeURIComponent`` (``+`` stays ``+``; ``%2F`` becomes ``/``), else ParamDecodeError."""
    if "%" not in value:
        return value
    if _BAD_PERCENT.search(value):
        raise ParamDecodeError(value)
    try:
        return _PERCENT_RUN.sub(_decode_run, value)
    except UnicodeDecodeError:
        raise ParamDecodeError(value) from None


def _decode_segments(value: str) -> list[str]:
    return [decode_param(s) for s in value.split(_DELIMITER)]


# ---------------------------------------------------------------------------------------------
# JavaScript object key order. `params` is a plain object there, so integer-like keys ("0",
# "1", ...) enumerate first, ascending; Object.keys order is visible as req.params order.
# ---------------------------------------------------------------------------------------------

def _needs_js_order(names: Sequence[str]) -> bool:
    return len(set(names)) > 1 and any(is_array_index(k) for k in names)


# ---------------------------------------------------------------------------------------------
# Matchers
# ---------------------------------------------------------------------------------------------


def _set_info(fn: Matcher, static_path: Optional[str], regexp: Optional["re.Pattern[str]"]) -> Matcher:
    fn.static_path = static_path  # type: ignore[attr-defined]
    fn.regexp = regexp  # type: ignore[attr-defined]
    return fn


def _slash_matcher(path: str) -> Match:
    # router: `use('/')` matches every path without consuming anything (Layer.direct).
    # A fresh params dict each time: callers may merge into it.
    return _new(Match, ("", {}))


_MATCH_FLAGS_SENSITIVE = re.DOTALL
_MATCH_FLAGS_INSENSITIVE = re.DOTALL | re.IGNORECASE | re.ASCII


@lru_cache(maxsize=1024)
def _compile_string(path: str, end: bool, strict: bool, sensitive: bool) -> Matcher:
    """``pathRegexp.match(strict ? path : loosen(path), {end, sensitive, trailing: !strict})``."""
    if not strict and path != "/":
        path = path.rstrip("/")  # router's loosen(): /\/+$/ -> ""
    trailing = not strict
    tokens = _parse(path)

    keys: list[tuple[str, bool]] = []
    em = _Emitter(not sensitive)
    # PERF: with one alternative of plain params with distinct, regex-legal names, captures are
    # Python named groups so the matcher can take params straight from m.groupdict().
    names_in_path = [t[1] for t in tokens if t[0] == "param"]
    named = (
        all(t[0] in ("text", "param") for t in tokens)
        and len(names_in_path) > 1
        and len(set(names_in_path)) == len(names_in_path)
        and all(k.isidentifier() for k in names_in_path)
    )
    alternatives = []
    for seq in _flatten(tokens, path):
        alternatives.append(_to_source(seq, keys, path, em, named))
    source = "^(?:" + "|".join(alternatives) + ")"
    if trailing:
        source += r"(?:/\Z)?"  # JS `$` never matches before a final "\n"; Python's `\Z` is that
    source += r"\Z" if end else r"(?=/|\Z)"
    regexp = re.compile(source, _MATCH_FLAGS_SENSITIVE if sensitive else _MATCH_FLAGS_INSENSITIVE)
    rx_match = regexp.match

    # Pure literal: compare strings instead of running the regex. Case folding is ASCII-only
    # (non-ASCII input can never equal an ASCII literal under JS /i), so skip it otherwise.
    if len(alternatives) == 1 and not keys and (sensitive or path.isascii()):
        literal = tokens[0][1] if tokens else ""
        return _set_info(_literal_matcher(literal, end, trailing, sensitive), literal if sensitive else literal.lower(), regexp)

    if not keys:

        def match_no_params(p: str) -> Optional[Match]:
            m = rx_match(p)
            return None if m is None else _new(Match, (m.group(), {}))

        return _set_info(match_no_params, None, regexp)

    names = tuple(k[0] for k in keys)
    reorder = _needs_js_order(names)

    if len(alternatives) == 1 and not any(k[1] for k in keys) and not reorder:
        # Common case (`/users/:id`): every group takes part in a match, all plain params.
        if len(names) == 1:
            name = names[0]

            def match_one(p: str) -> Optional[Match]:
                m = rx_match(p)
                if m is None:
                    return None
                whole, v = m.group(0, 1)
                if "%" in v:
                    v = decode_param(v)
                return _new(Match, (whole, {name: v}))

            return _set_info(match_one, None, regexp)

        if named:

            def match_named(p: str) -> Optional[Match]:
                m = rx_match(p)
                if m is None:
                    return None
                if "%" in p:
                    return _new(Match, (m.group(), {k: decode_param(v) for k, v in m.groupdict().items()}))
                return _new(Match, (m.group(), m.groupdict()))

            return _set_info(match_named, None, regexp)

        def match_params(p: str) -> Optional[Match]:
            m = rx_match(p)
            if m is None:
                return None
            if "%" in p:
                return _new(Match, (m.group(), {k: decode_param(v) for k, v in zip(names, m.groups())}))
            return _new(Match, (m.group(), dict(zip(names, m.groups()))))

        return _set_info(match_params, None, regexp)

    decoders = tuple((name, _decode_segments if wild else decode_param) for name, wild in keys)

    def match_general(p: str) -> Optional[Match]:
        m = rx_match(p)
        if m is None:
            return None
        params: _Params = {}
        # Groups of the alternatives that did not match are None (JS: undefined) and skipped.
        for (name, decode), v in zip(decoders, m.groups()):
            if v is not None:
                params[name] = decode(v)
        return _new(Match, (m.group(), js_ordered(params) if reorder else params))

    return _set_info(match_general, None, regexp)


def _literal_matcher(literal: str, end: bool, trailing: bool, sensitive: bool) -> Matcher:
    """The regex ``^(?:literal)(?:/$)?`` + (``$`` | ``(?=/|$)``) as string comparisons.

    Only used for ASCII literals when folding: JS ``/i`` never equates a non-ASCII character
    with an ASCII one, so ``isascii()`` + ``lower()`` is exactly its case-insensitive equality.
    """
    n = len(literal)
    folded = literal if sensitive else literal.lower()
    with_slash = folded + "/" if trailing else None

    if end:
        if sensitive:

            def match_exact(p: str) -> Optional[Match]:
                return _new(Match, (p, {})) if p == literal or p == with_slash else None

            return match_exact

        def match_exact_folded(p: str) -> Optional[Match]:
            if p == literal:  # PERF: the usual request spells the route as registered
                return _new(Match, (p, {}))
            if not 0 <= len(p) - n <= 1 or not p.isascii():  # cheap rejects before lower()
                return None
            q = p.lower()
            return _new(Match, (p, {})) if q == folded or q == with_slash else None

        return match_exact_folded

    def match_prefix(p: str) -> Optional[Match]:
        head = p[:n]
        if head != literal and (sensitive or not head.isascii() or head.lower() != folded):
            return None
        if len(p) == n:
            return _new(Match, (p, {}))
        if p[n] != "/":  # must stop on a segment boundary
            return None
        if trailing and len(p) == n + 1:
            return _new(Match, (p, {}))  # the optional trailing slash is part of the match
        return _new(Match, (head, {}))

    return match_prefix


# Router's MATCHING_GROUP_REGEXP, /\((?:\?<(.*?)>)?(?!\?)/g, run over the pattern source to
# name the groups; Python spells named groups (?P<name>...), so that is accepted as well.
_MATCHING_GROUP = re.compile(r"\((?:\?P?<([^\n\r\u2028\u2029]*?)>)?(?!\?)")


def _compile_regexp(pattern: "re.Pattern[str]") -> Matcher:
    """router's regexpMatcher: ``exec`` (a search), groups named "0", "1", ... or by name."""
    if not isinstance(pattern.pattern, str):
        raise TypeError("path regexp must be a str pattern")
    # Like the router, this scans the source text, so an escaped "\(" also takes a number.
    names: list[str] = []
    counter = 0
    for m in _MATCHING_GROUP.finditer(pattern.pattern):
        if m.group(1):
            names.append(m.group(1))
        else:
            names.append(str(counter))
            counter += 1
    search = pattern.search
    groups = pattern.groups
    short = len(names) < groups  # the router would read `.name` of undefined
    reorder = _needs_js_order(names[:groups])
    # `params` is {} there: assigning "__proto__" sets the prototype, not a key, so it is lost.
    skip = "__proto__" in names[:groups]

    def match_regexp(p: str) -> Optional[Match]:
        m = search(p)
        if m is None:
            return None
        params: _Params = {}
        for i, v in enumerate(m.groups()):
            if short and i >= len(names):
                raise TypeError("Cannot read properties of undefined (reading 'name')")
            if v is None:
                continue
            if "%" in v:
                v = decode_param(v)
            name = names[i]
            if skip and name == "__proto__":
                continue
            params[name] = v
        return _new(Match, (m.group(), js_ordered(params) if reorder else params))

    return _set_info(match_regexp, None, pattern)


def _flatten_paths(paths: Sequence[object]) -> list[object]:
    # router: `path.flat(Infinity)`
    out: list[object] = []
    for p in paths:
        if isinstance(p, (list, tuple)):
            out.extend(_flatten_paths(p))
        else:
            out.append(p)
    return out


def _compile_one(path: object, end: bool, strict: bool, sensitive: bool) -> Matcher:
    if isinstance(path, re.Pattern):
        return _compile_regexp(path)
    if isinstance(path, str):
        return _compile_string(path, end, strict, sensitive)
    raise TypeError(f"path must be a string, a compiled regex or a list of them, not {type(path).__name__}")


def compile_matcher(
    path: Union[str, "re.Pattern[str]", list[Union[str, "re.Pattern[str]"]]],
    *,
    end: bool,
    strict: bool = False,
    sensitive: bool = False,
) -> Matcher:
    """A function ``matcher(pathname) -> Match | None`` like router 2.x's ``Layer`` matching.

    Raises :class:`PathError` now for a path path-to-regexp rejects; the matcher raises
    :class:`ParamDecodeError` for a param that is not valid percent-encoding.

    The matcher has two attributes:

    * ``static_path``: for a single string path with no params, wildcards or groups, the
      literal path after loosening, lower-cased unless ``sensitive`` (and then only for ASCII
      paths; else None). Matching is then exactly: fold the input (ASCII-only ``lower()``, and
      non-ASCII input never matches), and with ``end`` compare it to ``static_path`` or, when not
      ``strict``, ``static_path + "/"``; without ``end`` it is a prefix ending at ``/`` or the end.
      None for everything else (regexes, lists, params, and ``use('/')``).
    * ``regexp``: the compiled Python regex (None where not used), for debugging.
    """
    if isinstance(path, (list, tuple)):
        matchers = tuple(_compile_one(p, end, strict, sensitive) for p in _flatten_paths(path))
        if len(matchers) == 1:
            # Not the `slash` shortcut even for ["/"]: the router only takes that for a bare "/".
            return matchers[0]

        def match_any(p: str) -> Optional[Match]:
            for matcher in matchers:
                m = matcher(p)
                if m is not None:
                    return m
            return None

        return _set_info(match_any, None, None)
    if path == "/" and not end:
        return _set_info(_slash_matcher, None, None)
    return _compile_one(path, end, strict, sensitive)
