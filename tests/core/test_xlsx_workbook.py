"""Small styled workbooks (the report's ``tables.xlsx``) written without openpyxl: what a
reader sees when it opens them (read back with openpyxl)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from samspil.xlsx_writer import Sheet, Style, cell_name, column_letter, write_workbook


def test_a_styled_sheet_reads_back_with_its_fonts_formats_widths_panes_merges_and_links(tmp_path):
    contents = Sheet("Indhold", widths={0: 16, 1: 80}, freeze="A3")
    contents.append(["Rapport & <titel>"], Style(bold=True, size=13))
    contents.append(["Tabel", "Titel"], Style(bold=True, wrap=True))
    row = contents.append(["Tabel 4.2", "Trivsel"])
    contents.styles[(row, 0)] = Style(link=True)
    contents.links[(row, 0)] = "'Tabel 4.2'!A1"
    table = Sheet("Tabel 4.2", freeze="B3", widths={0: 48, 1: 14, 2: 14})
    table.append(["Tabel 4.2. Trivsel"], Style(bold=True, size=12))
    table.append(["", "Andel", "N"], Style(bold=True, wrap=True))
    formats = [Style(), Style(number_format="0.0%"), Style(number_format="0")]
    table.append(["Høj grad", 0.1 + 0.2, 12], formats)
    table.append(["Skjult", None, math.nan], formats)
    note = table.append(["Note: * p<0,05; ** p<0,01"], Style(wrap=True))
    table.merged.append(f"A{note + 1}:{cell_name(note, 2)}")
    table.heights[note] = 30

    table.append([])  # an empty row: read back as empty cells, not as no cells
    table.append(["Kilde"])
    path = write_workbook([contents, table], tmp_path / "t.xlsx")
    streamed = list(load_workbook(path, read_only=True)["Tabel 4.2"].iter_rows(values_only=True))
    assert [len(row) for row in streamed] == [3] * 7
    assert streamed[5] == (None, None, None) and streamed[6][0] == "Kilde"
    book = load_workbook(path)
    assert book.sheetnames == ["Indhold", "Tabel 4.2"]
    first = book["Indhold"]
    assert first["A1"].value == "Rapport & <titel>"
    assert first["A1"].font.b and first["A1"].font.sz == 13
    assert first["A2"].font.b and first["A2"].alignment.wrap_text
    assert first["A2"].alignment.vertical == "top"
    assert first.freeze_panes == "A3"
    assert first.column_dimensions["B"].width == 80
    assert first["A3"].hyperlink.location == "'Tabel 4.2'!A1"
    assert first["A3"].style == "Hyperlink" and first["A3"].font.u == "single"
    sheet = book["Tabel 4.2"]
    assert sheet.freeze_panes == "B3"
    assert sheet["B3"].value == 0.1 + 0.2, "a float is written exactly (repr)"
    assert sheet["B3"].number_format == "0.0%" and sheet["C3"].number_format == "0"
    assert sheet["C3"].value == 12 and isinstance(sheet["C3"].value, int)
    assert sheet["B4"].value is None and sheet["C4"].value is None, "no NaN in a cell"
    assert sheet["B4"].number_format == "0.0%", "an empty cell keeps its column's format"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A5:C5"]
    assert sheet.row_dimensions[5].height == 30
    assert sheet["A5"].value == "Note: * p<0,05; ** p<0,01", "stars are text"
    assert not sheet["A3"].font.b and sheet["A3"].number_format == "General"


def test_a_styled_sheets_text_never_runs_as_a_formula_and_holds_what_xml_allows(tmp_path):
    sheet = Sheet("Data")
    sheet.append(['=HYPERLINK("http://example.invalid","Klik")', "linje 1\x0blinje 2\x07"])
    book = load_workbook(write_workbook([sheet], tmp_path / "t.xlsx"))
    cells = book["Data"]
    assert cells["A1"].value == "'" + '=HYPERLINK("http://example.invalid","Klik")'
    assert cells["A1"].data_type == "s"
    assert cells["B1"].value == "linje 1\nlinje 2"


@pytest.mark.parametrize(("column", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_columns_are_lettered_as_spreadsheets_letter_them(column, letters):
    assert column_letter(column) == letters


def test_the_reports_workbook_is_written_without_importing_openpyxl(tmp_path):
    program = """
import sys
from pathlib import Path
from samspil.demo import demo_file
from samspil.instruments import resolve
from samspil.reports import compute
from samspil.reports.workbook import write_xlsx
from samspil.responses import Responses
responses = Responses.from_file(demo_file("kd2024_demo.csv"), resolve("kd2024"))
spec, results = compute("kd2024", responses)
write_xlsx(spec, results, Path(sys.argv[1]))
print("openpyxl" in sys.modules)
"""
    path = tmp_path / "tables.xlsx"
    done = subprocess.run(
        [sys.executable, "-c", program, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert "Tabel 4.2" in load_workbook(path, read_only=True).sheetnames
