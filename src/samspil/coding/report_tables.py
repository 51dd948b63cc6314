"""Tables for the reports: the share of respondents mentioning each theme, and quotes."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from samspil.coding.records import (
    CodingInputError,
    clean,
    clean_id,
    cleaned_cells,
    final_code_table,
    is_blank,
    require_columns,
)
from samspil.coding.schema import Codebook

QUOTE_COLUMNS = ["variable", "respondent_id", "text"]
_YES = {"1", "true", "ja", "j", "yes", "y", "x", "sand"}
_NO = {"0", "false", "nej", "n", "no", "falsk", ""}


def theme_shares(
    final_codes: pd.DataFrame,
    answered: pd.Series | Iterable[Hashable],
    codebook: Codebook,
    variable: str,
    *,
    level: Literal["theme", "code"] = "theme",
    row_numbers: Sequence[int] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Share of respondents mentioning each theme of an open question, for a figure.

    ``final_codes``: columns ``respondent_id, variable, code`` (see
    :func:`samspil.coding.adjudication.final_codes`); codes by id or label. ``answered``:
    the respondent ids who answered the open question (a set, list or Series of ids, or a
    boolean Series indexed by respondent id); they are the base. A respondent can mention
    several themes, so the percentages do not sum to 100.

    Returns columns ``option`` (theme label), ``n`` (respondents), ``percent`` (0-100 of
    the base; NaN when the base is 0), one row per theme in codebook order, with
    ``attrs["base"]``, ``attrs["variable"]`` and ``attrs["codes"]`` (the theme ids). With a
    two-level codebook, ``level="theme"`` counts a respondent for a theme when any of its
    subthemes was coded, and ``level="code"`` gives one row per code instead. Respondent
    ids are matched after turning integer-valued floats into ints and ``12`` into ``"12"``
    alike. A coded respondent missing from ``answered`` is bad input (a
    :class:`~samspil.coding.records.CodingInputError`). ``row_numbers`` names
    the rows in messages when ``final_codes`` is a selection of a larger table.
    """
    codebook.question(variable)  # an open question the codebook lacks is the first error
    base_ids = _answered_ids(answered)
    table = final_code_table(final_codes, variable, codebook, row_numbers=row_numbers)
    coded = _texts(table["respondent_id"].to_numpy(dtype=object))
    # numbered in order of appearance: the base first (0, 1, ...), then the others
    ids = pd.factorize(np.concatenate([base_ids, coded]))[0][len(base_ids) :]
    outside = ids >= len(base_ids)
    if outside.any():  # bad input (the codes of other answers): exit code 2, at its first row
        stray = sorted(set(coded[outside]))
        shown = ", ".join(stray[:10]) + (", ..." if len(stray) > 10 else "")
        raise CodingInputError(
            f"{len(stray)} respondent(s) have final codes for {variable} but are not among "
            f"those who answered it: {shown}",
            row=int(table["row"].to_numpy()[np.argmax(outside)]),
            column="respondent_id",
        )
    groups = _theme_groups(codebook, variable, level)
    base = len(base_ids)
    counts = _respondents_per_group(ids, table["code"], [members for _c, _l, members in groups])
    rows = [
        {"option": label, "n": n, "percent": n / base * 100 if base else np.nan}
        for (_code, label, _members), n in zip(groups, counts, strict=True)
    ]
    result = pd.DataFrame(rows, columns=["option", "n", "percent"])
    result.attrs["base"] = base
    result.attrs["variable"] = variable
    result.attrs["codes"] = [code for code, _label, _members in groups]
    return result


def _theme_groups(
    codebook: Codebook, variable: str, level: str
) -> list[tuple[str, str, list[str]]]:
    """``(id, label, codes)`` of each row of a theme table: a theme and its subthemes, or
    one code."""
    question = codebook.question(variable)
    if level == "theme":
        return [(t.code, t.label, question.theme_members()[t.code]) for t in question.themes]
    if level == "code":
        return [(c.code, c.label, [c.code]) for c in question.leaves()]
    raise ValueError(f"level must be 'theme' or 'code', not {level!r}")


def _respondents_per_group(ids: np.ndarray, codes: pd.Series, groups: list[list[str]]) -> list[int]:
    """How many respondents (``ids``: each row's respondent as a number) have a code of
    each group (the groups do not share codes: a code belongs to one theme)."""
    positions, names = pd.factorize(codes)  # no code: -1, the last entry below
    group_of = np.full(len(names) + 1, -1)
    for g, members in enumerate(groups):
        group_of[[i for i, name in enumerate(names) if name in members]] = g
    group = group_of[positions]
    found = np.zeros(((int(ids.max()) + 1 if len(ids) else 0), len(groups)), dtype=bool)
    found[ids[group >= 0], group[group >= 0]] = True
    return found.sum(axis=0).tolist()


def quotes(answers: pd.DataFrame, variable: str | None = None) -> pd.DataFrame:
    """The answers chosen as quotable: columns ``variable, respondent_id, text``.

    ``answers``: columns ``respondent_id, variable, text, quotable``; ``quotable`` is a
    bool, 0/1 or a word (ja/nej, true/false, x). Rows with empty text are left out; the
    input order is kept. ``variable`` keeps one open question only.
    """
    require_columns(answers, ("respondent_id", "variable", "text", "quotable"), "the answers")
    rows: list[dict[str, Any]] = []
    for position, (respondent, var, text, flag) in enumerate(
        answers[["respondent_id", "variable", "text", "quotable"]].itertuples(
            index=False, name=None
        )
    ):
        if not _flag(flag, position + 1):
            continue
        if is_blank(var) or (variable is not None and clean(var) != variable):
            continue
        if is_blank(text):
            continue
        rows.append(
            {
                "variable": clean(var),
                "respondent_id": clean_id(respondent),
                "text": str(text).strip(),
            }
        )
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def _flag(value: Any, row: int) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if is_blank(value):
        return False
    text = clean(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CodingInputError(f"{value!r} is not a yes/no value", row=row, column="quotable")


def _answered_ids(answered: pd.Series | Iterable[Hashable]) -> np.ndarray:
    """The distinct ids (as text) of those who answered."""
    if isinstance(answered, pd.Series) and answered.dtype == bool:
        values = pd.Series(answered.index[answered.to_numpy()], dtype=object)
    else:
        values = pd.Series(answered if isinstance(answered, pd.Series) else list(answered))
    blank, ids = cleaned_cells(values, clean_id)
    return pd.unique(_texts(ids[~blank]))


def _texts(ids: np.ndarray) -> np.ndarray:
    """Respondent ids as text (``12`` and ``"12"`` alike)."""
    if pd.api.types.infer_dtype(ids, skipna=False) == "string":
        return ids
    return np.array([str(v) for v in ids], dtype=object)
