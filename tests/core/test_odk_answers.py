"""Answer files as KoboToolbox and ODK Central export them give the same data (and so the
same tables) as the same answers in samspil's own shape."""

from __future__ import annotations

import pandas as pd
import pytest

from samspil.importing import DataImportError, read_responses
from samspil.instruments import resolve
from tests.core.conftest import FIXTURES
from tests.core.test_xlsform import make_form

ODK = FIXTURES / "odk"


@pytest.fixture
def forening(tmp_path):
    path = make_form(
        tmp_path / "forening.xlsx",
        [
            ["type", "name", "label"],
            ["start", "start"],
            ["end", "end"],
            ["begin group", "org", "Foreningen"],
            ["select_one jn", "samarbejde", "Samarbejder foreningen med kommunen?"],
            ["select_multiple grunde or_other", "hvorfor", "Hvorfor?"],
            ["integer", "antal", "Hvor mange frivillige?"],
            ["text", "kommentar", "Kommentarer"],
            ["end group"],
        ],
        [
            ["list_name", "name", "label"],
            ["jn", "ja", "Ja"],
            ["jn", "nej", "Nej"],
            ["jn", "vi", "Ved ikke"],
            ["grunde", "lyst", "Lyst"],
            ["grunde", "pligt", "Pligt"],
        ],
    )
    return resolve(path)


def test_the_form_gives_the_variables_the_answer_files_are_compared_on(forening):
    assert [v.name for v in forening.variables] == [
        "samarbejde",
        "hvorfor_1",
        "hvorfor_2",
        "hvorfor_3",
        "hvorfor_3_tekst",
        "antal",
        "kommentar",
    ]


@pytest.mark.parametrize("export", ["kobo_export.csv", "central_export.csv"])
def test_kobo_and_central_exports_import_as_the_same_answers_in_samspil_shape(forening, export):
    expected = read_responses(ODK / "samspil_shape.csv", forening).data
    got = read_responses(ODK / export, forening)
    pd.testing.assert_frame_equal(got.data, expected)
    assert got.missing == []
    assert any("metadata columns left out" in note for note in got.notes)
    # the same answers make the same frequency table
    assert got.data["samarbejde"].value_counts().to_dict() == {1.0: 1, 2.0: 1, 8.0: 1}
    assert got.data[["hvorfor_1", "hvorfor_2", "hvorfor_3"]].sum().tolist() == [1.0, 1.0, 1.0]


def test_split_columns_win_over_the_summary_column(forening, tmp_path):
    kobo = pd.read_csv(ODK / "kobo_export.csv", sep=";", dtype=str, keep_default_na=False)
    kobo["org/hvorfor"] = ["pligt", "", "lyst"]  # contradicts the split columns
    path = tmp_path / "both.csv"
    kobo.to_csv(path, sep=";", index=False)
    expected = read_responses(ODK / "samspil_shape.csv", forening).data
    pd.testing.assert_frame_equal(read_responses(path, forening).data, expected)


def test_an_unknown_choice_name_is_refused_naming_row_and_column(forening, tmp_path):
    path = tmp_path / "bad.csv"
    text = (ODK / "central_export.csv").read_text().replace("pligt,", "pligtig,")
    path.write_text(text)
    with pytest.raises(DataImportError) as caught:
        read_responses(path, forening)
    assert "bad.csv, row 4, column 'org-hvorfor': 'pligtig' is not a choice of hvorfor" in str(
        caught.value
    )
