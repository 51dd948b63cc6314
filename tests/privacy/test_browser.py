"""The privacy notice in chromium: found from the welcome page and from the invitation
e-mail (delivered over SMTP on loopback), and accessible (axe-core)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from samspil.fieldwork import actions
from samspil.web.worker import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://[^\s]+/s/[A-Za-z0-9_-]{43}/")
NOTICE = re.compile(r"http://[^\s]+/privatliv/[A-Za-z0-9_-]+/")


def test_privacy_notice_from_the_invitation_and_the_welcome_page(
    page, live_server, study, smtp_server, mail_text, axe
):
    study.privacy_controller = "Eksempel Universitet"
    study.privacy_contact = "forsker@example.org"
    study.save()
    actions.do_send_round(study, base_url=live_server.url)
    run_queued_tasks()
    text = mail_text(smtp_server.to("bo@example.org")[0])
    notice = NOTICE.search(text)
    link = LINK.search(text)
    assert notice and link

    # From the e-mail.
    page.goto(notice.group(0))
    expect(page.get_by_role("heading", name="Privatlivserklæring")).to_be_visible()
    expect(page.get_by_text("Dataansvarlig: Eksempel Universitet.")).to_be_visible()
    axe(page)

    # From the welcome page of the personal link.
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Velkommen")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Sådan behandler vi dine personoplysninger").click()
    assert page.url == notice.group(0)
    expect(page.get_by_role("heading", name="Privatlivserklæring")).to_be_visible()
    expect(page.get_by_text("Datatilsynet", exact=False)).to_be_visible()
    axe(page)


def test_researcher_privacy_pages_are_accessible(page, live_server, study, researcher, axe):
    researcher.set_password("hemmelig-123")
    researcher.save()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Brugernavn").fill("forsker")
    page.get_by_label("Adgangskode").fill("hemmelig-123")
    with page.expect_navigation():
        page.get_by_role("button", name="Log ind").click()
    page.goto(f"{live_server.url}/studier/{study.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Privatlivserklæring, opbevaring og anonymisering").click()
    expect(page.get_by_role("heading", name=re.compile("Personoplysninger"))).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/personer/")
    page.get_by_label("Personens e-mailadresse").fill("anna@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("cell", name="Anna Testesen")).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/studier/{study.pk}/log/")
    expect(page.get_by_role("cell", name="søgte efter en person")).to_be_visible()
    axe(page)


def test_the_accessibility_statement_is_reached_from_the_footer_and_is_accessible_at_390px(
    page, live_server, study, axe
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/privatliv/{study.privacy_key}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tilgængelighedserklæring").click()
    expect(page.get_by_role("heading", name="Tilgængelighedserklæring", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Håndhævelsesprocedure")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe(page)
