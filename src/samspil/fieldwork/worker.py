"""The background worker: runs queued tasks (e-mail rounds) and periodic housekeeping.

``samspil worker`` runs ``Worker().run()`` in the foreground; ``samspil serve`` starts one
as a child process when the database is SQLite (see docs/fieldwork.md, "The worker").
Tasks come from django-tasks-db's queue table, claimed with its own locking, so several
workers (on several hosts, with PostgreSQL) can run side by side.

Housekeeping: callables registered with :func:`housekeeping` are run by every worker once
a minute (and once at start), each in its own try/except, in a thread beside the task
loop, so a long round does not hold them up. Register in an app's ``ready()``::

    from samspil.fieldwork.worker import housekeeping

    @housekeeping
    def erase_expired() -> None: ...

They must be idempotent and safe to run in several workers at once.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

from django.db import close_old_connections, connection

from samspil.fieldwork import rounds

logger = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 60.0

# Periodic jobs: called without arguments once a minute by every running worker.
HOUSEKEEPING: list[Callable[[], object]] = []


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


def run_queued_tasks(worker_id: str | None = None) -> int:
    """Run every task that is ready now, in this thread, then return how many ran.

    Claims each task with django-tasks-db's own locking (as its ``db_worker`` does), so it
    is safe beside other workers. Used by the worker loop, ``samspil worker --once`` and
    the tests (it leaves the connection open, so it also works inside a test transaction).
    """
    from django.db.utils import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker as DBWorker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    me = worker_id or rounds.worker_id()
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
    while not rounds.STOP.is_set():
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
        self.worker_id = rounds.new_worker_id("worker")
        self._stopped = threading.Event()

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        logger.info("worker %s: %s, stopping after the current message", os.getpid(), signum)
        rounds.STOP.set()
        self._stopped.set()

    def _parent_gone(self) -> bool:
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def _background(self) -> None:
        """Heartbeat and recovery every few seconds, housekeeping once a minute."""
        next_housekeeping = 0.0
        while not self._stopped.is_set():
            try:
                rounds.beat(self.worker_id)
                rounds.recover()
                if time.monotonic() >= next_housekeeping:
                    next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
                    run_housekeeping()
            except Exception:
                logger.exception("worker %s: heartbeat failed", os.getpid())
            finally:
                connection.close()
            if self._parent_gone():
                logger.info("worker %s: samspil serve has stopped; stopping", os.getpid())
                rounds.STOP.set()
                self._stopped.set()
            self._stopped.wait(rounds.BEAT_SECONDS)

    def run(self) -> None:
        rounds.set_worker_id(self.worker_id)
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)  # a line per poll
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._signal)
        rounds.beat(self.worker_id)
        rounds.recover()
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
            background.join(timeout=rounds.BEAT_SECONDS + 5)
            from samspil.fieldwork.models import WorkerBeat

            try:
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
            finally:
                connection.close()
            logger.info("worker %s stopped", os.getpid())
