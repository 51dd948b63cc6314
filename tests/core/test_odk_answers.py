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
    assert any("columns left out (metadata" in note for note in got.notes)
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


@pytest.fixture
def kontakt(tmp_path):
    """A choice (``email`` of ``medier``) named like another question (``email``)."""
    path = make_form(
        tmp_path / "kontakt.xlsx",
        [
            ["type", "name", "label"],
            ["begin group", "org", "Foreningen"],
            ["select_multiple medier", "medier", "Hvordan når I medlemmerne?"],
            ["text", "email", "Foreningens e-mail"],
            ["end group"],
        ],
        [
            ["list_name", "name", "label"],
            ["medier", "email", "E-mail"],
            ["medier", "sms", "SMS"],
        ],
    )
    return resolve(path)


@pytest.mark.parametrize(
    "headers",
    [
        ["org/medier/email", "org/medier/sms", "org/email"],  # Kobo, groups in the headers
        ["org/email", "org/medier/email", "org/medier/sms"],  # the other column order
        ["medier/email", "medier/sms", "email"],  # Kobo without groups
        ["email", "medier/email", "medier/sms"],
        ["org-medier/email", "org-medier/sms", "org-email"],  # Central
    ],
)
def test_a_choice_named_like_another_question_never_moves_an_answer(kontakt, tmp_path, headers):
    values = {"email": ["1", "0", "1"], "sms": ["0", "1", "1"], "text": ["a@b.dk", "", "c@d.dk"]}
    frame = pd.DataFrame(
        {
            h: values["text"]
            if h.rsplit("/", 1)[-1].endswith("email") and "medier" not in h
            else values[h.rsplit("/", 1)[-1]]
            for h in headers
        }
    )
    path = tmp_path / "svar.csv"
    frame.to_csv(path, index=False)
    data = read_responses(path, kontakt).data
    assert data["medier_1"].tolist() == [1.0, 0.0, 1.0]
    assert data["medier_2"].tolist() == [0.0, 1.0, 1.0]
    assert data["email"].fillna("").tolist() == ["a@b.dk", "", "c@d.dk"]


def test_two_columns_for_one_field_are_refused_not_one_dropped(kontakt, tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("org/email,email\na@b.dk,c@d.dk\n")
    with pytest.raises(DataImportError) as caught:
        read_responses(path, kontakt)
    assert "svar.csv, row 1, column 'email': a second column for 'email' (also 'org/email')" in (
        str(caught.value)
    )
