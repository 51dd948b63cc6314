"""Agreement between two coders of open answers (pure functions).

Input: a DataFrame with columns ``respondent_id, variable, coder, code``, one row per code
a coder applied to an answer; a row with an empty code means the coder coded the answer
and gave it no code. The *units* of a variable are the answers that both of its two coders
coded. Each code is a yes/no decision per unit, summarised by the 2x2 table

                    coder 2 yes   coder 2 no
    coder 1 yes          a             b
    coder 1 no           c             d          n = a + b + c + d units

* ``percent_agreement`` = (a + d) / n
* ``positive_agreement`` = 2a / (2a + b + c); ``negative_agreement`` = 2d / (2d + b + c)
* ``cohen_kappa`` = (p_o - p_e) / (1 - p_e), p_o = (a + d) / n,
  p_e = p1 p2 + (1 - p1)(1 - p2) with p1 = (a + b) / n, p2 = (a + c) / n
  (computed with scikit-learn's ``cohen_kappa_score``)
* ``krippendorff_alpha`` (nominal, two coders, no missing values), from the coincidence
  matrix o (each unit adds its value pair in both orders), n.. = 2n pairable values and
  n_k the marginal of category k:  alpha = 1 - (n.. - 1) * (n.. - sum_k o_kk)
  / (n..^2 - sum_k n_k^2).  For a yes/no code this is 1 - (2n - 1)(b + c) / (n_yes n_no)
  with n_yes = 2a + b + c, n_no = 2d + b + c.
* ``prevalence`` = (2a + b + c) / 2n, the mean of the two coders' rates
  ``prevalence_coder_1`` = (a + b) / n and ``prevalence_coder_2`` = (a + c) / n;
  ``prevalence_any`` = (a + b + c) / n, the share where at least one coder applied it.

Degenerate cases (documented in docs/coding.md): when the coders never had to tell yes
from no - a code neither coder used (``code_not_used``), or one both used on every unit
(``code_always_used``) - chance agreement is 1 and kappa and alpha are 0/0: they are
reported as ``None`` with ``undefined_reason``, while percent agreement is 1.0. Kappa and
alpha are computed normally when one coder never uses a code (kappa is then 0 or below).
``pooled`` stacks all unit x code decisions of a variable (the codebook's codes when a
codebook is given, else the codes either coder used). For two-level codebooks, ``theme``
rows treat "any subtheme of this theme" as the decision.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from samspil.coding.records import CodeSet, CodeSets, CodingInputError, read_code_sets
from samspil.coding.schema import Codebook

Level = Literal["code", "theme", "pooled"]

UNDEFINED_REASONS: dict[str, str] = {
    "no_units": "Ingen svar er kodet af begge kodere.",
    "code_not_used": "Ingen af koderne har brugt koden; kappa og alfa er ikke defineret.",
    "code_always_used": "Begge kodere har brugt koden på alle svar; kappa og alfa er ikke "
    "defineret.",
}

STAT_COLUMNS = [
    "variable",
    "level",
    "code",
    "label",
    "n_units",
    "n_decisions",
    "both",
    "only_coder_1",
    "only_coder_2",
    "neither",
    "percent_agreement",
    "positive_agreement",
    "negative_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "prevalence",
    "prevalence_coder_1",
    "prevalence_coder_2",
    "prevalence_any",
    "undefined_reason",
]

VARIABLE_COLUMNS = [
    "variable",
    "coder_1",
    "coder_2",
    "n_units",
    "n_only_coder_1",
    "n_only_coder_2",
    "n_codes",
    "n_exact",
    "exact_match",
]


# -- statistics on plain vectors --------------------------------------------------------


def krippendorff_alpha_nominal(
    values_1: Sequence[Hashable], values_2: Sequence[Hashable]
) -> float | None:
    """Krippendorff's alpha for nominal data, two coders, no missing values.

    ``values_1[i]`` and ``values_2[i]`` are the two coders' values for unit i. Returns
    ``None`` when alpha is undefined: no units, or every value in the same category.
    """
    if len(values_1) != len(values_2):
        raise ValueError(
            f"the coders' values differ in length ({len(values_1)} and {len(values_2)})"
        )
    if not values_1:
        return None
    categories = sorted(set(values_1) | set(values_2), key=repr)
    index = {c: i for i, c in enumerate(categories)}
    o = np.zeros((len(categories), len(categories)))
    for v1, v2 in zip(values_1, values_2, strict=True):
        o[index[v1], index[v2]] += 1
        o[index[v2], index[v1]] += 1
    n = o.sum()
    marginals = o.sum(axis=1)
    expected = n * n - float((marginals**2).sum())
    if expected == 0:
        return None
    return float(1 - (n - 1) * (n - np.trace(o)) / expected)


def binary_agreement(decisions_1: Sequence[bool], decisions_2: Sequence[bool]) -> dict[str, Any]:
    """All statistics for one yes/no decision per unit by two coders."""
    x1 = np.asarray(decisions_1, dtype=bool)
    x2 = np.asarray(decisions_2, dtype=bool)
    if x1.shape != x2.shape:
        raise ValueError(f"the coders' decisions differ in length ({x1.size} and {x2.size})")
    n = int(x1.size)
    a = int((x1 & x2).sum())
    b = int((x1 & ~x2).sum())
    c = int((~x1 & x2).sum())
    d = n - a - b - c
    out: dict[str, Any] = {
        "n_decisions": n,
        "both": a,
        "only_coder_1": b,
        "only_coder_2": c,
        "neither": d,
        "percent_agreement": None,
        "positive_agreement": None,
        "negative_agreement": None,
        "cohen_kappa": None,
        "krippendorff_alpha": None,
        "prevalence": None,
        "prevalence_coder_1": None,
        "prevalence_coder_2": None,
        "prevalence_any": None,
        "undefined_reason": None,
    }
    if n == 0:
        out["undefined_reason"] = "no_units"
        return out
    out["percent_agreement"] = (a + d) / n
    out["positive_agreement"] = 2 * a / (2 * a + b + c) if a + b + c else None
    out["negative_agreement"] = 2 * d / (2 * d + b + c) if d + b + c else None
    out["prevalence"] = (2 * a + b + c) / (2 * n)
    out["prevalence_coder_1"] = (a + b) / n
    out["prevalence_coder_2"] = (a + c) / n
    out["prevalence_any"] = (a + b + c) / n
    if a + b + c == 0:
        out["undefined_reason"] = "code_not_used"
    elif a == n:
        out["undefined_reason"] = "code_always_used"
    else:
        out["cohen_kappa"] = float(cohen_kappa_score(x1.astype(int), x2.astype(int), labels=[0, 1]))
        out["krippendorff_alpha"] = krippendorff_alpha_nominal(x1.tolist(), x2.tolist())
    return out


# -- tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementReport:
    """``codes``: one row per variable and code (``level`` code), theme (``theme``, two-
    level codebooks) and the pooled decisions (``pooled``), columns ``STAT_COLUMNS``.
    ``variables``: one row per variable with the coders, unit counts and the exact-match
    share (both coders gave the identical code set), columns ``VARIABLE_COLUMNS``."""

    codes: pd.DataFrame
    variables: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"variables": {var: {..., "pooled": {...}, "codes": {code: {...}},
        "themes": {...}}}}`` with ``None`` for undefined values."""
        out: dict[str, Any] = {}
        for record in self.variables.to_dict("records"):
            entry = {k: _plain(v) for k, v in record.items() if k != "variable"}
            entry["pooled"] = {}
            entry["codes"] = {}
            out[str(record["variable"])] = entry
        for record in self.codes.to_dict("records"):
            stats = {
                k: _plain(v) for k, v in record.items() if k not in ("variable", "level", "code")
            }
            entry = out[str(record["variable"])]
            if record["level"] == "pooled":
                entry["pooled"] = stats
            elif record["level"] == "theme":
                entry.setdefault("themes", {})[str(record["code"])] = stats
            else:
                entry["codes"][str(record["code"])] = stats
        return {"variables": out}


