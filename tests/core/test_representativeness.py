"""Who answered against who was asked: the bundled facts of the 98 municipalities, the
representativeness table (chi-square goodness of fit, checked against scipy computed here),
and raking weights (`--rake`), checked against iterative proportional fitting written here
with numpy and against weighted counts made here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from samspil.facts import (
    POPULATION_YEAR,
    REGIONS,
    municipality_code,
    municipality_facts,
)

INSTRUMENT = """
id: kommunal
title: Kommunal undersøgelse
sample:
  - {name: kommune, label: Kommune, kind: text}
sections:
  - id: del
    title: Samarbejde
    questions:
      - id: samarbejder
        type: single
        text: Samarbejder I med foreninger?
        options: [{code: 1, label: Ja}, {code: 2, label: Nej}, {code: 8, label: Ved ikke, special: dont_know}]
      - {id: timer, type: number, text: Hvor mange timer om ugen?}
"""

REGION_SIZES = {
    "Region Hovedstaden": 29,
    "Region Sjælland": 17,
    "Region Syddanmark": 22,
    "Region Midtjylland": 19,
    "Region Nordjylland": 11,
}


def test_the_bundled_facts_hold_98_municipalities_in_5_regions_of_29_17_22_19_11():
    facts = municipality_facts()
    assert len(facts) == 98 and facts["code"].is_unique and facts["name"].is_unique
    assert facts["region"].value_counts().to_dict() == REGION_SIZES
    assert list(REGIONS) == list(REGION_SIZES)
    population = facts["population"].dropna()
    if len(population):  # a figure is only bundled with its year (and its source)
        assert POPULATION_YEAR is not None
        assert (population > 1_000).all()  # Læsø, the smallest, has about 1,800
    if len(population) == 98:  # Denmark had 5.5-6.1 million inhabitants 2008-2026
        assert 5_500_000 < population.sum() < 6_100_000
    else:
        assert len(population) == 0, "all 98 from one source, or none"


def test_a_municipality_is_matched_by_name_code_and_known_spelling():
    assert municipality_code("Københavns Kommune") == 101
    assert municipality_code(" aarhus  kommune ") == 751
    assert municipality_code("Lyngby") == 173
    assert municipality_code("0851") == municipality_code("851") == 851
    assert municipality_code("0101") == 101 and municipality_code("999") is None
    assert municipality_code(400.0) == 400
    assert municipality_code("Demokommune 01") is None
    assert municipality_code(None) is None


def test_the_fieldwork_name_matching_is_the_cores():
    from samspil import facts
    from samspil.municipalities import names as municipalities

    assert municipalities.normalise is facts.normalise
    assert municipalities.VARIANTS is facts.VARIANTS


def test_the_goodness_of_fit_test_equals_scipys_chisquare():
    from samspil.analysis.representativeness import representativeness

    population = pd.Series(["a"] * 29 + ["b"] * 17 + ["c"] * 22 + ["d"] * 19 + ["e"] * 11)
    answers = pd.Series(["a"] * 30 + ["b"] * 5 + ["c"] * 12 + ["d"] * 10 + ["e"] * 3 + [None])
    table = representativeness(answers, population, ["a", "b", "c", "d", "e"])
    observed = np.array([30, 5, 12, 10, 3])
    expected = np.array([29, 17, 22, 19, 11]) / 98 * observed.sum()
    scipy_result = stats.chisquare(observed, expected)
    assert table.attrs["chi2"] == pytest.approx(scipy_result.statistic)
    assert table.attrs["p"] == pytest.approx(scipy_result.pvalue)
    assert table.attrs["df"] == 4
    assert table["respondents"].tolist() == observed.tolist()
    assert table["population_pct"].tolist() == pytest.approx(
        (np.array([29, 17, 22, 19, 11]) / 98 * 100).tolist()
    )


def ipf(frame: pd.DataFrame, margins: dict[str, dict[str, float]]) -> np.ndarray:
    """Iterative proportional fitting, written out: weights (mean 1) whose weighted shares
    of each margin's categories equal the margin's."""
    w = np.ones(len(frame))
    for _ in range(2_000):
        for column, margin in margins.items():
            total = sum(margin.values())
            for category, count in margin.items():
                rows = (frame[column] == category).to_numpy()
                w[rows] *= count / total * len(frame) / w[rows].sum()
    return w


def test_raking_weights_equal_iterative_proportional_fitting_written_here():
    from samspil.analysis.representativeness import rake

    rng = np.random.default_rng(8)
    frame = pd.DataFrame(
        {
            "region": rng.choice(list(REGION_SIZES), 90, p=[0.4, 0.1, 0.2, 0.2, 0.1]),
            "size": rng.choice(["lille", "mellem", "stor"], 90, p=[0.2, 0.3, 0.5]),
        }
    )
    margins = {"region": dict(REGION_SIZES), "size": {"lille": 50, "mellem": 28, "stor": 20}}
    weights = rake(frame, margins)
    assert weights.to_numpy() == pytest.approx(ipf(frame, margins), rel=1e-8)
    assert weights.mean() == pytest.approx(1)


@pytest.fixture(scope="module")
def raked(tmp_path_factory):
    """A report of 120 answers from real municipalities (Hovedstaden over-represented),
    raked to the regions, and the same answers' export with the weight."""
    from samspil.cli import main

    folder = tmp_path_factory.mktemp("raked")
    (folder / "kommunal.yaml").write_text(INSTRUMENT, encoding="utf-8")
    facts = municipality_facts()
    rng = np.random.default_rng(11)
    p = np.where(facts["region"] == "Region Hovedstaden", 3.0, 1.0)
    names = rng.choice(facts["name"].astype(str).to_numpy(), 120, p=p / p.sum())
    names[0], names[1] = "Københavns Kommune", "751"  # written as a list may write them
    n = len(names)
    data = pd.DataFrame(
        {
            "respondent_id": range(1, n + 1),
            "kommune": names,
            "samarbejder": rng.choice([1, 2, 8], n),
            "timer": rng.uniform(0, 40, n).round(1),
        }
    )
    data.to_csv(folder / "svar.csv", index=False)
    out = folder / "out"
    args = ["report", str(folder / "kommunal.yaml"), "--data", str(folder / "svar.csv")]
    assert main([*args, "--rake", "region", "--out", str(out), "--formats", "csv,html"]) == 0
    region = data["kommune"].map(municipality_code).map(facts.set_index("code")["region"])
    weights = ipf(pd.DataFrame({"region": region}), {"region": dict(REGION_SIZES)})
    return folder, data.assign(region=region, w=weights), out


