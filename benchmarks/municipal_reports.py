"""Every municipality's own report (issue 21): all 98 kd2024 municipalities, every format
of a municipality's folder (csv, xlsx, html, pdf, docx), in 2 processes; and one
municipality's report alone in a warm process (the web app serves the files the worker
made when the study closed, so a page never makes one on a click).

Synthetic answers: one respondent per municipality (Demokommune 01-98), regions and
populations from ``samspil.demo.demo_facts()``. Prints wall and CPU seconds (user+sys of
this process and its workers) and the load average, and one report's CPU seconds per
format made alone (each including its tables); nothing is asserted. Targets: all 98 < 60 s
on 2 cores; one < 2 s. Usage:

    uv run python benchmarks/municipal_reports.py [--workers 2] [--municipalities 98]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--municipalities", type=int, default=98)
    args = parser.parse_args()

    from samspil import demo
    from samspil.instruments import load
    from samspil.reports.municipal import FORMATS, write_municipality_reports
    from samspil.responses import Responses

    instrument = load("kd2024")
    data = demo.synthetic_responses(instrument, args.municipalities)
    data["kommune"] = demo.municipalities(args.municipalities)
    responses = Responses(instrument, data)
    facts = demo.demo_facts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # one municipality alone, after a first one (imports and Typst's fonts warm)
        write_municipality_reports(
            "kd2024", responses, None, folder / "warm", facts=facts, kommuner=["Demokommune 01"]
        )
        wall, used = time.perf_counter(), cpu()
        write_municipality_reports(
            "kd2024", responses, None, folder / "one", facts=facts, kommuner=["Demokommune 02"]
        )
        one = (time.perf_counter() - wall, cpu() - used)
        alone = {}  # each format alone (each including the tables)
        for name in FORMATS:
            used = cpu()
            write_municipality_reports(
                "kd2024",
                responses,
                None,
                folder / name,
                facts=facts,
                kommuner=["Demokommune 03"],
                formats=[name],
            )
            alone[name] = cpu() - used
        wall, used = time.perf_counter(), cpu()
        index = write_municipality_reports(
            "kd2024", responses, None, folder / "all", facts=facts, workers=args.workers
        )
        every = (time.perf_counter() - wall, cpu() - used)
    load_average = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print("| reports | processes | wall s | CPU s | load average |")
    print("|---:|---:|---:|---:|---|")
    print(f"| 1 | 1 | {one[0]:.1f} | {one[1]:.1f} | {load_average} |")
    print(f"| {len(index)} | {args.workers} | {every[0]:.1f} | {every[1]:.1f} | {load_average} |")
    print(
        "one report, CPU s per format alone:", ", ".join(f"{k} {v:.2f}" for k, v in alone.items())
    )


if __name__ == "__main__":
    main()
