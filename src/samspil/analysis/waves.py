"""Two waves of the same survey side by side: changes and their significance.

Pure statistics on coded answers; the report layer matches items by variable name and
formats. Means are compared with Welch's t-test (unequal variances), shares with the
two-proportion z-test (pooled variance); both two-sided.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from samspil.analysis.likert import likert_summary

WAVE_SUMMARY_COLUMNS = [
    "item",
    "obs",
    "share",
    "mean",
    "sd",
    "prev_obs",
    "prev_share",
    "prev_mean",
    "prev_sd",
    "change_share",
    "p_share",
    "change_mean",
    "p_mean",
]


def welch_p(a: pd.Series, b: pd.Series) -> float:
    """Two-sided p of Welch's t-test of equal means; NaN with fewer than 2 answers on a
    side or no variance at all."""
    a = a.dropna().astype(float)
    b = b.dropna().astype(float)
    if a.size < 2 or b.size < 2:
        return math.nan
    return welch_p_of(a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size)


def welch_p_of(
    mean_a: float, sd_a: float, n_a: float, mean_b: float, sd_b: float, n_b: float
) -> float:
    """:func:`welch_p` from each side's mean, SD (ddof=1) and number of answers."""
    if not (n_a >= 2 and n_b >= 2):  # (NaN counts too)
        return math.nan
    var_a, var_b = sd_a**2 / n_a, sd_b**2 / n_b
    if var_a == 0 and var_b == 0:
        return math.nan
    from scipy.special import stdtr  # the t tail only: scipy.stats is slow to import

    t = (mean_a - mean_b) / math.sqrt(var_a + var_b)
    df = (var_a + var_b) ** 2 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
    return float(2 * stdtr(df, -abs(t)))


def two_proportions_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p of the pooled two-proportion z-test of k1/n1 = k2/n2; NaN where a base is
    empty or the pooled share is 0 or 1 (no variance)."""
    if n1 == 0 or n2 == 0:
        return math.nan
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return math.nan
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / se
    from scipy.special import ndtr

    return float(2 * ndtr(-abs(z)))


def wave_summary(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    items: Sequence[str],
    *,
    top: Sequence[int],
    exclude: Sequence[int] = (),
) -> pd.DataFrame:
    """One row per item (present in either wave): obs, share in the ``top`` codes (0-100),
    mean and SD in each wave, the changes (this wave minus the previous, in points) and
    their p-values. An item missing in one wave has NaN on that side."""

    def summary(data: pd.DataFrame | None) -> pd.DataFrame | None:
        if data is None or not any(i in data.columns for i in items):
            return None
        present = [i for i in items if i in data.columns]
        return likert_summary(data, present, top=top, exclude=exclude)

    table = compare_summaries(summary(current), summary(previous), items)
    return table[WAVE_SUMMARY_COLUMNS]


def compare_summaries(
    now: pd.DataFrame | None, then: pd.DataFrame | None, items: Sequence[str]
) -> pd.DataFrame:
    """Two waves' summaries of the same items side by side, one row per item of ``items``.

    ``now`` and ``then`` have columns ``item``, ``obs``, ``mean``, ``sd`` and, for rating
    scales, ``share`` (as :func:`likert_summary` and :func:`numeric_summary` make them; None
    or an item left out: not asked in that wave). Adds ``prev_`` columns, the changes (this
    wave minus the previous, in points) and their p-values (Welch's t-test; the
    two-proportion z-test for shares). A side without answers has NaN, its ``obs`` too."""
    known = [frame for frame in (now, then) if frame is not None and "item" in frame.columns]
    stats = [c for c in ("obs", "share", "mean", "sd") if any(c in f.columns for f in known)]
    stats = stats or ["obs", "mean", "sd"]
    table = pd.DataFrame({"item": list(items)})
    for prefix, summary in (("", now), ("prev_", then)):
        if summary is None or "item" not in summary.columns:  # not asked in that wave
            empty = {c: pd.Series(dtype=float) for c in stats}
            summary = pd.DataFrame({"item": pd.Series(dtype=object), **empty})
        side = summary.reindex(columns=["item", *stats])
        side = side.rename(columns={c: prefix + c for c in stats})
        table = table.merge(side, on="item", how="left")
        table[f"{prefix}obs"] = table[f"{prefix}obs"].where(table[f"{prefix}obs"] > 0)
    both = table["obs"].notna() & table["prev_obs"].notna()
    rows = table.to_dict("records")
    if "share" in stats:
        table["change_share"] = (table["share"] - table["prev_share"]).where(both)
        table["p_share"] = [_share_p(r) if b else np.nan for r, b in zip(rows, both, strict=True)]
    table["change_mean"] = (table["mean"] - table["prev_mean"]).where(both)
    table["p_mean"] = [
        welch_p_of(r["mean"], r["sd"], r["obs"], r["prev_mean"], r["prev_sd"], r["prev_obs"])
        if b
        else np.nan
        for r, b in zip(rows, both, strict=True)
    ]
    return table


def _share_p(row: dict[Any, Any]) -> float:
    """The two-proportion test of a row of :func:`compare_summaries`."""
    n, prev_n = int(row["obs"]), int(row["prev_obs"])
    k, prev_k = round(row["share"] * n / 100), round(row["prev_share"] * prev_n / 100)
    return two_proportions_p(k, n, prev_k, prev_n)


def significance_mark(p: float, level: float = 0.05) -> str:
    """'*' where p < level, else ''."""
    return "*" if p == p and p < level else ""


# -- panels: the same units in both waves ----------------------------------------------------

PAIRED_COLUMNS = ["item", "pairs", "stat_mean", "p_mean", "discordant", "stat_share", "p_share"]
EXACT_BELOW = 25  # McNemar: the exact binomial test below this many discordant pairs


def matched(
    current: pd.DataFrame, previous: pd.DataFrame, key: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both waves' rows of the units in both (matched on ``key``), in the same order; units
    without a key are left out."""
    now = current[current[key].notna()].set_index(key)
    then = previous[previous[key].notna()].set_index(key)
    both = now.index.intersection(then.index, sort=False)
    return now.loc[both], then.loc[both]


