"""Read a respondent list from CSV or XLSX, all or nothing.

Columns (header names are matched without regard to case; Danish names work too):
``name``/``navn``, ``email``/``e-mail``, ``municipality``/``kommune``, optional
``unit``/``enhed``/``forvaltning``; every other column is kept as a free attribute
(e.g. ``område``). Every problem is collected and reported with file, row and column;
nothing is imported unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from samspil.errors import DomainError
from samspil.fieldwork.models import Municipality, ensure_municipalities
from samspil.fieldwork.municipalities import VARIANTS, normalise

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

    municipalities = _municipality_lookup()
    seen: dict[str, int] = {}
    existing = {e.lower() for e in existing_emails or set()}
    rows: list[RespondentRow] = []
    for offset, cells in enumerate(body):
        row_number = offset + 2  # row 1 is the header, as in a spreadsheet
        values = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
        if not any(values):
            continue

        def cell(key: str, values: list[str] = values) -> str:
            return values[columns[key]] if key in columns else ""

        def problem(column: str, message: str, row_number: int = row_number) -> None:
            errors.append(
                _("%(file)s, row %(row)s, column %(column)s: %(problem)s")
                % {"file": name, "row": row_number, "column": column, "problem": message}
            )

        email = cell("email")
        email_col = header[columns["email"]]
        if not email:
            problem(email_col, _("the e-mail address is missing."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                problem(
                    email_col, _("'%(value)s' is not a valid e-mail address.") % {"value": email}
                )
            else:
                key = email.lower()
                if key in seen:
                    problem(
                        email_col,
                        _("the e-mail address is also in row %(other)s.") % {"other": seen[key]},
                    )
                elif key in existing:
                    problem(email_col, _("the e-mail address is already in the study."))
                seen.setdefault(key, row_number)

        raw_municipality = cell("municipality")
        municipality_col = header[columns["municipality"]]
        municipality = municipalities.get(normalise(raw_municipality))
        if not raw_municipality:
            problem(municipality_col, _("the municipality is missing."))
        elif municipality is None:
            problem(
                municipality_col,
                _("'%(value)s' is not a Danish municipality (name or municipality code).")
                % {"value": raw_municipality},
            )

        name_value = cell("name")
        if len(name_value) > 200:
            problem(header[columns["name"]], _("the name is longer than 200 characters."))
        unit = cell("unit")
        if len(unit) > 200:
            problem(header[columns["unit"]], _("the unit is longer than 200 characters."))

        if len(errors) >= MAX_ERRORS:
            errors.append(
                _("%(file)s: stopped after %(n)s errors.") % {"file": name, "n": MAX_ERRORS}
            )
            break
        if municipality is not None:
            attributes = {
                header[i]: values[i]
                for i in range(len(header))
                if i not in columns.values() and header[i] and values[i]
            }
            rows.append(
                RespondentRow(row_number, name_value, email, municipality, unit, attributes)
            )
    if errors:
        raise RespondentFileError(errors)
    if not rows:
        raise RespondentFileError([_("%(file)s: the file has no respondents.") % {"file": name}])
    return rows


def _municipality_lookup() -> dict[str, Municipality]:
    ensure_municipalities()
    lookup: dict[str, Municipality] = {}
    for m in Municipality.objects.all():
        lookup[normalise(m.name)] = m
        lookup[str(m.code)] = m
        lookup[f"{m.code:03d}"] = m
    by_name = {m.name: m for m in lookup.values()}
    for variant, canonical in VARIANTS.items():
        if canonical in by_name:
            lookup[variant] = by_name[canonical]
    return lookup


def _map_columns(name: str, header: list[str]) -> tuple[dict[str, int], list[str]]:
    errors: list[str] = []
    columns: dict[str, int] = {}
    normalised = [h.strip().lower() for h in header]
    for index, title in enumerate(normalised):
        if title and normalised.index(title) != index:
            errors.append(
                _("%(file)s, row 1, column %(column)s: the column name repeats.")
                % {"file": name, "column": header[index]}
            )
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
    if name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(name, data)
    if name.lower().endswith((".csv", ".txt", ".tsv")):
        return _read_csv(name, data)
    raise RespondentFileError(
        [_("%(file)s: unknown file type; use .csv or .xlsx.") % {"file": name}]
    )


def _read_csv(name: str, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Danish Excel saves "CSV" as Windows-1252 unless told otherwise.
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise RespondentFileError([_("%(file)s: not a text (CSV) file.") % {"file": name}])
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise RespondentFileError([f"{name}: {exc}"]) from None


def _read_xlsx(name: str, data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise RespondentFileError(
            [_("%(file)s: not a readable XLSX file.") % {"file": name}]
        ) from None
    try:
        sheet = book.worksheets[0]
        table: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            table.append([_cell_text(v) for v in values])
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
