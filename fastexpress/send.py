"""Files: a port of pillarjs/send 1.2.1 as Express 5.3.0 uses it, plus ``res.sendFile`` and
``res.download`` (express/lib/response.js).

:class:`SendStream` is send's ``SendStream`` with its events turned into a result: ``pipe(res)``
decides everything synchronously (decode, traversal, dotfiles, index, extensions, open, headers,
conditionals, ranges) and returns what happened -- an error to hand on, a directory, a response
already ended (304, HEAD, a small file), or a coroutine that streams the body. Bodies go out by
the connection's ``write_file`` (the kernel's sendfile on plain TCP, bounded chunks otherwise),
never read whole into memory except for files of at most ``SMALL_FILE`` bytes, which are sent
with their head in one write.

Beyond send: with a ``root``, a path whose real location (symlinks resolved) is outside the root
is refused with 403 unless ``follow_symlinks=True``; ``precompressed`` serves a ``.br``/``.gz``
sibling (see :func:`fastexpress.middleware.static.static`); only regular files and directories are served
(anything else is 404).
"""
from __future__ import annotations

import asyncio
import errno as _errno
import inspect
import math
import os
import re
import stat as _stat
from datetime import timedelta
from email.utils import formatdate
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Sequence

from .errors import HTTPError
from .fresh import fresh as _fresh
from .fresh import parse_http_date
from .httputil import content_disposition
from .mime import content_type as _mime_content_type
from .mime import extname
from .pathre import ParamDecodeError, decode_param
from .rangeparser import parse_range

if TYPE_CHECKING:
    from .request import Request
    from .response import Response

# A hook run with (res, path, stat) before send writes the headers.
HeadersHook = Callable[["Response", str, os.stat_result], Any]

__all__ = [
    "SendError", "SendOptions", "SendStream", "download", "ms", "send_file",
    "node_normalize", "node_join", "node_resolve", "node_basename", "missing_file",
]

SMALL_FILE = 64 * 1024  # at most this many bytes: read and written with the head in one go
STREAM_CHUNK = 128 * 1024  # chunk size when a middleware has wrapped res.write/res.end
MAX_MAXAGE = 60 * 60 * 24 * 365 * 1000  # 1 year, in ms

_BYTES_RANGE = re.compile(r" *bytes=")
_UP_PATH = re.compile(r"(?:^|[\\/])\.\.(?:[\\/]|\Z)")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOT_FOUND_ERRNOS = frozenset({_errno.ENOENT, _errno.ENOTDIR, _errno.ENAMETOOLONG})
_PROC_FD = "/proc/self/fd/" if os.path.isdir("/proc/self/fd") else None

# libuv's messages, so an fs error reads as Node's: "ENOENT: no such file or directory, stat '/x'".
_UV_MESSAGES = {
    "ENOENT": "no such file or directory", "ENOTDIR": "not a directory", "ENAMETOOLONG": "name too long",
    "EACCES": "permission denied", "EPERM": "operation not permitted", "ELOOP": "too many symbolic links encountered",
    "EISDIR": "illegal operation on a directory", "EMFILE": "too many open files", "EIO": "i/o error",
}


# ---------------------------------------------------------------------------------------------
# ms 2.1.3 (durations like "1d", "2h", "1.5 hours")
# ---------------------------------------------------------------------------------------------

_MS_RE = re.compile(
    r"(-?(?:[0-9]+)?\.?[0-9]+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h"
    r"|days?|d|weeks?|w|years?|yrs?|y)?",
    re.IGNORECASE,
)
_S, _M, _H, _D = 1000, 60_000, 3_600_000, 86_400_000
_MS_UNITS = {
    "years": _D * 365.25, "year": _D * 365.25, "yrs": _D * 365.25, "yr": _D * 365.25, "y": _D * 365.25,
    "weeks": _D * 7, "week": _D * 7, "w": _D * 7,
    "days": _D, "day": _D, "d": _D,
    "hours": _H, "hour": _H, "hrs": _H, "hr": _H, "h": _H,
    "minutes": _M, "minute": _M, "mins": _M, "min": _M, "m": _M,
    "seconds": _S, "second": _S, "secs": _S, "sec": _S, "s": _S,
    "milliseconds": 1, "millisecond": 1, "msecs": 1, "msec": 1, "ms": 1,
}


def ms(value: str) -> float | None:
    """The ``ms`` package's parse: milliseconds for ``"1d"``, ``"2 hours"``, ``"100"``...; None
    where ms returns undefined (no match, or a string over 100 characters)."""
    if len(value) > 100:
        return None
    m = _MS_RE.fullmatch(value)
    if m is None:
        return None
    n = float(m.group(1))
    return n * _MS_UNITS[(m.group(2) or "ms").lower()]


