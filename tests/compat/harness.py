"""Differential harness: run app.js (Express 5.3.0) and app.py (fastexpress) side by side.

Nothing here normalises what the servers wrote: requests go out as exact bytes over a raw
socket, responses are read until EOF and split by hand (status line, ordered header list,
body; only chunked framing is undone so that chunk boundaries do not matter).

Standalone use (from the repo root):
    python tests/compat/harness.py                 # run every case, print a summary, write MISMATCHES.md
    python tests/compat/harness.py --node-only     # print Express's answer to every case
    python tests/compat/harness.py --show ID ...   # raw responses of both servers for some cases
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# Headers whose values legitimately differ between any two servers (or by design).
# X-Powered-By is compared by name and position only (its value names the framework).
IGNORED_HEADERS = frozenset({"date", "connection", "keep-alive"})

DEFAULT_HOST = "example.com"


# --------------------------------------------------------------------------- responses

@dataclasses.dataclass
class RawResponse:
    """One response exactly as the server wrote it (plus any that followed on the connection)."""

    raw: bytes
    status: int
    reason: str
    version: str
    headers: list[tuple[str, str]]   # ordered, names as written
    body: bytes                      # de-chunked when Transfer-Encoding: chunked
    eof: bool                        # the server closed the connection
    error: str | None = None         # framing problems found while parsing
    following: RawResponse | None = None  # the next response on the connection (pipelining, 100-continue)

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    def comparable(self) -> dict[str, object]:
        out: dict[str, object] = {
            "version": self.version,
            "status": self.status,
            "reason": self.reason,
            # X-Powered-By keeps its place but not its value (it names the framework).
            "headers": [(k.lower(), "*" if k.lower() == "x-powered-by" else v)
                        for k, v in self.headers if k.lower() not in IGNORED_HEADERS],
            "body": self.body,
        }
        if self.following is not None:
            out["following"] = self.following.comparable()
        return out

    def describe(self, limit: int = 2000) -> str:
        text = self.raw.decode("latin-1")
        if self.following is not None:
            text += self.following.describe(limit)
        if len(text) > limit:
            text = text[:limit] + f"... [{len(self.raw)} bytes]"
        return text


def _dechunk(data: bytes) -> tuple[bytes, int, str | None]:
    """(body, bytes consumed, error)."""
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return bytes(out), len(data), "truncated chunk size line"
        size_text = data[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out), len(data), f"bad chunk size {size_text!r}"
        pos = eol + 2
        if size == 0:
            # trailers until an empty line
            end = data.find(b"\r\n\r\n", pos - 2)
            if end < 0:
                return bytes(out), len(data), "missing final CRLF after last chunk"
            return bytes(out), end + 4, None
        chunk = data[pos:pos + size]
        out += chunk
        if len(chunk) < size:
            return bytes(out), len(data), "truncated chunk"
        pos += size
        if data[pos:pos + 2] != b"\r\n":
            return bytes(out), len(data), "chunk not followed by CRLF"
        pos += 2


def parse_response(raw: bytes, method: str | Sequence[str], eof: bool) -> RawResponse:
    """Parse what came back on one connection. `method` may list the methods of pipelined
    requests in order (HEAD responses have no body)."""
    methods = [method] if isinstance(method, str) else list(method)
    this_method = methods[0] if methods else "GET"
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0:
        return RawResponse(raw, 0, "", "", [], b"", eof, "no complete header block" if raw else "no response")
    head = raw[:head_end].decode("latin-1")
    rest = raw[head_end + 4:]
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    version = parts[0]
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        return RawResponse(raw, 0, "", version, [], b"", eof, f"bad status line {lines[0]!r}")
    reason = parts[2] if len(parts) > 2 else ""
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name, value.strip(" \t")))
    error = None
    lower = {k.lower(): v for k, v in headers}
    te = lower.get("transfer-encoding", "")
    cl = lower.get("content-length")
    remaining = b""
    next_methods = methods[1:]
    if 100 <= status < 200:
        body, remaining = b"", rest
        next_methods = methods  # an interim response: the final one answers the same request
    elif this_method == "HEAD" or status in (204, 304):
        body, remaining = b"", rest
    elif "chunked" in te.lower():
        body, used, error = _dechunk(rest)
        remaining = rest[used:]
    elif cl is not None:
        try:
            size = int(cl)
        except ValueError:
            body, error = rest, f"bad Content-Length {cl!r}"
        else:
            body, remaining = rest[:size], rest[size:]
            if len(body) < size:
                error = f"Content-Length {cl} but only {len(body)} body bytes"
    else:
        body = rest  # delimited by the connection closing
    following = None
    if remaining:
        following = parse_response(remaining, next_methods or ["GET"], eof)
        if not next_methods:
            error = (error + "; " if error else "") + f"{len(remaining)} unexpected bytes after the response"
    return RawResponse(raw[:len(raw) - len(remaining)], status, reason, version, headers, body, eof, error,
                       following)


# --------------------------------------------------------------------------- requests

def build_request(method: str, target: str, headers: Sequence[tuple[str, str]] = (),
                  body: bytes | None = None, *, host: str | None = DEFAULT_HOST,
                  close: bool = True) -> bytes:
    """The exact request bytes: request line, Host, the case's headers, Connection, CL."""
    names = {k.lower() for k, _ in headers}
    lines = [f"{method} {target} HTTP/1.1"]
    if host is not None and "host" not in names:
        lines.append(f"Host: {host}")
    lines.extend(f"{k}: {v}" for k, v in headers)
    if close and "connection" not in names:
        lines.append("Connection: close")
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return data + (body or b"")


