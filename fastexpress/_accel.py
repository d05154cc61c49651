"""Pick the compiled speedups when they are built, else the pure-Python twin.

``FASTEXPRESS_NO_EXTENSIONS=1`` forces the twin (as yarl and multidict do).
"""
from __future__ import annotations

import os

IMPLEMENTATION = "python"
if not os.environ.get("FASTEXPRESS_NO_EXTENSIONS"):
    try:
        from ._speedups import RequestHead, chunk, frame_head, has_body, header_map, validate_header, weak_etag

        IMPLEMENTATION = "cython"
    except ImportError:  # no compiler at install time: the twin serves
        pass
if IMPLEMENTATION == "python":
    from ._speedups_py import RequestHead, chunk, frame_head, has_body, header_map, validate_header, weak_etag

__all__ = ["IMPLEMENTATION", "RequestHead", "chunk", "frame_head", "has_body", "header_map", "validate_header",
           "weak_etag"]
