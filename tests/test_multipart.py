"""``express.multipart()``: multer 2.x (``multer().any()``) on python-multipart.

Field values, file metadata, error codes and messages are multer's (busboy 1.6 underneath);
statuses are fastexpress's (multer's errors have none, so Express answers them 500).
tests/compat/bodyparser compares the two servers on the wire as well.
"""
from __future__ import annotations

import tempfile
import tracemalloc
from typing import Any, Iterator

import pytest

import fastexpress
from fastexpress import HTTPError, express
from fastexpress.middleware import multipart as mp
from fastexpress.testing import TestClient, build_request

B = "----fxBoundaryZZ"
MP = {"Content-Type": f"multipart/form-data; boundary={B}"}


def part(name: str | None, value: bytes | str, *, filename: str | None = None, ctype: str | None = None,
         extra: str = "", disposition: str | None = None) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    if disposition is None:
        disposition = "form-data" + (f'; name="{name}"' if name is not None else "")
        if filename is not None:
            disposition += f'; filename="{filename}"'
    head = f"--{B}\r\nContent-Disposition: {disposition}\r\n"
    if ctype:
        head += f"Content-Type: {ctype}\r\n"
    return (head + extra + "\r\n").encode() + value + b"\r\n"


def form(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{B}--\r\n".encode()


def make_app(*middleware: Any) -> Any:
    app = express()
    seen: dict[str, Any] = {}

    def handler(req, res):
        seen["req"] = req
        res.json({
            "body": req.body,
            "files": [{"fieldname": f.fieldname, "filename": f.filename, "originalname": f.originalname,
                       "content_type": f.content_type, "mimetype": f.mimetype, "encoding": f.encoding,
                       "size": f.size, "content": f.read().decode("latin-1")} for f in (req.files or [])],
        })

    app.post("/", *(middleware or (mp.multipart(),)), handler)

    @app.use
    def errors(err, req, res, next):
        seen["error"] = err
        seen["files_at_error"] = list(getattr(req, "files", None) or [])
        res.status(getattr(err, "status", 500)).json({
            "message": str(err), "code": getattr(err, "code", None), "field": getattr(err, "field", None),
            "filename": getattr(err, "filename", None)})

    app.seen = seen  # type: ignore[attr-defined]
    return app


def post(app: Any, body: bytes, headers: dict[str, str] | None = None) -> Any:
    with TestClient(app) as client:
        return client.post("/", content=body, headers=MP if headers is None else headers)


def chunked(headers: dict[str, str], pieces: Iterator[bytes]) -> Iterator[bytes]:
    lines = ["POST / HTTP/1.1", "Host: testserver", "Transfer-Encoding: chunked"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    yield ("\r\n".join(lines) + "\r\n\r\n").encode()
    for piece in pieces:
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"
    yield b"0\r\n\r\n"


def test_exports():
    assert express.multipart is mp.multipart
    from fastexpress import multipart

    assert multipart is mp.multipart
    assert isinstance(multipart(files=1), mp._Multipart)
    assert isinstance(fastexpress.multipart(files=1), mp._Multipart)


def test_fields_and_files():
    body = form(part("title", "hello"), part("tag", "a"), part("tag", "b"),
                part("doc", "file one", filename="one.txt", ctype="text/plain"),
                part("doc", b"\x00\x01\xff", filename="two.bin"), part("tag", "c"))
    app = make_app()
    data = post(app, body).json()
    assert data["body"] == {"title": "hello", "tag": ["a", "b", "c"]}
    assert data["files"] == [
        {"fieldname": "doc", "filename": "one.txt", "originalname": "one.txt", "content_type": "text/plain",
         "mimetype": "text/plain", "encoding": "7bit", "size": 8, "content": "file one"},
        {"fieldname": "doc", "filename": "two.bin", "originalname": "two.bin", "content_type": "text/plain",
         "mimetype": "text/plain", "encoding": "7bit", "size": 3, "content": "\x00\x01\xff"},
    ]


def test_uploaded_file_object():
    app = make_app()
    post(app, form(part("f", "abc", filename="a.txt", ctype="image/png", extra="X-Extra: yes\r\n")))
    upload = app.seen["req"].files[0]
    assert isinstance(upload, mp.UploadedFile)
    assert isinstance(upload.file, tempfile.SpooledTemporaryFile)
    assert upload.buffer == b"abc" and upload.in_memory
    assert ("x-extra", "yes") in upload.headers
    assert "a.txt" in repr(upload)
    upload.seek(0)
    assert upload.read() == b"abc"
    upload.close()


def test_files_above_one_mib_spool_to_disk():
    big = b"\xab" * (1024 * 1024 + 1)
    small = b"s" * (1024 * 1024)
    app = make_app()
    r = post(app, form(part("big", big, filename="big.bin"), part("small", small, filename="small.bin")))
    assert r.status_code == 200
    big_file, small_file = app.seen["req"].files
    assert not big_file.in_memory and big_file.file._rolled
    assert small_file.in_memory
    assert big_file.size == len(big) and big_file.buffer == big
    assert small_file.size == len(small)


def test_a_large_upload_streams_with_bounded_memory():
    """8 MiB through the parser in 64 KiB pieces: memory holds about the spool size, not the file."""
    piece = b"\x5a" * 65536
    head = f"--{B}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n".encode()
    tail = f"\r\n--{B}--\r\n".encode()

    def pieces() -> Iterator[bytes]:
        yield head
        for _ in range(128):
            yield piece
        yield tail

    seen = {}

    def handler(req, res):
        seen["size"] = req.files[0].size
        seen["rolled"] = not req.files[0].in_memory
        res.send("ok")

    app = express()
    app.post("/", mp.multipart(), handler)
    tracemalloc.start()
    try:
        with TestClient(app) as client:
            responses, _ = client.exchange(chunked(MP, pieces()), responses=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert responses[0].text == "ok"
    assert seen == {"size": 128 * 65536, "rolled": True}
    assert peak < 3 * 1024 * 1024, peak


def test_body_fed_one_byte_at_a_time():
    body = form(part("a", "x\r\n--not-the-boundary\r\n"), part("f", "data\r\n", filename="f.txt"))
    app = make_app()
    head = build_request("POST", "/", {**MP, "Content-Length": str(len(body))})
    with TestClient(app) as client:
        responses, _ = client.exchange([head] + [body[i:i + 1] for i in range(len(body))], responses=1)
    data = responses[0].json()
    assert data["body"] == {"a": "x\r\n--not-the-boundary\r\n"}
    assert data["files"][0]["content"] == "data\r\n"


def test_preamble_and_epilogue_are_ignored():
    body = b"preamble text\r\nmore --" + B.encode() + b"x\r\n" + form(part("a", "1")) + b"the epilogue"
    assert post(make_app(), body).json()["body"] == {"a": "1"}


def test_empty_form():
    assert post(make_app(), f"--{B}--\r\n".encode()).json() == {"body": {}, "files": []}


def test_skipped_parts():
    body = form(part("empty", "", filename="", ctype="application/octet-stream"),
                part("blob", "data", ctype="application/octet-stream"),
                f"--{B}\r\nX-Other: 1\r\n\r\nno disposition\r\n".encode(),
                part(None, "x", disposition='attachment; name="att"'),
                part("kept", "yes"))
    assert post(make_app(), body).json() == {"body": {"kept": "yes"}, "files": []}


def test_file_names():
    body = form(part("a", "1", filename="dir/sub/x.txt"), part("b", "2", filename="C:\\\\Users\\\\y.txt"),
                part("c", "3", filename=".."),
                part(None, "4", disposition="form-data; name=\"d\"; filename=\"plain.txt\"; "
                                            "filename*=UTF-8''%E2%82%AC%20rates.txt"),
                part("e", "5", filename="r\u00e9sum\u00e9.txt"), part("f", "6", filename="q%22uote%0A.txt"))
    names = [f["filename"] for f in post(make_app(), body).json()["files"]]
    assert names == ["x.txt", "y.txt", "\u20ac rates.txt", "r\u00e9sum\u00e9.txt", 'q"uote\n.txt']


def test_multer_charset_options():
    body = form(part("a", "1", filename="dir/r\u00e9sum\u00e9.txt"))
    files = post(make_app(mp.multipart(def_param_charset="latin1", preserve_path=True)), body).json()["files"]
    assert files[0]["filename"] == "dir/r\u00c3\u00a9sum\u00c3\u00a9.txt"


def test_field_values_and_charsets():
    body = form(part("latin", b"caf\xe9", ctype="text/plain; charset=iso-8859-1"),
                part("utf", "\u2603"), part("bad", b"\xff"), part("a%22b%0Dc", "escaped"),
                part("cte", "v", extra="Content-Transfer-Encoding: BASE64\r\n"))
    assert post(make_app(), body).json()["body"] == {"latin": "caf\u00e9", "utf": "\u2603", "bad": "\ufffd",
                                                     'a"b\rc': "escaped", "cte": "v"}
    body = form(part("f", "x", filename="f.csv", ctype="Text/CSV; charset=utf-8",
                     extra="Content-Transfer-Encoding: BINARY\r\n"))
    f = post(make_app(), body).json()["files"][0]
    assert (f["content_type"], f["encoding"]) == ("text/csv", "binary")
    body = form(part("v", b"caf\xe9"))
    assert post(make_app(mp.multipart(def_charset="latin1")), body).json()["body"] == {"v": "caf\u00e9"}


def test_bracket_names_stay_flat():
    body = form(part("user[name]", "ann"), part("list[]", "a"), part("list[]", "b"))
    assert post(make_app(), body).json()["body"] == {"user[name]": "ann", "list[]": ["a", "b"]}


def test_not_multipart_passes_through():
    app = express()
    app.post("/", mp.multipart(), lambda req, res: res.json({"body": req.body, "files": req.files}))
    with TestClient(app) as client:
        assert client.post("/", content="{}", headers={"Content-Type": "application/json"}).json() == {
            "body": None, "files": None}
        assert client.post("/").json() == {"body": None, "files": None}


def test_after_another_parser_read_the_body():
    app = express()
    app.post("/", express.raw(type="*/*"), mp.multipart(),
             lambda req, res: res.json({"raw": len(req.body), "files": req.files}))
    with TestClient(app) as client:
        body = form(part("a", "1"))
        assert client.post("/", content=body, headers=MP).json() == {"raw": len(body), "files": None}


# ------------------------------------------------------------------ limits

@pytest.mark.parametrize("limits,body,code,message,field,filename", [
    ({"file_size": 10}, form(part("f", "0123456789A", filename="big.txt")), "LIMIT_FILE_SIZE", "File too large",
     "f", "big.txt"),
    ({"files": 2}, form(*(part("f", "x", filename=f"{i}.txt") for i in range(3))), "LIMIT_FILE_COUNT",
     "Too many files", None, None),
    ({"fields": 3}, form(*(part(f"k{i}", "v") for i in range(4))), "LIMIT_FIELD_COUNT", "Too many fields",
     None, None),
    ({"field_size": 20}, form(part("long", "x" * 21)), "LIMIT_FIELD_VALUE", "Field value too long", "long", None),
    ({"parts": 2}, form(part("a", "1"), part("b", "2"), part("c", "3")), "LIMIT_PART_COUNT", "Too many parts",
     None, None),
    ({"field_name_size": 5}, form(part("abcdef", "v")), "LIMIT_FIELD_KEY", "Field name too long", None, None),
    ({"field_name_size": 5}, form(part("abcdef", "v", filename="f")), "LIMIT_FIELD_KEY", "Field name too long",
     None, None),
    ({"header_pairs": 2}, form(part("a", "1", ctype="text/plain", extra="X-A: 1\r\n")), "LIMIT_HEADER_PAIRS",
     "Too many header pairs", None, None),
])
def test_limits_are_413_with_multer_codes(limits, body, code, message, field, filename):
    r = post(make_app(mp.multipart(**limits)), body)
    assert r.status_code == 413
    assert r.json() == {"message": message, "code": code, "field": field, "filename": filename}


def test_limits_at_the_edge_pass():
    app = make_app(mp.multipart(file_size=10, files=2, fields=3, field_size=20, parts=5, field_name_size=5,
                                header_pairs=2))
    body = form(part("a", "x" * 20), part("b", "1"), part("c", "2"), part("f", "0123456789", filename="f.txt"),
                part("g", "", filename="g.txt", ctype="text/plain"))
    assert post(app, body).status_code == 200


def test_default_field_size_is_one_mib():
    app = make_app()
    assert post(app, form(part("v", "x" * (1024 * 1024)))).status_code == 200
    assert post(app, form(part("v", "x" * (1024 * 1024 + 1)))).json()["code"] == "LIMIT_FIELD_VALUE"


def test_limits_given_as_multer_dict_and_strings():
    body = form(part("f", "x" * 2048, filename="f"))
    assert post(make_app(mp.multipart({"fileSize": 1024})), body).json()["code"] == "LIMIT_FILE_SIZE"
    assert post(make_app(mp.multipart(limits={"fileSize": "1kb"})), body).json()["code"] == "LIMIT_FILE_SIZE"
    assert post(make_app(mp.multipart(file_size="2kb")), body).status_code == 200
    assert post(make_app(mp.multipart(file_size=float("inf"))), body).status_code == 200


def test_bad_options():
    with pytest.raises(TypeError):
        mp.multipart(nope=1)
    with pytest.raises(TypeError):
        mp.multipart(file_size=-1)
    with pytest.raises(TypeError):
        mp.multipart(files="many")


def test_a_file_too_large_stops_the_upload_and_closes_files(monkeypatch):
    created: list[mp.UploadedFile] = []
    original = mp.UploadedFile.__init__

    def tracking_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(mp.UploadedFile, "__init__", tracking_init)
    head = f"--{B}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n".encode()
    first = part("first", "ok", filename="first.txt")
    fed: list[int] = []
    seen: dict[str, Any] = {}

    def pieces():
        yield first + head
        for i in range(100):
            fed.append(i)
            yield b"x" * 512

    def on_error(err, req, res, next):
        seen["at"] = len(fed)
        seen["closed"] = [f.file.closed for f in created]
        res.status(err.status).json({"code": err.code, "field": err.field, "filename": err.filename,
                                     "files": len(req.files)})

    app = express()
    app.post("/", mp.multipart(file_size=1000), lambda req, res: res.send("never"))
    app.use(on_error)
    with TestClient(app) as client:
        responses, _ = client.exchange(chunked(MP, pieces()), responses=1)
    assert responses[0].status_code == 413
    assert responses[0].json() == {"code": "LIMIT_FILE_SIZE", "field": "f", "filename": "big", "files": 0}
    assert seen["at"] < 10, seen
    assert len(fed) == 100
    assert seen["closed"] == [True, True]


# ------------------------------------------------------------------ malformed input

@pytest.mark.parametrize("headers,body,status,message", [
    ({"Content-Type": "multipart/form-data"}, b"x", 400, "Multipart: Boundary not found"),
    (MP, form(part("a", "1"))[:-10], 400, "Unexpected end of form"),
    (MP, b"just some text", 400, "Unexpected end of form"),
    (MP, b"", 400, "Unexpected end of form"),
    (MP, f"--{B}\r\nContent-Disposition form-data\r\n\r\nx\r\n--{B}--\r\n".encode(), 400, "Malformed part header"),
    (MP, f"--{B}\r\nContent-Disposition: form-data; name=\"a\"\r\n".encode(), 400, "Malformed part header"),
    (MP, f"--{B}\r\nX: \x01\r\n\r\nx\r\n--{B}--\r\n".encode(), 400, "Malformed part header"),
    (MP, f"--{B}\r\nX: {'y' * 17000}\r\n\r\nx\r\n--{B}--\r\n".encode(), 400, "Malformed part header"),
    (MP, form(part(None, "v")), 400, "Field name missing"),
    (MP, form(part(None, "v", filename="f.txt")), 400, "Field name missing"),
    ({"Content-Type": f"multipart/mixed; boundary={B}"}, form(part("a", "1")), 415,
     "Unsupported content type: multipart/mixed"),
    ({"Content-Type": "multipart/form-data; boundary=" + "b" * 300}, b"x", 400, None),
])
def test_malformed_multipart(headers, body, status, message):
    r = post(make_app(), body, headers)
    assert r.status_code == status
    if message is not None:
        assert r.json()["message"] == message
    if message == "Field name missing":
        assert r.json()["code"] == "MISSING_FIELD_NAME"


def test_errors_are_http_errors():
    app = make_app(mp.multipart(files=0))
    post(app, form(part("f", "x", filename="f")))
    err = app.seen["error"]
    assert isinstance(err, HTTPError) and err.status == 413 and err.expose and err.code == "LIMIT_FILE_COUNT"
    assert app.seen["files_at_error"] == []


def test_default_error_page():
    app = express()
    app.post("/", mp.multipart(file_size=1), lambda req, res: res.send("ok"))
    with TestClient(app) as client:
        r = client.post("/", content=form(part("f", "xx", filename="f")), headers=MP)
    assert r.status_code == 413 and "File too large" in r.text


def test_parse_disposition():
    assert mp.parse_disposition('form-data; name="a\\"b"; filename=x.txt', "utf-8") == (
        "form-data", {"name": 'a"b', "filename": "x.txt"})
    assert mp.parse_disposition("Form-Data;name=a;name=b", "utf-8") == ("form-data", {"name": "a"})
    assert mp.parse_disposition("form-data; filename*=iso-8859-1'en'%E9t%E9", "utf-8") == (
        "form-data", {"filename*": "\u00e9t\u00e9"})
    assert mp.parse_disposition("form-data; name", "utf-8") is None
    assert mp.parse_disposition('form-data; name="open', "utf-8") is None
    assert mp.parse_disposition("form-data; filename*=utf-8''%ZZ", "utf-8") is None
    assert mp.parse_disposition("", "utf-8") is None
