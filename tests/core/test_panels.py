"""Two waves of the same municipalities (a panel): matched on ``kommune`` (``--match``),
the changes are tested pair by pair, checked here against scipy and statsmodels; a
question new in this wave (any type) gives "–" and a note, not a traceback; the tables keep
the questionnaire's order; answers to another questionnaire are refused once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from samspil.analysis.waves import mcnemar_test, paired_mean_test

INSTRUMENT = """
id: panel
title: Kommunernes samarbejde
scales:
  enig:
    - {code: 1, label: Helt uenig}
    - {code: 2, label: Overvejende uenig}
    - {code: 3, label: Hverken enig eller uenig}
    - {code: 4, label: Overvejende enig}
    - {code: 5, label: Helt enig}
    - {code: 8, label: Ved ikke, special: dont_know}
sample:
  - {name: kommune, label: Kommune, kind: text}
sections:
  - id: del1
    title: Samarbejde
    questions:
      - id: samarbejde
        type: single
        text: Samarbejder kommunen med foreninger?
        options: [{code: 1, label: "Ja, meget"}, {code: 2, label: Delvis}, {code: 3, label: Nej}]
      - id: former
        type: multi
        text: Hvordan samarbejder I?
        options: [{code: 1, label: Partnerskab}, {code: 2, label: Aftale}, {code: 3, label: Møder}]
      - id: vurd
        type: grid
        text: Hvor enig er du i, at samarbejdet er
        scale: enig
        items: [{id: lyt, text: lyttende}, {id: let, text: let}, {id: nyt, text: nyttigt}]
      - {id: timer, type: number, text: "Hvor mange timer om ugen bruges på samarbejdet?"}
      - id: ny_single
        type: single
        text: Har kommunen en frivilligpolitik?
        options: [{code: 1, label: Ja}, {code: 2, label: Nej}]
      - id: ny_multi
        type: multi
        text: Hvem står for samarbejdet?
        options: [{code: 1, label: Forvaltningen}, {code: 2, label: Politikerne}]
      - id: ny_grid
        type: grid
        text: Hvor enig er du i, at samarbejdet er
        scale: enig
        items: [{id: klart, text: klart}]
      - {id: ny_tal, type: number, text: "Hvor mange foreninger samarbejder I med?"}
      - {id: ny_tekst, type: open, text: Kommentarer}
      - {id: ny_pick, type: pick, text: Hvor mange år har I samarbejdet?, min: 0, max: 10}
      - {id: ny_dato, type: date, text: Hvornår startede samarbejdet?}
"""
NEW = ["ny_single", "ny_multi_1", "ny_multi_2", "ny_grid_klart", "ny_tal", "ny_tekst"]
NEW += ["ny_pick", "ny_dato"]  # one question of every type new in this wave
GRID = ["vurd_lyt", "vurd_let", "vurd_nyt"]


def _waves(n: int = 98, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The previous wave, and this wave of the same municipalities: a third of the ratings
    one step up, rows shuffled, new respondent ids, the new questions asked."""
    rng = np.random.default_rng(seed)
    kommuner = np.arange(101, 101 + n)
    before = pd.DataFrame({"respondent_id": np.arange(1, n + 1), "kommune": kommuner})
    before["samarbejde"] = rng.choice([1, 2, 3], n)
    for option in (1, 2, 3):
        before[f"former_{option}"] = rng.choice([0, 1], n)
    for item in GRID:
        before[item] = rng.choice([1, 2, 3, 4, 5, 8], n, p=[0.1, 0.2, 0.3, 0.2, 0.1, 0.1])
    before["timer"] = rng.uniform(0.2, 59.7, n).round(1)
    now = before.copy()
    for item in GRID:
        up = (rng.random(n) < 1 / 3) & now[item].between(1, 4)
        now.loc[up, item] += 1
    now["timer"] = (now["timer"] + rng.normal(1.5, 2.0, n)).clip(0).round(1)
    now["former_1"] = np.where(rng.random(n) < 0.3, 1, now["former_1"])
    now["ny_single"] = rng.choice([1, 2], n)
    now["ny_multi_1"] = rng.choice([0, 1], n)
    now["ny_multi_2"] = rng.choice([0, 1], n)
    now["ny_grid_klart"] = rng.choice([1, 2, 3, 4, 5], n)
    now["ny_tal"] = rng.integers(0, 40, n)
    now["ny_tekst"] = rng.choice(["", "fint"], n)
    now["ny_pick"] = rng.integers(0, 11, n)
    now["ny_dato"] = rng.choice(["2024-01-05", "2023-11-30"], n)
    now = now.sample(frac=1, random_state=3).reset_index(drop=True)
    now["respondent_id"] = np.arange(5001, 5001 + n)
    return now, before


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panel")
    (folder / "panel.yaml").write_text(INSTRUMENT, encoding="utf-8")
    now, before = _waves()
    now.to_csv(folder / "now.csv", index=False)
    before.to_csv(folder / "before.csv", index=False)
    return folder, now, before


