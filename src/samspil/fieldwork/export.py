"""Hand-over to analysis: a study's answers in the core import format.

CSV with a ``respondent_id`` column, then one column per instrument variable in
``instrument.variables`` order (names = variable names); answers as numeric codes, empty
where not answered, open answers as text. ``respondent_id`` is the respondent's random
study-local id; with identifiers, ``name`` and ``email`` follow it (and ``kommune`` when the
instrument has no such variable). ``kommune`` identifies a respondent where each
municipality has one (kd2024's municipal directors), so it is left out unless asked for
(``kommune=True``, or with identifiers). Sample variables are filled from the respondent
list: ``kommune`` from the municipality, ``unit`` from the unit, others from same-named
attributes. The CSV text is meant for spreadsheets (``samspil.spreadsheet``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db.models import Count

from samspil.errors import DomainError
from samspil.fieldwork.models import MessageLog, Respondent, Study
from samspil.fieldwork.monitoring import completed_per_day, mailing_days
from samspil.responses import Responses, StudyInfo


def answers_frame(
    study: Study,
    *,
    identifiers: bool = False,
    include_not_started: bool = False,
    kommune: bool | None = None,
) -> pd.DataFrame:
    instrument = study.instrument
    with_kommune = identifiers if kommune is None else kommune
    variables = [v for v in instrument.variables if with_kommune or v.name != "kommune"]
    names = [v.name for v in variables]
    extra = ["name", "email"] if identifiers else []
    if with_kommune and "kommune" not in names:
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


def answers_csv(
    study: Study, *, identifiers: bool = False, kommune: bool | None = None, excel: bool = False
) -> str:
    from samspil.spreadsheet import csv_text

    frame = answers_frame(study, identifiers=identifiers, kommune=kommune)
    return csv_text(frame, excel=excel)


def write_answers(
    study: Study,
    fmt: str,
    path: Path,
    *,
    kommune: bool = False,
    include_not_started: bool = False,
    identifiers: bool = False,
    excel: bool = False,
) -> int:
    """Write the study's answers to ``path`` in export format ``fmt`` (a registered
    exporter, ``samspil.exports``); returns the number of respondents written.

    ``csv`` is the core import format above (``identifiers`` and ``excel`` are for it
    only); every other format is ``samspil export`` of the answers with the study's frozen
    questionnaire, its labels and missing values included."""
    from samspil.exports import EXPORTERS, export

    if fmt not in EXPORTERS:
        raise DomainError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}")
    if fmt == "csv":
        from samspil.spreadsheet import write_csv

        frame = answers_frame(
            study,
            identifiers=identifiers,
            include_not_started=include_not_started,
            kommune=kommune or None,
        )
        write_csv(frame, path, excel=excel)
        return len(frame)
    for flag, given in (("--identifiers", identifiers), ("--excel", excel)):
        if given:
            raise DomainError(f"{flag} is for CSV exports only, not {fmt}")
    responses = raked_responses(study, include_not_started=include_not_started, kommune=kommune)
    export(responses, fmt, path)
    return len(responses.data)


def raked_responses(
    study: Study, *, include_not_started: bool = False, kommune: bool = True
) -> Responses:
    """:func:`study_responses`, and for a study whose report is raked (``Study.rake``) the
    raking weight ``rakingvaegt`` as ``samspil export --rake`` adds it (the same function:
    :func:`samspil.reports.population.with_raking`). The weights come from each
    respondent's municipality, so ``kommune`` is dropped only after they are made."""
    responses = study_responses(study, include_not_started=include_not_started, kommune=True)
    if study.rake and len(responses.data):
        from samspil.reports.population import with_raking

        responses = with_raking(responses, study.rake.split(","))
    if not kommune:  # as study_responses(kommune=False) leaves it out
        from dataclasses import replace

        data = responses.data.drop(columns=["kommune"], errors="ignore")
        responses = replace(responses, data=data)
    return responses


