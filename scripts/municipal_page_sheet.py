"""A page sheet of one municipality's own report for docs/img (issue 21): every page of
Demokommune 50's report from the kd2024 demo data, small, side by side (run after a
layout change).

    .venv/bin/python scripts/municipal_page_sheet.py [--out docs/img]

Writes ``municipal-report-pages.png``. The demo municipalities get regions and populations
from ``samspil.demo.demo_facts()``. Needs poppler-utils (``pdftoppm``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_page_sheets import DPI, pages, sheet

MUNICIPALITY = "Demokommune 50"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from samspil.demo import BANNER, demo_facts, demo_file
    from samspil.instruments import load
    from samspil.reports.document import Meta
    from samspil.reports.municipal import write_municipality_reports
    from samspil.responses import Responses

    responses = Responses.from_file(demo_file("kd2024_demo.csv"), load("kd2024"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        index = write_municipality_reports(
            "kd2024",
            responses,
            None,
            folder / "by",
            kommuner=[MUNICIPALITY],
            formats=["pdf"],
            facts=demo_facts(),
            meta=Meta(banner=BANNER),
        )
        pdf = folder / "by" / index["folder"].iloc[0] / "report.pdf"
        images = folder / "pages"
        images.mkdir()
        sheet(pages(pdf, images, DPI), out / "municipal-report-pages.png")


if __name__ == "__main__":
    main()
