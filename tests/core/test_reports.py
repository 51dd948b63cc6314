"""Whole data reports from the bundled synthetic demo data."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from samspil.demo import demo_file
from samspil.importing import read_attributes, read_responses
from samspil.instruments import load
from samspil.reports import compute, load_spec, make_report
from samspil.reports.groups import ATTRIBUTE_COLUMNS
from samspil.responses import Responses


@pytest.fixture(scope="module")
def kd2024_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("kd2024")
    data = read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data
    return make_report("kd2024", Responses(load("kd2024"), data), out, banner="SYNTETISK"), data


def test_report_writes_html_pdf_xlsx_figures_and_one_csv_per_table(kd2024_report):
    output, _ = kd2024_report
    folder = output.folder
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    made = [r for r in output.results if not r.skipped]
    for result in made:
        assert (folder / "tables" / f"{result.block.id}.csv").is_file()
    assert (folder / "figures" / "figur_4_2.svg").read_text().lstrip().startswith("<?xml")
    assert (folder / "figures" / "figur_4_2.png").read_bytes()[:4] == b"\x89PNG"
    sheets = load_workbook(folder / "tables.xlsx", read_only=True).sheetnames
    assert "Tabel 4.2" in sheets and sheets[0] == "Indhold"


def test_every_closed_question_table_of_chapters_4_to_10_is_made(kd2024_report):
    output, _ = kd2024_report
    made = {r.block.id for r in output.results if not r.skipped}
    for table in [
        "tabel_4_2",
        "tabel_4_4",
        "tabel_4_5",
        "tabel_6_2",
        "tabel_8_2",
        "tabel_8_3",
        "tabel_9_1",
        "tabel_9_2",
        "tabel_10_1",
        "tabel_10_2",
        "figur_4_3",
        "figur_4_6",
        "figur_5_1_1",
        "figur_5_2_6",
        "figur_5_3",
        "figur_8_4",
    ]:
        assert table in made
    skipped = {r.block.id for r in output.results if r.skipped}
    assert skipped == {
        "figur_4_1",
        "figur_6_1",
        "figur_7_1",
        "figur_7_2",
        "figur_7_3",
        "figur_8_1",
        "figur_9_3",
        "tabel_10_3",
    }, "only the coded open answers need --codes, and real municipalities tabel_10_3"


def test_html_is_self_contained_and_in_danish_number_format(kd2024_report):
    output, _ = kd2024_report
    page = (output.folder / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"https?://", page)
    assert "SYNTETISK" in page
    table = pd.read_csv(output.folder / "tables" / "tabel_4_2.csv")
    first = table.iloc[0]
    mean = f"{first['mean']:.1f}".replace(".", ",")
    assert f"{mean} (" in page
    assert re.search(r"\d,\d%", page)


def test_csv_numbers_are_unrounded_machine_format(kd2024_report):
    output, data = kd2024_report
    table = pd.read_csv(output.folder / "tables" / "tabel_4_4.csv")
    values = data["inv_by"].dropna()
    values = values[values != 9]
    assert table.loc[0, "obs"] == len(values)
    assert table.loc[0, "mean"] == pytest.approx(values.mean(), abs=1e-12)


def test_footnotes_are_generated_from_the_data(kd2024_report):
    output, data = kd2024_report
    result = next(r for r in output.results if r.block.id == "tabel_4_4")
    obs = result.data["obs"]
    expected = str(obs.min()) if obs.min() == obs.max() else f"{obs.min()}-{obs.max()}"
    assert result.note.startswith(f"Antal besvarelser: {expected}.")
    assert "skala fra 1 ”Slet ikke” til 5 ”I meget høj grad”" in result.note
    not_applicable = int((data["inv_by"] == 9).sum())
    assert f"{not_applicable} for positiv by- og erhvervsudvikling" in result.note


def test_base_sentence_stands_only_under_tables_that_depart_from_the_rule_unseen():
    data = read_responses(demo_file("fc2015_demo.csv"), load("fc2015")).data
    spec, results = compute("fc2015", Responses(load("fc2015"), data))
    table = next(r for r in results if r.block.id == "tabel_6_3")
    assert "indgår i basen" not in table.note, "the method chapter states the rule once"
    assert "Ved ikke" in table.data.columns
    # a table that leaves "Ved ikke" out of its base says so under the table
    block = table.block.model_copy(update={"include_dont_know": False, "categories": [1, 2, 3, 4]})
    chapter = spec.chapters[0].model_copy(update={"blocks": [block]})
    departing = spec.model_copy(update={"chapters": [chapter]})
    _, (left_out,) = compute(departing, Responses(load("fc2015"), data))
    assert "”Ved ikke” indgår ikke i basen." in left_out.note
    assert "Ved ikke" not in left_out.data.columns
    # "Ikke relevant" in the base is shown as a column of its own, so no note says it
    kd = read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data
    _, kd_results = compute("kd2024", Responses(load("kd2024"), kd))
    with_not_applicable = [r for r in kd_results if r.block.include_not_applicable]
    assert len(with_not_applicable) == 7
    for result in with_not_applicable:
        assert "Ikke relevant" in result.data.columns
        assert "indgår i basen" not in result.note


@pytest.fixture(scope="module")
def fc2015_results():
    data = read_responses(demo_file("fc2015_demo.csv"), load("fc2015")).data
    attributes = read_attributes(demo_file("fc2015_kommuner_demo.csv"), ATTRIBUTE_COLUMNS)
    return data, attributes


def test_fc2015_breakdowns_need_areas_and_municipality_attributes(fc2015_results):
    data, attributes = fc2015_results
    _, with_attrs = compute("fc2015", Responses(load("fc2015"), data), attributes=attributes)
    made = {r.block.id for r in with_attrs if not r.skipped}
    for table in [
        "tabel_3_1",
        "tabel_3_2",
        "tabel_3_3",
        "tabel_3_4",
        "tabel_4_1",
        "tabel_4_5",
        "tabel_5_1",
        "tabel_5_2",
        "tabel_5_3",
        "tabel_5_4",
        "tabel_5_5",
        "tabel_5_6",
        "tabel_5_7",
        "tabel_5_8",
        "tabel_6_1",
        "tabel_6_2",
        "tabel_6_3",
        "tabel_6_5",
        "tabel_6_6",
        "tabel_6_7",
        "tabel_6_8",
    ]:
        assert table in made, table
    _, without = compute(
        "fc2015", Responses(load("fc2015"), data.drop(columns=[f"omr_{i}" for i in range(1, 9)]))
    )
    skipped = {r.block.id: r.skipped for r in without if r.skipped}
    assert "tabel_5_2" in skipped and "attributes" in skipped["tabel_5_2"]
    assert "tabel_3_3" in skipped and "omr_1" in skipped["tabel_3_3"]


def test_groups_below_the_minimum_cell_size_are_suppressed(fc2015_results):
    data, attributes = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data), attributes=attributes)
    table = next(r for r in results if r.block.id == "tabel_3_3")
    assert not table.data["suppressed"].any()
    _, results = compute(
        "fc2015", Responses(load("fc2015"), data), attributes=attributes, min_cell=10_000
    )
    table = next(r for r in results if r.block.id == "tabel_3_3")
    assert table.data["suppressed"].all()
    assert (
        table.data.drop(columns=["item", "group", "n", "suppressed", "secondary", "p", "stars"])
        .isna()
        .all()
        .all()
    )
    assert "færre end 10000" in table.note


def test_multiple_response_percentages_do_not_sum_to_100(fc2015_results):
    data, _ = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data))
    table = next(r for r in results if r.block.id == "tabel_5_6")
    assert list(table.data.columns) == ["option", "n", "percent"]
    assert table.data["percent"].sum() > 100


def test_gap_table_recomputes_the_relative_gap(fc2015_results):
    data, _ = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data))
    gap = next(r for r in results if r.block.id == "tabel_6_5").data
    assert (gap["difference"] == gap["a"] - gap["b"]).all()
    assert gap["relative_gap"].tolist() == pytest.approx(
        (gap["difference"] / gap["a"] * 100).tolist()
    )


def test_bundled_report_definitions_validate():
    for report_id in ("kd2024", "fc2015"):
        spec = load_spec(report_id)
        instrument = load(spec.instrument)
        for block in spec.blocks:
            for name in block.variables or []:
                assert name in instrument.variable_map, (block.id, name)


def test_theme_figures_use_the_final_codes_with_answerers_as_base(run_report, tmp_path):
    code, err, out = run_report(
        "kd2024",
        demo_file("kd2024_demo.csv"),
        "--codes",
        demo_file("kd2024_codes_demo.csv"),
        "--formats",
        "csv",
    )
    assert code == 0, err
    figure = pd.read_csv(out / "tables" / "figur_4_1.csv")
    assert list(figure.columns) == ["option", "n", "percent"]
    data = pd.read_csv(demo_file("kd2024_demo.csv"))
    codes = pd.read_csv(demo_file("kd2024_codes_demo.csv"))
    answered = int(data["udf_vigtigste"].notna().sum())
    first = figure.set_index("option").loc["Arbejdskraft"]
    mentioned = codes[(codes.variable == "udf_vigtigste") & (codes.code == "arbejdskraft")]
    assert first["n"] == mentioned["respondent_id"].nunique()
    assert first["percent"] == pytest.approx(first["n"] / answered * 100)
    assert figure["percent"].sum() > 100  # several themes per respondent
    for table in ("figur_6_1", "figur_7_1", "figur_7_2", "figur_7_3", "figur_8_1", "figur_9_3"):
        assert (out / "tables" / f"{table}.csv").is_file()


def test_theme_figure_is_left_out_with_a_note_when_nobody_answered_the_open_question(
    run_report, tmp_path
):
    data = pd.read_csv(demo_file("kd2024_demo.csv"))
    data["udf_vigtigste"] = None
    answers = tmp_path / "answers.csv"
    data.to_csv(answers, index=False)
    codes = tmp_path / "codes.csv"
    codes.write_text("respondent_id,variable,code\n", encoding="utf-8")  # nothing coded yet
    code, err, out = run_report("kd2024", answers, "--codes", codes, "--formats", "csv")
    assert code == 0, err
    assert "left out Figur 4.1: Ingen har besvaret det åbne spørgsmål (udf_vigtigste)" in err
    assert not (out / "tables" / "figur_4_1.csv").exists()
    other = pd.read_csv(out / "tables" / "figur_6_1.csv")
    assert other["n"].sum() == 0 and other["percent"].eq(0).all()


def test_codes_file_without_the_required_columns_is_refused(run_report, tmp_path):
    bad = tmp_path / "codes.csv"
    bad.write_text("respondent_id,code\nr1,x\n", encoding="utf-8")
    code, err, out = run_report("kd2024", demo_file("kd2024_demo.csv"), "--codes", bad)
    assert code == 2
    assert "codes.csv" in err and "'variable'" in err and "required column" in err
    assert not out.exists()


def test_markup_in_footnotes_is_escaped_and_leaves_significance_stars_alone():
    from samspil.reports.render import _text

    shown = _text("Spørgsmål: *Hvad <b>?</b>* **fed** — * p<0,05; ** p<0,01; *** p<0,001")
    assert "<em>Hvad &lt;b&gt;?&lt;/b&gt;</em>" in shown
    assert "<strong>fed</strong>" in shown
    assert "* p&lt;0,05; ** p&lt;0,01; *** p&lt;0,001" in shown


def test_area_breakdown_has_a_total_row_and_is_shown_groups_by_items(fc2015_results):
    from samspil.reports.render import table_html

    data, _ = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data))
    table = next(r for r in results if r.block.id == "tabel_4_2")
    totals = table.data[table.data["group"] == "Alle"]
    assert len(totals) == table.data["item"].nunique()
    variable = table.block.variables[0]
    first = table.data[table.data["item"] == totals.iloc[0]["item"]]
    assert first["n"].iloc[:-1].max() <= totals.iloc[0]["n"] <= data[variable].notna().sum()
    page = table_html(table)
    assert page.count("<tr") == table.data["group"].nunique() + 1  # header + one row per group


def test_attributes_file_without_required_columns_is_refused(run_report, tmp_path):
    bad = tmp_path / "kommuner.csv"
    bad.write_text("kommune,population\nDemokommune 01,40000\n", encoding="utf-8")
    code, err, out = run_report("fc2015", demo_file("fc2015_demo.csv"), "--attributes", bad)
    assert code == 2
    assert "kommuner.csv" in err and "'expenditure_pressure'" in err and "'mayor_party'" in err
    assert not out.exists()


def test_municipality_types_follow_the_report_bands():
    from samspil.reports.groups import municipality_types

    attributes = pd.DataFrame(
        {
            "kommune": ["A", "B", "C", "D", "E"],
            "population": [20_000, 35_000, 49_999, 75_000, 60_000],
            "expenditure_pressure": ["90", "99,5", "101", "110", "95"],
            "mayor_party": ["V", "A", "F", "K", "Ø"],
        }
    )
    types = municipality_types(attributes).set_index("kommune")
    assert types["size_band"].tolist() == [
        "Under 35.000",
        "35.000-49.999",
        "35.000-49.999",
        "75.000 og derover",
        "50.000-74.999",
    ]
    assert types["pressure_band"].tolist() == ["85-95", "95-100", "100-105", ">105", "95-100"]
    assert types["mayor_bloc"].tolist() == ["Blå", "Rød", "Rød", "Blå", "Rød"]
    assert types.loc["D", "pressure_half"] == "Højt udgiftspres"
    assert types.loc["A", "pressure_quintile"] == "Laveste udgiftspres"


def test_breakdowns_show_the_groups_and_labels_the_report_prints(fc2015_results):
    data, attributes = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data), attributes=attributes)
    by_id = {r.block.id: r for r in results}
    assert by_id["tabel_4_4"].data["group"].tolist() == [
        "Kultur og fritid",
        "Social service",
        "Sundhed og forebyggelse",
        "Alle",
    ]
    assert by_id["tabel_6_2"].data["group"].unique().tolist() == ["LAVT", "HØJT", "Alle"]
    quintiles = by_id["tabel_6_8"].data["group"].tolist()
    assert len(set(quintiles)) == len(quintiles) == 6  # the seed printed "Højeste" twice


def test_a_partial_file_makes_a_partial_table_whose_note_names_what_is_missing():
    kd = read_responses(demo_file("kd2024_demo.csv"), load("kd2024"))
    _, results = compute("kd2024", Responses(kd.instrument, kd.data.drop(columns="bg_aar_kommune")))
    table = next(r for r in results if r.block.id == "tabel_10_1")
    assert table.skipped is None and len(table.data) == 1
    assert "bg_aar_kommune" in table.note

    fc = read_responses(demo_file("fc2015_demo.csv"), load("fc2015"))
    _, results = compute(
        "fc2015", Responses(fc.instrument, fc.data.drop(columns="q14_vaeresteder"))
    )
    table = next(r for r in results if r.block.id == "tabel_4_1")
    assert table.skipped is None and len(table.data) == 10
    assert "q14_vaeresteder" in table.note


def test_theme_figure_follows_the_seeds_order():
    from samspil.cli import CODES_COLUMNS, _read_columns

    data = read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data
    codes = _read_columns(str(demo_file("kd2024_codes_demo.csv")), CODES_COLUMNS)
    _, results = compute("kd2024", Responses(load("kd2024"), data), codes=codes)
    figure = next(r for r in results if r.block.id == "figur_4_1")
    assert figure.data["option"].iloc[0] == "Økonomisk pres"
    assert figure.data["option"].iloc[-1] == "Andet"


def test_fc2015_table_3_3_shows_p_values_as_the_seed_does(fc2015_results):
    from samspil.reports.document import grid

    data, _ = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data))
    table = next(r for r in results if r.block.id == "tabel_3_3")
    shown = grid(table)
    assert shown.header[-1].startswith("P-værdi")
    first = table.data.iloc[0]
    assert shown.rows[0][-1] == f"{first['p']:.2f}".replace(".", ",")
    assert "p<0,05" not in table.note


def test_regression_p_values_of_the_note_are_in_the_table_data(fc2015_results):
    data, attributes = fc2015_results
    _, results = compute("fc2015", Responses(load("fc2015"), data), attributes=attributes)
    table = next(r for r in results if r.block.controls and not r.skipped)
    assert "p_controlled" in table.data.columns
    shown = table.data["p_controlled"].dropna()
    assert len(shown) and shown.between(0, 1).all()
    if table.block.group_by != "areas":
        p = shown.iloc[0]
        assert f"p = {p:.3f}".replace(".", ",") in table.note


def test_fc2015_tables_use_the_seeds_words_and_bare_numbers(fc2015_results):
    from samspil.reports.document import grid

    data, _ = fc2015_results
    spec, results = compute("fc2015", Responses(load("fc2015"), data))
    table = next(r for r in results if r.block.id == "tabel_3_1")
    shown = grid(table, spec.table_style)
    assert shown.header[1:] == ["N", "Procent"]
    assert shown.rows[-1][0] == "Total" and shown.rows[-1][2] == "100,0"
    assert "%" not in "".join(shown.rows[0])
