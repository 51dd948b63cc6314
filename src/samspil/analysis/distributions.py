"""Distributions of answers: per item over categories, single-choice frequencies,
multiple-response percentages and counts of numbers in bins."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from samspil.analysis.likert import _require, answered


def distribution(
    df: pd.DataFrame,
    items: Sequence[str],
    categories: Sequence[int],
) -> pd.DataFrame:
    """Percent (0-100) of each item's answers per category code, and ``n``.

    The base is the answers whose code is in ``categories``: leave a special answer (e.g.
    'Ved ikke') out of ``categories`` to leave it out of the base. Columns: ``item``, one
    column per code (int), ``n``."""
    _require(df, items)
    if not categories:
        raise ValueError("distribution needs at least one category")
    rows = []
    for item in items:
        counts = _counts(df[item], categories)
        n = int(counts.sum())
        row: dict[str, object] = {"item": item}
        for code, count in zip(categories, counts, strict=True):
            row[code] = float(count / n * 100) if n else np.nan  # type: ignore[index]
        row["n"] = n
        rows.append(row)
    return pd.DataFrame(rows, columns=["item", *categories, "n"])


def _counts(values: pd.Series, categories: Sequence[int]) -> np.ndarray:
    """How many answers have each code of ``categories`` (in that order)."""
    answers = answered(values)
    return np.array([np.count_nonzero(answers == float(c)) for c in categories])


def frequency(series: pd.Series, categories: Sequence[int]) -> pd.DataFrame:
    """Single-choice frequencies: ``answer`` (code), ``n``, ``percent`` of the answers whose
    code is in ``categories`` (in that order)."""
    counts = _counts(series, categories)
    total = int(counts.sum())
    rows = [
        {
            "answer": code,
            "n": int(count),
            "percent": float(count / total * 100) if total else np.nan,
        }
        for code, count in zip(categories, counts, strict=True)
    ]
    return pd.DataFrame(rows, columns=["answer", "n", "percent"])


def multiple_response(df: pd.DataFrame, options: Sequence[str]) -> pd.DataFrame:
    """Multiple choice as percent of respondents: ``option`` (variable), ``n`` ticking it,
    ``percent`` of those who answered the question (any option not missing)."""
    _require(df, options)
    block = df[list(options)].astype(float)
    answered = block.notna().any(axis=1)
    base = int(answered.sum())
    rows = []
    for option in options:
        n = int((block.loc[answered, option] == 1).sum())
        rows.append({"option": option, "n": n, "percent": n / base * 100 if base else np.nan})
    result = pd.DataFrame(rows, columns=["option", "n", "percent"])
    result.attrs["base"] = base
    return result


def bin_counts(series: pd.Series, bins: Sequence[tuple[float, float | None, str]]) -> pd.DataFrame:
    """Counts of numbers in inclusive bins ``(low, high, label)``; ``high=None`` is open.
    Columns ``answer`` (label), ``n``, ``percent`` of all non-missing values."""
    values = series.dropna().astype(float)
    total = int(values.size)
    rows = []
    for low, high, label in bins:
        inside = values >= low if high is None else values.between(low, high)
        n = int(inside.sum())
        rows.append({"answer": label, "n": n, "percent": n / total * 100 if total else np.nan})
    covered = sum(r["n"] for r in rows)  # type: ignore[misc]
    if covered != total:
        raise ValueError(f"the bins cover {covered} of {total} values; check for gaps or overlaps")
    return pd.DataFrame(rows, columns=["answer", "n", "percent"])
