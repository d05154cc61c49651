"""``multipart()``: multipart/form-data uploads, as multer 2.x (``multer().any()``) handles them.

Text fields go to ``req.body`` (a dict; a name sent twice becomes a list), files to ``req.files``
(a list of :class:`UploadedFile`, in the order they arrived). The body is fed to python-multipart
chunk by chunk as it arrives; a file's bytes go straight into a ``SpooledTemporaryFile`` that
moves to disk above 1 MiB, so memory holds neither the whole body nor a whole large file.

Limits (multer's, by keyword; ``None`` means none): ``field_name_size`` (bytes of a field name),
``field_size`` (bytes of a field value, default 1 MiB), ``fields`` (text fields), ``file_size``
(bytes of one file), ``files`` (file parts), ``parts`` (all parts), ``header_pairs`` (headers of
one part, default 2000). A breach stops the upload: ``HTTPError`` 413 with multer's message and
``code`` (``LIMIT_FILE_SIZE`` "File too large", ...) plus ``field``/``filename`` where multer has
them. Malformed input (no boundary, a bad part header, a body that ends early) is a 400 with
busboy's message; a part without a field name is a 400 ``MISSING_FIELD_NAME``.
"""
from __future__ import annotations

import re
import tempfile
from typing import Any, BinaryIO, Callable

from ..bodyparser import lookup_charset, parse_bytes
from ..errors import ClientDisconnect, HTTPError
from ..httputil import parse_content_type
from ..typeis import request_is

try:
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, MultipartState
except ImportError:  # pragma: no cover - python-multipart before 0.0.13
    from multipart.exceptions import FormParserError  # type: ignore[no-redef]
    from multipart.multipart import MultipartParser, MultipartState  # type: ignore[no-redef]

__all__ = ["multipart", "UploadedFile", "MESSAGES"]

SPOOL_MAX_SIZE = 1024 * 1024   # files above this live on disk
MAX_HEADER_SIZE = 16 * 1024    # busboy: a part's header block
DEFAULT_FIELD_SIZE = 1024 * 1024
DEFAULT_HEADER_PAIRS = 2000

# multer's MulterError messages (plus LIMIT_HEADER_PAIRS, which multer does not enforce).
MESSAGES = {
    "LIMIT_PART_COUNT": "Too many parts",
    "LIMIT_FILE_SIZE": "File too large",
    "LIMIT_FILE_COUNT": "Too many files",
    "LIMIT_FIELD_KEY": "Field name too long",
    "LIMIT_FIELD_VALUE": "Field value too long",
    "LIMIT_FIELD_COUNT": "Too many fields",
    "LIMIT_HEADER_PAIRS": "Too many header pairs",
    "MISSING_FIELD_NAME": "Field name missing",
}

_HEADER_STATES = frozenset({
    MultipartState.HEADER_FIELD_START, MultipartState.HEADER_FIELD, MultipartState.HEADER_VALUE_START,
    MultipartState.HEADER_VALUE, MultipartState.HEADER_VALUE_ALMOST_DONE, MultipartState.HEADERS_ALMOST_DONE,
})


class UploadedFile:
    """One uploaded file: multer's file object, with the data in ``file``.

    ``fieldname``, ``filename`` (the client's name; ``originalname`` too), ``content_type``
    (``mimetype`` too), ``encoding`` (the part's Content-Transfer-Encoding, "7bit" by default),
    ``size`` in bytes, ``headers`` (the part's headers, lower-cased names), and ``file``: a
    ``SpooledTemporaryFile`` positioned at the start (in memory up to 1 MiB, then on disk).
    """

    __slots__ = ("fieldname", "filename", "content_type", "encoding", "size", "file", "headers")

    def __init__(self, fieldname: str, filename: str, content_type: str, encoding: str,
                 headers: list[tuple[str, str]], spool_max_size: int) -> None:
        self.fieldname = fieldname
        self.filename = filename
        self.content_type = content_type
        self.encoding = encoding
        self.headers = headers
        self.size = 0
        spooled = tempfile.SpooledTemporaryFile(max_size=spool_max_size, mode="w+b")
        self.file: BinaryIO = spooled  # type: ignore[assignment]

    @property
    def originalname(self) -> str:
        return self.filename

    @property
    def mimetype(self) -> str:
        return self.content_type

    @property
    def buffer(self) -> bytes:
        """The whole content (multer's memory storage ``buffer``); the position is kept."""
        pos = self.file.tell()
        self.file.seek(0)
        try:
            return self.file.read()
        finally:
            self.file.seek(pos)

    @property
    def in_memory(self) -> bool:
        return not getattr(self.file, "_rolled", False)

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def close(self) -> None:
        self.file.close()

    def __repr__(self) -> str:
        return (f"<UploadedFile {self.fieldname!r} {self.filename!r} {self.content_type!r} "
                f"{self.size} bytes>")


