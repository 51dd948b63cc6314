"""Bad input gets a clear message naming file, row and column, and nothing is written."""

from __future__ import annotations

import pandas as pd
import pytest

from samspil.importing import DataImportError, read_responses
from samspil.instruments import load

from .conftest import fixture_path

HEADER = "respondent_id,udf_by,udf_klima\n"


def write(tmp_path, text: str, name: str = "answers.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def report_fails(run_cli, data, tmp_path, *expected: str) -> str:
    out = tmp_path / "report"
    code, _, err = run_cli("report", "kd2024", "--data", data, "--out", out)
    assert code == 2
    for text in expected:
        assert text in err
    assert not out.exists(), "nothing may be written when the input is bad"
    return err


def test_unknown_column_names_file_row_and_column(run_cli, tmp_path):
    data = write(tmp_path, "respondent_id,udf_by,udf_nonsense\nr1,4,3\n")
    report_fails(
        run_cli, data, tmp_path, "answers.csv", "row 1", "'udf_nonsense'", "unknown variable"
    )


def test_code_outside_the_scale_names_row_and_column(run_cli, tmp_path):
    data = write(tmp_path, HEADER + "r1,4,3\nr2,7,3\n")
    err = report_fails(run_cli, data, tmp_path, "row 3", "'udf_by'", "'7'", "outside the scale")
    assert "1=Slet ikke" in err


def test_unknown_label_is_refused(run_cli, tmp_path):
    data = write(tmp_path, HEADER + "r1,I høj grad,Meget\n")
    report_fails(run_cli, data, tmp_path, "row 2", "'udf_klima'", "'Meget'")


def test_duplicate_respondent_id_names_both_rows(run_cli, tmp_path):
    data = write(tmp_path, HEADER + "r1,4,3\nr2,4,3\nr1,5,5\n")
    report_fails(run_cli, data, tmp_path, "duplicate respondent id 'r1'", "rows 2, 4")


def test_danish_excel_csv_is_read_with_a_note(run_cli, tmp_path):
    """Windows-1252, ';' and a decimal comma, as Danish Excel saves "CSV"."""
    text = "respondent_id;udf_by;udf_klima\r\nr1;I høj grad;4,0\r\nr2;Slet ikke;2\r\n;;\r\n"
    data = write(tmp_path, text, encoding="cp1252")
    responses = read_responses(data, load("kd2024"))
    assert responses.data["udf_by"].tolist() == [4.0, 1.0]
    assert responses.data["udf_klima"].tolist() == [4.0, 2.0]
    assert any("Windows-1252" in n for n in responses.notes)
    code, _, err = run_cli(
        "export", "kd2024", "--data", data, "--to", "csv", "--out", tmp_path / "x.csv"
    )
    assert code == 0 and "note:" in err and "Windows-1252" in err


def test_unsupported_file_type_is_refused(run_cli, tmp_path):
    data = write(tmp_path, HEADER, name="answers.json")
    report_fails(run_cli, data, tmp_path, "unsupported file type")


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    path = write(tmp_path, "respondent_id,udf_by,bogus\nr1,9,1\nr1,4,2\n")
    with pytest.raises(DataImportError) as caught:
        read_responses(path, load("kd2024"))
    messages = [str(p) for p in caught.value.problems]
    assert any("bogus" in m for m in messages)
    assert any("outside the scale" in m for m in messages)
    assert any("duplicate" in m for m in messages)


def test_labels_codes_and_question_item_headers_give_the_same_data(tmp_path):
    labels = read_responses(fixture_path("kd2024_tabel_4_2_responses.csv"), load("kd2024")).data
    codes_path = tmp_path / "codes.csv"
    labels.to_csv(codes_path, index=False)
    codes = read_responses(codes_path, load("kd2024")).data
    pd.testing.assert_frame_equal(labels, codes)


def test_header_matching_ignores_case_whitespace_and_line_breaks(tmp_path):
    header = 'respondent_id,"I HVILKEN grad står jeres kommune i de kommende\n år overfor udfordringer med...  |  at sikre en positiv by- og erhvervsudvikling"\n'
    data = read_responses(write(tmp_path, header + "r1,i høj grad\n"), load("kd2024")).data
    assert data["udf_by"].tolist() == [4.0]


def test_semicolon_csv_from_danish_excel_and_decimal_comma_codes(tmp_path):
    path = write(tmp_path, "respondent_id;udf_by;bg_aar_kd\nr1;4,0;12\n")
    data = read_responses(path, load("kd2024")).data
    assert data.loc[0, "udf_by"] == 4.0
    assert data.loc[0, "bg_aar_kd"] == 12.0


def test_xlsx_and_sav_inputs_give_the_same_data_as_csv(tmp_path):
    import pyreadstat

    csv_data = read_responses(fixture_path("kd2024_tabel_4_2_responses.csv"), load("kd2024")).data
    xlsx = tmp_path / "answers.xlsx"
    csv_data.to_excel(xlsx, index=False)
    pd.testing.assert_frame_equal(read_responses(xlsx, load("kd2024")).data, csv_data)
    sav = tmp_path / "answers.sav"
    pyreadstat.write_sav(csv_data, str(sav))
    pd.testing.assert_frame_equal(read_responses(sav, load("kd2024")).data, csv_data)


def test_a_partial_file_makes_the_tables_it_can_and_notes_the_rest(run_report, tmp_path):
    code, err, out = run_report(
        "kd2024", fixture_path("kd2024_tabel_4_2_responses.csv"), "--formats", "csv"
    )
    assert code == 0
    assert (out / "tables" / "tabel_4_2.csv").is_file()
    assert not (out / "tables" / "tabel_4_4.csv").exists()
    assert "left out Tabel 4.4" in err
    assert "inv_by" in err