@pytest.fixture(scope="module")
def report(files):
    """`samspil report panel.yaml --previous before.csv` (matched on kommune by default)."""
    from samspil.cli import main

    folder, _, _ = files
    out = folder / "report"
    args = ["report", str(folder / "panel.yaml"), "--data", str(folder / "now.csv")]
    args += ["--previous", str(folder / "before.csv"), "--previous-label", "2022"]
    assert main([*args, "--out", str(out), "--formats", "csv,html,figures,xlsx"]) == 0
    return out


def _pairs(now: pd.DataFrame, before: pd.DataFrame, item: str) -> tuple[np.ndarray, np.ndarray]:
    """The item's answers of the municipalities in both waves, pair by pair (not "Ved
    ikke"), matched here independently of samspil."""
    both = now[["kommune", item]].merge(before[["kommune", item]], on="kommune")
    both = both[~both[f"{item}_x"].isin([8]) & ~both[f"{item}_y"].isin([8])].dropna()
    return both[f"{item}_x"].to_numpy(float), both[f"{item}_y"].to_numpy(float)


def _row(out, table: str, text: str) -> pd.Series:
    frame = pd.read_csv(out / "tables" / f"{table}.csv")
    return frame[frame["item"].astype(str).str.contains(text)].iloc[0]


def test_a_panel_tests_means_pair_by_pair_as_scipys_paired_t_test(files, report):
    _folder, now, before = files
    for item, text in zip(GRID, ["lyttende", "let", "nyttigt"], strict=True):
        row = _row(report, "vurd", text)
        a, b = _pairs(now, before, item)
        expected = stats.ttest_rel(a, b)
        assert row["pairs"] == len(a) < len(now)  # "Ved ikke" in either wave: not a pair
        assert row["stat_mean"] == pytest.approx(expected.statistic)
        assert row["p_mean"] == pytest.approx(expected.pvalue)
        assert row["sig_mean"] == "*"  # a third one step up: a clear change for a panel
        # the independent test would have missed it
        welch = stats.ttest_ind(a, b, equal_var=False).pvalue
        assert welch > row["p_mean"]
    timer = _row(report, "timer", "timer")
    a, b = _pairs(now, before, "timer")
    assert timer["p_mean"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert timer["stat_mean"] == pytest.approx(stats.ttest_rel(a, b).statistic)


def test_a_panel_tests_shares_with_mcnemar_exact_below_25_discordant_pairs(files, report):
    _, now, before = files
    for item, text in zip(GRID, ["lyttende", "let", "nyttigt"], strict=True):
        row = _row(report, "vurd", text)
        a, b = _pairs(now, before, item)
        x, y = np.isin(a, [4, 5]), np.isin(b, [4, 5])
        table = [[(x & y).sum(), (x & ~y).sum()], [(~x & y).sum(), (~x & ~y).sum()]]
        discordant = table[0][1] + table[1][0]
        expected = mcnemar(table, exact=discordant < 25)
        assert row["discordant"] == discordant
        assert row["stat_share"] == pytest.approx(expected.statistic)
        assert row["p_share"] == pytest.approx(expected.pvalue)
        assert row["change_share"] == pytest.approx(
            100 * (np.isin(now[item], [4, 5]).sum() / (now[item] != 8).sum())
            - 100 * (np.isin(before[item], [4, 5]).sum() / (before[item] != 8).sum())
        )


def test_the_note_says_how_many_municipalities_were_matched_and_which_tests(report):
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "testet parvis for de 98 kommuner, der har svaret i begge runder" in html
    assert "parret t-test af gennemsnit" in html and "McNemars test af andele" in html
    assert "Welchs t-test" not in html


def test_units_in_one_wave_only_are_counted_in_the_levels_and_named_in_the_note(files, tmp_path):
    from samspil.cli import main

    folder, now, before = files
    before_less = before[before["kommune"] > 110]  # ten municipalities new in this wave
    before_less.to_csv(tmp_path / "before.csv", index=False)
    out = tmp_path / "out"
    args = ["report", str(folder / "panel.yaml"), "--data", str(folder / "now.csv")]
    args += ["--previous", str(tmp_path / "before.csv"), "--out", str(out), "--formats", "csv"]
    assert main(args) == 0
    row = _row(out, "vurd", "lyttende")
    a, b = _pairs(now, before_less, "vurd_lyt")
    assert row["p_mean"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert row["obs"] == (now["vurd_lyt"] != 8).sum()  # this wave's level: every answer
    results = _compute(folder, tmp_path / "before.csv")
    note = next(r.note for r in results if r.block.id == "vurd")
    assert "de 88 kommuner" in note and "10 kun i denne runde og 0 kun i 2022" in note


def _compute(folder, previous, wilcoxon=()):
    """The report's results computed in-process (the default report of panel.yaml)."""
    from samspil.instruments import load_file
    from samspil.reports import compute
    from samspil.reports.default import default_spec
    from samspil.responses import Responses

    instrument = load_file(folder / "panel.yaml")
    spec = default_spec(instrument)
    for block in spec.blocks:
        if block.id in wilcoxon:
            object.__setattr__(block, "paired_test", "wilcoxon")
    _, results = compute(
        spec,
        Responses.from_file(folder / "now.csv", instrument),
        previous=Responses.from_file(previous, instrument),
        previous_label="2022",
    )
    return results


def test_the_definition_may_ask_for_wilcoxons_signed_rank_test(files):
    folder, now, before = files
    results = _compute(folder, folder / "before.csv", wilcoxon=("vurd", "timer"))
    by_id = {r.block.id: r for r in results}
    table = by_id["vurd"].data
    for item, row in zip(GRID, table.to_dict("records"), strict=True):
        expected = stats.wilcoxon(*_pairs(now, before, item))
        assert row["stat_mean"] == pytest.approx(expected.statistic)
        assert row["p_mean"] == pytest.approx(expected.pvalue)
    timer = by_id["timer"].data.iloc[0]
    expected = stats.wilcoxon(*_pairs(now, before, "timer"))
    assert timer["p_mean"] == pytest.approx(expected.pvalue)
    assert "Wilcoxons test" in by_id["vurd"].note


def test_match_none_keeps_the_independent_tests(files, tmp_path):
    from samspil.cli import main

    folder, now, before = files
    out = tmp_path / "out"
    args = ["report", str(folder / "panel.yaml"), "--data", str(folder / "now.csv")]
    args += ["--previous", str(folder / "before.csv"), "--match", "none"]
    assert main([*args, "--out", str(out), "--formats", "csv"]) == 0
    row = _row(out, "vurd", "lyttende")
    a = now["vurd_lyt"][now["vurd_lyt"] != 8]
    b = before["vurd_lyt"][before["vurd_lyt"] != 8]
    assert row["p_mean"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert "pairs" not in row.index


def test_match_on_a_column_a_wave_lacks_or_repeats_is_refused_naming_it(files, run_cli, tmp_path):
    folder, _, before = files
    args = ["report", folder / "panel.yaml", "--data", folder / "now.csv", "--out", tmp_path]
    code, _, err = run_cli(*args, "--previous", folder / "before.csv", "--match", "samarbejde")
    assert code == 2 and "samarbejde" in err and "more than once" in err
    before.drop(columns=["kommune"]).to_csv(tmp_path / "b.csv", index=False)
    code, _, err = run_cli(*args, "--previous", tmp_path / "b.csv", "--match", "kommune")
    assert code == 2 and "no column 'kommune'" in err and "Traceback" not in err


def test_a_question_new_in_this_wave_of_every_type_gives_dashes_and_a_note(files, report):
    _, now, _ = files
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "Kun i én af runderne" in html
    for table, _text in [("ny_single", None), ("ny_tal", "foreninger"), ("ny_grid", "klart")]:
        frame = pd.read_csv(report / "tables" / f"{table}.csv")
        prev = [c for c in frame.columns if c.startswith("prev_")]
        assert prev and frame[prev].isna().all().all()
    multi = pd.read_csv(report / "tables" / "ny_multi.csv")
    assert multi["prev_percent"].isna().all()
    grid = _row(report, "ny_grid", "klart")
    assert grid["obs"] == len(now) and pd.isna(grid["prev_obs"]) and pd.isna(grid["p_mean"])
    pick = pd.read_csv(report / "tables" / "ny_pick.csv").iloc[0]
    assert pick["mean"] == pytest.approx(now["ny_pick"].mean()) and pd.isna(pick["prev_mean"])


def test_waves_keep_the_questionnaire_order_in_tables_and_sheets(report):
    frequency = pd.read_csv(report / "tables" / "samarbejde.csv")
    assert frequency["answer"].tolist() == ["Ja, meget", "Delvis", "Nej"]
    options = pd.read_csv(report / "tables" / "former.csv")
    assert options["option"].tolist() == ["Partnerskab", "Aftale", "Møder"]
    summary = pd.read_csv(report / "tables" / "vurd.csv")
    assert summary["item"].tolist() == ["lyttende", "let", "nyttigt"]
    distribution = pd.read_csv(report / "tables" / "vurd_fordeling.csv")
    assert distribution["item"].tolist() == ["lyttende", "let", "nyttigt"]
    from openpyxl import load_workbook

    book = load_workbook(report / "tables.xlsx", read_only=True)
    sheet = next(s for s in book.worksheets if "Samarbejder kommunen" in str(s["A1"].value))
    answers = [
        row[0]
        for row in sheet.iter_rows(values_only=True)
        if row[0] in {"Ja, meget", "Delvis", "Nej"}
    ]
    assert answers == ["Ja, meget", "Delvis", "Nej"]


def test_a_previous_wave_only_row_follows_the_row_it_follows_there():
    from samspil.reports.waves import merge_in_order

    now = pd.DataFrame({"option": ["Partnerskab", "Møder"], "percent": [1.0, 3.0]})
    then = pd.DataFrame({"option": ["Partnerskab", "Aftale", "Møder"], "prev": [4.0, 5.0, 6.0]})
    merged = merge_in_order(now, then, "option")
    assert merged["option"].tolist() == ["Partnerskab", "Aftale", "Møder"]
    assert merged["prev"].tolist() == [4.0, 5.0, 6.0]


def test_answers_to_another_questionnaire_are_refused_once_naming_previous_instrument(
    files, run_cli, tmp_path
):
    from samspil.demo import demo_file

    folder, _, _ = files
    args = ["report", folder / "panel.yaml", "--data", folder / "now.csv", "--out", tmp_path]
    code, _, err = run_cli(*args, "--previous", demo_file("kd2024_demo.csv"))
    assert code == 2
    assert err.count("error") == 1 and len(err.strip().splitlines()) == 1
    assert "--previous-instrument" in err and "kd2024_demo.csv" in err


def test_previous_instrument_with_last_years_questionnaire_gives_a_report(files, run_cli, tmp_path):
    folder, _, _before = files
    last_year = INSTRUMENT.split("      - id: ny_single")[0].replace("id: panel", "id: panel22")
    (tmp_path / "panel22.yaml").write_text(last_year, encoding="utf-8")
    args = ["report", folder / "panel.yaml", "--data", folder / "now.csv"]
    args += [
        "--previous",
        folder / "before.csv",
        "--previous-instrument",
        tmp_path / "panel22.yaml",
    ]
    code, _, err = run_cli(*args, "--out", tmp_path / "out", "--formats", "csv")
    assert code == 0, err
    frame = pd.read_csv(tmp_path / "out" / "tables" / "ny_tal.csv")
    assert frame["prev_obs"].isna().all()


def test_paired_helpers_agree_with_scipy_and_statsmodels():
    rng = np.random.default_rng(5)
    a = rng.integers(1, 6, 40).astype(float)
    b = np.clip(a - rng.choice([0, 0, 1], 40), 1, 5)
    assert paired_mean_test(a, b) == pytest.approx(tuple(stats.ttest_rel(a, b)))
    assert paired_mean_test(a, b, "wilcoxon") == pytest.approx(tuple(stats.wilcoxon(a, b)))
    assert np.isnan(paired_mean_test(a, a)[1])  # no change at all: no test
    x, y = a >= 4, b >= 4
    table = [[(x & y).sum(), (x & ~y).sum()], [(~x & y).sum(), (~x & ~y).sum()]]
    exact = mcnemar(table, exact=True)
    assert mcnemar_test(x, y)[:2] == pytest.approx((exact.statistic, exact.pvalue))
    big_x = np.r_[x, np.ones(60, bool)]
    big_y = np.r_[y, np.zeros(60, bool)]
    t2 = [[(big_x & big_y).sum(), (big_x & ~big_y).sum()], [(~big_x & big_y).sum(), 0]]
    t2[1][1] = int((~big_x & ~big_y).sum())
    chi = mcnemar(t2, exact=False, correction=True)
    assert mcnemar_test(big_x, big_y)[:2] == pytest.approx((chi.statistic, chi.pvalue))


def test_a_question_asked_only_in_the_previous_wave_shows_its_figures_beside_dashes(
    files, tmp_path
):
    from samspil.cli import main

    folder, now, _ = files
    out = tmp_path / "out"
    args = ["report", str(folder / "panel.yaml"), "--data", str(folder / "before.csv")]
    args += ["--previous", str(folder / "now.csv"), "--out", str(out), "--formats", "csv,html"]
    assert main(args) == 0
    single = pd.read_csv(out / "tables" / "ny_single.csv")
    assert single["percent"].isna().all() and single["prev_percent"].notna().all()
    assert single["answer"].tolist() == ["Ja", "Nej"]
    grid = _row(out, "ny_grid", "klart")
    assert pd.isna(grid["obs"]) and grid["prev_obs"] == len(now)
    number = pd.read_csv(out / "tables" / "ny_tal.csv").iloc[0]
    assert number["prev_mean"] == pytest.approx(now["ny_tal"].mean())
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Kun i én af runderne (–): Har kommunen en frivilligpolitik?" in html
    assert "?." not in html


def test_multiple_choice_options_are_tested_with_mcnemar_in_a_panel_and_z_otherwise(
    files, report, tmp_path
):
    from statsmodels.stats.proportion import proportions_ztest

    from samspil.cli import main

    folder, now, before = files
    table = pd.read_csv(report / "tables" / "former.csv").set_index("option")
    both = now.merge(before, on="kommune", suffixes=("", "_prev"))
    for option, name in [("Partnerskab", "former_1"), ("Aftale", "former_2")]:
        x, y = both[name] == 1, both[f"{name}_prev"] == 1
        cells = [[(x & y).sum(), (x & ~y).sum()], [(~x & y).sum(), (~x & ~y).sum()]]
        discordant = cells[0][1] + cells[1][0]
        if discordant:
            expected = mcnemar(cells, exact=discordant < 25).pvalue
            assert table.loc[option, "p"] == pytest.approx(expected)
        else:
            assert pd.isna(table.loc[option, "p"])
    assert table.loc["Partnerskab", "sig"] == "*"  # 30 % more chose it
    out = tmp_path / "out"
    args = ["report", str(folder / "panel.yaml"), "--data", str(folder / "now.csv")]
    args += ["--previous", str(folder / "before.csv"), "--match", "none", "--out", str(out)]
    assert main([*args, "--formats", "csv"]) == 0
    independent = pd.read_csv(out / "tables" / "former.csv").set_index("option")
    k = [int((now["former_1"] == 1).sum()), int((before["former_1"] == 1).sum())]
    _, p = proportions_ztest(k, [len(now), len(before)])
    assert independent.loc["Partnerskab", "p"] == pytest.approx(p)
