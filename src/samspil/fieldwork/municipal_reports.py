"""Each municipality's own report of a closed study (issue 21 item 4), made by the worker.

The reports themselves come from the core (``samspil.reports.municipal``); this module
makes them for a study into ``DATA_DIR/reports/study-<id>-kommuner/<slug>/`` (written to a
temporary folder first and swapped in whole, so a page never sees half a set), finds one
municipality's file for a download and counts the downloads made through personal links.
See docs/fieldwork.md, "Each municipality's own report".
"""

from __future__ import annotations

import csv
import logging
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from samspil.fieldwork.models import Municipality, MunicipalReportDownload, Study
from samspil.web.reportpdf import discard_on_commit

logger = logging.getLogger(__name__)

# What a respondent (and the study page) can download, by format: the file in each folder.
FILES = {"pdf": "report.pdf", "docx": "report.docx", "xlsx": "tables.xlsx"}
FORMATS = ("pdf", "docx", "xlsx")
QUEUED_MAX_AGE = 3600.0  # seconds: a marker older than this was left by a worker that died


def _writer() -> Callable[..., Any]:
    """The core's writer (the seam the tests replace with a quick fake)."""
    from samspil.reports.municipal import write_municipality_reports

    return write_municipality_reports


WRITER: Callable[[], Callable[..., Any]] = _writer


def municipal_dir(study: Study) -> Path:
    return Path(settings.DATA_DIR) / "reports" / f"study-{study.pk}-kommuner"


def _queued_marker(study: Study) -> Path:
    return Path(settings.DATA_DIR) / "reports" / f".study-{study.pk}-kommuner.queued"


def is_queued(study: Study) -> bool:
    marker = _queued_marker(study)
    try:
        return time.time() - marker.stat().st_mtime < QUEUED_MAX_AGE
    except FileNotFoundError:
        return False


def make_municipal_reports(study: Study) -> int:
    """Write every municipality's report for ``study`` (replacing an earlier set); returns
    the number of municipalities.

    A respondent erased while the set is written (privacy's erasure, which counts them in
    ``Study.withdrawn_count``) may be in it: such a set is dropped and written again."""
    final = municipal_dir(study)
    final.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(ERASED_MEANWHILE_TRIES):
        erased = _withdrawn(study)
        tag = secrets.token_hex(4)
        work = final.with_name(f".{final.name}.new-{tag}")
        old = final.with_name(f".{final.name}.old-{tag}")
        try:
            index = _write_set(study, work)
            if _withdrawn(study) != erased:
                continue  # the set may hold answers erased meanwhile
            if final.exists():
                final.rename(old)
            work.rename(final)
            return len(index)
        finally:
            for leftover in (work, old):
                if leftover.exists():
                    shutil.rmtree(leftover, ignore_errors=True)
    raise RuntimeError(
        f"respondents of study {study.pk} kept being erased while its reports were made"
    )


ERASED_MEANWHILE_TRIES = 3


def _withdrawn(study: Study) -> int:
    return int(Study.objects.filter(pk=study.pk).values_list("withdrawn_count", flat=True)[0])


def _write_set(study: Study, work: Path) -> Any:
    from samspil.fieldwork.export import report_basis, study_responses, study_spec

    study.refresh_from_db()
    responses = study_responses(study)
    spec = study_spec(study, responses)
    basis = report_basis(study)  # what the study says about its reports, as the national's
    options: dict[str, Any] = {"banner": basis.banner}
    if basis.previous is not None:  # each municipality's change beside the others'
        options["previous"] = basis.previous
        options["previous_label"] = basis.previous_label
    return WRITER()(spec, responses, None, work, formats=FORMATS, **options)


def reports_outdated(study: Study) -> None:
    """A respondent's answers were erased (inside privacy's transaction): the reports made
    of ``study`` still hold them. Once the erasure commits, the national report's folder and
    every municipality's are removed (a page then says none is made), and the
    municipalities' are queued to be made again when the study is closed and promises them;
    the researcher makes the national report again."""
    from samspil.fieldwork.export import report_dir

    discard_on_commit([report_dir(study), municipal_dir(study)])
    if study.status == Study.Status.CLOSED and study.municipal_reports:
        transaction.on_commit(lambda: queue_municipal_reports(study))


