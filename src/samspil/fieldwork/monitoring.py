"""Response figures for a study: overall and per municipality (the layout of seed 001's
Bilagstabel 1.1), and the summary sentence of the seed reports, all computed from data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from samspil.fieldwork.models import MessageLog, Respondent, Study
from samspil.spreadsheet import safe_row

S = Respondent.Status


@dataclass(frozen=True)
class Counts:
    recipients: int
    invited: int
    opened: int
    started: int
    partial: int
    completed: int

    @property
    def not_answered(self) -> int:
        return self.recipients - self.started


@dataclass(frozen=True)
class MunicipalityRow:
    name: str
    recipients: int
    completed: int
    partial: int
    not_answered: int


def percent(part: int, whole: int, digits: int = 1) -> str:
    """'14,3%' in Danish, '14.3%' in English; empty base gives '–'."""
    if not whole:
        return "–"
    return f"{number_format(round(100 * part / whole, digits), digits)}%"


_AGGREGATES = {
    "recipients": Count("pk"),
    "invited": Count("pk", filter=Q(invited_at__isnull=False)),
    "opened": Count("pk", filter=Q(opened_at__isnull=False)),
    "started": Count("pk", filter=Q(started_at__isnull=False)),
    "partial": Count("pk", filter=Q(status=S.PARTIAL)),
    "completed": Count("pk", filter=Q(status=S.COMPLETED)),
}


def study_counts(study: Study) -> Counts:
    row = Respondent.objects.filter(study=study, is_test=False).aggregate(**_AGGREGATES)
    return Counts(**row)


def municipality_rows(study: Study) -> list[MunicipalityRow]:
    """One row per municipality with recipients, by name; the total is study_counts."""
    rows: Any = (
        Respondent.objects.filter(study=study, is_test=False)
        .values("municipality__name")
        .annotate(**_AGGREGATES)
        .order_by("municipality__name")
    )
    return [
        MunicipalityRow(
            name=r["municipality__name"] or _("(no municipality)"),
            recipients=r["recipients"],
            completed=r["completed"],
            partial=r["partial"],
            not_answered=r["recipients"] - r["started"],
        )
        for r in rows
    ]


def summary_sentence(study: Study, counts: Counts | None = None) -> str:
    """'Af de 98 kommunaldirektører, der modtog spørgeskemaet, åbnede 79 spørgeskemaet og
    begyndte at svare (81%). 70 svarede på hele spørgeskemaet.' When more opened the
    questionnaire than began to answer, both counts are named, so the sentence agrees with
    the table beside it."""
    c = counts or study_counts(study)
    values = {
        "recipients": c.recipients,
        "noun": study.population_noun,
        "opened": c.opened,
        "started": c.started,
        "percent": percent(c.started, c.recipients, 0),
        "completed": c.completed,
    }
    if c.opened == c.started:
        return (
            _(
                "Of the %(recipients)s %(noun)s who received the questionnaire, %(started)s "
                "opened the questionnaire and began to answer (%(percent)s). %(completed)s "
                "answered the whole questionnaire."
            )
            % values
        )
    return (
        _(
            "Of the %(recipients)s %(noun)s who received the questionnaire, %(opened)s opened "
            "the questionnaire and %(started)s began to answer (%(percent)s). %(completed)s "
            "answered the whole questionnaire."
        )
        % values
    )


def status_csv(study: Study) -> str:
    """The per-municipality table with a total row, as CSV (UTF-8, comma-separated)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "kommune",
            "modtagere",
            "fuldt_besvaret",
            "fuldt_besvaret_pct",
            "delvist_besvaret",
            "delvist_besvaret_pct",
            "ikke_besvaret",
            "ikke_besvaret_pct",
        ]
    )
    c = study_counts(study)
    rows = [*municipality_rows(study)]
    total = MunicipalityRow("I alt", c.recipients, c.completed, c.partial, c.not_answered)
    for r in [*rows, total]:
        writer.writerow(
            safe_row(
                [
                    r.name,
                    r.recipients,
                    r.completed,
                    _pct(r.completed, r.recipients),
                    r.partial,
                    _pct(r.partial, r.recipients),
                    r.not_answered,
                    _pct(r.not_answered, r.recipients),
                ]
            )
        )
    return out.getvalue()


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else ""


