"""Where the answers of a coding project come from: a samspil study or an answers file.

An answers file (CSV UTF-8 or XLSX) has a ``respondent_id`` column and one column per open
question of the codebook, named by variable (``udf_vigtigste``) or by question text as in
the questionnaire; it may also hold the instrument's other variables (then the report
shows those tables too). The file is read with ``samspil.importing`` and checked all or
nothing: every problem is listed with file, row (row 1 is the header) and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from samspil.coding import Codebook
from samspil.errors import DomainError
from samspil.importing import (
    ID_COLUMN,
    DataImportError,
    header_lookup,
    import_table,
    normalise,
    read_responses,
    read_table,
)
from samspil.instruments import Instrument, resolve
from samspil.responses import Responses
from samspil.web.uploads import problem_text

MAX_ERRORS = 50
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


def report_dir(project: Any) -> Path:
    """Where the workbench keeps a coding project's data report (``DATA_DIR/reports``)."""
    return Path(settings.DATA_DIR) / "reports" / f"coding-{project.pk}"


@dataclass(frozen=True)
class UnitRow:
    """One open answer to code."""

    respondent_id: str
    variable: str
    text: str


class UnitFileError(DomainError):
    """The file cannot be imported; ``errors`` lists every problem, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def read_units_file(filename: str, content: bytes, codebook: Codebook) -> list[UnitRow]:
    """The open answers of an answers file, or :class:`UnitFileError` naming every problem."""
    name = Path(filename).name or "upload"
    if not name.lower().endswith(SUFFIXES):
        raise UnitFileError([_("%(file)s: use a .csv or .xlsx file.") % {"file": name}])
    instrument = resolve(codebook.instrument)
    try:
        table = read_table(content, name)
    except DataImportError as exc:
        raise UnitFileError([problem_text(p) for p in exc.problems]) from None
    frame = table.frame
    errors, columns, id_column = _check_header(name, frame, instrument, codebook)
    if id_column is not None:
        errors += _check_ids(name, frame, id_column)
    if not errors and set(columns.values()) - set(codebook.variables):
        # Closed questions too: check their values now, so the report can use the file.
        try:
            import_table(table, instrument)
        except DataImportError as exc:
            errors += [str(p) for p in exc.problems]
    if errors:
        raise UnitFileError(_capped(errors))
    assert id_column is not None
    rows: list[UnitRow] = []
    for variable in codebook.variables:
        for column, var in columns.items():
            if var != variable:
                continue
            for respondent, text in zip(frame[id_column], frame[column], strict=True):
                value = _text(text)
                if value:
                    rows.append(UnitRow(_text(respondent), variable, value))
    if not rows:
        raise UnitFileError(
            [_("%(file)s: the open-answer columns are all empty.") % {"file": name}]
        )
    return rows


def read_answers(filename: str, content: bytes, instrument_ref: str) -> Responses:
    """An uploaded answers file as ``Responses`` (the one reader, from the bytes)."""
    return read_responses(content, resolve(instrument_ref), name=Path(filename).name or "upload")


def study_units(responses: Responses, codebook: Codebook) -> list[UnitRow]:
    """The non-empty open answers of a study's ``Responses`` (``study_responses``: test
    respondents left out, identified by their study-local ids as in the answers export)."""
    data = responses.data
    rows: list[UnitRow] = []
    for variable in codebook.variables:
        if variable not in data.columns:
            continue
        for respondent, text in zip(data["respondent_id"], data[variable], strict=True):
            value = _text(text)
            if value:
                rows.append(UnitRow(str(respondent), variable, value))
    return rows


def _check_header(
    name: str, table: pd.DataFrame, instrument: Instrument, codebook: Codebook
) -> tuple[list[str], dict[str, str], str | None]:
    lookup = header_lookup(instrument)
    errors: list[str] = []
    columns: dict[str, str] = {}
    id_column: str | None = None
    for column in table.columns:
        key = normalise(str(column))
        if key == ID_COLUMN:
            id_column = str(column)
            continue
        var = lookup.get(key)
        if var is None:
            errors.append(
                _(
                    "%(file)s, row 1, column '%(column)s': not a variable of %(instrument)s "
                    "(use the variable name or the question text)."
                )
                % {"file": name, "column": column, "instrument": instrument.id}
            )
        elif var.name in columns.values():
            errors.append(
                _("%(file)s, row 1, column '%(column)s': a second column for %(variable)s.")
                % {"file": name, "column": column, "variable": var.name}
            )
        else:
            columns[str(column)] = var.name
    if id_column is None:
        errors.insert(
            0, _("%(file)s, row 1: the file has no respondent_id column.") % {"file": name}
        )
    if not set(columns.values()) & set(codebook.variables):
        errors.append(
            _(
                "%(file)s, row 1: no column for an open question of codebook %(codebook)s "
                "(%(variables)s)."
            )
            % {"file": name, "codebook": codebook.id, "variables": ", ".join(codebook.variables)}
        )
    return errors, columns, id_column


def _check_ids(name: str, table: pd.DataFrame, id_column: str) -> list[str]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    for offset, value in enumerate(table[id_column]):
        row = offset + 2  # row 1 is the header, as in a spreadsheet
        text = _text(value)
        if not text:
            errors.append(
                _("%(file)s, row %(row)s, column '%(column)s': the respondent id is empty.")
                % {"file": name, "row": row, "column": id_column}
            )
        elif text in seen:
            errors.append(
                _(
                    "%(file)s, row %(row)s, column '%(column)s': respondent id %(id)s "
                    "repeats (first in row %(first)s)."
                )
                % {"file": name, "row": row, "column": id_column, "id": text, "first": seen[text]}
            )
        else:
            seen[text] = row
    return errors


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _capped(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], _("... and %(n)s more problems.") % {"n": more}]
