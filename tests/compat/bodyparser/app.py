"""Body parsers and multipart on fastexpress: the twin of app.js (keep both in step, same order).
Run: FASTEXPRESS_ENV=production python app.py PORT
"""
from __future__ import annotations

import base64
import sys

from fastexpress import HTTPError, express

port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
app = express()


def js_typeof(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def echo(req, res):
    body = req.body
    if isinstance(body, bytes):
        return res.json({"has": True, "kind": "bytes", "length": len(body),
                         "base64": base64.b64encode(body).decode()})
    # Express's undefined is None here; a parsed JSON null never reaches this app.
    res.json({"has": body is not None, "kind": "undefined" if body is None else js_typeof(body), "body": body})


def echo_files(req, res):
    res.json({
        "body": req.body,
        "files": [{
            "fieldname": f.fieldname,
            "originalname": f.originalname,
            "encoding": f.encoding,
            "mimetype": f.mimetype,
            "size": f.size,
            "content": f.read().decode("latin-1"),
        } for f in (req.files or [])],
    })


def verify_no_bad(req, res, buf, encoding):
    if b"bad" in buf:
        raise ValueError("verify says no")


def verify_status(req, res, buf, encoding):
    if b"teapot" in buf:
        raise HTTPError(418, "short and stout", type="custom.verify")


def double_numbers(key, value):
    return value * 2 if type(value) in (int, float) else value


parsers = express.Router()
parsers.post("/json", express.json(), echo)
parsers.post("/json/loose", express.json(strict=False), echo)
parsers.post("/json/limit", express.json(limit="20b"), echo)
parsers.post("/json/limit-kb", express.json(limit="1kb"), echo)
parsers.post("/json/type", express.json(type=["application/vnd.api+json", "text/*"]), echo)
parsers.post("/json/type-fn", express.json(type=lambda req: req.headers.get("x-parse") == "yes"), echo)
parsers.post("/json/verify", express.json(verify=verify_no_bad), echo)
parsers.post("/json/verify-status", express.json(verify=verify_status), echo)
parsers.post("/json/reviver", express.json(reviver=double_numbers), echo)
parsers.post("/json/noinflate", express.json(inflate=False), echo)
parsers.post("/json/twice", express.json(), express.json(strict=False), echo)
parsers.post("/json/then-text", express.json(), express.text(type="*/*"), echo)
parsers.post("/json/default-latin1", express.json(default_charset="latin1"), echo)
parsers.post("/json/deep", express.json(limit="1mb"), lambda req, res: res.json({"parsed": js_typeof(req.body)}))
parsers.post("/form", express.urlencoded(), echo)
parsers.post("/form/ext", express.urlencoded(extended=True), echo)
parsers.post("/form/plimit", express.urlencoded(parameter_limit=3), echo)
parsers.post("/form/depth", express.urlencoded(extended=True, depth=2), echo)
parsers.post("/form/sentinel", express.urlencoded(extended=True, charset_sentinel=True), echo)
parsers.post("/form/limit", express.urlencoded(limit=10), echo)
parsers.post("/text", express.text(), echo)
parsers.post("/text/latin1", express.text(default_charset="iso-8859-1"), echo)
parsers.post("/text/any", express.text(type="*/*"), echo)
parsers.post("/text/verify", express.text(verify=verify_no_bad), echo)
parsers.post("/raw", express.raw(), echo)
parsers.post("/raw/any", express.raw(type=lambda req: True, limit=64), echo)
parsers.post("/mp", express.multipart(), echo_files)
parsers.post("/mp/limits", express.multipart(file_size=10, files=2, fields=3, field_size=20, parts=6), echo_files)
parsers.post("/mp/names", express.multipart(field_name_size=5), echo_files)
parsers.get("/none", express.json(), express.urlencoded(), express.text(), express.raw(), express.multipart(), echo)

app.use("/p", parsers)
app.use("/e", parsers)


def error_details(err, req, res, next):
    details = {
        "type": getattr(err, "type", None),
        "message": str(err),
        "expose": getattr(err, "expose", None),
        "expected": getattr(err, "expected", None),
        "length": getattr(err, "length", None),
        "limit": getattr(err, "limit", None),
        "charset": getattr(err, "charset", None),
        "encoding": getattr(err, "encoding", None),
        "code": getattr(err, "code", None),
        "field": getattr(err, "field", None),
        "body": err.body if isinstance(getattr(err, "body", None), str) else None,
    }
    res.status(getattr(err, "status", None) or 500).json({k: v for k, v in details.items() if v is not None})


app.use("/e", error_details)


if __name__ == "__main__":
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress ready on {port}", flush=True))
