"""The register's two journeys in Debian's chromium (Playwright), with axe-core:

* an association's volunteer finds the right contact in their municipality on a
  phone-sized page without logging in;
* a municipal employee and an association representative record a collaboration and both
  approve its value report; an edit afterwards reopens it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from samspil.register.models import ValueReport
from tests.browser import BROWSER_TIMEOUT_MS
from tests.register.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"


def test_a_volunteer_finds_the_right_contact_on_a_phone_without_logging_in(
    browser, live_server, contacts, club, axe
):
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.goto(f"{live_server.url}/register/")
    expect(page.get_by_role("heading", name="Find den rette kontakt")).to_be_visible()
    axe(page)
    _no_sideways_scroll(page)
    page.get_by_label("Kommune").select_option(label="Aarhus")
    page.get_by_label("Emne").select_option(label="Sundhed og forebyggelse")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    results = page.locator("#contacts + ul")
    expect(results).to_contain_text("Frivilligkoordinator")
    expect(results).to_contain_text("Sundhed og Omsorg")
    expect(page.get_by_role("link", name="karen@example.org")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Lokalebooking")
    axe(page)
    _no_sideways_scroll(page)

    # free text, then the municipality's own page: no one's private details
    page.get_by_label("Emne").select_option(label="Alle emner")
    page.get_by_label("Søgeord").fill("lokaler")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    expect(page.locator("#contacts + ul")).to_contain_text("Lokalebooking")
    expect(page.locator("main")).not_to_contain_text("peter@example.org")
    page.goto(f"{live_server.url}/register/kommune/751/")
    expect(page.get_by_role("heading", name="Sundhed og forebyggelse")).to_be_visible()
    axe(page)
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Søg blandt kommunens 1 civile aktør").click()
    page.get_by_role("link", name="Boldklubben Øst").click()
    expect(page.get_by_role("heading", name="Boldklubben Øst")).to_be_visible()
    axe(page)
    page.wait_for_load_state("networkidle")
    context.close()


def _login(browser, live_server, username):  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.goto(f"{live_server.url}/login/?next=/register/mine/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/register/mine/")
    return page


def _submit(page, name: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_staff_and_association_record_a_collaboration_and_both_approve_its_value_report(
    browser, live_server, staff, rep, club, axe
):
    employee = _login(browser, live_server, "medarbejder")
    employee.get_by_role("link", name="Nyt samarbejde").click()
    employee.get_by_label("Titel").fill("Motion for ældre")
    employee.get_by_label("Form (skal udfyldes)", exact=True).select_option(label="Partnerskab")
    employee.get_by_label("Initiativ").select_option(
        label="Lokale civile aktører inviterede kommunen"
    )
    employee.get_by_label("Organisering").select_option(index=1)
    employee.get_by_label("Karakter").select_option(index=2)
    employee.get_by_label("Kultur og fritid").check()
    employee.get_by_label("Start").fill("2025-01-01")
    employee.get_by_label("Jeres rolle").select_option(label="Ansvarlig")
    first, second = (employee.get_by_role("group", name=f"Partner {n}") for n in (1, 2))
    first.get_by_label("Civil aktør").select_option(label="Boldklubben Øst")
    second.get_by_label("Kommune").select_option(label="Odense")
    second.get_by_label("Rolle").select_option(label="Bidragyder")
    axe(employee)
    _submit(employee, "Gem")
    expect(employee.get_by_role("heading", name="Motion for ældre")).to_be_visible()
    partners = employee.get_by_role("list").filter(has_text="Bidragyder")
    expect(partners).to_contain_text("Boldklubben Øst: Partner")
    expect(partners).to_contain_text("Odense: Bidragyder")
    axe(employee)
    employee.get_by_role("link", name="Ny værdirapport").click()
    employee.get_by_label("Periodens start").fill("2025-01-01")
    employee.get_by_label("Periodens slutning").fill("2025-12-31")
    employee.get_by_label("Deltagende borgere og frivillige").fill("40")
    employee.get_by_label("Frivillige timer").fill("300")
    goal = employee.get_by_role("group", name="Mål 1")
    goal.get_by_label("Mål", exact=True).fill("Flere ældre i bevægelse")
    goal.get_by_label("Indikator").fill("Deltagere pr. uge")
    goal.get_by_label("Udgangspunkt").fill("10")
    goal.get_by_label("Målsætning").fill("30")
    goal.get_by_label("Resultat").fill("35")
    axe(employee)
    _submit(employee, "Gem")
    expect(employee.locator("#report-status")).to_contain_text("Endnu ikke fælles")
    axe(employee)
    _submit(employee, "Godkend rapporten")
    expect(employee.locator("#report-status")).to_contain_text("Kommunen har godkendt")
    report_url = employee.url

    association = _login(browser, live_server, "formand")
    association.get_by_role("link", name="Motion for ældre").click()
    association.get_by_role("link", name=re.compile("2025")).first.click()
    assert association.url == report_url
    # the association's own assessment; the municipality's is not theirs to write
    forms = association.locator("form[action*='/vurdering/']")
    expect(forms).to_have_count(1)
    forms.get_by_label("Samarbejdet er inspirerende").select_option(label="Meget enig")
    _submit(association, "Gem vurderingen")
    # assessing after the municipality's approval reopened the report
    expect(association.locator("#report-status")).to_contain_text("Kommunen har ikke godkendt")
    _submit(association, "Godkend rapporten")
    expect(association.locator("#report-status")).to_contain_text("Den civile aktør har godkendt")

    employee.reload()
    _submit(employee, "Godkend rapporten")
    expect(employee.locator("#report-status")).to_contain_text("Fælles: godkendt af begge parter")
    report = ValueReport.objects.get()
    assert report.is_joint and report.version == 2

    employee.get_by_role("link", name="Ret rapporten").click()
    expect(employee.locator("main")).to_contain_text("Rapporten er fælles")
    employee.get_by_label("Deltagende borgere og frivillige").fill("45")
    _submit(employee, "Gem")
    expect(employee.locator("#report-status")).to_contain_text("Endnu ikke fælles")
    report.refresh_from_db()
    assert not report.is_joint and report.version == 3 and report.participants == 45
    expect(employee.locator("main")).to_contain_text("genåbnet")
    for page in (employee, association):
        page.wait_for_load_state("networkidle")
        page.context.close()


def test_an_unconfirmed_actor_is_marked_and_one_click_on_the_e_mails_link_confirms_it(
    browser, live_server, club, axe
):
    import datetime as dt

    from django.utils import timezone

    from samspil.register import confirmation, freshness
    from samspil.register.models import ConfirmationDelivery, ConfirmationRound, Organization

    Organization.objects.filter(pk=club.pk).update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    mail_round = ConfirmationRound.objects.create(municipality=club.municipality, year=2026)
    delivery = ConfirmationDelivery.objects.create(mail_round=mail_round, organization=club)
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(f"{live_server.url}/register/aktoer/{club.uuid}/")
    expect(page.locator("main")).to_contain_text("Ikke bekræftet")
    axe(page)
    _no_sideways_scroll(page)
    page.goto(f"{live_server.url}/register/stadig-rigtigt/{confirmation.token(delivery)}/")
    expect(page.get_by_role("heading", name="Bekræft oplysningerne")).to_be_visible()
    axe(page)
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, oplysningerne er rigtige").click()
    expect(page.get_by_role("heading", name="Tak")).to_be_visible()
    axe(page)
    assert not freshness.is_unconfirmed(Organization.objects.get(pk=club.pk).verified_at)
    page.goto(f"{live_server.url}/register/aktoer/{club.uuid}/")
    expect(page.locator("main")).not_to_contain_text("Ikke bekræftet")
    context.close()
