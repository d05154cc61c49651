#!/usr/bin/env python3
"""fastexpress benchmark: compare Python and Node web frameworks on this machine.

    python bench/run.py                      # everything, ~5 s per server and scenario
    python bench/run.py --memory             # ... plus RSS per idle keep-alive connection
    python bench/run.py --smoke --servers fastexpress,floor --scenarios plaintext   # CI, seconds

Installs what it needs (wrk via apt-get, Express 5 and Fastify 5 via npm into bench/node/, the
Python peers into a clean virtual environment bench/.venv with fastexpress installed editable
from this repository), runs each server as one process pinned to CPU 0 while wrk runs pinned to
CPU 1 (every server started at once, the servers taking turns scenario by scenario and round by
round), and writes a Markdown table, a JSON file with every raw figure and a PNG chart to
bench/results/. See bench/README.md for what each figure means.

This script itself needs only the standard library; it may be run by any Python 3.11.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import http.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
VPY = VENV / "bin" / "python"
NODE_DIR = BENCH / "node"
SERVERS_DIR = BENCH / "servers"
INSTALL_STATE = VENV / "bench-install.json"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

SERVER_CPU = "0"  # taskset CPU list for the server
CLIENT_CPU = "1"  # ... and for wrk / the memory client


# --------------------------------------------------------------------------------------------
# Scenarios. Adding one is a few lines: a Scenario here, and the route in the servers that
# implement it (bench/servers/*). A server that answers the probe with 404 is shown as "—".
# --------------------------------------------------------------------------------------------

def _equals(expected: bytes) -> Callable[[int, bytes], Optional[str]]:
    def check(status: int, body: bytes) -> Optional[str]:
        return None if body == expected else f"unexpected body {body[:60]!r}"
    return check


def _json_equals(expected: Any) -> Callable[[int, bytes], Optional[str]]:
    def check(status: int, body: bytes) -> Optional[str]:
        try:
            got = json.loads(body)
        except ValueError:
            return f"not JSON: {body[:60]!r}"
        return None if got == expected else f"unexpected JSON {got!r}"
    return check


def _length(n: int) -> Callable[[int, bytes], Optional[str]]:
    def check(status: int, body: bytes) -> Optional[str]:
        return None if len(body) == n else f"body is {len(body)} bytes, expected {n}"
    return check


@dataclass
class Scenario:
    name: str
    path: str
    description: str
    method: str = "GET"
    body: Optional[bytes] = None  # request body (POST scenarios)
    headers: dict = field(default_factory=dict)  # extra request headers
    pipeline: int = 1  # requests per write (wrk Lua script)
    check: Optional[Callable[[int, bytes], Optional[str]]] = None  # validates one probe response

    def lua(self) -> Optional[str]:
        """A wrk script when the plain `wrk URL` request is not enough, else None. Without
        pipelining the script only sets wrk.method/body/headers, so wrk keeps its fast path."""
        lines = []
        if self.method != "GET":
            lines.append(f'wrk.method = "{self.method}"')
        if self.body is not None:
            lines.append("wrk.body = " + _lua_string(self.body))
        for k, v in self.headers.items():
            lines.append(f'wrk.headers[{_lua_string(k.encode())}] = {_lua_string(v.encode())}')
        if self.pipeline > 1:
            lines += [
                f"local depth = {self.pipeline}",
                "local req",
                "init = function(args)",
                "  local r = {}",
                "  for i = 1, depth do r[i] = wrk.format() end",
                "  req = table.concat(r)",
                "end",
                "request = function() return req end",
            ]
        return "\n".join(lines) + "\n" if lines else None


def _lua_string(b: bytes) -> str:
    return '"' + "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else f"\\{c:03d}" for c in b) + '"'


HELLO = b"Hello, World!"
PAYLOAD_1K = b'{"items": ["item-0000-abcdefghijklmnopqrstuvwxyz","item-0001-abcdefghijklmnopqrstuvwxyz","item-0002-abcdefghijklmnopqrstuvwxyz","item-0003-abcdefghijklmnopqrstuvwxyz","item-0004-abcdefghijklmnopqrstuvwxyz","item-0005-abcdefghijklmnopqrstuvwxyz","item-0006-abcdefghijklmnopqrstuvwxyz","item-0007-abcdefghijklmnopqrstuvwxyz","item-0008-abcdefghijklmnopqrstuvwxyz","item-0009-abcdefghijklmnopqrstuvwxyz","item-0010-abcdefghijklmnopqrstuvwxyz","item-0011-abcdefghijklmnopqrstuvwxyz","item-0012-abcdefghijklmnopqrstuvwxyz","item-0013-abcdefghijklmnopqrstuvwxyz","item-0014-abcdefghijklmnopqrstuvwxyz","item-0015-abcdefghijklmnopqrstuvwxyz","item-0016-abcdefghijklmnopqrstuvwxyz","item-0017-abcdefghijklmnopqrstuvwxyz","item-0018-abcdefghijklmnopqrstuvwxyz","item-0019-abcdefghijklmnopqrstuvwxyz","item-0020-abcdefghijklmnopqrstuvwxyz","item-0021-abcdefghijklmnopqrstuvwxyz","item-0022-abcdefghijklmnopqrstuvwxyz","item-0023-abcdefghijklmnopqrstuvwxyz"]}'  # 24 items, about 1 KiB
SCENARIOS: list[Scenario] = [
    Scenario("plaintext", "/plaintext", 'GET /plaintext -> "Hello, World!" as text/plain', check=_equals(HELLO)),
    Scenario("json", "/json", 'GET /json -> {"message": "Hello, World!"}',
             check=_json_equals({"message": "Hello, World!"})),
    Scenario("params", "/users/12345", 'GET /users/:id -> {"id": id}', check=_json_equals({"id": "12345"})),
    Scenario("pipeline", "/plaintext", "plaintext, 16 requests pipelined per write", pipeline=16,
             check=_equals(HELLO)),
    Scenario("middleware", "/mw", "five no-op middlewares, then plaintext (GET /mw)", check=_equals(HELLO)),
    Scenario("body64k", "/64k", "GET /64k -> 64 KiB text body", check=_length(65536)),
    Scenario("post1k", "/echo-json", "POST a 1 KiB JSON body, parsed by express.json() -> its item count",
             method="POST", body=PAYLOAD_1K, headers={"Content-Type": "application/json"},
             check=_json_equals({"count": 24})),
    Scenario("file1m", "/file", "GET /file -> a 1 MiB file by res.sendFile", check=_length(1 << 20)),
    Scenario("render", "/render", "GET /render -> a small template (Jinja2 / EJS) with 10 items",
             check=lambda status, body: None if status == 200 and b"<li>item 9</li>" in body else f"{status} {body[:80]!r}"),
]
SCENARIO_BY_NAME = {s.name: s for s in SCENARIOS}


# --------------------------------------------------------------------------------------------
# Servers: one file each in bench/servers/, the port as argv[1]. `requires` names the installs
# a server needs (Python packages in the bench venv, "node" for the npm peers).
# --------------------------------------------------------------------------------------------

@dataclass
class ServerSpec:
    name: str
    label: str
    argv: list  # "{py}" / "{node}" are replaced at run time
    requires: list
    env: dict = field(default_factory=dict)
    note: str = ""
    cpus: str = ""  # taskset CPU list when not the usual single server CPU (shared with wrk)


SERVERS: list[ServerSpec] = [
    ServerSpec("floor", "raw floor (uvloop+httptools)", ["{py}", "servers/floor_app.py"], ["fastexpress"],
               note="constant prebuilt responses, no framework: the ceiling of the stack"),
    ServerSpec("fastexpress", "fastexpress (compiled)", ["{py}", "servers/fastexpress_app.py"], ["fastexpress"]),
    ServerSpec("fastexpress-py", "fastexpress (pure-Python twin)", ["{py}", "servers/fastexpress_app.py"],
               ["fastexpress"], env={"FASTEXPRESS_NO_EXTENSIONS": "1"}),
    ServerSpec("express", "Node Express 5", ["{node}", "servers/express_app.js"], ["node"]),
    ServerSpec("fastify", "Fastify 5", ["{node}", "servers/fastify_app.js"], ["node"]),
    ServerSpec("starlette", "Starlette on uvicorn", ["{py}", "servers/starlette_app.py"],
               ["uvicorn[standard]", "starlette"]),
    ServerSpec("sanic", "Sanic", ["{py}", "servers/sanic_app.py"], ["sanic"]),
    ServerSpec("blacksheep", "BlackSheep on uvicorn", ["{py}", "servers/blacksheep_app.py"],
               ["uvicorn[standard]", "blacksheep"]),
    ServerSpec("granian", "Granian (bare RSGI app)", ["{py}", "servers/granian_app.py"], ["granian"]),
    ServerSpec("fastexpress-w2", "fastexpress workers=2 (CPUs 0+1, shared with wrk)",
               ["{py}", "servers/fastexpress_app.py"], ["fastexpress"], env={"BENCH_WORKERS": "2"}, cpus="0,1",
               note="two worker processes on both CPUs; wrk runs on CPU 1 too, so it competes with them"),
    ServerSpec("fastexpress-uvicorn", "fastexpress as ASGI on uvicorn", ["{py}", "servers/fastexpress_asgi.py", "uvicorn"],
               ["fastexpress", "uvicorn[standard]"]),
    ServerSpec("fastexpress-granian", "fastexpress as ASGI on Granian", ["{py}", "servers/fastexpress_asgi.py", "granian"],
               ["fastexpress", "granian"]),
]
SERVER_BY_NAME = {s.name: s for s in SERVERS}
# The order the servers take their turns in (SERVERS is the table's): the two sides of each
# target ratio next to each other (fastexpress between the floor and Fastify, the twin beside
# Starlette), so that they are measured seconds apart, not a round's length.
TURNS = ["floor", "fastexpress", "fastify", "express", "fastexpress-py", "starlette", "sanic", "blacksheep",
         "granian", "fastexpress-w2", "fastexpress-uvicorn", "fastexpress-granian"]
assert sorted(TURNS) == sorted(SERVER_BY_NAME)
PY_PEERS = ["uvicorn[standard]", "starlette", "sanic", "blacksheep", "granian", "matplotlib"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Installation
# --------------------------------------------------------------------------------------------

def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def _tail(text: str, n: int = 3) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip() and "is ignored: it is neither" not in ln]
    return " | ".join(lines[-n:])


def ensure_wrk(notes: list) -> bool:
    if shutil.which("wrk"):
        return True
    log("wrk not found: apt-get install -y wrk")
    apt = shutil.which("apt-get")
    if apt is None:
        notes.append("wrk is missing and apt-get is not available: install wrk and run again")
        return False
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else [])
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = _run(sudo + [apt, "install", "-y", "wrk"], env=env)
    if r.returncode != 0:
        _run(sudo + [apt, "update"], env=env)
        r = _run(sudo + [apt, "install", "-y", "wrk"], env=env)
    if r.returncode != 0 or not shutil.which("wrk"):
        notes.append(f"could not install wrk: {_tail(r.stderr)}")
        return False
    notes.append("installed wrk with apt-get")
    return True


def _speedups_stale() -> bool:
    pkg = ROOT / "fastexpress"
    pyx = pkg / "_speedups.pyx"
    sos = list(pkg.glob("_speedups*.so"))
    if not pyx.exists():
        return False
    return not sos or max(p.stat().st_mtime for p in sos) < pyx.stat().st_mtime


def ensure_venv(reinstall: bool, need: set, notes: list) -> dict:
    """Create bench/.venv (a clean venv, no system site-packages), install fastexpress editable
    from the repository (which builds the compiled speedups) and the peers that are needed.
    Returns {requirement: "ok" | "failed: ..."}; the result is remembered in the venv."""
    state: dict = {}
    if not VPY.exists():
        log(f"creating virtual environment {VENV.relative_to(ROOT)}")
        r = _run([sys.executable, "-m", "venv", VENV])
        if r.returncode != 0:
            raise SystemExit(f"cannot create {VENV}: {_tail(r.stderr)}")
    elif INSTALL_STATE.exists():
        state = json.loads(INSTALL_STATE.read_text())
    pip = [VPY, "-m", "pip", "install", "-q", "--disable-pip-version-check"]

    if reinstall or state.get("fastexpress") != "ok" or _speedups_stale():
        log("installing fastexpress (editable, compiled speedups) into the bench venv")
        r = _run(pip + ["-e", ROOT])
        state["fastexpress"] = "ok" if r.returncode == 0 else f"failed: {_tail(r.stderr)}"
    for req in PY_PEERS:
        if req not in need or (state.get(req) == "ok" and not reinstall):
            continue
        if state.get(req, "").startswith("failed") and not reinstall:
            continue  # remembered failure: retried with --reinstall
        log(f"installing {req} into the bench venv")
        r = _run(pip + [req])
        state[req] = "ok" if r.returncode == 0 else f"failed: {_tail(r.stderr)}"
    INSTALL_STATE.write_text(json.dumps(state, indent=1))
    for req, st in state.items():
        if req in need and st != "ok":
            notes.append(f"pip install {req} {st}")
    return state


def ensure_node(need_node: bool, notes: list) -> Optional[str]:
    """npm ci Express 5 and Fastify 5 into bench/node (from the committed lock file)."""
    if not need_node:
        return None
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        notes.append("Node.js/npm not found: the Node peers (Express, Fastify) are skipped")
        return None
    stamp = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        log("installing Express 5 and Fastify 5 from npm into bench/node")
        r = _run([npm, "ci", "--no-audit", "--no-fund", "--prefix", NODE_DIR])
        if r.returncode != 0:
            notes.append(f"npm ci in bench/node failed: {_tail(r.stderr)}; Node peers skipped")
            return None
    return node


# --------------------------------------------------------------------------------------------
# Processes and /proc
# --------------------------------------------------------------------------------------------

def _raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass


def _descendants(pid: int) -> list[int]:
    """pid and all its descendants (a server that forks workers is measured as a whole)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_ticks(pid: int) -> int:
    """utime + stime (clock ticks) of the process tree, from /proc/<pid>/stat."""
    total = 0
    for p in _descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
    return total


