"""Import of respondent answers from CSV, XLSX and SPSS .sav files.

Columns are matched to instrument variables by variable name or by the
``question | item`` text (whitespace, case and line breaks do not matter). Answers may be
codes or Danish labels. Every problem is collected with file, row and column; if there
is any, nothing is imported and :class:`DataImportError` lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from samspil.importing.table import (
    LIMITS,
    DataImportError,
    Limits,
    Problem,
    SavMeta,
    Table,
    _cell,
    read_table,
    sniff_separator,
)
from samspil.instruments import Instrument
from samspil.numerals import PATTERNS, parse_number
from samspil.questions.base import Variable, plain

if TYPE_CHECKING:
    from samspil.responses import Responses

__all__ = [
    "ID_COLUMN",
    "LIMITS",
    "DataImportError",
    "ImportResult",
    "Limits",
    "Problem",
    "Table",
    "header_lookup",
    "normalise",
    "read_attributes",
    "read_columns",
    "read_responses",
    "read_table",
    "sniff_separator",
]

ID_COLUMN = "respondent_id"


@dataclass
class ImportResult:
    data: pd.DataFrame
    variables: list[str]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """Header/label form used for matching: no emphasis, one space, casefolded."""
    return re.sub(r"\s+", " ", plain(str(text))).strip().casefold()


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


def read_responses(
    source: Path | str | bytes, instrument: Instrument, *, name: str | None = None
) -> Responses:
    """Read one answers file (a path, or bytes named ``name``) for ``instrument``, all or
    nothing: ``DataImportError`` lists every problem with file, row and column."""
    from samspil.responses import Responses

    try:
        table = read_table(source, name)
    except DataImportError as exc:
        repeats = [p for p in exc.problems if "column name repeats" in p.message]
        if repeats:  # a label export of a form whose fields share labels
            hint = (
                'several columns share a header; from KoboToolbox, export with "XML values '
                'and headers" (or with the groups in the headers) so each column names one field'
            )
            raise DataImportError(
                [*exc.problems, Problem(repeats[0].file, 1, None, hint)]
            ) from None
        raise
    result = import_table(table, instrument)
    return Responses(
        instrument=instrument,
        data=result.data,
        source=table.name,
        missing=result.missing,
        notes=table.notes + result.notes,
    )


def _match_columns(
    table: Table, instrument: Instrument, problems: list[Problem]
) -> tuple[dict[str, str], str | None]:
    lookup = header_lookup(instrument)
    columns: dict[str, str] = {}
    id_column: str | None = None
    for column in table.frame.columns:
        key = normalise(column)
        if key == ID_COLUMN:
            id_column = column
            continue
        var = lookup.get(key)
        if var is None:
            message = (
                f"unknown variable: no variable or question text of {instrument.id} "
                "matches this header"
            )
            problems.append(Problem(table.name, table.header_row, str(column), message))
        elif var.name in columns.values():
            message = f"a second column for variable {var.name!r}"
            problems.append(Problem(table.name, table.header_row, str(column), message))
        else:
            columns[column] = var.name
    return columns, id_column


def import_table(table: Table, instrument: Instrument) -> ImportResult:
    """Check and convert a read table against ``instrument`` (all or nothing)."""
    from samspil.importing.odk import adapt

    adapted = adapt(table, instrument)  # answer files as ODK/Kobo export them
    notes: list[str] = adapted.notes[len(table.notes) :]
    table = adapted
    problems: list[Problem] = []
    columns, id_column = _match_columns(table, instrument, problems)
    frame, name = table.frame, table.name
    ids = _respondent_ids(frame, id_column, name, table.first_row, table.row_word, problems)
    out: dict[str, pd.Series] = {ID_COLUMN: ids}
    numbers = [c for c, v in columns.items() if instrument.variable_map[v].kind == "number"]
    mark = table.decimal or _decimal_mark(frame, numbers)
    for column, var_name in columns.items():
        var = instrument.variable_map[var_name]
        values = frame[column]
        if table.sav is not None:
            values = _sav_column(table.sav, column, values, var, name, problems, notes)
        rule = _NumberRule.of(instrument, var, mark)
        out[var_name] = _convert(
            values, var, name, column, table.first_row, table.row_word, problems, rule
        )
    if problems:
        raise DataImportError(problems)
    present = [v.name for v in instrument.variables if v.name in out]
    missing = [v.name for v in instrument.variables if v.name not in out]
    data = pd.DataFrame({k: out[k] for k in [ID_COLUMN, *present]}, copy=False)  # fresh columns
    if missing:
        notes.append(f"{len(missing)} of {len(instrument.variables)} variables are not in {name}")
    if data.empty:
        notes.append(f"{name} holds 0 answers (a header row and nothing under it)")
    return ImportResult(data=data, variables=present, missing=missing, notes=notes)


def _same_label(a: str, b: str) -> bool:
    """Labels agree when equal after normalising, or one is the other cut short (exports
    cut long labels to the format's limit)."""
    x, y = normalise(a).rstrip("."), normalise(b).rstrip(".")
    return x == y or (min(len(x), len(y)) >= 20 and (x.startswith(y) or y.startswith(x)))


def _sav_column(
    meta: SavMeta,
    column: str,
    values: pd.Series,
    var: Variable,
    name: str,
    problems: list[Problem],
    notes: list[str],
) -> pd.Series:
    """Believe the .sav file: its value labels must not contradict the instrument's, and
    its user-missing codes (e.g. 99 "Uoplyst") are missing unless the instrument knows
    them as special answers."""
    labels = meta.value_labels.get(column, {})
    if var.labels and labels:
        ours = {normalise(label): code for code, label in var.labels.items()}
        for code, label in sorted(labels.items()):
            mine = var.labels.get(int(code)) if float(code).is_integer() else None
            other = ours.get(normalise(label))
            if mine is not None and not _same_label(label, mine) and other is not None:
                message = (
                    f"the file labels code {code:g} {label!r}, but in {var.name} code {code:g} "
                    f"is {mine!r} and {label!r} is code {other}; recode the file or check "
                    "that it belongs to this questionnaire"
                )
                problems.append(Problem(name, None, column, message))
    ranges = meta.user_missing.get(column, [])
    if not ranges or values.dtype.kind not in "fi":
        return values
    numbers = values.astype(float)
    declared = pd.Series(False, index=numbers.index)
    for low, high in ranges:
        declared |= (numbers >= low) & (numbers <= high)
    declared &= ~numbers.isin([float(c) for c in var.special_codes])
    if declared.any():
        codes = sorted(set(numbers[declared].tolist()))
        shown = ", ".join(f"{c:g}" + (f" {labels[c]!r}" if c in labels else "") for c in codes)
        notes.append(
            f"{name}: {int(declared.sum())} answers in {column} are user-missing in the file "
            f"({shown}) and are read as not answered"
        )
    return numbers.mask(declared)


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
    cells = table[id_column].to_numpy(dtype=object)
    ids = pd.Series(
        [
            v.strip() if isinstance(v, str) else "" if pd.isna(v) else _cell(v).strip()
            for v in cells
        ],
        dtype=object,
    )
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


@dataclass(frozen=True)
class _NumberRule:
    """How a number variable's cells are read and checked: the file's decimal mark, the
    question's min/max and whether it takes whole numbers only."""

    mark: str = "."
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @classmethod
    def of(cls, instrument: Instrument, var: Variable, mark: str) -> _NumberRule:
        question = instrument.question_map.get(var.question_id)
        low = getattr(question, "min", None) if var.kind == "number" else None
        high = getattr(question, "max", None) if var.kind == "number" else None
        integer = bool(getattr(question, "integer", False)) and var.kind == "number"
        return cls(mark, low, high, integer)

    def why(self, value: float) -> str | None:
        """Why a read number is refused, or None."""
        if np.isnan(value):
            return None
        if self.integer and not float(value).is_integer():
            return "is not a whole number (the question takes whole numbers only)"
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            low = "" if self.low is None else f"{self.low:g}"
            high = "" if self.high is None else f"{self.high:g}"
            bounds = (
                f"{low} to {high}"
                if low and high
                else f"at least {low}"
                if low
                else (f"at most {high}")
            )
            return f"is outside the range of the question ({bounds})"
        return None


def _check_numbers(
    values: np.ndarray,
    shown: np.ndarray,
    rule: _NumberRule,
    name: str,
    header: str,
    offset: int,
    row_word: str,
    problems: list[Problem],
) -> None:
    """Numbers outside min/max and decimals in a whole-number question, like codes
    outside a scale."""
    if rule.low is None and rule.high is None and not rule.integer:
        return
    reasons = [rule.why(float(v)) for v in values]
    bad = np.array([r is not None for r in reasons])
    rows = np.flatnonzero(bad)
    for i in rows[:5]:
        value = shown[i]
        text = f"{value:g}" if isinstance(value, float) else str(value)
        problems.append(Problem(name, int(i) + offset, header, f"{text!r} {reasons[i]}"))
    if len(rows) > 5:
        problems.append(
            Problem(name, None, header, f"{len(rows) - 5} more {row_word}s with values like these")
        )


def _convert(
    column: pd.Series,
    var: Variable,
    name: str,
    header: str,
    offset: int,
    row_word: str,
    problems: list[Problem],
    rule: _NumberRule | None = None,
) -> pd.Series:
    column = column.reset_index(drop=True)
    rule = rule or _NumberRule()
    if column.dtype.kind in "fi":  # .sav: already numeric
        values = column.astype(float)
        if var.kind == "text":
            return values.map(lambda v: None if pd.isna(v) else f"{v:g}").astype(object)
        bad = values.notna() & ~values.isin([float(c) for c in var.labels]) if var.labels else None
        _report(bad, values.astype(object), var, name, header, offset, row_word, problems)
        if var.kind == "number":
            array = values.to_numpy()
            _check_numbers(array, array.astype(object), rule, name, header, offset, row_word,
                           problems)  # fmt: skip
        return values
    cells = column.to_numpy(dtype=object)
    if var.kind == "text":  # open answers: mostly all different
        written = [v.strip() if isinstance(v, str) else _text(v) for v in cells]
        return pd.Series([t or np.nan for t in written], dtype=object)  # NaN: not answered
    # Work on the distinct answers only: a column of 100,000 answers has a handful.
    positions, distinct = pd.factorize(cells)  # missing: -1, ...
    texts = np.array([_text(u) for u in distinct] + [""], dtype=object)  # ... the last
    if var.kind == "number":
        read = [parse_number(t, rule.mark) for t in texts]
        parsed = np.array([value for value, _why in read], dtype=float)
        reasons = np.array([why or "" for _value, why in read], dtype=object)
        for reason in dict.fromkeys(r for r in reasons if r):
            bad = (reasons == reason)[positions]
            _report(bad, texts[positions], var, name, header, offset, row_word, problems,
                    reason)  # fmt: skip
        _check_numbers(parsed[positions], texts[positions], rule, name, header, offset,
                       row_word, problems)  # fmt: skip
        return pd.Series(parsed[positions])
    table = value_lookup(var)
    allowed = {float(c) for c in var.labels}
    parsed = np.array([_code(t, table, allowed) for t in texts], dtype=float)
    bad = np.isnan(parsed) & (texts != "")
    if bad.any():
        shown = texts[positions]
        _report(bad[positions], shown, var, name, header, offset, row_word, problems)
    return pd.Series(parsed[positions])


def _text(value: object) -> str:
    """A cell as stripped text ("" for a missing one)."""
    if isinstance(value, str):
        return value.strip()
    return "" if pd.isna(value) else str(value).strip()  # type: ignore[call-overload]


def _number(text: str) -> float:
    """A code written as a number (4, 4.0, 4,0): either mark, no thousands."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return float("nan")


def _decimal_mark(frame: pd.DataFrame, columns: list[str]) -> str:
    """The decimal mark of a file whose format does not say (XLSX, a CSV separated by
    ',' or tab): ',' when some number cell can only be read with ',' (``3,5``) and none
    only with '.'; else '.'."""
    only = {",": False, ".": False}
    for column in columns:
        cells = pd.Series(pd.unique(frame[column].to_numpy(dtype=object)), dtype=object)
        cells = cells[cells.map(lambda v: isinstance(v, str))].str.strip()
        cells = cells[cells.str.contains(r"[.,]", regex=True)]
        if cells.empty:
            continue
        fits = {
            mark: cells.str.fullmatch(plain.pattern) | cells.str.fullmatch(grouped.pattern)
            for mark, (plain, grouped) in PATTERNS.items()
        }
        only[","] = only[","] or bool((fits[","] & ~fits["."]).any())
        only["."] = only["."] or bool((fits["."] & ~fits[","]).any())
    return "," if only[","] and not only["."] else "."


def _code(text: str, table: dict[str, float], allowed: set[float]) -> float:
    """The code of one answer: a code, a label, or a code written as 4.0 / 4,0."""
    found = table.get(normalise(text))
    if found is not None:
        return found
    number = _number(text)
    return number if number in allowed else float("nan")


def _report(
    bad: pd.Series | np.ndarray | None,
    shown: pd.Series | np.ndarray,
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
    rows = np.flatnonzero(np.asarray(bad))
    allowed = "; ".join(f"{c}={label}" for c, label in var.labels.items())
    values = np.asarray(shown, dtype=object)
    for i in rows[:5]:
        value = values[i]
        text = f"{value:g}" if isinstance(value, float) else str(value)
        why = reason or f"is outside the scale of {var.name} (allowed: {allowed})"
        problems.append(Problem(name, int(i) + offset, header, f"{text!r} {why}"))
    if len(rows) > 5:
        problems.append(
            Problem(name, None, header, f"{len(rows) - 5} more {row_word}s with values like these")
        )


def read_columns(path: Path | str, required: Iterable[str]) -> pd.DataFrame:
    """A table with required columns (names trimmed and casefolded), all-or-nothing: a
    municipality attributes file, final codes, chosen quotes."""
    table = read_table(path)
    frame = table.frame
    frame.columns = [str(c).strip().casefold() for c in frame.columns]
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise DataImportError(
            [Problem(table.name, 1, str(c), "the column name repeats") for c in repeated]
        )
    problems = [
        Problem(table.name, 1, col, "required column is missing")
        for col in required
        if col not in frame.columns
    ]
    if problems:
        raise DataImportError(problems)
    return frame


read_attributes = read_columns  # the old name
