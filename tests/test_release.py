"""Releases (docs/deploy.md, "Releases and upgrades"): the CHANGELOG has a dated section for
the version pyproject.toml declares, under an "Unreleased" section new work is added to."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sections() -> list[str]:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (.+?)\s*$", text, re.M)


def _declared_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"]["version"])


def test_changelog_has_a_dated_section_for_the_version_in_pyproject():
    version = _declared_version()
    dated = {}
    for heading in _sections():
        if m := re.fullmatch(r"(\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)", heading):
            dated[m[1]] = dt.date.fromisoformat(m[2])
    assert version in dated, f"CHANGELOG.md: no section '## {version} (YYYY-MM-DD)'"


def test_changelog_starts_with_unreleased_then_releases_newest_first():
    sections = _sections()
    assert sections[0] == "Unreleased"
    releases = [re.fullmatch(r"(\d+)\.(\d+)\.(\d+) \((\S+)\)", h) for h in sections[1:]]
    assert all(releases), f"CHANGELOG.md: every section after Unreleased is a release: {sections}"
    versions = [tuple(int(m[i]) for i in (1, 2, 3)) for m in releases if m]
    dates = [m[4] for m in releases if m]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)
