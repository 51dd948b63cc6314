"""XLSForm questionnaires in and out: public test forms, the mapping onto samspil's
question types, refusals naming sheet/row/column, and the round trip of the bundled
instruments (``samspil codebook`` output identical)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from samspil.codebook import codebook
from samspil.instrument_cli import to_yaml
from samspil.instruments import InstrumentError, load, resolve
from samspil.instruments.xlsform import read_xlsform, write_xlsform
from tests.core.conftest import FIXTURES

PUBLIC = FIXTURES / "xlsform"
ROOT = Path(__file__).resolve().parents[2]


def make_form(path: Path, survey: list[list], choices: list[list] | None = None, settings=None):
    """A workbook with the given sheets (first row of each list = header)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    if settings:
        sheet = book.create_sheet("settings")
        for row in settings:
            sheet.append(row)
    book.save(path)
    return path


def rows(instrument) -> list[tuple[str, str, str, str, str]]:
    table = codebook(instrument)
    return [
        (r.variable, r.question, r.values, r.type, r.missing) for r in table.itertuples(index=False)
    ]


# -- forms nobody here wrote (pyxform's test material, BSD-2) -------------------------------


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (
            "yes_or_no_question",
            [("good_day", "have you had a good day today?", "1=yes|2=no", "categorical", "")],
        ),
        (
            "text_and_integer",
            [
                ("your_name", "What is your name?", "", "text", ""),
                ("your_age", "How many years old are you?", "", "number", ""),
            ],
        ),
        (
            "specify_other",
            [
                ("sex", "What sex are you?", "1=Male|2=Female|3=Andet", "categorical", ""),
                ("sex_3_tekst", "What sex are you?", "", "text", ""),
            ],
        ),
        (
            "field-list",
            [("table_list_question", "table list question", "1=Yes|2=No", "categorical", "")],
        ),
    ],
)
def test_public_forms_load_with_their_codebook(form, expected):
    assert rows(resolve(PUBLIC / f"{form}.xlsx")) == expected


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ("xlsform_spec_test", "survey row 34, column type: type 'geopoint'"),
        ("xlsform_spec_test", "survey row 15, column type: type 'begin repeat'"),
        ("xlsform_spec_test", "survey row 41, column label::english: refers to ${calculate_test}"),
        ("loop", "survey row 3, column type: type 'begin loop over toilet_type'"),
        ("choice_filter_test", "survey row 3, column choice_filter"),
        ("group", "survey row 4, column type: type 'phone number'"),
        ("case_insensitivity", "survey row 3, column type: type 'select_one_external c1'"),
    ],
)
def test_public_forms_samspil_cannot_field_are_refused_with_the_row(form, message):
    with pytest.raises(InstrumentError) as caught:
        resolve(PUBLIC / f"{form}.xlsx")
    assert message in str(caught.value)


def test_refused_form_exits_2_naming_the_row(run_cli):
    code, out, err = run_cli("codebook", PUBLIC / "xlsform_spec_test.xlsx")
    assert code == 2
    assert out == ""
    assert "xlsform_spec_test.xlsx: survey row 34, column type: type 'geopoint'" in err


def test_pyxform_errors_keep_their_row(tmp_path):
    path = make_form(
        tmp_path / "bad.xlsx",
        [["type", "name", "label"], ["begin group", "g", "G"], ["text", "a", "A"]],
    )
    with pytest.raises(InstrumentError, match=r"bad.xlsx: survey row 2: .*begin.group"):
        resolve(path)


# -- the mapping ----------------------------------------------------------------------------


