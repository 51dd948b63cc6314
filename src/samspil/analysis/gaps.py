"""Importance versus fulfilment (expectation versus experience) gaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from samspil.analysis.likert import _require


def _share(values: pd.Series, codes: Sequence[int], base: Sequence[int] | None) -> float:
    values = values.dropna().astype(float)
    if base is not None:
        values = values[values.isin([float(c) for c in base])]
    return float(values.isin([float(c) for c in codes]).mean() * 100) if values.size else np.nan


def importance_gap(
    df: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    *,
    expectation_codes: Sequence[int],
    experience_codes: Sequence[int],
    expectation_base: Sequence[int] | None = None,
    experience_base: Sequence[int] | None = None,
) -> pd.DataFrame:
    """For each (expectation variable, experience variable) pair: ``a`` = percent giving an
    expectation code (e.g. 'Meget vigtigt'), ``b`` = percent giving an experience code (e.g.
    'I høj grad'), ``difference`` = a − b (percentage points) and ``relative_gap`` =
    (a − b) / a × 100. A ``*_base`` lists the codes in the base (None: every answer)."""
    for expectation, experience in pairs:
        _require(df, [expectation, experience])
    rows = []
    for expectation, experience in pairs:
        a = _share(df[expectation], expectation_codes, expectation_base)
        b = _share(df[experience], experience_codes, experience_base)
        rows.append(
            {
                "item": expectation,
                "experience_item": experience,
                "a": a,
                "b": b,
                "difference": a - b,
                "relative_gap": (a - b) / a * 100 if a else np.nan,
            }
        )
    return pd.DataFrame(rows)
