"""Response figures for a study: overall and per municipality (the layout of seed 001's
Bilagstabel 1.1), and the summary sentence of the seed reports, all computed from data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samspil.fieldwork.models import Respondent, Study
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
