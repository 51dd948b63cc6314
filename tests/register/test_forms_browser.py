"""Every register form in Debian's chromium at 390 px (issue 23, item 4): filled in with a
mistake, the page answers with the Danish error summary linking to the field and the
problem beside it (axe-clean, no sideways scroll); filled in correctly, it saves.

One browser for the suite (tests/browser.py) and pytest-django's one live server; each
test walks one persona through several forms to keep the number of page loads down."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from samspil.register import actions
from samspil.register.models import Collaboration, Contact, Organization, ValueReport
from tests.browser import assert_accessible, assert_mistake_shown, assert_no_sideways_scroll
from tests.register.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRONG = "Solsikke-Marmelade-42"


def _submit(page, name: str = "Gem") -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _login(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/?next=/register/mine/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/register/mine/")


def test_signup_and_search_show_a_mistake_beside_its_field_then_save(
    phone, live_server, aarhus, axe
):
    # The search: a municipality not in the list (a hand-made link).
    phone.goto(f"{live_server.url}/register/?kommune=9999")
    assert_mistake_shown(phone, "id_kommune", "Vælg en kommune på listen")
    phone.locator("#id_kommune").select_option(label="Aarhus")
    _submit(phone, "Søg")
    expect(phone.locator("#error-summary")).to_have_count(0)
    expect(phone.get_by_role("heading", name=re.compile("Civile aktører"))).to_be_visible()

    phone.goto(f"{live_server.url}/register/tilmeld/")
    # Required fields are marked; a common password is refused (Django's validators).
    expect(phone.locator("label[for=id_name]")).to_contain_text("(skal udfyldes)")
    expect(phone.locator("label[for=id_website]")).not_to_contain_text("(skal udfyldes)")
    axe(phone)
    assert_no_sideways_scroll(phone)
    phone.locator("#id_name").fill("Strikkeklubben Maske")
    phone.locator("#id_actor_type").select_option(label="Lokale frivillige foreninger")
    phone.locator("#id_municipality").select_option(label="Aarhus")
    phone.locator("#id_areas_3").check()
    phone.locator("#id_your_name").fill("Grethe Garn")
    phone.locator("#id_your_email").fill("grethe@example.org")
    phone.locator("#id_password").fill("1234567890")
    _submit(phone)
    assert_mistake_shown(phone, "id_password", "almindelig")
    phone.locator("#id_password").fill(STRONG)
    _submit(phone)
    expect(phone.get_by_role("heading", name="Tjek din e-mail")).to_be_visible()
    assert Organization.objects.filter(name="Strikkeklubben Maske").exists()


def test_an_invited_persons_password_form_refuses_a_weak_password_then_saves(
    phone, live_server, staff, aarhus
):
    token = actions.invite_staff(staff, aarhus, "kollega@example.org")
    phone.goto(f"{live_server.url}/register/invitation/{token}/")
    phone.locator("#id_password").fill("kollega@example.org")  # the address itself
    _submit(phone)
    assert_mistake_shown(phone, "id_password")
    phone.locator("#id_password").fill(STRONG)
    _submit(phone)
    expect(phone.get_by_role("status")).to_contain_text("Din konto er klar")


def test_staff_fill_in_the_contact_unit_consent_and_invitation_forms(
    phone, live_server, staff, aarhus
):
    _login(phone, live_server, "medarbejder")
    # invite
    phone.goto(f"{live_server.url}/register/inviter/")
    phone.locator("#id_email").fill("ikke-en-adresse")
    _submit(phone)
    assert_mistake_shown(phone, "id_email")
    phone.locator("#id_email").fill("kollega@example.org")
    _submit(phone)
    expect(phone.get_by_role("status")).to_contain_text("Invitationen er sendt")

    # a new contact point
    phone.goto(f"{live_server.url}/register/kommune/751/kontakt/ny/")
    phone.locator("#id_topic").fill("Frivillige i idrætten")
    phone.locator("#id_email").fill("ikke-en-adresse")
    _submit(phone)
    assert_mistake_shown(phone, "id_email")
    phone.locator("#id_email").fill("idraet@aarhus.example")
    _submit(phone)
    expect(phone.get_by_role("status")).to_contain_text("Gemt")
    contact = Contact.objects.get(topic="Frivillige i idrætten")
    assert contact.email == "idraet@aarhus.example"
    contact_url = phone.url.split("#")[0]  # (a redirect keeps the summary link's #id)

    # a unit, from the contact page: empty first
    _submit(phone, "Tilføj")
    assert_mistake_shown(phone, "id_unit-name")
    phone.locator("#id_unit-name").fill("Kultur og Borgerservice")
    _submit(phone)
    assert phone.url.split("#")[0] == contact_url
    expect(phone.locator("#id_unit")).to_contain_text("Kultur og Borgerservice")

    # consent, from the contact page: no date first
    phone.locator("#id_consent-consent_at").fill("")
    _submit(phone, "Registrér samtykke")
    assert_mistake_shown(phone, "id_consent-consent_at")
    phone.locator("#id_consent-consent_at").fill("2026-11-01")
    _submit(phone)
    expect(phone.get_by_role("status")).to_contain_text("Samtykket er registreret")
    contact.refresh_from_db()
    assert str(contact.consent_at) == "2026-11-01"


def test_a_representative_edits_the_actor_with_a_mistake_then_correctly(
    phone, live_server, rep, club
):
    _login(phone, live_server, "formand")
    phone.goto(f"{live_server.url}/register/aktoer/{club.uuid}/ret/")
    phone.locator("#id_website").fill("ikke en adresse")
    _submit(phone)
    assert_mistake_shown(phone, "id_website")
    phone.locator("#id_website").fill("boldklubben-oest.example")
    _submit(phone)
    expect(phone.get_by_role("heading", name="Boldklubben Øst")).to_be_visible()
    club.refresh_from_db()
    assert club.website == "https://boldklubben-oest.example"


def test_staff_create_and_edit_a_collaboration_and_add_a_partner_after_mistakes(
    phone, live_server, staff, club, odense
):
    _login(phone, live_server, "medarbejder")
    phone.goto(f"{live_server.url}/register/samarbejde/ny/")
    # Roles in Danish only.
    expect(phone.locator("#id_own-role")).to_contain_text("Ansvarlig")
    expect(phone.locator("#id_own-role")).not_to_contain_text("lead")
    _submit(phone)  # nothing filled in
    assert_mistake_shown(phone, "id_title")
    summary = phone.locator("#error-summary")
    expect(summary.locator('a[href="#id_areas_0"]')).to_be_visible()
    expect(summary.locator('a[href="#id_partner-0-actor"]')).to_contain_text("mindst én partner")
    phone.locator("#id_title").fill("Motion for ældre")
    phone.locator("#id_form").select_option(label="Partnerskab")
    phone.locator("#id_initiative").select_option(index=1)
    phone.locator("#id_organisation").select_option(index=1)
    phone.locator("#id_character").select_option(index=1)
    phone.locator("#id_areas_3").check()
    phone.locator("#id_own-role").select_option(label="Ansvarlig")
    phone.locator("#id_partner-0-actor").select_option(label="Boldklubben Øst")
    _submit(phone)
    expect(phone.get_by_role("heading", name="Motion for ældre")).to_be_visible()
    collaboration = Collaboration.objects.get(title="Motion for ældre")

    phone.get_by_role("link", name="Ret samarbejdet").click()
    phone.locator("#id_title").fill("")
    _submit(phone)
    assert_mistake_shown(phone, "id_title")
    phone.locator("#id_title").fill("Motion for alle ældre")
    _submit(phone)
    expect(phone.get_by_role("heading", name="Motion for alle ældre")).to_be_visible()

    phone.get_by_role("link", name="Tilføj en partner").click()
    phone.locator("#id_partner-0-actor").select_option(label="Boldklubben Øst")
    _submit(phone, "Tilføj partneren")  # already a partner
    assert_mistake_shown(phone, "id_partner-0-actor", "allerede partner")
    phone.locator("#id_partner-0-actor").select_option(index=0)
    phone.locator("#id_partner-0-municipality").select_option(label="Odense")
    phone.locator("#id_partner-0-role").select_option(label="Bidragyder")
    _submit(phone, "Tilføj partneren")
    expect(phone.locator("main")).to_contain_text("Odense: Bidragyder")
    assert collaboration.memberships.count() == 3
    axe_and_width(phone)  # the collaboration's page
    for page in ("/register/mine/", "/register/kommune/751/overblik/"):
        phone.goto(live_server.url + page)
        axe_and_width(phone)


def test_a_value_report_with_a_mistake_then_saved_reads_in_danish_formats(
    phone, live_server, staff, collaboration
):
    _login(phone, live_server, "medarbejder")
    phone.goto(f"{live_server.url}/register/samarbejde/{collaboration.uuid}/rapport/ny/")
    phone.locator("#id_period_start").fill("2025-12-31")
    phone.locator("#id_period_end").fill("2025-01-01")
    phone.locator("#id_municipal_costs").fill("45000")
    phone.locator("#id_participants").fill("1250")
    phone.locator("#id_goals_met").select_option(label="Ja")
    phone.locator("#id_goal-0-goal").fill("Flere ældre i bevægelse")
    phone.locator("#id_goal-0-baseline").fill("0")
    phone.locator("#id_goal-0-target").fill("50")
    phone.locator("#id_goal-0-actual").fill("47")
    _submit(phone)
    assert_mistake_shown(phone, "id_period_end", "slutter, før den begynder")
    phone.locator("#id_period_start").fill("2025-01-01")
    phone.locator("#id_period_end").fill("2025-12-31")
    _submit(phone)
    expect(phone.locator("#report-status")).to_contain_text("Endnu ikke fælles")
    main = phone.locator("main")
    measures = phone.get_by_role("table").filter(has_text="De samlede kommunale udgifter")
    expect(measures).to_contain_text("45.000 kr.")
    expect(measures).to_contain_text("1.250")
    expect(measures.get_by_role("row", name=re.compile("Om målene"))).to_contain_text("Ja")
    goals = phone.get_by_role("table").filter(has_text="Flere ældre i bevægelse")
    expect(goals.get_by_role("row", name=re.compile("Flere ældre"))).to_have_text(
        re.compile(r"Flere ældre i bevægelse\s*Flere ældre i bevægelse\s*0\s*50\s*47")
    )
    for english in ("True", "False", "45000", "0,00", "50,00", "edited"):
        expect(main).not_to_contain_text(english)
    expect(main).to_contain_text("oprettet af medarbejder (version 1)")
    axe_and_width(phone)

    # The municipality's own assessment (every statement optional: no mistake to make).
    phone.get_by_label("Samarbejdet er inspirerende").first.select_option(label="Meget enig")
    _submit(phone, "Gem vurderingen")
    expect(phone.locator(".messages")).to_contain_text("Din vurdering er gemt")
    expect(main).to_contain_text("vurderet af medarbejder")
    assert ValueReport.objects.get().assessments.count() == 1


def axe_and_width(page) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    assert_no_sideways_scroll(page)
