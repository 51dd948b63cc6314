"""Spreadsheets are bounded before they are parsed (issue 17, item 4): the three attack
files of the second security round (a 40 KB respondent list with a row of ten million
cells, two megabytes of shared strings no cell uses, a tiny XLSForm declaring a million
rows by 16,384 columns) are refused on the command line with exit code 2, a message naming
the file, and a peak memory far below what parsing them took (3.1 GB, 2.1 GB, 700 MB).
Memory is measured in a fresh process (``VmHWM``); the time they take is printed by
benchmarks/upload_bounds.py, not asserted here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from samspil.importing import DataImportError, read_table
from samspil.instruments import InstrumentError, load_bytes
from samspil.spreadsheet import SpreadsheetError, XlsxLimits, check_xlsx
from tests.core import xlsx_attacks

PEAK_MB = 300
# The command line in a fresh process; its peak memory (KiB on Linux) goes to stderr last.
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking process (a
# pytest worker of several hundred MB), while VmHWM belongs to the new program's memory.
PROGRAM = """
import re, sys
from samspil.cli import main
code = main(sys.argv[1:])
status = open("/proc/self/status", encoding="ascii").read()
peak = re.search(r"VmHWM:\\s+(\\d+)", status).group(1)
print(f"peak_kib={peak}", file=sys.stderr)
sys.exit(code)
"""


def run_cli(*args: str) -> tuple[int, str, float]:
    """Exit code, stderr and peak memory in MB of ``samspil args`` in its own process."""
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, timeout=600
    )
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("peak_kib="), done.stderr[-2000:]
    return done.returncode, "\n".join(lines[:-1]), int(lines[-1].split("=")[1]) / 1024


def test_a_40_kb_respondent_list_with_a_ten_million_cell_row_is_refused_in_little_memory(
    tmp_path,
):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(xlsx_attacks.wide_row(10_000_000))
    assert path.stat().st_size < 64 * 1024
    code, message, peak = run_cli("export", "kd2024", "--data", str(path), "--to", "csv")
    assert code == 2
    assert f"error: {path}: the part xl/worksheets/sheet1.xml is packed" in message
    assert "zip bomb" in message and "Traceback" not in message
    assert peak < PEAK_MB


def test_two_megabytes_of_unused_shared_strings_are_refused_in_little_memory(tmp_path):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(xlsx_attacks.unused_shared_strings(1_000_000))
    assert 1_000_000 < path.stat().st_size < 5_000_000  # packed about 5 to 1: no zip bomb
    code, message, peak = run_cli("export", "kd2024", "--data", str(path), "--to", "csv")
    assert code == 2
    assert f"error: {path}: more shared strings than cells use" in message
    assert peak < PEAK_MB


def test_a_tiny_xlsform_declaring_a_million_rows_is_refused_in_little_memory(tmp_path):
    path = tmp_path / "skema.xlsx"
    path.write_bytes(xlsx_attacks.xlsform(dimension="A1:XFD1048576"))
    assert path.stat().st_size < 10 * 1024
    code, message, peak = run_cli("instrument", "check", str(path))
    assert code == 2
    assert f"{path}: the sheet declares 1,048,576 rows and 16,384 columns" in message
    assert peak < PEAK_MB


def test_the_attack_generators_make_files_that_are_otherwise_valid():
    """Without the attack the same files read: the refusals above are the bounds'."""
    table = read_table(xlsx_attacks.respondents(), "liste.xlsx")
    assert list(table.frame.columns) == xlsx_attacks.RESPONDENT_HEADER
    assert table.frame.to_numpy().tolist() == [xlsx_attacks.RESPONDENT_ROW]
    instrument = load_bytes(xlsx_attacks.xlsform(), "skema.xlsx")
    assert [v.name for v in instrument.variables] == ["q1"]


def test_a_row_wider_than_the_column_limit_is_refused_naming_its_row():
    """6,000 empty cells: too few to look like a zip bomb, but wider than any table."""
    data = xlsx_attacks.wide_row(6_000)
    with pytest.raises(DataImportError) as caught:
        read_table(data, "liste.xlsx")
    assert str(caught.value) == "liste.xlsx, row 3: more than 5000 columns"


def test_a_row_with_a_value_beyond_the_header_is_refused_naming_its_row():
    row = xlsx_attacks.row_xml(3, ["Bo", "bo@example.org", "Odense", "ekstra"])
    with pytest.raises(DataImportError) as caught:
        read_table(xlsx_attacks.respondents([row]), "liste.xlsx")
    assert caught.value.problems[0].row == 3
    assert "a value beyond the last column of the header ('ekstra')" in str(caught.value)


