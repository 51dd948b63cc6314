"""Smoke test: the package imports and its version is the one pyproject.toml declares."""

import tomllib
from pathlib import Path

import samspil

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_version_matches_pyproject() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    assert samspil.__version__ == declared


def test_version_option_prints_the_installed_packages_version() -> None:
    import subprocess
    import sys
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "samspil.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"samspil {version('samspil')}"