# --------------------------------------------------------------------------- busboy's header parsing

def _chars(ranges: str) -> frozenset[str]:
    out: set[str] = set()
    for part in ranges.split(","):
        a, _, b = part.partition("-")
        out.update(chr(c) for c in range(int(a), int(b or a) + 1))
    return frozenset(out)


_TOKEN = _chars("33,35-39,42-43,45-46,48-57,65-90,94-122,124,126")
_QDTEXT = _chars("9,32-33,35-91,93-126,128-255")
_CHARSET = _chars("33,35-38,43,45,48-57,65-90,94-123,125-126")
_EXTENDED = _chars("33,35-36,38,43,45-46,48-57,65-90,94-122,124,126")
_HEXDIGITS = "0123456789abcdefABCDEF"


def _decode_with(value: str, charset: str, hint: int) -> str | None:
    """busboy's convertToUTF8 for a latin-1 string of raw bytes."""
    if not value:
        return ""
    cs = charset.lower()
    if cs in ("utf-8", "utf8"):
        return value if hint < 2 else value.encode("latin-1").decode("utf-8", "replace")
    if cs in ("latin1", "ascii", "us-ascii", "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1",
              "windows-1252", "iso_8859-1:1987", "cp1252", "x-cp1252"):
        return value
    codec = lookup_charset(cs)
    if codec is None:
        return None
    return codec.decode(value.encode("latin-1"), "replace")[0]


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t":
        i += 1
    return i


def _quoted(s: str, i: int) -> tuple[str, int] | None:
    """A quoted-string starting after its opening quote: (value, index after the closing quote)."""
    out: list[str] = []
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "\\":
            i += 1
            if i < n:
                out.append(s[i])
                i += 1
            continue
        if ch == '"':
            return "".join(out), i + 1
        if ch not in _QDTEXT:
            return None
        out.append(ch)
        i += 1
    return None


def _param_value(s: str, i: int) -> tuple[str, int] | None:
    """A parameter value at ``i`` (just after its "="), a quoted-string or a token: (value,
    index after it), or None when there is none."""
    n = len(s)
    if i == n:
        return None
    if s[i] == '"':
        return _quoted(s, i + 1)
    start = i
    while i < n and s[i] in _TOKEN:
        i += 1
    return (s[start:i], i) if i > start else None


