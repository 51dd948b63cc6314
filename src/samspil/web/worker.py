"""The background worker: runs queued tasks (e-mail rounds) and periodic housekeeping.

``samspil worker`` runs ``Worker().run()`` in the foreground; ``samspil serve`` starts one
as a child process when the database is SQLite (see docs/fieldwork.md, "The worker").
Tasks come from django-tasks-db's queue table, claimed with its own locking, so several
workers (on several hosts, with PostgreSQL) can run side by side.

Every worker beats: its ``WorkerBeat`` row (``samspil.web.models``) is refreshed every
``BEAT_SECONDS``; a worker whose beat is older than ``STALE_SECONDS`` (or, on its own host,
whose process is gone) is dead (:func:`dead_workers`). Jobs registered with
:func:`every_beat` run on every beat (an app's recovery of what a dead worker left half
done, e.g. fieldwork's ``rounds.recover``). Sending loops stop after the current message
when :data:`STOP` is set (SIGTERM) and pace themselves with :class:`Pacer`.

Housekeeping: callables registered with :func:`housekeeping` are run by every worker once
a minute (and once at start), each in its own try/except, in a thread beside the task
loop, so a long round does not hold them up. Register in an app's ``ready()``::

    from samspil.web.worker import housekeeping

    @housekeeping
    def erase_expired() -> None: ...

They must be idempotent and safe to run in several workers at once.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType

from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 60.0
# A sending loop gives the queue back after this many seconds (the round is queued again),
# so one worker takes turns between the rounds of several studies.
SLICE_SECONDS = 60.0
# A worker refreshes its heartbeat at least this often, and is taken for dead when its
# heartbeat is older than STALE_SECONDS (on its own host: as soon as its process is gone).
BEAT_SECONDS = 5.0
STALE_SECONDS = 120.0

# Set by the worker on SIGTERM: sending loops stop after the current message.
STOP = threading.Event()

HOST = socket.gethostname()[:255]

# Periodic jobs: called without arguments once a minute by every running worker.
HOUSEKEEPING: list[Callable[[], object]] = []
# Called without arguments on every heartbeat (every BEAT_SECONDS) and once at start.
EVERY_BEAT: list[Callable[[], object]] = []


def new_worker_id(prefix: str = "w") -> str:
    return f"{prefix}-{HOST[:30]}-{os.getpid()}-{secrets.token_hex(4)}"


# The id under which this process claims work; the worker sets its own.
_process_worker_id = new_worker_id("inline")


def worker_id() -> str:
    return _process_worker_id


def set_worker_id(value: str) -> None:
    global _process_worker_id
    _process_worker_id = value


def beat(worker: str | None = None) -> None:
    """Record that this process (worker or inline sender) is alive."""
    from samspil.web.models import WorkerBeat

    WorkerBeat.objects.update_or_create(
        worker_id=worker or worker_id(),
        defaults={"host": HOST, "pid": os.getpid(), "beat_at": timezone.now()},
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_workers(now: datetime | None = None) -> set[str]:
    """Ids of workers that stopped beating (or whose process is gone, on this host)."""
    from samspil.web.models import WorkerBeat

    now = now or timezone.now()
    stale = now - timedelta(seconds=STALE_SECONDS)
    dead = set()
    for beat_row in WorkerBeat.objects.all():
        if beat_row.worker_id == worker_id():
            continue
        if beat_row.beat_at < stale or (beat_row.host == HOST and not _pid_alive(beat_row.pid)):
            dead.add(beat_row.worker_id)
    return dead


class Pacer:
    """At most ``per_minute`` messages a minute (0: no limit), evenly spaced."""

    def __init__(self, per_minute: int) -> None:
        self.gap = 60.0 / per_minute if per_minute > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        delay = self.next_at - time.monotonic()
        if delay > 0:
            STOP.wait(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.gap


def every_beat(function: Callable[[], object]) -> Callable[[], object]:
    """Register ``function`` to be run on every heartbeat of every worker (a decorator)."""
    if function not in EVERY_BEAT:
        EVERY_BEAT.append(function)
    return function


def run_every_beat() -> None:
    for job in list(EVERY_BEAT):
        job()


def housekeeping(function: Callable[[], object]) -> Callable[[], object]:
    """Register ``function`` to be run once a minute by the worker (usable as a decorator)."""
    if function not in HOUSEKEEPING:
        HOUSEKEEPING.append(function)
    return function


def run_housekeeping() -> int:
    """Run every registered job once; a failing job is logged and does not stop the others.
    Returns the number of jobs that failed."""
    failures = 0
    for job in list(HOUSEKEEPING):
        try:
            job()
        except Exception:
            failures += 1
            logger.exception("housekeeping job %s failed", getattr(job, "__qualname__", job))
    return failures


def run_queued_tasks(claimant: str | None = None) -> int:
    """Run every task that is ready now, in this thread, then return how many ran.

    Claims each task with django-tasks-db's own locking (as its ``db_worker`` does), so it
    is safe beside other workers. Used by the worker loop, ``samspil worker --once`` and
    the tests (it leaves the connection open, so it also works inside a test transaction).
    """
    from django.db.utils import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker as DBWorker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    me = claimant or worker_id()
    runner = DBWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=me,
        excluded_queue_names=[],
    )
    ran = 0
    while not STOP.is_set():
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                result = tasks.get_locked()
                if result is not None:
                    result.claim(me)
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            break  # busy: try again on the next poll
        if result is None:
            break
        runner.run_task(result)
        ran += 1
    return ran


class Worker:
    """The task loop plus a heartbeat/recovery/housekeeping thread."""

    def __init__(self, *, interval: float = 1.0, parent_pid: int | None = None) -> None:
        self.interval = interval
        self.parent_pid = parent_pid
        self.worker_id = new_worker_id("worker")
        self._stopped = threading.Event()

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        logger.info("worker %s: %s, stopping after the current message", os.getpid(), signum)
        STOP.set()
        self._stopped.set()

    def _parent_gone(self) -> bool:
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def _background(self) -> None:
        """Heartbeat and recovery every few seconds, housekeeping once a minute."""
        next_housekeeping = 0.0
        while not self._stopped.is_set():
            try:
                beat(self.worker_id)
                run_every_beat()
                if time.monotonic() >= next_housekeeping:
                    next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
                    run_housekeeping()
            except Exception:
                logger.exception("worker %s: heartbeat failed", os.getpid())
            finally:
                connection.close()
            if self._parent_gone():
                logger.info("worker %s: samspil serve has stopped; stopping", os.getpid())
                STOP.set()
                self._stopped.set()
            self._stopped.wait(BEAT_SECONDS)

    def run(self) -> None:
        set_worker_id(self.worker_id)
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)  # a line per poll
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._signal)
        beat(self.worker_id)
        run_every_beat()
        connection.close()
        background = threading.Thread(target=self._background, name="samspil-beat", daemon=True)
        background.start()
        logger.info("worker %s started (pid %s)", self.worker_id, os.getpid())
        try:
            while not self._stopped.is_set():
                close_old_connections()
                ran = run_queued_tasks(self.worker_id)
                if not ran:
                    self._stopped.wait(self.interval)
        finally:
            self._stopped.set()
            background.join(timeout=BEAT_SECONDS + 5)
            from samspil.web.models import WorkerBeat

            try:
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
            finally:
                connection.close()
            logger.info("worker %s stopped", os.getpid())
