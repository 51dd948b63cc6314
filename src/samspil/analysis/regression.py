"""Logistic regression used to check whether a group difference survives controls."""

from __future__ import annotations

import warnings
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


def controlled_difference(
    outcome: pd.Series, groups: pd.DataFrame, controls: pd.DataFrame
) -> dict[str, float]:
    """Does a group difference survive controls? Likelihood-ratio test of the ``groups``
    dummy columns in a logistic regression of ``outcome`` (0/1; NaN = not in the base) on
    groups + ``controls`` (dummy columns), against the model with the controls only.

    Returns ``p`` (NaN when a model cannot be fitted or its fit does not converge, e.g.
    (quasi-)perfect separation), ``lr``
    (the test statistic), ``df`` and ``n`` (complete cases)."""
    import statsmodels.api as sm
    from scipy.special import chdtrc
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    data = pd.concat([outcome.rename("__y"), groups, controls], axis=1).dropna().astype(float)
    result = {"p": np.nan, "lr": np.nan, "df": float(groups.shape[1]), "n": float(len(data))}
    if data.empty or data["__y"].nunique() < 2 or groups.shape[1] == 0:
        return result
    y = data["__y"]
    full_x = sm.add_constant(data[[*groups.columns, *controls.columns]], has_constant="add")
    reduced_x = sm.add_constant(data[list(controls.columns)], has_constant="add")
    try:
        with warnings.catch_warnings():
            # a fit that does not converge is reported as NaN below, not as a warning
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            full = sm.Logit(y, full_x).fit(disp=False, maxiter=200)
            reduced = sm.Logit(y, reduced_x).fit(disp=False, maxiter=200)
    except (np.linalg.LinAlgError, ValueError, RuntimeError):
        return result
    if not (full.mle_retvals.get("converged", True) and reduced.mle_retvals.get("converged", True)):
        return result  # e.g. (quasi-)separation: the likelihoods are not maxima
    lr = max(0.0, 2 * (full.llf - reduced.llf))
    result.update(lr=float(lr), p=float(chdtrc(groups.shape[1], lr)))
    return result
