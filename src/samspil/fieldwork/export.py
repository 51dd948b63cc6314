"""Hand-over to analysis: a study's answers in the core import format.

CSV with a ``respondent_id`` column, then one column per instrument variable in
``instrument.variables`` order (names = variable names); answers as numeric codes, empty
where not answered, open answers as text. ``respondent_id`` is the respondent's random
study-local id; with identifiers, ``name`` and ``email`` follow it (and ``kommune`` when the
instrument has no such variable). Sample variables are filled from the respondent list:
``kommune`` from the municipality, ``unit`` from the unit, others from same-named attributes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from samspil.fieldwork.models import Respondent, Study


def answers_frame(
    study: Study, *, identifiers: bool = False, include_not_started: bool = False
) -> pd.DataFrame:
    instrument = study.instrument
    variables = instrument.variables
    names = [v.name for v in variables]
    extra = ["name", "email"] if identifiers else []
    if "kommune" not in names:
        extra.append("kommune")
    columns = ["respondent_id", *extra, *names]

    respondents = (
        Respondent.objects.filter(study=study, is_test=False)
        .select_related("municipality", "unit")
        .order_by("row_number", "pk")
    )
    if not include_not_started:
        respondents = respondents.filter(started_at__isnull=False)

    records: list[list[Any]] = []
    for r in respondents:
        sample = {
            "kommune": r.municipality.name if r.municipality else None,
            "unit": r.unit.name if r.unit else None,
            **{k: v for k, v in r.attributes.items() if k not in ("kommune", "unit")},
        }
        identity = {"name": r.name, "email": r.email, "kommune": sample["kommune"]}
        row: list[Any] = [r.public_id, *(identity[c] for c in extra)]
        for var in variables:
            if var.section_id == "sample":
                row.append(sample.get(var.name) or None)
            else:
                row.append(_cell(var.kind, r.answers.get(var.name)))
        records.append(row)
    return pd.DataFrame(records, columns=columns, dtype=object)


def _cell(kind: str, value: object) -> object:
    if value is None or value == "":
        return None
    if kind in ("categorical", "binary"):
        return int(float(value))  # type: ignore[arg-type]
    if kind == "number":
        number = float(value)  # type: ignore[arg-type]
        return int(number) if number.is_integer() else number
    return str(value)


def answers_csv(study: Study, *, identifiers: bool = False) -> str:
    return str(answers_frame(study, identifiers=identifiers).to_csv(index=False))


def make_study_report(study: Study, out: Path, *, report_id: str = "", **options: Any) -> object:
    """Build the data report for a study with the report builder (samspil.reports).

    The report id defaults to the instrument id (the report specs are named after the
    instruments); ``options`` go to ``make_report`` as they are (e.g. ``formats``).
    """
    from samspil.reports import make_report

    data = answers_frame(study, identifiers=False)
    out.mkdir(parents=True, exist_ok=True)
    if study.withdrawn_count and not options.get("banner"):
        options["banner"] = withdrawn_note(study.withdrawn_count)
    return make_report(report_id or study.instrument_id, data, out, **options)


def withdrawn_note(count: int) -> str:
    """The report's note on respondents erased on request (docs/privacy.md)."""
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("da"):
        return ngettext(
            "%(n)s respondent has withdrawn their answers; they are not included.",
            "%(n)s respondents have withdrawn their answers; they are not included.",
            count,
        ) % {"n": count}
