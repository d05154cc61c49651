"""The benchmark harness's own logic (bench/run.py), without servers or wrk: how it reads wrk's
output, the order in which the servers take turns, what the recheck pass measures again."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "run.py"
_spec = importlib.util.spec_from_file_location("bench_run", _PATH)
assert _spec is not None and _spec.loader is not None
run = importlib.util.module_from_spec(_spec)
sys.modules["bench_run"] = run  # dataclasses look their module up while the class is made
_spec.loader.exec_module(run)

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40000/plaintext
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  310.00us   9.81ms   90.12%
    Req/Sec    62.51k     2.10k   66.00k    80.00%
  Latency Distribution
     50%    0.96ms
     75%    1.10ms
     90%    1.30ms
     99%    2.50ms
  311020 requests in 5.00s, 57.25MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  62195.44
Transfer/sec:     11.45MB
"""


def test_parse_wrk_reads_every_figure() -> None:
    r = run.parse_wrk(WRK_OUTPUT)
    assert r["rps"] == 62195.44
    assert r["requests"] == 311020
    assert r["elapsed_ms"] == 5000.0
    assert r["bytes_read"] == pytest.approx(57.25 * 1024**2)
    assert (r["p50_ms"], r["p75_ms"], r["p90_ms"], r["p99_ms"]) == (0.96, 1.10, 1.30, 2.50)
    assert r["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert r["non_2xx_3xx"] == 7


def test_parse_wrk_zero_percentiles_are_unknown() -> None:
    # wrk 4.1 prints 0.00us percentiles when pipelining leaves its histogram unusable.
    out = WRK_OUTPUT.replace("2.50ms", "0.00us")
    assert run.parse_wrk(out)["p99_ms"] is None


def _round(rps: float, *, contended: bool = False, other: float = 0.0) -> dict[str, Any]:
    return {
        "rps": rps, "cpu_us_per_req": 1e6 / rps, "p50_ms": 1.0, "p99_ms": 2.0, "rss_kib": 1024,
        "server_cpu_util": 1.0, "wrk_cpu_util": 0.5, "bytes_per_response": 130.0,
        "other_cpu_server_core": other, "other_cpu_client_core": 0.0, "steal": 0.0,
        "contended": contended, "non_2xx_3xx": 1, "socket_errors": {"read": 1},
    }


def test_summarise_takes_medians_and_sums_errors() -> None:
    cell = run.summarise([_round(100.0), _round(300.0, contended=True, other=0.2), _round(200.0)])
    assert cell["rps"] == 200.0
    assert cell["cpu_us_per_req"] == pytest.approx(1e6 / 200.0)
    assert cell["contended"] is True
    assert cell["interference"] == 0.2
    assert cell["non_2xx_3xx"] == 3
    assert cell["socket_errors"] == {"connect": 0, "read": 3, "write": 0, "timeout": 0}
    assert cell["wrk_bound"] is False
    assert run.problems(cell) == [
        "3 non-2xx/3xx responses", "wrk socket errors {'read': 3}",
        "other work used the benchmark CPUs during the run (‡): 20% of a core",
    ]
    assert run.problems(_round(5.0, contended=True, other=0.3))[-1].endswith("30% of a core")  # a round


class FakeServer:
    def __init__(self, name: str) -> None:
        self.spec = run.SERVER_BY_NAME[name]
        self.name = name
        self.alive_now = True

    def alive(self) -> bool:
        return self.alive_now

    def output(self) -> str:
        return ""

    def stop(self) -> None:
        self.alive_now = False


class FakeFleet(run.Fleet):
    """The real Fleet's logic over fake servers: start() makes one instead of a process."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(None, None, [])
        self.started: list[str] = []
        for name in names:
            assert self.start(name) is None

    def start(self, srv: str) -> str | None:
        self.started.append(srv)
        self.running[srv] = FakeServer(srv)  # type: ignore[assignment]
        return None


class Recorder:
    """What the harness did, in order: ("probe" | "warm" | "round", server); and the rounds
    measure_round is to return next, per server (else a plain one)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.results: dict[str, list[dict[str, Any]]] = {}
        self.unsupported = {"granian"}

    def probe(self, server: FakeServer, sc: Any) -> tuple[str, str | None]:
        self.calls.append(("probe", server.name))
        return ("unsupported", None) if server.name in self.unsupported else ("ok", None)

    def warm_up(self, server: FakeServer, *_: Any) -> None:
        self.calls.append(("warm", server.name))

    def measure_round(self, server: FakeServer, *_: Any) -> dict[str, Any]:
        self.calls.append(("round", server.name))
        queued = self.results.get(server.name)
        return queued.pop(0) if queued else _round(1000.0)


@pytest.fixture
def rec(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(run, "probe", recorder.probe)
    monkeypatch.setattr(run, "warm_up", recorder.warm_up)
    monkeypatch.setattr(run, "measure_round", recorder.measure_round)
    monkeypatch.setattr(run, "log", lambda msg: None)
    return recorder


ARGS = SimpleNamespace(rounds=3)


def test_servers_take_turns_in_order_then_in_reverse(rec: Recorder) -> None:
    # Started in another order: the turns follow run.TURNS (fastexpress between floor and Fastify).
    fleet = FakeFleet(["granian", "fastify", "floor", "fastexpress"])
    cells = run.measure_scenario(fleet, run.SCENARIO_BY_NAME["middleware"], ARGS, None, None)
    assert rec.calls == [
        ("probe", "floor"), ("warm", "floor"), ("round", "floor"),
        ("probe", "fastexpress"), ("warm", "fastexpress"), ("round", "fastexpress"),
        ("probe", "fastify"), ("warm", "fastify"), ("round", "fastify"),
        ("probe", "granian"),  # unsupported: never warmed up or measured
        ("round", "fastify"), ("round", "fastexpress"), ("round", "floor"),
        ("round", "floor"), ("round", "fastexpress"), ("round", "fastify"),
    ]
    assert cells["granian"] == {"status": "unsupported", "detail": None}
    assert [len(cells[s]["rounds"]) for s in ("floor", "fastexpress", "fastify")] == [3, 3, 3]


def test_a_server_that_died_is_restarted_probed_and_warmed_again(rec: Recorder,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = FakeFleet(["floor", "fastexpress"])
    args = SimpleNamespace(rounds=2)

    def dies_after_first_round(server: FakeServer, *rest: Any) -> dict[str, Any]:
        result = rec.measure_round(server, *rest)
        if server.name == "fastexpress":
            server.alive_now = False
        return result

    monkeypatch.setattr(run, "measure_round", dies_after_first_round)
    cells = run.measure_scenario(fleet, run.SCENARIO_BY_NAME["plaintext"], args, None, None)
    assert rec.calls[-4:] == [("probe", "fastexpress"), ("warm", "fastexpress"), ("round", "fastexpress"),
                          ("round", "floor")]
    assert fleet.started == ["floor", "fastexpress", "fastexpress"]
    assert len(cells["fastexpress"]["rounds"]) == 2
    assert any("died" in note for note in fleet.notes)


def test_a_failing_round_makes_the_cell_an_error_and_ends_its_turns(rec: Recorder,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = FakeFleet(["floor", "fastexpress"])

    def fails(server: FakeServer, *rest: Any) -> dict[str, Any]:
        if server.name == "floor":
            raise RuntimeError("wrk failed (1): boom")
        return rec.measure_round(server, *rest)

    monkeypatch.setattr(run, "measure_round", fails)
    cells = run.measure_scenario(fleet, run.SCENARIO_BY_NAME["plaintext"], ARGS, None, None)
    assert cells["floor"] == {"status": "error", "detail": "wrk failed (1): boom"}
    assert rec.calls.count(("warm", "floor")) == 1  # never again after the failure
    assert len(cells["fastexpress"]["rounds"]) == 3


def test_recheck_measures_only_the_disturbed_rounds(rec: Recorder) -> None:
    fleet = FakeFleet(["fastexpress", "fastify"])
    disturbed = _round(500.0, contended=True, other=0.3)
    cells = {"plaintext": {
        "fastexpress": run.summarise([_round(1000.0), disturbed, _round(1100.0)]),
        "fastify": run.summarise([_round(900.0)] * 3),
    }}
    rec.results["fastexpress"] = [_round(1050.0, other=0.01)]
    run.recheck(fleet, cells, ARGS, None, None)
    assert rec.calls == [("warm", "fastexpress"), ("round", "fastexpress")]
    rounds = cells["plaintext"]["fastexpress"]["rounds"]
    assert [r["rps"] for r in rounds] == [1000.0, 1050.0, 1100.0]  # in the disturbed round's place
    assert cells["plaintext"]["fastexpress"]["contended"] is False
    assert cells["plaintext"]["fastexpress"]["rps"] == 1050.0


def test_recheck_keeps_the_first_round_when_the_second_is_more_disturbed(rec: Recorder) -> None:
    fleet = FakeFleet(["fastexpress"])
    cells = {"json": {"fastexpress": run.summarise([_round(1000.0, contended=True, other=0.15)])}}
    rec.results["fastexpress"] = [_round(10.0, contended=True, other=0.5)]
    run.recheck(fleet, cells, SimpleNamespace(rounds=1), None, None)
    assert cells["json"]["fastexpress"]["rps"] == 1000.0
    assert cells["json"]["fastexpress"]["contended"] is True


@pytest.mark.parametrize("runs,retries,kept,attempts", [
    ([_round(100.0)], 1, 100.0, 1),  # undisturbed: measured once
    ([_round(100.0, contended=True, other=0.4), _round(200.0)], 1, 200.0, 2),
    ([_round(100.0, contended=True, other=0.2), _round(200.0, contended=True, other=0.5)], 1, 100.0, 2),
    ([_round(100.0, contended=True, other=0.2)], 0, 100.0, 1),  # --retries 0
])
def test_a_disturbed_round_is_measured_again_at_once_keeping_the_least_disturbed(
        monkeypatch: pytest.MonkeyPatch, runs: list[dict[str, Any]], retries: int, kept: float,
        attempts: int) -> None:
    queued = list(runs)
    monkeypatch.setattr(run, "measure_once", lambda *_: queued.pop(0))
    monkeypatch.setattr(run, "log", lambda msg: None)
    measured = run.measure_round(FakeServer("fastexpress"), None, SimpleNamespace(retries=retries), None, None)
    assert (measured["rps"], measured["attempts"]) == (kept, attempts)
    assert not queued


def test_targets_show_each_rounds_ratio_beside_the_medians() -> None:
    def cell(*rps: float) -> dict[str, Any]:
        return run.summarise([_round(x) for x in rps])

    cells = {sc: {"fastexpress": cell(120.0, 130.0, 140.0), "fastify": cell(100.0, 100.0, 80.0)}
             for sc in ("plaintext", "json", "params")}
    results = {"cells": cells, "config": {"rounds": 3}}
    found = {label: (met, detail) for label, met, detail in run.targets(results)}
    met, detail = found["req/s ≥ 1.3× Fastify (plaintext/JSON/params)"]
    # medians 130 / 100; per round 1.20, 1.30, 1.75
    assert detail.split("; ")[0] == "plaintext 1.30 (rounds 1.20, 1.30, 1.75)"
    assert met is True
    # one round only: no per-round figures
    single = {sc: {"fastexpress": cell(120.0), "fastify": cell(100.0)} for sc in ("plaintext", "json", "params")}
    _, detail = {label: (m, d) for label, m, d in run.targets({"cells": single})}[
        "req/s ≥ 1.3× Fastify (plaintext/JSON/params)"]
    assert detail.split("; ")[0] == "plaintext 1.20"
