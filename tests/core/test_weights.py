"""`samspil report ... --weights COLUMN`: weighted shares, percentages and means with the
effective sample size, checked against statsmodels' DescrStatsW and sums computed here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.weightstats import DescrStatsW

INSTRUMENT = """
id: vaegtet
title: Vægtet undersøgelse
scales:
  grad:
    - {code: 1, label: Slet ikke}
    - {code: 2, label: I nogen grad}
    - {code: 3, label: I høj grad}
    - {code: 4, label: I meget høj grad}
    - {code: 8, label: Ved ikke, special: dont_know}
sample:
  - {name: vaegt, label: Vægt, kind: number}
sections:
  - id: del
    title: Samarbejde
    questions:
      - id: samarbejder
        type: single
        text: Samarbejder I med foreninger?
        options: [{code: 1, label: Ja}, {code: 2, label: Nej}, {code: 8, label: Ved ikke, special: dont_know}]
      - id: former
        type: multi
        text: Hvordan samarbejder I?
        options: [{code: 1, label: Aftale}, {code: 2, label: Møder}]
      - id: vurd
        type: grid
        text: I hvilken grad er samarbejdet
        scale: grad
        items: [{id: nyttigt, text: nyttigt}, {id: let, text: let}]
      - {id: timer, type: number, text: Hvor mange timer om ugen?}
"""


@pytest.fixture(scope="module")
def weighted(tmp_path_factory):
    from samspil.cli import main

    folder = tmp_path_factory.mktemp("weights")
    (folder / "vaegtet.yaml").write_text(INSTRUMENT, encoding="utf-8")
    rng = np.random.default_rng(4)
    n = 150
    data = pd.DataFrame(
        {
            "respondent_id": range(1, n + 1),
            "vaegt": rng.uniform(0.3, 3.0, n).round(3),
            "samarbejder": rng.choice([1, 2, 8], n),
            "former_1": rng.choice([0, 1], n).astype(float),
            "former_2": rng.choice([0, 1], n).astype(float),
            "vurd_nyttigt": rng.choice([1, 2, 3, 4, 8], n),
            "vurd_let": rng.choice([1, 2, 3, 4], n),
            "timer": rng.uniform(0, 40, n).round(1),
        }
    )
    data.loc[:9, ["former_1", "former_2"]] = np.nan
    data.to_csv(folder / "svar.csv", index=False)
    out = folder / "out"
    args = ["report", str(folder / "vaegtet.yaml"), "--data", str(folder / "svar.csv")]
    assert main([*args, "--weights", "vaegt", "--out", str(out), "--formats", "csv,html"]) == 0
    return folder, data, out


def test_weighted_shares_and_means_equal_statsmodels_weighted_statistics(weighted):
    _, data, out = weighted
    table = pd.read_csv(out / "tables" / "vurd.csv")
    for row, item in zip(table.to_dict("records"), ["vurd_nyttigt", "vurd_let"], strict=True):
        kept = data[data[item] != 8]
        stats = DescrStatsW(kept[item].to_numpy(float), weights=kept["vaegt"].to_numpy())
        top = DescrStatsW(kept[item].isin([3, 4]).to_numpy(float), weights=kept["vaegt"])
        assert row["obs"] == len(kept)  # the number of answers is not weighted
        assert row["mean"] == pytest.approx(stats.mean)
        assert row["share"] == pytest.approx(top.mean * 100)
        w = kept["vaegt"].to_numpy()
        assert row["n_eff"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
        # reliability-weights SD: scale-free, the ordinary SD when all weights are 1
        v1, v2 = w.sum(), (w**2).sum()
        expected_sd = np.sqrt(stats.sum_weights * stats.var / (v1 - v2 / v1))
        assert row["sd"] == pytest.approx(expected_sd)


def test_weighted_percentages_of_single_and_multiple_choice_and_numbers(weighted):
    _, data, out = weighted
    frequency = pd.read_csv(out / "tables" / "samarbejder.csv")
    base = data[data["samarbejder"].isin([1, 2])]
    sums = base.groupby("samarbejder")["vaegt"].sum() / base["vaegt"].sum() * 100
    assert frequency["percent"].iloc[:2].tolist() == pytest.approx([sums[1], sums[2]])
    assert frequency["n"].iloc[:2].tolist() == [(base["samarbejder"] == c).sum() for c in (1, 2)]
    options = pd.read_csv(out / "tables" / "former.csv")
    answered = data[data[["former_1", "former_2"]].notna().any(axis=1)]
    for row, name in zip(options.to_dict("records"), ["former_1", "former_2"], strict=True):
        chosen = answered.loc[answered[name] == 1, "vaegt"].sum()
        assert row["percent"] == pytest.approx(chosen / answered["vaegt"].sum() * 100)
    numbers = pd.read_csv(out / "tables" / "timer.csv").iloc[0]
    assert numbers["mean"] == pytest.approx(np.average(data["timer"], weights=data["vaegt"]))
    half = DescrStatsW(data["timer"].to_numpy(), weights=data["vaegt"].to_numpy())
    assert numbers["median"] == pytest.approx(half.quantile([0.5], return_pandas=False)[0])


def test_a_weighted_report_says_so_under_each_table_and_in_the_method_chapter(weighted):
    _, data, out = weighted
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Tallene er vægtet med variablen vaegt" in html
    assert html.count("er vægtet med vaegt; effektivt antal besvarelser (Kish)") >= 4
    w = data["vaegt"]
    assert f"er {round(w.sum() ** 2 / (w**2).sum())} af {len(w)}" in html


def test_the_weight_travels_with_the_exports(weighted, run_cli, tmp_path):
    folder, data, _ = weighted
    for fmt in ("csv", "sav", "dta"):
        path = tmp_path / f"svar.{fmt}"
        code, _, err = run_cli(
            "export",
            folder / "vaegtet.yaml",
            "--data",
            folder / "svar.csv",
            "--to",
            fmt,
            "--out",
            path,
        )
        assert code == 0, err
        frame = {"csv": pd.read_csv, "sav": pd.read_spss, "dta": pd.read_stata}[fmt](path)
        assert frame["vaegt"].tolist() == pytest.approx(data["vaegt"].tolist())


def test_a_missing_unknown_or_non_positive_weight_is_refused_naming_it(weighted, run_cli, tmp_path):
    folder, data, _ = weighted
    args = ["report", folder / "vaegtet.yaml", "--out", tmp_path / "o"]
    code, _, err = run_cli(*args, "--data", folder / "svar.csv", "--weights", "timerx")
    assert code == 2 and "timerx" in err and "sample:" in err
    bad = data.copy()
    bad.loc[4, "vaegt"] = 0
    bad.to_csv(tmp_path / "bad.csv", index=False)
    code, _, err = run_cli(*args, "--data", tmp_path / "bad.csv", "--weights", "vaegt")
    assert code == 2 and "respondent_id 5" in err and "Traceback" not in err
