# cython: language_level=3, boundscheck=False, wraparound=False
"""Compiled twin of ``_speedups_py.py``: same functions, same results, same exceptions.

Header validation scans the characters directly instead of running a regex, the head is
copied once into a bytes object of its exact size, the ETag is written out in C around
OpenSSL's SHA-1 (the one hashlib uses), and request header names are lower-cased as they are
copied into the headers' dict.
"""
from email.utils import formatdate
from hashlib import sha1 as _hashlib_sha1

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeLatin1
from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy
from libc.time cimport time, time_t


cdef inline bint _is_tchar(Py_UCS4 c):
    if c >= 128:
        return False
    if (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122):
        return True
    return c in "!#$%&'*+-.^_`|~"


cdef inline bint _is_value_char(Py_UCS4 c):
    return c == 9 or (c >= 0x20 and c <= 0x7e) or (c >= 0x80 and c <= 0xff)


cpdef validate_header(name, value):
    cdef Py_UCS4 c
    if not isinstance(name, str) or len(<str>name) == 0:
        raise ValueError(f"Header name must be a valid HTTP token [{name!r}]")
    for c in <str>name:
        if not _is_tchar(c):
            raise ValueError(f"Header name must be a valid HTTP token [{name!r}]")
    if not isinstance(value, str):
        raise TypeError(f"Header value must be a string [{name!r}]")
    for c in <str>value:
        if not _is_value_char(c):
            raise ValueError(f"Invalid character in header content [{name!r}]")


cdef inline bytes _line(name, value):
    validate_header(name, value)  # the write boundary: raises the twin's errors for anything
    return (<str>name).encode("latin-1") + b": " + (<str>value).encode("latin-1") + b"\r\n"


# Validated, encoded header lines by (name, value), as in the twin (bounded the same way:
# emptied when full).
cdef dict _LINES = {}
cdef Py_ssize_t _LINES_MAX = 4096
LINE_CACHE = _LINES  # for tests: the same dict, in both twins


def build_head(bytes status_line, headers, bytes tail, bytes body=b""):
    return _build_head(status_line, headers, tail, body)


cdef bytes _build_head(bytes status_line, headers, bytes tail, bytes body):
    # PERF: the lines are gathered first and copied once into a bytes object of the exact
    # size: growing a bytearray and copying it out cost as much as the twin's b"".join.
    cdef list lines = []
    cdef Py_ssize_t total = PyBytes_GET_SIZE(status_line) + PyBytes_GET_SIZE(tail) + 2 + PyBytes_GET_SIZE(body)
    cdef object line
    for item in headers:
        name, value = item
        if type(value) is str:
            line = _LINES.get(item)
            if line is None:
                line = _line(name, value)
                if len(_LINES) >= _LINES_MAX:
                    _LINES.clear()
                _LINES[item] = line
            lines.append(line)
            total += PyBytes_GET_SIZE(<bytes>line)
        else:
            for one in ((value,) if isinstance(value, str) else value):
                line = _line(name, one)
                lines.append(line)
                total += PyBytes_GET_SIZE(<bytes>line)
    cdef bytes out = PyBytes_FromStringAndSize(NULL, total)
    cdef char* p = PyBytes_AS_STRING(out)
    p = _put(p, status_line)
    for line in lines:
        p = _put(p, <bytes>line)
    p = _put(p, tail)
    p[0] = 13
    p[1] = 10
    _put(p + 2, body)
    return out


cdef inline char* _put(char* p, bytes data):
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    memcpy(p, PyBytes_AS_STRING(data), n)
    return p + n


def chunk(bytes data):
    return b"%x\r\n%b\r\n" % (len(data), data)


# -- response framing -------------------------------------------------------------------------
cdef Py_ssize_t _COALESCE_MAX = 16 * 1024
COALESCE_MAX = _COALESCE_MAX


cpdef bint has_body(str method, int status):
    return method != "HEAD" and (status == 200 or (status >= 200 and status != 204 and status != 304))