def queue_municipal_reports(study: Study) -> bool:
    """Queue the worker's job for ``study`` unless one is already queued; True if queued."""
    if is_queued(study):
        return False
    marker = _queued_marker(study)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(timezone.now()))
    write_municipal_reports.enqueue(study.pk)
    return True


@task()
def write_municipal_reports(study_id: int) -> str:
    """The queued job: the municipalities' reports of a closed study."""
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        return "no such study"
    try:
        if study.status != Study.Status.CLOSED:
            return "not closed"
        made = make_municipal_reports(study)
    except Exception:
        logger.exception("the municipalities' reports of study %s could not be made", study_id)
        raise
    finally:
        _queued_marker(study).unlink(missing_ok=True)
    return f"{made} made"


def report_index(study: Study) -> dict[str, tuple[str, int]]:
    """Municipality name -> (folder, respondents), from the made set's ``index.csv``;
    empty while none is made."""
    path = municipal_dir(study) / "index.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {
            row["kommune"]: (row["folder"], int(row["respondents"] or 0))
            for row in csv.DictReader(f)
        }


def report_file(study: Study, folder: str, filename: str) -> Path | None:
    """A downloadable file of one municipality's folder (only those in ``FILES``), or
    None. ``folder`` must be one the index names."""
    if filename not in FILES.values():
        return None
    folders = {f for f, _ in report_index(study).values()}
    if folder not in folders:
        return None
    path = municipal_dir(study) / folder / filename
    return path if path.is_file() else None


def count_download(study: Study, municipality: Municipality) -> None:
    """One more download of ``municipality``'s report (atomic: parallel downloads all count)."""
    now = timezone.now()
    for _attempt in range(2):
        updated = MunicipalReportDownload.objects.filter(
            study=study, municipality=municipality
        ).update(count=F("count") + 1, last_at=now)
        if updated:
            return
        try:
            with transaction.atomic():
                MunicipalReportDownload.objects.create(
                    study=study, municipality=municipality, count=1, last_at=now
                )
            return
        except IntegrityError:  # created meanwhile by a parallel download: count on it
            continue


@dataclass(frozen=True)
class MunicipalRow:
    name: str
    folder: str
    respondents: int
    downloads: int
    files: list[tuple[str, str]]  # (format, file name) present


def overview(study: Study) -> list[MunicipalRow]:
    """The study page's table: every municipality with a report, its files and downloads."""
    downloads = dict(
        MunicipalReportDownload.objects.filter(study=study).values_list(
            "municipality__name", "count"
        )
    )
    base = municipal_dir(study)
    rows = []
    for name, (folder, respondents) in sorted(report_index(study).items()):
        files = [(fmt, FILES[fmt]) for fmt in FORMATS if (base / folder / FILES[fmt]).is_file()]
        rows.append(MunicipalRow(name, folder, respondents, downloads.get(name, 0), files))
    return rows


@dataclass(frozen=True)
class StaffReport:
    """A closed study's report of one of the user's municipalities (for its staff)."""

    study: Study
    municipality: Municipality
    folder: str  # "" while not made, or when nobody from the municipality answered
    files: list[tuple[str, str]]


def open_to_staff() -> Any:
    """The studies whose municipal reports a municipality's staff may fetch: closed, with
    the promise, not anonymised."""
    return Study.objects.filter(
        status=Study.Status.CLOSED, municipal_reports=True, anonymised_at__isnull=True
    )


def staff_reports(municipality_ids: set[int]) -> list[StaffReport]:
    """Every report of those municipalities in the studies open to staff."""
    if not municipality_ids:
        return []
    towns = list(Municipality.objects.filter(pk__in=municipality_ids).order_by("name"))
    found = []
    for study in open_to_staff().order_by("-closed_at"):
        index = report_index(study)
        for town in towns:
            folder = index.get(town.name, ("", 0))[0]
            base = municipal_dir(study) / folder
            files = (
                [(fmt, FILES[fmt]) for fmt in FORMATS if (base / FILES[fmt]).is_file()]
                if folder
                else []
            )
            found.append(StaffReport(study, town, folder, files))
    return found
