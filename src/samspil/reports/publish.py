"""Writing a computed report in each output format.

One function per format, registered in :data:`FORMATS`; a new format is one more entry.
Figures are laid out once per report (:class:`~samspil.reports.figures.Scene`) and written
as each output needs them: SVG for HTML, shapes the PDF's template draws (laid out by
Typst), 300 dpi PNG for Word and the figures folder. Typst is imported only by the PDF.
The PDF is laid out on a thread while the other formats are written (:class:`PdfInThread`),
in the web app later by the worker (:class:`PdfLater`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from samspil.instruments import Instrument
from samspil.reports.build import Result
from samspil.reports.document import Meta, Publication, publication
from samspil.reports.forked import InChild, can_fork
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
    def phone_scenes(self) -> dict[str, Scene]:
        """Every figure laid out for a phone's width (the HTML shows it there)."""
        from samspil.reports import figures

        return {
            r.block.id: figures.scene(r, figures.PHONE_WIDTH)
            for r in self.made
            if r.block.id in self.scenes
        }

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
    from samspil.reports.render import figure_imgs, report_html

    path = job.out / "index.html"
    svgs = job.images("svg")
    pictures = {
        key: figure_imgs(svgs[key], job.phone_scenes[key].svg(), scene.alt)
        for key, scene in job.scenes.items()
    }
    path.write_text(soft_hyphens(report_html(job.publication, pictures)), encoding="utf-8")
    return [path]


def pdf_input(job: Job) -> str:
    """What the PDF engine lays out: the publication as data, its figures as SVG."""
    from samspil.reports.typst_pdf import pdf_input as make_input

    return make_input(job.publication, job.scenes)


PDF_NAME = "report.pdf"


def write_pdf(job: Job) -> list[Path]:
    from samspil.reports import typst_pdf

    path = job.out / PDF_NAME
    typst_pdf.write_pdf(pdf_input(job), str(path))
    return [path]


def write_docx(job: Job) -> list[Path]:
    from samspil.reports.wordfile import write_docx as write

    alts = {key: scene.alt for key, scene in job.scenes.items()}
    return [write(job.publication, job.images("png"), job.out / "report.docx", alts)]


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


class PdfElsewhere(Protocol):
    """Where the PDF's input goes when the PDF is not laid out in turn with the other
    formats: a thread of this process (:class:`PdfInThread`, the default) or the web app's
    worker (:class:`PdfLater`). ``result`` returns the files written by the time the other
    formats are done (waiting for them if need be) and raises what laying out raised."""

    def submit(self, page: str, path: Path) -> None: ...

    def result(self) -> list[Path]: ...


