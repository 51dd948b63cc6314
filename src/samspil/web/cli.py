"""``samspil serve`` and ``samspil worker``, and what every command of the apps shares: the
Django set-up (:func:`setup_django`), the handler wrapper that turns bad input into exit
code 2 (:func:`handler`), :func:`say` and :class:`BadInput`.

``register(subparsers)`` adds ``serve`` and ``worker`` to the main ``samspil`` parser. The
apps add what ``samspil serve --demo`` makes with :func:`register_demo` (in their
``AppConfig.ready``): a function of the site's address returning the lines to print. For
use before or without the main command: ``python -m samspil.web.cli serve|worker``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from samspil.errors import DomainError

EXIT_BAD_INPUT = 2

# What `samspil serve --demo` makes: (site address) -> lines to print, in app order.
DEMOS: list[Callable[[str], list[str]]] = []


def register_demo(function: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """Add an app's demo data to ``samspil serve --demo`` (idempotent)."""
    if function not in DEMOS:
        DEMOS.append(function)
    return function


def say(*parts: object, file: Any = None) -> None:
    """print() for command output (stdout, or stderr with file=sys.stderr)."""
    (file or sys.stdout).write(" ".join(str(p) for p in parts) + "\n")


class BadInput(DomainError):
    """Printed on stderr; the command exits with code 2."""


def setup_django(*, demo: bool = False, debug: bool = False) -> None:
    """Configure Django and prepare the database (migrations) on first use."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.web.settings")
    if demo:
        os.environ["SAMSPIL_DEMO"] = "1"
    if debug:  # only ever from `samspil serve --debug`
        os.environ["SAMSPIL_DEBUG"] = "1"
    import django
    from django.apps import apps
    from django.conf import settings

    if not apps.ready:  # once per process: setup() again would rebuild the log handlers
        django.setup()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(str(database["NAME"])).expanduser().parent.mkdir(parents=True, exist_ok=True)
    from samspil.web.migrating import migrate_database

    migrate_database()  # one process at a time (several servers may start together)


def handler(function: Any, *, demo: bool = False) -> Any:
    """Wrap a command's handler: set up Django, turn domain errors (bad input) into exit
    code 2; any other exception is a bug and propagates."""

    def run(args: argparse.Namespace) -> int:
        from samspil.web.env import SettingError

        try:
            setup_django(
                demo=demo or bool(getattr(args, "demo", False)),
                debug=bool(getattr(args, "debug", False)),
            )
            return int(function(args))
        except SettingError as exc:
            say(f"error: setting {exc}", file=sys.stderr)
        except DomainError as exc:
            lines = getattr(exc, "errors", None)  # a respondent file: every problem
            for line in lines or [str(exc)]:
                say(f"error: {line}", file=sys.stderr)
            if lines is not None:
                say("error: nothing was imported", file=sys.stderr)
        return EXIT_BAD_INPUT

    run.__name__ = function.__name__
    return run


# -- serve and worker -------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings

    host, port = args.host, args.port
    base = settings.BASE_URL or f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
    if not settings.BASE_URL:
        settings.BASE_URL = base
        os.environ["SAMSPIL_BASE_URL"] = base  # for the workers
    worker = start_worker_process() if _wants_worker(args) else None
    lines = [f"samspil: serving on {base}/ (database ready)"]
    if settings.DEBUG:
        lines.append(
            "samspil: DEBUG is on: error pages show settings and code; never expose this server"
        )
    if args.demo:
        lines += _demo_lines(base)

    def ready() -> None:
        # Printed by gunicorn's when_ready hook: the port listens, so a link printed here
        # is answered (by the first worker once it has started).
        for line in lines:
            say(line)
        sys.stdout.flush()

    try:
        run_gunicorn(host, port, workers=args.workers, threads=args.threads, on_ready=ready)
    finally:
        if worker is not None:
            stop_worker_process(worker)
    return 0


def _demo_lines(base: str) -> list[str]:
    """Make every app's demo data (:func:`register_demo`); the lines that show them."""
    return [line for demo in DEMOS for line in demo(base)]


def _wants_worker(args: argparse.Namespace) -> bool:
    """``--worker``/``--no-worker``; by default only on SQLite (the embedded default)."""
    if args.worker is not None:
        return bool(args.worker)
    from django.conf import settings

    return str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")


def start_worker_process() -> subprocess.Popen[bytes]:
    """``samspil worker`` as a child process that stops when this process stops."""
    command = [sys.executable, "-m", "samspil.web.cli", "worker"]
    command += ["--parent-pid", str(os.getpid())]
    process = subprocess.Popen(command)
    say(f"samspil: e-mail worker started (pid {process.pid})")
    return process


def stop_worker_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cmd_worker(args: argparse.Namespace) -> int:
    from samspil.web import worker

    if args.once:
        ran = worker.run_queued_tasks()
        worker.run_housekeeping()
        say(f"{ran} tasks run")
        return 0
    worker.Worker(interval=args.interval, parent_pid=args.parent_pid).run()
    return 0


def run_gunicorn(
    host: str,
    port: int,
    *,
    workers: int,
    threads: int,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve the web application with gunicorn until stopped; ``on_ready`` runs once the
    port accepts connections (gunicorn's ``when_ready``)."""
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from samspil.web.logfilter import access_log_format, gunicorn_logging
    from samspil.web.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                # Off unless SAMSPIL_ACCESS_LOG=1; then redacted (no links, no addresses
                # unless SAMSPIL_ACCESS_LOG_ADDRESSES=1), see samspil.web.logfilter.
                "accesslog": "-" if settings.ACCESS_LOG else None,
                "access_log_format": access_log_format(settings.ACCESS_LOG_ADDRESSES),
                # The access logger writes nowhere unless SAMSPIL_ACCESS_LOG=1 (gunicorn
                # logs access whenever it has a logging configuration).
                "logconfig_dict": gunicorn_logging(
                    access_log=settings.ACCESS_LOG,
                    access_log_addresses=settings.ACCESS_LOG_ADDRESSES,
                ),
                "control_socket_disable": True,  # one shared path per user; not needed
                "timeout": 60,
                "graceful_timeout": 10,
                "when_ready": lambda _arbiter: on_ready() if on_ready else None,
            }.items():
                if key in self.cfg.settings:  # control_socket_disable: newer gunicorn only
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()


# -- parser -----------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add ``serve`` and ``worker`` to the main parser's sub-commands."""
    p = subparsers.add_parser("serve", help="run the web application (prepares the database)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    p.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    p.add_argument(
        "--demo", action="store_true", help="create the demo study and the demo/demo login"
    )
    p.add_argument(
        "--debug",
        action="store_true",
        help="Django's debug pages (settings and code on every error): never on a shared server",
    )
    p.add_argument(
        "--worker",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="start the e-mail worker as a child process (default: only with SQLite)",
    )
    p.set_defaults(func=handler(cmd_serve))

    p = subparsers.add_parser("worker", help="send queued e-mail rounds (run beside serve)")
    p.add_argument(
        "--interval", type=float, default=1.0, help="seconds between queue polls (default 1.0)"
    )
    p.add_argument("--once", action="store_true", help="run what is due now, then stop")
    p.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    p.set_defaults(func=handler(cmd_worker))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="samspil")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    # Run as the imported module, not as __main__: the apps register their demo data in
    # samspil.web.cli.DEMOS, which a second copy of this module would not see.
    from samspil.web import cli

    sys.exit(cli.main())