def test_a_raked_report_has_the_representativeness_table_against_scipy(raked):
    _, data, out = raked
    table = pd.read_csv(out / "tables" / "repraesentativitet.csv")
    regions = table[table["characteristic"] == "Region"]
    assert regions["category"].tolist() == list(REGION_SIZES)
    assert regions["population"].tolist() == list(REGION_SIZES.values())
    observed = data["region"].value_counts().reindex(list(REGION_SIZES)).to_numpy()
    assert regions["respondents"].tolist() == observed.tolist()
    expected = np.array(list(REGION_SIZES.values())) / 98 * observed.sum()
    result = stats.chisquare(observed, expected)
    assert regions["chi2"].iloc[0] == pytest.approx(result.statistic)
    assert regions["p"].iloc[0] == pytest.approx(result.pvalue)
    # raked to the regions: the weighted shares are the municipalities'
    assert regions["weighted_pct"].tolist() == pytest.approx(
        regions["population_pct"].tolist(), abs=1e-6
    )


def test_a_raked_table_equals_a_weighted_count_made_here(raked):
    _, data, out = raked
    frequency = pd.read_csv(out / "tables" / "samarbejder.csv")
    base = data[data["samarbejder"].isin([1, 2])]
    sums = base.groupby("samarbejder")["w"].sum() / base["w"].sum() * 100
    assert frequency["percent"].iloc[:2].tolist() == pytest.approx([sums[1], sums[2]], rel=1e-6)
    numbers = pd.read_csv(out / "tables" / "timer.csv").iloc[0]
    assert numbers["mean"] == pytest.approx(np.average(data["timer"], weights=data["w"]))
    w = data["w"].to_numpy()
    assert numbers["n_eff"] == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-6)


def test_a_raked_report_says_so_under_the_tables_and_in_the_method_chapter(raked):
    _, _, out = raked
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "rakingvægte (rakingvaegt)" in html and "fordeling på region som landets" in html
    assert "effektivt antal besvarelser (Kish)" in html
    assert "Chi-i-anden-test af, om besvarelserne fordeler sig som kommunerne" in html


def test_the_raking_weights_table_equals_post_stratification_computed_here(raked):
    _, data, out = raked
    table = pd.read_csv(out / "tables" / "rakingvaegte.csv")
    assert table["category"].tolist() == list(REGION_SIZES)
    # one margin: raking is post-stratification, weight = population share / sample share
    population = pd.Series(REGION_SIZES) / 98
    sample = data["region"].value_counts(normalize=True).reindex(list(REGION_SIZES))
    weight = population / sample
    weight = weight / (weight * sample).sum()  # mean 1 over the respondents
    assert table["population_pct"].tolist() == pytest.approx((population * 100).tolist())
    assert table["respondents_pct"].tolist() == pytest.approx((sample * 100).tolist())
    assert table["weight"].tolist() == pytest.approx(weight.tolist(), rel=1e-6)
    assert table["weight"].tolist() == pytest.approx(
        data.groupby("region")["w"].mean().reindex(list(REGION_SIZES)).tolist(), rel=1e-6
    )
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Rakingvægtene" in html and "poststratificering" in html


