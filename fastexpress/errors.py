"""Exceptions that cross the public API."""
from __future__ import annotations

from typing import Any, Mapping

from .statuses import message as _status_message


class HTTPError(Exception):
    """An error that carries an HTTP status, like the `http-errors` objects Express uses.

    The default error handler honours ``status`` (400-599), applies ``headers`` and, in
    production, shows only the status text. ``expose`` says whether the message is safe to show
    a client (true for 4xx by default, as in http-errors).
    """

    def __init__(
        self,
        status: int = 500,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        expose: bool | None = None,
        type: str | None = None,
        **props: Any,
    ) -> None:
        if message is None:
            message = _status_message(status) or "Unknown Error"
        super().__init__(message)
        self.status = status
        self.status_code = status
        self.message = message
        self.headers = dict(headers) if headers else None
        self.expose = status < 500 if expose is None else expose
        self.type = type
        for key, value in props.items():
            setattr(self, key, value)

    @property
    def statusCode(self) -> int:  # noqa: N802 - Express spelling
        return self.status

    def __str__(self) -> str:
        return self.message


class HeadersSentError(RuntimeError):
    """Headers or a body were sent already (Express: ERR_HTTP_HEADERS_SENT)."""

    code = "ERR_HTTP_HEADERS_SENT"

    def __init__(self, message: str = "Cannot set headers after they are sent to the client") -> None:
        super().__init__(message)


class WriteAfterEndError(HeadersSentError):
    """``res.write`` after the response ended (Node: ERR_STREAM_WRITE_AFTER_END)."""

    code = "ERR_STREAM_WRITE_AFTER_END"

    def __init__(self, message: str = "write after end") -> None:
        super().__init__(message)


class ClientDisconnect(HTTPError):
    """The client went away while the request body was being read (body-parser: request.aborted)."""

    def __init__(self, message: str = "request aborted") -> None:
        super().__init__(400, message, type="request.aborted", code="ECONNABORTED")
