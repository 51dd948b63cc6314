"""A municipality's overview: its collaborations and their jointly documented value, by area.

A collaboration with several areas counts in each (as the survey's areas, they are not
mutually exclusive); the total row counts it once. Value is summed over *joint* reports
only (approved by a municipal and an actor party); reports awaiting approval are counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import pgettext

from samspil.municipalities.models import Municipality
from samspil.register.models import Collaboration
from samspil.register.taxonomy import taxonomy


@dataclass
class AreaRow:
    label: str
    collaborations: int = 0
    joint_reports: int = 0
    open_reports: int = 0
    participants: int = 0
    volunteer_hours: int = 0
    municipal_costs: Decimal = field(default_factory=Decimal)
    goals_met: int = 0


def by_area(municipality: Municipality, since: dt.date | None = None) -> list[AreaRow]:
    """One row per area with collaborations, then a total row."""
    collaborations = (
        Collaboration.objects.filter(memberships__municipality=municipality)
        .distinct()
        .prefetch_related("reports")
    )
    if since is not None:
        collaborations = collaborations.exclude(end_date__lt=since)
    rows = {t.code: AreaRow(t.label) for t in taxonomy().areas}
    total = AreaRow(pgettext("sum of all areas", "Total"))
    for collaboration in collaborations:
        targets = [rows[a] for a in collaboration.areas if a in rows] + [total]
        for row in targets:
            row.collaborations += 1
        for report in collaboration.reports.all():  # type: ignore[attr-defined]
            if since is not None and report.period_end < since:
                continue
            for row in targets:
                if not report.is_joint:
                    row.open_reports += 1
                    continue
                row.joint_reports += 1
                row.participants += report.participants or 0
                row.volunteer_hours += report.volunteer_hours or 0
                row.municipal_costs += report.municipal_costs or 0
                row.goals_met += bool(report.goals_met)
    return [r for r in rows.values() if r.collaborations] + [total]
