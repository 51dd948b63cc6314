"""Summaries of rating scales: obs, share in the top categories, mean, SD, min, max."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ["item", "obs", "share", "mean", "sd", "min", "max", "excluded"]


def _require(df: pd.DataFrame, items: Sequence[str]) -> None:
    missing = [i for i in items if i not in df.columns]
    if missing:
        raise ValueError(f"variables not in the data: {', '.join(missing)}")


def answered(values: pd.Series) -> np.ndarray:
    """The answers (codes or numbers) of one variable as floats, without the missing ones
    (plain arrays: much faster than Series for the few statistics taken of each)."""
    array = values.to_numpy(dtype=float, na_value=np.nan)
    return array[~np.isnan(array)]


def likert_summary(
    df: pd.DataFrame,
    items: Sequence[str],
    *,
    top: Sequence[int],
    exclude: Sequence[int] = (),
) -> pd.DataFrame:
    """One row per item: answers on the scale (``exclude`` codes such as 'Ikke relevant'
    are left out and counted in ``excluded``), the percentage (0-100) answering one of the
    ``top`` codes, and mean, sample SD (ddof=1), min and max of the codes."""
    _require(df, items)
    if not top:
        raise ValueError("likert_summary needs at least one top code")
    rows = []
    for item in items:
        values = answered(df[item])
        is_excluded = np.isin(values, list(exclude))
        kept = values[~is_excluded]
        obs = int(kept.size)
        rows.append(
            {
                "item": item,
                "obs": obs,
                "share": float(np.isin(kept, list(top)).mean() * 100) if obs else np.nan,
                "mean": float(kept.mean()) if obs else np.nan,
                "sd": float(kept.std(ddof=1)) if obs > 1 else np.nan,
                "min": float(kept.min()) if obs else np.nan,
                "max": float(kept.max()) if obs else np.nan,
                "excluded": int(is_excluded.sum()),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def numeric_summary(df: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    """Observations, mean, SD (ddof=1), min, median and max of numeric answers."""
    _require(df, items)
    rows = []
    for item in items:
        values = answered(df[item])
        rows.append(
            {
                "item": item,
                "obs": int(values.size),
                "mean": float(values.mean()) if values.size else np.nan,
                "sd": float(values.std(ddof=1)) if values.size > 1 else np.nan,
                "min": float(values.min()) if values.size else np.nan,
                "median": float(np.median(values)) if values.size else np.nan,
                "max": float(values.max()) if values.size else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["item", "obs", "mean", "sd", "min", "median", "max"])
