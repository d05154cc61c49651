"""Shared fixtures: tiny apps are built in each test; these give a client and event loops."""
from __future__ import annotations

import asyncio
from typing import Iterator

import pytest

from fastexpress import App, express
from fastexpress.testing import TestClient

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
    uvloop = None  # type: ignore[assignment]

LOOPS = ["asyncio"] + (["uvloop"] if uvloop is not None else [])


@pytest.fixture
def app() -> App:
    return express()


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture(params=LOOPS)
def event_loop_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def loop(event_loop_kind: str) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop of each kind (for tests over real loopback sockets)."""
    new = uvloop.new_event_loop() if event_loop_kind == "uvloop" else asyncio.new_event_loop()
    try:
        yield new
    finally:
        new.close()
