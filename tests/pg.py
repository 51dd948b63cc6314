"""Throwaway PostgreSQL databases on the test command's server (scripts/pg-test-server),
for tests whose processes need a database of their own."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# How long a drop waits out a process it may not end (see drop_database).
DROP_PATIENCE = 30.0


def _url_of(server_url: str, database: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + database


@contextmanager
def throwaway_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database named `prefix` and a random tail; yields its URL and drops it
    afterwards. `server_url` is any database URL on the server (the role's own)."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url_of(server_url, name)
    finally:
        drop_database(server_url, name)


def on_server(url: str) -> tuple[str, str]:
    """A PostgreSQL database URL's server (as the URL of its ``postgres`` database) and the
    database's name."""
    server, name = url.rsplit("/", 1)
    return server + "/postgres", name


@contextmanager
def database_for_processes(sqlite_file: Path, prefix: str) -> Iterator[str]:
    """The ``DATABASE_URL`` for samspil processes a test starts: in the test command's
    PostgreSQL pass (``DATABASE_URL`` is PostgreSQL's) a throwaway database on that server,
    dropped afterwards; else the SQLite file ``sqlite_file``."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield f"sqlite:///{sqlite_file}"
        return
    with throwaway_database(on_server(base)[0], prefix) as url:
        yield url


def drop_database(server_url: str, name: str, *, create_again: bool = False) -> None:
    """DROP DATABASE ... WITH (FORCE), which ends the database's sessions first.

    An autovacuum worker that happens to be in the database belongs to no role, so a role
    that is not a superuser may not end it and PostgreSQL refuses the drop
    (InsufficientPrivilege). The test server grants the role pg_signal_backend, which allows
    it; a server without that grant is waited out here: the worker leaves within seconds."""
    import psycopg

    deadline = time.monotonic() + DROP_PATIENCE
    with psycopg.connect(server_url, autocommit=True) as con:
        while True:
            try:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.errors.InsufficientPrivilege:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        if create_again:
            con.execute(f'CREATE DATABASE "{name}"')
