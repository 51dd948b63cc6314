"""The kd2024 report's formats timed as a user runs them: each a cold `samspil report`
process (Python start, imports, reading the answers, tables, figures, writing).

Prints seconds per run; nothing is asserted. Usage:

    uv run python benchmarks/report_formats.py                  # 1,000 and 100,000
    uv run python benchmarks/report_formats.py --sizes 98,1000

Runs: "all" (every format: csv, xlsx, figures, html, pdf, docx), "html,csv,xlsx" (what
the screen needs), "pdf" and "docx" on their own. Targets (issues 7 and 10): all < 4 s and
html,csv,xlsx < 2 s for 1,000 respondents; all < 10 s for 100,000; PDF and DOCX each
< 15 s for 100,000. The machine's load average is printed beside the figures: on a shared
2-core machine they grow with it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core_benchmark import prepare  # the same synthetic answers and codes

RUNS = {"all": None, "html,csv,xlsx": "html,csv,xlsx", "pdf": "pdf", "docx": "docx"}


def run(answers: Path, codes: Path, formats: str | None, out: Path) -> float:
    command = [sys.executable, "-m", "samspil.cli", "report", "kd2024", "--data", str(answers)]
    command += ["--codes", str(codes), "--out", str(out)]
    if formats:
        command += ["--formats", formats]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"| respondents | {' | '.join(RUNS)} | load average |")
    print(f"|---:|{'---:|' * len(RUNS)}---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            answers, codes = prepare(folder, n)
            cells = []
            for name, formats in RUNS.items():
                best = min(
                    run(answers, codes, formats, folder / f"out_{n}_{i}_{name.replace(',', '_')}")
                    for i in range(args.repeat)
                )
                cells.append(f"{best:.1f} s")
            load = os.getloadavg()[0]
            print(f"| {n:,} | {' | '.join(cells)} | {load:.1f} |", flush=True)


if __name__ == "__main__":
    main()
