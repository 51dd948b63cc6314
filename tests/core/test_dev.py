"""`./dev`'s summary: the closing lines say FAILED when any step failed."""

from __future__ import annotations

import subprocess
from pathlib import Path

DEV = Path(__file__).resolve().parents[2] / "dev"


def _summary(*steps: str) -> subprocess.CompletedProcess[str]:
    records = "".join(f"record {step} 1; " for step in steps)
    script = f'source "{DEV}"; t0=$(now); {records}record_total "$t0"; summary "dev test"'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)


def test_the_total_line_says_failed_when_a_step_failed():
    done = _summary("lint PASS", "pytest 'FAIL (exit 1)'")
    assert done.returncode == 1
    total = next(line for line in done.stdout.splitlines() if line.strip().startswith("total"))
    assert "FAILED" in total and "PASS" not in total
    assert done.stdout.rstrip().endswith("dev test: FAILED")


def test_the_total_line_says_pass_when_every_step_passed():
    done = _summary("lint PASS", "pytest 'PASS (no tests collected)'")
    assert done.returncode == 0, done.stderr
    total = next(line for line in done.stdout.splitlines() if line.strip().startswith("total"))
    assert "PASS" in total
    assert done.stdout.rstrip().endswith("dev test: OK")