def parse_disposition(s: str, param_charset: str) -> tuple[str, dict[str, str]] | None:
    """busboy's parseDisposition: (lower-cased type, params) or None when malformed. ``s`` is
    the header value as latin-1; plain parameter values are decoded with ``param_charset``,
    RFC 5987 ``name*=charset'lang'value`` ones with their own charset."""
    if not s:
        return None
    n = len(s)
    i = 0
    while i < n and s[i] in _TOKEN:
        i += 1
    type_ = s[:i].lower()
    params: dict[str, str] = {}
    while i < n:
        i = _skip_ws(s, i)
        if i == n:
            break
        if s[i] != ";":
            return None
        i = _skip_ws(s, i + 1)
        if i == n:
            return None
        start = i
        while i < n and s[i] in _TOKEN:
            i += 1
        if i == n or s[i] != "=":
            return None
        name = s[start:i]
        value: str | None
        if name.endswith("*"):
            i += 1
            start = i
            while i < n and s[i] in _CHARSET:
                i += 1
            if i == n or s[i] != "'":
                return None
            charset = s[start:i]
            i += 1
            while i < n and s[i] != "'":
                i += 1
            if i == n:
                return None
            i += 1
            if i == n:
                return None
            out: list[str] = []
            hint = 0
            while i < n:
                ch = s[i]
                if ch in _EXTENDED:
                    out.append(ch)
                    i += 1
                    continue
                if ch == "%":
                    if i + 2 < n and s[i + 1] in _HEXDIGITS and s[i + 2] in _HEXDIGITS:
                        byte = int(s[i + 1:i + 3], 16)
                        out.append(chr(byte))
                        hint = 2 if byte >= 128 else max(hint, 1)
                        i += 3
                        continue
                    return None
                break
            value = _decode_with("".join(out), charset, hint)
        else:
            parsed = _param_value(s, i + 1)
            if parsed is None:
                return None
            value, i = parsed
            value = _decode_with(value, param_charset, 2)
        if value is None:
            return None
        name = name.lower()
        if name not in params:
            params[name] = value
    return type_, params


def _part_content_type(s: str) -> tuple[str, str | None] | None:
    """busboy's parseContentType for a part: ("type/subtype", charset) or None."""
    n = len(s)
    i = 0
    while i < n and s[i] in _TOKEN:
        i += 1
    if i == 0 or i == n or s[i] != "/":
        return None
    main = s[:i].lower()
    start = i = i + 1
    while i < n and s[i] in _TOKEN:
        i += 1
    if i == start:
        return None
    sub = s[start:i].lower()
    charset = None
    # Parameters: only the charset matters here; a malformed list drops the whole type.
    while i < n:
        i = _skip_ws(s, i)
        if i == n:
            break
        if s[i] != ";":
            return None
        i = _skip_ws(s, i + 1)
        if i == n:
            return None
        start = i
        while i < n and s[i] in _TOKEN:
            i += 1
        if i == n or s[i] != "=" or i == start:
            return None
        name = s[start:i].lower()
        parsed = _param_value(s, i + 1)
        if parsed is None:
            return None
        value, i = parsed
        if name == "charset" and charset is None:
            charset = value.lower()
    return f"{main}/{sub}", charset


def _basename(path: str) -> str:
    for i in range(len(path) - 1, -1, -1):
        if path[i] in "/\\":
            path = path[i + 1:]
            break
    return "" if path in ("..", ".") else path


_FORM_ESCAPES = re.compile(r"%0A|%0D|%22", re.IGNORECASE)


def _decode_form_name(name: str) -> str:
    """multer's decodeFormDataName: the WHATWG escapes %0A, %0D and %22 reversed."""
    if "%" not in name:
        return name
    return _FORM_ESCAPES.sub(lambda m: {"%0A": "\n", "%0D": "\r"}.get(m.group().upper(), '"'), name)


# --------------------------------------------------------------------------- the form

