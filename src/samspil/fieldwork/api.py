"""The read API's study endpoints (docs/api.md), composed into ``/api/v1/`` by
``samspil.web.api``.

A token reaches the studies its researcher may see (``access.studies_for_user``); any other
study is 404, as on the pages. ``studies`` tokens read the list, a study's status, dates
and response rates per municipality (what the study's page shows) and the report's
tables (the numbers of ``tables/*.csv``); ``answers`` tokens also read the answers export
(never names, e-mail addresses or personal links; each read is in the audit log).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema

from samspil.fieldwork import export
from samspil.fieldwork.access import studies_for_user, study_for_user
from samspil.fieldwork.models import Respondent, Study
from samspil.fieldwork.monitoring import _AGGREGATES
from samspil.web.apitokens import audit, token_auth

router = Router(tags=["studies"])

Cell = str | int | float | bool | None


class Problem(Schema):
    detail: str


class Invalid(Schema):
    detail: list[dict[str, Any]]


REFUSALS: dict[int, Any] = {401: Problem, 403: Problem, 404: Problem, 422: Invalid, 429: Problem}
StudyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The study's number")]


class StudySummary(Schema):
    id: int
    name: str
    status: Literal["draft", "open", "closed"]
    instrument: str
    created_at: dt.datetime
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    anonymised: bool


class Rates(Schema):
    recipients: int
    invited: int
    opened: int
    started: int
    partial: int
    completed: int
    not_answered: int
    response_rate: float | None  # started / recipients (the summary sentence's share)
    completion_rate: float | None  # completed / recipients


class MunicipalityRates(Rates):
    code: int | None
    name: str | None


class StudyDetail(StudySummary):
    population: str
    rounds_sent: int
    withdrawn: int
    totals: Rates
    municipalities: list[MunicipalityRates]


class Table(Schema):
    id: str
    label: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]


class Answers(Schema):
    study: int
    columns: list[str]
    rows: list[list[Cell]]


def _summary(study: Study) -> dict[str, Any]:
    return {
        "id": study.pk,
        "name": study.name,
        "status": study.status,
        "instrument": study.instrument_id,
        "created_at": study.created_at,
        "opened_at": study.opened_at,
        "closed_at": study.closed_at,
        "anonymised": study.anonymised_at is not None,
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    counts: dict[str, Any] = {key: int(row[key]) for key in _AGGREGATES}
    counts["not_answered"] = counts["recipients"] - counts["started"]
    counts["response_rate"] = _share(counts["started"], counts["recipients"])
    counts["completion_rate"] = _share(counts["completed"], counts["recipients"])
    return counts


def cell(value: Any) -> Cell:
    """A table or answer cell as JSON: numbers as numbers, missing as null."""
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int | str):
        return value
    return str(value)


def _rows(frame: Any) -> list[list[Cell]]:
    return [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


@router.get("/", response={200: list[StudySummary], **REFUSALS}, auth=token_auth("studies"))
def list_studies(request: HttpRequest) -> Any:
    """The studies the token's researcher may see, newest first."""
    return [_summary(s) for s in studies_for_user(request).order_by("-created_at", "-pk")]


@router.get("/{study_id}/", response={200: StudyDetail, **REFUSALS}, auth=token_auth("studies"))
def study_detail(request: HttpRequest, study_id: StudyId) -> Any:
    """Status, dates and response figures overall and per municipality."""
    study = study_for_user(request, study_id)
    respondents = Respondent.objects.filter(study=study, is_test=False)
    per_municipality: Any = (
        respondents.values("municipality__code", "municipality__name")
        .annotate(**_AGGREGATES)
        .order_by("municipality__name")
    )
    return {
        **_summary(study),
        "population": study.population_noun,
        "rounds_sent": study.rounds_sent,
        "withdrawn": study.withdrawn_count,
        "totals": _rates(respondents.aggregate(**_AGGREGATES)),
        "municipalities": [
            {
                "code": row["municipality__code"],
                "name": row["municipality__name"],
                **_rates(row),
            }
            for row in per_municipality
        ],
    }


@router.get(
    "/{study_id}/tables/",
    response={200: list[Table], 409: Problem, **REFUSALS},
    auth=token_auth("studies"),
)
def study_tables(request: HttpRequest, study_id: StudyId) -> Any:
    """The study report's tables, computed now from the answers: the numbers the report's
    ``tables/<id>.csv`` files hold (same columns, same rows)."""
    study = study_for_user(request, study_id)
    if not Respondent.objects.filter(study=study, is_test=False, started_at__isnull=False).exists():
        return []
    tables = []
    for result in export.study_report_tables(study):
        hidden = [c for c in ("suppressed", "secondary") if c in result.data.columns]
        data = result.data.drop(columns=hidden)
        tables.append(
            {
                "id": result.block.id,
                "label": result.block.label,
                "title": result.block.title,
                "columns": [str(c) for c in data.columns],
                "rows": _rows(data),
            }
        )
    return tables


class AnswersQuery(Schema):
    format: Literal["json", "csv"] = "json"


@router.get(
    "/{study_id}/answers/",
    response={200: Answers, **REFUSALS},
    auth=token_auth("answers"),
    openapi_extra={
        "responses": {
            200: {
                "description": "The answers: JSON, or with format=csv the CSV export",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def study_answers(request: HttpRequest, study_id: StudyId, query: Query[AnswersQuery]) -> Any:
    """The answers export: one row per respondent who began, ``respondent_id`` (random,
    study-local) and one column per variable; no names, e-mail addresses or links."""
    study = study_for_user(request, study_id)
    if query.format == "csv":
        audit(request, "export_answers", study=study, target="API answers.csv")
        response = HttpResponse(export.answers_csv(study), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="study-{study.pk}-answers.csv"'
        return response
    frame = export.answers_frame(study)
    audit(request, "export_answers", study=study, target="API answers.json")
    return {"study": study.pk, "columns": list(frame.columns), "rows": _rows(frame)}
