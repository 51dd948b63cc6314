"""The public pages: no login, search by municipality, topic and Danish free text, and a
contact person's details only with consent."""

from __future__ import annotations

import pytest

from samspil.register.models import Location
from tests.register.conftest import make_actor

pytestmark = pytest.mark.django_db


def test_search_needs_no_login_and_finds_contact_points_by_municipality_and_topic(
    client, contacts, aarhus
):
    response = client.get("/register/", {"kommune": aarhus.code, "omraade": "sundhed"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Frivilligkoordinator" in text
    assert "Lokalebooking" not in text  # another topic
    assert "Frivilligcenter-kontakten" not in text  # another municipality


def test_free_text_search_is_danish_words_and_prefixes(client, contacts, club):
    text = client.get("/register/", {"q": "ældrepleje"}).content.decode()
    assert "Frivilligkoordinator" in text
    text = client.get("/register/", {"q": "foreningerne"}).content.decode()
    # "foreningerne" stems to "forening": finds "Foreningslokaler" and "foreninger"
    assert "Lokalebooking" in text and "Frivilligcenter-kontakten" in text
    text = client.get("/register/", {"q": "boldklub"}).content.decode()
    assert "Boldklubben Øst" in text
    text = client.get("/register/", {"q": "svømning"}).content.decode()
    assert "Boldklubben Øst" not in text


def test_search_follows_edits_and_deletions(client, aarhus):
    actor = make_actor(aarhus, "Strikkeklubben")
    assert "Strikkeklubben" in client.get("/register/", {"q": "strik"}).content.decode()
    actor.name = "Hækleklubben"
    actor.save()
    assert "Hækleklubben" not in client.get("/register/", {"q": "strik"}).content.decode()
    assert "Hækleklubben" in client.get("/register/", {"q": "hækle"}).content.decode()
    actor.delete()
    assert "Hækleklubben" not in client.get("/register/", {"q": "hækle"}).content.decode()


def test_a_persons_details_are_public_only_with_consent(client, contacts, aarhus):
    text = client.get(f"/register/kommune/{aarhus.code}/").content.decode()
    assert "Karen Samtykke" in text and "karen@example.org" in text
    assert "Lokalebooking" in text
    assert "Peter Privat" not in text and "peter@example.org" not in text
    odense_text = client.get("/register/kommune/461/").content.decode()
    assert "frivillig@odense.example" in odense_text  # a shared mailbox, not a person


def test_a_private_name_is_not_searchable_publicly(client, contacts):
    assert "Lokalebooking" not in client.get("/register/", {"q": "Peter"}).content.decode()


def test_logged_in_parties_see_unconsented_details(client, contacts, staff, aarhus):
    client.force_login(staff)
    text = client.get(f"/register/kommune/{aarhus.code}/").content.decode()
    assert "Peter Privat" in text


def test_removal_on_request_erases_the_persons_details(client, contacts, staff):
    consented = contacts[0]
    client.force_login(staff)
    response = client.post(f"/register/kontakt/{consented.uuid}/slet-persondata/")
    assert response.status_code == 302
    consented.refresh_from_db()
    assert (consented.name, consented.email, consented.phone, consented.consent_at) == (
        "",
        "",
        "",
        None,
    )
    assert consented.title == "Frivilligkoordinator"


def test_actor_page_shows_public_fields(client, club):
    Location.objects.create(
        organization=club, address_1="Østergade 2", postal_code="8000", city="Aarhus C"
    )
    text = client.get(f"/register/aktoer/{club.uuid}/").content.decode()
    assert "Boldklubben Øst" in text and "Østergade 2, 8000 Aarhus C" in text


def _actor_names(html: str) -> list[str]:
    import re

    actors = html.split('id="actors"', 1)[1]
    return re.findall(r'<li><a href="/register/aktoer/[0-9a-f-]+/">([^<]+)</a>', actors)


def test_search_shows_the_first_matching_actors_by_name(client, aarhus):
    for n in range(30):
        make_actor(aarhus, f"Fjordkoret {n:02d}" if n % 3 else f"Boldklub {n:02d} ved fjorden")
    text = client.get("/register/", {"q": "fjord"}).content.decode()
    expected = sorted(f"Fjordkoret {n:02d}" if n % 3 else f"Boldklub {n:02d} ved fjorden"
                      for n in range(30))[:20]  # fmt: skip
    assert _actor_names(text) == expected
    assert "Civile aktører (20+)" in text


def test_a_capped_walk_by_name_and_the_sorted_matches_agree_with_the_plain_query(
    aarhus, monkeypatch
):
    """PostgreSQL's two plans for many matches (elsewhere the plain query is all there is)."""
    from django.db import connection

    from samspil.register import search
    from samspil.register.models import Organization

    if connection.vendor != "postgresql":
        pytest.skip("the walk and the sort are PostgreSQL's")
    # matches clustered late in the alphabet, as a name's first word does
    for n in range(40):
        make_actor(aarhus, f"Andelsforening {n:02d}")
        if n % 2:
            make_actor(aarhus, f"Vestkoret {n:02d} Fjord")
    actors = Organization.objects.all()
    plain = list(search.filter_text(actors.order_by("name", "pk"), "fjord")[:10])
    monkeypatch.setattr(search, "WALK", 30)  # the first 30 names hold no match
    assert search.walked_by_name(actors, "fjord", 10) == []
    assert search.sorted_by_name(actors, "fjord", 10) == plain
    assert search.first_by_name(actors, "fjord", 10) == plain
    monkeypatch.setattr(search, "WALK", 1000)
    assert search.walked_by_name(actors, "fjord", 10) == plain


def test_search_pages_read_the_same_number_of_queries_for_5_or_25_results(client, aarhus, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samspil.register.models import Contact

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/register/", {"q": "frivillig"}).status_code == 200
            assert client.get(f"/register/kommune/{aarhus.code}/").status_code == 200
        return len(seen)

    def add(count: int) -> None:
        for n in range(count):
            make_actor(aarhus, f"Frivilligforening {n}")
            Contact.objects.create(municipality=aarhus, topic="Frivillige", title=f"Nr. {n}",
                                   name=f"Person {n}", email=f"p{n}@example.org")  # fmt: skip

    client.force_login(staff)  # a party: sees the unconsented persons (one check a page)
    add(5)
    few = queries()
    add(20)
    assert queries() == few


def test_result_lists_escape_what_parties_typed_and_link_edits_for_their_own(client, aarhus, staff):
    from samspil.register.models import Contact

    contact = Contact.objects.create(
        municipality=aarhus, topic="<script>alert(1)</script>", title="Kultur & fritid",
        personal=False, email="a&b@example.org",
    )  # fmt: skip
    make_actor(aarhus, "<b>Klubben</b>")
    for page in (f"/register/kommune/{aarhus.code}/", "/register/?kommune=751"):
        text = client.get(page).content.decode()
        assert "<script>alert" not in text and "<b>Klubben" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "Kultur &amp; fritid" in text
    assert "&lt;b&gt;Klubben&lt;/b&gt;" in client.get("/register/?kommune=751").content.decode()
    edit = f'href="/register/kontakt/{contact.uuid}/"'
    assert edit not in client.get(f"/register/kommune/{aarhus.code}/").content.decode()
    client.force_login(staff)
    assert edit in client.get(f"/register/kommune/{aarhus.code}/").content.decode()


# -- consent holds for every account (issue 17, item 2) -------------------------------------


def _signed_up_and_confirmed(odense):  # type: ignore[no-untyped-def]
    """An association that signed itself up in Odense and opened the e-mailed link: a
    confirmed party, of nothing in Aarhus."""
    from samspil.register import actions

    party, token = actions.register_actor(
        "angriber@example.org",
        "langt-og-hemmeligt",
        "Angriber",
        {"name": "Nyforeningen", "actor_type": "lokale", "municipality": odense},
    )
    actions.confirm_registration(token)
    party.user.refresh_from_db()
    return party.user


def test_a_party_of_another_municipality_or_actor_does_not_see_unconsented_persons(
    client, contacts, club, aarhus, odense, odense_staff, other_rep, staff
):
    from samspil.register.models import Contact

    Contact.objects.create(organization=club, title="Kasserer", name="Bent Bogholder",
                           email="bent@example.org", phone="20 30 40 50")  # fmt: skip
    pages = {  # each page, and a public text on it: the function is shown, the person not
        f"/register/kommune/{aarhus.code}/": "Lokalebooking",
        f"/register/?kommune={aarhus.code}": "Lokalebooking",
        "/register/?q=foreningslokaler": "Lokalebooking",
        f"/register/aktoer/{club.uuid}/": "Kasserer",
    }
    for user in (_signed_up_and_confirmed(odense), odense_staff, other_rep, staff):
        client.force_login(user)
        for page, public in pages.items():
            text = client.get(page).content.decode()
            assert public in text, page
            if user != staff:  # Aarhus's own staff see Aarhus's contact points
                assert "Peter Privat" not in text and "peter@example.org" not in text, page
            # The club's contact person belongs to the club, not to its municipality.
            assert "Bent Bogholder" not in text and "bent@example.org" not in text, page
            assert "20 30 40 50" not in text, page


def test_unconsented_persons_are_shown_to_their_own_municipality_or_actor_and_researchers(
    client, contacts, club, aarhus, staff, rep, register_researcher
):
    from samspil.register import access
    from samspil.register.models import Contact

    private = contacts[1]
    treasurer = Contact.objects.create(organization=club, title="Kasserer", name="Bent Bogholder")
    municipality, actor = f"/register/kommune/{aarhus.code}/", f"/register/aktoer/{club.uuid}/"
    client.force_login(staff)
    assert "Peter Privat" in client.get(municipality).content.decode()
    client.force_login(rep)
    assert "Bent Bogholder" in client.get(actor).content.decode()
    assert "Peter Privat" not in client.get(municipality).content.decode()
    client.force_login(register_researcher)
    assert "Peter Privat" in client.get(municipality).content.decode()
    assert "Bent Bogholder" in client.get(actor).content.decode()
    assert access.can_see_person(staff, private) and not access.can_see_person(rep, private)
    assert access.can_see_person(rep, treasurer) and not access.can_see_person(staff, treasurer)
    assert access.can_see_person(register_researcher, treasurer)


def test_a_new_unconfirmed_actor_is_on_no_public_page_until_confirmed(
    client, aarhus, register_researcher
):
    from samspil.register import actions

    party, token = actions.register_actor(
        "ny@example.org",
        "langt-og-hemmeligt",
        "Ny",
        {"name": "Spamforeningen", "actor_type": "lokale", "municipality": aarhus},
    )
    actor = party.organization
    page = f"/register/aktoer/{actor.uuid}/"
    for search in ({"q": "spamforeningen"}, {"kommune": aarhus.code}):
        assert "Spamforeningen" not in client.get("/register/", search).content.decode()
    assert client.get(page).status_code == 404
    municipality = client.get(f"/register/kommune/{aarhus.code}/")
    assert municipality.context["actor_count"] == 0
    client.force_login(register_researcher)
    assert client.get(page).status_code == 200  # researchers see it
    client.logout()
    actions.confirm_registration(token)
    assert "Spamforeningen" in client.get("/register/", {"q": "spamforeningen"}).content.decode()
    assert client.get(page).status_code == 200
