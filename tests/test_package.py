"""Smoke test: the package imports and its version is the one pyproject.toml declares."""

import tomllib
from pathlib import Path

import samspil

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_version_matches_pyproject() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    assert samspil.__version__ == declared
