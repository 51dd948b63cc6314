"""Messages that point at the fix (issue 18 item 9): a header-only answers file says it
holds 0 answers; pyxform's row numbers are put on the sheet the problem is on; answers to
another questionnaire given as --previous are named once, with --previous-instrument."""

from __future__ import annotations

import pytest

from samspil.demo import demo_file
from samspil.importing import DataImportError, read_responses
from samspil.instruments import InstrumentError, load, resolve
from tests.core.test_xlsform import make_form


def test_a_header_only_answers_file_says_it_holds_no_answers(tmp_path):
    path = tmp_path / "tom.csv"
    path.write_text("respondent_id,udf_by\n")
    read = read_responses(path, load("kd2024"))
    assert len(read.data) == 0
    assert any("holds 0 answers" in note for note in read.notes)
    path.write_text("respondent_id,udf_by,ukendt\n")  # an unknown column is still named
    with pytest.raises(DataImportError, match="column 'ukendt': unknown variable"):
        read_responses(path, load("kd2024"))


def test_a_missing_choice_list_is_reported_on_the_survey_row_that_names_it(tmp_path):
    path = make_form(
        tmp_path / "liste.xlsx",
        [["type", "name", "label"], ["select_one jn", "q", "Q?"], ["select_one xx", "r", "R?"]],
        [["list_name", "name", "label"], ["jn", "ja", "Ja"]],
    )
    with pytest.raises(InstrumentError, match=r"liste\.xlsx: survey row 3: List name not in"):
        resolve(path)


def test_a_repeated_choice_name_is_reported_on_the_choices_sheet(tmp_path):
    path = make_form(
        tmp_path / "liste.xlsx",
        [["type", "name", "label"], ["select_one jn", "q", "Q?"]],
        [["list_name", "name", "label"], ["jn", "ja", "Ja"], ["jn", "ja", "Ja igen"]],
    )
    with pytest.raises(InstrumentError, match=r"liste\.xlsx: choices row 3: On the 'choices'"):
        resolve(path)


def test_previous_answers_to_another_questionnaire_are_named_once(run_cli, tmp_path):
    code, _out, err = run_cli(
        "report",
        "kd2024",
        "--data",
        demo_file("kd2024_demo.csv"),
        "--previous",
        demo_file("fc2015_demo.csv"),
        "--out",
        tmp_path / "rapport",
        "--formats",
        "csv",
    )
    assert code == 2
    assert err.count("error") == 1 and "unknown variable" not in err
    assert "not in this wave's questionnaire kd2024" in err and "--previous-instrument" in err
