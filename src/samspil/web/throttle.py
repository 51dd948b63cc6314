"""Counters of failed attempts (personal links that do not work, failed log-ins) that hold
under parallel requests.

A counter counts failures of one kind for one subject (a client address, an account) in a
fixed window that starts with the first failure. It lives in Django's database cache, so
every gunicorn worker and host counts together, and is raised inside a transaction that
serialises raisers: on PostgreSQL a transaction-level advisory lock on the counter's key,
on SQLite the IMMEDIATE transaction's write lock (settings.py). So 64 parallel failures
are counted 1, 2, ..., 64 and the callers can answer all those past the limit with "too
many", and no more than the limit of attempts is ever answered on its merits.

Subjects are stored only as a keyed hash (HMAC with the secret key): no client address or
user name ends up in the cache table.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.http import HttpRequest

# One lock per process for caches other than the database cache (tests, development).
_LOCAL_LOCK = threading.Lock()


@dataclass(frozen=True)
class Count:
    failures: int
    seconds_left: int  # until the window ends (0 when there is no counter)

    def reached(self, limit: int) -> bool:
        return self.failures >= limit


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the first address in SAMSPIL_CLIENT_IP_HEADER."""
    if settings.CLIENT_IP_HEADER:
        forwarded = str(request.META.get(settings.CLIENT_IP_HEADER, ""))
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(kind: str, subject: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}\0{subject}".encode(), hashlib.sha256
    ).hexdigest()
    return f"samspil:{kind}:{digest[:40]}"


def _read(key: str, now: float) -> tuple[int, float]:
    """(failures, end of the window); (0, now) when no window is running."""
    value = cache.get(key)
    if not isinstance(value, tuple) or len(value) != 2 or value[1] <= now:
        return 0, now
    return int(value[0]), float(value[1])


def current(kind: str, subject: str) -> Count:
    """The failures counted so far in the running window (a plain read)."""
    now = time.time()
    failures, until = _read(_key(kind, subject), now)
    return Count(failures, math.ceil(until - now))


@contextmanager
def _serialised(key: str) -> Iterator[None]:
    model = getattr(cache, "cache_model_class", None)
    if model is None:  # not the database cache
        with _LOCAL_LOCK:
            yield
        return
    alias = router.db_for_write(model)
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        # SQLite: BEGIN IMMEDIATE already holds the database's write lock.
        yield


def note_failure(kind: str, subject: str, window: int) -> int:
    """Count one more failure; returns the count including this one."""
    key = _key(kind, subject)
    with _serialised(key):
        now = time.time()
        failures, until = _read(key, now)
        if failures == 0:
            until = now + window
        failures += 1
        cache.set(key, (failures, until), timeout=max(1, math.ceil(until - now)))
    return failures


def forget(kind: str, subject: str) -> None:
    """Drop the counter (a successful log-in forgets the account's failures)."""
    cache.delete(_key(kind, subject))