def study_info(study: Study) -> StudyInfo:
    """What the report's method chapter says about the fieldwork, incl. the response table
    per municipality (``group,invited,opened,started,completed``)."""
    rows = (
        Respondent.objects.filter(study=study, is_test=False)
        .values("municipality__name")
        .annotate(
            invited=Count("invited_at"),
            opened=Count("opened_at"),
            started=Count("started_at"),
            completed=Count("completed_at"),
        )
        .order_by("municipality__name")
    )
    response = pd.DataFrame(
        [
            {
                "group": r["municipality__name"] or "",
                **{k: r[k] for k in ("invited", "opened", "started", "completed")},
            }
            for r in rows
        ],
        columns=["group", "invited", "opened", "started", "completed"],
    )
    rounds = (
        MessageLog.objects.filter(respondent__study=study, ok=True)
        .exclude(kind=MessageLog.Kind.TEST)
        .values("round")
        .distinct()
        .count()
    )
    return StudyInfo(
        name=study.name,
        population=study.population_noun,
        opened=study.opened_at.date() if study.opened_at else None,
        closed=study.closed_at.date() if study.closed_at else None,
        rounds_sent=rounds,
        response=response,
        withdrawn=study.withdrawn_count,
        daily=completed_per_day(study),
        mailings=mailing_days(study),
    )


def study_responses(
    study: Study, *, include_not_started: bool = False, kommune: bool = True
) -> Responses:
    """The study's answers as a ``Responses``: the study's FROZEN instrument (later edits
    to a bundled file do not reach it), answers in the core's shape (codes and numbers as
    floats, open answers as text) and the study's metadata. ``kommune`` stays in by
    default, for the breakdowns by municipality (reports never print it per row)."""
    instrument = study.instrument
    frame = answers_frame(study, include_not_started=include_not_started, kommune=kommune)
    names = [v.name for v in instrument.variables if v.name in frame.columns]
    extra = ["kommune"] if kommune and "kommune" not in names else []
    data = frame[["respondent_id", *extra, *names]].copy()
    for var in instrument.variables:
        if var.kind != "text" and var.name in data.columns:
            data[var.name] = pd.to_numeric(data[var.name]).astype(float)
    return Responses(
        instrument=instrument,
        data=data,
        source=f"study {study.pk}",
        study=study_info(study),
    )


def report_dir(study: Study) -> Path:
    """Where the study page keeps the study's data report (``DATA_DIR/reports``)."""
    return Path(settings.DATA_DIR) / "reports" / f"study-{study.pk}"


def make_study_report(study: Study, out: Path, *, report_id: str = "", **options: Any) -> object:
    """Build the data report for a study, as every path makes it
    (:func:`samspil.web.studyreport.make_source_report`: the study page, the coding
    workbench, ``samspil study report``). ``options`` go to ``make_report`` as they are
    (e.g. ``formats``)."""
    from samspil.web.studyreport import make_source_report

    return make_source_report("study", study, out, report_id=report_id, **options)


def report_basis(study: Study) -> Any:
    """What the study says about its report: the definition the researcher uploaded, a
    bundled questionnaire (its bundled definition applies), the foreword and summary, the
    previous round, the note on withdrawn answers."""
    from samspil.web.studyreport import ReportBasis

    previous = study.previous
    return ReportBasis(
        definition=dict(study.report_definition or {}),
        bundled=not study.instrument_upload,
        foreword=study.foreword,
        summary=study.summary,
        banner=withdrawn_note(study.withdrawn_count) if study.withdrawn_count else "",
        previous=study_responses(previous) if previous is not None else None,
        previous_label=previous_label(previous) if previous is not None else "",
        rake=tuple(study.rake.split(",")) if study.rake else (),
    )


def study_report_tables(study: Study) -> list[Any]:
    """The study report's computed tables (``samspil.reports.build.Result``), the numbers
    ``make_study_report`` writes to ``tables/*.csv``, without writing any file (the API)."""
    from samspil.web.studyreport import source_report_tables

    return source_report_tables("study", study)


def study_spec(study: Study, responses: Responses) -> Any:
    """The study's report definition, by the one rule every report of a study follows
    (:func:`samspil.reports.default.chosen_spec`)."""
    from samspil.reports.default import chosen_spec

    return chosen_spec(
        responses.instrument,
        definition=dict(study.report_definition or {}),
        bundled=not study.instrument_upload,
    )


def previous_label(study: Study) -> str:
    """The previous round's name in tables: the year it was opened, else its name."""
    return str(study.opened_at.year) if study.opened_at else study.name


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