def rss_kib(pid: int) -> int:
    """VmRSS (KiB) of the process tree, from /proc/<pid>/status."""
    total = 0
    for p in _descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def cpu_times() -> dict[int, tuple[int, int]]:
    """Per CPU: (busy ticks, steal ticks) from /proc/stat, busy = user+nice+system+irq+softirq.
    irq/softirq count as busy because a task's stime includes the softirq work done in its
    context (the loopback traffic), which /proc/stat files under softirq."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                v = line.split()
                busy = int(v[1]) + int(v[2]) + int(v[3]) + int(v[6]) + int(v[7])
                out[int(v[0][3:])] = (busy, int(v[8]) if len(v) > 8 else 0)
    return out


def _cpu_ids() -> list[int]:
    return [int(SERVER_CPU), int(CLIENT_CPU)]


def wait_quiet(max_wait: float, threshold: float = 0.10) -> bool:
    """Wait until the server's and the client's CPUs are idle (busy < threshold of a core over
    half a second): other work on the machine would skew the figures. False if it never was."""
    deadline = time.monotonic() + max_wait
    while True:
        a = cpu_times()
        time.sleep(0.5)
        b = cpu_times()
        busy = max((b[c][0] - a[c][0] + b[c][1] - a[c][1]) / (0.5 * CLK_TCK) for c in _cpu_ids() if c in a)
        if busy < threshold:
            return True
        if time.monotonic() >= deadline:
            return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read(), {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


class RunningServer:
    def __init__(self, spec: ServerSpec, node: Optional[str], taskset: Optional[str], extra_env: dict):
        self.spec = spec
        self.port = free_port()
        argv = [a.replace("{py}", str(VPY)).replace("{node}", node or "node") for a in spec.argv]
        cmd = ([taskset, "-c", spec.cpus or SERVER_CPU] if taskset else []) + argv + [str(self.port)]
        env = dict(os.environ)
        env.pop("FASTEXPRESS_NO_EXTENSIONS", None)
        env.update(spec.env)
        env.update(extra_env)
        env["NODE_PATH"] = str(NODE_DIR / "node_modules")
        env["PYTHONUNBUFFERED"] = "1"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, cwd=BENCH, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, preexec_fn=_raise_nofile)
        self.pid = self.proc.pid

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float = 30.0) -> Optional[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return f"exited with status {self.proc.returncode}: {_tail(self.output(), 4)}"
            try:
                http_get(self.port, "/plaintext", timeout=1.0)
                return None
            except OSError:
                time.sleep(0.1)
        return f"not answering after {timeout:.0f} s: {_tail(self.output(), 4)}"

    def stop(self) -> None:
        pids = _descendants(self.pid) if self.alive() else []
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for p in pids[1:]:  # our own server's leftover workers, by pid
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        self.log.close()


# --------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"cannot parse latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def _bytes(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)([KMGT]?B)", text.strip())
    if not m:
        return 0.0
    return float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}[m.group(2)]


def parse_wrk(out: str) -> dict:
    r: dict = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", out)
    r["requests"] = int(m.group(1)) if m else 0
    r["elapsed_ms"] = _ms(m.group(2)) if m else 0.0
    r["bytes_read"] = _bytes(m.group(3)) if m else 0.0
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+\w+)", out, re.M)
        # wrk 4.1 prints 0.00us percentiles when its histogram is unusable (seen with pipelining)
        r[f"p{pct}_ms"] = (_ms(m.group(1)) or None) if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["non_2xx_3xx"] = int(m.group(1)) if m else 0
    return r


def run_wrk(port: int, sc: Scenario, duration: float, connections: int, taskset: Optional[str],
            script_dir: Path) -> dict:
    cmd = ([taskset, "-c", CLIENT_CPU] if taskset else []) + [
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "5s"]
    lua = sc.lua()
    if lua is not None:
        script = script_dir / f"{sc.name}.lua"
        script.write_text(lua)
        cmd += ["-s", str(script)]
    cmd.append(f"http://127.0.0.1:{port}{sc.path}")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_raise_nofile)
    # wrk's own CPU time, to tell when the client (not the server) was the limit.
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {_tail(err or out)}")
    r = parse_wrk(out)
    r["wrk_cpu_s"] = ru.ru_utime + ru.ru_stime
    r["wrk_wall_s"] = wall
    r["raw"] = out
    return r


# --------------------------------------------------------------------------------------------
# One (server, scenario) cell
# --------------------------------------------------------------------------------------------

def probe(server: RunningServer, sc: Scenario) -> tuple[str, Optional[str]]:
    """("ok"|"unsupported"|"error", detail) from one request like the scenario's."""
    if sc.method != "GET" or sc.body is not None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request(sc.method, sc.path, body=sc.body, headers=sc.headers)
            resp = conn.getresponse()
            status, body = resp.status, resp.read()
        except OSError as exc:
            return "error", f"probe failed: {exc}"
        finally:
            conn.close()
    else:
        try:
            status, body, _ = http_get(server.port, sc.path)
        except OSError as exc:
            return "error", f"probe failed: {exc}"
    if status == 404:
        return "unsupported", None
    if not 200 <= status < 300:
        return "error", f"probe got status {status}"
    if sc.check is not None:
        problem = sc.check(status, body)
        if problem:
            return "error", problem
    return "ok", None


