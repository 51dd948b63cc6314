"""The XLSX export's writer against the libraries, on one wide data set.

Writes the same synthetic answers (codes 1-5, 8 "Ved ikke", empty) as one sheet with
samspil's vectorised writer (``samspil.xlsx_writer.write_xlsx``, what ``samspil export --to
xlsx`` uses), with openpyxl (write-only mode, cell by cell) and, when it is installed, with
XlsxWriter (constant-memory mode). Each writer runs in a fresh process; prints seconds and
file size. Nothing is asserted. XlsxWriter is not a samspil dependency: the script leaves
it out when it cannot be imported. Usage:

    uv run python benchmarks/xlsx_writers.py [--rows 130000] [--variables 500]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETUP = """
import sys
import numpy as np
import pandas as pd
rows, variables, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(1)
codes = rng.choice(np.array([1, 2, 3, 4, 5, 8, np.nan]), size=(rows, variables))
frame = pd.DataFrame(codes, columns=[f"q_i{i:03d}" for i in range(variables)])
frame.insert(0, "respondent_id", [f"r{i}" for i in range(rows)])
"""

WRITERS = {
    "samspil.xlsx_writer": """
from pathlib import Path
from samspil.xlsx_writer import write_xlsx
write_xlsx({"Data": frame}, Path(out))
""",
    "openpyxl (write-only)": """
from openpyxl import Workbook
book = Workbook(write_only=True)
sheet = book.create_sheet("Data")
sheet.append(list(frame.columns))
for row in frame.itertuples(index=False, name=None):
    sheet.append([None if v != v else v for v in row])
book.save(out)
""",
    "XlsxWriter (constant memory)": """
import xlsxwriter
book = xlsxwriter.Workbook(out, {"constant_memory": True})
sheet = book.add_worksheet("Data")
sheet.write_row(0, 0, list(frame.columns))
for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
    for c, v in enumerate(row):
        if v == v:
            sheet.write(r, c, v)
book.close()
""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=130_000)
    parser.add_argument("--variables", type=int, default=500)
    args = parser.parse_args()
    print(f"{args.rows:,} respondents x {args.variables} variables, one fresh process each")
    print("| writer | seconds | file |\n|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, code in WRITERS.items():
            if name.startswith("XlsxWriter") and importlib.util.find_spec("xlsxwriter") is None:
                print(f"| {name} | not installed | |")
                continue
            out = Path(tmp) / "wide.xlsx"
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", SETUP + code, str(args.rows), str(args.variables), str(out)],
                check=True,
            )
            seconds = time.perf_counter() - started
            print(f"| {name} | {seconds:.1f} | {out.stat().st_size / 1e6:.0f} MB |", flush=True)
            out.unlink()


if __name__ == "__main__":
    main()
