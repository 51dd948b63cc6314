"""Who may do what in the register. Every view and action asks these functions.

The rules (docs/register.md, "Rights"; one test each in tests/register/test_access.py):

* Anyone, without login, reads the public pages: actors, contact points and their
  collaborations; a contact's name, e-mail and phone only when they are not personal or the
  person has consented (:func:`can_see_person`). A self-registered actor is public once
  its representative has confirmed the e-mail address (:func:`can_see_actor`).
* A person who has not consented is shown only to the users of the municipality or actor
  the contact belongs to (those who may edit it) and to researchers; being a party
  elsewhere gives no sight of them.
* **Municipal staff** (a confirmed :class:`Party` of a municipality) edit their own
  municipality's units and contact points and the collaborations it is party to.
* **Actor representatives** (a confirmed Party of a civil actor, invited by e-mail or
  self-registered and confirmed by e-mail) edit their own actor, its contacts and the
  collaborations it is party to.
* A party's **assessment** in a value report is written only by that party's people;
  approving a report is done for one's own side, and the two sides by two different
  people (:func:`approval_choices`).
* **Researchers** (staff users, as in fieldwork) read everything, edit nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from samspil.municipalities.models import Municipality, Unit
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


def can_see_person(user: Any, contact: Contact) -> bool:
    """A contact's name, e-mail and phone: public with consent, else only the contact's own
    municipality's or actor's users and researchers."""
    return contact.is_public_person or person_sight(user).sees(
        contact.organization_id, contact.municipality_id
    )


@dataclass(frozen=True)
class PersonSight:
    """Whose unconsented contact persons a user sees: every one (researchers), or those of
    the municipalities and actors the user is a confirmed party of. A page listing contacts
    asks :func:`person_sight` once, then :meth:`sees` per contact."""

    everyone: bool = False
    municipalities: frozenset[int] = frozenset()
    organizations: frozenset[int] = frozenset()

    def sees(self, organization_id: int | None, municipality_id: int | None) -> bool:
        """The owner as :func:`can_edit_contact` reads it: an actor's contact belongs to the
        actor, else to the municipality."""
        if self.everyone:
            return True
        if organization_id is not None:
            return organization_id in self.organizations
        return municipality_id is not None and municipality_id in self.municipalities


def person_sight(user: Any) -> PersonSight:
    if is_researcher(user):
        return PersonSight(everyone=True)
    rows = list(parties(user).values_list("municipality_id", "organization_id"))
    return PersonSight(
        municipalities=frozenset(m for m, _ in rows if m is not None),
        organizations=frozenset(o for _, o in rows if o is not None),
    )


def can_see_actor(user: Any, actor: Organization) -> bool:
    """An actor's page: public once confirmed (a self-registration is not until its e-mailed
    link is opened) and while confirmed within 24 months (samspil.register.freshness);
    otherwise only researchers and its own people see it."""
    from samspil.register.freshness import is_hidden

    public = actor.confirmed and not is_hidden(actor.verified_at)
    return public or is_researcher(user) or can_edit_actor(user, actor)


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


SIDES = ("municipal", "actor")


def approval_sides(user: Any, report: ValueReport) -> set[str]:
    """The sides ("municipal", "actor") the user acts for in the report's collaboration."""
    sides = set()
    for membership in own_memberships(user, report.collaboration):
        sides.add("municipal" if membership.is_municipal else "actor")
    return sides


def approved_by(report: ValueReport, side: str) -> int | None:
    """The id of the user who approved ``side`` of the report's current version."""
    return report.municipal_approved_by_id if side == "municipal" else report.actor_approved_by_id  # type: ignore[attr-defined,no-any-return]


def approval_choices(user: Any, report: ValueReport) -> list[str]:
    """The sides the user may approve now: sides they act for and not yet approved, and
    none once they have approved one side of this version - a report is joint only when
    two different people approved it, even when one person acts for both sides."""
    if any(approved_by(report, side) == user.pk for side in SIDES):
        return []
    sides = approval_sides(user, report)
    return [s for s in SIDES if s in sides and approved_by(report, s) is None]


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