class PdfInThread:
    """The PDF laid out on a thread of this process while it writes the other formats.
    The Typst compiler releases Python's lock while it lays out, so on a machine of two or
    more cores the PDF costs hardly any wall-clock time beside the others. An error in the
    thread is raised by :meth:`result`, in the caller's thread, as it was raised."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._written: list[Path] = []
        self._error: BaseException | None = None

    def submit(self, page: str, path: Path) -> None:
        from samspil.reports import typst_pdf

        def lay_out() -> None:
            try:
                typst_pdf.write_pdf(page, str(path))
                self._written = [path]
            except BaseException as error:  # handed to result(), raised there
                self._error = error

        self._thread = threading.Thread(target=lay_out, name="samspil-pdf", daemon=True)
        self._thread.start()

    def result(self) -> list[Path]:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._written


# Formats whose writing is Python-bound (drawing the figures' PNG, python-docx): in a
# forked child (``publish(..., fork=True)``) they run beside the others and the PDF.
IN_CHILD = ("figures", "docx")


class FormatsInChild(InChild[dict[str, list[Path]]]):
    """Some formats written by a forked copy of this process (:class:`InChild`), beside
    what this process does meanwhile: the files each wrote, or the error met."""

    def __init__(self, job: Job, names: list[str]) -> None:
        self.names = names
        super().__init__(lambda: {n: FORMATS[n](job) for n in names}, f"writing {', '.join(names)}")


def publish(
    job: Job, formats: Collection[str], *, pdf: PdfElsewhere | None = None, fork: bool = False
) -> list[Path]:
    """Write ``formats`` (in the order of :data:`FORMATS`) into ``job.out``. The PDF's
    input is handed to ``pdf`` (see :class:`PdfElsewhere`; by default, with other formats
    to write, a :class:`PdfInThread`) and this process writes the others meanwhile. With
    ``fork`` (the command line's choice: a process that runs no other thread) the
    :data:`IN_CHILD` formats are written by a :class:`FormatsInChild` meanwhile too.
    Everything started is waited for even when a format fails (the first error is
    raised), so no file is being written after this returns."""
    check_formats(formats)
    job.out.mkdir(parents=True, exist_ok=True)
    chosen = [name for name in FORMATS if name in formats]
    elsewhere = pdf if "pdf" in chosen else None
    if elsewhere is None and "pdf" in chosen and len(chosen) > 1:
        elsewhere = PdfInThread()
    forked = [name for name in chosen if name in IN_CHILD]
    child = None
    if fork and forked and len(forked) < len(chosen) and can_fork():
        job.scenes, job.publication  # noqa: B018  (made once, here, for both processes)
        child = FormatsInChild(job, forked)
    here = [n for n in chosen if not (child and n in forked) and not (elsewhere and n == "pdf")]
    waiting: list[Callable[[], object]] = [c.result for c in (child, elsewhere) if c]
    try:
        if elsewhere is not None:
            elsewhere.submit(pdf_input(job), job.out / PDF_NAME)
        written = {name: FORMATS[name](job) for name in here}
    except BaseException:
        for wait in waiting:
            with contextlib.suppress(BaseException):  # the first error is the one to show
                wait()
        raise
    if child is not None:
        try:
            written.update(child.result())
        except BaseException:
            if elsewhere is not None:
                with contextlib.suppress(BaseException):
                    elsewhere.result()
            raise
    if elsewhere is not None:
        written["pdf"] = elsewhere.result()
    return [path for name in chosen for path in written[name]]


# -- the PDF later: the web app hands the PDF's input to its worker -------------------------

PENDING_PAGE = ".report-pdf.json"  # the input a PdfLater left, until the PDF is written
PDF_FAILED = ".report-pdf.failed"  # left when laying it out failed (details in the log)


class PdfLater:
    """The PDF laid out later by :func:`write_pending_pdf` (in the web app, a queued task
    for its worker), so a click on "make the report" returns once the other formats are
    written. ``submit`` removes the folder's old PDF, so a PDF never sits beside tables it
    does not match, and leaves the page for the worker; ``pdf_state`` tells a page which
    of the two it shows."""

    def __init__(self) -> None:
        self.folder: Path | None = None

    def submit(self, page: str, path: Path) -> None:
        self.folder = path.parent
        for old in (path, self.folder / PDF_FAILED):
            old.unlink(missing_ok=True)
        _write_atomically(self.folder / PENDING_PAGE, page.encode("utf-8"))

    def result(self) -> list[Path]:
        return []  # nothing written yet


def pdf_state(folder: Path) -> str:
    """``"pending"`` (a PdfLater's page waits for the worker), ``"failed"`` or ``""``."""
    if (folder / PENDING_PAGE).is_file():
        return "pending"
    return "failed" if (folder / PDF_FAILED).is_file() else ""


def write_pending_pdf(folder: Path) -> Path | None:
    """Lay out the page a :class:`PdfLater` left in ``folder`` as its ``report.pdf``; None
    when there is no page (another worker wrote it). When a newer page arrives meanwhile
    (the report was made again), this PDF is dropped and the newer page stays for the
    task queued with it. A failure leaves a note for :func:`pdf_state` and is raised."""
    from samspil.reports import typst_pdf

    page_path = folder / PENDING_PAGE
    try:
        with page_path.open("rb") as file:  # the page and its identity read together
            seen, page = os.fstat(file.fileno()), file.read()
    except FileNotFoundError:
        return None
    target = folder / PDF_NAME
    partial = _partial(target)
    try:
        typst_pdf.write_pdf(page.decode("utf-8"), str(partial))
    except BaseException:
        partial.unlink(missing_ok=True)
        if _unchanged(page_path, seen):
            _write_atomically(folder / PDF_FAILED, b"")
            page_path.unlink(missing_ok=True)
        raise
    if not _unchanged(page_path, seen):
        partial.unlink(missing_ok=True)
        return None
    partial.replace(target)
    page_path.unlink(missing_ok=True)
    return target


def _unchanged(path: Path, seen: os.stat_result) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    return (now.st_ino, now.st_mtime_ns, now.st_size) == (
        seen.st_ino,
        seen.st_mtime_ns,
        seen.st_size,
    )


def _partial(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place: a hidden name of this
    process's own (never listed, never half-read under the real name)."""
    return path.with_name(f".{path.name.lstrip('.')}.{os.getpid()}.part")


def _write_atomically(path: Path, data: bytes) -> None:
    partial = _partial(path)
    partial.write_bytes(data)
    partial.replace(path)
