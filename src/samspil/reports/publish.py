"""Writing a computed report in each output format.

One function per format, registered in :data:`FORMATS`; a new format is one more entry.
Figures are laid out once per report (:class:`~samspil.reports.figures.Scene`) and written
as each output needs them: SVG for HTML, the same shapes with the text set by the PDF
engine for the PDF, 300 dpi PNG for Word and the figures folder. Heavy libraries
(WeasyPrint, python-docx, openpyxl) are imported only by the format that uses them, and the
PDF, the slowest, is written by a second process while this one writes the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from samspil.instruments import Instrument
from samspil.reports.build import Result
from samspil.reports.document import Meta, Publication, publication
from samspil.reports.spec import ReportSpec
from samspil.responses import StudyInfo

if TYPE_CHECKING:
    from samspil.reports.figures import Scene


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
    _images: dict[str, dict[str, bytes]] = field(default_factory=dict)

    @property
    def made(self) -> list[Result]:
        return [r for r in self.results if not r.skipped]

    @cached_property
    def scenes(self) -> dict[str, Scene]:
        """Every figure laid out, once, by block id."""
        from samspil.reports import figures

        return {r.block.id: figures.scene(r) for r in self.made if figures.has_figure(r)}

    @cached_property
    def publication(self) -> Publication:
        return publication(
            self.spec,
            self.results,
            self.instrument,
            self.data,
            figures=set(self.scenes),
            study=self.study,
            codes=self.codes,
            meta=self.meta,
        )

    def images(self, kind: str) -> dict[str, bytes]:
        """Every figure as 'svg' or 'png', written once per kind."""
        if kind not in self._images:
            if kind not in ("svg", "png"):
                raise ValueError(f"unknown image kind {kind!r}")
            self._images[kind] = {key: getattr(s, kind)() for key, s in self.scenes.items()}
        return self._images[kind]


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
    for kind in ("png", "svg"):
        images = job.images(kind)
        for result in job.made:
            if result.block.id in images:
                path = folder / f"{figure_name(result)}.{kind}"
                path.write_bytes(images[result.block.id])
                paths.append(path)
    return paths


def write_html(job: Job) -> list[Path]:
    from samspil.reports.hyphenate import soft_hyphens  # Chromium has no Danish dictionary
    from samspil.reports.render import report_html, svg_img

    path = job.out / "index.html"
    svgs = job.images("svg")
    pictures = {key: svg_img(svgs[key], scene.title) for key, scene in job.scenes.items()}
    path.write_text(soft_hyphens(report_html(job.publication, pictures)), encoding="utf-8")
    return [path]


def write_pdf(job: Job) -> list[Path]:
    from samspil.reports.render import report_html, write_pdf

    path = job.out / "report.pdf"
    pictures = {key: scene.html() for key, scene in job.scenes.items()}
    write_pdf(report_html(job.publication, pictures), str(path))
    return [path]


def write_docx(job: Job) -> list[Path]:
    from samspil.reports.wordfile import write_docx as write

    return [write(job.publication, job.images("png"), job.out / "report.docx")]


FORMATS: dict[str, Callable[[Job], list[Path]]] = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "figures": write_figures,
    "html": write_html,
    "pdf": write_pdf,
    "docx": write_docx,
}


def check_formats(formats: Collection[str]) -> None:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(
            f"unknown report formats: {', '.join(sorted(unknown))}; known: {', '.join(FORMATS)}"
        )


def publish(job: Job, formats: Collection[str], *, parallel: bool = False) -> list[Path]:
    """Write ``formats`` (in the order of :data:`FORMATS`) into ``job.out``. With
    ``parallel`` (and more than one core) the PDF is written by a forked process while this
    one writes the other formats; only for command-line use, as forking a threaded web
    server is not safe."""
    check_formats(formats)
    job.out.mkdir(parents=True, exist_ok=True)
    chosen = [name for name in FORMATS if name in formats]
    forked = None
    if parallel and "pdf" in chosen and len(chosen) > 1 and (os.cpu_count() or 1) > 1:
        job.publication  # noqa: B018  # made before the fork (figures included), once
        forked = _Forked(write_pdf, job)
    written: dict[str, list[Path]] = {}
    for name in chosen:
        if not (forked and name == "pdf"):
            written[name] = FORMATS[name](job)
    if forked is not None:
        written["pdf"] = forked.result()
    return [path for name in chosen for path in written[name]]


class _Forked:
    """``write(job)`` in a forked child; :meth:`result` waits and returns its files or
    raises its error here."""

    def __init__(self, write: Callable[[Job], list[Path]], job: Job) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=self._run, args=(write, job, send), daemon=True)
        self._process.start()
        send.close()

    @staticmethod
    def _run(write: Callable[[Job], list[Path]], job: Job, send: Any) -> None:
        try:
            send.send(("ok", write(job)))
        except BaseException as error:  # handed to the parent, which raises it
            try:
                send.send(("error", error))
            except Exception:  # an error that cannot be pickled: its traceback as text
                import traceback

                send.send(("error", RuntimeError("".join(traceback.format_exception(error)))))

    def result(self) -> list[Path]:
        try:
            status, value = self._receive.recv()
        except EOFError:
            value = RuntimeError(
                f"the PDF process ended without a result ({self._process.exitcode})"
            )
            status = "error"
        self._process.join()
        if status == "error":
            raise value
        return value