def agreement(codings: pd.DataFrame, codebook: Codebook | None = None) -> AgreementReport:
    """Agreement between the two coders of each variable, per code, theme and pooled.

    ``codings``: columns ``respondent_id, variable, coder, code`` (see module docs). With a
    codebook, variables and codes are checked against it (codes may be given by id or
    label) and every code of the codebook is reported, used or not. Exactly two coders per
    variable; answers coded by only one of them are counted but left out of the units.
    Raises ``CodingInputError`` (a ``ValueError``) naming the row and column.
    """
    sets = read_code_sets(codings, codebook)
    stat_rows: list[dict[str, Any]] = []
    variable_rows: list[dict[str, Any]] = []
    for variable in sets.variables:
        coder_1, coder_2 = two_coders(sets, variable)
        answers = sets.sets[variable]
        units = [r for r, coders in answers.items() if coder_1 in coders and coder_2 in coders]
        first = [answers[r][coder_1] for r in units]
        second = [answers[r][coder_2] for r in units]
        codes = sets.codes[variable]
        question = sets.questions.get(variable)
        labels = question.labels if question is not None else {}
        n_exact = sum(s1 == s2 for s1, s2 in zip(first, second, strict=True))
        variable_rows.append(
            {
                "variable": variable,
                "coder_1": coder_1,
                "coder_2": coder_2,
                "n_units": len(units),
                "n_only_coder_1": sum(1 for c in answers.values() if set(c) == {coder_1}),
                "n_only_coder_2": sum(1 for c in answers.values() if set(c) == {coder_2}),
                "n_codes": len(codes),
                "n_exact": n_exact,
                "exact_match": n_exact / len(units) if units else None,
            }
        )
        stacked_1: list[bool] = []
        stacked_2: list[bool] = []
        for code in codes:
            x1 = [code in s for s in first]
            x2 = [code in s for s in second]
            stacked_1 += x1
            stacked_2 += x2
            stat_rows.append(_row(variable, "code", code, labels.get(code, code), units, x1, x2))
        if question is not None and question.two_level:
            for theme, members in question.theme_members().items():
                x1 = [bool(s.intersection(members)) for s in first]
                x2 = [bool(s.intersection(members)) for s in second]
                stat_rows.append(_row(variable, "theme", theme, labels[theme], units, x1, x2))
        stat_rows.append(_row(variable, "pooled", None, None, units, stacked_1, stacked_2))
    return AgreementReport(
        codes=pd.DataFrame(stat_rows, columns=STAT_COLUMNS),
        variables=pd.DataFrame(variable_rows, columns=VARIABLE_COLUMNS),
    )


