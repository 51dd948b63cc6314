"""Reading coding tables (one row per code a coder applied) into code sets per answer.

Shared by agreement, adjudication and the theme tables. Validation errors name the row
(1-based, in the order of the DataFrame; row 1 is the first line under a CSV header) and
the column.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
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


def _record(
    columns: Sequence[str], values: Sequence[object], with_coder: bool, row: int
) -> tuple[Hashable, str, str, str | None]:
    """``(respondent, variable, coder, code)`` of one row; an empty id is an error."""
    record = dict(zip(columns, values, strict=True))
    for name in ("respondent_id", "variable") + (("coder",) if with_coder else ()):
        if is_blank(record[name]):
            raise CodingInputError(f"{name} is empty", row=row, column=name)
    code = None if is_blank(record["code"]) else clean(record["code"])
    coder = clean(record["coder"]) if with_coder else ""
    return clean_id(record["respondent_id"]), clean(record["variable"]), coder, code


def _checked_code(
    codebook: Codebook,
    lookups: dict[str, dict[str, str]],
    variable: str,
    code: str | None,
    row: int,
) -> str | None:
    if variable not in lookups:
        raise CodingInputError(
            f"variable {variable!r} is not in codebook {codebook.id} "
            f"(known: {', '.join(codebook.variables)})",
            row=row,
            column="variable",
        )
    return None if code is None else _known_code(code, variable, codebook, lookups[variable], row)


FEW_DISTINCT = 0.1  # a column whose first cells are at most this share distinct repeats


def cleaned_cells(
    values: pd.Series, how: Callable[[Any], Hashable]
) -> tuple[np.ndarray, np.ndarray]:
    """``is_blank`` and ``how`` (``clean`` or ``clean_id``) of every cell of a column, as
    arrays (None where blank). A column that repeats its values (variables, coders, codes)
    is worked out once per distinct value; text that does not (ids) is stripped in one
    pass."""
    cells = values.to_numpy(dtype=object)
    sample = cells[:1000]
    text = pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty")
    if text and len(set(sample)) > FEW_DISTINCT * len(sample):
        cleaned = np.array([v.strip() if isinstance(v, str) else "" for v in cells], dtype=object)
        blank = cleaned == ""
        cleaned[blank] = None
        return blank, cleaned
    positions, distinct = pd.factorize(cells)  # a missing cell is -1: the last entry below
    blank = np.fromiter((is_blank(v) for v in distinct), dtype=bool, count=len(distinct))
    cleaned = np.fromiter(
        (None if b else how(v) for v, b in zip(distinct, blank, strict=True)),
        dtype=object,
        count=len(distinct),
    )
    missing = np.array([None], dtype=object)
    return np.append(blank, True)[positions], np.concatenate([cleaned, missing])[positions]


def _map_codes(
    codes: np.ndarray, variables: np.ndarray, ok: np.ndarray, lookups: dict[str, dict[str, str]]
) -> np.ndarray:
    """Codes given by label become code ids (in place); returns the rows whose variable is
    not in the codebook or whose code is not one of the variable's. Looked up once per
    distinct variable and code."""
    var_at, var_names = pd.factorize(variables)  # a blank one is -1: the last entry below
    code_at, code_names = pd.factorize(codes)
    known_variable = np.array([v in lookups for v in var_names] + [False])
    bad = ok & ~known_variable[var_at]
    coded = ok & (code_at >= 0)
    for i, variable in enumerate(var_names):
        if variable not in lookups:
            continue
        lookup = lookups[variable]
        ids = np.array([lookup.get(c) for c in code_names] + [None], dtype=object)[code_at]
        rows = coded & (var_at == i)
        known = rows & (ids != None)  # noqa: E711 - element-wise
        bad |= rows & ~known
        codes[known] = ids[known]
    return bad


def _several_codes(table: pd.DataFrame, out: CodeSets, with_coder: bool) -> None:
    """Refuse a second code for one answer (and coder) where the question allows one."""
    single = [v for v, q in out.questions.items() if not q.multiple]
    if not single:
        return
    key = ["variable", "respondent_id", "coder"]
    coded = table[table["variable"].isin(single) & table["code"].notna()]
    coded = coded.drop_duplicates([*key, "code"])
    second = coded[coded.duplicated(key)]
    if second.empty:
        return
    hit = second.iloc[0]
    same = (table[key] == hit[key]).all(axis=1)
    codes = {hit["code"], coded.loc[(coded[key] == hit[key]).all(axis=1), "code"].iloc[0]}
    who = f"coder {hit['coder']!r} gives" if with_coder else "there are"
    raise CodingInputError(
        f"{who} several codes ({', '.join(sorted(codes))}) for respondent "
        f"{hit['respondent_id']} in {hit['variable']}, which allows one code per answer "
        f"(first row {table.loc[same, 'row'].iloc[0]})",
        row=int(hit["row"]),
        column="code",
    )


def code_table(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    with_coder: bool = True,
    what: str = "the coding table",
    row_numbers: Sequence[int] | np.ndarray | None = None,
) -> pd.DataFrame:
    """A coding table checked and cleaned, one row per row of ``df`` in its order: columns
    ``respondent_id`` (``clean_id``), ``variable``, ``coder`` (``""`` without ``coder``),
    ``code`` (a code id; None for a row that records no code) and ``row`` (its number in
    messages). The first bad row is reported as reading row by row would report it.
    Arguments as :func:`read_code_sets`."""
    require_columns(df, CODING_COLUMNS if with_coder else FINAL_COLUMNS, what)
    variables = cleaned_cells(df["variable"], clean)
    return _checked_table(df, codebook, with_coder, row_numbers, variables)


def _checked_table(
    df: pd.DataFrame,
    codebook: Codebook | None,
    with_coder: bool,
    row_numbers: Sequence[int] | np.ndarray | None,
    cleaned_variables: tuple[np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """:func:`code_table` of a table whose variable column is already cleaned."""
    n = len(df)
    blank_id, ids = cleaned_cells(df["respondent_id"], clean_id)
    blank_var, variables = cleaned_variables
    blank_coder, coders = (
        cleaned_cells(df["coder"], clean)
        if with_coder
        else (np.zeros(n, bool), np.full(n, "", object))
    )
    codes = cleaned_cells(df["code"], clean)[1]
    bad = blank_id | blank_var | blank_coder
    out = _with_codebook(codebook)
    if codebook is not None:
        bad |= _map_codes(
            codes, variables, ~bad, {q: code_lookup(out.questions[q]) for q in out.questions}
        )
    rows = np.arange(1, n + 1) if row_numbers is None else np.asarray(row_numbers, dtype=int)
    table = pd.DataFrame(
        {
            "respondent_id": pd.Series(ids, dtype=object),
            "variable": pd.Series(variables, dtype=object),
            "coder": pd.Series(coders, dtype=object),
            "code": pd.Series(codes, dtype=object),
            "row": rows,
        }
    )
    first_bad = int(np.argmax(bad)) if bad.any() else n
    _several_codes(table.iloc[:first_bad], out, with_coder)  # an earlier row is reported first
    if first_bad < n:
        _raise_at(df, first_bad, int(rows[first_bad]), codebook, with_coder)
    return table


def _raise_at(
    df: pd.DataFrame, position: int, row: int, codebook: Codebook | None, with_coder: bool
) -> None:
    """The error of the bad row at ``position``, as the row-by-row checks word it."""
    columns = CODING_COLUMNS if with_coder else FINAL_COLUMNS
    values = next(df[list(columns)].iloc[[position]].itertuples(index=False, name=None))
    _respondent, variable, _coder, code = _record(columns, values, with_coder, row)
    if codebook is not None:
        lookups = {q.variable: code_lookup(q) for q in codebook.questions}
        _checked_code(codebook, lookups, variable, code, row)
    raise AssertionError(f"row {row} was found bad but passes the checks")  # pragma: no cover


def _with_codebook(codebook: Codebook | None) -> CodeSets:
    out = CodeSets()
    for q in codebook.questions if codebook is not None else []:
        out.questions[q.variable] = q
        out.codes[q.variable] = q.codes
    return out


def code_sets(table: pd.DataFrame, codebook: Codebook | None = None) -> CodeSets:
    """The code sets of a checked :func:`code_table`."""
    out = _with_codebook(codebook)
    out.variables = [str(v) for v in pd.unique(table["variable"])]
    if codebook is not None:
        out.variables.sort(key=codebook.variables.index)
    for variable, part in table.groupby("variable", sort=False):
        answers: dict[Hashable, dict[str, set[str]]] = {}
        for respondent, coder, code in zip(
            part["respondent_id"], part["coder"], part["code"], strict=True
        ):
            codes = answers.setdefault(respondent, {}).setdefault(coder, set())
            if code is not None:
                codes.add(code)
        name = str(variable)
        out.sets[name] = {
            r: {c: frozenset(s) for c, s in coders.items()} for r, coders in answers.items()
        }
        if name not in out.codes:
            out.codes[name] = sorted(
                {c for coders in answers.values() for s in coders.values() for c in s}
            )
    return out


def read_code_sets(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    with_coder: bool = True,
    what: str = "the coding table",
    row_numbers: Sequence[int] | np.ndarray | None = None,
) -> CodeSets:
    """Code sets from a table with one row per applied code.

    Columns ``respondent_id, variable, coder, code`` (without ``coder`` when
    ``with_coder`` is false: final codes or decisions). A row with an empty code records
    that the answer was coded with no code. With a codebook, variables must be in it and
    codes must be code ids or labels of that variable's codes (labels become ids).
    ``row_numbers`` gives the rows' numbers in error messages when ``df`` is a selection
    (default: 1, 2, ...).
    """
    table = code_table(df, codebook, with_coder=with_coder, what=what, row_numbers=row_numbers)
    return code_sets(table, codebook)


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


def final_code_table(
    final_codes: pd.DataFrame,
    variable: str,
    codebook: Codebook | None = None,
    *,
    row_numbers: Sequence[int] | np.ndarray | None = None,
) -> pd.DataFrame:
    """The checked :func:`code_table` of one open question, from a ``respondent_id,
    variable, code`` table that may hold other questions too (rows named by their place in
    that table, or by ``row_numbers`` when it is a selection of a larger one)."""
    require_columns(final_codes, FINAL_COLUMNS, "the final codes")
    blank, names = cleaned_cells(final_codes["variable"], clean)
    keep = ~blank & (names == variable)
    numbers = np.arange(1, len(keep) + 1) if row_numbers is None else np.asarray(row_numbers)
    chosen = final_codes if keep.all() else final_codes[keep]
    return _checked_table(chosen, codebook, False, numbers[keep], (blank[keep], names[keep]))


def split_by_variable(final_codes: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, np.ndarray]]:
    """The rows of each variable (name stripped) of a final codes table and their row
    numbers in it (1, 2, ...): one pass for a report's several theme tables."""
    require_columns(final_codes, FINAL_COLUMNS, "the final codes")
    # each distinct cell (a handful) cleaned once; cells that clean alike are one variable
    cells, distinct = pd.factorize(final_codes["variable"].to_numpy(dtype=object))
    named = [None if is_blank(v) else clean(v) for v in distinct]
    at, variables = pd.factorize(np.array([*named, None], dtype=object))  # missing: last
    positions = at[cells]
    rows = np.flatnonzero(positions >= 0)
    positions = positions[rows]
    order = np.argsort(positions, kind="stable")
    starts = np.searchsorted(positions[order], np.arange(len(variables) + 1))
    out = {}
    for i, variable in enumerate(variables):
        chosen = rows[order[starts[i] : starts[i + 1]]]
        out[str(variable)] = (final_codes.iloc[chosen], chosen + 1)
    return out


def final_code_sets(
    final_codes: pd.DataFrame, variable: str, codebook: Codebook | None = None
) -> CodeSets:
    """The final code sets of one open question, from a ``respondent_id, variable, code``
    table that may hold other questions too (an empty table gives no code sets)."""
    return code_sets(final_code_table(final_codes, variable, codebook), codebook)
