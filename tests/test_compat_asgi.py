"""The differential compatibility suite once more, with fastexpress served by uvicorn over ASGI.

Every case of tests/compat/cases.py, and of each area's suite below it (cookies, bodyparser,
files, middleware, views...), goes byte for byte to Express 5.3.0 (app.js) and to the suite's
app.py run as ``uvicorn app:app`` (httptools parser, ``--no-server-header`` and
``--no-proxy-headers`` so that uvicorn adds nothing a plain server would not). The comparison is
harness.py's, unchanged, except where ASGI itself decides the answer; those cases are listed in
ASGI_ONLY below with the reason, one per case, and the README's list of ASGI-only differences
says the same in general terms. A case that differs from Express on the built-in server too is
skipped here: tests/test_compat.py reports it.

- the reason phrase is the server's (ASGI carries a status code, no phrase): compared against
  uvicorn's phrase for the code instead of Node's (REASON_FROM_SERVER);
- framing and keep-alive are the server's (an app's own Connection header is passed on, and
  uvicorn honours it): an HTTP/1.0 stream is chunked by uvicorn instead of delimited by the close;
- 100-continue, malformed requests and protocol limits are handled by uvicorn's parser;
- the request target reaches the app as path + query string: an absolute-form target loses
  its scheme and host, and header names arrive lower-cased.
"""
from __future__ import annotations

import http
import importlib.util
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

COMPAT = Path(__file__).resolve().parent / "compat"
sys.path.insert(0, str(COMPAT))

import harness  # noqa: E402
from cases import CASES, Case  # noqa: E402

_why_not = harness.node_available()
if _why_not is not None:
    pytest.skip(f"{_why_not}: ASGI compatibility suite skipped "
                "(install Node 20 and run npm ci --prefix tests/compat)", allow_module_level=True)
if importlib.util.find_spec("uvicorn") is None:
    pytest.skip("uvicorn is not installed: ASGI compatibility suite skipped "
                "(pip install -e '.[asgi]')", allow_module_level=True)

# Runs `uvicorn app:app` in tests/compat (harness appends the port: sys.argv[1]). app.py reads
# sys.argv[1] as its port at import time, so the CLI is entered from here rather than through
# the `uvicorn` script, whose argv[1] would be "app:app". Until App.__call__ dispatches ASGI
# scopes itself, the app is wrapped (fastexpress.asgi.AsgiApp) under the name `asgi`.
LAUNCHER = """
import inspect, sys
port = sys.argv[1]
from fastexpress.application import App
import uvicorn.main
target = "app:app"
if not inspect.iscoroutinefunction(App.__call__):
    import app as module
    from fastexpress.asgi import AsgiApp
    module.asgi = AsgiApp(module.app)
    target = "app:asgi"
uvicorn.main.main(args=[target, "--host", "127.0.0.1", "--port", port, "--http", "httptools",
                        "--no-server-header", "--no-proxy-headers", "--no-access-log",
                        "--log-level", "warning", "--lifespan", "on"])
"""

# Case id -> why the answer under an ASGI server differs from Express's by design.
ASGI_ONLY: dict[str, str] = {
    "wire-http10-stream": "framing is the server's: uvicorn chunks a streamed HTTP/1.0 response "
                          "instead of ending it with the close",
    "send-transfer-encoding": "Transfer-Encoding is the server's: the app's header is dropped and "
                              "uvicorn writes its own, last",
    "expect-continue": "100 Continue is the server's: uvicorn sends it when the app first reads the "
                       "body, and this handler never does (Node sends it at once)",
    "wire-unknown-method": "malformed requests are answered by uvicorn's parser (400 with its own "
                           "text body)",
    "wire-garbage": "malformed requests are answered by uvicorn's parser (400 with its own text body)",
    "wire-no-host": "request validation is the server's: uvicorn accepts an HTTP/1.1 request "
                    "without Host (Node answers 400)",
    "wire-huge-header": "limits are the server's: uvicorn has no 16 KiB header limit (Node answers 431)",
    "req-info-restore-fragment": "the target reaches the app as path + query: uvicorn drops a #fragment "
                                 "sent in the request line (Express shows it in req.url)",
    "req-info-restore-query-fragment": "the target reaches the app as path + query: uvicorn drops a "
                                       "#fragment sent in the request line",
    "files:ot-fragment-dir": "the target reaches the app as path + query: uvicorn drops a #fragment "
                             "sent in the request line (Express echoes it in the redirect)",
    "files:ot-fragment-query-dir": "the target reaches the app as path + query: uvicorn drops a "
                                   "#fragment sent in the request line",
    "files:ot-absolute-form-dir": "the target reaches the app as path + query: an absolute-form "
                                  "target loses its scheme and host",
    "files:ot-raw-utf8": "malformed requests are the server's: uvicorn's parser refuses raw UTF-8 "
                         "bytes in the target (400)",
    "files:ot-raw-utf8-dir": "malformed requests are the server's: uvicorn's parser refuses raw UTF-8 "
                             "bytes in the target (400)",
    "middleware:c-http10": "framing is the server's: uvicorn chunks a streamed (compressed) HTTP/1.0 "
                           "response instead of ending it with the close",
}

