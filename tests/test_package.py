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


def test_the_command_ends_at_once_with_its_output_whole_and_its_exit_code(tmp_path, capsys) -> None:
    """``samspil`` ends through ``exit_now`` (its memory left to the system, not freed
    object by object): what it printed arrives whole, and its exit code is kept."""
    import json
    import subprocess
    import sys

    command = [sys.executable, "-m", "samspil.cli"]
    done = subprocess.run(
        [*command, "codebook", "kd2024", "--format", "json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    from samspil.cli import main

    assert main(["codebook", "kd2024", "--format", "json"]) == 0
    whole = capsys.readouterr().out
    assert len(whole) > 8192  # more than the output buffer: its last part flushed at the end
    assert done.stdout == whole and json.loads(done.stdout)
    missing = tmp_path / "ingen.csv"
    done = subprocess.run(
        [*command, "report", "kd2024", "--data", str(missing), "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "ingen.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_ends_at_once_after_django_closing_its_database_connection(tmp_path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup()\n"
        "from django.db import connection, connections\n"
        "connection.ensure_connection()\n"
        "close_all = connections.close_all\n"
        "def closing():\n"
        "    close_all()\n"
        "    print('closed', connection.connection is None)\n"
        "connections.close_all = closing\n"
        "from samspil.cli import exit_now\n"
        "print('ending', connection.connection is not None)\n"
        "exit_now(3)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samspil.web.settings"}
    env["SAMSPIL_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "ending True\nclosed True\n"
