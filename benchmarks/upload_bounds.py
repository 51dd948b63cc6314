"""Time and peak memory of the three spreadsheet attack files of issue 17 (item 4), each
refused by a fresh ``samspil`` process (target: under 5 s and under 300 MB each), beside a
valid respondent list of the same shape for comparison.

The files come from tests/core/xlsx_attacks.py: a 40 KB respondent list whose third row
has ten million cells; a respondent list with a million shared strings no cell uses (about
2.6 MB; and a second, all-empty strings packed 500 to 1); a 2 KB XLSForm whose survey sheet
declares 1,048,576 rows by 16,384 columns. Each is read by the command line
(``samspil export kd2024 --data FILE --to csv`` for the lists, ``samspil instrument check``
for the XLSForm); the wall time of the process and its ``ru_maxrss`` are printed.

    uv run python benchmarks/upload_bounds.py
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core import xlsx_attacks

PROGRAM = """
import resource, sys
from samspil.cli import main
code = main(sys.argv[1:])
print(f"peak_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""
BASELINE = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def run(args: list[str]) -> tuple[float, int, float, str]:
    """Wall seconds, exit code, peak MB and the last message line of ``samspil args``."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    peak = int(lines[-1].split("=")[1]) / 1024 if lines else float("nan")
    message = lines[-2] if len(lines) > 1 else ""
    return seconds, done.returncode, peak, message


def refusal_seconds(name: str, data: bytes) -> float:
    """Seconds this process takes to read or refuse the file (imports already done)."""
    from samspil.errors import DomainError
    from samspil.importing import read_table
    from samspil.instruments import load_bytes

    started = time.perf_counter()
    with contextlib.suppress(DomainError):
        load_bytes(data, name) if name == "skema.xlsx" else read_table(data, name)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "valid respondent list (1 row)": ("liste.xlsx", xlsx_attacks.respondents()),
            "10,000,000-cell row": ("liste.xlsx", xlsx_attacks.wide_row(10_000_000)),
            "1,000,000 unused shared strings": (
                "liste.xlsx",
                xlsx_attacks.unused_shared_strings(1_000_000),
            ),
            "4,000,000 unused empty shared strings": (
                "liste.xlsx",
                xlsx_attacks.unused_shared_strings(4_000_000, ""),
            ),
            "XLSForm declaring A1:XFD1048576": (
                "skema.xlsx",
                xlsx_attacks.xlsform(dimension="A1:XFD1048576"),
            ),
        }
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import samspil.cli"], check=True)
        print(f"python -c 'import samspil.cli': {time.perf_counter() - started:.2f} s")
        print("seconds: the whole process (start-up included); read: the reading alone")
        print(f"{'file':40} {'size':>9} {'exit':>4} {'seconds':>8} {'read':>6} {'peak MB':>8}")
        for label, (name, data) in files.items():
            path = Path(folder) / name
            path.write_bytes(data)
            if name == "skema.xlsx":
                args = ["instrument", "check", str(path)]
            else:
                args = ["export", "kd2024", "--data", str(path), "--to", "csv"]
                args += ["--out", str(Path(folder) / "out.csv")]
            seconds, code, peak, message = run(args)
            size = f"{len(data) / 1024:.0f} KB"
            read = refusal_seconds(name, data)
            print(f"{label:40} {size:>9} {code:>4} {seconds:>8.2f} {read:>6.2f} {peak:>8.0f}")
            print(f"    {message.replace(folder + '/', '')[:150]}")


if __name__ == "__main__":
    main()