# Statuses whose reason phrase uvicorn cannot write at all (outside 100-599): uvicorn fails the
# response with a 500.
for _code in (999,):
    ASGI_ONLY[f"sendstatus-{_code}"] = f"status {_code}: uvicorn only knows status lines 100-599"


def _server_phrase(status: int) -> str:
    """The reason phrase uvicorn writes for a status code (its STATUS_LINE table)."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _reason_from_server(comparable: dict[str, object]) -> dict[str, object]:
    out = dict(comparable)
    status = out["status"]
    assert isinstance(status, int)
    out["reason"] = _server_phrase(status)
    following = out.get("following")
    if isinstance(following, dict):
        out["following"] = _reason_from_server(following)
    return out


def _load_cases(suite: Path) -> list[Case]:
    if suite == COMPAT:
        return list(CASES)
    spec = importlib.util.spec_from_file_location(f"compat_asgi_cases_{suite.name}", suite / "cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return list(module.CASES)


def _case_id(suite: Path, case: Case) -> str:
    return case.id if suite == COMPAT else f"{suite.name}:{case.id}"


# tests/compat itself, then each area's suite below it (as tests/test_compat.py runs them).
SUITES = [COMPAT] + sorted(p.parent for p in COMPAT.glob("*/cases.py") if "node_modules" not in p.parts)
PARAMS = [pytest.param(suite, case, id=_case_id(suite, case)) for suite in SUITES for case in _load_cases(suite)]


def _start_uvicorn(logdir: Path, suite: Path) -> harness.Server:
    return harness.start_server("fastexpress", [sys.executable, "-c", LAUNCHER],
                                {"FASTEXPRESS_ENV": "production", "PYTHONUNBUFFERED": "1"}, logdir, suite)


@pytest.fixture(scope="module")
def running() -> Iterator[dict[tuple[Path, str], harness.Server]]:
    """Servers by (suite, "express" | "uvicorn" | "native"), started on first use. The native
    fastexpress server is started only when a case differs under uvicorn, to tell an ASGI
    difference from one tests/test_compat.py already reports."""
    with tempfile.TemporaryDirectory(prefix="fastexpress-compat-asgi-") as tmp:
        started: dict[tuple[Path, str], harness.Server] = {}

        class Lazy(dict):  # type: ignore[type-arg]
            def __missing__(self, key: tuple[Path, str]) -> harness.Server:
                suite, kind = key
                logdir = Path(tmp) / f"{suite.name}-{kind}"
                logdir.mkdir()
                if kind == "express":
                    server = harness.start_node(logdir, suite)
                elif kind == "native":
                    server = harness.start_python(logdir, suite)
                else:
                    try:
                        server = _start_uvicorn(logdir, suite)
                    except RuntimeError as exc:
                        pytest.fail(f"uvicorn did not start the compat app of {suite.name}: {exc}")
                started[key] = server
                self[key] = server
                return server

        try:
            yield Lazy()
        finally:
            for server in started.values():
                server.stop()


@pytest.mark.parametrize("suite,case", PARAMS)
def test_compat_asgi(suite: Path, case: Case, running: dict[tuple[Path, str], harness.Server]) -> None:
    case_id = _case_id(suite, case)
    if case.deliberate and case.expect_python is None:
        pytest.skip(f"deliberate difference: {case.deliberate}")
    if case_id in ASGI_ONLY:
        pytest.skip(f"ASGI-only difference: {ASGI_ONLY[case_id]}")
    expected = harness.run_case(case, running[suite, "express"].port)
    assert expected.status, f"Express gave no response to {case_id}:\n{expected.describe()}"
    server = running[suite, "uvicorn"]
    got = harness.run_case(case, server.port)
    want = expected.comparable()
    if case.deliberate and case.expect_python is not None:
        want = case.expect_python(want)
    differences = harness.diff(expected, got, _reason_from_server(want))
    if not differences:
        return
    native = harness.run_case(case, running[suite, "native"].port)
    if harness.compare(case, expected, native):
        pytest.skip(f"{case_id} differs from Express on the built-in server too: tests/test_compat.py reports it")
    pytest.fail(
        f"{case_id} ({case.section}) under uvicorn: {case.description}\n"
        + "\n".join(f"  - {d}" for d in differences)
        + f"\n--- Express sent\n{expected.describe(1500)}\n--- fastexpress under uvicorn sent\n"
        + got.describe(1500)
        + f"\n--- uvicorn log\n{server.log()[-3000:]}",
        pytrace=False,
    )
