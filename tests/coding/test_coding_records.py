"""Reading coding tables column-wise gives what reading them row by row gives: the same
code sets, or the same first error (row, column and message).

Property-based (hypothesis): small tables of ids, variables, coders and codes as files and
web forms give them (ints, integer-valued floats, text with spaces, blanks, labels instead
of ids, unknown variables and codes), with and without a codebook."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.coding import Codebook, records
from samspil.coding.records import (
    CODING_COLUMNS,
    FINAL_COLUMNS,
    CodingInputError,
    _checked_code,
    _record,
    code_lookup,
    final_code_sets,
    read_code_sets,
)
from tests.coding.synthetic import two_level_codebook


def _codebook() -> Codebook:
    """The two-level ``q1`` of the synthetic codebook (several codes per answer) and a
    ``q2`` that allows one code per answer."""
    raw = two_level_codebook().model_dump()
    raw["questions"].append(
        {
            "variable": "q2",
            "label": "Én kode",
            "multiple": False,
            "themes": [{"code": "ja", "label": "Ja"}, {"code": "nej", "label": "Nej"}],
        }
    )
    return Codebook.model_validate(raw)


CODEBOOK = _codebook()

Sets = dict[str, dict[Hashable, dict[str, frozenset[str]]]]


def row_by_row(df: pd.DataFrame, codebook: Codebook | None, with_coder: bool) -> Sets:
    """The reading that went row by row (kept here as the behaviour to keep)."""
    columns = CODING_COLUMNS if with_coder else FINAL_COLUMNS
    lookups = {q.variable: code_lookup(q) for q in codebook.questions} if codebook else {}
    single = {q.variable for q in codebook.questions if not q.multiple} if codebook else set()
    sets: dict[str, dict[Hashable, dict[str, set[str]]]] = {}
    first: dict[tuple[str, Hashable, str], int] = {}
    for row, values in enumerate(df[list(columns)].itertuples(index=False, name=None), 1):
        respondent, variable, coder, code = _record(columns, values, with_coder, row)
        if codebook is not None:
            code = _checked_code(codebook, lookups, variable, code, row)
        codes = sets.setdefault(variable, {}).setdefault(respondent, {}).setdefault(coder, set())
        first.setdefault((variable, respondent, coder), row)
        if code is not None:
            codes.add(code)
            if variable in single and len(codes) > 1:
                who = f"coder {coder!r} gives" if with_coder else "there are"
                raise CodingInputError(
                    f"{who} several codes ({', '.join(sorted(codes))}) for respondent "
                    f"{respondent} in {variable}, which allows one code per answer "
                    f"(first row {first[(variable, respondent, coder)]})",
                    row=row,
                    column="code",
                )
    return {
        v: {r: {c: frozenset(s) for c, s in coders.items()} for r, coders in answers.items()}
        for v, answers in sets.items()
    }


def outcome(read, *args, **kwargs) -> tuple[str, object]:
    try:
        return "sets", read(*args, **kwargs)
    except CodingInputError as error:
        return "error", (str(error), error.row, error.column)


# Valid cells are frequent so that tables often get past the first row.
ids = st.sampled_from([1, 2, 1, 2, 1.0, "1", " 2 ", 2.5, None, np.nan, " "])
variables = st.sampled_from(["q1", "q2", "q2", " q2", "q1 ", "q3", None, ""])
coders = st.sampled_from(["A", "A", " A ", "B", 1, 1.0, None])
codes = st.sampled_from(["andet", "Andet", "oekonomi", "ja", "ja", "Ja", "nej", "x", None, " "])
row = st.tuples(ids, variables, coders, codes)
# Rows repeat (a few drawn, then mixed with others): answers coded on several rows.
tables = st.lists(row, min_size=1, max_size=4).flatmap(
    lambda drawn: st.lists(st.one_of(st.sampled_from(drawn), row), max_size=12)
)


@settings(max_examples=300, deadline=None)
@given(
    rows=tables,
    with_codebook=st.booleans(),
    with_coder=st.booleans(),
    few_distinct=st.sampled_from([0.0, 1.0]),  # cells worked out one by one, or per value
)
def test_column_wise_reading_equals_row_by_row(rows, with_codebook, with_coder, few_distinct):
    df = pd.DataFrame(rows, columns=list(CODING_COLUMNS), dtype=object)
    if not with_coder:
        df = df.drop(columns="coder")
    codebook = CODEBOOK if with_codebook else None
    previous, records.FEW_DISTINCT = records.FEW_DISTINCT, few_distinct
    try:
        kind, got = outcome(read_code_sets, df, codebook, with_coder=with_coder)
    finally:
        records.FEW_DISTINCT = previous
    expected = outcome(row_by_row, df, codebook, with_coder)
    if kind == "sets":
        assert expected[0] == "sets", expected
        assert got.sets == expected[1]  # type: ignore[attr-defined]
        order = list(expected[1])  # type: ignore[arg-type]
        if codebook is not None:
            order.sort(key=codebook.variables.index)
        assert got.variables == order  # type: ignore[attr-defined]
    else:
        assert (kind, got) == expected


def test_final_codes_of_one_question_name_rows_of_the_whole_table():
    final = pd.DataFrame(
        {
            "respondent_id": ["1", "2", "2", "3"],
            "variable": ["q1", "q2", "q2", " q2 "],
            "code": ["andet", "ja", "Ja", "Nej"],
        }
    )
    sets = final_code_sets(final, "q2", CODEBOOK)
    assert sets.sets["q2"] == {"2": {"": frozenset({"ja"})}, "3": {"": frozenset({"nej"})}}
    final.loc[3, "code"] = "maaske"
    with pytest.raises(CodingInputError, match="code 'maaske' is not a code of q2") as err:
        final_code_sets(final, "q2", CODEBOOK)
    assert (err.value.row, err.value.column) == (4, "code")