def _wrk_bound(cell: dict) -> bool:
    return bool(cell.get("wrk_cpu_util") and cell["wrk_cpu_util"] >= 0.9)


def warm_up(server: RunningServer, sc: Scenario, args, taskset, script_dir) -> None:
    warm = 0.3 if args.smoke else min(2.0, max(1.0, args.duration / 5))
    run_wrk(server.port, sc, warm, args.connections, taskset, script_dir)  # discarded
    time.sleep(0.3)


def measure_round(server: RunningServer, sc: Scenario, args, taskset, script_dir) -> dict:
    """One measured round: a wrk run, measured again at once (in the server's turn, next to
    its neighbours' rounds) up to --retries times while other work used the benchmark CPUs;
    the least disturbed run is kept."""
    best: Optional[dict] = None
    for attempt in range(args.retries + 1):
        measured = measure_once(server, sc, args, taskset, script_dir)
        if best is None or _interference(measured) < _interference(best):
            best = measured
        if not measured["contended"]:
            break
        if attempt < args.retries:
            log(f"   {server.spec.label}: other work on the benchmark CPUs "
                f"({_interference(measured):.0%} of a core): measuring again")
    assert best is not None
    best["attempts"] = attempt + 1
    return best


def measure_once(server: RunningServer, sc: Scenario, args, taskset, script_dir) -> dict:
    """One wrk run and what the server, wrk and everything else on the two CPUs spent in it."""
    quiet = wait_quiet(args.quiet_wait)
    sys_before = cpu_times()
    before = cpu_ticks(server.pid)
    w = run_wrk(server.port, sc, args.duration, args.connections, taskset, script_dir)
    after = cpu_ticks(server.pid)
    sys_after = cpu_times()
    if not server.alive():
        raise RuntimeError(f"server died during the run: {_tail(server.output(), 4)}")
    cpu_s = (after - before) / CLK_TCK
    wall = w["wrk_wall_s"]
    srv_c, cli_c = int(SERVER_CPU), int(CLIENT_CPU)
    # CPU used on the two pinned cores by anything but the server and wrk, and steal.
    other_srv = ((sys_after[srv_c][0] - sys_before[srv_c][0]) / CLK_TCK - cpu_s) / wall if taskset else 0.0
    other_cli = ((sys_after[cli_c][0] - sys_before[cli_c][0]) / CLK_TCK - w["wrk_cpu_s"]) / wall if taskset else 0.0
    steal = sum(sys_after[c][1] - sys_before[c][1] for c in _cpu_ids()) / CLK_TCK / wall
    contended = (max(other_srv, other_cli) > 0.10 or steal > 0.05) and not server.spec.cpus
    n = w["requests"]
    time.sleep(0.3)
    return {
        "rps": w["rps"], "requests": n,
        "cpu_s": cpu_s, "cpu_us_per_req": cpu_s / n * 1e6 if n else None,
        "server_cpu_util": cpu_s / (w["elapsed_ms"] / 1e3) if w["elapsed_ms"] else None,
        "wrk_cpu_util": w["wrk_cpu_s"] / wall if wall else None,
        "other_cpu_server_core": round(other_srv, 3), "other_cpu_client_core": round(other_cli, 3),
        "steal": round(steal, 3), "contended": contended, "quiet_before": quiet,
        "p50_ms": w["p50_ms"], "p75_ms": w["p75_ms"], "p90_ms": w["p90_ms"], "p99_ms": w["p99_ms"],
        "rss_kib": rss_kib(server.pid),
        "bytes_per_response": w["bytes_read"] / n if n else None,
        "non_2xx_3xx": w["non_2xx_3xx"], "socket_errors": w["socket_errors"],
        "wrk_output": w["raw"],
    }