def _js_number(value: Any) -> float:
    """``Number(value)`` for the values an option can hold (NaN for anything else)."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds() * 1000
    return math.nan


def max_age_ms(value: Any) -> float:
    """send's ``maxAge``: ms (number) or an ``ms`` string, NaN -> 0, clamped to 0..1 year."""
    n = (ms(value) if value else None) if isinstance(value, str) else _js_number(value)
    if n is None or n != n:
        return 0
    return min(max(0.0, n), MAX_MAXAGE)


# ---------------------------------------------------------------------------------------------
# Node's path.posix
# ---------------------------------------------------------------------------------------------

def _normalize_string(path: str, allow_above_root: bool) -> str:
    res = ""
    last_segment_length = 0
    last_slash = -1
    dots = 0
    code = ""
    n = len(path)
    i = 0
    while i <= n:
        if i < n:
            code = path[i]
        elif code == "/":
            break
        else:
            code = "/"
        if code == "/":
            if last_slash == i - 1 or dots == 1:
                pass
            elif dots == 2:
                if len(res) < 2 or last_segment_length != 2 or res[-1] != "." or res[-2] != ".":
                    if len(res) > 2:
                        last_slash_index = res.rfind("/")
                        if last_slash_index == -1:
                            res = ""
                            last_segment_length = 0
                        else:
                            res = res[:last_slash_index]
                            last_segment_length = len(res) - 1 - res.rfind("/")
                        last_slash = i
                        dots = 0
                        i += 1
                        continue
                    elif len(res) != 0:
                        res = ""
                        last_segment_length = 0
                        last_slash = i
                        dots = 0
                        i += 1
                        continue
                if allow_above_root:
                    res += "/.." if len(res) > 0 else ".."
                    last_segment_length = 2
            else:
                if len(res) > 0:
                    res += "/" + path[last_slash + 1:i]
                else:
                    res = path[last_slash + 1:i]
                last_segment_length = i - last_slash - 1
            last_slash = i
            dots = 0
        elif code == "." and dots != -1:
            dots += 1
        else:
            dots = -1
        i += 1
    return res


# A path without empty, "." or ".." segments is its own normal form.
_NEEDS_NORMALIZING = re.compile(r"//|(?:^|/)\.\.?(?:/|\Z)")


def node_normalize(path: str) -> str:
    """``path.posix.normalize``."""
    if not path:
        return "."
    if not _NEEDS_NORMALIZING.search(path):
        return path  # PERF: the usual case
    is_absolute = path[0] == "/"
    trailing = path[-1] == "/"
    path = _normalize_string(path, not is_absolute)
    if not path:
        if is_absolute:
            return "/"
        return "./" if trailing else "."
    if trailing:
        path += "/"
    return "/" + path if is_absolute else path


def node_join(*parts: str) -> str:
    """``path.posix.join``."""
    if len(parts) == 2 and parts[0] and parts[1]:
        return node_normalize(parts[0] + "/" + parts[1])
    joined = "/".join(p for p in parts if p)
    return node_normalize(joined) if joined else "."


def node_resolve(*parts: str) -> str:
    """``path.posix.resolve`` (the working directory for a relative result)."""
    resolved = ""
    absolute = False
    for path in reversed((os.getcwd(),) + parts):
        if not path:
            continue
        resolved = path + "/" + resolved
        absolute = path[0] == "/"
        if absolute:
            break
    resolved = _normalize_string(resolved, not absolute)
    if absolute:
        return "/" + resolved
    return resolved or "."


def node_basename(path: str) -> str:
    """``path.posix.basename`` (trailing slashes ignored; ``''`` for ``'/'``)."""
    end = len(path)
    while end > 0 and path[end - 1] == "/":
        end -= 1
    return path[path.rfind("/", 0, end) + 1:end]


def _contains_dotfile(parts: list[str]) -> bool:
    for part in parts:
        if len(part) > 1 and part[0] == ".":
            return True
    return False


def _parse_token_list(value: str) -> list[str]:
    """send's ``parseTokenList`` (comma separated, spaces around tokens dropped)."""
    return [t for t in (part.strip(" ") for part in value.split(",")) if t]


def _http_date(value: Any) -> int | None:
    """send's ``parseHttpDate``: ``Date.parse`` or None for NaN."""
    if not value or not isinstance(value, str):
        return None
    return parse_http_date(value)


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------