def two_coders(sets: CodeSets, variable: str) -> tuple[str, str]:
    """The two coders of a variable (sorted); any other number is an error."""
    coders = sorted({c for coders in sets.sets[variable].values() for c in coders})
    if len(coders) != 2:
        raise CodingInputError(
            f"variable {variable} has {len(coders)} coder(s) ({', '.join(coders)}); "
            "agreement needs exactly two coders per variable",
            column="coder",
        )
    return coders[0], coders[1]


def unit_sets(sets: CodeSets, variable: str) -> list[tuple[Hashable, str, CodeSet, str, CodeSet]]:
    """``(respondent, coder_1, set_1, coder_2, set_2)`` for the units of a variable."""
    coder_1, coder_2 = two_coders(sets, variable)
    return [
        (r, coder_1, coders[coder_1], coder_2, coders[coder_2])
        for r, coders in sets.sets[variable].items()
        if coder_1 in coders and coder_2 in coders
    ]


def _row(
    variable: str,
    level: Level,
    code: str | None,
    label: str | None,
    units: list[Hashable],
    x1: list[bool],
    x2: list[bool],
) -> dict[str, Any]:
    stats = binary_agreement(x1, x2)
    if not units:
        stats["undefined_reason"] = "no_units"
    return {
        "variable": variable,
        "level": level,
        "code": code,
        "label": label,
        "n_units": len(units),
        **stats,
    }


def _plain(value: Any) -> Any:
    """NaN/NA to None and numpy scalars to Python, for JSON."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
