"""``fastexpress run module:app``: the command line (also ``python -m fastexpress``).

One process by default; ``--workers N``, ``--reload`` or ``--limit-max-requests`` make this
process a supervisor whose workers are ``python -m fastexpress`` with the same arguments
(see ``fastexpress/supervisor.py``). A worker knows it is one from the ``FASTEXPRESS_WORKER``
environment variable the supervisor sets.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from fnmatch import fnmatch
from typing import Any, Sequence

from . import __version__

PROG = "fastexpress"

# morgan's `combined` plus the response time.
ACCESS_LOG_FORMAT = (':remote-addr - :remote-user [:date[clf]] ":method :url HTTP/:http-version" :status '
                     ':res[content-length] ":referrer" ":user-agent" :response-time ms')

RELOAD_EXCLUDE = (".git", ".venv", "node_modules", "__pycache__")
RELOAD_INCLUDE = ("*.py",)

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")

log = logging.getLogger("fastexpress.cli")


class TargetError(Exception):
    """``module:app`` could not be turned into an App (the message is one line)."""


# -- arguments ------------------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number >= 0, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Serve a fastexpress app.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    run = commands.add_parser(
        "run", help="serve an app", description="Serve the app TARGET until SIGINT/SIGTERM (graceful stop).",
        epilog="Signals with --workers: SIGTERM/SIGINT stop gracefully (twice: at once), SIGHUP replaces the "
               "workers one by one with fresh code, SIGTTIN/SIGTTOU add/remove a worker.")
    run.add_argument("target", metavar="TARGET",
                     help="module:attribute (an App), or module:factory() (a function returning one)")
    where = run.add_argument_group("where")
    where.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    where.add_argument("--port", type=_port, default=3000, help="port to bind (default 3000; 0: any free port)")
    where.add_argument("--uds", metavar="PATH", help="bind this Unix socket instead of --host/--port")
    where.add_argument("--backlog", type=_positive_int, default=1024, help="listen backlog (default 1024)")
    where.add_argument("--ssl-certfile", metavar="PATH", help="serve HTTPS with this certificate (PEM)")
    where.add_argument("--ssl-keyfile", metavar="PATH", help="its private key (PEM; default: in the certfile)")
    where.add_argument("--app-dir", default=".", metavar="DIR",
                       help="directory to import TARGET from (default: the current one)")
    procs = run.add_argument_group("processes")
    procs.add_argument("--workers", type=_positive_int, default=1, metavar="N",
                       help="worker processes sharing the port (default 1: no supervisor)")
    procs.add_argument("--limit-max-requests", type=_positive_int, metavar="N",
                       help="replace a worker after it has handled N requests")
    procs.add_argument("--keep-alive-timeout", type=_seconds, metavar="S",
                       help="close an idle keep-alive connection after S seconds (default 5)")
    procs.add_argument("--head-timeout", type=_seconds, metavar="S",
                       help="answer 408 to a request head not complete S seconds after it began (default 60; 0: none)")
    procs.add_argument("--request-timeout", type=_seconds, metavar="S",
                       help="answer 408 to a request body not complete S seconds after its request began "
                            "(default 300; 0: none)")
    procs.add_argument("--graceful-timeout", type=_seconds, metavar="S",
                       help="on stop, wait S seconds for in-flight requests (default 30)")
    procs.add_argument("--env", metavar="NAME",
                       help="set FASTEXPRESS_ENV (the app's 'env' setting) before importing the app")
    reload = run.add_argument_group("reload (needs watchfiles)")
    reload.add_argument("--reload", action="store_true",
                        help="replace the workers when a watched file changes (for development)")
    reload.add_argument("--reload-dir", action="append", default=[], metavar="DIR",
                        help="directory to watch (repeatable; default: the current one)")
    reload.add_argument("--reload-include", action="append", default=[], metavar="GLOB",
                        help="also reload on files matching GLOB (repeatable; default: *.py)")
    reload.add_argument("--reload-exclude", action="append", default=[], metavar="GLOB",
                        help="ignore files or directories matching GLOB (repeatable; always ignored: "
                             + ", ".join(RELOAD_EXCLUDE) + ")")
    logs = run.add_argument_group("logs")
    logs.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=None,
                      help="one line per response (morgan's combined format plus the response time; "
                           "default: off)")
    logs.add_argument("--access-log-file", metavar="PATH",
                      help="append the access log to PATH instead of stderr (implies --access-log)")
    logs.add_argument("--access-log-format", metavar="FORMAT",
                      help="a morgan format name (combined, common, dev, short, tiny) or format string")
    logs.add_argument("--log-level", choices=LOG_LEVELS, default="info",
                      help="fastexpress's own messages (default info)")
    parser.run_parser = run  # type: ignore[attr-defined]
    return parser


# -- the target -----------------------------------------------------------------------------------

def _where(exc: BaseException) -> str:
    """`` (at file:line)``: the innermost frame of the app's own code."""
    if isinstance(exc, SyntaxError):
        return ""  # its message names the file and line already
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<frozen")]
    if not frames:
        return ""
    name = frames[-1].filename
    try:
        name = os.path.relpath(name)
    except ValueError:
        pass
    return f" (at {name}:{frames[-1].lineno})"


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def parse_target(target: str) -> tuple[str, str, bool]:
    module, sep, attr = target.partition(":")
    factory = attr.endswith("()")
    if factory:
        attr = attr[:-2]
    if not sep or not module.strip() or not attr.strip() or "(" in attr or ")" in attr:
        raise TargetError(f"target {target!r} must be 'module:attribute' or 'module:factory()'")
    return module, attr, factory


