"""Every privacy form in Debian's chromium at 390 px (issue 23, item 4): a mistake first,
then a correct submission.

Each (the study's privacy form, the search for a person, the erasure of a found person
with its identity check and confirmation, the anonymisation) answers a mistake with the
shared Danish error summary linking to the field (axe-clean, no sideways scroll)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_mistake_shown, assert_no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, name: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _login(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("forsker")
    page.locator("#id_password").fill("hemmelig-123")
    with page.expect_navigation():
        page.get_by_role("button", name="Log ind").click()


def test_the_privacy_forms_show_a_mistake_then_save(phone, live_server, study, researcher):
    _login(phone, live_server)

    # The study's notice and retention: a date that has passed.
    phone.goto(f"{live_server.url}/studier/{study.pk}/privatliv/")
    phone.locator("#id_retention_date").fill("2020-01-01")
    _submit(phone, "Gem")
    assert_mistake_shown(phone, "id_retention_date", "Datoen er passeret")
    later = dt.date.today() + dt.timedelta(days=400)
    phone.locator("#id_retention_date").fill(later.isoformat())
    _submit(phone, "Gem")
    expect(phone.locator(".messages")).to_contain_text("Privatlivserklæringen er gemt")
    study.refresh_from_db()
    assert study.retention_date == later
    assert_accessible(phone)
    assert_no_sideways_scroll(phone)

    # A person's requests: an address that is not one, then Anna's.
    phone.goto(f"{live_server.url}/personer/")
    phone.locator("#id_email").fill("anna-example.org")
    _submit(phone, "Find")
    assert_mistake_shown(phone, "id_email")
    phone.locator("#id_email").fill("anna@example.org")
    _submit(phone, "Find")
    expect(phone.get_by_role("cell", name="Anna Testesen")).to_be_visible()
    assert_accessible(phone)

    # Erasure: no identity check and no confirmation, then "other" without a note.
    anna = study.respondents.get(email="anna@example.org")
    row = phone.locator(f"form[action$='/personer/{anna.pk}/slet/']")
    with phone.expect_navigation():
        row.get_by_role("button", name="Slet personen og svarene").click()
    assert_mistake_shown(phone, f"id_identity_check-{anna.pk}", "Angiv, hvordan")
    expect(phone.locator(f'#error-summary a[href="#id_confirm-{anna.pk}"]')).to_be_visible()
    row.locator(f"#id_identity_check-{anna.pk}").select_option("other")
    row.locator(f"#id_confirm-{anna.pk}").check()
    with phone.expect_navigation():
        row.get_by_role("button", name="Slet personen og svarene").click()
    assert_mistake_shown(phone, f"id_identity_note-{anna.pk}", "Beskriv, hvordan identiteten")
    assert study.respondents.filter(pk=anna.pk).exists()
    row.locator(f"#id_identity_check-{anna.pk}").select_option("mitid")
    row.locator(f"#id_confirm-{anna.pk}").check()
    with phone.expect_navigation():
        row.get_by_role("button", name="Slet personen og svarene").click()
    expect(phone.locator(".messages")).to_contain_text("er slettet")
    assert not study.respondents.filter(pk=anna.pk).exists()

    # Anonymisation: unticked, then ticked.
    phone.goto(f"{live_server.url}/studier/{study.pk}/privatliv/")
    _submit(phone, "Anonymisér undersøgelsen")
    assert_mistake_shown(phone, "id_confirm-anonymise", "Sæt kryds")
    study.refresh_from_db()
    assert study.anonymised_at is None
    phone.locator("#id_confirm-anonymise").check()
    _submit(phone, "Anonymisér undersøgelsen")
    expect(phone.locator(".messages")).to_contain_text("anonymiseret")
    study.refresh_from_db()
    assert study.anonymised_at is not None
    assert_accessible(phone)
    assert_no_sideways_scroll(phone)
