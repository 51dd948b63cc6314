"""Who may do what in the register. Every view and action asks these functions.

The rules (docs/register.md, "Rights"; one test each in tests/register/test_access.py):

* Anyone, without login, reads the public pages: actors, contact points and their
  collaborations; a contact's name, e-mail and phone only when they are not personal or the
  person has consented (:func:`can_see_person`).
* **Municipal staff** (a confirmed :class:`Party` of a municipality) edit their own
  municipality's units and contact points and the collaborations it is party to.
* **Actor representatives** (a confirmed Party of a civil actor, invited by e-mail or
  self-registered and confirmed by e-mail) edit their own actor, its contacts and the
  collaborations it is party to.
* A party's **assessment** in a value report is written only by that party's people;
  approving a report is done for one's own side.
* **Researchers** (staff users, as in fieldwork) read everything, edit nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from samspil.fieldwork.models import Municipality, Unit
from samspil.register.models import (
    Collaboration,
    Contact,
    Membership,
    Organization,
    Party,
    ValueReport,
)


def parties(user: Any) -> QuerySet[Party]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Party.objects.none()
    return Party.objects.filter(user=user, confirmed_at__isnull=False)


def municipality_ids(user: Any) -> set[int]:
    return set(
        parties(user).filter(municipality__isnull=False).values_list("municipality_id", flat=True)
    )


def organization_ids(user: Any) -> set[int]:
    return set(
        parties(user).filter(organization__isnull=False).values_list("organization_id", flat=True)
    )


def is_researcher(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def is_party(user: Any) -> bool:
    return parties(user).exists()


def can_see_person(user: Any, contact: Contact) -> bool:
    """A contact's name, e-mail and phone: public with consent, else logged-in parties."""
    return contact.is_public_person or sees_every_person(user)


def sees_every_person(user: Any) -> bool:
    """May the user see every contact's personal details (researchers and parties)? A page
    listing contacts asks once, not per contact."""
    return is_researcher(user) or is_party(user)


def can_edit_municipality(user: Any, municipality: Municipality | int | None) -> bool:
    if municipality is None:
        return False
    pk = municipality if isinstance(municipality, int) else municipality.pk
    return pk in municipality_ids(user)


def can_edit_unit(user: Any, unit: Unit) -> bool:
    return can_edit_municipality(user, unit.municipality_id)


def can_edit_actor(user: Any, actor: Organization) -> bool:
    return actor.pk in organization_ids(user)


def can_edit_contact(user: Any, contact: Contact) -> bool:
    if contact.organization_id is not None:
        return contact.organization_id in organization_ids(user)
    return can_edit_municipality(user, contact.municipality_id)


def own_memberships(user: Any, collaboration: Collaboration) -> QuerySet[Membership]:
    """The memberships of a collaboration the user acts for."""
    return collaboration.memberships.filter(
        Q(municipality_id__in=municipality_ids(user))
        | Q(organization_id__in=organization_ids(user))
    )


def can_edit_collaboration(user: Any, collaboration: Collaboration) -> bool:
    return own_memberships(user, collaboration).exists()


def can_read_collaboration(user: Any, collaboration: Collaboration) -> bool:
    return is_researcher(user) or can_edit_collaboration(user, collaboration)


def can_write_assessment(user: Any, membership: Membership) -> bool:
    if membership.is_municipal:
        return can_edit_municipality(user, membership.municipality_id)
    return membership.organization_id in organization_ids(user)


def approval_sides(user: Any, report: ValueReport) -> set[str]:
    """The sides ("municipal", "actor") the user may approve the report for."""
    sides = set()
    for membership in own_memberships(user, report.collaboration):
        sides.add("municipal" if membership.is_municipal else "actor")
    return sides


def collaborations_for(user: Any) -> QuerySet[Collaboration]:
    """The collaborations a user may open: all for researchers, else their parties'."""
    if is_researcher(user):
        return Collaboration.objects.all()
    return Collaboration.objects.filter(
        Q(memberships__municipality_id__in=municipality_ids(user))
        | Q(memberships__organization_id__in=organization_ids(user))
    ).distinct()


def require(allowed: bool) -> None:
    """Raise PermissionDenied (403) unless allowed."""
    if not allowed:
        raise PermissionDenied
