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
    assert "nuværende" in inv.find(f"{DDI}qstn/{DDI}qstnLit").text


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
