"""The web app's data reports: the PDF, the slow format, is laid out by the worker.

A click on "make the report" writes every other format and returns; the PDF's page is left
in the report folder (:class:`samspil.reports.publish.PdfLater`) and a queued task lays it
out: the worker that ``samspil serve`` starts on SQLite, or ``samspil worker``. Report
pages show :func:`samspil.reports.publish.pdf_state` until the file is there.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django_tasks import task

from samspil.reports.publish import PdfLater, pdf_state, write_pending_pdf

__all__ = [
    "discard_on_commit",
    "make_with_pdf_later",
    "pdf_state",
    "report_files",
    "write_report_pdf",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")


def make_with_pdf_later(make: Callable[[PdfLater], T]) -> T:
    """``make(pdf)`` writes a report with ``pdf`` as its ``make_report(pdf=...)``; when it
    handed over a page, the task that lays it out is queued."""
    pdf = PdfLater()
    made = make(pdf)
    if pdf.folder is not None:
        write_report_pdf.enqueue(str(pdf.folder))
    return made


@task()
def write_report_pdf(folder: str) -> str:
    """The queued job: the PDF of a report folder under ``DATA_DIR/reports``."""
    where = Path(folder).resolve()
    if not where.is_relative_to((Path(settings.DATA_DIR) / "reports").resolve()):
        raise ValueError(f"not a report folder: {folder}")
    try:
        written = write_pending_pdf(where)
    except Exception:
        logger.exception("the PDF of the report in %s could not be made", where.name)
        raise
    return "written" if written else "nothing to do"


def report_files(folder: Path, *, nested: bool = True) -> list[str]:
    """The files a report page lists and serves, by path inside ``folder`` (without
    ``nested``, those directly in it): everything but the worker's own (names starting
    with a dot)."""
    if not folder.is_dir():
        return []
    found = folder.rglob("*") if nested else folder.iterdir()
    names = (p.relative_to(folder) for p in found if p.is_file())
    return sorted(str(n) for n in names if not any(part.startswith(".") for part in n.parts))


def discard_on_commit(folders: Iterable[Path]) -> None:
    """Remove made report folders once the current transaction commits (at once outside
    one), for reports that went out of date: a respondent's answers were erased. Their
    pages then show no report until it is made again."""
    doomed = list(folders)

    def discard() -> None:
        for folder in doomed:
            shutil.rmtree(folder, ignore_errors=True)

    transaction.on_commit(discard)