def test_cells_beyond_the_header_are_read_up_to_a_bound():
    row = '<row r="3"><c t="inlineStr"><is><t>Bo</t></is></c>' + "<c/>" * 50 + "</row>"
    data = xlsx_attacks.respondents([row])
    assert len(read_table(data, "liste.xlsx").frame) == 2
    with pytest.raises(SpreadsheetError, match="more than 40 cells beyond the header"):
        check_xlsx(data, XlsxLimits(beyond=40))


def test_a_second_sheet_of_another_shape_does_not_stop_the_first_being_read():
    """Only the first sheet is read: a wider table on the second is no problem."""
    other = [xlsx_attacks.row_xml(1, ["Variabel"]), xlsx_attacks.row_xml(2, ["navn", "tekst"])]
    first = [
        xlsx_attacks.row_xml(1, xlsx_attacks.RESPONDENT_HEADER),
        xlsx_attacks.row_xml(2, xlsx_attacks.RESPONDENT_ROW),
    ]
    sheets = {"Ark1": xlsx_attacks.sheet(first), "Koder": xlsx_attacks.sheet(other)}
    table = read_table(xlsx_attacks.build_xlsx(sheets), "liste.xlsx")
    assert table.frame.to_numpy().tolist() == [xlsx_attacks.RESPONDENT_ROW]


def test_a_row_number_beyond_the_row_limit_is_refused():
    with pytest.raises(InstrumentError, match=r"skema.xlsx: more than 100,000 rows"):
        load_bytes(xlsx_attacks.xlsform(last_row=1_000_000), "skema.xlsx")


def test_a_part_that_unpacks_to_more_than_the_limit_is_refused():
    with pytest.raises(SpreadsheetError, match="unpacks to more than 1 MB"):
        check_xlsx(xlsx_attacks.unused_shared_strings(100_000), XlsxLimits(part_mb=1))


def test_a_doctype_in_a_part_is_refused():
    head = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    data = xlsx_attacks.build_xlsx(
        {"Ark1": iter([f'<?xml version="1.0"?>{head}<worksheet><sheetData/></worksheet>'.encode()])}
    )
    with pytest.raises(DataImportError, match="a part declares a DOCTYPE"):
        read_table(data, "liste.xlsx")


def test_a_file_that_is_no_zip_archive_is_refused_as_unreadable():
    with pytest.raises(DataImportError, match=r"liste\.xlsx: cannot read XLSX: not a zip archive"):
        read_table(b"navn,email\n", "liste.xlsx")


def test_a_report_definition_with_an_alias_bomb_is_refused_in_little_memory():
    """A YAML definition whose aliases name a billion cells: the loader keeps aliases as
    references and the schema refuses the first wrong chapter, so nothing is expanded."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "\n".join([*lines, "id: bomb", "instrument: kd2024", "title: *a8", "chapters: *a8"])
    program = (
        "import re, sys\n"
        "from samspil.reports.spec import SpecError, parse_spec\n"
        "try:\n    parse_spec(sys.stdin.read(), 'bomb.yaml')\n"
        "except SpecError as exc:\n    print(str(exc).splitlines()[0])\n"
        "status = open('/proc/self/status', encoding='ascii').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], input=text, capture_output=True, text=True, timeout=600
    )
    first, peak_kib = done.stdout.strip().splitlines()
    assert first.startswith("bomb.yaml: ")
    assert int(peak_kib) / 1024 < PEAK_MB


def test_damaged_xlsx_files_give_a_message_never_a_traceback():
    """Seeded byte flips in a valid file: read, or refused with a DataImportError."""
    import random

    data = xlsx_attacks.respondents()
    generator = random.Random(17)
    messages: list[str] = []
    for _ in range(200):
        damaged = bytearray(data)
        for _ in range(generator.randint(1, 8)):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        try:
            read_table(bytes(damaged), "liste.xlsx")
        except DataImportError as exc:
            messages.append(str(exc))
    assert messages and all(m.startswith("liste.xlsx") for m in messages)


def test_a_sheet_part_named_like_a_picture_is_measured_too():
    """The relations may name a sheet anything: every part that is XML is scanned."""
    data = xlsx_attacks.wide_row(6_000)
    renamed = xlsx_attacks.rename_part(data, "xl/worksheets/sheet1.xml", "xl/media/image1.png")
    with pytest.raises(DataImportError, match=r"liste\.xlsx, row 3: more than 5000 columns"):
        read_table(renamed, "liste.xlsx")