cdef time_t _date_second = -1
cdef bytes _date_line = b""


cpdef bytes date_line():
    global _date_second, _date_line
    cdef time_t now = time(NULL)  # PERF: the C clock, read without a Python float
    if now != _date_second:
        _date_line = b"Date: " + formatdate(now, usegmt=True).encode("ascii") + b"\r\n"
        _date_second = now
    return _date_line


def frame_head(bytes status_line, int status, str method, dict headers, bint end, bint http11,
               bint keep_alive, bytes keep_alive_line, bytes data):
    cdef bint body = has_body(method, status)
    cdef bint chunked = False
    cdef bytes tail = b"" if "date" in headers else date_line()
    cdef bytes framing = b""
    conn = headers.get("connection")
    if conn is not None and "close" in str((<tuple>conn)[1]).lower():
        keep_alive = False
    cdef bint has_length = "content-length" in headers
    cdef bint has_te = "transfer-encoding" in headers
    if not has_length and not has_te:
        if not body:
            pass
        elif end:
            framing = b"Content-Length: %d\r\n" % PyBytes_GET_SIZE(data)
        elif http11:
            framing = b"Transfer-Encoding: chunked\r\n"
            chunked = True
        else:
            keep_alive = False  # HTTP/1.0 without a length: the close ends the body
    elif has_te:
        chunked = body and "chunked" in str(headers["transfer-encoding"][1]).lower()
    if conn is None:
        tail = tail + (keep_alive_line if keep_alive else b"Connection: close\r\n")
    if framing:
        tail = tail + framing
    if not body:
        data = b""
    elif chunked and PyBytes_GET_SIZE(data):
        data = b"%x\r\n%b\r\n" % (PyBytes_GET_SIZE(data), data)
    if PyBytes_GET_SIZE(data) <= _COALESCE_MAX:
        return _build_head(status_line, headers.values(), tail, data), b"", body, keep_alive, chunked
    return _build_head(status_line, headers.values(), tail, b""), data, body, keep_alive, chunked


# -- ETag -------------------------------------------------------------------------------------
# PERF: OpenSSL's SHA-1 called directly (SHA1_Init/Update/Final on a stack context) costs
# ~100 ns for a small body; through hashlib (an EVP context made, looked up by name, freed,
# and a Python object) ~310 ns. The symbols are taken from the libcrypto that hashlib has
# already loaded (RTLD_NOLOAD: nothing is loaded that was not); where there is none, or no
# dlopen, hashlib serves, with the same digest.
cdef extern from *:
    """
    #if defined(__unix__) || defined(__APPLE__)
    #include <dlfcn.h>
    static void *fx_loaded_symbol(const char *lib, const char *name) {
        void *handle = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD);
        return handle ? dlsym(handle, name) : NULL;
    }
    #else
    static void *fx_loaded_symbol(const char *lib, const char *name) { return NULL; }
    #endif
    """
    void *fx_loaded_symbol(const char *lib, const char *name)

ctypedef int (*_sha1_init_t)(void *ctx) noexcept nogil
ctypedef int (*_sha1_update_t)(void *ctx, const void *data, size_t n) noexcept nogil
ctypedef int (*_sha1_final_t)(unsigned char *digest, void *ctx) noexcept nogil
cdef _sha1_init_t _sha1_init = NULL
cdef _sha1_update_t _sha1_update = NULL
cdef _sha1_final_t _sha1_final = NULL


_LIBCRYPTO = (b"libcrypto.so.3", b"libcrypto.so.1.1", b"libcrypto.3.dylib")


