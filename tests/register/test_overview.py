"""A municipality's overview adds up collaborations and jointly documented value by area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from samspil.register import actions
from samspil.register.overview import by_area

pytestmark = pytest.mark.django_db


def test_overview_counts_collaborations_per_area_and_sums_only_joint_reports(
    staff, rep, collaboration, aarhus, client
):
    period = {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 6, 30)}
    joint = actions.save_report(
        staff,
        collaboration,
        {**period, "participants": 30, "volunteer_hours": 200, "goals_met": True},
    )
    actions.approve_report(staff, joint)
    actions.approve_report(rep, joint)
    actions.save_report(
        staff,
        collaboration,
        {
            "period_start": dt.date(2025, 7, 1),
            "period_end": dt.date(2025, 12, 31),
            "participants": 999,
        },
    )
    with translation.override("da"):
        rows = {r.label: r for r in by_area(aarhus)}
    assert set(rows) == {"Kultur og fritid", "Sundhed og forebyggelse", "I alt"}
    for row in rows.values():
        assert (row.collaborations, row.joint_reports, row.open_reports) == (1, 1, 1)
        assert (row.participants, row.volunteer_hours, row.goals_met) == (30, 200, 1)
    client.force_login(staff)
    page = client.get(f"/register/kommune/{aarhus.code}/overblik/").content.decode()
    assert "Kultur og fritid" in page and "200" in page
