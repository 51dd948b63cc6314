from __future__ import annotations

from pathlib import Path

import pytest

from samspil.cli import main

# Copies of the team library's fixtures and seed passages (see tests/fixtures/README.md):
# the repository carries everything its tests need.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture
def run_cli(capsys):
    """Run the samspil CLI in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def run_report(run_cli, tmp_path):
    """``samspil report ID --data DATA --out <tmp>/report EXTRA...``; returns (code, stderr,
    output folder)."""

    def run(report_id: str, data: Path, *extra: object) -> tuple[int, str, Path]:
        out = tmp_path / "report"
        code, _, err = run_cli("report", report_id, "--data", data, "--out", out, *extra)
        return code, err, out

    return run


def fixture_path(name: str) -> Path:
    path = FIXTURES / name
    if not path.is_file():
        pytest.fail(f"fixture {path} is missing")
    return path


def seed_text(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))  # e.g. 004_kd2024_bilag.txt
    if not matches:
        pytest.fail(f"seed {prefix} not found in {SEEDS}")
    return matches[0].read_text(encoding="utf-8")