def send_raw(port: int, data: bytes, *, timeout: float = 5.0, method: str | Sequence[str] = "GET") -> RawResponse:
    """Send bytes, read until EOF (or `timeout` seconds of silence), parse one response."""
    chunks: list[bytes] = []
    eof = False
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        deadline = time.monotonic() + 3 * timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                eof = True
                break
            if not chunk:
                eof = True
                break
            chunks.append(chunk)
    return parse_response(b"".join(chunks), method, eof)


# --------------------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before listening")
        with contextlib.suppress(OSError):
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on port {port} within {timeout}s")


@dataclasses.dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def node_available() -> str | None:
    """None when the Node side can run, else why not."""
    if shutil.which("node") is None:
        return "Node.js not found"
    if not (HERE / "node_modules" / "express").is_dir():
        return "tests/compat/node_modules is missing"
    return None


def start_server(name: str, argv: list[str], env_extra: dict[str, str], logdir: Path,
                 cwd: Path = HERE) -> Server:
    port = free_port()
    env = dict(os.environ)
    env.update(env_extra)
    if name == "fastexpress":
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    log_path = logdir / f"{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(argv + [str(port)], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    log.close()
    server = Server(name, port, proc, log_path)
    try:
        wait_for_port(port, proc)
    except Exception as exc:
        server.stop()
        raise RuntimeError(f"{name} did not start: {exc}\n--- log ---\n{server.log()}") from exc
    return server


def start_node(logdir: Path, suite: Path = HERE) -> Server:
    # A suite folder below tests/compat finds tests/compat/node_modules as Node walks up.
    return start_server("express", ["node", "app.js"], {"NODE_ENV": "production"}, logdir, suite)


def start_python(logdir: Path, suite: Path = HERE) -> Server:
    return start_server("fastexpress", [sys.executable, "app.py"],
                        {"FASTEXPRESS_ENV": "production", "PYTHONUNBUFFERED": "1"}, logdir, suite)


@contextlib.contextmanager
def servers(which: Sequence[str] = ("express", "fastexpress"), suite: Path = HERE) -> Iterator[dict[str, Server]]:
    """Start the app pair of ``suite``: tests/compat itself (app.js + app.py), or a folder
    below it with its own app.js, app.py and cases.py (one per area, e.g. tests/compat/cookies)."""
    with tempfile.TemporaryDirectory(prefix="fastexpress-compat-") as tmp:
        started: dict[str, Server] = {}
        try:
            if "express" in which:
                started["express"] = start_node(Path(tmp), suite)
            if "fastexpress" in which:
                started["fastexpress"] = start_python(Path(tmp), suite)
            yield started
        finally:
            for server in started.values():
                server.stop()


# --------------------------------------------------------------------------- comparison

def run_case(case, port: int) -> RawResponse:  # type: ignore[no-untyped-def]
    return send_raw(port, case.request_bytes(), method=case.methods or case.method, timeout=case.timeout)


def compare(case, expected: RawResponse, got: RawResponse) -> list[str] | None:  # type: ignore[no-untyped-def]
    """Differences for one case; None when the case is a deliberate difference to skip."""
    if case.deliberate:
        if case.expect_python is None:
            return None
        return diff(expected, got, case.expect_python(expected.comparable()))
    return diff(expected, got)


