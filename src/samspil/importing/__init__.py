"""Import of respondent answers from CSV, XLSX and SPSS .sav files.

Columns are matched to instrument variables by variable name or by the
``question | item`` text (whitespace, case and line breaks do not matter). Answers may be
codes or Danish labels. Every problem is collected with file, row and column; if there
is any, nothing is imported and :class:`DataImportError` lists them all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from samspil.errors import DomainError
from samspil.instruments import Instrument
from samspil.questions.base import Variable, plain

ID_COLUMN = "respondent_id"
MAX_LISTED = 60


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class DataImportError(DomainError):
    """Raised when an input file has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = [str(p) for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            shown.append(f"... and {len(problems) - MAX_LISTED} more problems")
        super().__init__("\n".join(shown))


@dataclass
class ImportResult:
    data: pd.DataFrame
    variables: list[str]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """Header/label form used for matching: no emphasis, one space, casefolded."""
    return re.sub(r"\s+", " ", plain(str(text))).strip().casefold()


# -- reading files into a table of strings -------------------------------------------------


def read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """The file as a DataFrame of strings (or numbers for .sav) and its row-naming style."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataImportError([Problem(str(path), None, None, "file not found")])
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path), "row"
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path), "row"
    if suffix == ".sav":
        return _read_sav(path), "case"
    raise DataImportError(
        [
            Problem(
                str(path), None, None, f"unsupported file type {suffix!r} (use .csv, .xlsx or .sav)"
            )
        ]
    )


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataImportError(
            [
                Problem(
                    str(path),
                    line,
                    None,
                    f"the file is not UTF-8 encoded (byte 0x{raw[exc.start]:02x} at offset "
                    f"{exc.start}); save it as CSV UTF-8",
                )
            ]
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataImportError(
            [Problem(str(path), None, None, f"cannot parse CSV: {exc}")]
        ) from None
    return frame


def _read_xlsx(path: Path) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise DataImportError(
            [Problem(str(path), None, None, f"cannot read XLSX: {exc}")]
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise DataImportError([Problem(str(path), None, None, "the first sheet is empty")])
    names = ["" if h is None else str(h) for h in header]
    body = [[_cell(v) for v in row] for row in rows if any(v is not None for v in row)]
    book.close()
    return pd.DataFrame(body, columns=names, dtype=object).fillna("")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_sav(path: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        frame, _meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError
        raise DataImportError(
            [Problem(str(path), None, None, f"cannot read SPSS file: {exc}")]
        ) from None
    return frame


# -- matching headers and values ---------------------------------------------------------


def header_lookup(instrument: Instrument) -> dict[str, Variable]:
    """Every accepted header form (normalised) to its variable."""
    lookup: dict[str, Variable] = {}
    for var in instrument.variables:
        forms = (
            [var.name, var.question, f"{var.question} | {var.item}"]
            if var.item
            else [
                var.name,
                var.question,
            ]
        )
        for form in forms:
            lookup.setdefault(normalise(form), var)
    return lookup


def value_lookup(var: Variable) -> dict[str, float]:
    table: dict[str, float] = {}
    for option in var.options:
        table[str(option.code)] = float(option.code)
        table[normalise(option.label)] = float(option.code)
    if var.kind == "binary":
        table[normalise(var.item)] = 1.0
    return table


def read_responses(path: Path | str, instrument: Instrument) -> ImportResult:
    """Read one answers file for ``instrument``; raises DataImportError with every problem."""
    path = Path(path)
    table, row_word = read_table(path)
    name = str(path)
    problems: list[Problem] = []
    offset = 2 if row_word == "row" else 1

    lookup = header_lookup(instrument)
    columns: dict[str, str] = {}
    id_column: str | None = None
    for column in table.columns:
        key = normalise(column)
        if key == ID_COLUMN:
            id_column = column
            continue
        var = lookup.get(key)
        if var is None:
            problems.append(
                Problem(
                    name,
                    1 if row_word == "row" else None,
                    str(column),
                    f"unknown variable: no variable or question text of {instrument.id} "
                    "matches this header",
                )
            )
            continue
        if var.name in columns.values():
            problems.append(
                Problem(
                    name,
                    1 if row_word == "row" else None,
                    str(column),
                    f"a second column for variable {var.name!r}",
                )
            )
            continue
        columns[column] = var.name

    ids = _respondent_ids(table, id_column, name, offset, row_word, problems)
    out: dict[str, pd.Series] = {ID_COLUMN: ids}
    for column, var_name in columns.items():
        var = instrument.variable_map[var_name]
        out[var_name] = _convert(table[column], var, name, column, offset, row_word, problems)

    if problems:
        raise DataImportError(problems)
    present = [v.name for v in instrument.variables if v.name in out]
    missing = [v.name for v in instrument.variables if v.name not in out]
    data = pd.DataFrame({k: out[k] for k in [ID_COLUMN, *present]})
    notes = []
    if missing:
        notes.append(f"{len(missing)} of {len(instrument.variables)} variables are not in {name}")
    return ImportResult(data=data, variables=present, missing=missing, notes=notes)


def _respondent_ids(
    table: pd.DataFrame,
    id_column: str | None,
    name: str,
    offset: int,
    row_word: str,
    problems: list[Problem],
) -> pd.Series:
    if id_column is None:
        return pd.Series([f"r{i + 1}" for i in range(len(table))], dtype=object)
    ids = table[id_column].map(lambda v: "" if v is None or v != v else _cell(v).strip())
    empty = np.flatnonzero((ids == "").to_numpy())
    for i in empty[:10]:
        problems.append(Problem(name, int(i) + offset, id_column, "empty respondent id"))
    dup = ids[(ids != "") & ids.duplicated(keep=False)]
    for value, rows in dup.groupby(dup).groups.items():
        where = ", ".join(str(int(r) + offset) for r in list(rows)[:10])
        problems.append(
            Problem(
                name,
                int(list(rows)[1]) + offset,
                id_column,
                f"duplicate respondent id {value!r} ({row_word}s {where})",
            )
        )
    return ids.astype(object).reset_index(drop=True)


def _convert(
    column: pd.Series,
    var: Variable,
    name: str,
    header: str,
    offset: int,
    row_word: str,
    problems: list[Problem],
) -> pd.Series:
    column = column.reset_index(drop=True)
    if column.dtype.kind in "fi":  # .sav: already numeric
        values = column.astype(float)
        if var.kind == "text":
            return values.map(lambda v: None if pd.isna(v) else f"{v:g}").astype(object)
        bad = values.notna() & ~values.isin([float(c) for c in var.labels]) if var.labels else None
        _report(bad, values.astype(object), var, name, header, offset, row_word, problems)
        return values
    # Work on the distinct answers only: a column of 100,000 answers has a handful.
    raw = column.astype(object).where(column.notna(), "")
    distinct = pd.unique(raw)
    strings = raw.map({u: str(u).strip() for u in distinct})
    if var.kind == "text":
        return strings.where(strings != "", None).astype(object)
    if var.kind == "number":
        parsed = {u: _number(str(u)) for u in distinct}
        numbers = raw.map(parsed).astype(float)
        bad = (strings != "") & numbers.isna()
        _report(bad, strings, var, name, header, offset, row_word, problems, "is not a number")
        return numbers
    table = value_lookup(var)
    allowed = {float(c) for c in var.labels}
    known = {u: _code(str(u), table, allowed) for u in distinct}
    values = raw.map(known).astype(float)
    _report(values.isna() & (strings != ""), strings, var, name, header, offset, row_word, problems)
    return values


def _number(text: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return float("nan")


def _code(text: str, table: dict[str, float], allowed: set[float]) -> float:
    """The code of one answer: a code, a label, or a code written as 4.0 / 4,0."""
    found = table.get(normalise(text))
    if found is not None:
        return found
    number = _number(text)
    return number if number in allowed else float("nan")


def _report(
    bad: pd.Series | None,
    shown: pd.Series,
    var: Variable,
    name: str,
    header: str,
    offset: int,
    row_word: str,
    problems: list[Problem],
    reason: str | None = None,
) -> None:
    if bad is None or not bad.any():
        return
    rows = np.flatnonzero(bad.to_numpy())
    allowed = "; ".join(f"{c}={label}" for c, label in var.labels.items())
    for i in rows[:5]:
        value = shown.iloc[i]
        text = f"{value:g}" if isinstance(value, float) else str(value)
        why = reason or f"is outside the scale of {var.name} (allowed: {allowed})"
        problems.append(Problem(name, int(i) + offset, header, f"{text!r} {why}"))
    if len(rows) > 5:
        problems.append(
            Problem(name, None, header, f"{len(rows) - 5} more {row_word}s with values like these")
        )


def read_attributes(path: Path | str, required: Iterable[str]) -> pd.DataFrame:
    """A municipality attributes file (one row per kommune), all-or-nothing."""
    path = Path(path)
    table, _ = read_table(path)
    table.columns = [str(c).strip().casefold() for c in table.columns]
    problems = [
        Problem(str(path), 1, col, "required column is missing")
        for col in required
        if col not in table.columns
    ]
    if problems:
        raise DataImportError(problems)
    return table
