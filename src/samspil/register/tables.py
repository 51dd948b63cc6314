"""The register meets the surveys: survey tables from collaborations
(:mod:`samspil.register.survey_tables` computes them) and respondent lists for a study.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from samspil.municipalities.models import Municipality
from samspil.register.models import Collaboration, Contact, Organization
from samspil.register.survey_tables import SHORT_DAYS, measure_column
from samspil.register.taxonomy import taxonomy


def collaborations_in(municipality: Municipality | None) -> QuerySet[Collaboration]:
    """The collaborations a municipality is party to, or all (the country)."""
    collaborations = Collaboration.objects.all()
    if municipality is not None:
        collaborations = collaborations.filter(memberships__municipality=municipality).distinct()
    return collaborations.prefetch_related("reports__indicators")


def collaboration_frame(
    collaborations: Iterable[Collaboration], asof: dt.date | None = None
) -> pd.DataFrame:
    """One row per collaboration with the survey's codes (see survey_tables)."""
    asof = asof or dt.date.today()
    tax = taxonomy()
    initiative = {t.code: t.survey for t in tax.initiatives}
    organisation = {t.code: t.survey for t in tax.organisation}
    rows: list[dict[str, Any]] = []
    for c in collaborations:
        days = ((c.end_date or asof) - c.start_date).days if c.start_date else None
        documented: set[str] = set()
        for report in c.reports.all():  # type: ignore[attr-defined]
            documented.update(report.measures_documented())
        row = {
            "id": str(c.uuid),
            "initiative": initiative.get(c.initiative),
            "organisation": organisation.get(c.organisation),
            "char_lejligheder": int(c.character == "lejligheder"),
            "char_kortvarige": int(
                days is not None and c.end_date is not None and days < SHORT_DAYS
            ),
            "char_langvarige": int(days is not None and days >= SHORT_DAYS),
            "char_integreret": int(c.character == "integreret"),
            measure_column(9): int(not documented),
        }
        for term in tax.measures:
            row[measure_column(term.survey)] = int(term.code in documented)  # type: ignore[arg-type]
        rows.append(row)
    columns = ["id", "initiative", "organisation", "char_lejligheder", "char_kortvarige"]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)


RESPONDENT_COLUMNS = ("navn", "email", "kommune", "enhed", "område")


def respondent_rows(
    kind: str,
    municipalities: Iterable[Municipality] | None = None,
    confirmed_within: int | None = None,
) -> list[dict[str, str]]:
    """A respondent list for ``samspil study create --respondents``: municipal contact
    points (a survey of managers) or the actors' contacts (an association survey). Only
    contacts with an e-mail address not known to be unreachable; the register keeps
    personal data for this use, so the file is internal (not open data).
    ``confirmed_within``: only records confirmed within that many months (an actor by its
    own date)."""
    from samspil.register import freshness

    codes = {m.pk for m in municipalities} if municipalities else None
    rows: list[dict[str, str]] = []
    if kind == "contact-points":
        contacts = Contact.objects.filter(
            municipality__isnull=False, unreachable_at__isnull=True
        ).exclude(email="")
        if codes:
            contacts = contacts.filter(municipality_id__in=codes)
        if confirmed_within is not None:
            contacts = freshness.confirmed_within(contacts, confirmed_within)
        for c in contacts.select_related("municipality", "unit").order_by(
            "municipality__name", "pk"
        ):
            rows.append(
                {
                    "navn": c.name or c.title,
                    "email": c.email,
                    "kommune": c.municipality.name,  # type: ignore[union-attr]
                    "enhed": c.unit.name if c.unit_id else "",  # type: ignore[union-attr]
                    "område": "; ".join(c.area_labels),
                }
            )
        return rows
    if kind != "actors":
        raise ValueError(f"unknown kind {kind!r} (contact-points or actors)")
    actors = Organization.objects.all()
    if codes:
        actors = actors.filter(municipality_id__in=codes)
    if confirmed_within is not None:
        actors = freshness.confirmed_within(actors, confirmed_within)
    for a in (
        actors.select_related("municipality")
        .prefetch_related("contacts")
        .order_by("municipality__name", "name")
    ):
        contact = next(
            (c for c in a.contacts.all() if c.email and c.unreachable_at is None),  # type: ignore[attr-defined]
            None,
        )
        email = contact.email if contact else ("" if a.unreachable_at else a.email)
        if not email:
            continue
        rows.append(
            {
                "navn": (contact.name if contact else "") or a.name,
                "email": email,
                "kommune": a.municipality.name,
                "enhed": a.name,
                "område": "; ".join(a.area_labels),
            }
        )
    return rows
