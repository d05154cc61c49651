"""Worker processes on one port, supervised: ``workers=N``, ``--reload``, ``--limit-max-requests``.

How it works
------------
The supervisor (the process that called ``app.listen(..., workers=N)`` or ran
``fastexpress run``) binds the listening sockets itself: on Linux one socket per worker
*slot*, each with ``SO_REUSEPORT`` on the same address, so the kernel spreads connections over
the slots' accept queues (elsewhere, and for a Unix socket, one socket shared by every slot).
A worker is a fresh process (``subprocess``, not ``fork``) that inherits its slot's socket
and a status pipe, imports the app itself, runs the startup hooks, and then writes ``R`` on
the pipe. Fresh processes are what make ``SIGHUP`` and ``--reload`` pick up new code, and
they avoid forking a process that may hold threads, locks or an event loop.

* For ``fastexpress run module:app`` a worker is ``python -m fastexpress run ...`` with the
  same arguments.
* For ``app.listen(port, host, cb, workers=N)`` in a script, a worker runs the same command
  line as the supervisor (``sys.executable`` plus ``sys.orig_argv[1:]``): the script runs
  again, builds its app, and its ``app.listen`` call finds the worker description in the
  environment (``FASTEXPRESS_WORKER``) and serves as that worker (then exits the process).
  So everything the script does before ``app.listen`` runs in every worker too, as with
  ``multiprocessing``'s spawn (``if __name__ == "__main__":`` guards are fine: the worker is
  run as ``__main__``). The listen callback runs once, in the supervisor, when every worker
  is ready.

Because the supervisor keeps its copy of every slot's socket open, a worker that exits never
takes its accept queue with it (closing the last copy of a ``SO_REUSEPORT`` listener resets
the connections queued on it): a crashed worker's queue waits for its replacement, and a
rolling replacement (``SIGHUP``, a file change, ``limit_max_requests``) starts the new worker
on the same socket, waits for its ``R``, and only then stops the old one gracefully, so no
connection is refused. The old one writes ``S`` once it takes no new connections: a reload is
logged complete when every retiring worker has (or has exited), so from then on every new
connection reaches the new code.

Signals to the supervisor: ``SIGTERM``/``SIGINT`` stop every worker gracefully (a second one:
at once); ``SIGHUP`` replaces the workers one by one; ``SIGTTIN``/``SIGTTOU`` add/remove one.
Workers ignore ``SIGINT`` and ``SIGHUP`` (Ctrl-C reaches the whole process group: only the
supervisor acts on it) and stop gracefully on ``SIGTERM`` (a second one: at once), or when
the supervisor dies (the read end of a pipe whose write end only it holds sees EOF).

A worker that exits before it is ready is a failed start; after three in a row (with a short
back-off between them) the supervisor gives up and exits 1. With ``--reload`` it never gives
up: it waits for the next change, and a replacement that fails to start leaves the old worker
serving.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import selectors
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .server import WORKER_ENV, StartupError, _start, make_config, new_event_loop

if TYPE_CHECKING:
    from .application import App

log = logging.getLogger("fastexpress.supervisor")

BOOT_FAILURE_LIMIT = 3  # failed starts in a row before the supervisor gives up
KILL_GRACE = 5.0  # seconds past the graceful timeout before a worker is killed
_PER_SLOT_SOCKETS = sys.platform.startswith("linux")  # SO_REUSEPORT balances only there


# -- the worker side ----------------------------------------------------------------------------

@dataclass
class WorkerSpec:
    sock: int  # the listening socket (inherited descriptor)
    # write end of the status pipe: b"R" ready, b"M" max requests, b"S" stopped accepting,
    # b"E...\n" error
    status: int
    life: int  # read end of the lifeline pipe: EOF when the supervisor is gone
    slot: int


def take_worker_spec() -> WorkerSpec | None:
    """The worker description this process was started with (removed from the environment
    so that processes the app starts do not see it), or None."""
    raw = os.environ.pop(WORKER_ENV, None)
    if not raw:
        return None
    data = json.loads(raw)
    for fd in (data["sock"], data["status"], data["life"]):
        os.set_inheritable(fd, False)  # not for the processes the app starts
    return WorkerSpec(sock=data["sock"], status=data["status"], life=data["life"], slot=data["slot"])


def report(spec: WorkerSpec, message: bytes) -> None:
    try:
        os.write(spec.status, message)
    except OSError:
        pass


def report_error(spec: WorkerSpec, message: str) -> None:
    """A fatal configuration error (a bad target): the supervisor prints it once."""
    report(spec, b"E" + message.replace("\n", " ").encode("utf-8", "replace") + b"\n")


def _worker_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGHUP})


def serve_worker(app: App, spec: WorkerSpec, *, limit_max_requests: int | None = None,
                 ssl: Any = None, backlog: int = 1024, **options: Any) -> int:
    """Serve ``app`` as one worker on the inherited socket until SIGTERM (or the supervisor's
    death); returns the process exit code."""
    options.pop("uds", None)
    options.pop("reuse_port", None)
    config = make_config(options)
    _worker_signals()
    handler = app.handle
    if limit_max_requests:
        handler = _counting(app.handle, limit_max_requests, lambda: report(spec, b"M"))

    async def main() -> int:
        loop = asyncio.get_running_loop()
        sock = socket.socket(fileno=spec.sock)
        try:
            server = await _start(app, handler, 0, "", ssl=ssl, backlog=backlog, reuse_port=False, sock=sock,
                                  uds=None, config=config)
        except StartupError as exc:
            cause = exc.__cause__ or exc
            sys.stderr.write(f"fastexpress: worker {os.getpid()}: startup failed:\n")
            traceback.print_exception(cause, file=sys.stderr)
            sys.stderr.flush()
            return 3
        stop = asyncio.Event()
        signals = 0

        def on_term() -> None:
            nonlocal signals
            signals += 1
            if signals > 1:
                server.abort_all()
            stop.set()

        def on_lifeline() -> None:
            try:
                data = os.read(spec.life, 64)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:  # the supervisor is gone: stop gracefully
                loop.remove_reader(spec.life)
                stop.set()

        loop.add_signal_handler(signal.SIGTERM, on_term)
        os.set_blocking(spec.life, False)
        loop.add_reader(spec.life, on_lifeline)
        report(spec, b"R")
        await stop.wait()
        server.stop_accepting()
        report(spec, b"S")  # a reload is complete once the retiring workers have said this
        await server.close()
        return 0 if server.shutdown_ok else 1

    loop = new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def _counting(handle: Callable[..., Any], limit: int, on_limit: Callable[[], None]) -> Callable[..., Any]:
    count = 0

    def counting_handler(req: Any, res: Any) -> Any:
        nonlocal count
        count += 1
        if count == limit:
            on_limit()
        return handle(req, res)

    return counting_handler


# -- the supervisor -----------------------------------------------------------------------------

def script_command() -> list[str]:
    """The command line that runs this program again (for workers of ``app.listen``)."""
    argv = list(getattr(sys, "orig_argv", None) or [])
    if len(argv) < 2 or sys.flags.interactive:
        raise RuntimeError("workers > 1 needs a program to run again in each worker: start the app from "
                           "a script or module (python app.py, python -m pkg) or with `fastexpress run`")
    return [sys.executable, *argv[1:]]


def supervise_script(*, port: int, host: str, workers: int, callback: Callable[[], Any] | None,
                     uds: str | None = None, backlog: int = 1024, ssl: Any = None, reuse_port: bool = False,
                     **options: Any) -> int:
    """``app.listen(..., workers=N)``: supervise workers that run this program again."""
    config = make_config(options)  # an unknown option fails here, before any worker starts
    sup = Supervisor(script_command(), workers=workers, host=host, port=port, uds=uds, backlog=backlog,
                     graceful_timeout=config.graceful_timeout, on_ready=callback,
                     scheme="https" if ssl is not None else "http")
    return sup.run()


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class _Worker:
    __slots__ = ("slot", "proc", "status_fd", "ready", "accepting", "role", "error", "buf", "kill_at", "started")

    def __init__(self, slot: int, proc: subprocess.Popen[bytes], status_fd: int, role: str) -> None:
        self.slot = slot
        self.proc = proc
        self.status_fd = status_fd
        self.ready = False
        self.accepting = True  # until it says it stopped (b"S") or exits
        self.role = role  # "slot" (serving its slot), "new" (replacement starting), "old" (retiring)
        self.error: str | None = None
        self.buf = b""
        self.kill_at: float | None = None
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.proc.pid


def bind_address(host: str, port: int, backlog: int, reuse_port: bool) -> socket.socket:
    infos = socket.getaddrinfo(host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    infos.sort(key=lambda info: info[0] != socket.AF_INET)  # one address: IPv4 first
    family, type_, proto, _, addr = infos[0]
    sock = socket.socket(family, type_, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(addr)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def bind_unix(path: str, backlog: int) -> socket.socket:
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)  # a stale socket file from an earlier run
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


class Supervisor:
    """Runs ``workers`` copies of ``command`` (each a worker: see the module docstring)."""

    def __init__(self, command: Sequence[str], *, workers: int = 1, host: str = "127.0.0.1", port: int = 3000,
                 uds: str | None = None, backlog: int = 1024, graceful_timeout: float = 30.0,
                 on_ready: Callable[[], Any] | None = None, reload: bool = False,
                 reload_dirs: Sequence[str] = (), reload_filter: Any = None, scheme: str = "http") -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.command = list(command)
        self.slots = workers
        self.host = host
        self.port = port
        self.uds = uds
        self.backlog = backlog
        self.graceful_timeout = graceful_timeout
        self.on_ready = on_ready
        self.reload = reload
        self.reload_dirs = list(reload_dirs) or [os.getcwd()]
        self.reload_filter = reload_filter
        self.scheme = scheme
        self.sockets: list[socket.socket] = []
        self.per_slot = _PER_SLOT_SOCKETS and not uds  # one SO_REUSEPORT socket per slot
        self.workers: list[_Worker] = []
        self.current: dict[int, _Worker] = {}  # slot -> its serving (or starting) worker
        self.replacing: _Worker | None = None
        self.replace_queue: collections.deque[int] = collections.deque()
        self.respawn_at: dict[int, float] = {}
        self.boot_failures = 0
        self.stopping = False
        self.stop_now = False
        self.exit_code = 0
        self.announced = False
        self.reloading = False
        self.sel = selectors.DefaultSelector()
        self._uds_ino: int | None = None
        self._watch_stop = threading.Event()
        self._watcher: threading.Thread | None = None

    # -- setup ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self.uds:
            return f"unix:{self.uds}"
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"{self.scheme}://{host}:{self.port}"

    def _bind(self) -> None:
        if self.uds:
            self.sockets = [bind_unix(self.uds, self.backlog)]
            self._uds_ino = os.stat(self.uds).st_ino
            return
        count = self.slots if self.per_slot else 1
        first = bind_address(self.host, self.port, self.backlog, self.per_slot)
        self.sockets = [first]
        self.port = first.getsockname()[1]  # port 0: the one the kernel chose
        for _ in range(count - 1):
            self.sockets.append(self._another_socket())

    def _another_socket(self) -> socket.socket:
        return bind_address(self.host, self.port, self.backlog, True)

    def _socket_for(self, slot: int) -> socket.socket:
        return self.sockets[slot] if self.per_slot else self.sockets[0]

    def run(self) -> int:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("workers are supervised from the main thread only")
        try:
            self._bind()
        except OSError as exc:
            log.error("fastexpress: cannot listen on %s: %s", self.url, exc.strerror or exc)
            return 1
        self.life_r, self.life_w = os.pipe()
        self.wake_r, self.wake_w = os.pipe()
        self.change_r, self.change_w = os.pipe()
        for fd in (self.wake_r, self.wake_w, self.change_r, self.change_w):
            os.set_blocking(fd, False)
        self.sel.register(self.wake_r, selectors.EVENT_READ, self._on_signals)
        self.sel.register(self.change_r, selectors.EVENT_READ, self._on_change)
        old_handlers = {}
        handled = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGTTIN, signal.SIGTTOU, signal.SIGCHLD]
        for sig in handled:
            old_handlers[sig] = signal.signal(sig, _noop)
        old_wakeup = signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        try:
            if self.reload:
                self._start_watcher()
            log.info("fastexpress: supervisor %d starting %d worker%s on %s", os.getpid(), self.slots,
                     "s" if self.slots != 1 else "", self.url)
            for slot in range(self.slots):
                self._spawn(slot, "slot")
            while self.workers or not self.stopping:
                self._tick()
        finally:
            self._watch_stop.set()
            for w in self.workers:  # only after an unexpected error
                w.proc.kill()
                w.proc.wait()
            signal.set_wakeup_fd(old_wakeup)
            for sig, handler in old_handlers.items():
                signal.signal(sig, handler)
            self._close_sockets()
            for fd in (self.life_r, self.life_w, self.wake_r, self.wake_w, self.change_r, self.change_w):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.sel.close()
            if self._watcher is not None:
                self._watcher.join(2)
        log.info("fastexpress: supervisor %d stopped", os.getpid())
        return self.exit_code

    def _close_sockets(self) -> None:
        for sock in self.sockets:
            sock.close()
        self.sockets = []
        if self.uds and self._uds_ino is not None:
            try:
                st = os.stat(self.uds)
                if stat.S_ISSOCK(st.st_mode) and st.st_ino == self._uds_ino:
                    os.unlink(self.uds)
            except OSError:
                pass
            self._uds_ino = None

    # -- workers -------------------------------------------------------------------------------

    def _spawn(self, slot: int, role: str) -> _Worker:
        self.respawn_at.pop(slot, None)
        sock = self._socket_for(slot)
        status_r, status_w = os.pipe()
        spec = {"sock": sock.fileno(), "status": status_w, "life": self.life_r, "slot": slot}
        env = dict(os.environ)
        env[WORKER_ENV] = json.dumps(spec)
        if self.reload:
            # A .pyc is trusted when the source's size and mtime (in whole seconds) match: an
            # edit of the same size within the second of the last import would be missed.
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        # The worker starts with SIGINT and SIGHUP ignored (a disposition exec keeps): Ctrl-C
        # and a terminal hangup reach the whole process group, and only the supervisor acts.
        # Blocked meanwhile here, so that one arriving now is not lost to the supervisor.
        masked = {signal.SIGINT, signal.SIGHUP}
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, masked)
        old = {sig: signal.signal(sig, signal.SIG_IGN) for sig in masked}
        try:
            proc = subprocess.Popen(self.command, env=env, pass_fds=(sock.fileno(), status_w, self.life_r))
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
            os.close(status_w)
        os.set_blocking(status_r, False)
        worker = _Worker(slot, proc, status_r, role)
        self.workers.append(worker)
        self.sel.register(status_r, selectors.EVENT_READ, lambda: self._on_status(worker))
        if role == "slot":
            self.current[slot] = worker
        log.debug("fastexpress: worker %d starting (slot %d)", proc.pid, slot)
        return worker

    def _on_status(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.status_fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.sel.unregister(worker.status_fd)
            os.close(worker.status_fd)
            worker.status_fd = -1
            return
        worker.buf += data
        while worker.buf:
            kind = worker.buf[:1]
            if kind == b"R":
                worker.buf = worker.buf[1:]
                self._on_ready(worker)
            elif kind == b"M":
                worker.buf = worker.buf[1:]
                self._on_max_requests(worker)
            elif kind == b"S":
                worker.buf = worker.buf[1:]
                worker.accepting = False
                self._check_reload_complete()
            elif kind == b"E":
                end = worker.buf.find(b"\n")
                if end < 0:
                    return
                worker.error = worker.buf[1:end].decode("utf-8", "replace")
                worker.buf = worker.buf[end + 1:]
            else:
                worker.buf = worker.buf[1:]

    def _on_ready(self, worker: _Worker) -> None:
        worker.ready = True
        self.boot_failures = 0
        log.debug("fastexpress: worker %d ready (slot %d)", worker.pid, worker.slot)
        if self.stopping:
            return
        if worker.role == "new":
            old = self.current.get(worker.slot)
            worker.role = "slot"
            self.current[worker.slot] = worker
            if self.replacing is worker:
                self.replacing = None
            if old is not None and old is not worker:
                self._retire(old)
            if old is not None:
                log.info("fastexpress: worker %d replaced by %d (slot %d)", old.pid, worker.pid, worker.slot)
            else:
                log.info("fastexpress: worker %d started (slot %d)", worker.pid, worker.slot)
            self._check_reload_complete()
        if not self.announced and len(self.current) == self.slots and all(
                w.ready for w in self.current.values()):
            self.announced = True
            log.info("fastexpress: ready: %d worker%s (%s) on %s", self.slots, "s" if self.slots != 1 else "",
                     self._pids(), self.url)
            if self.on_ready is not None:
                self.on_ready()

    def _pids(self) -> str:
        return ", ".join(str(self.current[s].pid) for s in sorted(self.current))

    def _on_max_requests(self, worker: _Worker) -> None:
        if self.stopping or worker.role != "slot" or self.current.get(worker.slot) is not worker:
            return
        if worker.slot not in self.replace_queue and not (self.replacing and self.replacing.slot == worker.slot):
            log.info("fastexpress: worker %d reached its request limit; replacing it", worker.pid)
            self.replace_queue.append(worker.slot)

    def _retire(self, worker: _Worker) -> None:
        worker.role = "old"
        if self.current.get(worker.slot) is worker:
            del self.current[worker.slot]
        self._signal(worker, signal.SIGTERM)
        worker.kill_at = time.monotonic() + self.graceful_timeout + KILL_GRACE

    def _signal(self, worker: _Worker, sig: int) -> None:
        if worker.proc.returncode is None:
            try:
                worker.proc.send_signal(sig)
            except ProcessLookupError:
                pass

    def _reap(self) -> None:
        for worker in list(self.workers):
            code = worker.proc.poll()
            if code is None:
                continue
            if worker.status_fd >= 0:  # read what it said before it went
                self._on_status(worker)
                if worker.status_fd >= 0:
                    self.sel.unregister(worker.status_fd)
                    os.close(worker.status_fd)
                    worker.status_fd = -1
            self.workers.remove(worker)
            self._on_exit(worker, code)

    def _on_exit(self, worker: _Worker, code: int) -> None:
        slot = worker.slot
        was_current = self.current.get(slot) is worker
        if was_current:
            del self.current[slot]
        if self.replacing is worker:
            self.replacing = None
        if self.stopping or worker.role == "old":
            log.debug("fastexpress: worker %d exited (%s)", worker.pid, describe_exit(code))
            self._check_reload_complete()
            return
        if worker.error is not None:
            log.error("fastexpress: error: %s", worker.error)
            if not self.reload and not self.announced:  # the first start: nothing serves yet
                self.exit_code = 1
                self._stop()
                return
        if not worker.ready:
            self.boot_failures += 1
            if worker.role == "new" or self.reload:
                if worker.error is None:
                    log.error("fastexpress: %sworker %d failed to start (%s)", "new " if worker.role == "new" else "",
                              worker.pid, describe_exit(code))
                self._abandon_reload()
                if self.reload:
                    log.error("fastexpress: waiting for a file change")
                elif slot not in self.current and slot < self.slots:
                    self._schedule(slot, delay=0.5)
                return
            if self.boot_failures >= BOOT_FAILURE_LIMIT:
                log.error("fastexpress: workers failed to start %d times in a row (last: %s); giving up",
                          self.boot_failures, describe_exit(code))
                self.exit_code = 1
                self._stop()
                return
            log.warning("fastexpress: worker %d failed to start (%s); trying again", worker.pid, describe_exit(code))
            self._schedule(slot, delay=0.2 * 2 ** (self.boot_failures - 1))
            return
        if slot >= self.slots:
            return  # a slot removed meanwhile
        log.warning("fastexpress: worker %d (slot %d) died (%s); starting a new one", worker.pid, slot,
                    describe_exit(code))
        if self.replacing is not None and self.replacing.slot == slot:
            return  # its replacement is already starting
        if time.monotonic() - worker.started < 1.0:
            self._schedule(slot, delay=0.5)  # crashing at once again and again: not too fast
        else:
            self._spawn(slot, "slot")

    def _schedule(self, slot: int, delay: float = 0.0) -> None:
        self.respawn_at[slot] = time.monotonic() + delay

    def _abandon_reload(self) -> None:
        if self.reloading and self.current:
            log.error("fastexpress: reload abandoned; the running worker%s keep%s serving",
                      "s" if len(self.current) != 1 else "", "" if len(self.current) != 1 else "s")
        self.reloading = False
        self.replace_queue.clear()

    # -- the loop ------------------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.monotonic()
        timeout = 0.25
        for when in self.respawn_at.values():
            timeout = min(timeout, max(0.0, when - now))
        for key, _ in self.sel.select(timeout):
            key.data()
        self._reap()
        now = time.monotonic()
        if self.stopping:
            for worker in self.workers:
                if worker.kill_at is not None and now >= worker.kill_at and worker.proc.returncode is None:
                    log.warning("fastexpress: worker %d did not stop in time; killing it", worker.pid)
                    worker.proc.kill()
                    worker.kill_at = None
            return
        for slot, when in list(self.respawn_at.items()):
            if now >= when:
                del self.respawn_at[slot]
                if slot < self.slots and slot not in self.current:
                    self._spawn(slot, "slot")
        for worker in self.workers:
            if worker.role == "old" and worker.kill_at is not None and now >= worker.kill_at:
                log.warning("fastexpress: worker %d did not stop in time; killing it", worker.pid)
                worker.proc.kill()
                worker.kill_at = None
        if self.replacing is None and self.replace_queue:
            slot = self.replace_queue.popleft()
            if slot < self.slots:
                if slot in self.current and not self.current[slot].ready:
                    self.replace_queue.append(slot)  # still starting: replace it once it is up
                elif slot in self.current or slot not in self.respawn_at:
                    self.replacing = self._spawn(slot, "new")
            self._check_reload_complete()

    def _check_reload_complete(self) -> None:
        # Complete when every slot has its new worker and no retiring one still accepts: from
        # then on every connection reaches the new code.
        if (self.reloading and not self.replace_queue and self.replacing is None
                and not any(w.role == "old" and w.accepting for w in self.workers)):
            self.reloading = False
            log.info("fastexpress: reload complete: workers %s", self._pids())

    def _on_signals(self) -> None:
        try:
            data = os.read(self.wake_r, 512)
        except BlockingIOError:
            return
        for signum in data:
            if signum in (signal.SIGINT, signal.SIGTERM):
                if not self.stopping:
                    log.info("fastexpress: %s: stopping gracefully", signal.Signals(signum).name)
                    self._stop()
                elif not self.stop_now:
                    log.info("fastexpress: %s again: stopping now", signal.Signals(signum).name)
                    self._stop(now=True)
            elif self.stopping:
                continue
            elif signum == signal.SIGHUP:
                log.info("fastexpress: SIGHUP: replacing the workers")
                self._replace_all()
            elif signum == signal.SIGTTIN:
                self._add_slot()
            elif signum == signal.SIGTTOU:
                self._remove_slot()

    def _replace_all(self) -> None:
        self.reloading = True
        self.replace_queue = collections.deque(range(self.slots))

    def _on_change(self) -> None:
        try:
            os.read(self.change_r, 512)
        except BlockingIOError:
            return
        if not self.stopping:
            self._replace_all()

    def _add_slot(self) -> None:
        slot = self.slots
        if self.per_slot:
            try:
                self.sockets.append(self._another_socket())
            except OSError as exc:
                log.error("fastexpress: cannot add a worker: %s", exc)
                return
        self.slots += 1
        worker = self._spawn(slot, "slot")
        log.info("fastexpress: SIGTTIN: adding worker %d (now %d)", worker.pid, self.slots)

    def _remove_slot(self) -> None:
        if self.slots <= 1:
            log.info("fastexpress: SIGTTOU: one worker left; not removing it")
            return
        self.slots -= 1
        slot = self.slots
        self.respawn_at.pop(slot, None)
        for worker in list(self.workers):
            if worker.slot == slot and worker.role != "old":
                if self.replacing is worker:
                    self.replacing = None
                log.info("fastexpress: SIGTTOU: removing worker %d (now %d)", worker.pid, self.slots)
                self._retire(worker)
        if self.per_slot:
            # Connections queued on its socket are reset when the worker lets go of it
            # (unless the kernel migrates them: sysctl net.ipv4.tcp_migrate_req=1).
            self.sockets.pop().close()

    def _stop(self, now: bool = False) -> None:
        self.stop_now = now
        if not self.stopping:
            self.stopping = True
            self.replace_queue.clear()
            self.respawn_at.clear()
            self._watch_stop.set()
            # The port closes as soon as the workers stop listening.
            self._close_sockets()
        deadline = time.monotonic() + (KILL_GRACE if now else self.graceful_timeout + KILL_GRACE)
        for worker in self.workers:
            self._signal(worker, signal.SIGTERM)
            worker.kill_at = deadline if worker.kill_at is None else min(worker.kill_at, deadline)

    # -- reload --------------------------------------------------------------------------------

    def _start_watcher(self) -> None:
        import watchfiles

        def watch() -> None:
            watching = False
            try:
                # yield_on_timeout: the first (empty) batch says the watches are in place.
                for changes in watchfiles.watch(*self.reload_dirs, watch_filter=self.reload_filter,
                                                stop_event=self._watch_stop, raise_interrupt=False,
                                                debounce=400, step=50, yield_on_timeout=True,
                                                rust_timeout=100, ignore_permission_denied=True):
                    if not watching:
                        watching = True
                        log.info("fastexpress: watching %s for changes", ", ".join(self.reload_dirs))
                    if not changes:
                        continue
                    names = sorted({os.path.relpath(path) for _, path in changes})
                    log.info("fastexpress: %s changed; reloading", ", ".join(names[:3]) +
                             (f" and {len(names) - 3} more" if len(names) > 3 else ""))
                    try:
                        os.write(self.change_w, b"c")
                    except OSError:
                        return
            except Exception:
                log.exception("fastexpress: the file watcher failed; --reload is off")

        self._watcher = threading.Thread(target=watch, name="fastexpress-reload", daemon=True)
        self._watcher.start()


def _noop(signum: int, frame: Any) -> None:
    """Signals are read from the wakeup pipe by the supervisor's loop."""