def _interference(measured: dict) -> float:
    """How much of a core other work (or steal) took from a measured run."""
    return max(measured["other_cpu_server_core"], measured["other_cpu_client_core"], measured["steal"])


def summarise(rounds: list[dict]) -> dict:
    """A cell from its measured rounds: the median of each figure, the sums of the errors."""
    def med(key):
        vals = [r[key] for r in rounds if r[key] is not None]
        return statistics.median(vals) if vals else None

    cell = {k: med(k) for k in ("rps", "cpu_us_per_req", "p50_ms", "p99_ms", "rss_kib", "server_cpu_util",
                                 "wrk_cpu_util", "bytes_per_response")}
    cell["status"] = "ok"
    cell["contended"] = any(r["contended"] for r in rounds)
    cell["interference"] = max(_interference(r) for r in rounds)
    cell["non_2xx_3xx"] = sum(r["non_2xx_3xx"] for r in rounds)
    cell["socket_errors"] = {k: sum(r["socket_errors"].get(k, 0) for r in rounds)
                             for k in ("connect", "read", "write", "timeout")}
    # wrk (one thread) used its whole core: the client was at its limit, so req/s is a lower
    # bound for this server (the raw floor, typically); CPU per request still holds.
    cell["wrk_bound"] = _wrk_bound(cell)
    cell["rounds"] = rounds
    return cell


def problems(figures: dict) -> list[str]:
    """What went wrong in a round or a cell: errors, and other work on the benchmark CPUs."""
    found = []
    if figures["non_2xx_3xx"]:
        found.append(f"{figures['non_2xx_3xx']} non-2xx/3xx responses")
    se = {k: v for k, v in figures["socket_errors"].items() if v}
    if se:
        found.append(f"wrk socket errors {se}")
    if figures["contended"]:
        share = figures["interference"] if "interference" in figures else _interference(figures)  # cell or round
        found.append(f"other work used the benchmark CPUs during the run (‡): {share:.0%} of a core")
    return found


def describe(figures: dict) -> str:
    """One log line's worth of a round or a cell."""
    return (f"{figures['rps']:>10,.0f} req/s  {figures['cpu_us_per_req'] or 0:7.1f} µs CPU/req"
            f"  p50 {figures['p50_ms'] or 0:.2f} ms  p99 {figures['p99_ms'] or 0:.2f} ms"
            f"  RSS {figures['rss_kib'] / 1024:.1f} MiB  server {figures['server_cpu_util'] or 0:.0%}"
            f" wrk {figures['wrk_cpu_util'] or 0:.0%}  {'; '.join(problems(figures))}")


# --------------------------------------------------------------------------------------------
# Every server at once, taking turns
# --------------------------------------------------------------------------------------------

class Fleet:
    """Every server under test, started at once and kept running, so that they can take turns
    on each scenario: on a shared machine whose speed drifts over minutes (another guest on a
    vCPU's hyperthread sibling shows neither as steal nor as other work on the CPU), cells
    compared in one ratio are then measured seconds apart, not minutes. Idle, a server costs
    its neighbours nothing measurable."""

    def __init__(self, node: Optional[str], taskset: Optional[str], notes: list):
        self.node, self.taskset, self.notes = node, taskset, notes
        self.running: dict[str, RunningServer] = {}

    def start(self, srv: str) -> Optional[str]:
        """Start a server; what went wrong, if it did not come up."""
        server = RunningServer(SERVER_BY_NAME[srv], self.node, self.taskset, {})
        problem = server.wait_ready()
        if problem:
            server.stop()
            return f"did not start: {problem}"
        self.running[srv] = server
        return None

    def get(self, srv: str) -> RunningServer:
        """The running server, started again if it died (RuntimeError if it does not come up)."""
        server = self.running[srv]
        if server.alive():
            return server
        self.notes.append(f"{server.spec.label}: the server process died ({_tail(server.output(), 2)}); restarted")
        server.stop()
        del self.running[srv]
        problem = self.start(srv)
        if problem:
            raise RuntimeError(problem)
        return self.running[srv]

    def stop(self) -> None:
        for server in self.running.values():
            server.stop()


def measure_scenario(fleet: Fleet, sc: Scenario, args, taskset, script_dir) -> dict:
    """Measure one scenario on every running server: each is probed and warmed up before its
    first round; the servers then take turns round by round, in TURNS order and then in reverse
    (A B C, C B A, ...), so that a slow stretch of the machine falls on all of them alike."""
    log(f"== {sc.name}: {sc.method} {sc.path}")
    cells: dict = {}
    rounds: dict[str, list] = {}
    warmed: dict[str, RunningServer] = {}  # the process each server's rounds so far ran on
    order = sorted(fleet.running, key=TURNS.index)
    for r in range(args.rounds):
        for srv in order if r % 2 == 0 else order[::-1]:
            if srv in cells:  # unsupported, or failed earlier
                continue
            label = SERVER_BY_NAME[srv].label
            try:
                server = fleet.get(srv)
                if warmed.get(srv) is not server:
                    status, detail = probe(server, sc)
                    if status != "ok":
                        cells[srv] = {"status": status, "detail": detail}
                        log(f"   {label:<48} {status} {detail or ''}")
                        continue
                    warm_up(server, sc, args, taskset, script_dir)
                    warmed[srv] = server
                measured = measure_round(server, sc, args, taskset, script_dir)
            except RuntimeError as exc:
                cells[srv] = {"status": "error", "detail": str(exc)}
                log(f"   {label:<48} error {exc}")
                continue
            rounds.setdefault(srv, []).append(measured)
            log(f"   {label:<48} {describe(measured)}")
    for srv, measured in rounds.items():
        if srv not in cells:
            cells[srv] = summarise(measured)
    return cells


