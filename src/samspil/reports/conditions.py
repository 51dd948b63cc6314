"""A questionnaire's conditions (``show_if``) in words, for Bilag 1: "Besvares kun, hvis
der er svaret “Ja” i spørgsmål 3 (samarbejder)."."""

from __future__ import annotations

from samspil.instruments import Instrument
from samspil.questions.base import Condition

OPERATORS = {
    "=": "er",
    "!=": "ikke er",
    "<": "er under",
    "<=": "er højst",
    ">": "er over",
    ">=": "er mindst",
}


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} eller {words[-1]}"


def _number(value: float) -> str:
    return (str(int(value)) if float(value).is_integer() else str(value)).replace(".", ",")


def condition_text(condition: Condition, instrument: Instrument, numbers: dict[str, int]) -> str:
    """One condition as a clause after "hvis"; ``numbers`` gives each question's number in
    the appendix (by question id)."""
    if condition.any_of is not None:
        return " eller ".join(_nested(c, instrument, numbers) for c in condition.any_of)
    if condition.all_of is not None:
        return " og ".join(_nested(c, instrument, numbers) for c in condition.all_of)
    var = instrument.variable_map.get(condition.variable)
    where = condition.variable
    if var is not None and var.question_id in numbers:
        where = f"spørgsmål {numbers[var.question_id]} ({condition.variable})"
    labels = var.labels if var is not None else {}

    def answers(codes: list[int]) -> str:
        return _or([f"“{labels.get(c, str(c))}”" for c in codes])

    if var is not None and var.kind == "binary" and condition.in_ is not None:
        chosen = condition.in_ == [1]
        return f"“{var.item}” {'er' if chosen else 'ikke er'} valgt i {where}"
    if condition.in_ is not None:
        return f"der er svaret {answers(condition.in_)} i {where}"
    if condition.not_in is not None:
        return f"der ikke er svaret {answers(condition.not_in)} i {where}"
    if condition.answered is not None:
        return f"{where} {'er' if condition.answered else 'ikke er'} besvaret"
    assert condition.op is not None
    assert condition.value is not None
    return f"svaret i {where} {OPERATORS[condition.op]} {_number(condition.value)}"


def _nested(condition: Condition, instrument: Instrument, numbers: dict[str, int]) -> str:
    text = condition_text(condition, instrument, numbers)
    combined = condition.any_of is not None or condition.all_of is not None
    return f"({text})" if combined else text


def shown_if(conditions: list[Condition], instrument: Instrument, numbers: dict[str, int]) -> str:
    """ "Besvares kun, hvis ... og ...." for a question's or section's conditions ("" when
    it is always asked)."""
    if not conditions:
        return ""
    clauses = [_nested(c, instrument, numbers) for c in conditions]
    return f"Besvares kun, hvis {' og '.join(clauses)}."
