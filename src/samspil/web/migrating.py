"""Bring the database up to date, one process at a time.

``samspil serve`` migrates the database when it starts, and so do the commands that need
it. Several servers started together (docs/deploy.md, "More than one server"), or a command
run while a server starts, would otherwise run the same migrations at the same moment and
fail on each other's tables. On PostgreSQL the migrations run under a session advisory lock;
on SQLite under an exclusive lock on a file beside the database. The second process waits,
then finds nothing left to do.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

# pg_advisory_lock's key: any constant other code does not use ("samspil" in ASCII).
ADVISORY_KEY = 0x73616D7370696C


def migrate_database() -> None:
    """``migrate`` and ``createcachetable``, serialised across processes."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    def run() -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        try:
            run()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        return
    database = settings.DATABASES["default"]
    name = str(database["NAME"])
    if connection.vendor != "sqlite" or name == ":memory:" or name.startswith("file:"):
        run()
        return
    lock = Path(name).expanduser().with_name(Path(name).name + ".migrate-lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            run()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