def _short(value: object, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _diff_comparable(a: dict[str, object], b: dict[str, object], prefix: str = "") -> list[str]:
    out: list[str] = []
    if a.get("version") != b.get("version"):
        out.append(f"{prefix}version: expected {a.get('version')!r}, got {b.get('version')!r}")
    if a["status"] != b["status"] or a["reason"] != b["reason"]:
        out.append(f"{prefix}status: expected {a['status']} {a['reason']!r}, got {b['status']} {b['reason']!r}")
    ha, hb = a["headers"], b["headers"]
    if ha != hb:
        assert isinstance(ha, list) and isinstance(hb, list)
        missing = [h for h in ha if h not in hb]
        extra = [h for h in hb if h not in ha]
        if missing:
            out.append(f"{prefix}headers missing/different: {_short(missing, 400)}")
        if extra:
            out.append(f"{prefix}headers unexpected: {_short(extra, 400)}")
        if not missing and not extra:
            out.append(f"{prefix}header order: expected {[k for k, _ in ha]}, got {[k for k, _ in hb]}")
    if a["body"] != b["body"]:
        out.append(f"{prefix}body: expected {_short(a['body'])}, got {_short(b['body'])}")
    fa, fb = a.get("following"), b.get("following")
    if fa is not None or fb is not None:
        if fa is None:
            out.append(f"{prefix}an extra response followed: {_short(fb, 300)}")
        elif fb is None:
            out.append(f"{prefix}the next response on the connection is missing: expected {_short(fa, 300)}")
        else:
            assert isinstance(fa, dict) and isinstance(fb, dict)
            out.extend(_diff_comparable(fa, fb, prefix + "next response: "))
    return out


def diff(expected: RawResponse, got: RawResponse, want: dict[str, object] | None = None) -> list[str]:
    """Human-readable differences (empty when the comparable parts are equal). `want`, when
    given, replaces Express's comparable response (a deliberate, exactly stated difference)."""
    out: list[str] = []
    if got.status == 0:
        return [f"no usable response from fastexpress ({got.error}): {got.raw[:200]!r}"]
    if got.error and not expected.error:
        out.append(f"framing: {got.error}")
    out.extend(_diff_comparable(want if want is not None else expected.comparable(), got.comparable()))
    if expected.eof and not got.eof:
        out.append("connection: Express closed it after the response (Connection: close), fastexpress did not")
    return out


def write_mismatches(results: list[tuple[object, list[str]]], total: int, path: Path | None = None) -> Path:
    """Overwrite MISMATCHES.md with one entry per differing case."""
    path = path or HERE / "MISMATCHES.md"
    bad = [(case, d) for case, d in results if d]
    lines = [
        "# fastexpress vs Express 5.3.0: current mismatches",
        "",
        "Written by the compatibility suite on each run (tests/test_compat.py or",
        "`python tests/compat/harness.py`); do not edit by hand.",
        f"Cases run: {len(results)} of {total}. Mismatching: {len(bad)}."
        + (" (a partial run: not every case ran)" if len(results) < total else ""),
        "",
    ]
    for case, d in bad:
        lines.append(f"## {case.id}  ({case.section}; {case.method} {case.path})")  # type: ignore[attr-defined]
        if getattr(case, "description", ""):
            lines.append(f"_{case.description}_")  # type: ignore[attr-defined]
        lines.extend(f"- {item}" for item in d)
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- command line

def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    from cases import CASES  # noqa: PLC0415

    node_only = "--node-only" in argv
    show = [a for a in argv if not a.startswith("--")]
    selected = [c for c in CASES if not show or c.id in show]
    which = ("express",) if node_only else ("express", "fastexpress")
    with servers(which) as srv:
        results = []
        for case in selected:
            exp = run_case(case, srv["express"].port)
            if node_only:
                print(f"=== {case.id}: {case.method} {case.path}")
                print(exp.describe(600))
                continue
            got = run_case(case, srv["fastexpress"].port)
            d = compare(case, exp, got)
            if d is None:
                continue
            results.append((case, d))
            if show:
                print(f"=== {case.id}: {case.method} {case.path}\n--- express\n{exp.describe()}\n"
                      f"--- fastexpress\n{got.describe()}\n--- diff\n" + "\n".join(d or ["(same)"]))
        if not node_only and not show:
            path = write_mismatches(results, len(CASES))
            bad = sum(1 for _, d in results if d)
            print(f"{len(results) - bad} same, {bad} different; see {path}")
            for case, d in results:
                if d:
                    print(f"  {case.id}: {d[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
