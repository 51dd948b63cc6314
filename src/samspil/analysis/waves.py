"""Two waves of the same survey side by side: changes and their significance.

Pure statistics on coded answers; the report layer matches items by variable name and
formats. Means are compared with Welch's t-test (unequal variances), shares with the
two-proportion z-test (pooled variance); both two-sided.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

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
    var_a, var_b = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    if var_a == 0 and var_b == 0:
        return math.nan
    from scipy.special import stdtr  # the t tail only: scipy.stats is slow to import

    t = (a.mean() - b.mean()) / math.sqrt(var_a + var_b)
    df = (var_a + var_b) ** 2 / (var_a**2 / (a.size - 1) + var_b**2 / (b.size - 1))
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


def _scale_values(df: pd.DataFrame | None, item: str, exclude: Sequence[int]) -> pd.Series:
    if df is None or item not in df.columns:
        return pd.Series(dtype=float)
    values = df[item].dropna().astype(float)
    return values[~values.isin([float(c) for c in exclude])]


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
    rows = []
    tops = [float(c) for c in top]
    for item in items:
        now = _scale_values(current, item, exclude)
        then = _scale_values(previous, item, exclude)
        k_now, k_then = int(now.isin(tops).sum()), int(then.isin(tops).sum())
        row: dict[str, object] = {"item": item}
        for prefix, values, k in (("", now, k_now), ("prev_", then, k_then)):
            n = int(values.size)
            row[f"{prefix}obs"] = n if n else np.nan
            row[f"{prefix}share"] = k / n * 100 if n else np.nan
            row[f"{prefix}mean"] = float(values.mean()) if n else np.nan
            row[f"{prefix}sd"] = float(values.std(ddof=1)) if n > 1 else np.nan
        both = bool(now.size and then.size)
        row["change_share"] = row["share"] - row["prev_share"] if both else np.nan  # type: ignore[operator]
        row["change_mean"] = row["mean"] - row["prev_mean"] if both else np.nan  # type: ignore[operator]
        row["p_share"] = (
            two_proportions_p(k_now, int(now.size), k_then, int(then.size)) if both else np.nan
        )
        row["p_mean"] = welch_p(now, then) if both else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=WAVE_SUMMARY_COLUMNS)


def significance_mark(p: float, level: float = 0.05) -> str:
    """'*' where p < level, else ''."""
    return "*" if p == p and p < level else ""
