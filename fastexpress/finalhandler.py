"""The handler of last resort: Express's ``finalhandler`` (the 404 page and the error page)."""
from __future__ import annotations

import asyncio
import sys
import traceback
from typing import TYPE_CHECKING, Any

from .httputil import encodeurl, escape_html
from .router import DONE, strip_protohost
from .statuses import message as status_message

if TYPE_CHECKING:
    from .application import App
    from .request import Request
    from .response import Response


def html_document(message: str) -> str:
    body = escape_html(message).replace("\n", "<br>").replace("  ", " &nbsp;")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Error</title>\n</head>\n<body>\n<pre>" + body + "</pre>\n</body>\n</html>\n"
    )


def error_status(err: Any) -> int | None:
    """``err.status`` (else ``status_code``/``statusCode``) when it is an int in 400-599."""
    for attr in ("status", "status_code", "statusCode"):
        value = getattr(err, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and 400 <= value < 600:
            return value
    return None


def error_text(err: Any) -> str:
    """What Express shows as ``err.stack`` (Python's traceback) or ``String(err)``."""
    if isinstance(err, BaseException):
        return "".join(traceback.format_exception(err)).rstrip("\n")
    from .response import js_string

    return js_string(err)


def log_error(err: Any) -> None:
    print(error_text(err), file=sys.stderr)


class FinalHandler:
    """``done`` for an app's outermost router: the 404 page, or the error page for ``err``.

    PERF: a small object made per request, reading the ``env`` setting only when it is used.
    """

    __slots__ = ("req", "res", "app")

    def __init__(self, req: Request, res: Response, app: App) -> None:
        self.req = req
        self.res = res
        self.app = app

    def __call__(self, err: Any = None) -> Any:
        try:
            return self._respond(err)
        except Exception as exc:  # `err` cannot be shown (a property of it raises): show that failure
            return self._respond(exc)

    def _respond(self, err: Any) -> Any:
        req, res = self.req, self.res
        headers = None
        if err is None and res.headers_sent:
            return DONE
        if err is not None:
            status = error_status(err)
            if status is None:
                code = res.status_code
                status = code if isinstance(code, int) and 400 <= code <= 599 else 500
            else:
                raw = getattr(err, "headers", None)
                headers = dict(raw) if isinstance(raw, dict) else None
            env = self.app.settings.get("env")
            # JavaScript prints a missing status text as "undefined" (e.g. for 499 or 599).
            msg = (error_text(err) if env != "production" else "") or status_message(status) or "undefined"
            self.app._log_error(err)
        else:
            status = 404
            original = req.original_url
            path = original[len(strip_protohost(original)):] if original[:1] != "/" else original
            msg = f"Cannot {req.method} {encodeurl(path.split('?', 1)[0])}"
        if res.headers_sent:
            req.socket.abort()
            return DONE
        # Express's finalhandler writes once the request stream has ended: on a later turn,
        # even when a parser read the body (checked against Express 5.3.0). What runs after
        # next() comes first, as there.
        if not req._body_done and not req._read_started:
            req._discard()
        asyncio.get_event_loop().call_soon(self._send, status, headers, msg)
        return DONE

    def _send(self, status: int, headers: dict[str, Any] | None, msg: str) -> None:
        res = self.res
        if res.headers_sent:  # the app has answered since
            return
        try:
            send_error_page(self.req, res, status, headers, msg)
        except Exception as exc:  # the error's own headers are not valid headers: the page without them
            self.app._log_error(exc)
            if not res.headers_sent:
                send_error_page(self.req, res, status, None, msg)


def send_error_page(req: Request, res: Response, status: int, headers: dict[str, Any] | None, msg: str) -> None:
    body = html_document(msg).encode("utf-8")
    res.status_code = status
    res.status_message = status_message(status)
    for name in ("Content-Encoding", "Content-Language", "Content-Range"):
        res.remove_header(name)
    for key, value in (headers or {}).items():
        res.set_header(key, value)
    res.set_header("Content-Security-Policy", "default-src 'none'")
    res.set_header("X-Content-Type-Options", "nosniff")
    res.set_header("Content-Type", "text/html; charset=utf-8")
    res.set_header("Content-Length", str(len(body)))
    res.end() if req.method == "HEAD" else res.end(body)