class SendError(HTTPError):
    """An error of a file transfer: ``status`` (404 for a missing file) and, for a filesystem
    error, ``code`` (``"ENOENT"``), ``errno``, ``syscall`` and ``path``, as Node's."""


def _fs_status(err: OSError) -> int:
    """send's status for a filesystem error: 404 for a path that is not there, else 500."""
    return 404 if err.errno in _NOT_FOUND_ERRNOS else 500


def _fs_error(status: int, err: OSError, syscall: str = "stat") -> SendError:
    code = _errno.errorcode.get(err.errno or 0, "EUNKNOWN")
    text = _UV_MESSAGES.get(code) or (err.strerror or "unknown error").lower()
    path = err.filename if isinstance(err.filename, str) else ""
    error = SendError(status, f"{code}: {text}, {syscall} '{path}'", expose=False, code=code,
                      errno=err.errno, syscall=syscall, path=path)
    # The cause without its traceback: where os.open() failed says nothing the message does
    # not, and its frames would reach back to the middleware holding this error, making the
    # request cyclic garbage (PERF: every static miss would then wait for the collector).
    error.__cause__ = err.with_traceback(None)
    return error


def missing_file(path: str) -> bool:
    """Whether opening ``path`` fails as send's 404 for a missing file does."""
    try:
        os.close(os.open(path, _OPEN_FLAGS))
    except OSError as err:
        return _fs_status(err) == 404
    return False


def _status_error(status: int, headers: dict[str, str] | None = None, message: str | None = None) -> SendError:
    return SendError(status, message, headers=headers)


def _aborted() -> ConnectionAbortedError:
    err = ConnectionAbortedError("Request aborted")
    err.code = "ECONNABORTED"  # type: ignore[attr-defined]
    return err


def _is_directory_error() -> IsADirectoryError:
    err = IsADirectoryError("EISDIR, read")
    err.code = "EISDIR"  # type: ignore[attr-defined]
    return err


# ---------------------------------------------------------------------------------------------
# options
# ---------------------------------------------------------------------------------------------

_ALIASES = {
    "maxAge": "max_age", "cacheControl": "cache_control", "lastModified": "last_modified",
    "acceptRanges": "accept_ranges", "setHeaders": "set_headers", "followSymlinks": "follow_symlinks",
    "allow_symlinks": "follow_symlinks", "allowSymlinks": "follow_symlinks",
}
_PRECOMPRESSED = {"br": ".br", "gzip": ".gz", "zstd": ".zst", "deflate": ".zz"}


def normalize_options(*sources: dict[str, Any] | None) -> dict[str, Any]:
    """Merge option dicts (later wins), Express's camelCase names mapped to snake_case. ``maxAge``
    and ``maxage`` both land in ``max_age`` / ``maxage`` as send reads ``maxAge || maxage``."""
    out: dict[str, Any] = {}
    for source in sources:
        if not source:
            continue
        for key, value in source.items():
            out[_ALIASES.get(key, key)] = value
    return out


def _normalize_list(value: Any, name: str) -> list[str]:
    """send's ``normalizeList``: ``[].concat(val || [])``, strings only."""
    if not value:
        return []
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must be array of strings or false")
    return items


def _truthy(value: Any) -> bool:
    return bool(value)


class SendOptions:
    """send's options, validated and normalised once (a ``static`` middleware builds one)."""

    __slots__ = ("accept_ranges", "cache_control", "etag", "dotfiles", "extensions", "immutable", "index",
                 "last_modified", "max_age", "root", "root_real", "start", "end", "headers",
                 "follow_symlinks", "precompressed", "cache_control_value")

    def __init__(self, options: dict[str, Any]) -> None:
        opts = options
        self.accept_ranges = _truthy(opts["accept_ranges"]) if opts.get("accept_ranges") is not None else True
        self.cache_control = _truthy(opts["cache_control"]) if opts.get("cache_control") is not None else True
        self.etag = _truthy(opts["etag"]) if opts.get("etag") is not None else True
        dotfiles = opts.get("dotfiles")
        self.dotfiles = "ignore" if dotfiles is None else dotfiles
        if self.dotfiles not in ("ignore", "allow", "deny"):
            raise TypeError('dotfiles option must be "allow", "deny", or "ignore"')
        self.extensions = _normalize_list(opts.get("extensions"), "extensions option")
        self.immutable = _truthy(opts["immutable"]) if opts.get("immutable") is not None else False
        self.index = (_normalize_list(opts["index"], "index option") if "index" in opts and opts["index"] is not None
                      else ["index.html"])
        self.last_modified = _truthy(opts["last_modified"]) if opts.get("last_modified") is not None else True
        self.max_age = max_age_ms(opts.get("max_age") or opts.get("maxage"))
        root = opts.get("root")
        if root is not None and not isinstance(root, str):
            root = os.fspath(root)
        self.root = node_resolve(root) if root else None
        self.root_real = os.path.realpath(self.root) if self.root is not None else None
        self.start = opts.get("start")
        self.end = opts.get("end")
        self.headers = opts.get("headers")
        self.follow_symlinks = bool(opts.get("follow_symlinks", False))
        self.precompressed = _precompressed_list(opts.get("precompressed"))
        value = "public, max-age=%d" % math.floor(self.max_age / 1000)
        self.cache_control_value = value + ", immutable" if self.immutable else value