def _load_sha1(libs=_LIBCRYPTO):
    """Take SHA-1 from the first of ``libs`` already loaded, else from hashlib; sets and
    returns ``SHA1_SOURCE``: "libcrypto" (direct) or "hashlib"."""
    global _sha1_init, _sha1_update, _sha1_final, SHA1_SOURCE
    cdef bytes lib
    for lib in libs:
        _sha1_init = <_sha1_init_t>fx_loaded_symbol(lib, "SHA1_Init")
        _sha1_update = <_sha1_update_t>fx_loaded_symbol(lib, "SHA1_Update")
        _sha1_final = <_sha1_final_t>fx_loaded_symbol(lib, "SHA1_Final")
        if _sha1_init != NULL and _sha1_update != NULL and _sha1_final != NULL:
            SHA1_SOURCE = "libcrypto"
            return SHA1_SOURCE
    _sha1_init = NULL  # what _sha1 checks
    SHA1_SOURCE = "hashlib"
    return SHA1_SOURCE


_load_sha1()


cdef int _sha1(bytes body, uint8_t *digest) except -1:
    cdef uint64_t ctx[32]  # SHA_CTX is 96 bytes; room to spare, 8-byte aligned
    if _sha1_init != NULL:
        _sha1_init(ctx)
        _sha1_update(ctx, PyBytes_AS_STRING(body), <size_t>PyBytes_GET_SIZE(body))
        _sha1_final(digest, ctx)
    else:
        memcpy(digest, PyBytes_AS_STRING(_hashlib_sha1(body).digest()), 20)
    return 0


cdef const char* _B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
cdef const char* _HEX = b"0123456789abcdef"


def weak_etag(bytes body):
    cdef Py_ssize_t n = PyBytes_GET_SIZE(body)
    cdef uint8_t digest[21]
    cdef char tag[64]  # W/"<up to 16 hex digits>-<27 base64 characters>"
    cdef Py_ssize_t pos = 3, length = n
    cdef uint32_t v
    cdef int i, digits = 0
    if n == 0:
        return 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'
    # PERF: OpenSSL's SHA-1 beats plain C even for one block (it has SHA-NI and SIMD code);
    # also saved is the base64, slicing, decoding and formatting around it (~450 ns in Python).
    _sha1(body, digest)
    digest[20] = 0
    memcpy(tag, b'W/"', 3)
    while length:
        digits += 1
        length >>= 4
    for i in range(digits):
        tag[pos + digits - 1 - i] = _HEX[(n >> (4 * i)) & 15]
    pos += digits
    tag[pos] = 45  # "-"
    pos += 1
    # 20 bytes -> 28 base64 characters, of which the ETag keeps 27 (the last is padding).
    for i in range(7):
        v = (<uint32_t>digest[3 * i] << 16) | (<uint32_t>digest[3 * i + 1] << 8) | digest[3 * i + 2]
        tag[pos + 4 * i] = _B64[v >> 18]
        tag[pos + 4 * i + 1] = _B64[(v >> 12) & 63]
        tag[pos + 4 * i + 2] = _B64[(v >> 6) & 63]
        tag[pos + 4 * i + 3] = _B64[v & 63]
    pos += 27
    tag[pos] = 34  # '"'
    return PyUnicode_DecodeASCII(tag, pos + 1, NULL)


# -- request heads ----------------------------------------------------------------------------
def header_map(list lines):
    """``{lower-case name: value}`` of a head's ``(name, value)`` byte lines decoded as Latin-1,
    or None when a name repeats (Node's rules for repeats are ``headers.py``'s)."""
    cdef dict result = {}
    cdef tuple line
    cdef bytes name, value
    cdef char buf[64]
    cdef Py_ssize_t n, i
    cdef const unsigned char* p
    cdef unsigned char c
    for line in lines:
        name = line[0]
        value = line[1]
        n = PyBytes_GET_SIZE(name)
        p = <const unsigned char*>PyBytes_AS_STRING(name)
        key = None
        if n <= 64:  # an ASCII name, lower-cased as it is copied (else str.lower() decides)
            for i in range(n):
                c = p[i]
                if c >= 0x80:
                    break
                buf[i] = c + 32 if c >= c'A' and c <= c'Z' else c
            else:
                key = PyUnicode_DecodeASCII(buf, n, NULL)
        if key is None:
            key = name.decode("latin-1").lower()
        result[key] = PyUnicode_DecodeLatin1(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), NULL)
    return result if len(result) == len(lines) else None