class _Abort(Exception):
    def __init__(self, code: str, field: str | None = None, filename: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.filename = filename


class _Malformed(Exception):
    pass


class _Config:
    __slots__ = ("field_name_size", "field_size", "fields", "file_size", "files", "parts", "header_pairs",
                 "preserve_path", "param_charset", "charset", "spool_max_size")


class _Form:
    """One request's parse: python-multipart's callbacks applied the way busboy and multer do."""

    def __init__(self, boundary: bytes, cfg: _Config, body: dict[str, Any], files: list[UploadedFile]) -> None:
        self.cfg = cfg
        self.body = body
        self.files = files
        self.open: list[UploadedFile] = []
        self.needle = b"\r\n--" + boundary
        self.pre = b"\r\n"  # busboy starts with a CRLF so that a body may open with its boundary
        self.started = False
        self.complete = False
        self.parts = self.field_count = self.file_count = 0
        self._reset_part()
        kwargs: dict[str, Any] = {"max_header_count": cfg.header_pairs + 2 if cfg.header_pairs is not None
                                  else 1 << 30, "max_header_size": MAX_HEADER_SIZE}
        callbacks: Any = {
            "on_part_begin": self.on_part_begin, "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value, "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished, "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end, "on_end": self.on_end,
        }
        try:
            self.parser = MultipartParser(boundary, callbacks, **kwargs)
        except TypeError:  # pragma: no cover - python-multipart without header limits
            self.parser = MultipartParser(boundary, callbacks)

    def _reset_part(self) -> None:
        self.headers: list[tuple[str, str]] = []
        self.hname = bytearray()
        self.hvalue = bytearray()
        self.header_bytes = 0
        self.mode = 0            # 0 skip, 1 field, 2 file
        self.name: str | None = None
        self.raw_name: str | None = None
        self.value = bytearray()
        self.value_charset = "utf-8"
        self.upload: UploadedFile | None = None

    # -- feeding ----------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        if self.started:
            self.parser.write(data)
            return
        buf = self.pre + data
        needle = self.needle
        pos = 0
        while True:
            idx = buf.find(needle, pos)
            if idx == -1:
                self.pre = buf[-len(needle):]
                return
            after = idx + len(needle)
            if len(buf) < after + 2:
                self.pre = buf[idx:]
                return
            if buf[after:after + 2] in (b"\r\n", b"--"):
                self.started = True
                self.pre = b""
                self.parser.write(buf[idx + 2:])
                return
            pos = idx + 1

    def finish(self) -> None:
        if self.complete:
            return
        if self.started and self.parser.state in _HEADER_STATES:
            raise _Malformed("Malformed part header")
        raise _Malformed("Unexpected end of form")

    def close_files(self) -> None:
        for upload in self.open:
            upload.close()
        self.open.clear()

    # -- callbacks --------------------------------------------------------------------------

    def on_part_begin(self) -> None:
        self._reset_part()
        self.parts += 1
        limit = self.cfg.parts
        if limit is not None and self.parts > limit:
            raise _Abort("LIMIT_PART_COUNT")

    def _count_header_bytes(self, n: int) -> None:
        self.header_bytes += n
        if self.header_bytes > MAX_HEADER_SIZE:
            raise _Malformed("Malformed part header")

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header_bytes(end - start)
        self.hname += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header_bytes(end - start)
        self.hvalue += data[start:end]

    def on_header_end(self) -> None:
        limit = self.cfg.header_pairs
        if limit is not None and len(self.headers) >= limit:
            raise _Abort("LIMIT_HEADER_PAIRS")
        value = bytes(self.hvalue).lstrip(b" \t")
        if any(b < 0x20 and b != 0x09 or b == 0x7F for b in value):
            raise _Malformed("Malformed part header")
        self.headers.append((self.hname.decode("latin-1").lower(), value.decode("latin-1")))
        self.hname = bytearray()
        self.hvalue = bytearray()

    def _header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def on_headers_finished(self) -> None:
        cfg = self.cfg
        disposition = self._header("content-disposition")
        if disposition is None:
            return
        parsed = parse_disposition(disposition, cfg.param_charset)
        if parsed is None or parsed[0] != "form-data":
            return
        params = parsed[1]
        name = params.get("name") or None
        filename = params.get("filename*") or params.get("filename") or None
        if filename is not None and not cfg.preserve_path:
            filename = _basename(filename)
        part_type, charset = "text/plain", cfg.charset
        raw_type = self._header("content-type")
        if raw_type is not None:
            found = _part_content_type(raw_type)
            if found is not None:
                part_type = found[0]
                if found[1] is not None:
                    charset = found[1]
        encoding = (self._header("content-transfer-encoding") or "7bit").lower()
        if part_type == "application/octet-stream" or filename is not None:
            self.file_count += 1
            if cfg.files is not None and self.file_count > cfg.files:
                raise _Abort("LIMIT_FILE_COUNT")
            if name is None:
                raise _Abort("MISSING_FIELD_NAME")
            if not filename:
                return  # multer ignores a file part without a file name
            if cfg.field_name_size is not None and len(name) > cfg.field_name_size:
                raise _Abort("LIMIT_FIELD_KEY")
            upload = UploadedFile(_decode_form_name(name), _decode_form_name(filename), part_type, encoding,
                                  self.headers, cfg.spool_max_size)
            self.open.append(upload)
            self.upload = upload
            self.mode = 2
            return
        self.field_count += 1
        if cfg.fields is not None and self.field_count > cfg.fields:
            raise _Abort("LIMIT_FIELD_COUNT")
        self.raw_name = name
        self.name = _decode_form_name(name) if name is not None else None
        self.value_charset = charset
        self.mode = 1

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        mode = self.mode
        if mode == 2:
            upload = self.upload
            assert upload is not None
            upload.size += end - start
            limit = self.cfg.file_size
            if limit is not None and upload.size > limit:
                raise _Abort("LIMIT_FILE_SIZE", upload.fieldname, upload.filename)
            upload.file.write(data[start:end])
        elif mode == 1:
            self.value += data[start:end]
            limit = self.cfg.field_size
            if limit is not None and len(self.value) > limit:
                raise _Abort("LIMIT_FIELD_VALUE", self.name)

    def on_part_end(self) -> None:
        mode = self.mode
        self.mode = 0
        if mode == 2:
            upload = self.upload
            assert upload is not None
            upload.file.seek(0)
            self.files.append(upload)
        elif mode == 1:
            if self.raw_name is None:
                raise _Abort("MISSING_FIELD_NAME")
            size = self.cfg.field_name_size
            if size is not None and len(self.raw_name) > size:
                raise _Abort("LIMIT_FIELD_KEY")
            value = self._decode_value()
            body, name = self.body, self.name
            assert name is not None
            if name not in body:
                body[name] = value
            else:
                current = body[name]
                if isinstance(current, list):
                    current.append(value)
                else:
                    body[name] = [current, value]

    def _decode_value(self) -> str | None:
        raw = bytes(self.value)
        charset = self.value_charset
        if charset in ("utf-8", "utf8"):
            return raw.decode("utf-8", "replace")
        codec = lookup_charset(charset)
        return codec.decode(raw, "replace")[0] if codec is not None else None

    def on_end(self) -> None:
        self.complete = True


# --------------------------------------------------------------------------- the middleware

_LIMIT_NAMES = {
    "field_name_size": "field_name_size", "fieldNameSize": "field_name_size",
    "field_size": "field_size", "fieldSize": "field_size",
    "fields": "fields", "file_size": "file_size", "fileSize": "file_size",
    "files": "files", "parts": "parts", "header_pairs": "header_pairs", "headerPairs": "header_pairs",
}
_OPTION_NAMES = {
    "preserve_path": "preserve_path", "preservePath": "preserve_path",
    "def_param_charset": "param_charset", "defParamCharset": "param_charset",
    "def_charset": "charset", "defCharset": "charset",
    "spool_max_size": "spool_max_size",
}


def _limit_value(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value == float("inf"):
        return None
    number = parse_bytes(value)
    if number is None or number < 0:
        raise TypeError(f"limit {name} must be a non-negative number")
    return int(number)


class _Multipart:
    __slots__ = ("cfg", "__name__")

    def __init__(self, cfg: _Config) -> None:
        self.cfg = cfg
        self.__name__ = "multerMiddleware"

    def __call__(self, req: Any, res: Any, next: Callable[..., Any]) -> Any:
        headers = req.headers
        if not request_is(headers.get("content-type"), headers.get("content-length"),
                          headers.get("transfer-encoding"), ["multipart"]) or getattr(req, "_read_started", False):
            # Not a form (or another parser read the body): req.files is None (Express: undefined).
            if "files" not in req.__dict__:
                req.files = None
            return next()
        return self._parse(req, next)

    async def _parse(self, req: Any, next: Callable[..., Any]) -> None:
        try:
            await self._read(req)
        except HTTPError as err:
            next(err)
            return
        next()

    async def _read(self, req: Any) -> None:
        content_type = req.headers.get("content-type") or ""
        type_, params = parse_content_type(content_type)
        if type_ != "multipart/form-data":
            raise HTTPError(415, f"Unsupported content type: {type_}")
        boundary = params.get("boundary")
        if not boundary:
            raise HTTPError(400, "Multipart: Boundary not found")
        body: dict[str, Any] = {}
        files: list[UploadedFile] = []
        req.body = body
        req.files = files
        try:
            form = _Form(boundary.encode("latin-1", "replace"), self.cfg, body, files)
        except (FormParserError, ValueError) as exc:
            raise HTTPError(400, f"Multipart: {exc}") from None
        stream = req.stream()
        try:
            async for chunk in stream:
                form.feed(chunk)
            form.finish()
        except _Abort as exc:
            _fail(req, form, files)
            props = {k: v for k, v in (("field", exc.field), ("filename", exc.filename)) if v is not None}
            status = 400 if exc.code == "MISSING_FIELD_NAME" else 413
            raise HTTPError(status, MESSAGES[exc.code], code=exc.code, **props) from None
        except _Malformed as exc:
            _fail(req, form, files)
            raise HTTPError(400, str(exc)) from None
        except FormParserError as exc:
            _fail(req, form, files)
            message = "Malformed part header" if "header" in str(exc).lower() else "Unexpected end of form"
            raise HTTPError(400, message) from None
        except ClientDisconnect:
            _fail(req, form, files)
            raise HTTPError(400, "Request aborted", type="request.aborted", code="ECONNABORTED") from None
        except BaseException:
            _fail(req, form, files)
            raise
        finally:
            await stream.aclose()


def _fail(req: Any, form: _Form, files: list[UploadedFile]) -> None:
    form.close_files()
    files.clear()
    discard = getattr(req, "_discard", None)
    if discard is not None:
        discard()


def multipart(limits: dict[str, Any] | None = None, /, **opts: Any) -> Callable[..., Any]:
    """The multer middleware: ``app.post("/upload", multipart(file_size="5mb", files=3), handler)``.

    Limits are keywords (or a dict as the first argument, multer's ``limits``; camelCase names
    work too): ``field_name_size``, ``field_size`` (1 MiB), ``fields``, ``file_size``, ``files``,
    ``parts``, ``header_pairs`` (2000); sizes take ints or strings such as ``"5mb"``.
    Options: ``preserve_path`` (keep the client's directories in ``filename``),
    ``def_param_charset`` ("utf-8"; multer's is "latin1") for file names without an explicit
    charset, ``def_charset`` ("utf-8") for field values, ``spool_max_size`` (1 MiB).
    """
    merged: dict[str, Any] = dict(limits or {})
    nested = opts.pop("limits", None)
    if nested:
        merged.update(nested)
    merged.update(opts)
    cfg = _Config()
    values: dict[str, Any] = {"field_name_size": None, "field_size": DEFAULT_FIELD_SIZE, "fields": None,
                              "file_size": None, "files": None, "parts": None,
                              "header_pairs": DEFAULT_HEADER_PAIRS}
    options: dict[str, Any] = {"preserve_path": False, "param_charset": "utf-8", "charset": "utf-8",
                               "spool_max_size": SPOOL_MAX_SIZE}
    for key, value in merged.items():
        if key in _LIMIT_NAMES:
            values[_LIMIT_NAMES[key]] = _limit_value(key, value)
        elif key in _OPTION_NAMES:
            options[_OPTION_NAMES[key]] = value
        else:
            raise TypeError(f"multipart() got an unexpected option {key!r}")
    for key, value in values.items():
        setattr(cfg, key, value)
    cfg.preserve_path = bool(options["preserve_path"])
    cfg.param_charset = str(options["param_charset"] or "utf-8")
    cfg.charset = str(options["charset"] or "utf-8").lower()
    cfg.spool_max_size = int(options["spool_max_size"])
    return _Multipart(cfg)