# -- the response curve (issue 19: answers per day, mailings marked) ----------------------


def completed_per_day(study: Study) -> pd.DataFrame:
    """Questionnaires completed per local calendar day (``date,responses``), test
    respondents left out; the plain data the core's ``response_curve`` takes."""
    stamps = Respondent.objects.filter(
        study=study, is_test=False, completed_at__isnull=False
    ).values_list("completed_at", flat=True)
    days = pd.Series([timezone.localtime(t).date() for t in stamps], dtype=object)
    counts = days.value_counts().sort_index()
    return pd.DataFrame({"date": list(counts.index), "responses": counts.to_numpy(dtype=int)})


def mailing_days(study: Study) -> tuple[tuple[int, date], ...]:
    """Each e-mail round sent (0: the invitation, 1-3: reminders) with the local day its
    first message went out (test links left out)."""
    rows = (
        MessageLog.objects.filter(respondent__study=study, ok=True)
        .exclude(kind=MessageLog.Kind.TEST)
        .values("round")
        .annotate(first=Min("sent_at"))
        .order_by("round")
    )
    return tuple((r["round"], timezone.localtime(r["first"]).date()) for r in rows)


def mailing_name(round_number: int) -> str:
    if round_number == 0:
        return _("Invitation")
    return _("Reminder %(n)s") % {"n": round_number}


@dataclass(frozen=True)
class CurveDay:
    day: date
    label: str
    responses: int
    cumulative: int
    rate: str
    event: str
    bar_x: float
    bar_y: float
    bar_height: float


@dataclass(frozen=True)
class ResponseCurve:
    """The study page's response curve: the days (a table) and an SVG's geometry."""

    days: list[CurveDay]
    width: int
    height: int
    bar_width: float
    line: str  # the polyline's points: the cumulative response rate
    events: list[tuple[float, str]]  # (x, label) of each mailing
    max_responses: int
    invited: int


CURVE_WIDTH, CURVE_HEIGHT, CURVE_TOP = 640, 200, 20


def response_curve(study: Study, counts: Counts | None = None) -> ResponseCurve | None:
    """The curve from the opening (or the first mailing or answer) to today (or the close),
    as the core computes it; None before anything has happened."""
    from samspil.analysis.response_curve import response_curve as curve_frame

    c = counts or study_counts(study)
    invited = c.invited or c.recipients
    mailings = mailing_days(study)
    start = timezone.localtime(study.opened_at).date() if study.opened_at else None
    if study.closed_at:
        end = timezone.localtime(study.closed_at).date()
    elif study.status == Study.Status.OPEN:
        end = timezone.localdate()
    else:
        end = None
    events = [(day, str(mailing_name(n))) for n, day in mailings]
    frame = curve_frame(completed_per_day(study), invited, events, start=start, end=end)
    if not len(frame) or (start is None and not mailings and not frame["responses"].sum()):
        return None
    n = len(frame)
    step = CURVE_WIDTH / n
    plot = CURVE_HEIGHT - CURVE_TOP
    peak = max(int(frame["responses"].max()), 1)
    days = []
    points = []
    records = frame.to_dict("records")
    for i, r in enumerate(records):
        h = plot * r["responses"] / peak
        days.append(
            CurveDay(
                day=r["date"],
                label=date_format(r["date"], "SHORT_DATE_FORMAT"),
                responses=int(r["responses"]),
                cumulative=int(r["cumulative"]),
                rate=percent(int(r["cumulative"]), invited),
                event=str(r["event"]),
                bar_x=round(i * step + step * 0.1, 2),
                bar_y=round(CURVE_HEIGHT - h, 2),
                bar_height=round(h, 2),
            )
        )
        y = CURVE_HEIGHT - plot * (r["cumulative"] / invited if invited else 0)
        points.append(f"{round(i * step + step / 2, 2)},{round(y, 2)}")
    events_x = [
        (round(i * step + step / 2, 2), str(r["event"]))
        for i, r in enumerate(records)
        if r["event"]
    ]
    return ResponseCurve(
        days=days,
        width=CURVE_WIDTH,
        height=CURVE_HEIGHT,
        bar_width=round(step * 0.8, 2),
        line=" ".join(points),
        events=events_x,
        max_responses=peak,
        invited=invited,
    )
