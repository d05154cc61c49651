"""HTTP status reason phrases, matching Node 20 and the npm ``statuses`` package.

Two maps are kept because Express uses both for different things:

* ``STATUS_CODES`` is Node's ``http.STATUS_CODES``: the reason phrase Node
  writes on the status line (``res.statusMessage`` defaults to it, and to
  ``"unknown"`` for a code it does not know).
* ``MESSAGES`` is ``statuses.message`` (statuses 2.0.2), used by
  ``res.sendStatus`` (body ``MESSAGES[code] or str(code)``), ``res.redirect``
  and finalhandler error pages; unknown codes have no entry.

As of Node 20.20 and statuses 2.0.2 the two tables are identical (63 codes,
same phrases, e.g. 418 "I'm a Teapot", 413 "Payload Too Large", 422
"Unprocessable Entity"); they differ only in the fallback for unknown codes
(``reason`` -> ``"unknown"``, ``message`` -> ``None``). Both names
are kept so either can follow its upstream.
"""

from __future__ import annotations

__all__ = ["STATUS_CODES", "MESSAGES", "reason", "message"]

# Node 20 http.STATUS_CODES, verbatim.
STATUS_CODES: dict[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non-Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi-Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a Teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    509: "Bandwidth Limit Exceeded",
    510: "Not Extended",
    511: "Network Authentication Required",
}

# statuses 2.0.2 codes.json (statuses.message): identical to Node 20's table today (the tests
# check both against the real packages); should they part, the differences go here.
MESSAGES: dict[int, str] = dict(STATUS_CODES)


def reason(code: int) -> str:
    """Reason phrase Node puts on the status line (``"unknown"`` if unknown)."""
    return STATUS_CODES.get(code) or "unknown"


def message(code: int) -> str | None:
    """``statuses.message[code]``: Express's status text, ``None`` if unknown."""
    return MESSAGES.get(code)
