"""A study fielded from an uploaded XLSForm, in chromium: upload, preview, respondents,
open, invitation, a respondent answers, the one-click report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser import BROWSER_TIMEOUT_MS
from tests.fieldwork.conftest import RESPONDENTS_CSV

from samspil.fieldwork.models import Respondent, Study
from samspil.instruments import DATA
from samspil.web.worker import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://[^\s]+/s/[A-Za-z0-9_-]{43}/")


def _forward(page) -> None:  # type: ignore[no-untyped-def]
    """Next page (the last button reads "Afslut" while later pages hang on answers)."""
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^(Næste|Afslut)$")).click()


def test_an_uploaded_xlsform_study_from_upload_to_the_one_click_report(
    browser, page, live_server, researcher, smtp_server, mail_text, tmp_path
):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("forsker")
    page.get_by_label("Adgangskode").fill("hemmelig-123")
    page.get_by_role("button", name="Log ind").click()

    # a questionnaire samspil cannot field: the problems are on the page
    bad = tmp_path / "geo.xlsx"
    bad.write_bytes(b"not a workbook")
    page.get_by_label("Undersøgelsens navn").fill("Foreninger 2026")
    page.get_by_label("Eller jeres eget spørgeskema").set_input_files(str(bad))
    page.get_by_role("button", name="Opret undersøgelse").click()
    expect(page.get_by_text("Spørgeskemaet kan ikke bruges:")).to_be_visible()
    assert not Study.objects.exists()

    # the XLSForm: created, previewed
    form = tmp_path / "fo2016.xlsx"
    form.write_bytes((DATA / "fo2016.xlsx").read_bytes())
    page.get_by_label("Undersøgelsens navn").fill("Foreninger 2026")
    page.get_by_label("Eller jeres eget spørgeskema").set_input_files(str(form))
    page.get_by_role("button", name="Opret undersøgelse").click()
    expect(page.get_by_role("heading", name="Foreninger 2026")).to_be_visible()
    page.get_by_role("link", name="Se spørgeskemaet").click()
    expect(page.get_by_text("Samarbejder foreningen med kommunen eller kommunale")).to_be_visible()
    page.go_back()

    # respondents, open, invitation
    csv = tmp_path / "liste.csv"
    csv.write_text(RESPONDENTS_CSV, encoding="utf-8")
    page.get_by_label("Liste over respondenter").set_input_files(str(csv))
    page.get_by_role("button", name="Importér respondenter").click()
    page.get_by_role("button", name="Åbn undersøgelsen").click()  # no controller yet: refused
    expect(page.get_by_role("alert").filter(has_text="før undersøgelsen åbnes")).to_be_visible()
    Study.objects.filter(name="Foreninger 2026").update(
        privacy_controller="Testuniversitetet",
        privacy_contact="dpo@example.org",
        mail_signature="Forskerne",
    )
    page.get_by_role("button", name="Åbn undersøgelsen").click()
    page.get_by_role("button", name="Send invitation").click()
    run_queued_tasks()  # the worker's part
    assert len(smtp_server.messages) == 4
    link = LINK.search(mail_text(smtp_server.to("anna@example.org")[0]))
    assert link

    # Anna answers the uploaded questionnaire
    context = browser.new_context()
    answer = context.new_page()
    answer.goto(link.group(0))
    answer.get_by_role("link", name="Start").click()
    answer.set_default_timeout(BROWSER_TIMEOUT_MS)
    answer.get_by_label("Ja", exact=True).check()
    _forward(answer)  # the same page again, now with the question that depends on "Ja"
    answer.get_by_label("Skole").check()
    _forward(answer)
    answer.get_by_label("Ja, aftalen bygger på en aftale, der er beskrevet skriftligt").check()
    done = answer.get_by_role("heading", name="Tak for din besvarelse")
    for _ in range(5):
        _forward(answer)
        if done.count():
            break
    expect(done).to_be_visible()
    context.close()
    anna = Respondent.objects.get(email="anna@example.org")
    assert anna.answers["samarbejder"] == 1.0 and anna.answers["formel_skole"] == 1.0

    # the report in one click
    page.reload()
    page.get_by_role("button", name="Lav datarapporten").click()
    expect(page.get_by_text("Rapporten er lavet.")).to_be_visible()
