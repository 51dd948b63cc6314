"""Migrations one process at a time (samspil.web.migrating): servers started together on an
empty database, or a command run while a server starts, all find it migrated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.pg import throwaway_database
from tests.processes import process_env

ROOT = Path(__file__).resolve().parents[2]
MIGRATE = (
    "import django; django.setup(); "
    "from samspil.web.migrating import migrate_database; migrate_database(); "
    "from django.db import connection; "
    "print(len(connection.introspection.table_names()))"
)


def _migrate_together(
    url: str, tmp_path: Path, n: int = 3
) -> list[subprocess.CompletedProcess[str]]:
    env = process_env(
        {
            "DATABASE_URL": url,
            "SAMSPIL_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_SETTINGS_MODULE": "samspil.web.settings",
        }
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.slow
def test_processes_migrating_an_empty_sqlite_database_together_all_succeed(tmp_path):
    results = _migrate_together(f"sqlite:///{tmp_path / 'data' / 'samspil.sqlite3'}", tmp_path)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-2000:] for r in results]
    assert len({r.stdout for r in results}) == 1  # every one sees the same tables


@pytest.mark.slow
def test_processes_migrating_an_empty_postgresql_database_together_all_succeed(tmp_path):
    base = os.environ.get("SAMSPIL_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("needs the PostgreSQL server of the test command (SAMSPIL_TEST_POSTGRES_URL)")
    with throwaway_database(base, "samspil_migrate") as url:
        results = _migrate_together(url, tmp_path)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-2000:] for r in results]
    assert len({r.stdout for r in results}) == 1
