"""A collaboration with several partners, each with a role: the creation form (a formset),
adding a partner later, and the refusals (other municipalities' actors, a partner twice,
no partner, no CSRF token, someone not party to the collaboration)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samspil.register.models import Collaboration, Membership
from tests.register.conftest import make_actor

pytestmark = pytest.mark.django_db

NEW = "/register/samarbejde/ny/"


def _collaboration_data(**partners: str) -> dict[str, Any]:
    """The new-collaboration form's fields, with partner rows given as
    ``partner-<n>-<field>=<value>``-style keyword arguments (``p0_actor=...``)."""
    data: dict[str, Any] = {
        "title": "Fællesskab i Øst",
        "form": "partnerskab",
        "initiative": "lokale",
        "organisation": "skriftlig",
        "character": "integreret",
        "payment": "ingen",
        "areas": ["kultur"],
        "own-role": "lead",
        "partner-TOTAL_FORMS": "3",
        "partner-INITIAL_FORMS": "0",
        "partner-MIN_NUM_FORMS": "0",
        "partner-MAX_NUM_FORMS": "10",
    }
    for n in range(3):
        data[f"partner-{n}-role"] = "partner"
    for key, value in partners.items():
        row, field = key[1:].split("_", 1)
        data[f"partner-{row}-{field}"] = value
    return data


def _roles(collaboration: Collaboration) -> set[tuple[str, str]]:
    return {(str(m.member), m.role) for m in collaboration.memberships.all()}


def test_staff_create_a_collaboration_with_several_partners_each_with_a_role(
    client, staff, club, aarhus, odense
):
    choir = make_actor(aarhus, "Koret i Øst")
    client.force_login(staff)
    page = client.get(NEW).content.decode()
    for danish in ("Jeres side: Aarhus", "Partner 1", "Partner 3", "Civil aktør", "Rolle"):
        assert danish in page
    response = client.post(
        NEW,
        _collaboration_data(
            p0_actor=str(club.pk),
            p0_role="initiator",
            p1_actor=str(choir.pk),
            p2_municipality=str(odense.pk),
            p2_role="funder",
        ),
    )
    assert response.status_code == 302
    collaboration = Collaboration.objects.get()
    assert _roles(collaboration) == {
        ("Aarhus", "lead"),
        ("Boldklubben Øst", "initiator"),
        ("Koret i Øst", "partner"),
        ("Odense", "funder"),
    }


def test_a_representative_names_a_municipality_and_another_local_actor_as_partners(
    client, rep, aarhus, club
):
    neighbour = make_actor(aarhus, "Naboforeningen")
    client.force_login(rep)
    response = client.post(
        NEW,
        _collaboration_data(p0_municipality=str(aarhus.pk), p1_actor=str(neighbour.pk)),
    )
    assert response.status_code == 302
    assert _roles(Collaboration.objects.get()) == {
        ("Boldklubben Øst", "lead"),
        ("Aarhus", "partner"),
        ("Naboforeningen", "partner"),
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({}, "Tilføj mindst én partner."),
        ({"p0_actor": "club", "p1_actor": "club"}, "Boldklubben Øst er allerede partner."),
        ({"p0_municipality": "aarhus"}, "Aarhus er allerede partner."),  # the own side
        ({"p0_actor": "club", "p0_municipality": "odense"}, "ikke begge"),
        ({"p0_actor": "odense_club"}, "Marker en gyldig valgmulighed"),  # another town's actor
    ],
)
def test_the_form_refuses_missing_double_own_mixed_and_foreign_partners(
    client, staff, club, odense_club, aarhus, odense, rows, message
):
    objects = {"club": club, "odense_club": odense_club, "aarhus": aarhus, "odense": odense}
    client.force_login(staff)
    response = client.post(
        NEW, _collaboration_data(**{k: str(objects[v].pk) for k, v in rows.items()})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Collaboration.objects.exists()


def test_creating_a_collaboration_needs_the_csrf_token(staff, club):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    response = strict.post(NEW, _collaboration_data(p0_actor=str(club.pk)))
    assert response.status_code == 403
    assert not Collaboration.objects.exists()


def test_a_party_adds_a_partner_later_and_nobody_else_can(
    client, staff, odense_staff, collaboration, aarhus, odense
):
    url = reverse("register_partner_new", args=[collaboration.uuid])
    rows = {
        "partner-TOTAL_FORMS": "1",
        "partner-INITIAL_FORMS": "0",
        "partner-0-municipality": str(odense.pk),
        "partner-0-role": "funder",
    }
    client.force_login(odense_staff)  # not party to the collaboration
    assert client.get(url).status_code == 403
    assert client.post(url, rows).status_code == 403
    client.force_login(staff)
    assert "Tilføj en partner" in client.get(collaboration_url(collaboration)).content.decode()
    assert client.post(url, rows).status_code == 302
    assert ("Odense", "funder") in _roles(collaboration)
    again = client.post(url, rows)
    assert "Odense er allerede partner." in again.content.decode()
    assert Membership.objects.filter(collaboration=collaboration).count() == 3


def collaboration_url(collaboration: Collaboration) -> str:
    return reverse("register_collaboration", args=[collaboration.uuid])
