"""History (issue 23, item 2): every change to an actor, a contact and a collaboration is
kept - who, when, which fields, old and new value in Danish - and shown to the record's own
people and researchers, never to the public; a contact's personal data stay out of it."""

from __future__ import annotations

import pytest

from samspil.register import actions
from samspil.register.models import Change
from tests.register.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_actors_changes_are_kept_in_danish_and_shown_only_to_its_people_and_researchers(
    client, club, rep, register_researcher, outsider
):
    actions.update_actor(
        rep, club, {"name": "Boldklubben Øst af 1921", "actor_type": "frivilligcentre"}
    )
    actions.update_actor(rep, club, {"name": "Boldklubben Øst af 1921"})  # nothing changed
    change = Change.objects.get(organization=club)
    assert change.user == rep
    assert {f["field"] for f in change.fields} == {"name", "actor_type"}
    named = next(f for f in change.fields if f["field"] == "name")
    assert (named["old"], named["new"]) == ("Boldklubben Øst", "Boldklubben Øst af 1921")
    url = f"/register/aktoer/{club.uuid}/"
    assert "Ændringer" not in client.get(url).content.decode()  # the public
    assert client.login(username=outsider.username, password=PASSWORD)
    assert "Ændringer" not in client.get(url).content.decode()
    for user in (rep, register_researcher):
        assert client.login(username=user.username, password=PASSWORD)
        page = client.get(url).content.decode()
        assert "Ændringer" in page and "formand" in page
        assert "Navn: »Boldklubben Øst« → »Boldklubben Øst af 1921«" in page
        assert "»Lokale frivillige foreninger« → »Frivilligcentre«" in page


def test_a_contacts_history_records_personal_fields_changed_without_their_values(
    client, contacts, staff
):
    private = contacts[1]
    actions.save_contact(staff, private, {"name": "Peter Nynavn", "title": "Booking"})
    change = Change.objects.get(contact=private)
    title = next(f for f in change.fields if f["field"] == "title")
    assert (title["old"], title["new"]) == ("Lokalebooking", "Booking")
    named = next(f for f in change.fields if f["field"] == "name")
    assert named["old"] == named["new"] == "" and named["personal"]
    assert "Peter" not in str(change.fields)
    assert client.login(username="medarbejder", password=PASSWORD)
    page = client.get(f"/register/kontakt/{private.uuid}/").content.decode()
    assert "personoplysninger gemmes ikke i historikken" in page


def test_a_collaborations_changes_are_kept(client, collaboration, staff):
    actions.update_collaboration(
        staff, collaboration, {"title": "Idræt for alle", "coordinator": True}
    )
    change = Change.objects.get(collaboration=collaboration)
    coordinator = next(f for f in change.fields if f["field"] == "coordinator")
    assert (coordinator["old"], coordinator["new"]) == ("Nej", "Ja")
    assert client.login(username="medarbejder", password=PASSWORD)
    page = client.get(f"/register/samarbejde/{collaboration.uuid}/").content.decode()
    assert "»Idræt for ældre« → »Idræt for alle«" in page


def test_its_own_people_restore_an_earlier_version_and_others_cannot(
    client, club, rep, register_researcher, collaboration, staff
):
    actions.update_actor(rep, club, {"name": "Nyt Navn", "areas": ["sundhed"]})
    first = Change.objects.get(organization=club)
    actions.update_actor(rep, club, {"name": "Endnu Nyere", "website": "https://klub.example"})
    assert client.login(username=register_researcher.username, password=PASSWORD)
    page = client.get(f"/register/aktoer/{club.uuid}/").content.decode()
    assert "Gendan versionen før denne ændring" not in page  # researchers read, not restore
    assert client.post(f"/register/aendring/{first.pk}/gendan/").status_code == 403
    assert client.login(username="formand", password=PASSWORD)
    page = client.get(f"/register/aktoer/{club.uuid}/").content.decode()
    assert "Gendan versionen før denne ændring" in page
    response = client.post(f"/register/aendring/{first.pk}/gendan/")
    assert response.status_code == 302
    club.refresh_from_db()
    assert (club.name, club.areas, club.website) == ("Boldklubben Øst", ["kultur"], "")
    assert Change.objects.filter(organization=club).count() == 3  # the restore is a change too
    # A collaboration's dates come back as dates.
    import datetime as dt

    actions.update_collaboration(staff, collaboration, {"start_date": dt.date(2026, 5, 1)})
    actions.restore(staff, Change.objects.get(collaboration=collaboration))
    collaboration.refresh_from_db()
    assert collaboration.start_date == dt.date(2025, 1, 1)
