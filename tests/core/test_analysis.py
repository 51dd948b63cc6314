"""The analysis core against hand-worked cases and scipy/statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from samspil import analysis


def frame(**columns):
    return pd.DataFrame({k: pd.Series(v, dtype=float) for k, v in columns.items()})


def test_likert_summary_leaves_out_not_applicable_and_counts_it():
    df = frame(x=[1, 2, 4, 5, 9, np.nan])  # 9 = Ikke relevant
    row = analysis.likert_summary(df, ["x"], top=[4, 5], exclude=[9]).iloc[0]
    assert row["obs"] == 4
    assert row["excluded"] == 1
    assert row["share"] == pytest.approx(50.0)
    assert row["mean"] == pytest.approx(3.0)
    assert row["sd"] == pytest.approx(np.std([1, 2, 4, 5], ddof=1))
    assert (row["min"], row["max"]) == (1, 5)


def test_distribution_with_and_without_dont_know_in_the_base():
    df = frame(x=[1, 1, 2, 8])  # 8 = Ved ikke
    with_dk = analysis.distribution(df, ["x"], [1, 2, 8]).iloc[0]
    without = analysis.distribution(df, ["x"], [1, 2]).iloc[0]
    assert (with_dk[1], with_dk[2], with_dk[8], with_dk["n"]) == (50.0, 25.0, 25.0, 4)
    assert without[1] == pytest.approx(200 / 3)
    assert without["n"] == 3


def test_frequency_keeps_the_printed_order_of_codes():
    table = analysis.frequency(pd.Series([5.0, 1, 1, 4]), [1, 2, 5, 3, 4])
    assert table["answer"].tolist() == [1, 2, 5, 3, 4]
    assert table["n"].tolist() == [2, 0, 1, 0, 1]
    assert table["percent"].sum() == pytest.approx(100)


def test_multiple_response_is_percent_of_respondents_who_answered():
    df = frame(a=[1, 1, 0, np.nan], b=[1, 0, 0, np.nan])
    table = analysis.multiple_response(df, ["a", "b"])
    assert table.attrs["base"] == 3
    assert table["n"].tolist() == [2, 1]
    assert table["percent"].tolist() == pytest.approx([200 / 3, 100 / 3])


def test_importance_gap_arithmetic():
    # a: 3 of 4 'Meget vigtigt' (75 %); b: 1 of 4 'I høj grad' (25 %)
    df = frame(exp=[1, 1, 1, 2], got=[1, 2, 3, 8])
    row = analysis.importance_gap(
        df, [("exp", "got")], expectation_codes=[1], experience_codes=[1]
    ).iloc[0]
    assert (row["a"], row["b"], row["difference"]) == (75.0, 25.0, 50.0)
    assert row["relative_gap"] == pytest.approx(50 / 75 * 100)


def test_bins_must_cover_every_value():
    s = pd.Series([0, 1, 2, 14, 30], dtype=float)
    table = analysis.bin_counts(s, [(0, 1, "0-1"), (2, 13, "2-13"), (14, None, "14+")])
    assert table["n"].tolist() == [2, 1, 2]
    with pytest.raises(ValueError, match="cover 3 of 5"):
        analysis.bin_counts(s, [(0, 1, "0-1"), (2, 13, "2-13")])


def test_crosstab_p_value_equals_scipy_and_small_groups_are_suppressed():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.choice([1.0, 2.0], 200), "g": rng.choice(["a", "b", "c"], 200)})
    df.loc[df.g == "a", "x"] = rng.choice([1.0, 2.0], (df.g == "a").sum(), p=[0.8, 0.2])
    df.loc[:2, "g"] = "tiny"
    groups = {k: df.g == k for k in ["a", "b", "c", "tiny"]}
    table = analysis.crosstab(df, "x", groups, [1, 2], min_cell=5)
    tiny = table[table.group == "tiny"].iloc[0]
    assert tiny["suppressed"] and np.isnan(tiny[1]) and np.isnan(tiny["n"])
    # the smallest other group is suppressed too (else total minus the rest gives "tiny")
    smallest = df.g[df.g != "tiny"].value_counts().idxmin()
    assert table.set_index("group")["secondary"].to_dict() == {
        k: k == smallest for k in ["a", "b", "c", "tiny"]
    }
    shown = ~df.g.isin(["tiny", smallest])
    counts = pd.crosstab(df.g[shown], df.x[shown]).to_numpy()
    expected = chi2_contingency(counts, correction=False).pvalue
    assert table["p"].iloc[0] == pytest.approx(expected)
    assert table["stars"].iloc[0] == analysis.stars(expected)


def test_crosstab_p_of_overlapping_groups_and_combined_codes_equals_scipy():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"x": rng.choice([1.0, 2.0, 3.0, 8.0], 300), "g": rng.random(300)})
    groups = {"low": df.g < 0.5, "high": df.g > 0.3}  # overlapping
    table = analysis.crosstab(df, "x", groups, [1, 2, 3], overlapping=True, combine=[1, 2])
    base = df.x.isin([1.0, 2.0, 3.0])
    for label, mask in groups.items():
        inside = df.x[mask & base].isin([1.0, 2.0])
        outside = df.x[~mask & base].isin([1.0, 2.0])
        counts = [
            [inside.sum(), (~inside).sum()],
            [outside.sum(), (~outside).sum()],
        ]
        expected = chi2_contingency(counts, correction=False).pvalue
        assert table.set_index("group").loc[label, "p"] == pytest.approx(expected, rel=1e-9)
        assert table.set_index("group").loc[label, "percent"] == pytest.approx(inside.mean() * 100)


def test_stars_thresholds():
    assert [analysis.stars(p) for p in (0.0005, 0.005, 0.03, 0.2, float("nan"))] == [
        "***",
        "**",
        "*",
        "",
        "",
    ]


def test_logit_controls_finds_a_real_effect_and_rejects_non_binary_outcomes():
    rng = np.random.default_rng(7)
    x = rng.normal(size=500)
    y = (rng.random(500) < 1 / (1 + np.exp(-(0.2 + 1.5 * x)))).astype(float)
    df = pd.DataFrame({"y": y, "x": x, "noise": rng.normal(size=500)})
    fit = analysis.logit_controls(df, "y", ["x", "noise"]).set_index("term")
    assert fit.loc["x", "odds_ratio"] > 2 and fit.loc["x", "p"] < 0.001
    assert fit.loc["noise", "p"] > 0.01
    with pytest.raises(ValueError, match="0/1"):
        analysis.logit_controls(df.assign(y=df.y * 2), "y", ["x"])


def test_controlled_difference_separates_a_confounded_from_a_real_group_effect():
    rng = np.random.default_rng(3)
    n = 3000
    large = (rng.random(n) < 0.5).astype(float)  # the control, e.g. municipality size
    group = np.where(rng.random(n) < np.where(large == 1, 0.8, 0.2), 1.0, 0.0)
    controls = pd.DataFrame({"large": large})
    terms = pd.DataFrame({"group": group})
    confounded = pd.Series((rng.random(n) < np.where(large == 1, 0.7, 0.3)).astype(float))
    raw = pd.crosstab(group, confounded).to_numpy()
    assert chi2_contingency(raw).pvalue < 1e-10  # looks like a group difference ...
    assert analysis.controlled_difference(confounded, terms, controls)["p"] > 0.01  # ... it is not
    real = pd.Series((rng.random(n) < np.where(group == 1, 0.7, 0.3)).astype(float))
    result = analysis.controlled_difference(real, terms, controls)
    assert result["p"] < 1e-10
    assert result["n"] == n
    real[:100] = np.nan  # out of the base
    assert analysis.controlled_difference(real, terms, controls)["n"] == n - 100


@pytest.mark.filterwarnings("ignore:Precision loss")  # scipy on the constant sample
def test_welch_p_equals_scipy_when_one_wave_has_no_variance():
    from scipy.stats import ttest_ind

    from samspil.analysis.waves import welch_p

    a = pd.Series([3.0, 4.0, 5.0, 5.0, 2.0, 4.0, 1.0])
    b = pd.Series([4.0] * 12)
    assert welch_p(a, b) == pytest.approx(ttest_ind(a, b, equal_var=False).pvalue, rel=1e-9)
    assert np.isnan(welch_p(b, b))


def test_controlled_difference_gives_no_p_value_from_a_fit_that_did_not_converge():
    """Under quasi-separation (every member of the group answered yes) statsmodels stops
    without a maximum; a likelihood-ratio p-value from that fit would be invented."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    rng = np.random.default_rng(1)
    group = np.r_[np.ones(30), np.zeros(30)]
    control = rng.integers(0, 2, 60).astype(float)
    outcome = np.r_[np.ones(30), (rng.random(30) < 0.5).astype(float)]
    x = sm.add_constant(pd.DataFrame({"group": group, "control": control}))
    with pytest.warns(ConvergenceWarning):  # statsmodels itself says the fit failed
        fit = sm.Logit(outcome, x).fit(disp=False, maxiter=200)
    assert fit.mle_retvals["converged"] is False
    result = analysis.controlled_difference(
        pd.Series(outcome), pd.DataFrame({"group": group}), pd.DataFrame({"control": control})
    )
    assert np.isnan(result["p"]) and np.isnan(result["lr"])
    assert result["n"] == 60
