"""Freshness (issue 23, item 1): records carry when they were last confirmed; unconfirmed
for 12 months they are marked "ikke bekræftet", after 24 months they leave the public
search and pages (kept for their own people and researchers); a confirmation restores them.
The HSDS export carries the confirmation dates; ``samspil register freshness`` prints the
share confirmed per municipality; ``respondents --confirmed-within`` takes only fresh ones."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from samspil.cli import main
from samspil.register import actions, freshness
from samspil.register.models import Contact, Organization, Service
from tests.register.conftest import PASSWORD, make_actor

pytestmark = pytest.mark.django_db


def months_later(months: int) -> dt.datetime:
    return freshness.months_before(timezone.now(), -months)


def search(client, text: str) -> str:  # type: ignore[no-untyped-def]
    return client.get("/register/", {"q": text}).content.decode()


def test_months_before_keeps_the_day_or_takes_the_months_last():
    march = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    assert freshness.months_before(march, 1) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert freshness.months_before(march, 12) == dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)
    assert freshness.months_before(march, -11) == dt.datetime(2027, 2, 28, 12, tzinfo=dt.UTC)


def test_a_new_record_is_confirmed_when_it_is_made_and_when_its_people_save_it(club, rep, contacts):
    assert club.verified_at is not None and club.verified_by == ""
    service = Service.objects.create(organization=club, name="Lektiecafé")
    with time_machine.travel(months_later(5), tick=False):
        actions.update_actor(rep, club, {"name": "Boldklubben Øst af 1921"})
        club.refresh_from_db()
        assert club.verified_at == timezone.now() and club.verified_by == "redigering"
        assert club.verified_user == rep  # a key, not a copy of the name or address
        service.refresh_from_db()
        assert service.verified_at == club.verified_at  # an actor's services with it


def test_unconfirmed_records_are_marked_at_12_months_hidden_at_24_and_restored_by_confirming(
    client, club, rep, contacts, register_researcher, aarhus
):
    consented = contacts[0]
    assert "Boldklubben" in search(client, "boldklub")
    page = client.get(f"/register/aktoer/{club.uuid}/").content.decode()
    assert "Ikke bekræftet" not in page

    with time_machine.travel(months_later(13), tick=False):
        page = client.get(f"/register/aktoer/{club.uuid}/").content.decode()
        assert "Ikke bekræftet" in page and "over 12 måneder" in page
        found = search(client, "boldklub")
        assert "Boldklubben" in found and "ikke bekræftet" in found
        municipality = client.get(f"/register/kommune/{aarhus.code}/").content.decode()
        assert "Frivilligkoordinator" in municipality and "ikke bekræftet" in municipality

    with time_machine.travel(months_later(25), tick=False):
        assert "Boldklubben" not in search(client, "boldklub")
        assert "Frivilligkoordinator" not in search(client, "ældrepleje")
        assert client.get(f"/register/aktoer/{club.uuid}/").status_code == 404
        municipality = client.get(f"/register/kommune/{aarhus.code}/").content.decode()
        assert "Frivilligkoordinator" not in municipality
        # Kept for its own people and for researchers.
        assert client.login(username="formand", password=PASSWORD)
        assert client.get(f"/register/aktoer/{club.uuid}/").status_code == 200
        client.logout()
        assert client.login(username="forsker", password=PASSWORD)
        assert "Boldklubben" in search(client, "boldklub")
        client.logout()
        # A confirmation restores them.
        freshness.confirm(club, "bekræftelseslink")
        freshness.confirm(consented, "bekræftelseslink")
        assert "Boldklubben" in search(client, "boldklub")
        assert "Frivilligkoordinator" in search(client, "ældrepleje")
        page = client.get(f"/register/aktoer/{club.uuid}/").content.decode()
        assert page.count("Ikke bekræftet") == 0


def test_the_hsds_export_carries_confirmation_dates_marks_and_leaves_out_stale_records(
    tmp_path, club, odense_club, contacts
):
    Contact.objects.filter(pk=contacts[2].pk).update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    from tests.register.test_import_export import _hsds_fields

    Service.objects.create(organization=club, name="Lektiecafé")
    Service.objects.create(organization=odense_club, name="Kaproning")
    old = make_actor(club.municipality, "Gamle Forening")
    Organization.objects.filter(pk=old.pk).update(
        verified_at=timezone.now() - dt.timedelta(days=800)
    )
    Organization.objects.filter(pk=odense_club.pk).update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    Service.objects.filter(organization=odense_club).update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    out = tmp_path / "hsds"
    assert main(["register", "export", "--format", "hsds", "--out", str(out)]) == 0
    services = {r["name"]: r for r in csv.DictReader((out / "services.csv").open(encoding="utf-8"))}
    assert services["Lektiecafé"]["assured_date"] == timezone.now().date().isoformat()
    assert services["Kaproning"]["assured_date"] == (
        (timezone.now() - dt.timedelta(days=400)).date().isoformat()
    )
    assert set(services["Lektiecafé"]) <= _hsds_fields()["service"][0]
    names = {r["name"] for r in csv.DictReader((out / "organizations.csv").open(encoding="utf-8"))}
    assert {"Boldklubben Øst", "Odense Roklub"} <= names and "Gamle Forening" not in names
    attributes = list(csv.DictReader((out / "attributes.csv").open(encoding="utf-8")))
    marked = {a["link_id"] for a in attributes if a["link_type"] == "verification"}
    assert marked == {str(odense_club.uuid), str(contacts[2].uuid)}
    terms = {
        t["code"]: t for t in csv.DictReader((out / "taxonomy_terms.csv").open(encoding="utf-8"))
    }
    assert terms["ikke_bekraeftet"]["name"] == "ikke bekræftet"

    flat = tmp_path / "csv"
    assert main(["register", "export", "--format", "csv", "--out", str(flat)]) == 0
    rows = {r["name"]: r for r in csv.DictReader((flat / "freshness.csv").open(encoding="utf-8"))}
    assert rows["Odense Roklub"]["status"] == "ikke bekræftet"
    assert rows["Boldklubben Øst"]["status"] == "bekræftet"
    assert "Gamle Forening" not in rows


def test_freshness_prints_the_share_confirmed_within_12_months_per_municipality(
    capsys, club, odense_club, contacts
):
    make_actor(club.municipality, "Gamle Forening")
    Organization.objects.filter(name="Gamle Forening").update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    # Aarhus: 2 actors and 2 contact points, one actor stale; Odense: 1 actor, 1 mailbox.
    assert main(["register", "freshness"]) == 0
    out = capsys.readouterr().out
    aarhus = next(line for line in out.splitlines() if line.startswith("Aarhus"))
    assert aarhus.split()[1:] == ["4", "3", "75%"]
    odense = next(line for line in out.splitlines() if line.startswith("Odense"))
    assert odense.split()[1:] == ["2", "2", "100%"]
    assert main(["register", "freshness", "--kommune", "461"]) == 0
    out = capsys.readouterr().out
    assert "Odense" in out and "Aarhus" not in out
    assert main(["register", "freshness", "--kommune", "Atlantis"]) == 2
    assert "--kommune Atlantis: not a Danish municipality" in capsys.readouterr().err


def test_respondents_confirmed_within_takes_only_fresh_records(tmp_path, capsys, contacts):
    private = contacts[1]
    Contact.objects.filter(pk=private.pk).update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    out = tmp_path / "r.csv"
    args = ["register", "respondents", "contact-points", "--out", str(out)]
    assert main([*args, "--confirmed-within", "12"]) == 0
    emails = {r["email"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert emails == {"karen@example.org", "frivillig@odense.example"}
    assert main(args) == 0
    emails = {r["email"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert "peter@example.org" in emails
    assert main([*args, "--confirmed-within", "0"]) == 2
    assert "--confirmed-within 0" in capsys.readouterr().err
    # An address the mail server refused for good is not on the next list.
    Contact.objects.filter(email="karen@example.org").update(unreachable_at=timezone.now())
    assert main(args) == 0
    emails = {r["email"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert emails == {"peter@example.org", "frivillig@odense.example"}
