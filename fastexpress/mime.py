"""Port of the npm ``mime-types`` 3.x package (as used by Express 5).

The JS functions return ``false`` for "unknown"; here that is ``None``.
All tables live in :mod:`fastexpress._mimedata`, generated from the real
package by ``tools/gen_mimedata.js`` so extension conflicts are resolved
exactly as mime-types' mime-score logic does (``js`` -> ``text/javascript``).
"""

from __future__ import annotations

import re

from fastexpress._mimedata import CHARSETS, EXTENSIONS, TYPES

__all__ = ["lookup", "charset", "content_type", "extension", "extname", "JS_WHITESPACE"]

# ECMAScript's \s (WhiteSpace + LineTerminator). Python's \s differs (it adds
# \x1c-\x1f and \x85 and lacks \ufeff), so the JS regexes are ported with this
# explicit class to keep behaviour identical on odd input.
JS_WHITESPACE = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# mime-types EXTRACT_TYPE_REGEXP = /^\s*([^;\s]*)(?:;|\s|$)/. The trailing
# group can never fail (the greedy class stops exactly at ';', space or end),
# so a plain .match() with the first two parts is equivalent.
_EXTRACT_TYPE = re.compile(r"[%s]*([^;%s]*)" % (JS_WHITESPACE, JS_WHITESPACE))


def extname(path: str) -> str:
    """Node's ``path.posix.extname`` (from the last '.' of the last segment).

    Trailing slashes are ignored, a segment whose only dot is its first char
    (``.bashrc``) has no extension, and the segment ``..`` has none either.
    """
    end = len(path)
    while end > 0 and path[end - 1] == "/":
        end -= 1
    if end == 0:
        return ""
    start = path.rfind("/", 0, end) + 1
    dot = path.rfind(".", start, end)
    if dot <= start:
        return ""
    if dot == start + 1 and end == dot + 1 and path[start] == ".":
        return ""  # the segment is exactly ".."
    return path[dot:end]


_extname = extname


def lookup(path_or_ext: str) -> str | None:
    """mime-types ``lookup``: ``html``, ``.html``, ``file.tar.gz``, ``HTML``."""
    if not path_or_ext or not isinstance(path_or_ext, str):
        return None
    # JS does extname('x.' + path) so a bare "html" counts as an extension.
    ext = _extname("x." + path_or_ext).lower()[1:]
    if not ext:
        return None
    return TYPES.get(ext)


def charset(type: str) -> str | None:
    """mime-types ``charset``: the db's default charset, ``UTF-8`` for text/*.

    The db spelling is returned unchanged (upper case, e.g. ``UTF-8``).
    """
    if not type or not isinstance(type, str):
        return None
    mime = _EXTRACT_TYPE.match(type).group(1)  # type: ignore[union-attr]
    found = CHARSETS.get(mime.lower())
    if found:
        return found
    # /^text\//i on the extracted type (before lowercasing, hence the slice).
    if mime[:5].lower() == "text/":
        return "UTF-8"
    return None


def content_type(s: str) -> str | None:
    """mime-types ``contentType``: a full header value from an ext or a type.

    Types are passed through untouched (no validation, casing preserved);
    ``; charset=<lowercased>`` is appended when a default is known and the
    string does not already contain the substring ``charset`` -- a
    case-sensitive test, so ``Charset=x`` gets a second charset, as in JS.
    """
    if not s or not isinstance(s, str):
        return None
    mime = lookup(s) if "/" not in s else s
    if not mime:
        return None
    if "charset" not in mime:
        cs = charset(mime)
        if cs:
            mime += "; charset=" + cs.lower()
    return mime


def extension(type: str) -> str | None:
    """mime-types ``extension``: the first extension registered for a type."""
    if not type or not isinstance(type, str):
        return None
    mime = _EXTRACT_TYPE.match(type).group(1)  # type: ignore[union-attr]
    return EXTENSIONS.get(mime.lower())
