"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tests.browser", "tests.reports_fixtures", "tests.canary"]

# No property test depends on the clock: no per-example deadline, and slow data generation
# (a busy machine) is no failure.
hypothesis_settings.register_profile(
    "samspil", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("samspil")

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "samspil"


def _stale_catalogues() -> list[Path]:
    stale = []
    for po in PACKAGE.glob("*/locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translation catalogues when a .po is newer than its .mo (or it has none):
    `./dev setup` does this, but a plain `pytest` after a pull must not test stale Danish.
    Only in the main process (xdist workers start after it)."""
    if hasattr(config, "workerinput") or not _stale_catalogues():
        return
    subprocess.run(
        [sys.executable, "-m", "django", "compilemessages", "--verbosity", "0"],
        cwd=PACKAGE,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    # Catalogues read before the compilation (Django caches them per process) are dropped.
    from asgiref.local import Local
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_the_audit_triggers() -> None:
    """The audit log refuses DELETE in the database (samspil.web.append_only). Django's
    flush after a transactional test empties tables with DELETE on SQLite (TRUNCATE, which
    fires no row trigger, on PostgreSQL): on SQLite the flush drops the two triggers, empties
    the tables and creates them again, in its one transaction. Tests only; samspil never
    flushes."""
    from django.core.management.commands import flush

    from samspil.web import append_only

    original = flush.sql_flush
    if getattr(original, "lifts_audit_triggers", False):
        return

    def sql_flush(style: Any, connection: Any, **kwargs: Any) -> list[str]:
        statements: list[str] = original(style, connection, **kwargs)
        if connection.vendor != "sqlite" or not any(append_only.TABLE in s for s in statements):
            return statements
        drop, create = append_only.sqlite_drop_statements(), append_only.sqlite_create_statements()
        return [*drop, *statements, *create]

    sql_flush.lifts_audit_triggers = True  # type: ignore[attr-defined]
    flush.sql_flush = sql_flush  # type: ignore[assignment]
