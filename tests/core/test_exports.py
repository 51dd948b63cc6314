"""Archive-ready exports keep labels, user-missing codes and UTF-8."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pyreadstat
import pytest

from samspil.demo import demo_file

DDI = "{ddi:codebook:2_5}"


@pytest.fixture
def exported(run_cli, tmp_path):
    def export(fmt: str, instrument: str = "kd2024"):
        out = tmp_path / f"{instrument}.{fmt}"
        code, _, err = run_cli(
            "export",
            instrument,
            "--data",
            demo_file(f"{instrument}_demo.csv"),
            "--to",
            fmt,
            "--out",
            out,
        )
        assert code == 0, err
        return out

    return export


def test_sav_has_variable_labels_value_labels_and_user_missing(exported):
    data, meta = pyreadstat.read_sav(str(exported("sav")), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["udf_by"].endswith("| At sikre en positiv by- og erhvervsudvikling")
    assert meta.variable_value_labels["inv_by"][9.0] == "Ikke relevant"
    assert meta.missing_ranges["inv_by"] == [{"lo": 9.0, "hi": 9.0}]
    assert "udf_by" not in meta.missing_ranges
    source = pd.read_csv(demo_file("kd2024_demo.csv"))
    assert len(data) == len(source)
    assert data["udf_vigtigste"].iloc[0] == source["udf_vigtigste"].iloc[0]  # æøå survive


def test_dta_has_labels(exported):
    _, meta = pyreadstat.read_dta(str(exported("dta")))
    assert meta.variable_value_labels["udf_by"][5.0] == "I meget høj grad"
    assert len(meta.column_labels[meta.column_names.index("udf_by")]) <= 80


def test_ddi_codebook_declares_categories_and_missing(exported):
    root = ET.parse(exported("ddi")).getroot()
    assert root.tag == f"{DDI}codeBook" and root.get("version") == "2.5"
    variables = {v.get("name"): v for v in root.iter(f"{DDI}var")}
    assert len(variables) == 64
    inv = variables["inv_by"]
    missing = [c for c in inv.iter(f"{DDI}catgry") if c.get("missing") == "Y"]
    assert [c.find(f"{DDI}labl").text for c in missing] == ["Ikke relevant"]
    # the grid's stem before the question, the row asked as the question (issue 18 item 10)
    assert "nuværende" in inv.find(f"{DDI}qstn/{DDI}preQTxt").text
    assert (
        inv.find(f"{DDI}qstn/{DDI}qstnLit").text == "At sikre en positiv by- og erhvervsudvikling"
    )
    assert inv.find(f"{DDI}qstn/{DDI}ivuInstr") is None


def test_xlsx_and_csv_exports_keep_every_row(exported):
    from openpyxl import load_workbook

    book = load_workbook(exported("xlsx"), read_only=True)
    assert book.sheetnames == ["Data", "Kodebog"]
    csv = pd.read_csv(exported("csv"))
    assert csv["respondent_id"].is_unique and len(csv) == 79


def test_fc2015_multiple_choice_is_exported_as_one_binary_variable_per_option(exported):
    _, meta = pyreadstat.read_sav(str(exported("sav", "fc2015")))
    assert meta.variable_value_labels["q23_10"] == {1.0: "Valgt", 0.0: "Ikke valgt"}


def test_fast_xlsx_writer_round_trips_numbers_text_and_empty_cells(tmp_path):
    from openpyxl import load_workbook

    from samspil.xlsx_writer import write_xlsx

    frame = pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3"],
            "code": [1.0, float("nan"), 5.0],
            "share": [0.25, 1e-3, -2.5],
            "text": ['æøå <b>&</b> "x"', None, "  leading"],
        }
    )
    path = write_xlsx({"Data": frame, "Andet ark": frame.head(1)}, tmp_path / "x.xlsx")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Data", "Andet ark"]
    rows = list(book["Data"].iter_rows(values_only=True))
    assert rows[0] == ("respondent_id", "code", "share", "text")
    assert rows[1] == ("r1", 1, 0.25, 'æøå <b>&</b> "x"')
    assert rows[2] == ("r2", None, 0.001, None)
    assert rows[3] == ("r3", 5, -2.5, "  leading")


def test_export_of_bad_input_names_the_problem_and_writes_nothing(run_cli, tmp_path):
    bad = tmp_path / "answers.csv"
    bad.write_text("respondent_id,udf_by\nr1,6\n", encoding="utf-8")
    out = tmp_path / "kd2024.sav"
    code, _, err = run_cli("export", "kd2024", "--data", bad, "--to", "sav", "--out", out)
    assert code == 2
    assert "answers.csv, row 2, column 'udf_by': '6' is outside the scale" in err
    assert not out.exists()


# -- issue 9: what an archive's and a Stata user's software reads (item 9) ------------------


@pytest.fixture(scope="module")
def kd2024_data():
    from samspil.importing import read_responses
    from samspil.instruments import load

    return load("kd2024"), read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data


def test_dta_is_release_118_with_special_answers_as_labelled_extended_missing(
    kd2024_data, tmp_path
):
    from samspil.exports import export
    from samspil.responses import Responses

    instrument, data = kd2024_data
    dta = export(Responses(instrument, data), "dta", tmp_path / "kd2024.dta")
    sav = export(Responses(instrument, data), "sav", tmp_path / "kd2024.sav")
    assert dta.read_bytes()[:50].startswith(b"<stata_dta><header><release>118</release>")
    from_dta, _ = pyreadstat.read_dta(str(dta))
    from_sav, _ = pyreadstat.read_sav(str(sav))
    assert (data["inv_by"] == 9).any()
    assert from_dta["inv_by"].mean() == pytest.approx(from_sav["inv_by"].mean())
    assert from_dta["inv_by"].mean() == pytest.approx(data["inv_by"][data["inv_by"] != 9].mean())
    raw, meta = pyreadstat.read_dta(str(dta), user_missing=True)
    assert meta.missing_user_values["inv_by"] == ["a"]
    assert meta.variable_value_labels["inv_by"]["a"] == "Ikke relevant"
    assert 9 not in meta.variable_value_labels["inv_by"]
    assert (raw["inv_by"] == "a").sum() == (data["inv_by"] == 9).sum()


def test_stata_variable_labels_tell_every_variable_apart_within_80_bytes(kd2024_data, tmp_path):
    from samspil.exports import export
    from samspil.responses import Responses

    for instrument_id in ("kd2024", "fc2015"):
        from samspil.importing import read_responses
        from samspil.instruments import load

        instrument = load(instrument_id)
        data = read_responses(demo_file(f"{instrument_id}_demo.csv"), instrument).data
        _, meta = pyreadstat.read_dta(
            str(export(Responses(instrument, data), "dta", tmp_path / f"{instrument_id}.dta"))
        )
        labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
        assert all(len(label.encode("utf-8")) <= 80 for label in labels.values())
        assert len(set(labels.values())) == len(labels), instrument_id
    instrument, data = kd2024_data
    _, meta = pyreadstat.read_dta(
        str(export(Responses(instrument, data), "dta", tmp_path / "k.dta"))
    )
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    for name in ("fors_kultur", "inv_social", "pot_social"):  # the item first
        assert instrument.variable_map[name].item[:40] in labels[name][:50]


def test_sav_has_ordinal_scales_integer_code_formats_and_long_strings_pspp_can_read(
    kd2024_data, tmp_path
):
    from samspil.exports import export
    from samspil.responses import Responses

    instrument, data = kd2024_data
    data = data.copy()
    long_text = "æ" * 20_000 + "slut"  # 40,004 bytes in UTF-8
    data.loc[data.index[0], "udf_vigtigste"] = long_text
    path = export(Responses(instrument, data), "sav", tmp_path / "kd2024.sav")
    back, meta = pyreadstat.read_sav(str(path))
    assert meta.variable_measure["udf_by"] == "ordinal"  # grad5 rating scale
    assert meta.variable_measure["tilg_nye"] == "ordinal"  # enig5
    assert meta.variable_measure["bg_aar_kd"] == "scale"  # years picked from a list (issue 18)
    assert meta.original_variable_types["udf_by"] == "F1.0"
    assert meta.original_variable_types["inv_by"] == "F1.0"
    width = int(meta.original_variable_types["udf_vigtigste"].lstrip("A"))
    assert width <= 32_767
    assert long_text.startswith(back["udf_vigtigste"].iloc[0])
    assert len(back["udf_vigtigste"].iloc[0].encode("utf-8")) > 32_700
    assert back["udf_vigtigste"].iloc[1] == data["udf_vigtigste"].iloc[1]


def test_fc2015_sav_keeps_nominal_questions_nominal(tmp_path):
    from samspil.exports import export
    from samspil.importing import read_responses
    from samspil.instruments import load
    from samspil.responses import Responses

    instrument = load("fc2015")
    data = read_responses(demo_file("fc2015_demo.csv"), instrument).data
    _, meta = pyreadstat.read_sav(
        str(export(Responses(instrument, data), "sav", tmp_path / "f.sav"))
    )
    assert meta.variable_measure["q1"] == "nominal"
    assert meta.variable_measure["q23_10"] == "nominal"
    assert meta.variable_measure["q13"] == "scale"


def test_ddi_var_quantity_equals_the_number_of_var_elements(exported):
    root = ET.parse(exported("ddi")).getroot()
    quantity = root.find(f"{DDI}fileDscr/{DDI}fileTxt/{DDI}dimensns/{DDI}varQnty")
    assert int(quantity.text) == len(list(root.iter(f"{DDI}var"))) == 64


def test_xlsx_with_word_control_characters_and_huge_cells_opens_in_openpyxl(tmp_path):
    from openpyxl import load_workbook

    from samspil.xlsx_writer import write_xlsx

    frame = pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3"],
            "text": ["linje 1\x0blinje 2", "bell\x07 og\x00 null", "x" * 40_000],
        }
    )
    book = load_workbook(write_xlsx({"Data": frame}, tmp_path / "x.xlsx"), read_only=True)
    rows = list(book["Data"].iter_rows(values_only=True))
    assert rows[1][1] == "linje 1\nlinje 2"
    assert rows[2][1] == "bell og null"
    assert len(rows[3][1]) == 32_767 and rows[3][1].endswith("…")
