"""Two waves side by side: `samspil report ... --previous FILE`. The changes and their
significance marks are checked against values computed here with scipy and statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from samspil.analysis.waves import two_proportions_p, wave_summary, welch_p
from samspil.demo import demo_file

ITEMS = ["udf_by", "udf_klima", "udf_aeldre", "udf_social", "udf_boern"]


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    """This wave = the kd2024 demo answers; the previous wave = the same people, with
    'udf_klima' one point higher (so a clear change) and 'udf_boern' not asked."""
    folder = tmp_path_factory.mktemp("waves")
    now = pd.read_csv(demo_file("kd2024_demo.csv"), dtype=str, keep_default_na=False)
    before = now.copy()
    klima = pd.to_numeric(before["udf_klima"], errors="coerce")
    before["udf_klima"] = klima.where(klima.isna(), np.minimum(klima + 1, 5)).map(
        lambda v: "" if pd.isna(v) else str(int(v))
    )
    before = before.drop(columns=["udf_boern"])
    before.to_csv(folder / "previous.csv", index=False)
    return folder, now, before


def _codes(frame: pd.DataFrame, item: str) -> pd.Series:
    values = pd.to_numeric(frame[item], errors="coerce").dropna()
    return values[values.between(1, 5)]


@pytest.fixture(scope="module")
def report(waves):
    """`samspil report kd2024 --previous previous.csv --previous-label 2024`, made once."""
    from samspil.cli import main

    folder, _, _ = waves
    out = folder / "report"
    args = ["report", "kd2024", "--data", str(demo_file("kd2024_demo.csv")), "--out", str(out)]
    args += ["--previous", str(folder / "previous.csv"), "--previous-label", "2024"]
    assert main([*args, "--formats", "csv,html,figures"]) == 0
    return out


def test_summary_table_gets_the_previous_wave_the_change_and_welch_and_z_test_marks(waves, report):
    _, now, before = waves
    out = report
    table = pd.read_csv(out / "tables" / "tabel_4_2.csv")
    klima = table[table["item"].str.contains("klima")].iloc[0]
    a, b = _codes(now, "udf_klima"), _codes(before, "udf_klima")
    assert klima["prev_obs"] == len(b)
    assert klima["change_mean"] == pytest.approx(a.mean() - b.mean())
    assert klima["p_mean"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    k = [int(a.isin([4, 5]).sum()), int(b.isin([4, 5]).sum())]
    _, p_share = proportions_ztest(k, [len(a), len(b)])
    assert klima["change_share"] == pytest.approx((k[0] / len(a) - k[1] / len(b)) * 100)
    assert klima["p_share"] == pytest.approx(p_share)
    assert klima["sig_mean"] == ("*" if klima["p_mean"] < 0.05 else "")
    assert klima["sig_mean"] == "*"  # one point on every answer is a clear change
    # an unchanged item: no change, not marked
    by = table[table["item"].str.contains("erhvervsudvikling")].iloc[0]
    assert by["change_mean"] == 0 and pd.isna(by["sig_mean"])
    # the item the previous wave did not ask: "–" there, named in the note
    boern = table[table["item"].str.contains("mistrivsel")].iloc[0]
    assert pd.isna(boern["prev_obs"]) and pd.isna(boern["change_mean"])
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Kun i én af runderne" in html and "Welchs t-test" in html
    # several answers from one municipality (the demo data): not a panel, and said so
    assert "Da flere har svaret fra samme kommune, er runderne testet som uafhængige" in html
    assert "Gennemsnit 2024" in html
    # the figure of means shows both waves, with a legend naming them
    figure = (out / "figures" / "figur_4_2.svg").read_text(encoding="utf-8")
    assert "Denne runde" in figure and "2024" in figure


def test_frequencies_and_distributions_get_the_previous_percentages(report):
    out = report
    # Figur 4.3 is the distribution of inv_vigtigste ("Ikke relevant" in the base)
    table = pd.read_csv(out / "tables" / "figur_4_3.csv")
    prev_columns = [c for c in table.columns if c.startswith("prev_")]
    assert prev_columns
    # same answers in both waves -> the same percentages
    for column in prev_columns:
        assert table[column].tolist() == pytest.approx(table[column.removeprefix("prev_")].tolist())


def test_welch_and_two_proportion_helpers_agree_with_scipy_and_statsmodels():
    rng = np.random.default_rng(7)
    a = pd.Series(rng.integers(1, 6, 60).astype(float))
    b = pd.Series(rng.integers(2, 6, 45).astype(float))
    assert welch_p(a, b) == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert two_proportions_p(30, 60, 10, 45) == pytest.approx(
        proportions_ztest([30, 10], [60, 45])[1]
    )
    assert np.isnan(two_proportions_p(0, 10, 0, 12))  # nobody in the top: no test
    table = wave_summary(pd.DataFrame({"x": a}), pd.DataFrame({"y": b}), ["x", "y"], top=[4, 5])
    assert np.isnan(table.loc[0, "prev_obs"]) and np.isnan(table.loc[1, "obs"])
    assert table["change_mean"].isna().all()


def test_the_bundled_report_keeps_the_questionnaires_order_with_a_previous_wave(report):
    # Figur 5.3: before, pandas' outer join sorted the items alphabetically
    table = pd.read_csv(report / "tables" / "figur_5_3.csv")
    assert table["item"].tolist()[:3] == [
        "Den vigtigste udfordring",
        "By- og erhvervsudvikling",
        "Klimaaftryk",
    ]
    assert table["item"].tolist()[3] == "Ældreområdet"
