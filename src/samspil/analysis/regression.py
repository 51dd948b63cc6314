"""Logistic regression used to check whether a group difference survives controls."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def logit_controls(df: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """Fit ``outcome`` (0/1) on ``predictors`` (numeric or 0/1 columns, complete cases).

    Returns one row per term: ``term``, ``coef``, ``odds_ratio``, ``p``, ``ci_low``,
    ``ci_high`` (95% CI of the odds ratio) and ``n`` (cases used)."""
    import statsmodels.api as sm  # imported here: slow to import, rarely needed

    missing = [c for c in [outcome, *predictors] if c not in df.columns]
    if missing:
        raise ValueError(f"variables not in the data: {', '.join(missing)}")
    data = df[[outcome, *predictors]].dropna().astype(float)
    if not set(data[outcome].unique()) <= {0.0, 1.0}:
        raise ValueError(f"outcome {outcome} must be coded 0/1")
    if data[outcome].nunique() < 2:
        raise ValueError(f"outcome {outcome} has only one value among complete cases")
    model = sm.Logit(data[outcome], sm.add_constant(data[list(predictors)], has_constant="add"))
    fit = model.fit(disp=False)
    ci = np.exp(fit.conf_int())
    return pd.DataFrame(
        {
            "term": fit.params.index,
            "coef": fit.params.to_numpy(),
            "odds_ratio": np.exp(fit.params.to_numpy()),
            "p": fit.pvalues.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
            "n": len(data),
        }
    )
