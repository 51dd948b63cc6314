"""Every questionnaire gets a message, never a traceback (issue 18 item 4): a condition on a
group nested in another group may refer to an earlier question of the same section, and a
group condition samspil cannot use is refused naming sheet, row and column."""

from __future__ import annotations

import pytest

from samspil.instruments import InstrumentError, resolve
from tests.core.test_xlsform import make_form

CHOICES = [["list_name", "name", "label"], ["jn", "ja", "Ja"], ["jn", "nej", "Nej"]]


def nested(tmp_path, relevant: str, top: str = ""):
    return make_form(
        tmp_path / "indlejret.xlsx",
        [
            ["type", "name", "label", "relevant"],
            ["begin group", "frivillige", "Frivillige", top],
            ["select_one jn", "har", "Har I frivillige?", ""],
            ["begin group", "detaljer", "Om de frivillige", relevant],
            ["integer", "antal", "Hvor mange?", ""],
            ["begin group", "inderst", "Mere", "${antal} > 10"],
            ["text", "hvem", "Hvem er de?", ""],
            ["end group"],
            ["end group"],
            ["end group"],
        ],
        CHOICES,
    )


def test_a_nested_group_condition_may_refer_to_an_earlier_question_of_its_section(tmp_path):
    instrument = resolve(nested(tmp_path, "${har} = 'ja'"))
    antal = instrument.question("antal")
    hvem = instrument.question("hvem")
    assert [c.model_dump(by_alias=True, exclude_none=True) for c in antal.show_if] == [
        {"variable": "har", "in": [1]}
    ]
    assert [c.model_dump(by_alias=True, exclude_none=True) for c in hvem.show_if] == [
        {"variable": "har", "in": [1]},
        {"variable": "antal", "op": ">", "value": 10.0},
    ]
    assert antal.shown({"har": 1.0}) and not antal.shown({"har": 2.0})
    assert instrument.form_paths["frivillige/detaljer/inderst/hvem"] == "hvem"


@pytest.mark.parametrize(
    ("relevant", "top", "row", "why"),
    [
        ("${hvem} != ''", "", 4, "${hvem} is not an earlier question"),
        ("${har} = 'ja' and today() > 3", "", 4, "cannot use condition"),
        ("", "${antal} > 3", 2, "${antal} is not an earlier question"),
        ("", "count(${har}) > 1", 2, "cannot use condition"),
    ],
)
def test_a_group_condition_samspil_cannot_use_is_refused_naming_sheet_row_and_column(
    tmp_path, run_cli, relevant, top, row, why
):
    path = nested(tmp_path, relevant, top)
    with pytest.raises(InstrumentError) as caught:
        resolve(path)
    message = str(caught.value)
    assert f"indlejret.xlsx: survey row {row}, column relevant: " in message
    assert why in message
    assert message.count("column relevant") == 1  # once, not once per question
    code, _out, err = run_cli("instrument", "check", path)
    assert code == 2
    assert "Traceback" not in err and f"survey row {row}, column relevant" in err
