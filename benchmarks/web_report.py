"""How long the web app's "make the report" click waits: ``make_report`` in a process that
has everything imported and the PDF engine warmed up, as a running server has, with the
PDF laid out later by the worker (``PdfLater``, what the web app does) and, for
comparison, laid out in the request (what it did before).

Also times the worker's part (``write_pending_pdf``). Prints seconds (best and median of
``--repeat``); nothing is asserted. Usage:

    uv run python benchmarks/web_report.py                      # 98 and 1,000
    uv run python benchmarks/web_report.py --sizes 838 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core_benchmark import prepare  # the same synthetic answers and codes


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def summary(values: list[float]) -> str:
    return f"{min(values):.1f} s (median {statistics.median(values):.1f})"


def row(folder: Path, n: int, repeat: int) -> str:
    from samspil.importing import read_columns
    from samspil.instruments import resolve
    from samspil.reports import make_report
    from samspil.reports.publish import PdfLater, write_pending_pdf
    from samspil.responses import Responses

    answers, codes_file = prepare(folder, n)
    responses = Responses.from_file(answers, resolve("kd2024"))
    codes = read_columns(codes_file, ("respondent_id", "variable", "code"))
    out = folder / f"report_{n}"

    def click(pdf: PdfLater | None) -> None:
        make_report("kd2024", responses, out, codes=codes, pdf=pdf)

    later, worker, now = [], [], []
    for _ in range(repeat):
        later.append(seconds(lambda: click(PdfLater())))
        worker.append(seconds(lambda: write_pending_pdf(out)))
        now.append(seconds(lambda: click(None)))
    return f"| {n:,} | {summary(later)} | {summary(worker)} | {summary(now)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="98,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from samspil.reports import typst_pdf

    typst_pdf.warm_up()  # a running server has laid out a PDF before
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| respondents | click, PDF later | worker: the PDF | click, PDF in the request |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            print(row(Path(tmp), n, args.repeat), flush=True)


if __name__ == "__main__":
    main()
