"""Respondent pages never answer 500 (issue 9, item 2): every question type's form parsing
turns any input into stored answers or a Danish message. Property-based (hypothesis):
arbitrary strings, numbers (negative, huge, inf, nan, decimal commas), repeated and
missing fields are posted to an example of every registered question type, so a type
added later is covered as soon as it is registered."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from samspil.fieldwork import actions
from samspil.fieldwork.models import Respondent
from samspil.fieldwork.questionnaire import SHOWN_FIELD, read_page
from samspil.instruments import Instrument
from samspil.questions.registry import QUESTION_TYPES

# Fields an example of a type gets when the type has them (a type added later that needs
# something else gets a clear failure in test_every_registered_type_has_an_example).
OPTIONS = [
    {"code": 1, "label": "Ja"},
    {"code": 2, "label": "Andet", "other_text": True},
    {"code": 3, "label": "Nej"},
    {"code": 9, "label": "Ved ikke", "special": "dont_know"},
]
CANDIDATE_FIELDS: dict[str, Any] = {
    "options": OPTIONS,
    "items": [{"id": "a", "text": "Samarbejdet"}, {"id": "b", "text": "Dialogen"}],
    "exclusive": [9],
    "min": 0,
    "max": 34,
    "labels": {0: "Under 1 år"},
}


def example_questions(key: str) -> list[dict[str, Any]]:
    """Valid definitions of type ``key``: all its candidate fields, required or not, and
    (for types with bounds) with only a lower bound, like fc2015 q13."""
    cls = QUESTION_TYPES[key]
    fields = cls.model_fields
    base = {"type": key, "text": f"Spørgsmål af typen {key}"}
    base |= {name: value for name, value in CANDIDATE_FIELDS.items() if name in fields}
    variants = [base, {**base, "required": True}]
    if "max" in fields:
        variants.append({k: v for k, v in base.items() if k != "max"})
    valid = []
    for index, variant in enumerate(variants):
        definition = {"id": f"q_{key}_{index}", **variant}
        try:
            cls.model_validate(definition)
        except ValidationError:
            continue
        valid.append(definition)
    return valid


def fuzz_instrument() -> dict[str, Any]:
    questions = [q for key in sorted(QUESTION_TYPES) for q in example_questions(key)]
    return {
        "id": "fuzz",
        "title": "Alle spørgsmålstyper",
        "sections": [{"id": "alle", "title": "Alle", "questions": questions}],
    }


def test_every_registered_type_has_an_example():
    missing = [key for key in QUESTION_TYPES if not example_questions(key)]
    assert not missing, f"add the fields these types need to CANDIDATE_FIELDS: {missing}"
    assert {"single", "multi", "grid", "open", "number", "pick"} <= set(QUESTION_TYPES)


INSTRUMENT = Instrument.model_validate(fuzz_instrument())
SECTION = INSTRUMENT.sections[0]
NAMES = sorted(
    {q.id for q in SECTION.questions}
    | {v.name for q in SECTION.questions for v in q.variables()}
    | {f"{q.id}__shown" for q in SECTION.questions}
)

# Values: text of every kind (NUL and control characters included), numbers as typed by
# people and machines, codes near and off the scale.
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: str(f).replace(".", ",")),
    st.sampled_from(["-4", "-0", "1e400", "-1e400", "nan", "inf", "1_000", " 7 ", "0x1A", "٣"]),
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60)
VALUE = st.one_of(TEXT, NUMBERS, st.sampled_from(["", "1", "2", "3", "9", "34", "35"]))
VALUES = st.lists(VALUE, max_size=4)  # missing (empty), one, or repeated fields
FORM = st.dictionaries(st.one_of(st.sampled_from(NAMES), TEXT), VALUES, max_size=len(NAMES))


def _checked(answers: dict[str, object], errors: dict[str, list[str]]) -> None:
    variables = {v.name: v for q in SECTION.questions for v in q.variables()}
    for name, value in answers.items():
        assert name in variables, name
        var = variables[name]
        if value is None:
            continue
        if var.kind == "text":
            assert isinstance(value, str) and "\x00" not in value and len(value) <= 10000
        else:
            assert isinstance(value, float) and math.isfinite(value), (name, value)
            if var.kind in ("categorical", "binary"):
                assert var.value_error(value) is None, (name, value)
    json.dumps(answers, allow_nan=False)  # storable in a JSON column, PostgreSQL's too
    for messages in errors.values():
        for message in messages:
            assert isinstance(message, str) and message.strip(), messages
            assert not any(w in message for w in ("Error", "code ", "allowed", "None", "nan"))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(form=FORM, shown=st.booleans())
def test_any_form_data_gives_valid_answers_or_danish_messages(form, shown):
    data = dict(form)
    if shown:
        data[SHOWN_FIELD] = [q.id for q in SECTION.questions]
    result = read_page(SECTION, {}, data)
    _checked(result.answers, result.errors)


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("q_number_2", "-4", "Angiv et tal på mindst 0."),  # fc2015 q13: min only
        ("q_number_0", "35", "Angiv et tal mellem 0 og 34."),
        ("q_number_0", "nan", "Angiv et tal."),
        ("q_number_0", "1e400", "Angiv et tal."),
        ("q_pick_0", "-4", "Vælg et af svarene."),
        ("q_single_0", "7", "Vælg et af svarene."),
        ("q_multi_0", "7", "Vælg blandt svarene."),
    ],
)
def test_known_bad_answers_get_their_danish_message(question, value, message):
    data = {SHOWN_FIELD: [question], question: [value]}
    result = read_page(SECTION, {}, data)
    assert result.errors[question] == [message]


# -- through the web page -------------------------------------------------------------------


@pytest.fixture
def fuzz_respondent(tmp_path: Path, researcher):  # type: ignore[no-untyped-def]
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(fuzz_instrument(), allow_unicode=True), encoding="utf-8")
    study = actions.do_open_study(
        actions.do_create_study(
            "Fuzz",
            str(path),
            controller="Testuniversitetet",
            contact="dpo@example.org",
            signature="Forskerne",
        )
    )
    return Respondent.objects.create(study=study, email="fuzz@example.org", name="Fuzz")


WEB_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
WEB_FORM = st.dictionaries(
    st.one_of(st.sampled_from([*NAMES, SHOWN_FIELD, "nav"]), WEB_TEXT),
    st.lists(
        st.one_of(WEB_TEXT, NUMBERS, st.sampled_from(["", "1", "2", "9", "back"])), max_size=3
    ),
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(form=WEB_FORM)
def test_respondent_page_never_answers_500(client, fuzz_respondent, form):
    client.raise_request_exception = False
    page = f"/s/{fuzz_respondent.token}/side/alle/"
    response = client.post(page, form)
    assert response.status_code in (200, 302), response.status_code
    fuzz_respondent.refresh_from_db()
    if not fuzz_respondent.is_completed:
        again = client.get(page)  # the stored answers render back
        assert again.status_code == 200, again.status_code


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2.185", 2185.0), ("1.234,5", 1234.5), ("2,5", 2.5), ("12", 12.0), ("0,25", 0.25)],
)
def test_a_number_typed_the_danish_way_is_read_the_danish_way(value, stored):
    """The questionnaire speaks Danish: the comma is the decimal mark and a point only
    separates thousands, so 2.185 members are 2185, never 2.185."""
    data = {SHOWN_FIELD: ["q_number_2"], "q_number_2": [value]}
    result = read_page(SECTION, {}, data)
    assert not result.errors, result.errors
    assert next(iter(result.answers.values())) == stored


def test_a_number_with_a_point_as_decimal_mark_is_refused_not_guessed():
    data = {SHOWN_FIELD: ["q_number_2"], "q_number_2": ["2.5"]}
    result = read_page(SECTION, {}, data)
    assert result.errors["q_number_2"] == [
        "Skriv decimaltal med komma, fx 2,5 (punktum skiller tusinder: 2.185 er 2185)."
    ]
    assert all(v is None for v in result.answers.values())
