"""Differential compatibility suite: the same app on Express 5.3.0 (tests/compat/app.js) and
on fastexpress (tests/compat/app.py), the same raw requests to both, byte-level comparison.

Compared: status code, reason phrase, the ordered (lower-cased name, value) header list less
Date/Connection/Keep-Alive/X-Powered-By, and the body bytes (de-chunked). Needs Node 20 and
`npm ci --prefix tests/compat`; skipped otherwise. Every run rewrites
tests/compat/MISMATCHES.md with the cases that differ.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

COMPAT = Path(__file__).resolve().parent / "compat"
sys.path.insert(0, str(COMPAT))

import harness  # noqa: E402
from cases import CASES, Case  # noqa: E402

_why_not = harness.node_available()
if _why_not is not None:
    pytest.skip(f"{_why_not}: compatibility suite skipped "
                "(install Node 20 and run npm ci --prefix tests/compat)", allow_module_level=True)


_results: list[tuple[Case, list[str]]] = []


@pytest.fixture(scope="module")
def express_server() -> Iterator[harness.Server]:
    with harness.servers(("express",)) as srv:
        yield srv["express"]


@pytest.fixture(scope="module")
def fastexpress_server() -> Iterator[harness.Server]:
    with harness.servers(("fastexpress",)) as srv:
        yield srv["fastexpress"]


@pytest.fixture(scope="module", autouse=True)
def mismatch_report() -> Iterator[None]:
    _results.clear()
    yield
    if _results:
        harness.write_mismatches(_results, len(CASES))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_compat(case: Case, express_server: harness.Server, fastexpress_server: harness.Server) -> None:
    if case.deliberate and case.expect_python is None:
        pytest.skip(f"deliberate difference: {case.deliberate}")
    expected = harness.run_case(case, express_server.port)
    assert expected.status, f"Express gave no response to {case.id}:\n{expected.describe()}"
    got = harness.run_case(case, fastexpress_server.port)
    differences = harness.compare(case, expected, got) or []
    _results.append((case, differences))
    if differences:
        pytest.fail(
            f"{case.id} ({case.section}): {case.description}\n"
            + "\n".join(f"  - {d}" for d in differences)
            + f"\n--- Express sent\n{expected.describe(1500)}\n--- fastexpress sent\n{got.describe(1500)}",
            pytrace=False,
        )
