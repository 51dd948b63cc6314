"""What the health checks and the operations page report: the database, the workers'
heartbeats (``WorkerBeat``, refreshed every few seconds by ``samspil worker``) and the
task queue (django-tasks-db).

- ``/healthz``: liveness: the process answers; touches nothing else.
- ``/readyz``: readiness: the database answers and at least one worker beat within
  ``STALE_SECONDS``; 503 otherwise, with the reason in JSON.
- ``/drift/``: the page for researchers: workers, queue length, oldest waiting task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connection
from django.utils import timezone


@dataclass(frozen=True)
class Worker:
    worker_id: str
    host: str
    pid: int
    started_at: datetime
    beat_at: datetime
    alive: bool


@dataclass(frozen=True)
class Queue:
    waiting: int  # ready to run (or waiting for their time)
    running: int
    failed: int
    oldest_waiting: datetime | None


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def workers(now: datetime | None = None) -> list[Worker]:
    from samspil.web.models import WorkerBeat
    from samspil.web.worker import STALE_SECONDS

    now = now or timezone.now()
    fresh = now - timedelta(seconds=STALE_SECONDS)
    return [
        Worker(b.worker_id, b.host, b.pid, b.started_at, b.beat_at, b.beat_at >= fresh)
        for b in WorkerBeat.objects.exclude(worker_id__startswith="inline-").order_by("-beat_at")
    ]


def queue() -> Queue:
    from django.db.models import Count, Min
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    counts = dict(
        DBTaskResult.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    oldest = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        oldest=Min("enqueued_at")
    )["oldest"]
    return Queue(
        waiting=counts.get(TaskResultStatus.READY, 0),
        running=counts.get(TaskResultStatus.RUNNING, 0),
        failed=counts.get(TaskResultStatus.FAILED, 0),
        oldest_waiting=oldest,
    )


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {"database": ..., "worker": ...}) for /readyz."""
    if not database_ok():
        return False, {"database": "unreachable", "worker": "unknown"}
    try:
        alive = any(w.alive for w in workers())
    except DatabaseError:
        return False, {"database": "error", "worker": "unknown"}
    return alive, {"database": "ok", "worker": "ok" if alive else "no heartbeat"}
