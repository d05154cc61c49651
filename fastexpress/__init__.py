"""fastexpress: Express's API for Python, on uvloop + httptools."""
from __future__ import annotations

from typing import Any

from ._accel import IMPLEMENTATION
from .application import App
from .errors import ClientDisconnect, HeadersSentError, HTTPError, WriteAfterEndError
from .request import Request
from .response import UNDEFINED, Response
from .router import Route, Router

__version__ = "0.1.0"


class _Express:
    """``express()`` makes an app; its attributes are Express's built-in middleware."""

    Router = Router

    def __call__(self) -> App:
        return App()

    def __repr__(self) -> str:
        return "<fastexpress.express>"


express: Any = _Express()

__all__ = [
    "IMPLEMENTATION", "App", "ClientDisconnect", "HTTPError", "HeadersSentError", "Request", "Response",
    "Route", "Router", "UNDEFINED", "WriteAfterEndError", "express",
]
