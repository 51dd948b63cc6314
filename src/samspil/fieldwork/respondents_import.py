"""Read a respondent list from CSV or XLSX, all or nothing.

Columns (header names are matched without regard to case; Danish names work too):
``name``/``navn``, ``email``/``e-mail``, ``municipality``/``kommune``, optional
``unit``/``enhed``/``forvaltning``; every other column is kept as a free attribute
(e.g. ``område``). Every problem is collected and reported with file, row and column;
nothing is imported unless the whole file is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from samspil.errors import DomainError
from samspil.importing import DataImportError, Limits, Problem, read_table
from samspil.municipalities.models import Municipality, municipality_lookup
from samspil.municipalities.names import normalise
from samspil.web.uploads import problem_text

MAX_ROWS = 20000
MAX_ERRORS = 50

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "navn", "fulde navn", "fuldt navn"),
    "email": ("email", "e-mail", "mail", "e-mailadresse", "emailadresse", "e-mail-adresse"),
    "municipality": ("municipality", "kommune", "kommunenavn"),
    "unit": ("unit", "enhed", "forvaltning"),
}
REQUIRED = ("name", "email", "municipality")


@dataclass
class RespondentRow:
    row: int
    name: str
    email: str
    municipality: Municipality
    unit: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


class RespondentFileError(DomainError):
    """The file cannot be imported; ``errors`` lists every problem found, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def read_respondents(
    filename: str, data: bytes, *, existing_emails: set[str] | None = None
) -> list[RespondentRow]:
    """Validated rows of a respondent file, or RespondentFileError naming every problem."""
    name = Path(filename).name
    table = _read_table(name, data)
    if not table:
        raise RespondentFileError([_("%(file)s: the file is empty.") % {"file": name}])
    header, *body = table
    columns, errors = _map_columns(name, header)
    if errors:
        raise RespondentFileError(errors)
    if len(body) > MAX_ROWS:
        raise RespondentFileError(
            [_("%(file)s: more than %(max)s rows.") % {"file": name, "max": MAX_ROWS}]
        )
    checker = _RowChecker(name, header, columns, {e.lower() for e in existing_emails or set()})
    rows: list[RespondentRow] = []
    for offset, cells in enumerate(body):
        values = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
        if not any(values):
            continue
        row = checker.check(offset + 2, values)  # row 1 is the header, as in a spreadsheet
        if len(checker.errors) >= MAX_ERRORS:
            checker.errors.append(
                _("%(file)s: stopped after %(n)s errors.") % {"file": name, "n": MAX_ERRORS}
            )
            break
        if row is not None:
            rows.append(row)
    if checker.errors:
        raise RespondentFileError(checker.errors)
    if not rows:
        raise RespondentFileError([_("%(file)s: the file has no respondents.") % {"file": name}])
    return rows


@dataclass
class _RowChecker:
    """The checks of one row; problems collect in ``errors``."""

    name: str
    header: list[str]
    columns: dict[str, int]
    existing: set[str]
    errors: list[str] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    municipalities: dict[str, Municipality] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.municipalities = municipality_lookup()

    def problem(self, row: int, key: str, message: str) -> None:
        self.errors.append(
            _("%(file)s, row %(row)s, column %(column)s: %(problem)s")
            % {
                "file": self.name,
                "row": row,
                "column": self.header[self.columns[key]],
                "problem": message,
            }
        )

    def check(self, row: int, values: list[str]) -> RespondentRow | None:
        def cell(key: str) -> str:
            return values[self.columns[key]] if key in self.columns else ""

        email = cell("email")
        self.check_email(row, email)
        municipality = self.check_municipality(row, cell("municipality"))
        if len(cell("name")) > 200:
            self.problem(row, "name", _("the name is longer than 200 characters."))
        if len(cell("unit")) > 200:
            self.problem(row, "unit", _("the unit is longer than 200 characters."))
        if municipality is None:
            return None
        attributes = {
            self.header[i]: values[i]
            for i in range(len(self.header))
            if i not in self.columns.values() and self.header[i] and values[i]
        }
        return RespondentRow(row, cell("name"), email, municipality, cell("unit"), attributes)

    def check_email(self, row: int, email: str) -> None:
        if not email:
            self.problem(row, "email", _("the e-mail address is missing."))
            return
        try:
            validate_email(email)
        except ValidationError:
            message = _("'%(value)s' is not a valid e-mail address.") % {"value": email}
            self.problem(row, "email", message)
            return
        key = email.lower()
        if key in self.seen:
            message = _("the e-mail address is also in row %(other)s.") % {"other": self.seen[key]}
            self.problem(row, "email", message)
        elif key in self.existing:
            self.problem(row, "email", _("the e-mail address is already in the study."))
        self.seen.setdefault(key, row)

    def check_municipality(self, row: int, raw: str) -> Municipality | None:
        municipality = self.municipalities.get(normalise(raw))
        if not raw:
            self.problem(row, "municipality", _("the municipality is missing."))
        elif municipality is None:
            message = _("'%(value)s' is not a Danish municipality (name or municipality code).") % {
                "value": raw
            }
            self.problem(row, "municipality", message)
        return municipality


def _map_columns(name: str, header: list[str]) -> tuple[dict[str, int], list[str]]:
    errors: list[str] = []
    columns: dict[str, int] = {}
    normalised = [h.strip().lower() for h in header]  # repeated names: refused by the reader
    for index, title in enumerate(normalised):
        for key, aliases in ALIASES.items():
            if title in aliases:
                if key in columns:
                    errors.append(
                        _("%(file)s, row 1, column %(column)s: a second column for %(key)s.")
                        % {"file": name, "column": header[index], "key": key}
                    )
                columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            errors.append(
                _("%(file)s, row 1: the column %(key)s is missing (accepted names: %(aliases)s).")
                % {"file": name, "key": key, "aliases": ", ".join(ALIASES[key])}
            )
    return columns, errors


def _read_table(name: str, data: bytes) -> list[list[str]]:
    """The file through the one table reader (samspil.importing): header, then rows."""
    if not name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt", ".tsv")):
        raise RespondentFileError(
            [_("%(file)s: unknown file type; use .csv or .xlsx.") % {"file": name}]
        )
    try:
        table = read_table(data, name, limits=Limits(rows=MAX_ROWS + 1))
    except DataImportError as exc:
        raise RespondentFileError([_problem(p) for p in exc.problems]) from None
    frame = table.frame
    return [[str(c) for c in frame.columns], *frame.astype(str).to_numpy().tolist()]


def _problem(problem: Problem) -> str:
    if problem.message.startswith("the column name repeats"):
        return _("%(file)s, row 1, column %(column)s: the column name repeats.") % {
            "file": problem.file,
            "column": problem.column,
        }
    if problem.message.startswith("cannot read XLSX"):
        return _("%(file)s: not a readable XLSX file.") % {"file": problem.file}
    if problem.message == "the file is empty":
        return _("%(file)s: the file is empty.") % {"file": problem.file}
    if re.fullmatch(r"more than [\d,]+ rows", problem.message):  # the reader stops one later
        return _("%(file)s: more than %(max)s rows.") % {"file": problem.file, "max": MAX_ROWS}
    return problem_text(problem)  # the reader's other refusals (too many rows, UTF-16, ...)
