"""Addresses that refused mail for good: one app's failed deliveries, read by another app
without importing it.

An app that sends mail registers a source in its ``AppConfig.ready``
(:func:`register_bounce_source`): a function of a time returning the deliveries that failed
since then, as (address, failed at, error) with the error as the app recorded it. An app
that keeps addresses reads :func:`permanent_bounces` (fieldwork's study invitations mark
the register's actors and contact points not reachable).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

Failure = tuple[str, datetime, str]  # (address, failed at, error)

SOURCES: list[Callable[[datetime], Iterable[Failure]]] = []

# How a refused message is recorded (``f"{type(exc).__name__}: {exc}"``): a refused
# recipient lists its code, ``SMTPRecipientsRefused: {'a@b': (550, b'...')}``; a refused
# message starts with it, ``SMTPDataError: (554, b'...')``.
_REFUSED = re.compile(r"^SMTP\w+: (?:\{.*?\(|\()(\d{3}),")


def register_bounce_source(
    function: Callable[[datetime], Iterable[Failure]],
) -> Callable[[datetime], Iterable[Failure]]:
    """Add an app's failed deliveries (idempotent; usable as a decorator)."""
    if function not in SOURCES:
        SOURCES.append(function)
    return function


def smtp_code(error: str) -> int | None:
    """The SMTP code of a recorded failure, when it names one."""
    match = _REFUSED.match(error)
    return int(match.group(1)) if match else None


def permanent_bounces(since: datetime) -> dict[str, datetime]:
    """Every address refused for good (SMTP 5xx) since ``since``, in lower case, with the
    time of its latest refusal."""
    latest: dict[str, datetime] = {}
    for source in SOURCES:
        for email, at, error in source(since):
            code = smtp_code(error)
            if email and code is not None and 500 <= code < 600:
                key = email.strip().lower()
                latest[key] = max(at, latest.get(key, at))
    return latest
