"""Breakdowns by group with chi-square tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency


def stars(p: float) -> str:
    """'***' for p < .001, '**' for p < .01, '*' for p < .05, else ''."""
    if p != p:  # NaN
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _chi2(table: np.ndarray) -> float:
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return float("nan")
    return float(chi2_contingency(table, correction=False).pvalue)


def crosstab(
    df: pd.DataFrame,
    variable: str,
    groups: Mapping[str, pd.Series],
    categories: Sequence[int],
    *,
    overlapping: bool = False,
    min_cell: int = 5,
    combine: Sequence[int] | None = None,
    total: str | None = None,
) -> pd.DataFrame:
    """Percent per category of ``variable`` within each group (rows), with ``n``.

    ``groups`` maps a group label to a boolean mask over ``df``. With ``overlapping`` (a
    respondent may be in several groups, e.g. administrative areas) each group is tested
    against everyone outside it (2×k chi-square, ``p`` per row); otherwise the groups are
    tested together (g×k chi-square, the same ``p`` on every row). Answers outside
    ``categories`` are out of the base. With ``combine``, only the summed percentage of those
    codes is kept in a column ``percent`` (and the test is on combined vs the rest). Groups
    with fewer than ``min_cell`` respondents are suppressed: their numbers are NaN and
    ``suppressed`` is True (the test leaves them out). With ``total``, a last row of that
    label covers every respondent (not part of the test)."""
    if variable not in df.columns:
        raise ValueError(f"variable not in the data: {variable}")
    cats = [float(c) for c in categories]
    values = df[variable].astype(float)
    in_base = values.isin(cats)
    outcome_codes: list[list[float]] = (
        [[float(c) for c in combine]] if combine else [[c] for c in cats]
    )
    if combine:
        outcome_codes.append([c for c in cats if c not in outcome_codes[0]])

    def counts(mask: pd.Series) -> np.ndarray:
        v = values[mask & in_base]
        return np.array([v.isin(codes).sum() for codes in outcome_codes], dtype=float)

    def row_for(label: str, c: np.ndarray, suppressed: bool) -> dict[object, object]:
        n = int(c.sum())
        row: dict[object, object] = {"group": label}
        shares = c / n * 100 if n and not suppressed else np.full(len(c), np.nan)
        if combine:
            row["percent"] = shares[0]
        else:
            row.update(zip(categories, shares, strict=True))
        return row | {"n": n, "suppressed": suppressed}

    rows = []
    kept: list[np.ndarray] = []
    for label, mask in groups.items():
        mask = mask.fillna(False).astype(bool)
        c = counts(mask)
        row = row_for(label, c, int(c.sum()) < min_cell)
        if overlapping:
            row["p"] = np.nan if row["suppressed"] else _chi2(np.vstack([c, counts(~mask)]))
        elif not row["suppressed"]:
            kept.append(c)
        rows.append(row)
    if not overlapping:
        p = _chi2(np.vstack(kept)) if len(kept) > 1 else np.nan
        for row in rows:
            row["p"] = p
    if total is not None:
        c = counts(pd.Series(True, index=df.index))
        rows.append(row_for(total, c, int(c.sum()) < min_cell) | {"p": np.nan})
    result = pd.DataFrame(rows)
    result["stars"] = result["p"].map(stars)
    return result
