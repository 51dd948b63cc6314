"""Breakdowns by group with chi-square tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def stars(p: float) -> str:
    """'***' for p < .001, '**' for p < .01, '*' for p < .05, else ''."""
    if p != p:  # NaN
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _chi2(table: np.ndarray) -> float:
    """p of Pearson's chi-square test of independence (no continuity correction), as
    ``scipy.stats.chi2_contingency(table, correction=False)``; empty rows and columns are
    left out first, NaN when less than 2 x 2 remain."""
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return float("nan")
    from scipy.special import chdtrc  # the chi-square tail only: scipy.stats is slow to import

    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    return float(chdtrc(dof, statistic))


def _in_rowspan(known: np.ndarray, vector: np.ndarray) -> bool:
    rank = np.linalg.matrix_rank(known)
    return bool(np.linalg.matrix_rank(np.vstack([known, vector])) == rank)


def _disclosive(
    patterns: np.ndarray, counts: np.ndarray, suppressed: np.ndarray, min_cell: int
) -> bool:
    """Whether the published rows give away a small number of respondents.

    ``patterns`` are the distinct group memberships (atoms x groups) of the respondents in
    the base and ``counts`` how many respondents share each. The reader knows the total
    row (the overall distribution is printed elsewhere in the report too) and every
    published group: each is a sum over the atoms it contains. A primary-suppressed group
    (0 < n < min_cell) must not be a linear combination of those rows, and the residual -
    everyone in no published group, which total minus published groups gives for exclusive
    groups - must hold no respondent or at least ``min_cell``."""
    published = patterns[:, ~suppressed].T.astype(float)
    known = np.vstack([np.ones((1, len(counts))), published])
    sizes = counts @ patterns
    for g in np.flatnonzero(suppressed & (sizes > 0) & (sizes < min_cell)):
        if _in_rowspan(known, patterns[:, g].astype(float)):
            return True
    residual = ~patterns[:, ~suppressed].any(axis=1)
    left = int(counts[residual].sum())
    return 0 < left < min_cell and _in_rowspan(known, residual.astype(float))


def _atoms(membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean matrix and how often each occurs (rows packed into
    integers first: much faster than sorting the rows themselves)."""
    groups = membership.shape[1]
    if groups > 62:
        return np.unique(membership, axis=0, return_counts=True)
    bits = np.left_shift(np.int64(1), np.arange(groups, dtype=np.int64))
    codes, counts = np.unique(membership.astype(np.int64) @ bits, return_counts=True)
    return (codes[:, None] & bits) > 0, counts


def protect(membership: np.ndarray, min_cell: int) -> np.ndarray:
    """Which groups to suppress: primary and secondary suppression of a by-group table.

    ``membership`` is a boolean matrix (respondents in the base x groups; groups may
    overlap). Groups with fewer than ``min_cell`` respondents are suppressed (primary);
    then, as statistical disclosure control requires, the smallest other groups are
    suppressed one by one until no primary-suppressed group can be derived by subtraction
    from the total and the published groups, and what total minus published groups leaves
    covers no respondent or at least ``min_cell`` of them (secondary suppression)."""
    membership = np.asarray(membership, dtype=bool)
    sizes = membership.sum(axis=0)
    suppressed = sizes < min_cell
    if not len(membership):
        return suppressed
    patterns, counts = _atoms(membership)
    while _disclosive(patterns, counts, suppressed, min_cell):
        candidates = np.flatnonzero(~suppressed)
        if not candidates.size:
            break
        suppressed[candidates[np.argmin(sizes[candidates])]] = True
    return suppressed


class _Outcomes:
    """The answers of one variable counted per outcome: each category, or (``combine``) the
    combined codes and the rest of the base."""

    def __init__(self, values: pd.Series, categories: Sequence[int], combine: Sequence[int] | None):
        cats = [float(c) for c in categories]
        self.categories = list(categories)
        self.combine = bool(combine)
        self.values = values.astype(float)
        self.in_base = self.values.isin(cats)
        self.codes: list[list[float]] = [[float(c) for c in combine]] if combine else []
        if combine:
            self.codes.append([c for c in cats if c not in self.codes[0]])
        else:
            self.codes = [[c] for c in cats]

    def counts(self, mask: pd.Series) -> np.ndarray:
        v = self.values[mask & self.in_base]
        return np.array([v.isin(codes).sum() for codes in self.codes], dtype=float)

    def row(self, label: str, c: np.ndarray, suppressed: bool) -> dict[object, object]:
        n = int(c.sum())
        row: dict[object, object] = {"group": label}
        shares = c / n * 100 if n and not suppressed else np.full(len(c), np.nan)
        if self.combine:
            row["percent"] = shares[0]
        else:
            row.update(zip(self.categories, shares, strict=True))
        return row | {"n": np.nan if suppressed else n, "suppressed": suppressed}


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
    codes is kept in a column ``percent`` (and the test is on combined vs the rest).

    Groups with fewer than ``min_cell`` respondents are suppressed, and as many other groups
    as :func:`protect` needs so that no suppressed group can be derived by subtraction:
    their numbers, ``n`` included, are NaN, ``suppressed`` is True, and ``secondary`` marks
    the groups suppressed only to protect others (the test leaves all of them out). With
    ``total``, a last row of that label covers every respondent (not part of the test)."""
    if variable not in df.columns:
        raise ValueError(f"variable not in the data: {variable}")
    outcomes = _Outcomes(df[variable], categories, combine)
    masks = {label: mask.fillna(False).astype(bool) for label, mask in groups.items()}
    membership = np.zeros((int(outcomes.in_base.sum()), len(masks)), dtype=bool)
    for j, mask in enumerate(masks.values()):
        membership[:, j] = mask[outcomes.in_base].to_numpy(dtype=bool)
    hidden = protect(membership, min_cell)
    primary = membership.sum(axis=0) < min_cell
    rows = []
    kept: list[np.ndarray] = []
    for (label, mask), suppressed, small in zip(masks.items(), hidden, primary, strict=True):
        c = outcomes.counts(mask)
        row = outcomes.row(label, c, bool(suppressed)) | {
            "secondary": bool(suppressed and not small)
        }
        if overlapping:
            row["p"] = np.nan if suppressed else _chi2(np.vstack([c, outcomes.counts(~mask)]))
        elif not suppressed:
            kept.append(c)
        rows.append(row)
    if not overlapping:
        p = _chi2(np.vstack(kept)) if len(kept) > 1 else np.nan
        for row in rows:
            row["p"] = p
    if total is not None:
        c = outcomes.counts(pd.Series(True, index=df.index))
        small = int(c.sum()) < min_cell
        rows.append(outcomes.row(total, c, small) | {"secondary": False, "p": np.nan})
    result = pd.DataFrame(rows)
    result["stars"] = result["p"].map(stars)
    return result
