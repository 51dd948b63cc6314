"""Benchmark of the core: import + all tables + HTML report for N synthetic kd2024
respondents (PDF timed separately), and a wide export (130,000 x 500) to .sav/.dta/.xlsx.

Each measured stage runs in a fresh child process so peak memory (max RSS) is its own.
Prints a table of figures; nothing is asserted. Usage:

    uv run python benchmarks/core_benchmark.py                 # 10k, 50k, 100k + wide export
    uv run python benchmarks/core_benchmark.py --sizes 100000 --no-wide
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_report(path: str, out: str) -> dict[str, float]:
    from samspil.importing import read_responses
    from samspil.instruments import load
    from samspil.reports import compute, make_report

    started = time.perf_counter()
    data = read_responses(Path(path), load("kd2024")).data
    t_import = time.perf_counter() - started
    t0 = time.perf_counter()
    compute("kd2024", data)
    t_tables = time.perf_counter() - t0
    t0 = time.perf_counter()
    make_report("kd2024", data, Path(out), formats={"csv", "figures", "html"})
    t_html = time.perf_counter() - t0
    return {
        "import_s": t_import,
        "tables_s": t_tables,
        "html_s": t_html,
        "total_s": time.perf_counter() - started,
        "peak_mb": peak_mb(),
    }


def stage_pdf(path: str, out: str) -> dict[str, float]:
    from samspil.importing import read_responses
    from samspil.instruments import load
    from samspil.reports import make_report

    data = read_responses(Path(path), load("kd2024")).data
    t0 = time.perf_counter()
    make_report("kd2024", data, Path(out), formats={"pdf"})
    return {"pdf_s": time.perf_counter() - t0, "peak_mb": peak_mb()}


def wide_instrument(variables: int):  # type: ignore[no-untyped-def]
    from samspil.instruments import Instrument

    scale = [{"code": c, "label": f"Svar {c}"} for c in range(1, 6)]
    scale.append({"code": 8, "label": "Ved ikke", "special": "dont_know"})
    items = [{"id": f"i{i:03d}", "text": f"Udsagn {i}"} for i in range(variables)]
    return Instrument.model_validate(
        {
            "id": "wide",
            "title": "Bred syntetisk undersøgelse",
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {
                            "id": "q",
                            "type": "grid",
                            "text": "Spørgsmål",
                            "options": scale,
                            "items": items,
                        }
                    ],
                }
            ],
        }
    )


def stage_wide(fmt: str, rows: int, variables: int, folder: str) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from samspil.exports import export

    instrument = wide_instrument(variables)
    rng = np.random.default_rng(1)
    codes = rng.choice(np.array([1, 2, 3, 4, 5, 8, np.nan]), size=(rows, variables))
    data = pd.DataFrame(codes, columns=[v.name for v in instrument.variables])
    data.insert(0, "respondent_id", [f"r{i}" for i in range(rows)])
    out = Path(folder) / f"wide.{fmt}"
    t0 = time.perf_counter()
    export(instrument, data, fmt, out)
    return {
        "seconds": time.perf_counter() - t0,
        "mb_file": out.stat().st_size / 1e6,
        "peak_mb": peak_mb(),
    }


def child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--no-wide", action="store_true")
    parser.add_argument("--wide-rows", type=int, default=130_000)
    parser.add_argument("--wide-vars", type=int, default=500)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        if name == "report":
            result = stage_report(*rest)
        elif name == "pdf":
            result = stage_pdf(*rest)
        else:
            result = stage_wide(rest[0], int(rest[1]), int(rest[2]), rest[3])
        print(json.dumps(result))
        return

    from samspil.demo import synthetic_responses
    from samspil.instruments import load

    with tempfile.TemporaryDirectory() as tmp:
        print("respondents  import_s  tables_s  html_s  total_s  peak_MB  pdf_s  pdf_peak_MB")
        for n in [int(s) for s in args.sizes.split(",")]:
            path = Path(tmp) / f"kd2024_{n}.csv"
            synthetic_responses(load("kd2024"), n, seed=n).to_csv(path, index=False)
            r = child("report", str(path), str(Path(tmp) / f"out{n}"))
            p = child("pdf", str(path), str(Path(tmp) / f"pdf{n}"))
            print(
                f"{n:>11}  {r['import_s']:8.2f}  {r['tables_s']:8.2f}  {r['html_s']:6.2f}  "
                f"{r['total_s']:7.2f}  {r['peak_mb']:7.0f}  {p['pdf_s']:5.2f}  {p['peak_mb']:11.0f}"
            )
        if not args.no_wide:
            print(f"\nwide export: {args.wide_rows} respondents x {args.wide_vars} variables")
            print("format  seconds  file_MB  peak_MB")
            for fmt in ("sav", "dta", "xlsx"):
                w = child("wide", fmt, str(args.wide_rows), str(args.wide_vars), tmp)
                print(f"{fmt:>6}  {w['seconds']:7.1f}  {w['mb_file']:7.0f}  {w['peak_mb']:7.0f}")


if __name__ == "__main__":
    main()
