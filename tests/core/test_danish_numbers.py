"""Danish numbers read the Danish way (issue 18 item 7): in a file whose decimal mark is
the comma, '.' separates thousands; an ambiguous cell, a number outside the question's
min/max and a decimal in a whole-number question are refused naming row and column."""

from __future__ import annotations

import pytest

from samspil.importing import DataImportError, read_responses
from samspil.instruments import resolve
from tests.core.test_xlsform import make_form


@pytest.fixture
def medlemmer(tmp_path):
    path = make_form(
        tmp_path / "medlemmer.xlsx",
        [
            ["type", "name", "label", "constraint"],
            ["integer", "medlemmer", "Hvor mange medlemmer?", ". >= 0 and . <= 100000"],
            ["decimal", "kontingent", "Kontingent i kroner?", ""],
        ],
    )
    return resolve(path)


def read(tmp_path, instrument, text, name="svar.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_responses(path, instrument)


def refusal(tmp_path, instrument, text) -> str:
    with pytest.raises(DataImportError) as caught:
        read(tmp_path, instrument, text)
    return str(caught.value)


def test_in_a_danish_excel_csv_a_point_separates_thousands(tmp_path, medlemmer):
    data = read(
        tmp_path, medlemmer, "medlemmer;kontingent\n2.185;1.234,5\n12;2,5\n;1.000.000\n"
    ).data
    # 2.185 is two thousand one hundred and eighty-five members, not 2.185
    assert data["medlemmer"].fillna(-1).tolist() == [2185.0, 12.0, -1]
    assert data["kontingent"].tolist() == [1234.5, 2.5, 1000000.0]


def test_an_ambiguous_cell_is_refused_naming_row_and_column(tmp_path, medlemmer):
    message = refusal(tmp_path, medlemmer, "medlemmer;kontingent\n12;2.18\n")
    assert "svar.csv, row 2, column 'kontingent': '2.18' is ambiguous" in message
    assert "decimal mark is ','" in message


def test_a_comma_separated_file_reads_a_point_as_decimal_mark(tmp_path, medlemmer):
    data = read(tmp_path, medlemmer, 'medlemmer,kontingent\n12,2.185\n"2,185",3\n').data
    assert data["kontingent"].tolist() == [2.185, 3.0]
    assert data["medlemmer"].tolist() == [12.0, 2185.0]


def test_a_file_whose_numbers_use_the_comma_reads_the_comma_as_decimal_mark(tmp_path, medlemmer):
    data = read(tmp_path, medlemmer, 'medlemmer,kontingent\n12,"2,5"\n14,2.185\n').data
    assert data["kontingent"].tolist() == [2.5, 2185.0]


def test_a_file_mixing_both_decimal_marks_is_refused(tmp_path, medlemmer):
    message = refusal(tmp_path, medlemmer, "medlemmer\tkontingent\n12\t2,5\n14\t2.75\n")
    assert "row 2, column 'kontingent': '2,5' is ambiguous" in message


def test_a_number_outside_min_and_max_is_refused_like_a_code_outside_a_scale(tmp_path, medlemmer):
    message = refusal(tmp_path, medlemmer, "medlemmer;kontingent\n-3;\n200000;\n")
    assert "row 2, column 'medlemmer': '-3' is outside the range of the question (0 to 100000)" in (
        message
    )
    assert "row 3, column 'medlemmer': '200000' is outside the range" in message


def test_a_decimal_in_an_integer_question_is_refused(tmp_path, medlemmer):
    message = refusal(tmp_path, medlemmer, "medlemmer;kontingent\n2,5;\n")
    assert "row 2, column 'medlemmer': '2,5' is not a whole number" in message


def test_the_integer_question_stays_whole_through_convert_and_on_the_web_form(tmp_path, medlemmer):
    from samspil.instruments.xlsform import write_xlsform

    question = medlemmer.question("medlemmer")
    assert question.integer and not medlemmer.question("kontingent").integer
    write_xlsform(medlemmer, tmp_path / "igen.xlsx")
    assert resolve(tmp_path / "igen.xlsx").question("medlemmer").integer
    _answers, errors = question.parse_form({"medlemmer": ["2,5"]})
    assert errors == ["Angiv et helt tal."]