def test_rake_with_a_previous_wave_is_refused_naming_rake(raked, run_cli, tmp_path):
    folder, _, _ = raked
    args = ["report", folder / "kommunal.yaml", "--data", folder / "svar.csv"]
    code, _, err = run_cli(
        *args, "--previous", folder / "svar.csv", "--rake", "region", "--out", tmp_path / "o"
    )
    assert code == 2 and "--rake with --previous" in err and "--weights" not in err


def test_the_raking_weight_travels_with_the_exports(raked, run_cli, tmp_path):
    folder, data, _ = raked
    for fmt in ("csv", "sav", "dta"):
        path = tmp_path / f"svar.{fmt}"
        code, _, err = run_cli(
            "export",
            folder / "kommunal.yaml",
            "--data",
            folder / "svar.csv",
            "--to",
            fmt,
            "--rake",
            "region",
            "--out",
            path,
        )
        assert code == 0, err
        frame = {"csv": pd.read_csv, "sav": pd.read_spss, "dta": pd.read_stata}[fmt](path)
        assert frame["rakingvaegt"].tolist() == pytest.approx(data["w"].tolist(), rel=1e-6)


def test_population_kommuner_adds_the_table_to_any_report(raked, run_cli, tmp_path):
    folder, _, _ = raked
    out = tmp_path / "o"
    args = ["report", folder / "kommunal.yaml", "--data", folder / "svar.csv", "--out", out]
    code, _, err = run_cli(*args, "--population", "kommuner", "--formats", "csv")
    assert code == 0, err
    table = pd.read_csv(out / "tables" / "repraesentativitet.csv")
    assert "weighted_pct" not in table.columns  # not raked: respondents as they are
    assert table["population"].sum() == 98


def test_raking_to_a_margin_the_population_cannot_give_is_refused_naming_it(
    raked, run_cli, tmp_path
):
    folder, data, _ = raked
    args = ["report", folder / "kommunal.yaml", "--out", tmp_path / "o"]
    code, _, err = run_cli(*args, "--data", folder / "svar.csv", "--rake", "region,size")
    assert code == 2 and "--rake size" in err and "Traceback" not in err
    code, _, err = run_cli(*args, "--data", folder / "svar.csv", "--rake", "farve")
    assert code == 2 and "--rake farve" in err
    bad = data.drop(columns=["region", "w"])
    bad.loc[6, "kommune"] = "Atlantis"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    code, _, err = run_cli(*args, "--data", tmp_path / "bad.csv", "--rake", "region")
    assert code == 2 and "respondent_id 7" in err
    with pytest.raises(SystemExit) as refused:  # argparse's choices
        run_cli(*args, "--data", folder / "svar.csv", "--population", "byer")
    assert refused.value.code == 2


def test_the_kd2024_report_sets_real_municipalities_against_the_country(tmp_path):
    from samspil.demo import demo_file
    from samspil.importing import read_responses
    from samspil.instruments import load
    from samspil.reports import compute
    from samspil.responses import Responses

    instrument = load("kd2024")
    data = read_responses(demo_file("kd2024_demo.csv"), instrument).data.copy()
    facts = municipality_facts()
    data["kommune"] = [str(facts["name"].iloc[i * 7 % 98]) for i in range(len(data))]
    _, results = compute("kd2024", Responses(instrument, data))
    (result,) = [r for r in results if r.block.id == "tabel_10_3"]
    assert result.skipped is None
    assert result.data["respondents"].sum() == len(data)


def test_size_bands_and_attributes_come_from_the_attributes_file(run_cli, tmp_path):
    from samspil.demo import demo_file
    from samspil.reports.groups import SIZE_BANDS

    out = tmp_path / "fc"
    code, _, err = run_cli(
        "report",
        "fc2015",
        "--data",
        demo_file("fc2015_demo.csv"),
        "--attributes",
        demo_file("fc2015_kommuner_demo.csv"),
        "--rake",
        "size",
        "--out",
        out,
        "--formats",
        "csv",
    )
    assert code == 0, err
    table = pd.read_csv(out / "tables" / "repraesentativitet.csv")
    attributes = pd.read_csv(demo_file("fc2015_kommuner_demo.csv"))
    sizes = table[table["characteristic"] == "Kommunestørrelse (indbyggere)"]
    counts = pd.cut(
        attributes["population"],
        [b[0] for b in SIZE_BANDS] + [np.inf],
        right=False,
        labels=[b[2] for b in SIZE_BANDS],
    ).value_counts()
    assert sizes["population"].tolist() == [counts[b[2]] for b in SIZE_BANDS]
    assert sizes["weighted_pct"].tolist() == pytest.approx(sizes["population_pct"].tolist())
    assert set(table["characteristic"]) >= {"Udgiftspres", "Borgmesterens parti"}
