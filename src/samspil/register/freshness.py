"""Freshness: is a record still confirmed?

Every civil actor, contact point and service carries ``verified_at`` (and ``verified_by``).
A record unconfirmed for ``MARK_MONTHS`` (12) months is marked "ikke bekræftet" on its page,
in the result lists and in the exports; after ``HIDE_MONTHS`` (24) months it leaves the
public pages, the public search and the open data, and stays visible to its own users and
to researchers. Confirming it again (saving it, or the confirmation e-mail's link) restores
it. A record without a date counts as unconfirmed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

MARK_MONTHS = 12
HIDE_MONTHS = 24


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def mark_before(now: dt.datetime | None = None) -> dt.datetime:
    """Records confirmed before this moment are marked "ikke bekræftet"."""
    return months_before(now or timezone.now(), MARK_MONTHS)


def hide_before(now: dt.datetime | None = None) -> dt.datetime:
    """Records confirmed before this moment are off the public pages."""
    return months_before(now or timezone.now(), HIDE_MONTHS)


def is_unconfirmed(verified_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return verified_at is None or verified_at < mark_before(now)


def is_hidden(verified_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return verified_at is None or verified_at < hide_before(now)


def public(queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """The rows of ``queryset`` confirmed within HIDE_MONTHS (``prefix``: a relation path,
    e.g. ``"organization__"`` for services)."""
    return queryset.filter(**{f"{prefix}verified_at__gte": hide_before()})


def confirmed_within(queryset: QuerySet[Any], months: int) -> QuerySet[Any]:
    return queryset.filter(verified_at__gte=months_before(timezone.now(), months))


EDITED = "redigering"  # verified_by of a record confirmed by saving it


def confirm(record: Any, by: str, user: Any = None) -> None:
    """Stamp ``record`` (an Organization, Contact or Service) as confirmed now, ``by`` how
    (and by which ``user``); an actor's services are confirmed with it, and a confirmed
    address is reachable."""
    from samspil.register.models import Organization, Service

    now = timezone.now()
    values: dict[str, Any] = {
        "verified_at": now,
        "verified_by": by[:200],
        "verified_user": user if getattr(user, "pk", None) else None,
    }
    model = type(record)
    reachable = {} if model is Service else {"unreachable_at": None}
    model.objects.filter(pk=record.pk).update(**values, **reachable)
    if isinstance(record, Organization):
        Service.objects.filter(organization=record).update(**values)
    for name, value in {**values, **reachable}.items():
        setattr(record, name, value)


@dataclass
class Share:
    municipality: str
    code: int
    records: int
    confirmed: int

    @property
    def share(self) -> float:
        return self.confirmed / self.records if self.records else 0.0


def shares(municipalities: list[Any] | None = None) -> list[Share]:
    """Per municipality: its actors and contact points, and how many of them were confirmed
    within MARK_MONTHS months (the municipalities with records only)."""
    from samspil.municipalities.models import Municipality

    cut = mark_before()
    places = Municipality.objects.order_by("name")
    if municipalities:
        places = places.filter(pk__in=[m.pk for m in municipalities])
    actors = places.annotate(
        n=Count("actors", distinct=True),
        fresh=Count("actors", filter=Q(actors__verified_at__gte=cut), distinct=True),
    ).values_list("pk", "n", "fresh")
    contacts = dict(
        (pk, (n, fresh))
        for pk, n, fresh in places.annotate(
            n=Count("contact_points", distinct=True),
            fresh=Count(
                "contact_points", filter=Q(contact_points__verified_at__gte=cut), distinct=True
            ),
        ).values_list("pk", "n", "fresh")
    )
    names = dict(places.values_list("pk", "name"))
    codes = dict(places.values_list("pk", "code"))
    rows = []
    for pk, n, fresh in actors:
        cn, cfresh = contacts.get(pk, (0, 0))
        if n + cn or municipalities:
            rows.append(Share(names[pk], codes[pk], n + cn, fresh + cfresh))
    return rows
