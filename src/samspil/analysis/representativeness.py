"""Who answered against who was asked, and weights that make the one look like the other.

:func:`representativeness` sets the respondents' spread over the categories of one
characteristic (region, size band, ...) against the population's, with a chi-square
goodness-of-fit test of the respondents' counts against the counts the population's shares
give. :func:`rake` computes raking weights (iterative proportional fitting of the
respondents' weighted counts to the population's margins) with weightipy.

Pure (no Django): DataFrames and Series in, DataFrames and Series out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

COLUMNS = ["category", "population", "population_pct", "respondents", "respondents_pct"]


def representativeness(
    respondents: pd.Series, population: pd.Series, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per category (``order``, else the population's categories sorted): the
    population's count and percent, the respondents' count and percent. Respondents or
    units without a category (NaN) are left out. ``attrs``: ``chi2``, ``df``, ``p`` of
    ``scipy.stats.chisquare`` (observed: respondents per category; expected: their number
    times the population's shares; NaN with fewer than two categories or no respondents)
    and ``expected`` (the expected counts, in order)."""
    units = population.dropna().astype(str)
    answers = respondents.dropna().astype(str)
    categories = list(order) if order is not None else sorted(units.unique())
    pop = units.value_counts().reindex(categories, fill_value=0).astype(int)
    obs = answers.value_counts().reindex(categories, fill_value=0).astype(int)
    total_pop, total_obs = int(pop.sum()), int(obs.sum())
    table = pd.DataFrame(
        {
            "category": categories,
            "population": pop.to_numpy(),
            "population_pct": pop.to_numpy() / total_pop * 100 if total_pop else np.nan,
            "respondents": obs.to_numpy(),
            "respondents_pct": obs.to_numpy() / total_obs * 100 if total_obs else np.nan,
        },
        columns=COLUMNS,
    )
    chi2 = p = np.nan
    inside = pop.to_numpy() > 0
    expected = np.full(len(categories), np.nan)
    if total_pop and total_obs:
        expected = pop.to_numpy() / total_pop * total_obs
    if inside.sum() >= 2 and total_obs and obs.to_numpy()[~inside].sum() == 0:
        from scipy import stats  # loaded only for the test (reports import this module)

        result = stats.chisquare(obs.to_numpy()[inside], expected[inside])
        chi2, p = float(result.statistic), float(result.pvalue)
    table.attrs.update(
        {"chi2": chi2, "df": int(inside.sum()) - 1, "p": p, "expected": expected.tolist()}
    )
    return table


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 10_000,
) -> pd.Series:
    """Raking weights: one per row of ``frame`` (whose columns are the margins' names,
    every row in one of each margin's categories), mean 1, such that the weighted shares of
    each margin's categories equal the margin's (counts or shares, any scale). Computed
    with weightipy's RIM (iterative proportional fitting) to ``tolerance``."""
    import weightipy

    missing = [name for name in margins if name not in frame.columns]
    if missing:
        raise ValueError(f"no column for the margins {missing}")
    for name, margin in margins.items():
        outside = set(frame[name].astype(str)) - {str(k) for k in margin}
        if outside:
            raise ValueError(f"{name}: categories {sorted(outside)} have no population margin")
    scheme_dict = {
        name: {
            str(k): float(v) / sum(margin.values()) * 100
            for k, v in margin.items()
            if (frame[name].astype(str) == str(k)).any()
        }
        for name, margin in margins.items()
    }
    scheme = weightipy.scheme_from_dict(
        scheme_dict,  # type: ignore[arg-type]
        name="rake",
        rim_params={"convcrit": tolerance, "max_iterations": max_iterations},
    )
    data = pd.DataFrame({name: frame[name].astype(str).to_numpy() for name in margins})
    weights = weightipy.weight(data, scheme)
    return pd.Series(weights.to_numpy(dtype=float), index=frame.index, name="weight")
