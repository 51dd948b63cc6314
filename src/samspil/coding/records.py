"""Reading coding tables (one row per code a coder applied) into code sets per answer.

Shared by agreement, adjudication and the theme tables. Validation errors name the row
(1-based, in the order of the DataFrame; row 1 is the first line under a CSV header) and
the column.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from samspil.coding.schema import Codebook, CodedQuestion
from samspil.errors import DomainError

CODING_COLUMNS = ("respondent_id", "variable", "coder", "code")
FINAL_COLUMNS = ("respondent_id", "variable", "code")

CodeSet = frozenset[str]


class CodingInputError(DomainError):
    """Bad coding input; ``row`` (1-based data row) and ``column`` say where, when known."""

    def __init__(self, detail: str, *, row: int | None = None, column: str | None = None):
        self.detail = detail
        self.row = row
        self.column = column
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {detail}" if where else detail)


@dataclass
class CodeSets:
    """Code sets per variable, answer (respondent) and coder, with the code order."""

    variables: list[str] = field(default_factory=list)
    sets: dict[str, dict[Hashable, dict[str, CodeSet]]] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)
    questions: dict[str, CodedQuestion] = field(default_factory=dict)

    def order(self, variable: str, codes: Iterable[str]) -> tuple[str, ...]:
        """Codes in codebook order (unknown ones last, sorted)."""
        rank = {c: i for i, c in enumerate(self.codes.get(variable, []))}
        return tuple(sorted(codes, key=lambda c: (rank.get(c, len(rank)), c)))


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean(value: Any) -> str:
    """A cell as text: strings stripped, integer-valued floats without '.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def clean_id(value: Any) -> Hashable:
    """Respondent ids: integer-valued floats become ints, strings are stripped."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value  # type: ignore[no-any-return]


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise CodingInputError(f"{what} must be a pandas DataFrame, not {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CodingInputError(
            f"{what} lacks column(s) {', '.join(repr(c) for c in missing)}; "
            f"needed: {', '.join(columns)} (found: {', '.join(map(str, df.columns)) or 'none'})"
        )


def code_lookup(question: CodedQuestion) -> dict[str, str]:
    """Code id or label of every applicable code -> code id."""
    out: dict[str, str] = {}
    for leaf in question.leaves():
        out[leaf.label] = leaf.code
    for leaf in question.leaves():
        out[leaf.code] = leaf.code
    return out


def read_code_sets(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    with_coder: bool = True,
    what: str = "the coding table",
    row_numbers: Sequence[int] | None = None,
) -> CodeSets:
    """Code sets from a table with one row per applied code.

    Columns ``respondent_id, variable, coder, code`` (without ``coder`` when
    ``with_coder`` is false: final codes or decisions). A row with an empty code records
    that the answer was coded with no code. With a codebook, variables must be in it and
    codes must be code ids or labels of that variable's codes (labels become ids).
    ``row_numbers`` gives the rows' numbers in error messages when ``df`` is a selection
    (default: 1, 2, ...).
    """
    columns = CODING_COLUMNS if with_coder else FINAL_COLUMNS
    require_columns(df, columns, what)
    out = CodeSets()
    lookups: dict[str, dict[str, str]] = {}
    if codebook is not None:
        for q in codebook.questions:
            out.questions[q.variable] = q
            out.codes[q.variable] = q.codes
            lookups[q.variable] = code_lookup(q)
    first_row: dict[tuple[str, Hashable, str], int] = {}
    raw_sets: dict[str, dict[Hashable, dict[str, set[str]]]] = {}
    frame = df[list(columns)]
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        row = row_numbers[position] if row_numbers is not None else position + 1
        record = dict(zip(columns, values, strict=True))
        for name in ("respondent_id", "variable") + (("coder",) if with_coder else ()):
            if is_blank(record[name]):
                raise CodingInputError(f"{name} is empty", row=row, column=name)
        respondent = clean_id(record["respondent_id"])
        variable = clean(record["variable"])
        coder = clean(record["coder"]) if with_coder else ""
        code = None if is_blank(record["code"]) else clean(record["code"])
        if codebook is not None:
            if variable not in lookups:
                raise CodingInputError(
                    f"variable {variable!r} is not in codebook {codebook.id} "
                    f"(known: {', '.join(codebook.variables)})",
                    row=row,
                    column="variable",
                )
            if code is not None:
                code = _known_code(code, variable, codebook, lookups[variable], row)
        if variable not in raw_sets:
            raw_sets[variable] = {}
            if variable not in out.variables:
                out.variables.append(variable)
        coders = raw_sets[variable].setdefault(respondent, {})
        codes = coders.setdefault(coder, set())
        key = (variable, respondent, coder)
        first_row.setdefault(key, row)
        if code is not None:
            codes.add(code)
            question = out.questions.get(variable)
            if question is not None and not question.multiple and len(codes) > 1:
                who = f"coder {coder!r} gives" if with_coder else "there are"
                raise CodingInputError(
                    f"{who} several codes ({', '.join(sorted(codes))}) for respondent "
                    f"{respondent} in {variable}, which allows one code per answer "
                    f"(first row {first_row[key]})",
                    row=row,
                    column="code",
                )
    if codebook is not None:
        out.variables.sort(key=codebook.variables.index)
    for variable, answers in raw_sets.items():
        out.sets[variable] = {
            r: {c: frozenset(s) for c, s in coders.items()} for r, coders in answers.items()
        }
        if variable not in out.codes:
            used = {code for coders in answers.values() for s in coders.values() for code in s}
            out.codes[variable] = sorted(used)
    return out


def _known_code(
    code: str, variable: str, codebook: Codebook, lookup: dict[str, str], row: int
) -> str:
    if code in lookup:
        return lookup[code]
    question = codebook.question(variable)
    members = question.theme_members()
    for theme in question.themes:
        if code in (theme.code, theme.label) and theme.subthemes:
            raise CodingInputError(
                f"{code!r} is a theme with subthemes in {variable}; code one of its "
                f"subthemes: {', '.join(members[theme.code])}",
                row=row,
                column="code",
            )
    raise CodingInputError(
        f"code {code!r} is not a code of {variable} in codebook {codebook.id} "
        f"(codes: {', '.join(question.codes)})",
        row=row,
        column="code",
    )


def final_code_sets(
    final_codes: pd.DataFrame, variable: str, codebook: Codebook | None = None
) -> CodeSets:
    """The final code sets of one open question, from a ``respondent_id, variable, code``
    table that may hold other questions too (an empty table gives no code sets)."""
    require_columns(final_codes, FINAL_COLUMNS, "the final codes")
    keep = np.array(
        [not is_blank(v) and clean(v) == variable for v in final_codes["variable"]], dtype=bool
    )
    return read_code_sets(
        final_codes[keep],
        codebook,
        with_coder=False,
        what="the final codes",
        row_numbers=[int(i) + 1 for i in np.flatnonzero(keep)],
    )
