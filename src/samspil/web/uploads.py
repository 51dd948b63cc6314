"""Checks of uploaded files that every app's forms share (fieldwork, coding), and the
Danish wording of the table reader's refusals on the page."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.importing.table import Problem
from samspil.spreadsheet import XLSX_LIMITS, SpreadsheetError, XlsxLimits, check_xlsx

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def check_upload_size(upload: UploadedFile) -> None:
    """A form error for an upload over ``SAMSPIL_MAX_UPLOAD_MB``."""
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise forms.ValidationError(
            _("The file is larger than %(max)s MB.") % {"max": settings.MAX_UPLOAD_MB}
        )


def check_table_upload(upload: UploadedFile) -> UploadedFile:
    """An uploaded CSV/XLSX table within the size limit, else a form error."""
    check_upload_size(upload)
    if not (upload.name or "").lower().endswith(TABLE_SUFFIXES):
        raise forms.ValidationError(_("Use a .csv or .xlsx file."))
    check_xlsx_upload(upload)
    return upload


def check_xlsx_upload(upload: UploadedFile, limits: XlsxLimits = XLSX_LIMITS) -> None:
    """A Danish form error when an uploaded XLSX file unpacks to more than ``limits``
    (measured before anything parses it; see samspil.spreadsheet.check_xlsx)."""
    name = upload.name or "upload"
    if not name.lower().endswith(XLSX_SUFFIXES):
        return
    try:
        check_xlsx(upload.read(), limits)
    except SpreadsheetError as exc:
        problem = Problem(name, exc.row, None, exc.message)
        raise forms.ValidationError(problem_text(problem)) from None
    finally:
        upload.seek(0)


def _number(text: str) -> str:
    return text.replace(",", ".")  # 20,001 -> 20.001


TOO_LARGE = _("the file unpacks to more than samspil reads from one file (a zip bomb?).")
# The reader's English messages (samspil.importing.table, samspil.spreadsheet) in Danish;
# a message not listed here is shown as it is.
DANISH: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"not a text \(CSV\) file"),
        lambda m: gettext("the file is not a CSV text file in UTF-8. Save the file as CSV UTF-8."),
    ),
    (
        re.compile(r"more than ([\d,]+) rows"),
        lambda m: gettext("more than %(n)s rows.") % {"n": _number(m[1])},
    ),
    (
        re.compile(r"more than ([\d,]+) (?:columns|variables)"),
        lambda m: gettext("more than %(n)s columns.") % {"n": _number(m[1])},
    ),
    (
        re.compile(r"(\d+) fields, but the header has (\d+)"),
        lambda m: gettext("%(n)s fields, but the header has %(m)s.") % {"n": m[1], "m": m[2]},
    ),
    (
        re.compile(r"a cell longer than ([\d,]+)"),
        lambda m: gettext("a cell is longer than %(n)s characters.") % {"n": _number(m[1])},
    ),
    (
        re.compile(r"a value beyond the last column of the header"),
        lambda m: gettext("a value to the right of the header's last column."),
    ),
    (
        re.compile(r"the column name repeats"),
        lambda m: gettext("the column name repeats."),
    ),
    (re.compile(r"the file is empty"), lambda m: gettext("the file is empty.")),
    (re.compile(r"cannot read XLSX"), lambda m: gettext("not a readable XLSX file.")),
    (
        re.compile(r"unpacks to more than|is packed \d+ to 1|parts in the archive"),
        lambda m: str(TOO_LARGE),
    ),
    (
        re.compile(r"more shared strings than cells use"),
        lambda m: gettext(
            "the file holds more texts than its cells use. Save the file again in Excel."
        ),
    ),
    (
        re.compile(r"cells beyond the header"),
        lambda m: gettext("too many cells to the right of the header."),
    ),
    (
        re.compile(r"the sheet declares"),
        lambda m: gettext(
            "the sheet says it is larger than its cells are. Save the file again in Excel."
        ),
    ),
]


def problem_text(problem: Problem) -> str:
    """A refusal of the table reader as a line on a Danish page: file, row, column, why."""
    for pattern, danish in DANISH:
        match = pattern.search(problem.message)
        if match:
            where = [problem.file]
            if problem.row is not None:
                where.append(gettext("row %(n)s") % {"n": problem.row})
            if problem.column is not None:
                where.append(gettext("column %(name)s") % {"name": problem.column})
            return f"{', '.join(where)}: {danish(match)}"
    return str(problem)
