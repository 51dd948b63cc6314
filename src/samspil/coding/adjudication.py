"""Adjudication: the answers two coders coded differently, and the final codes (pure)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd

from samspil.coding.agreement import unit_sets
from samspil.coding.records import CodeSet, CodingInputError, read_code_sets
from samspil.coding.schema import Codebook

DISAGREEMENT_COLUMNS = [
    "variable",
    "respondent_id",
    "coder_1",
    "codes_1",
    "coder_2",
    "codes_2",
    "only_1",
    "only_2",
]


def disagreements(codings: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """The answers whose two code sets differ, per variable.

    ``codings`` as for :func:`samspil.coding.agreement.agreement`. One row per answer with
    both coders' code sets (``codes_1``, ``codes_2``, tuples of code ids in codebook order)
    and what only one of them gave (``only_1``, ``only_2``). Answers coded by one coder
    only are not listed (they have nothing to disagree with).
    """
    sets = read_code_sets(codings, codebook)
    rows: list[dict[str, Any]] = []
    for variable in sets.variables:
        for respondent, coder_1, set_1, coder_2, set_2 in unit_sets(sets, variable):
            if set_1 == set_2:
                continue
            rows.append(
                {
                    "variable": variable,
                    "respondent_id": respondent,
                    "coder_1": coder_1,
                    "codes_1": sets.order(variable, set_1),
                    "coder_2": coder_2,
                    "codes_2": sets.order(variable, set_2),
                    "only_1": sets.order(variable, set_1 - set_2),
                    "only_2": sets.order(variable, set_2 - set_1),
                }
            )
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def final_codes(
    codings: pd.DataFrame,
    decisions: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """The final codes ``respondent_id, variable, code`` after adjudication.

    Per answer: the adjudicated code set from ``decisions`` (columns ``respondent_id,
    variable, code``; a row with an empty code decides "no code") when there is one;
    otherwise the coders' code set when all its coders gave the same set (or only one
    coder coded it). An answer whose coders disagree and that has no decision is an error
    listing the undecided answers. An answer whose final set is empty keeps one row with
    an empty (``None``) code, so "coded, no theme" is not lost. Rows are in codebook order
    of variables and codes.
    """
    sets = read_code_sets(codings, codebook)
    decided = (
        read_code_sets(decisions, codebook, with_coder=False, what="the decisions table")
        if decisions is not None
        else None
    )
    variables = list(sets.variables)
    if decided is not None:
        variables += [v for v in decided.variables if v not in variables]
        if codebook is not None:
            variables.sort(key=codebook.variables.index)
    rows: list[dict[str, Any]] = []
    undecided: list[str] = []
    for variable in variables:
        answers = sets.sets.get(variable, {})
        decisions_here = decided.sets.get(variable, {}) if decided is not None else {}
        finals: dict[Hashable, CodeSet] = {}
        for respondent, coders in answers.items():
            if respondent in decisions_here:
                finals[respondent] = decisions_here[respondent][""]
                continue
            distinct = set(coders.values())
            if len(distinct) == 1:
                finals[respondent] = distinct.pop()
            else:
                undecided.append(f"{variable} respondent {respondent}")
        for respondent, coders in decisions_here.items():
            finals.setdefault(respondent, coders[""])
        order = sets if variable in sets.codes else decided
        for respondent, codes in finals.items():
            ordered = order.order(variable, codes) if order is not None else tuple(codes)
            for code in ordered or (None,):
                rows.append({"respondent_id": respondent, "variable": variable, "code": code})
    if undecided:
        shown = "; ".join(undecided[:10]) + ("; ..." if len(undecided) > 10 else "")
        raise CodingInputError(
            f"{len(undecided)} answer(s) where the coders disagree have no decision: {shown}"
        )
    return pd.DataFrame(rows, columns=["respondent_id", "variable", "code"])