def recheck(fleet: Fleet, cells: dict, args, taskset, script_dir) -> None:
    """Measure again the rounds that other work disturbed (after a warm-up), each kept only if
    less disturbed than before. Only those rounds: the others keep their places in the turns."""
    for sc_name, by_server in cells.items():
        for srv, cell in by_server.items():
            if not cell.get("contended") or srv not in fleet.running:
                continue
            sc = SCENARIO_BY_NAME[sc_name]
            label = SERVER_BY_NAME[srv].label
            rounds = list(cell["rounds"])
            try:
                server = fleet.get(srv)
                warm_up(server, sc, args, taskset, script_dir)
                for i, old in enumerate(rounds):
                    if not old["contended"]:
                        continue
                    new = measure_round(server, sc, args, taskset, script_dir)
                    kept = _interference(new) < _interference(old)
                    if kept:
                        rounds[i] = new
                    log(f"   again: {sc_name} / {label:<40} {describe(new)} "
                        f"{'(kept)' if kept else '(not kept: the first run was less disturbed)'}")
            except RuntimeError as exc:
                log(f"   again: {sc_name} / {label}: error {exc}")
                continue
            by_server[srv] = summarise(rounds)


# --------------------------------------------------------------------------------------------
# Memory: RSS per idle keep-alive connection
# --------------------------------------------------------------------------------------------

MEMORY_KEEP_ALIVE = 600  # seconds, passed to every server as BENCH_KEEP_ALIVE


def measure_memory(spec: ServerSpec, node, taskset, args, script_dir) -> dict:
    server = RunningServer(spec, node, taskset, {"BENCH_KEEP_ALIVE": str(MEMORY_KEEP_ALIVE)})
    try:
        problem = server.wait_ready()
        if problem:
            return {"status": "error", "detail": f"did not start: {problem}"}
        run_wrk(server.port, SCENARIO_BY_NAME["plaintext"], 1, args.connections, taskset, script_dir)
        time.sleep(1.5)
        wait_quiet(args.quiet_wait)
        before = rss_kib(server.pid)
        cmd = ([taskset, "-c", CLIENT_CPU] if taskset else []) + [
            sys.executable, str(BENCH / "memclient.py"), str(server.port), str(args.memory_connections)]
        client = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            line = _readline(client, 150)
            if not line:
                client.kill()
                client.wait()
                return {"status": "error", "detail": f"memory client failed: {_tail(client.stderr.read())}"}
            opened = json.loads(line)
            time.sleep(2.0)
            after = rss_kib(server.pid)
            client.stdin.write("\n")
            client.stdin.flush()
            alive = json.loads(_readline(client, 60) or '{"alive": null}')["alive"]
        finally:
            if client.poll() is None:
                try:
                    client.wait(30)
                except subprocess.TimeoutExpired:
                    client.kill()
                    client.wait()
        if not server.alive():
            return {"status": "error", "detail": f"server died: {_tail(server.output(), 4)}"}
        n = opened["opened"]
        return {
            "status": "ok", "connections_requested": args.memory_connections, "opened": n,
            "failed": opened["failed"], "errors": opened["errors"], "alive_at_end": alive,
            "open_seconds": opened["seconds"], "rss_before_kib": before, "rss_after_kib": after,
            "kib_per_connection": (after - before) / n if n else None,
        }
    finally:
        server.stop()


def _readline(proc: subprocess.Popen, timeout: float) -> str:
    box: list = []
    t = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(timeout)
    return box[0].strip() if box else ""


# --------------------------------------------------------------------------------------------
# Machine and versions
# --------------------------------------------------------------------------------------------

