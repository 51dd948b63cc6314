"""The bundled questionnaires: complete, verbatim and validated."""

from __future__ import annotations

import json
import re

import pytest

from samspil.instruments import InstrumentError, load, load_file
from samspil.questions.base import plain

from .conftest import seed_text


def squash(text: str) -> str:
    """Comparable form: the seeds are PDF extracts with words hyphenated across lines."""
    return re.sub(r"[\s\-\u00ad]+", "", plain(text)).casefold()


# Labels made for the open-answer table of fc2015 q11, which Bilag 2 prints as a grid
# of blank cells (see docs/fc2015-tables.md).
CONSTRUCTED = re.compile(r"^Opgave \d+ – ")


@pytest.mark.parametrize(("instrument_id", "seed"), [("kd2024", "004"), ("fc2015", "001")])
def test_every_question_and_item_text_stands_verbatim_in_the_seed(instrument_id, seed):
    source = squash(seed_text(seed))
    instrument = load(instrument_id)
    texts = [p for s in instrument.sections for p in s.intro + s.definitions]
    for section in instrument.sections:
        for q in section.questions:
            texts += [q.text, *q.intro]
    texts += [v.item for v in instrument.variables if v.item and v.section_id != "sample"]
    missing = [t for t in texts if squash(t) not in source and not CONSTRUCTED.match(t)]
    assert not missing, missing[:5]


def test_kd2024_variable_names_are_stable():
    names = [v.name for v in load("kd2024").variables]
    assert names[:7] == [
        "kommune",
        "udf_vigtigste",
        "udf_by",
        "udf_klima",
        "udf_aeldre",
        "udf_social",
        "udf_boern",
    ]
    assert "inv_vigtigste" in names and "pot_vigtigste" in names and "opf_vigtigste" in names
    assert names[-2:] == ["bg_aar_kd", "bg_aar_kommune"]
    assert len(names) == 64


def test_kd2024_flags_ikke_relevant_as_not_applicable():
    var = load("kd2024").variable_map["inv_by"]
    assert var.special_codes == {9: "not_applicable"}
    assert var.substantive_codes == [1, 2, 3, 4, 5]


def test_fc2015_q23_keeps_the_printed_codes_in_printed_order():
    q23 = load("fc2015").question("q23")
    assert [o.code for o in q23.options] == [1, 2, 3, 4, 5, 6, 10, 7, 8, 9]


def test_piping_puts_the_earlier_answer_into_the_later_text():
    item = load("kd2024").question("pot").items[0]
    shown = item.display_text({"udf_vigtigste": "Mangel på arbejdskraft"})
    assert "«Mangel på arbejdskraft»" in shown
    assert "[som du angav tidligere]" not in shown
    assert item.display_text({}) == item.text


def write(tmp_path, data) -> object:
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


BASE = {
    "id": "tiny",
    "title": "T",
    "scales": {"s": [{"code": 1, "label": "Ja"}, {"code": 2, "label": "Nej"}]},
}


def test_unknown_scale_is_named_with_the_question(tmp_path):
    bad = BASE | {
        "sections": [
            {
                "id": "a",
                "title": "A",
                "questions": [{"id": "q1", "type": "single", "text": "?", "scale": "nope"}],
            }
        ]
    }
    with pytest.raises(InstrumentError, match=r"bad.yaml.*q1.*unknown scale 'nope'"):
        load_file(write(tmp_path, bad))


def test_condition_on_a_later_variable_is_refused(tmp_path):
    bad = BASE | {
        "sections": [
            {
                "id": "a",
                "title": "A",
                "questions": [
                    {
                        "id": "q1",
                        "type": "single",
                        "text": "?",
                        "scale": "s",
                        "show_if": [{"variable": "q2", "in": [1]}],
                    },
                    {"id": "q2", "type": "single", "text": "?", "scale": "s"},
                ],
            }
        ]
    }
    with pytest.raises(InstrumentError, match="question q1 refers to 'q2'"):
        load_file(write(tmp_path, bad))


def test_repeated_variable_and_unknown_field_are_refused(tmp_path):
    bad = BASE | {
        "sections": [
            {
                "id": "a",
                "title": "A",
                "questions": [
                    {"id": "q1", "type": "single", "text": "?", "scale": "s"},
                    {"id": "q1", "type": "open", "text": "?"},
                ],
            }
        ]
    }
    with pytest.raises(InstrumentError, match="repeats"):
        load_file(write(tmp_path, bad))
    bad = BASE | {
        "sections": [
            {
                "id": "a",
                "title": "A",
                "questions": [{"id": "q1", "type": "open", "text": "?", "colour": "red"}],
            }
        ]
    }
    with pytest.raises(InstrumentError, match="colour"):
        load_file(write(tmp_path, bad))


def test_conditions_decide_what_is_shown():
    from samspil.questions import Condition

    cond = Condition.model_validate({"variable": "q5", "in": [1, 2]})
    assert cond.holds({"q5": 1.0}) and not cond.holds({"q5": 4.0}) and not cond.holds({})
    assert Condition.model_validate({"variable": "q5", "answered": True}).holds({"q5": "x"})
    with pytest.raises(ValueError, match="exactly one"):
        Condition.model_validate({"variable": "q5"})


def test_codebook_cli_lists_one_row_per_variable_with_values(run_cli):
    import csv
    import io

    code, out, _ = run_cli("codebook", "kd2024", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:4] == ["variable", "question", "item", "values"]
    by_name = {r["variable"]: r for r in rows}
    assert len(rows) == len(load("kd2024").variables)
    assert by_name["udf_by"]["item"] == "At sikre en positiv by- og erhvervsudvikling"
    assert by_name["inv_by"]["values"].endswith("5=I meget høj grad|9=Ikke relevant")
    assert by_name["udf_vigtigste"]["item"] == ""
    code, out, _ = run_cli("codebook", "fc2015", "--format", "json")
    assert code == 0
    multi = [r for r in json.loads(out) if r["variable"] == "q23_10"]
    assert multi and multi[0]["values"] == "1=Valgt|0=Ikke valgt"


def test_instruments_command_lists_both_bundled_questionnaires(run_cli):
    code, out, _ = run_cli("instruments")
    assert code == 0
    assert out.splitlines()[0].startswith("fc2015") and "kd2024" in out