cdef class RequestHead:
    """Compiled twin of ``_speedups_py.RequestHead`` (see there): the head callbacks run in C."""

    cdef public bytes url
    cdef public list headers
    cdef public Py_ssize_t size, host_count, max_size, max_headers
    cdef public bint in_head, raw_count, began_here, has_body, conditional, connection
    cdef public double read_time, start_time
    cdef public object expect, te, error, on_head, on_body, on_message_complete, parser

    def __init__(self, Py_ssize_t max_size, Py_ssize_t max_headers, error, on_head, on_body,
                 on_message_complete):
        self.max_size = max_size
        self.max_headers = max_headers
        self.error = error
        self.on_head = on_head
        self.parser = None
        self.on_body = on_body
        self.on_message_complete = on_message_complete
        self.read_time = 0.0
        self.on_message_begin()
        self.in_head = False
        self.began_here = False

    def on_message_begin(self):
        self.began_here = True
        self.start_time = self.read_time
        self.url = b""
        self.headers = []
        self.size = 0
        self.in_head = True
        self.raw_count = False
        self.host_count = 0
        self.expect = None
        self.te = None
        self.has_body = False
        self.conditional = False
        self.connection = False

    def on_url(self, bytes url):
        self.url += url
        if not self.raw_count:
            self.size += len(url)
            if self.size > self.max_size:
                raise self.error(431)

    def on_header(self, bytes name, bytes value):
        cdef Py_ssize_t n = len(value)
        cdef const char* v
        cdef unsigned char first
        if not self.raw_count:
            self.size += len(name) + n + 4
            if self.size > self.max_size:
                raise self.error(431)
        if len(self.headers) >= self.max_headers:
            raise self.error(431)
        first = (<const unsigned char*>PyBytes_AS_STRING(name))[0] | 0x20 if len(name) else 0
        # PERF: only names starting with one of these letters matter here; lower() just those.
        if first == c'h' or first == c'c' or first == c't' or first == c'e' or first == c'i':
            lname = name.lower()
            if lname == b"host":
                self.host_count += 1
            elif lname == b"content-length":
                self.has_body = True
            elif lname == b"transfer-encoding":
                self.has_body = True
                te = value.decode("latin-1").lower()
                self.te = te if self.te is None else self.te + "," + te
            elif lname == b"expect":
                self.expect = value.decode("latin-1").lower()
            elif lname == b"if-none-match" or lname == b"if-modified-since":
                self.conditional = True
            elif lname == b"connection":
                self.connection = True
        if n:
            v = PyBytes_AS_STRING(value)
            if v[n - 1] == c' ' or v[n - 1] == c'\t':  # llhttp keeps trailing whitespace; Node trims it
                value = value.rstrip(b" \t")
        self.headers.append((name, value))

    def on_headers_complete(self):
        self.in_head = False
        parser = self.parser
        cdef bint keep_alive = parser.should_keep_alive()
        version = "1.1" if keep_alive and not self.connection else parser.get_http_version()
        if self.host_count > 1 or (self.host_count == 0 and version == "1.1"):
            raise self.error(400)
        if self.te is not None:
            _check_transfer_encoding(self.te, self.error)
        if self.expect is not None and version == "1.1" and self.expect != "100-continue":
            raise self.error(417)
        self.on_head(parser.get_method().decode("ascii"), self.url.decode("latin-1"), version, keep_alive,
                     self.headers, self.size, self.has_body, self.conditional, self.expect, self.start_time)


cdef _check_transfer_encoding(str value, error):
    cdef list codings = [c.strip() for c in value.split(",") if c.strip()]
    if not codings or codings[len(codings) - 1] != "chunked" or codings.count("chunked") > 1:
        raise error(400)
    if len(codings) > 1:
        raise error(501)
