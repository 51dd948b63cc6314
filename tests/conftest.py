"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