def _precompressed_list(value: Any) -> list[tuple[str, str]]:
    if not value:
        return []
    if value is True:
        return [("br", ".br"), ("gzip", ".gz")]
    items = [value] if isinstance(value, str) else list(value)
    out = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            out.append((str(item[0]).lower(), str(item[1])))
        elif isinstance(item, str) and item.lower() in _PRECOMPRESSED:
            out.append((item.lower(), _PRECOMPRESSED[item.lower()]))
        else:
            raise TypeError(f"precompressed: unknown encoding {item!r} (use br, gzip, zstd, deflate "
                            "or (encoding, suffix) pairs)")
    return out


def _accepted_encodings(header: str | None, offers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The offers the client accepts (q > 0), best q first, ties in the server's order."""
    if not header:
        return []
    qualities: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        if name == "x-gzip":
            name = "gzip"
        q = 1.0
        for param in params.split(";"):
            key, _, val = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(val.strip())
                except ValueError:
                    q = 0.0
                if q != q:
                    q = 0.0
        qualities.setdefault(name, q)
    star = qualities.get("*", 0.0)
    ranked = [(qualities.get(enc, star), i, (enc, suffix)) for i, (enc, suffix) in enumerate(offers)]
    return [offer for q, i, offer in sorted(ranked, key=lambda r: (-r[0], r[1])) if q > 0]


# ---------------------------------------------------------------------------------------------
# SendStream
# ---------------------------------------------------------------------------------------------

_ct_cache: dict[str, str] = {}
_date_cache: dict[int, str] = {}


def _http_date_string(seconds: int) -> str:
    """``Date.prototype.toUTCString`` of a file's mtime (PERF: the few mtimes a site has)."""
    found = _date_cache.get(seconds)
    if found is None:
        found = formatdate(seconds, usegmt=True)
        if len(_date_cache) >= 4096:
            _date_cache.clear()
        _date_cache[seconds] = found
    return found


def _type_for(path: str) -> str:
    ext = extname(path)
    found = _ct_cache.get(ext)
    if found is None:
        found = _mime_content_type(ext) or "application/octet-stream"
        if len(_ct_cache) < 512:
            _ct_cache[ext] = found
    return found


class _Outside(Exception):
    """The real location of a path is outside the root."""


class _File:
    __slots__ = ("fd", "stat", "error")

    def __init__(self, fd: int | None, st: os.stat_result, error: OSError | None = None) -> None:
        self.fd = fd
        self.stat = st
        self.error = error  # open() failed though stat() worked (EACCES): raised at stream time

    @property
    def is_dir(self) -> bool:
        return _stat.S_ISDIR(self.stat.st_mode)

    def close(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)


# What pipe() returns: (kind, value)
#   ("error", err)          send would emit 'error' with err (nothing was written)
#   ("next", None)          a client error before the file was found, with fall_through set:
#                           serve-static would only pass the request on, so it is not built
#   ("directory", path)     send would emit 'directory'
#   ("done", None)          the response is ended (304, HEAD, small file, empty body)
#   ("stream", coroutine)   await it to send the body; it raises ConnectionAbortedError when
#                           the client goes away and OSError when the file cannot be read
Outcome = tuple[str, Any]
_NEXT: Outcome = ("next", None)


class SendStream:
    """One file transfer (send's ``SendStream``)."""

    __slots__ = ("req", "path", "options", "res", "decode", "file_found", "headers_hooks", "fall_through")

    def __init__(self, req: Request, path: str, options: SendOptions, *, decode: bool = True,
                 fall_through: bool = False, headers_hooks: Sequence[HeadersHook] = ()) -> None:
        self.req = req
        self.path = path
        self.options = options
        self.res: Response | None = None
        # send decodeURIComponent()s its path; res.sendFile encodeURI()s first, so for it the
        # round trip is the identity and is skipped.
        self.decode = decode
        self.file_found = False  # send's 'file' event has fired
        self.headers_hooks = headers_hooks  # serve-static's setHeaders, res.sendFile's `headers`
        # serve-static's fallthrough: a 4xx before the file is found becomes ("next", None).
        self.fall_through = fall_through

    def has_trailing_slash(self) -> bool:
        return self.path[-1:] == "/"

    # -- the decision ----------------------------------------------------------------------

    def pipe(self, res: Response) -> Outcome:
        self.res = res
        opts = self.options
        root = opts.root
        path = self.path
        if self.decode and "%" in path:
            try:
                path = decode_param(path)
            except ParamDecodeError:
                return self.error(400)
        if "\0" in path:
            return self.error(400)
        if root is not None:
            if path:
                # normalize('./' + path), without the "./" that would defeat the fast path
                rel = path.lstrip("/")
                path = node_normalize(rel) if rel else "./"
            if _UP_PATH.search(path):
                return self.error(403)
            parts = path.split("/")
            path = node_join(root, path)
        else:
            if _UP_PATH.search(path):
                return self.error(403)
            parts = node_normalize(path).split("/")
            path = node_resolve(path)
        if _contains_dotfile(parts):
            if opts.dotfiles == "deny":
                return self.error(403)
            if opts.dotfiles != "allow":
                return self.error(404)
        if opts.index and self.has_trailing_slash():
            return self._send_index(path)
        return self._send_path(path)

    def error(self, status: int, err: OSError | None = None, headers: dict[str, str] | None = None,
              message: str | None = None) -> Outcome:
        if self.fall_through and status < 500 and not self.file_found:
            # PERF: the error would be thrown away: building it (and its message) cost ~0.8 us
            # of every request that passes a static() directory on to the routes behind it.
            return _NEXT
        if err is not None:
            return ("error", _fs_error(status, err))
        return ("error", _status_error(status, headers, message))

    def _stat_error(self, err: OSError) -> Outcome:
        return self.error(_fs_status(err), err)

    def _open(self, path: str) -> _File:
        """stat() as send does, by opening (O_NONBLOCK: a FIFO cannot block us) and fstat()."""
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError as err:
            if err.errno not in (_errno.EACCES, _errno.EPERM):
                raise
            # Unreadable but stat-able: Node's stat succeeds and the read fails later.
            st = os.stat(path)
            self._check_inside(path, None)
            return _File(None, st, err)
        try:
            st = os.fstat(fd)
            self._check_inside(path, fd)
        except BaseException:
            os.close(fd)
            raise
        return _File(fd, st)

    def _check_inside(self, path: str, fd: int | None) -> None:
        opts = self.options
        real_root = opts.root_real
        if real_root is None or opts.follow_symlinks:
            return
        real = None
        if fd is not None and _PROC_FD is not None:
            try:
                real = os.readlink(_PROC_FD + str(fd))
            except OSError:
                real = None
        if real is None:
            real = os.path.realpath(path)
        if real == real_root or real.startswith(real_root if real_root.endswith("/") else real_root + "/"):
            return
        raise _Outside(path)

    def _send_path(self, path: str) -> Outcome:
        """send's ``sendFile``: stat, then extensions, directory or the file."""
        try:
            f = self._open(path)
        except _Outside:
            return self.error(403)
        except OSError as err:
            if err.errno == _errno.ENOENT and self.options.extensions and not extname(path) and path[-1:] != "/":
                return self._try_extensions(path, err)
            return self._stat_error(err)
        if f.is_dir:
            f.close()
            return ("directory", path)
        if path[-1:] == "/":
            f.close()
            return self.error(404)
        return self._found(path, f)

    def _try_extensions(self, path: str, err: OSError | None) -> Outcome:
        return self._first_file([path + "." + ext for ext in self.options.extensions], err)

    def _send_index(self, path: str) -> Outcome:
        return self._first_file([node_join(path, name) for name in self.options.index], None)

    def _first_file(self, candidates: list[str], err: OSError | None) -> Outcome:
        """Send the first candidate that is a file (directories are skipped, as send does)."""
        for candidate in candidates:
            try:
                f = self._open(candidate)
            except _Outside:
                return self.error(403)
            except OSError as exc:
                err = exc
                continue
            if f.is_dir:
                f.close()
                err = None
                continue
            return self._found(candidate, f)
        return self._stat_error(err) if err is not None else self.error(404)

    def _found(self, path: str, f: _File) -> Outcome:
        if not _stat.S_ISREG(f.stat.st_mode):
            # A FIFO, socket or device: not a file to serve (Node would try to stream it).
            f.close()
            return self.error(404, FileNotFoundError(_errno.ENOENT, "not a regular file", path))
        self.file_found = True
        try:
            return self._send(path, f)
        except BaseException:
            f.close()
            raise

    # -- the response ----------------------------------------------------------------------

    def _send(self, path: str, f: _File) -> Outcome:
        """send's ``send(path, stat)``."""
        res = self.res
        assert res is not None
        req = self.req
        opts = self.options
        if res.headers_sent:
            f.close()
            return self.error(500, message="Can't set headers after they are sent.")
        encoding = None
        if opts.precompressed:
            f, encoding = self._precompressed(path, f)
        st = f.stat
        self._set_headers(path, st)
        if not res.get("Content-Type"):
            res._headers["content-type"] = ("Content-Type", _type_for(path))
        if opts.precompressed:
            if encoding is not None:
                res.set_header("Content-Encoding", encoding)
            res.vary("Accept-Encoding")
        headers = req.headers
        # conditional GET support
        if (headers.get("if-match") or headers.get("if-unmodified-since") or headers.get("if-none-match")
                or headers.get("if-modified-since")):
            if self._precondition_failure():
                f.close()
                return self.error(412)
            status = res.status_code
            if (200 <= status < 300 or status == 304) and self._is_fresh():
                f.close()
                for name in ("content-encoding", "content-language", "content-length", "content-range",
                             "content-type"):
                    res._headers.pop(name, None)
                res.status_code = 304
                res.end()
                return ("done", None)
        length = st.st_size
        offset = opts.start or 0
        length = max(0, length - offset)
        if opts.end is not None:
            limit = opts.end - offset + 1
            if length > limit:
                length = max(0, limit)
        ranges_header = headers.get("range")
        if opts.accept_ranges and ranges_header and _BYTES_RANGE.match(ranges_header):
            ranges = parse_range(length, ranges_header, combine=True)
            if not self._is_range_fresh():
                ranges = -2
            if ranges == -1:
                f.close()
                content_range = "bytes */%d" % length
                res.set_header("Content-Range", content_range)
                return self.error(416, headers={"Content-Range": content_range})
            if ranges != -2 and len(ranges) == 1:  # type: ignore[arg-type]
                first = ranges[0]  # type: ignore[index]
                res.status_code = 206
                res.set_header("Content-Range", "bytes %d-%d/%d" % (first.start, first.end, length))
                offset += first.start
                length = first.end - first.start + 1
        res._headers["content-length"] = ("Content-Length", str(length))
        if req.method == "HEAD":
            f.close()
            res.end()
            return ("done", None)
        if f.error is not None:  # could stat but not open: the read stream's error
            err = f.error
            return ("error", _fs_error(_fs_status(err), err, "open"))
        fd = f.fd
        assert fd is not None
        f.fd = None  # from here on the transfer owns it
        return self._body(res, fd, offset, length)

    def _body(self, res: Response, fd: int, offset: int, length: int) -> Outcome:
        conn = res._conn
        patched = bool(res.__dict__) and ("write" in res.__dict__ or "end" in res.__dict__)
        if length <= SMALL_FILE:
            try:
                data = os.pread(fd, length, offset) if length else b""
            except OSError as err:
                return ("error", _fs_error(500, err, "read"))
            finally:
                os.close(fd)
            if len(data) != length:
                return ("error", _fs_error(500, OSError(_errno.EIO, "file changed while being sent"), "read"))
            res.end(data)
            return ("done", None)
        write_file = None if patched else getattr(conn, "write_file", None)
        if write_file is not None:
            return ("stream", write_file(res, fd, offset, length))
        return ("stream", _stream_by_writes(res, fd, offset, length))

    def _precompressed(self, path: str, f: _File) -> tuple[_File, str | None]:
        """A compressed sibling the client accepts, in its place (nginx's gzip_static)."""
        for encoding, suffix in _accepted_encodings(self.req.headers.get("accept-encoding"),
                                                    self.options.precompressed):
            try:
                alt = self._open(path + suffix)
            except (OSError, _Outside):
                continue
            if not _stat.S_ISREG(alt.stat.st_mode) or alt.error is not None:
                alt.close()
                continue
            f.close()
            return alt, encoding
        return f, None

    def _set_headers(self, path: str, st: os.stat_result) -> None:
        """send's ``setHeader``: the 'headers' listeners, then the fields not already set."""
        res = self.res
        assert res is not None
        for hook in self.headers_hooks:
            hook(res, path, st)
        opts = self.options
        headers = res._headers
        if opts.accept_ranges and not res.get("Accept-Ranges"):
            headers["accept-ranges"] = ("Accept-Ranges", "bytes")
        if opts.cache_control and not res.get("Cache-Control"):
            headers["cache-control"] = ("Cache-Control", opts.cache_control_value)
        mtime_ms = (st.st_mtime_ns + 500_000) // 1_000_000
        if opts.last_modified and not res.get("Last-Modified"):
            headers["last-modified"] = ("Last-Modified", _http_date_string(mtime_ms // 1000))
        if opts.etag and not res.get("ETag"):
            headers["etag"] = ("ETag", 'W/"%x-%x"' % (st.st_size, mtime_ms))

    def _precondition_failure(self) -> bool:
        res = self.res
        assert res is not None
        headers = self.req.headers
        match = headers.get("if-match")
        if match:
            etag = res.get("ETag")
            if not etag:
                return True
            if match == "*":
                return False
            for token in _parse_token_list(match):
                if token == etag or token == "W/" + etag or "W/" + token == etag:
                    return False
            return True
        unmodified_since = _http_date(headers.get("if-unmodified-since"))
        if unmodified_since is not None:
            last_modified = _http_date(res.get("Last-Modified"))
            return last_modified is None or last_modified > unmodified_since
        return False

    def _is_fresh(self) -> bool:
        res = self.res
        assert res is not None
        headers = self.req.headers
        etag = res.get("ETag")
        last_modified = res.get("Last-Modified")
        return _fresh(headers.get("if-none-match"), headers.get("if-modified-since"), headers.get("cache-control"),
                      etag if isinstance(etag, str) else None,
                      last_modified if isinstance(last_modified, str) else None)

    def _is_range_fresh(self) -> bool:
        res = self.res
        assert res is not None
        if_range = self.req.headers.get("if-range")
        if not if_range:
            return True
        if '"' in if_range:
            etag = res.get("ETag")
            return bool(etag) and isinstance(etag, str) and etag in if_range
        last_modified = _http_date(res.get("Last-Modified"))
        since = _http_date(if_range)
        return last_modified is not None and since is not None and last_modified <= since


async def _stream_by_writes(res: Response, fd: int, offset: int, length: int) -> None:
    """The body through ``res.write`` (a middleware wraps it, or the connection has no
    ``write_file``): bounded chunks, waiting on ``res.drain()``."""
    conn = res._conn
    try:
        while length > 0:
            if getattr(conn, "closed", False):
                raise ConnectionAbortedError("Request aborted")
            data = os.pread(fd, min(length, STREAM_CHUNK), offset)
            if not data:
                raise OSError(_errno.EIO, "file ended before the length announced in the head")
            offset += len(data)
            length -= len(data)
            if not res.write(data):
                await res.drain()
        if getattr(conn, "closed", False):
            raise ConnectionAbortedError("Request aborted")
        res.end()
    except OSError as exc:
        if not isinstance(exc, ConnectionAbortedError) and res.headers_sent:
            abort = getattr(conn, "abort", None)
            if abort is not None:
                abort()
        raise
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# res.sendFile / res.download
# ---------------------------------------------------------------------------------------------

_tasks: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run ``coro`` as a task held until it ends (the loop keeps only weak references)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.get_event_loop()
    task = loop.create_task(coro)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


async def _maybe_await(value: Any) -> None:
    if value is not None and inspect.isawaitable(value):
        await value


async def _call_callback(done: Callable[..., Any], err: BaseException | None, next: Callable[..., Any]) -> None:
    from .router import arity

    try:
        result = done() if arity(done) == 0 else done(err)
        await _maybe_await(result)
    except Exception as exc:  # the callback failed: the app's error handlers, as a handler's would
        await _maybe_await(next(exc))


async def transfer(res: Response, stream: SendStream) -> tuple[str, BaseException | None]:
    """Run a transfer to its end: ("end" | "error" | "directory" | "aborted", error or None)."""
    conn = res._conn
    if getattr(conn, "closed", False):
        return ("aborted", _aborted())
    try:
        kind, value = stream.pipe(res)
    except Exception as exc:  # a 'headers' hook or an invalid header value
        return ("error", exc)
    if kind == "stream":
        try:
            await value
        except ConnectionAbortedError:
            return ("aborted", _aborted())
        except OSError as exc:
            return ("error", _fs_error(500, exc, "read"))
        return ("end", None)
    if kind == "done":
        return ("end", None)
    if kind == "directory":
        return ("directory", _is_directory_error())
    return ("error", value)


async def _send_file_task(res: Response, stream: SendStream, done: Callable[..., Any] | None,
                          next: Callable[..., Any]) -> None:
    kind, err = await transfer(res, stream)
    if done is not None:
        await _call_callback(done, err, next)
        return
    if kind == "directory":
        await _maybe_await(next())
    elif kind == "error" and err is not None and getattr(err, "syscall", None) != "write":
        await _maybe_await(next(err))


def _split_send_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """``sendFile(path, [options], [callback])`` plus keyword options."""
    if len(args) > 2:
        raise TypeError("res.send_file() takes a path, an options dict and a callback")
    options = args[0] if args else None
    done = args[1] if len(args) > 1 else None
    if callable(options):
        done, options = options, None
    if options is not None and not isinstance(options, dict):
        raise TypeError("res.send_file() options must be a dict")
    kw = dict(kwargs)
    if "callback" in kw:
        done = kw.pop("callback")
    return normalize_options(options, kw), done


def _check_path(path: Any, fn: str) -> str:
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not path:
        raise TypeError(f"path argument is required to res.{fn}")
    if not isinstance(path, str):
        raise TypeError(f"path must be a string to res.{fn}")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # encodeURI throws on a lone surrogate
        raise ValueError("URI malformed") from None
    return path


def send_file(res: Response, path: Any, *args: Any, **options: Any) -> asyncio.Task[Any]:
    """Express's ``res.sendFile(path, [options], [callback])``; returns the running transfer.

    The callback receives the error or None; without one, errors go to ``req.next(err)``
    (a directory to ``next()``) and an aborted transfer is dropped silently."""
    path = _check_path(path, "sendFile")
    opts, done = _split_send_args(args, options)
    if done is not None and not callable(done):
        raise TypeError("callback must be a function")
    if not opts.get("root") and not path.startswith("/"):
        raise TypeError("path must be absolute or specify root to res.sendFile")
    return _start(res, path, opts, done)


def _start(res: Response, path: str, opts: dict[str, Any], done: Callable[..., Any] | None) -> asyncio.Task[Any]:
    req = res.req
    next = req.next  # (a property: read once)
    if next is None:
        next = _no_next
    app = res.app
    opts["etag"] = app.enabled("etag") if app is not None else True  # wired from the app setting
    hooks: list[HeadersHook] = []
    extra = opts.get("headers")
    if extra:
        headers = dict(extra)

        def set_extra(res: Response, path: str, st: os.stat_result) -> None:
            for key, value in headers.items():
                res.set_header(key, value)

        hooks.append(set_extra)
    stream = SendStream(req, path, SendOptions(opts), decode=False, headers_hooks=hooks)
    return spawn(_send_file_task(res, stream, done, next))


def _no_next(err: Any = None) -> None:
    if err is not None:
        raise err if isinstance(err, BaseException) else RuntimeError(str(err))


_MISSING: Any = object()


def download(res: Response, path: Any, *args: Any, **options: Any) -> asyncio.Task[Any]:
    """Express's ``res.download(path, [filename], [options], [callback])``: sendFile with
    ``Content-Disposition: attachment; filename=<basename>``; a relative path without ``root``
    is resolved against the working directory."""
    if len(args) > 3:
        raise TypeError("res.download() takes a path, a filename, an options dict and a callback")
    filename = args[0] if len(args) > 0 else _MISSING
    opts_arg = args[1] if len(args) > 1 else _MISSING
    done = args[2] if len(args) > 2 else None
    kw = dict(options)
    if "callback" in kw:
        done = kw.pop("callback")
    name = None if filename is _MISSING else filename
    opts = None if opts_arg is _MISSING else opts_arg
    if callable(filename):
        done, name, opts = filename, None, None
    elif callable(opts_arg):
        done, opts = opts_arg, None
    if (filename is None or isinstance(filename, dict)) and (callable(opts_arg) or opts_arg is _MISSING):
        name, opts = None, filename
    if "filename" in kw:
        name = kw.pop("filename")
    if opts is not None and not isinstance(opts, dict):
        raise TypeError("res.download() options must be a dict")
    if done is not None and not callable(done):
        raise TypeError("callback must be a function")
    path = _check_path(path, "download")
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    merged = normalize_options(opts, kw)
    headers: dict[str, Any] = {"Content-Disposition": content_disposition(node_basename(name or path))}
    for key, value in (merged.get("headers") or {}).items():
        if key.lower() != "content-disposition":
            headers[key] = value
    merged["headers"] = headers
    full_path = node_resolve(path) if not merged.get("root") else path
    if not merged.get("root") and not full_path.startswith("/"):
        raise TypeError("path must be absolute or specify root to res.sendFile")
    return _start(res, full_path, merged, done)
