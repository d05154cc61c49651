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


# Middleware and helpers that live in their own modules, loaded on first use:
# name -> (module, attribute).
_LAZY = {
    "static": ("middleware.static", "static"),
    "json": ("bodyparser", "json"),
    "urlencoded": ("bodyparser", "urlencoded"),
    "text": ("bodyparser", "text"),
    "raw": ("bodyparser", "raw"),
    "multipart": ("middleware.multipart", "multipart"),
    "cookie_parser": ("cookies", "cookie_parser"),
    "cookieParser": ("cookies", "cookie_parser"),
    "compression": ("middleware.compression", "compression"),
    "cors": ("middleware.cors", "cors"),
    "logger": ("middleware.logger", "logger"),
    "View": ("view", "View"),
    "ViewError": ("view", "ViewError"),
    "Jinja2Engine": ("view", "Jinja2Engine"),
}


def _lazy(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'fastexpress' has no attribute {name!r}") from None
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), attr)


def __getattr__(name: str) -> Any:  # PEP 562: `from fastexpress import static`
    return _lazy(name)


class _Express:
    """``express()`` makes an app; its attributes are Express's built-in middleware."""

    Router = Router

    def __call__(self) -> App:
        return App()

    def __getattr__(self, name: str) -> Any:
        return _lazy(name)

    def __repr__(self) -> str:
        return "<fastexpress.express>"


express: Any = _Express()

__all__ = [
    "IMPLEMENTATION", "App", "ClientDisconnect", "HTTPError", "HeadersSentError", "Request", "Response",
    "Route", "Router", "UNDEFINED", "WriteAfterEndError", "express",
]
