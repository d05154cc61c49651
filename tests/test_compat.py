"""Differential compatibility suite: the same app on Express 5.3.0 and on fastexpress, the same
raw requests to both, byte-level comparison.

Suites: tests/compat itself (app.js, app.py, cases.py: Express's core, sections 0-3 of the
behaviour notes) and each folder below it holding its own app.js, app.py and cases.py (one per
area: cookies, files, templates, body parsers, middleware...). Compared: status code, reason
phrase, the ordered (lower-cased name, value) header list less Date/Connection/Keep-Alive and
X-Powered-By's value, and the body bytes (de-chunked). Needs Node 20 and
`npm ci --prefix tests/compat`; skipped otherwise. Every run rewrites
tests/compat/MISMATCHES.md with the cases that differ.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Iterator

import pytest

COMPAT = Path(__file__).resolve().parent / "compat"
sys.path.insert(0, str(COMPAT))

import harness  # noqa: E402
from cases import Case  # noqa: E402

_why_not = harness.node_available()
if _why_not is not None:
    pytest.skip(f"{_why_not}: compatibility suite skipped "
                "(install Node 20 and run npm ci --prefix tests/compat)", allow_module_level=True)


def _load_cases(suite: Path) -> list[Case]:
    spec = importlib.util.spec_from_file_location(f"compat_cases_{suite.name}", suite / "cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return list(module.CASES)


SUITES = [COMPAT] + sorted(p.parent for p in COMPAT.glob("*/cases.py") if "node_modules" not in p.parts)
PARAMS = [pytest.param(suite, case, id=(case.id if suite == COMPAT else f"{suite.name}:{case.id}"))
          for suite in SUITES for case in _load_cases(suite)]
_results: list[tuple[Case, list[str]]] = []
_started: dict[Path, dict[str, harness.Server]] = {}


@pytest.fixture(scope="module")
def running() -> Iterator[dict[Path, dict[str, harness.Server]]]:
    """The app pairs, started on first use and stopped when the module ends."""
    import contextlib

    with contextlib.ExitStack() as stack:
        class Lazy(dict):  # type: ignore[type-arg]
            def __missing__(self, suite: Path) -> dict[str, harness.Server]:
                self[suite] = stack.enter_context(harness.servers(suite=suite))
                return self[suite]

        yield Lazy()


@pytest.fixture(scope="module", autouse=True)
def mismatch_report() -> Iterator[None]:
    _results.clear()
    yield
    if _results:
        harness.write_mismatches(_results, len(PARAMS))


@pytest.mark.parametrize("suite,case", PARAMS)
def test_compat(suite: Path, case: Case, running: dict[Path, dict[str, harness.Server]]) -> None:
    if case.deliberate and case.expect_python is None:
        pytest.skip(f"deliberate difference: {case.deliberate}")
    pair = running[suite]
    expected = harness.run_case(case, pair["express"].port)
    assert expected.status, f"Express gave no response to {case.id}:\n{expected.describe()}"
    got = harness.run_case(case, pair["fastexpress"].port)
    differences = harness.compare(case, expected, got) or []
    _results.append((case, differences))
    if differences:
        pytest.fail(
            f"{case.id} ({case.section}): {case.description}\n"
            + "\n".join(f"  - {d}" for d in differences)
            + f"\n--- Express sent\n{expected.describe(1500)}\n--- fastexpress sent\n{got.describe(1500)}",
            pytrace=False,
        )
