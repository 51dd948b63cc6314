"""Writing a computed report in each output format.

One function per format, registered in :data:`FORMATS` with the figure images it needs; a
new format is one more entry. Figures are drawn once per report and saved in the union of
the image formats the chosen outputs need (SVG for HTML and the vector PDF, 300 dpi PNG for
Word and the figures folder). Heavy libraries (WeasyPrint, python-docx, openpyxl) are
imported only by the format that uses them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from samspil.instruments import Instrument
from samspil.reports.build import Result
from samspil.reports.document import Meta, Publication, publication
from samspil.reports.spec import ReportSpec
from samspil.responses import StudyInfo


@dataclass
class Job:
    """Everything a format writer may need; the publication is assembled once, on demand."""

    spec: ReportSpec
    results: list[Result]
    out: Path
    instrument: Instrument
    data: pd.DataFrame
    study: StudyInfo | None = None
    codes: pd.DataFrame | None = None
    meta: Meta = field(default_factory=Meta)
    figures: dict[str, dict[str, bytes]] = field(default_factory=dict)

    @property
    def made(self) -> list[Result]:
        return [r for r in self.results if not r.skipped]

    @cached_property
    def publication(self) -> Publication:
        return publication(
            self.spec,
            self.results,
            self.instrument,
            self.data,
            figures=set(self.figures),
            study=self.study,
            codes=self.codes,
            meta=self.meta,
        )

    def images(self, kind: str) -> dict[str, bytes]:
        return {key: drawn[kind] for key, drawn in self.figures.items() if kind in drawn}


def write_csv(job: Job) -> list[Path]:
    from samspil.spreadsheet import write_csv as write_spreadsheet_csv

    folder = job.out / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for result in job.made:
        path = folder / f"{result.block.id}.csv"
        hidden = [c for c in ("suppressed", "secondary") if c in result.data.columns]
        paths.append(write_spreadsheet_csv(result.data.drop(columns=hidden), path))
    return paths


def write_xlsx(job: Job) -> list[Path]:
    from samspil.reports.workbook import write_xlsx as write

    return [write(job.spec, job.results, job.out / "tables.xlsx")]


def write_figures(job: Job) -> list[Path]:
    from samspil.reports.figures import figure_name

    folder = job.out / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for result in job.made:
        for kind, data in job.figures.get(result.block.id, {}).items():
            path = folder / f"{figure_name(result)}.{kind}"
            path.write_bytes(data)
            paths.append(path)
    return paths


def write_html(job: Job) -> list[Path]:
    from samspil.reports.hyphenate import soft_hyphens  # Chromium has no Danish dictionary
    from samspil.reports.render import report_html

    path = job.out / "index.html"
    page = soft_hyphens(report_html(job.publication, job.images("svg")))
    path.write_text(page, encoding="utf-8")
    return [path]


def write_pdf(job: Job) -> list[Path]:
    from samspil.reports.render import report_html, write_pdf

    path = job.out / "report.pdf"
    write_pdf(report_html(job.publication, job.images("svg")), str(path))
    return [path]


def write_docx(job: Job) -> list[Path]:
    from samspil.reports.wordfile import write_docx as write

    return [write(job.publication, job.images("png"), job.out / "report.docx")]


@dataclass(frozen=True)
class Format:
    write: Callable[[Job], list[Path]]
    images: frozenset[str] = frozenset()


FORMATS: dict[str, Format] = {
    "csv": Format(write_csv),
    "xlsx": Format(write_xlsx),
    "figures": Format(write_figures, frozenset({"svg", "png"})),
    "html": Format(write_html, frozenset({"svg"})),
    "pdf": Format(write_pdf, frozenset({"svg"})),
    "docx": Format(write_docx, frozenset({"png"})),
}


def check_formats(formats: Collection[str]) -> None:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(
            f"unknown report formats: {', '.join(sorted(unknown))}; known: {', '.join(FORMATS)}"
        )


def draw_figures(job: Job, kinds: set[str]) -> None:
    """Draw each figure once, saved as every image kind in ``kinds``."""
    if not kinds:
        return
    from samspil.reports import figures

    for result in job.made:
        if figures.has_figure(result):
            job.figures[result.block.id] = figures.render(result, kinds)


def publish(job: Job, formats: Collection[str]) -> list[Path]:
    """Write ``formats`` (in the order of :data:`FORMATS`) into ``job.out``."""
    check_formats(formats)
    job.out.mkdir(parents=True, exist_ok=True)
    chosen = [name for name in FORMATS if name in formats]
    draw_figures(job, set().union(*(FORMATS[name].images for name in chosen)))
    files: list[Path] = []
    for name in chosen:
        files += FORMATS[name].write(job)
    return files
