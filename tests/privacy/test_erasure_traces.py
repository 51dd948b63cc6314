"""Erasure leaves nothing behind in the database files (issue 17, item 5).

A real SQLite file in write-ahead-log mode, written by processes of their own
(``erasure_site.py``): a respondent who saved answers several times and a register contact
who consented to publication (so their name is in the register's search index) carry the
same name. After the respondent is erased, the contact's personal data removed and the
study anonymised, the name is in no byte of the database file nor of its ``-wal`` file -
not in a table, not in the search index's older segments, not in free space.

This test process holds a connection open meanwhile, as a running web server does:
otherwise the last connection to close would checkpoint and delete the log itself.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.privacy.erasure_site import EMAIL, NAME
from tests.processes import process_env

SITE = Path(__file__).with_name("erasure_site.py")

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the files of a SQLite database (PostgreSQL: docs/privacy.md, Limits)",
)


def _run(step: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, str(SITE), step], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def _traces(database: Path) -> dict[str, list[str]]:
    """The forms of the name and address found in the database file and its log, bytewise
    (the search index keeps words in lower case)."""
    needles = [NAME, EMAIL, *NAME.split(), *NAME.lower().split(), EMAIL.split("@")[0]]
    found = {}
    for path in (database, database.with_name(database.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        found[path.name] = sorted({n for n in needles if n.encode("utf-8") in data})
    return found


def test_an_erased_person_is_in_no_byte_of_the_database_or_its_write_ahead_log(tmp_path):
    database = tmp_path / "samspil.sqlite3"
    env = process_env(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "SAMSPIL_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_SETTINGS_MODULE": "samspil.web.settings",
        }
    )
    _run("create", env)
    held = sqlite3.connect(database)  # as a running server holds the database open
    try:
        held.execute("SELECT count(*) FROM register_contact").fetchall()
        name_words = held.execute(
            "SELECT count(*) FROM register_contact_fts WHERE register_contact_fts MATCH ?",
            ('"zebulonsen"',),
        ).fetchone()[0]
        assert name_words == 1  # the consenting contact's name is searchable
        before = _traces(database)
        assert NAME.lower().split()[1] in before["samspil.sqlite3"] + before["samspil.sqlite3-wal"]

        _run("erase", env)

        assert _traces(database) == {"samspil.sqlite3": [], "samspil.sqlite3-wal": []}
        wal = database.with_name(database.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
        assert (
            held.execute(
                "SELECT count(*) FROM register_contact_fts WHERE register_contact_fts MATCH ?",
                ('"zebulonsen"',),
            ).fetchone()[0]
            == 0
        )
        assert held.execute("SELECT count(*) FROM register_contact").fetchone()[0] == 31
    finally:
        held.close()