def paired_mean_test(a: ArrayLike, b: ArrayLike, method: str = "t") -> tuple[float, float]:
    """(statistic, two-sided p) of the change from ``b`` to ``a``, pair by pair: the paired
    t-test (``method="t"``) or the Wilcoxon signed-rank test (``"wilcoxon"``, scipy's
    defaults: zero differences dropped); NaN with fewer than 2 pairs or no differences."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size < 2 or not np.any(x != y):
        return math.nan, math.nan
    from scipy import stats

    result = stats.wilcoxon(x, y) if method == "wilcoxon" else stats.ttest_rel(x, y)
    return float(result.statistic), float(result.pvalue)


def mcnemar_test(a: ArrayLike, b: ArrayLike) -> tuple[float, float, int]:
    """(statistic, two-sided p, discordant pairs) of McNemar's test that a share is the same
    in both waves of the same units (``a`` now, ``b`` before): the exact binomial test
    below :data:`EXACT_BELOW` discordant pairs, else the chi-square test with continuity
    correction (statsmodels). NaN without any discordant pair."""
    x, y = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    table = [
        [int((x & y).sum()), int((x & ~y).sum())],
        [int((~x & y).sum()), int((~x & ~y).sum())],
    ]
    discordant = table[0][1] + table[1][0]
    if discordant == 0:
        return math.nan, math.nan, 0
    from statsmodels.stats.contingency_tables import mcnemar

    result = mcnemar(table, exact=discordant < EXACT_BELOW)
    return float(result.statistic), float(result.pvalue), discordant


def paired_summary(
    now: pd.DataFrame,
    then: pd.DataFrame,
    items: Sequence[str],
    *,
    top: Sequence[int] = (),
    exclude: Sequence[int] = (),
    method: str = "t",
) -> pd.DataFrame:
    """One row per item of the matched units' rows (:func:`matched`): the pairs answered in
    both waves (``exclude`` codes count as not answered), the paired test of the mean
    (:func:`paired_mean_test`) and, with ``top`` codes, McNemar's test of the share
    answering one of them (:func:`mcnemar_test`). An item missing in a wave: NaN."""
    rows = []
    for item in items:
        row: dict[str, Any] = {"item": item, "pairs": np.nan}
        if item in now.columns and item in then.columns:
            a = now[item].to_numpy(dtype=float, na_value=np.nan)
            b = then[item].to_numpy(dtype=float, na_value=np.nan)
            keep = ~np.isnan(a) & ~np.isnan(b) & ~np.isin(a, exclude) & ~np.isin(b, exclude)
            a, b = a[keep], b[keep]
            row["pairs"] = int(keep.sum())
            row["stat_mean"], row["p_mean"] = paired_mean_test(a, b, method)
            if top:
                stat, p, discordant = mcnemar_test(np.isin(a, top), np.isin(b, top))
                row.update(stat_share=stat, p_share=p, discordant=discordant)
        rows.append(row)
    return pd.DataFrame(rows).reindex(columns=PAIRED_COLUMNS)