def test_groups_grids_specials_translations_and_conditions_map_onto_samspil(tmp_path):
    path = make_form(
        tmp_path / "skema.xlsx",
        [
            [
                "type",
                "name",
                "label::Dansk (da)",
                "label::English (en)",
                "hint",
                "relevant",
                "required",
                "appearance",
                "constraint",
            ],
            ["note", "velkommen", "Velkommen", "Welcome"],
            ["begin group", "forening", "Foreningen", "The association"],
            [
                "select_one jn",
                "samarbejde",
                "Samarbejder I?",
                "Do you collaborate?",
                "",
                "",
                "yes",
            ],
            [
                "select_multiple grunde",
                "hvorfor",
                "Hvorfor?",
                "Why?",
                "Sæt gerne flere kryds",
                "${samarbejde} = 'ja'",
                "",
                "",
                "not(selected(., 'vi') and count-selected(.) > 1)",
            ],
            [
                "integer",
                "antal",
                "Hvor mange?",
                "How many?",
                "",
                "selected(${hvorfor}, 'lyst')",
                "",
                "",
                ". >= 0 and . <= 500",
            ],
            [
                "begin group",
                "vurdering",
                "Hvordan vurderer I ...",
                "How ...",
                "",
                "${antal} > 2",
                "",
                "table-list",
            ],
            ["select_one grad", "vurdering_udbytte", "Udbyttet", "The benefit"],
            ["select_one grad", "vurdering_kvalitet", "Kvaliteten", "The quality"],
            ["end group"],
            ["select_one grad", "tid_a", "Tid A", "Time A", "", "", "", "likert"],
            ["select_one grad", "tid_b", "Tid B", "Time B", "", "", "", "likert"],
            [
                "text",
                "andet",
                "Andet?",
                "Else?",
                "",
                "not(${samarbejde} = 'nej') or ${antal} >= 10",
            ],
            ["date", "dato", "Dato", "Date"],
            ["end group"],
            ["start", "start"],
        ],
        [
            ["list_name", "name", "label::Dansk (da)", "label::English (en)", "special"],
            ["jn", "ja", "Ja", "Yes"],
            ["jn", "nej", "Nej", "No"],
            ["jn", "vi", "Ved ikke", "Don't know"],
            ["grunde", "lyst", "Lyst", "Wish"],
            ["grunde", "pligt", "Pligt", "Duty"],
            ["grunde", "vi", "Ved ikke", "Don't know"],
            ["grad", "1", "Lav", "Low"],
            ["grad", "2", "Høj", "High"],
            ["grad", "9", "Kan ikke vurdere", "Cannot say", "not_applicable"],
        ],
        [
            ["form_title", "form_id", "version", "default_language"],
            ["Foreninger", "forening", "3", "Dansk (da)"],
        ],
    )
    instrument = resolve(path)
    assert (instrument.id, instrument.version, instrument.title) == ("forening", 3, "Foreninger")
    assert instrument.welcome == ["Velkommen"]
    assert instrument.translations["English (en)"]["Samarbejder I?"] == "Do you collaborate?"
    [section] = instrument.sections
    assert (section.id, section.title) == ("forening", "Foreningen")
    q = {q.id: q for q in section.questions}
    assert q["samarbejde"].type == "single" and q["samarbejde"].required
    assert [(o.code, o.label, o.special, o.name) for o in q["samarbejde"].options] == [
        (1, "Ja", None, "ja"),
        (2, "Nej", None, "nej"),
        (8, "Ved ikke", "dont_know", "vi"),
    ]
    assert q["hvorfor"].type == "multi" and q["hvorfor"].exclusive == [8]
    assert q["hvorfor"].help == "Sæt gerne flere kryds"
    assert q["hvorfor"].show_if[0].model_dump(by_alias=True, exclude_none=True) == {
        "variable": "samarbejde",
        "in": [1],
    }
    assert (q["antal"].min, q["antal"].max) == (0, 500)
    assert q["antal"].show_if[0].variable == "hvorfor_1"
    grid = q["vurdering"]
    assert grid.type == "grid" and grid.text == "Hvordan vurderer I ..."
    assert [grid.variable_name(i) for i in grid.items] == [
        "vurdering_udbytte",
        "vurdering_kvalitet",
    ]
    assert grid.options[-1].special == "not_applicable"
    assert grid.show_if[0].model_dump(exclude_none=True) == {
        "variable": "antal",
        "op": ">",
        "value": 2.0,
    }
    likert = q["tid_a_grid"]
    assert [likert.variable_name(i) for i in likert.items] == ["tid_a", "tid_b"]
    [either] = q["andet"].show_if
    assert [c.model_dump(by_alias=True, exclude_none=True) for c in either.any_of or []] == [
        {"variable": "samarbejde", "not_in": [2]},
        {"variable": "antal", "op": ">=", "value": 10.0},
    ]
    assert q["andet"].shown({"samarbejde": 1.0}) and not q["andet"].shown({"samarbejde": 2.0})
    assert q["andet"].shown({"samarbejde": 2.0, "antal": 12.0})
    assert q["dato"].type == "date"
    assert q["dato"].parse_form({"dato": ["2026-03-01"]}) == ({"dato": "2026-03-01"}, [])
    assert q["dato"].parse_form({"dato": ["1. marts"]})[1] == ["Angiv en dato som åååå-mm-dd."]
    back = tmp_path / "back.xlsx"
    write_xlsform(instrument, back)
    assert codebook(resolve(back)).equals(codebook(instrument))
    assert resolve(back).question("dato").type == "date"


@pytest.mark.parametrize(
    ("relevant", "message"),
    [
        ("${a} = 'x'", "'x' is not a choice of ${a}"),
        ("${zz} = '1'", "Could not find the name 'zz'"),
        ("regex(${a}, '1')", "unsupported 'regex'"),
    ],
)
def test_conditions_outside_the_subset_are_refused_naming_row_and_column(
    tmp_path, relevant, message
):
    path = make_form(
        tmp_path / "c.xlsx",
        [
            ["type", "name", "label", "relevant"],
            ["select_one l", "a", "A"],
            ["text", "b", "B", relevant],
        ],
        [["list_name", "name", "label"], ["l", "1", "En"], ["l", "2", "To"]],
    )
    with pytest.raises(InstrumentError) as caught:
        resolve(path)
    assert "c.xlsx: survey row 3" in str(caught.value)
    assert message in str(caught.value)


