"""The bad-link limit holds under parallel guesses, against a real `samspil serve`
(gunicorn, several workers and threads): of 48 guesses sent at once, only the limit's
worth is answered on its merits (404); the rest get 429 (issue 9, item 3)."""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.fieldwork.conftest import free_port
from tests.pg import throwaway_database

pytestmark = pytest.mark.slow

LIMIT = 20
GUESSES = 48


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    """'' for the default SQLite file, or the URL of a fresh PostgreSQL database on the
    test command's server (SAMSPIL_TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        yield ""
        return
    base = os.environ.get("SAMSPIL_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("needs the PostgreSQL server of the test command (SAMSPIL_TEST_POSTGRES_URL)")
    with throwaway_database(base, "samspil_race") as url:
        yield url


@pytest.fixture
def server(tmp_path: Path, database: str) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "SAMSPIL_DATA_DIR": str(tmp_path),
        "SAMSPIL_BAD_TOKEN_LIMIT": str(LIMIT),
        "SAMSPIL_LOG_LEVEL": "error",
    }
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SAMSPIL_SECRET_KEY"):
        env.pop(name, None)
    if database:
        env["DATABASE_URL"] = database
    command = [sys.executable, "-m", "samspil.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", "3", "--threads", "8"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # serve prints its address once the port accepts connections (its readiness signal)
        assert process.stdout is not None
        for line in process.stdout:  # ends if the server does
            if b"samspil: serving on" in line:
                break
        else:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        assert _get(port, "/healthz") == 200
        yield port
    finally:
        process.terminate()
        process.wait(30)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_parallel_guesses_get_at_most_the_limit_through(server: int) -> None:
    barrier = threading.Barrier(GUESSES)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess() -> None:
        path = f"/s/{secrets.token_urlsafe(32)}/"
        barrier.wait()
        status = _get(server, path)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess) for _ in range(GUESSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    counts = Counter(statuses)
    assert sum(counts.values()) == GUESSES
    assert counts[404] == LIMIT, counts  # not 20-30 as with a read-then-write counter
    assert counts[429] == GUESSES - LIMIT, counts
    assert _get(server, f"/s/{secrets.token_urlsafe(32)}/") == 429  # and it stays shut
