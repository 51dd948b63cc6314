"""Page sheets of the demo PDFs for docs/img: every page of each report, small, side by side,
so the layout can be seen at a glance and stays current (run after a layout change).

    .venv/bin/python scripts/report_page_sheets.py [--out docs/img]

Writes ``report-pages-kd2024.png``, ``report-pages-fc2015.png`` (the demo reports, as
``samspil demo`` makes them, kd2024 with its coded open answers) and
``report-pages-default.png`` (the default report of the kd2024 questionnaire), and
``report-page.png``: one page of kd2024 at reading size (Figur 4.1 and Tabel 4.2).
Needs poppler-utils (``pdftoppm``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

COLUMNS = 6
DPI = 36


def pages(pdf: Path, folder: Path, dpi: int, first: int = 0, last: int = 0) -> list[Path]:
    command = ["pdftoppm", "-r", str(dpi), "-png"]
    if first:
        command += ["-f", str(first), "-l", str(last or first)]
    subprocess.run([*command, str(pdf), str(folder / pdf.parent.name)], check=True)
    return sorted(folder.glob(f"{pdf.parent.name}-*.png"))


def sheet(images: list[Path], out: Path) -> None:
    from PIL import Image, ImageOps

    opened = [
        ImageOps.expand(Image.open(p).convert("RGB"), border=1, fill="#9aa5ad") for p in images
    ]
    width, height = opened[0].size
    rows = (len(opened) + COLUMNS - 1) // COLUMNS
    gap = 8
    canvas = Image.new(
        "RGB", (COLUMNS * (width + gap) + gap, rows * (height + gap) + gap), "#eef3f6"
    )
    for i, image in enumerate(opened):
        x, y = gap + (i % COLUMNS) * (width + gap), gap + (i // COLUMNS) * (height + gap)
        canvas.paste(image, (x, y))
    palette = canvas.quantize(64, dither=Image.Dither.NONE)
    palette.save(out, optimize=True)
    sys.stdout.write(f"{out}: {len(images)} pages\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from samspil.cli import CODES_COLUMNS, _read_columns
    from samspil.demo import BANNER, demo_file
    from samspil.importing import read_attributes, read_responses
    from samspil.instruments import load
    from samspil.reports import make_report
    from samspil.reports.default import default_spec
    from samspil.reports.groups import ATTRIBUTE_COLUMNS
    from samspil.responses import Responses

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kd = Responses(
            load("kd2024"), read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data
        )
        fc = Responses(
            load("fc2015"), read_responses(demo_file("fc2015_demo.csv"), load("fc2015")).data
        )
        codes = _read_columns(str(demo_file("kd2024_codes_demo.csv")), CODES_COLUMNS)
        attributes = read_attributes(demo_file("fc2015_kommuner_demo.csv"), ATTRIBUTE_COLUMNS)
        made = {
            "kd2024": make_report(
                "kd2024", kd, folder / "kd2024", codes=codes, banner=BANNER, formats={"pdf"}
            ),
            "fc2015": make_report(
                "fc2015",
                fc,
                folder / "fc2015",
                attributes=attributes,
                banner=BANNER,
                formats={"pdf"},
            ),
            "default": make_report(
                default_spec(load("kd2024"), "kd2024"),
                kd,
                folder / "default",
                banner=BANNER,
                formats={"pdf"},
            ),
        }
        for name, report in made.items():
            images = folder / f"pages-{name}"
            images.mkdir()
            sheet(
                pages(report.folder / "report.pdf", images, DPI), out / f"report-pages-{name}.png"
            )
        pdf = made["kd2024"].folder / "report.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        number = next(i for i, page in enumerate(text.split("\f"), 1) if "Tabel 4.2." in page)
        single = folder / "single"
        single.mkdir()
        from PIL import Image

        page = pages(pdf, single, 80, number)[0]
        Image.open(page).convert("RGB").quantize(64, dither=Image.Dither.NONE).save(
            out / "report-page.png", optimize=True
        )
        sys.stdout.write(f"{out / 'report-page.png'}: page {number} of kd2024\n")


if __name__ == "__main__":
    main()