def test_every_problem_is_listed_and_nothing_loads(tmp_path):
    path = make_form(
        tmp_path / "many.xlsx",
        [
            ["type", "name", "label"],
            ["text", "a", "A"],
            ["geopoint", "where", "Hvor"],
            ["begin repeat", "kids", "Børn"],
            ["text", "kid", "Barn"],
            ["end repeat"],
            ["image", "photo", "Foto"],
        ],
    )
    with pytest.raises(InstrumentError) as caught:
        resolve(path)
    lines = str(caught.value).splitlines()
    assert [re.search(r"row (\d+)", line).group(1) for line in lines] == ["3", "4", "7"]


# -- out and back ---------------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", ["kd2024", "fc2015"])
def test_bundled_instrument_to_xlsform_and_back_gives_the_same_codebook(
    run_cli, tmp_path, instrument_id
):
    out = tmp_path / f"{instrument_id}.xlsx"
    assert run_cli("instrument", "convert", instrument_id, "--to", "xlsform", "--out", out)[0] == 0
    code, original, _ = run_cli("codebook", instrument_id)
    code_back, back, err = run_cli("codebook", out)
    assert (code, code_back, err) == (0, 0, "")
    assert back == original
    # and what the web form shows survives too: texts, intros, conditions, pipes
    before, after = load(instrument_id), resolve(out)
    assert (after.welcome, after.closing, after.sample) == (
        before.welcome,
        before.closing,
        before.sample,
    )
    for s1, s2 in zip(before.sections, after.sections, strict=True):
        d1, d2 = s1.model_dump(exclude={"questions"}), s2.model_dump(exclude={"questions"})
        assert d1 == d2
        for q1, q2 in zip(s1.questions, s2.questions, strict=True):
            assert q1.model_dump(exclude={"scale"}) == q2.model_dump(exclude={"scale"})


def test_xlsform_to_yaml_and_back_keeps_translations_and_choice_names(tmp_path, run_cli):
    source = PUBLIC / "yes_or_no_question.xlsx"
    out = tmp_path / "yn.yaml"
    assert run_cli("instrument", "convert", source, "--to", "yaml", "--out", out)[0] == 0
    again = resolve(out)
    assert again == resolve(source)
    xlsx = tmp_path / "yn.xlsx"
    write_xlsform(again, xlsx)
    assert rows(resolve(xlsx)) == rows(again)
    # the written workbook puts every question in a section group: only the paths differ
    assert resolve(xlsx).form_paths == {"skema/good_day": "good_day"}
    assert again.form_paths == {"good_day": "good_day"}
    unplaced = {"form_paths": {}}
    assert to_yaml(resolve(xlsx).model_copy(update=unplaced)) == to_yaml(
        again.model_copy(update=unplaced)
    )


def test_check_prints_sections_questions_and_variables(run_cli):
    code, out, _ = run_cli("instrument", "check", PUBLIC / "text_and_integer.xlsx")
    assert code == 0
    assert "1 sections, 2 questions, 2 variables" in out


def test_convert_refuses_an_out_file_of_the_other_format(run_cli, tmp_path):
    code, _, err = run_cli("instrument", "convert", "kd2024", "--to", "xlsform", "--out",
                           tmp_path / "x.yaml")  # fmt: skip
    assert code == 2 and "ends in .xlsx" in err
    assert not (tmp_path / "x.yaml").exists()


# -- the example in docs/instruments.md -----------------------------------------------------


def test_the_xlsform_example_in_the_docs_loads(tmp_path):
    text = (ROOT / "docs" / "instruments.md").read_text(encoding="utf-8")
    block = text.split("<!-- xlsform-example -->")[1].split("<!-- end of xlsform-example -->")[0]
    sheets: dict[str, list[str]] = {}
    current = ""
    for line in block.splitlines():
        if line.startswith("| ") and current:
            sheets[current].append(line)
        elif line.startswith("`") and line.rstrip().endswith("` sheet:"):
            current = line.strip("`: ").removesuffix("` sheet")
            sheets[current] = []
    md = "\n".join(
        f"| {name} |\n" + "\n".join("| " + line for line in lines if not set(line) <= set("|-: "))
        for name, lines in sheets.items()
    )  # fmt: skip
    path = tmp_path / "eksempel.md"
    path.write_text(md, encoding="utf-8")
    instrument = read_xlsform(path, "eksempel.md")
    assert [v.name for v in instrument.variables] == [
        "kommune",
        "samarbejde",
        "hvorfor_1",
        "hvorfor_2",
        "hvorfor_3",
        "hvorfor_3_tekst",
        "vurd_udbytte",
        "vurd_kvalitet",
        "antal",
        "kommentar",
    ]
    assert instrument.question("vurd").type == "grid"