def machine_info(node: Optional[str], state: dict) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "os": platform.platform(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
    }
    r = _run([VPY, "-c", "import sys, platform; print(platform.python_version())"])
    info["python"] = r.stdout.strip()
    node = node or shutil.which("node")
    if node:
        info["node"] = _run([node, "--version"]).stdout.strip()
    r = _run(["wrk", "-v"])
    info["wrk"] = ((r.stdout or r.stderr).strip().splitlines() or ["?"])[0].split(" Copyright")[0]
    r = _run([VPY, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"])
    try:
        pkgs = {p["name"].lower(): p["version"] for p in json.loads(r.stdout)}
    except ValueError:
        pkgs = {}
    wanted = ["fastexpress", "httptools", "uvloop", "orjson", "uvicorn", "starlette", "sanic", "blacksheep",
              "granian", "matplotlib", "cython"]
    info["python_packages"] = {k: pkgs[k] for k in wanted if k in pkgs}
    npm_pkgs = {}
    for name in ("express", "fastify"):
        p = NODE_DIR / "node_modules" / name / "package.json"
        if p.exists():
            npm_pkgs[name] = json.loads(p.read_text())["version"]
    info["npm_packages"] = npm_pkgs
    impl = {}
    for variant, env in (("fastexpress", {}), ("fastexpress-py", {"FASTEXPRESS_NO_EXTENSIONS": "1"})):
        e = dict(os.environ)
        e.pop("FASTEXPRESS_NO_EXTENSIONS", None)
        e.update(env)
        r = _run([VPY, "-c", "import fastexpress; print(fastexpress.IMPLEMENTATION)"], env=e)
        impl[variant] = r.stdout.strip() or f"import failed: {_tail(r.stderr)}"
    info["fastexpress_implementation"] = impl
    r = _run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    info["git_commit"] = r.stdout.strip() or None
    r = _run(["git", "-C", ROOT, "diff", "--stat", "HEAD", "--", "fastexpress"])
    info["fastexpress_uncommitted_changes"] = bool(r.stdout.strip())
    return info


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def _ratio(a, b) -> Optional[float]:
    return a / b if a is not None and b else None


def _fr(x: Optional[float]) -> str:
    if x is None:
        return "n/a"
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×"


def _pair(a, floor, express) -> str:
    return f"{_fr(_ratio(a, floor))} / {_fr(_ratio(a, express))}"


def add_ratios(results: dict) -> None:
    for sc_name, cells in results["cells"].items():
        floor = cells.get("floor", {})
        express = cells.get("express", {})
        for cell in cells.values():
            if cell.get("status") != "ok":
                continue
            cell["wrk_bound"] = _wrk_bound(cell)
            for key in ("rps", "cpu_us_per_req", "p50_ms", "p99_ms", "rss_kib"):
                for ref_name, ref in (("floor", floor), ("express", express)):
                    ref_v = ref.get(key) if ref.get("status") == "ok" else None
                    cell[f"{key}_vs_{ref_name}"] = _ratio(cell.get(key), ref_v)
    mem = results.get("memory") or {}
    for ref_name in ("floor", "express"):
        ref = mem.get(ref_name, {})
        for m in mem.values():
            if m.get("status") == "ok":
                m[f"kib_per_connection_vs_{ref_name}"] = _ratio(
                    m.get("kib_per_connection"), ref.get("kib_per_connection") if ref.get("status") == "ok" else None)


def targets(results: dict) -> list[tuple[str, Optional[bool], str]]:
    """The issue-#3 targets, evaluated on this run: (target, met or None if not measured, figures)."""
    cells = results["cells"]
    out = []

    def get(sc, srv, key):
        c = cells.get(sc, {}).get(srv, {})
        return c.get(key) if c.get("status") == "ok" else None

    def per_round(sc, a, b, key):
        """a's figure ÷ b's round by round (rounds of one index ran in the same turn), when the
        run had several rounds: how much one round's ratio moves."""
        xs, ys = ([r.get(key) for r in cells.get(sc, {}).get(srv, {}).get("rounds", [])] for srv in (a, b))
        if len(xs) < 2 or len(xs) != len(ys) or not all(xs) or not all(ys):
            return None
        return [x / y for x, y in zip(xs, ys)]

    def ratio(sc, a, b, key, limit, op):
        """A check item: a's figure ÷ b's in scenario sc (medians), and per round."""
        return (sc, _ratio(get(sc, a, key), get(sc, b, key)), limit, op, per_round(sc, a, b, key))

    def check(label, items):
        """items: list of (text, value, limit, op, per-round values or None)"""
        if not items or any(v is None for _, v, _, _, _ in items):
            out.append((label, None, "not measured in this run"))
            return
        ok = all((v <= lim) if op == "<=" else (v >= lim) for _, v, lim, op, _ in items)
        out.append((label, ok, "; ".join(
            f"{t} {v:.2f}" + (f" (rounds {', '.join(f'{x:.2f}' for x in rounds)})" if rounds else "")
            for t, v, _, _, rounds in items)))

    basic = ("plaintext", "json", "params")
    check("plaintext/JSON/params server CPU per request ≤ 1.5× the floor's",
          [ratio(sc, "fastexpress", "floor", "cpu_us_per_req", 1.5, "<=") for sc in basic])
    check("req/s ≥ 6× Node Express (plaintext/JSON/params)",
          [ratio(sc, "fastexpress", "express", "rps", 6.0, ">=") for sc in basic])
    check("req/s ≥ 1.3× Fastify (plaintext/JSON/params)",
          [ratio(sc, "fastexpress", "fastify", "rps", 1.3, ">=") for sc in basic])
    check("pipelining ≥ 2× Fastify's req/s", [ratio("pipeline", "fastexpress", "fastify", "rps", 2.0, ">=")])
    mw, pt = get("middleware", "fastexpress", "cpu_us_per_req"), get("plaintext", "fastexpress", "cpu_us_per_req")
    check("five-middleware chain ≤ 1.5 µs per request more than plaintext",
          [("extra µs/request", mw - pt if mw is not None and pt is not None else None, 1.5, "<=", None)])
    common = [sc for sc in cells if get(sc, "fastexpress-py", "rps") and get(sc, "starlette", "rps")]
    check("pure-Python twin ahead of Starlette (req/s, every scenario both serve)",
          [ratio(sc, "fastexpress-py", "starlette", "rps", 1.0, ">=") for sc in common] or [("", None, 1, ">=", None)])
    mem = results.get("memory") or {}
    fx, ex = mem.get("fastexpress", {}), mem.get("express", {})
    share = _ratio(fx.get("kib_per_connection"), ex.get("kib_per_connection")) \
        if fx.get("status") == "ok" and ex.get("status") == "ok" else None
    out.append(("less memory per idle connection than Node Express",
                None if share is None else share < 1.0,
                "not measured in this run (use --memory)" if share is None
                else f"fastexpress/Express KiB per connection {share:.2f}"))
    return out


def render_markdown(results: dict) -> str:
    info, cfg, cells = results["machine"], results["config"], results["cells"]
    servers = [s for s in cfg["servers"]]
    scen = [s for s in cfg["scenarios"]]
    label = {s.name: s.label for s in SERVERS}
    L = []
    L.append(f"# fastexpress benchmark — {info['date']}")
    L.append("")
    L.append(f"- Machine: {info['cpu_model']}, {info['cores']} cores, {info.get('memory_gib')} GiB, Linux "
             f"{info['kernel']}; Python {info.get('python')}, Node {info.get('node', 'n/a')}, {info.get('wrk')}.")
    pk = ", ".join(f"{k} {v}" for k, v in {**info.get("python_packages", {}), **info.get("npm_packages", {})}.items())
    L.append(f"- Versions: {pk}. fastexpress at {info.get('git_commit')}"
             f"{' (with uncommitted changes)' if info.get('fastexpress_uncommitted_changes') else ''}; "
             f"implementation loaded: {info.get('fastexpress_implementation')}.")
    order = ", ".join(label[s] for s in cfg["turns"]) + ", then in reverse" if cfg.get("turns") else \
        "in order, then in reverse: A B C, C B A, ..."
    turns = f"; every server running at once, taking turns on each scenario ({order})" if cfg.get("interleaved") else ""
    L.append(f"- Settings: {cfg['duration']} s per cell after a warm-up, {cfg['connections']} connections, "
             f"{cfg['rounds']} round(s) (median), server pinned to CPU {SERVER_CPU}, wrk (1 thread) to CPU "
             f"{CLIENT_CPU}{turns}{', SMOKE RUN (too short to quote)' if cfg['smoke'] else ''}.")
    L.append("")
    L.append("Ratios are the result; absolute numbers are **this machine's** and only say how it went here.")
    L.append("")

    def matrix(title, key, note):
        L.append(f"### {title}")
        L.append("")
        L.append(note)
        L.append("")
        L.append("| server | " + " | ".join(scen) + " |")
        L.append("|---|" + "---:|" * len(scen))
        for srv in servers:
            row = []
            for sc in scen:
                c = cells.get(sc, {}).get(srv, {})
                st = c.get("status")
                if st == "ok":
                    row.append(_fr(c.get(key)) + (" †" if c.get("wrk_bound") and key.startswith("rps") else "")
                               + (" ‡" if c.get("contended") else ""))
                elif st == "unsupported" or st is None:
                    row.append("—")
                else:
                    row.append("error")
            L.append(f"| {label.get(srv, srv)} | " + " | ".join(row) + " |")
        L.append("")

    if scen:
        matrix("Requests/s relative to Node Express (higher is better)", "rps_vs_express",
           "Each cell: the server's req/s ÷ Node Express's req/s in the same scenario and run. "
           "† wrk used its whole core: the client was at its limit, so this req/s is a lower bound; "
           "compare CPU/request. "
           "‡ other work on the machine used the benchmark's CPUs during that run, even when measured again: "
           "treat the cell with suspicion.")
        matrix("Server CPU time per request relative to the raw floor (lower is better)", "cpu_us_per_req_vs_floor",
           "Each cell: the server's CPU µs per request ÷ the raw floor's. The fair figure when wrk saturates.")
        matrix("Server CPU time per request relative to Node Express (lower is better)", "cpu_us_per_req_vs_express",
           "Each cell: the server's CPU µs per request ÷ Node Express's.")

    tg = targets(results)
    L.append("### Issue #3 targets (fastexpress, compiled)")
    L.append("")
    if results["config"].get("rounds", 1) > 1:
        L.append("Each figure is from the medians; in parentheses, the same ratio in each round (the two "
                 "servers measured in the same turn, seconds apart): how far one round can be trusted.")
        L.append("")
    L.append("| target | met? | measured |")
    L.append("|---|---|---|")
    for t, ok, detail in tg:
        L.append(f"| {t} | {'n/a' if ok is None else ('yes' if ok else '**no**')} | {detail} |")
    L.append("")

    mem = results.get("memory")
    if mem:
        L.append(f"### Memory per idle keep-alive connection ({cfg.get('memory_connections')} connections)")
        L.append("")
        L.append("RSS growth of the server process while it holds that many idle keep-alive connections (each "
                 "has sent one request and read its answer), divided by the number of connections.")
        L.append("")
        L.append("| server | KiB/connection ×floor / ×Node Express (lower is better) | KiB/connection (this machine) "
                 "| RSS before → after, MiB (this machine) | opened / still open |")
        L.append("|---|---:|---:|---:|---:|")
        for srv in servers:
            m = mem.get(srv)
            if not m:
                continue
            if m.get("status") != "ok":
                L.append(f"| {label.get(srv, srv)} | error | {m.get('detail', '')} | | |")
                continue
            L.append(f"| {label.get(srv, srv)} | {_fr(m.get('kib_per_connection_vs_floor'))} / "
                     f"{_fr(m.get('kib_per_connection_vs_express'))} | "
                     f"{m['kib_per_connection']:.2f} | {m['rss_before_kib'] / 1024:.1f} → "
                     f"{m['rss_after_kib'] / 1024:.1f} | {m['opened']} / {m['alive_at_end']} |")
        L.append("")

    if scen:
        L.append("### Per scenario: every figure as a ratio (×floor / ×Node Express), then this machine's numbers")
        L.append("")
    for sc in scen:
        s = SCENARIO_BY_NAME[sc]
        L.append(f"#### {sc}: {s.description}")
        L.append("")
        L.append("| server | req/s | CPU/req | p50 | p99 | RSS | req/s (this machine) | CPU µs/req (this machine) "
                 "| p50 / p99 ms (this machine) | RSS MiB (this machine) | errors |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for srv in servers:
            c = cells.get(sc, {}).get(srv)
            if c is None or c.get("status") in (None, "unsupported"):
                L.append(f"| {label.get(srv, srv)} | — | — | — | — | — | — | — | — | — | |")
                continue
            if c["status"] != "ok":
                L.append(f"| {label.get(srv, srv)} | error | | | | | | | | | {c.get('detail', '')} |")
                continue
            f, e = cells[sc].get("floor", {}), cells[sc].get("express", {})

            def ref(d, k):
                return d.get(k) if d.get("status") == "ok" else None

            def pair(k):
                return f"{_fr(_ratio(c.get(k), ref(f, k)))} / {_fr(_ratio(c.get(k), ref(e, k)))}"

            errs = []
            if c["non_2xx_3xx"]:
                errs.append(f"{c['non_2xx_3xx']} non-2xx/3xx")
            se = {k: v for k, v in c["socket_errors"].items() if v}
            if se:
                errs.append("socket " + ", ".join(f"{k} {v}" for k, v in se.items()))
            if c.get("wrk_bound"):
                errs.append("† wrk-bound")
            if c.get("contended"):
                r0 = c["rounds"][-1]
                errs.append(f"‡ other work on the CPUs (server core {r0['other_cpu_server_core']:.0%}, "
                            f"client core {r0['other_cpu_client_core']:.0%}, steal {r0['steal']:.0%})")
            p50 = f"{c['p50_ms']:.2f}" if c.get("p50_ms") is not None else "?"
            p99 = f"{c['p99_ms']:.2f}" if c.get("p99_ms") is not None else "?"
            cpu = f"{c['cpu_us_per_req']:.1f}" if c.get("cpu_us_per_req") is not None else "?"
            L.append(f"| {label.get(srv, srv)} | {pair('rps')} | {pair('cpu_us_per_req')} | {pair('p50_ms')} | "
                     f"{pair('p99_ms')} | {pair('rss_kib')} | {c['rps']:,.0f} | {cpu} | {p50} / {p99} | "
                     f"{c['rss_kib'] / 1024:.1f} | {'; '.join(errs)} |")
        L.append("")

    if results["notes"]:
        L.append("### Notes")
        L.append("")
        for n in results["notes"]:
            L.append(f"- {n}")
        L.append("")
    return "\n".join(L)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def render_only(src: Path, out_dir: Path, chart: bool) -> int:
    results = json.loads(src.read_text())
    add_ratios(results)
    results["targets"] = [{"target": t, "met": ok, "measured": d} for t, ok, d in targets(results)]
    out_dir.mkdir(parents=True, exist_ok=True)
    md = render_markdown(results)
    (out_dir / "latest.md").write_text(md + "\n")
    if out_dir.resolve() != src.parent.resolve() or src.name != "latest.json":
        (out_dir / "latest.json").write_text(json.dumps(results, indent=1, default=str))
    else:
        src.write_text(json.dumps(results, indent=1, default=str))
    if chart and VPY.exists():
        r = _run([VPY, BENCH / "chart.py", out_dir / "latest.json", out_dir / "latest.png"])
        if r.returncode != 0:
            log(f"chart failed: {_tail(r.stderr, 5)}")
    print(md)
    return 0


def _names(text: str, known: dict, what: str) -> list[str]:
    if text.strip().lower() in ("", "none"):
        return []
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in known]
    if bad:
        raise SystemExit(f"unknown {what}: {', '.join(bad)} (known: {', '.join(known)})")
    return names


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--servers", default=",".join(SERVER_BY_NAME),
                    help="comma-separated, from: " + ", ".join(SERVER_BY_NAME))
    ap.add_argument("--scenarios", default=",".join(SCENARIO_BY_NAME),
                    help="comma-separated, from: " + ", ".join(SCENARIO_BY_NAME) + " ('none' for none)")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds of wrk per cell (default 5)")
    ap.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat each cell and take the median (default 1)")
    ap.add_argument("--smoke", action="store_true", help="about 1 s per cell, for CI; results go to results/smoke")
    ap.add_argument("--memory", action="store_true", help="also measure RSS per idle keep-alive connection")
    ap.add_argument("--memory-connections", type=int, default=10_000, help="idle connections for --memory")
    ap.add_argument("--out", default=None, help="output directory (default bench/results)")
    ap.add_argument("--reinstall", action="store_true", help="reinstall fastexpress and retry failed peers")
    ap.add_argument("--quiet-wait", type=float, default=5.0,
                    help="seconds to wait for the benchmark CPUs to be idle before each run (default 5)")
    ap.add_argument("--retries", type=int, default=1,
                    help="measure a round again at once, in its turn, when other work used the benchmark CPUs, keeping the least disturbed run (default 1; the recheck pass at the end measures what stays disturbed once more)")
    ap.add_argument("--no-recheck", dest="recheck", action="store_false",
                    help="do not measure again, at the end, the runs that other work disturbed")
    ap.add_argument("--render", metavar="JSON", default=None,
                    help="only write the Markdown and the chart again from a latest.json")
    ap.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    args = ap.parse_args(argv)
    if args.smoke:
        args.duration = 1.0
        args.rounds = 1
        args.quiet_wait = min(args.quiet_wait, 5.0)
        args.retries = 0
    if args.render:
        return render_only(Path(args.render), Path(args.out) if args.out else Path(args.render).parent,
                           not args.no_chart)
    servers = _names(args.servers, SERVER_BY_NAME, "server")
    scenarios = _names(args.scenarios, SCENARIO_BY_NAME, "scenario")
    out_dir = Path(args.out) if args.out else BENCH / "results" / ("smoke" if args.smoke else "")
    out_dir.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []

    if not sys.platform.startswith("linux"):
        raise SystemExit("the benchmark reads /proc and uses taskset: Linux only")
    if not ensure_wrk(notes):
        raise SystemExit("; ".join(notes))
    taskset = shutil.which("taskset")
    if taskset is None or (os.cpu_count() or 1) < 2:
        notes.append("taskset or a second CPU is missing: server and wrk are not pinned apart")
        taskset = None
    need = {r for s in servers for r in SERVER_BY_NAME[s].requires}
    if not args.no_chart:
        need.add("matplotlib")
    state = ensure_venv(args.reinstall, need, notes)
    node = ensure_node("node" in need, notes)

    info = machine_info(node, state)
    if info["fastexpress_implementation"].get("fastexpress") != "cython" and "fastexpress" in servers:
        notes.append(f"the compiled speedups did not load ({info['fastexpress_implementation']['fastexpress']}): "
                     "the 'fastexpress (compiled)' row runs the pure-Python twin")

    def available(spec: ServerSpec) -> Optional[str]:
        for r in spec.requires:
            if r == "node":
                if node is None:
                    return "Node.js peers not installed"
            elif state.get(r) != "ok":
                return f"{r} not installed"
        return None

    results: dict = {
        "config": {"servers": servers, "scenarios": scenarios, "duration": args.duration,
                   "connections": args.connections, "rounds": args.rounds, "smoke": args.smoke,
                   "memory_connections": args.memory_connections if args.memory else None,
                   "server_cpu": SERVER_CPU, "client_cpu": CLIENT_CPU, "quiet_wait": args.quiet_wait, "retries": args.retries, "pinned": taskset is not None,
                   "interleaved": True, "turns": sorted(servers, key=TURNS.index)},
        "machine": info, "install": state, "cells": {sc: {} for sc in scenarios}, "notes": notes,
    }
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fastexpress-bench-") as tmp:
        script_dir = Path(tmp)
        fleet = Fleet(node, taskset, notes)
        try:
            for srv in servers if scenarios else []:
                why = available(SERVER_BY_NAME[srv]) or fleet.start(srv)
                if why:
                    notes.append(f"{SERVER_BY_NAME[srv].label} skipped: {why}")
                    for sc in scenarios:
                        results["cells"][sc][srv] = {"status": "skipped", "detail": why}
            for sc_name in scenarios:
                cells = measure_scenario(fleet, SCENARIO_BY_NAME[sc_name], args, taskset, script_dir)
                results["cells"][sc_name].update(cells)
            # Second pass: the cells that other work on the machine disturbed, measured once more;
            # a new measurement replaces the old one only if less disturbed.
            if args.recheck and not args.smoke:
                recheck(fleet, results["cells"], args, taskset, script_dir)
            for srv, server in fleet.running.items():
                out_tail = _tail(server.output(), 5)
                if out_tail:
                    notes.append(f"{SERVER_BY_NAME[srv].label} printed: {out_tail}")
        finally:
            fleet.stop()
        for sc in scenarios:
            for srv in servers:
                cell = results["cells"][sc].get(srv, {})
                label = SERVER_BY_NAME[srv].label
                if cell.get("status") == "error":
                    notes.append(f"{label} / {sc}: {cell['detail']}")
                if cell.get("status") == "ok":
                    notes.extend(f"{label} / {sc}: {problem}" for problem in problems(cell))

        if args.memory:
            results["memory"] = {}
            for srv in servers:
                spec = SERVER_BY_NAME[srv]
                if available(spec):
                    continue
                log(f"== memory: {spec.label}, {args.memory_connections} idle connections")
                m = measure_memory(spec, node, taskset, args, script_dir)
                results["memory"][srv] = m
                if m["status"] == "ok":
                    log(f"   {m['kib_per_connection']:.2f} KiB/connection ({m['opened']} opened, "
                        f"{m['failed']} failed, {m['alive_at_end']} still open)")
                    if m["failed"] or (m["alive_at_end"] is not None and m["alive_at_end"] < m["opened"]):
                        notes.append(f"{spec.label} / memory: {m['failed']} connections failed "
                                     f"{m['errors']}, {m['alive_at_end']} of {m['opened']} still open at the end")
                else:
                    log(f"   error: {m.get('detail')}")
                    notes.append(f"{spec.label} / memory: {m.get('detail')}")

    results["elapsed_s"] = round(time.monotonic() - t_start, 1)
    add_ratios(results)
    results["targets"] = [{"target": t, "met": ok, "measured": d} for t, ok, d in targets(results)]
    md = render_markdown(results)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=1, default=str))
    (out_dir / "latest.md").write_text(md + "\n")
    if not args.no_chart and scenarios:
        if state.get("matplotlib") == "ok":
            r = _run([VPY, BENCH / "chart.py", out_dir / "latest.json", out_dir / "latest.png"])
            if r.returncode != 0:
                log(f"chart failed: {_tail(r.stderr, 5)}")
        else:
            log("matplotlib is not installed in the bench venv: no chart")
    print(md)
    log(f"wrote {out_dir / 'latest.md'}, latest.json{'' if args.no_chart else ', latest.png'} "
        f"in {results['elapsed_s']} s")
    # For CI: a smoke run fails when a server that is installed did not start or a cell broke.
    broken = [f"{srv}/{sc}" for sc, cs in results["cells"].items() for srv, c in cs.items()
              if c.get("status") == "error"
              or (c.get("status") == "skipped" and "not installed" not in c.get("detail", ""))]
    if args.smoke and broken:
        log(f"smoke run failed: {', '.join(broken)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
