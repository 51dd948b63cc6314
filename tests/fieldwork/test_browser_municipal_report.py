"""A respondent's personal link, after the study has closed, in Debian's chromium: they
download their own municipality's report and are refused another's (issue 21 item 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.fieldwork.test_municipal_reports import answer_all, fake_writer

from samspil.fieldwork import actions
from samspil.fieldwork import municipal_reports as mr
from samspil.fieldwork.models import Study
from samspil.web.worker import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_respondent_downloads_their_own_municipalitys_report_and_is_refused_another(
    browser, page, live_server, study, researcher, settings, tmp_path, monkeypatch, axe
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(mr, "WRITER", lambda: fake_writer)
    Study.objects.filter(pk=study.pk).update(municipal_reports=True)
    study.refresh_from_db()
    answer_all(study)
    actions.do_close_study(study)
    assert run_queued_tasks() == 1
    anna = study.respondents.get(email="anna@example.org")  # Aarhus

    page.goto(f"{live_server.url}/s/{anna.token}/")  # the link from the invitation
    expect(page).to_have_url(f"{live_server.url}/s/{anna.token}/rapport/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporten for Aarhus")
    axe(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Rapporten (PDF)").click()
    download = info.value
    assert download.suggested_filename == "report.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_text() == "report.pdf of Aarhus"
    expect(page.get_by_role("link", name="Tabellerne (Excel)")).to_be_visible()

    # Albertslund's report, by editing the address: refused like an unknown page
    response = page.goto(f"{live_server.url}/s/{anna.token}/rapport/albertslund/report.pdf")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Albertslund")
    assert mr.report_index(study)["Albertslund"] == ("albertslund", 1)  # it does exist

    # The researcher sees every municipality's report and Aarhus's one download.
    context = browser.new_context(bypass_csp=True)
    research = context.new_page()
    research.goto(f"{live_server.url}/login/")
    research.get_by_label("Brugernavn").fill("forsker")
    research.get_by_label("Adgangskode").fill("hemmelig-123")
    research.get_by_role("button", name="Log ind").click()
    research.goto(f"{live_server.url}/studier/{study.pk}/#municipal-reports")
    table = research.get_by_role("table", name="Kommunernes rapporter")
    expect(table.get_by_role("row", name="Aarhus")).to_contain_text("PDF · DOCX · XLSX")
    expect(table.get_by_role("row", name="Aarhus").locator(".downloads")).to_have_text("1")
    expect(table.get_by_role("row", name="Albertslund").locator(".downloads")).to_have_text("0")
    axe(research)
    context.close()
