"""Weighted tables: a weight per respondent (``--weights COLUMN``) in shares, means and
percentages, with Kish's effective sample size.

The same tables as :mod:`samspil.analysis.likert` and :mod:`samspil.analysis.distributions`
make, with the percentages, means and standard deviations weighted and ``n_eff`` added;
``obs`` and ``n`` stay the unweighted numbers of answers. The weighted standard deviation
uses the denominator for reliability weights, ``sum(w) - sum(w**2)/sum(w)``, which does
not depend on the weights' scale and is the ordinary (ddof=1) one when every weight is 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from samspil.analysis.likert import SUMMARY_COLUMNS, _require


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2 (NaN without weights)."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum()) if w.size and (w**2).sum() > 0 else np.nan


def weighted_sd(values: np.ndarray, weights: np.ndarray) -> float:
    """The weighted standard deviation (reliability weights; NaN below 2 answers)."""
    if values.size < 2:
        return np.nan
    total = weights.sum()
    mean = np.average(values, weights=weights)
    denominator = total - (weights**2).sum() / total
    if denominator <= 0:
        return np.nan
    return float(np.sqrt((weights * (values - mean) ** 2).sum() / denominator))


def _pairs(values: pd.Series, weights: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The answered values and their weights."""
    x = values.to_numpy(dtype=float, na_value=np.nan)
    w = weights.to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(x)
    return x[keep], w[keep]


def weighted_likert_summary(
    df: pd.DataFrame,
    items: Sequence[str],
    weights: pd.Series,
    *,
    top: Sequence[int],
    exclude: Sequence[int] = (),
) -> pd.DataFrame:
    """:func:`samspil.analysis.likert_summary` weighted, with ``n_eff``."""
    _require(df, items)
    rows = []
    for item in items:
        values, w = _pairs(df[item], weights)
        is_excluded = np.isin(values, list(exclude))
        kept, kw = values[~is_excluded], w[~is_excluded]
        obs = int(kept.size)
        rows.append(
            {
                "item": item,
                "obs": obs,
                "share": float(np.average(np.isin(kept, list(top)), weights=kw) * 100)
                if obs
                else np.nan,
                "mean": float(np.average(kept, weights=kw)) if obs else np.nan,
                "sd": weighted_sd(kept, kw),
                "min": float(kept.min()) if obs else np.nan,
                "max": float(kept.max()) if obs else np.nan,
                "excluded": int(is_excluded.sum()),
                "n_eff": effective_n(kw),
            }
        )
    return pd.DataFrame(rows, columns=[*SUMMARY_COLUMNS, "n_eff"])


def weighted_numeric_summary(
    df: pd.DataFrame, items: Sequence[str], weights: pd.Series
) -> pd.DataFrame:
    """:func:`samspil.analysis.numeric_summary` with weighted mean, SD and median (the
    smallest value with at least half the weight at or below it), and ``n_eff``; min and
    max are the answers'."""
    _require(df, items)
    rows = []
    for item in items:
        values, w = _pairs(df[item], weights)
        n = values.size
        median = np.nan
        if n:
            order = np.argsort(values, kind="stable")
            cumulative = np.cumsum(w[order])
            median = float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
        rows.append(
            {
                "item": item,
                "obs": int(n),
                "mean": float(np.average(values, weights=w)) if n else np.nan,
                "sd": weighted_sd(values, w),
                "min": float(values.min()) if n else np.nan,
                "median": median,
                "max": float(values.max()) if n else np.nan,
                "n_eff": effective_n(w),
            }
        )
    columns = ["item", "obs", "mean", "sd", "min", "median", "max", "n_eff"]
    return pd.DataFrame(rows, columns=columns)


def weighted_distribution(
    df: pd.DataFrame, items: Sequence[str], categories: Sequence[int], weights: pd.Series
) -> pd.DataFrame:
    """:func:`samspil.analysis.distribution` with weighted percentages; ``n`` unweighted."""
    _require(df, items)
    rows = []
    for item in items:
        values, w = _pairs(df[item], weights)
        inside = np.isin(values, categories)
        total = w[inside].sum()
        row: dict[object, object] = {"item": item}
        for code in categories:
            row[code] = float(w[values == code].sum() / total * 100) if total else np.nan
        row["n"] = int(inside.sum())
        row["n_eff"] = effective_n(w[inside])
        rows.append(row)
    return pd.DataFrame(rows, columns=["item", *categories, "n", "n_eff"])


def weighted_frequency(
    series: pd.Series, categories: Sequence[int], weights: pd.Series
) -> pd.DataFrame:
    """:func:`samspil.analysis.frequency` with weighted percentages; ``n`` unweighted."""
    values, w = _pairs(series, weights)
    inside = np.isin(values, categories)
    total = w[inside].sum()
    rows = [
        {
            "answer": code,
            "n": int((values == code).sum()),
            "percent": float(w[values == code].sum() / total * 100) if total else np.nan,
        }
        for code in categories
    ]
    table = pd.DataFrame(rows, columns=["answer", "n", "percent"])
    table.attrs["n_eff"] = effective_n(w[inside])
    return table


def weighted_multiple_response(
    df: pd.DataFrame, options: Sequence[str], weights: pd.Series
) -> pd.DataFrame:
    """:func:`samspil.analysis.multiple_response` with weighted percentages of those who
    answered the question; ``n`` unweighted."""
    _require(df, options)
    block = df[list(options)].astype(float)
    answered = block.notna().any(axis=1).to_numpy()
    w = weights.to_numpy(dtype=float)[answered]
    total = w.sum()
    rows = []
    for option in options:
        chosen = block[option].to_numpy()[answered] == 1
        rows.append(
            {
                "option": option,
                "n": int(chosen.sum()),
                "percent": float(w[chosen].sum() / total * 100) if total else np.nan,
            }
        )
    table = pd.DataFrame(rows, columns=["option", "n", "percent"])
    table.attrs["base"] = int(answered.sum())
    table.attrs["n_eff"] = effective_n(w)
    return table