def load_target(target: str) -> Any:
    """Import ``module:attribute`` (or call ``module:factory()``) and check it is an App."""
    from .application import App

    module_name, attr, factory = parse_target(target)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            raise TargetError(f"cannot import {module_name!r}: no module named {missing!r} "
                              f"(looked in {os.path.abspath(sys.path[0] or '.')} and the Python path; "
                              f"--app-dir sets where)") from None
        raise TargetError(f"importing {module_name!r} failed: {_describe(exc)}{_where(exc)}") from exc
    except Exception as exc:
        raise TargetError(f"importing {module_name!r} failed: {_describe(exc)}{_where(exc)}") from exc
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise TargetError(f"module {module_name!r} has no attribute {attr!r}") from None
    if factory:
        if not callable(obj):
            raise TargetError(f"{module_name}:{attr} is not callable (it is {type(obj).__name__}); "
                              f"drop the '()' if it is the app itself")
        try:
            obj = obj()
        except Exception as exc:
            raise TargetError(f"the factory {module_name}:{attr}() raised {_describe(exc)}{_where(exc)}") from exc
    if not isinstance(obj, App):
        shown = f"{module_name}:{attr}{'()' if factory else ''}"
        what = "returned" if factory else "is"
        hint = ""
        if callable(obj) and not factory and not isinstance(obj, type):
            hint = f"; if it is a factory, write '{module_name}:{attr}()'"
        raise TargetError(f"{shown} {what} {type(obj).__name__}, not a fastexpress app (made with express()){hint}")
    return obj


# -- pieces -------------------------------------------------------------------------------------

def install_access_log(app: Any, fmt: str | None = None, path: str | None = None) -> None:
    """Install the logger middleware (``fastexpress.logger``, morgan) first in the app's stack."""
    from . import logger  # type: ignore[attr-defined]  # a lazy attribute of the package

    stream = open(path, "a", buffering=1, encoding="utf-8") if path else None
    middleware = logger(fmt or ACCESS_LOG_FORMAT, stream=stream)
    router = app.router
    before = len(router.stack)
    app.use(middleware)
    if len(router.stack) == before + 1:
        router.stack.insert(0, router.stack.pop())


def ssl_context(certfile: str | None, keyfile: str | None) -> Any:
    if not certfile:
        return None
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certfile, keyfile)
    return ctx


