"""What other tools put in a form is kept or refused, never dropped (issue 18 item 8): a
computed read-only total is not asked, a constraint samspil cannot enforce is refused
naming sheet, row and column, and markup in labels is stripped."""

from __future__ import annotations

import pytest

from samspil.importing import read_responses
from samspil.instruments import InstrumentError, resolve
from tests.core.test_xlsform import make_form

HEADER = ["type", "name", "label", "calculation", "read_only", "constraint"]


def form(tmp_path, *rows):
    return make_form(tmp_path / "husstand.xlsx", [HEADER, *rows])


def test_a_computed_read_only_total_is_not_asked_and_its_column_is_left_out(tmp_path):
    instrument = resolve(
        form(
            tmp_path,
            ["integer", "voksne", "Voksne", "", "", ". >= 0"],
            ["integer", "boern", "Børn", "", "", ". > 0"],
            ["integer", "i_alt", "I alt", "${voksne} + ${boern}", "yes", ""],
        )
    )
    assert [v.name for v in instrument.variables] == ["voksne", "boern"]
    assert instrument.question("boern").min == 1  # '. > 0' on whole numbers
    assert instrument.form_paths["i_alt"] == ""
    answers = tmp_path / "svar.csv"
    answers.write_text("voksne,boern,i_alt\n2,1,3\n")
    read = read_responses(answers, instrument)
    assert read.data["voksne"].tolist() == [2.0]
    assert any("left out" in n and "i_alt" in n for n in read.notes)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (["integer", "boern", "Børn", "", "", ". <= ${voksne}"], "'. <= ${voksne}'"),
        (["text", "tlf", "Telefon", "", "", "regex(., '^[0-9]{8}$')"], "regex("),
        (["decimal", "vaegt", "Vægt", "", "", ". > 0.5"], "write bounds on a decimal"),
    ],
)
def test_a_constraint_samspil_cannot_enforce_is_refused_naming_row_and_column(tmp_path, row, why):
    path = form(tmp_path, ["integer", "voksne", "Voksne", "", "", ""], row)
    with pytest.raises(InstrumentError) as caught:
        resolve(path)
    assert "husstand.xlsx: survey row 3, column constraint: " in str(caught.value)
    assert why in str(caught.value)


def test_markup_in_labels_is_stripped_and_hidden_parts_dropped(tmp_path):
    instrument = resolve(
        form(
            tmp_path,
            [
                "integer",
                "voksne",
                'Hvor <b>mange</b> voksne?<span style="display:none"> (til tælleren)</span>',
                "",
                "",
                "",
            ],
            ["text", "navn", '<span style="color:red">Navn</span> (2 < 3)', "", "", ""],
        )
    )
    assert instrument.question("voksne").text == "Hvor mange voksne?"
    assert instrument.question("navn").text == "Navn (2 < 3)"
