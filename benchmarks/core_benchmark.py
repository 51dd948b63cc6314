"""Benchmark of the core as a user meets it: every figure is the wall-clock time of a fresh
process (cold: Python starts, samspil and its libraries are imported, nothing is cached).

For N synthetic kd2024 respondents (default 98, 1,000 and 100,000) with synthetic final
codes of the open answers (so the theme figures are made too) it times:

- ``--help``: ``samspil --help``;
- ``import``: a process that reads and validates the answers file (``Responses.from_file``);
- ``tables``: a process that reads the file and computes every table and figure's data,
  theme figures included (``samspil.reports.compute``), nothing written;
- one column per report output format, read from ``samspil.reports.ALL_FORMATS`` (formats
  added later are timed too): ``samspil report kd2024 --data F --codes C --formats <fmt>``;
- ``all``: the whole ``samspil report`` with every format.

Prints a table; nothing is asserted. Usage:

    uv run python benchmarks/core_benchmark.py                  # 98, 1000, 100000
    uv run python benchmarks/core_benchmark.py --sizes 1000 --repeat 3
    uv run python benchmarks/core_benchmark.py --wide           # + a 130,000 x 500 export
    uv run python benchmarks/core_benchmark.py --only import,tables --sizes 1000,100000

samspil's bytecode is compiled first, as an installed package has it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

IMPORT = """
import sys
from samspil.instruments import resolve
from samspil.responses import Responses
Responses.from_file(sys.argv[1], resolve("kd2024"))
"""

TABLES = """
import sys
from argparse import Namespace
from samspil.cli import exit_now, read_inputs
from samspil.instruments import resolve
from samspil.reports import compute
# read and computed as `samspil report` does (the codes read and some tables computed by
# a forked child meanwhile), nothing written
given = {"data": sys.argv[1], "codes": sys.argv[2], "previous": None}
args = Namespace(**given, attributes=None, quotes=None)
responses, _previous, tables = read_inputs(args, resolve("kd2024"))
compute("kd2024", responses, codes=tables["codes"], fork=True)
exit_now(0)  # and ends as the command ends
"""

WIDE = """
import sys
import numpy as np
import pandas as pd
from samspil.exports import export
from samspil.instruments import Instrument
from samspil.responses import Responses
fmt, rows, variables, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
scale = [{"code": c, "label": f"Svar {c}"} for c in range(1, 6)]
scale.append({"code": 8, "label": "Ved ikke", "special": "dont_know"})
items = [{"id": f"i{i:03d}", "text": f"Udsagn {i}"} for i in range(variables)]
question = {"id": "q", "type": "grid", "text": "Spørgsmål", "options": scale, "items": items}
section = {"id": "s", "title": "S", "questions": [question]}
instrument = Instrument.model_validate({"id": "wide", "title": "Bred", "sections": [section]})
rng = np.random.default_rng(1)
codes = rng.choice(np.array([1, 2, 3, 4, 5, 8, np.nan]), size=(rows, variables))
data = pd.DataFrame(codes, columns=[v.name for v in instrument.variables])
data.insert(0, "respondent_id", [f"r{i}" for i in range(rows)])
export(Responses(instrument, data), fmt, out)
"""


def samspil() -> list[str]:
    script = BIN / "samspil"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from samspil.cli import main; sys.exit(main())"]


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """The median wall-clock and CPU (user + system) seconds of ``repeat`` fresh
    processes. On a busy machine the wall clock grows with the load; the CPU time hardly."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def prepare(folder: Path, n: int) -> tuple[Path, Path]:
    from samspil.demo import synthetic_codes, synthetic_responses
    from samspil.instruments import resolve

    data = synthetic_responses(resolve("kd2024"), n, seed=n)
    answers, codes = folder / f"kd2024_{n}.csv", folder / f"codes_{n}.csv"
    data.to_csv(answers, index=False)
    synthetic_codes(data, "kd2024").to_csv(codes, index=False)
    return answers, codes


def row(folder: Path, n: int, columns: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    answers, codes = prepare(folder, n)
    python = [sys.executable, "-c"]
    out = str(folder / f"report_{n}")
    report = [*samspil(), "report", "kd2024", "--data", str(answers), "--codes", str(codes)]
    commands = {
        "import": [*python, IMPORT, str(answers)],
        "tables": [*python, TABLES, str(answers), str(codes)],
        "all": [*report, "--out", out],
    }
    for column in columns:
        if column not in commands:  # an output format
            commands[column] = [*report, "--out", f"{out}_{column}", "--formats", column]
    return {column: timed(commands[column], repeat) for column in columns}


def compile_bytecode() -> None:
    """samspil's modules compiled once, as an installed package has them (with
    PYTHONDONTWRITEBYTECODE set, every cold process would compile them again)."""
    import compileall

    import samspil

    compileall.compile_dir(Path(samspil.__file__).parent, quiet=1)


def wide(folder: Path, rows: int, variables: int) -> None:
    from samspil.exports import EXPORTERS

    print(f"\nwide export, {rows:,} respondents x {variables} variables (one process each)")
    print("| format | seconds | file |\n|---|---:|---:|")
    for fmt in ("sav", "dta", "xlsx"):
        out = folder / f"wide.{EXPORTERS[fmt].suffix}"
        wall, _ = timed([sys.executable, "-c", WIDE, fmt, str(rows), str(variables), str(out)], 1)
        print(f"| .{fmt} | {wall:.1f} | {out.stat().st_size / 1e6:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="98,1000,100000")
    parser.add_argument("--repeat", type=int, default=1, help="median of this many runs")
    parser.add_argument("--only", help="only these columns, e.g. import,tables")
    parser.add_argument("--wide", action="store_true", help="also the wide export")
    parser.add_argument("--wide-rows", type=int, default=130_000)
    parser.add_argument("--wide-vars", type=int, default=500)
    args = parser.parse_args()

    from samspil.reports import ALL_FORMATS

    columns = ["import", "tables", *sorted(ALL_FORMATS), "all"]
    if args.only:
        columns = [c for c in args.only.split(",") if c]
        unknown = sorted(set(columns) - {"import", "tables", "all", *ALL_FORMATS})
        if unknown:
            parser.error(f"unknown columns: {', '.join(unknown)}")
    compile_bytecode()
    help_wall, help_cpu = timed([*samspil(), "--help"], max(args.repeat, 3))
    print(
        f"samspil --help: {help_wall:.2f} s wall, {help_cpu:.2f} s CPU (cold process, median "
        f"of {max(args.repeat, 3)}); load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores\n"
    )
    print("each cell: wall-clock seconds (CPU seconds)")
    print("| respondents | " + " | ".join(columns) + " |")
    print("|---:|" + "---:|" * len(columns))
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            figures = row(Path(tmp), n, columns, args.repeat)
            cells = " | ".join(f"{figures[c][0]:.1f} ({figures[c][1]:.1f})" for c in columns)
            print(f"| {n:,} | {cells} |", flush=True)
        if args.wide:
            wide(Path(tmp), args.wide_rows, args.wide_vars)


if __name__ == "__main__":
    main()