class ReloadFilter:
    """Which changed paths trigger a reload: watchfiles' default ignores, then ``exclude``
    globs (matched against each path component and the relative path), then ``include``
    globs (matched against the file name and the relative path)."""

    def __init__(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        from watchfiles import DefaultFilter

        self.base = DefaultFilter(ignore_dirs=tuple(DefaultFilter.ignore_dirs) + tuple(RELOAD_EXCLUDE))
        self.include = tuple(RELOAD_INCLUDE) + tuple(include)
        self.exclude = tuple(RELOAD_EXCLUDE) + tuple(exclude)

    def __call__(self, change: Any, path: str) -> bool:
        if not self.base(change, path):
            return False
        rel = os.path.relpath(path)
        parts = rel.split(os.sep)
        for pattern in self.exclude:
            if fnmatch(rel, pattern) or any(fnmatch(part, pattern) for part in parts):
                return False
        name = parts[-1]
        return any(fnmatch(name, pattern) or fnmatch(rel, pattern) for pattern in self.include)


def _configure_logging(level: str) -> None:
    root = logging.getLogger("fastexpress")
    if not any(getattr(h, "_fastexpress_cli", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._fastexpress_cli = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False


def _fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    sys.stderr.flush()
    return 1


def _server_options(args: argparse.Namespace) -> dict[str, Any]:
    names = ("keep_alive_timeout", "head_timeout", "request_timeout", "graceful_timeout")
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _load_app(args: argparse.Namespace) -> Any:
    app = load_target(args.target)
    if args.access_log or (args.access_log is None and args.access_log_file):
        install_access_log(app, args.access_log_format, args.access_log_file)
    return app


# -- main ---------------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from .server import WORKER_ENV

    spec = None
    if os.environ.get(WORKER_ENV):
        from .supervisor import take_worker_spec

        spec = take_worker_spec()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.ssl_keyfile and not args.ssl_certfile:
        parser.run_parser.error("--ssl-keyfile needs --ssl-certfile")  # type: ignore[attr-defined]  # exit 2
    _configure_logging(args.log_level)
    if args.env:
        os.environ["FASTEXPRESS_ENV"] = args.env
    app_dir = os.path.abspath(args.app_dir)
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    if spec is not None:
        return _worker(args, spec)

    try:
        parse_target(args.target)
    except TargetError as exc:
        return _fail(str(exc))
    try:
        ctx = ssl_context(args.ssl_certfile, args.ssl_keyfile)
    except (OSError, ValueError) as exc:
        return _fail(f"cannot load the TLS certificate/key: {exc}")
    options = _server_options(args)
    if args.workers > 1 or args.reload or args.limit_max_requests:
        return _supervise(args, argv, options)

    try:
        app = _load_app(args)
    except TargetError as exc:
        return _fail(str(exc))
    from .server import StartupError, serve

    scheme = "https" if ctx is not None else "http"
    where = f"unix:{args.uds}" if args.uds else f"{scheme}://{args.host}:{{port}}"

    def ready(server: Any) -> None:
        log.info("%s: ready: serving %s on %s (pid %d, env %s); Ctrl-C to stop", PROG, args.target,
                 where.format(port=server.port), os.getpid(), app.get("env"))

    try:
        ok = serve(app, args.port, args.host, on_listening=ready, ssl=ctx, backlog=args.backlog, uds=args.uds,
                   **options)
    except StartupError as exc:
        traceback.print_exception(exc.__cause__ or exc, file=sys.stderr)
        return _fail("a startup hook raised; not serving")
    except OSError as exc:
        return _fail(f"cannot listen on {where.format(port=args.port)}: {exc.strerror or exc}")
    return 0 if ok else 1


def _worker(args: argparse.Namespace, spec: Any) -> int:
    from .supervisor import report_error, serve_worker

    try:
        app = _load_app(args)
    except TargetError as exc:
        report_error(spec, str(exc))
        return 1
    ctx = ssl_context(args.ssl_certfile, args.ssl_keyfile)
    return serve_worker(app, spec, limit_max_requests=args.limit_max_requests, ssl=ctx, backlog=args.backlog,
                        **_server_options(args))


def _supervise(args: argparse.Namespace, argv: list[str], options: dict[str, Any]) -> int:
    from .server import make_config
    from .supervisor import Supervisor

    reload_filter = None
    if args.reload:
        try:
            import watchfiles  # noqa: F401
        except ImportError:
            return _fail("--reload needs the watchfiles package: pip install watchfiles "
                         "(or pip install 'fastexpress[reload]')")
        reload_filter = ReloadFilter(args.reload_include, args.reload_exclude)
    config = make_config(options)
    command = [sys.executable, "-m", "fastexpress", *argv]
    supervisor = Supervisor(command, workers=args.workers, host=args.host, port=args.port, uds=args.uds,
                            backlog=args.backlog, graceful_timeout=config.graceful_timeout, reload=args.reload,
                            reload_dirs=[os.path.abspath(d) for d in args.reload_dir], reload_filter=reload_filter,
                            scheme="https" if args.ssl_certfile else "http")
    return supervisor.run()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
