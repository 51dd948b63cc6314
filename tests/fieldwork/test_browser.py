"""The respondent's and researcher's pages in Debian's chromium (Playwright), with axe-core.

A full kd2024 journey: the invitation arrives over SMTP, the respondent follows the link,
answers half the questionnaire, stops, resumes from the e-mailed link and finishes; and the
invite-remind-complete cycle driven from the researcher pages.
"""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import expect
from tests.browser import BROWSER_TIMEOUT_MS

from samspil.fieldwork import actions
from samspil.fieldwork.models import Respondent
from samspil.web import worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://[^\s]+/s/[A-Za-z0-9_-]{43}/")


def _invite(study, live_server, smtp_server, mail_text, email):  # type: ignore[no-untyped-def]
    actions.do_send_round(study, base_url=live_server.url)
    worker.run_queued_tasks()
    match = LINK.search(mail_text(smtp_server.to(email)[0]))
    assert match
    return match.group(0)


def _next(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name="Næste").click()


def test_kd2024_journey_stop_and_resume(
    browser, page, live_server, study, smtp_server, mail_text, axe
):
    link = _invite(study, live_server, smtp_server, mail_text, "anna@example.org")
    page.goto(link)
    expect(page.get_by_role("heading", name="Velkommen")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Start").click()

    # Page 1: an open answer and a grid, by label as a screen reader user would find them.
    assert page.locator("h1").inner_text() == "Side 1 af 11"
    page.get_by_label("Hvad er den vigtigste udfordring").fill("Mistrivsel <b>blandt</b> unge")
    by = page.get_by_role("group", name="At sikre en positiv by- og erhvervsudvikling")
    by.get_by_label("I høj grad").check()
    page.get_by_role("group", name="At imødegå børn og unges mistrivsel").get_by_label(
        "Slet ikke"
    ).check()
    axe(page)
    _next(page)

    # Page 2: the earlier answer is piped in as plain text.
    assert page.locator("h1").inner_text() == "Side 2 af 11"
    row = page.get_by_role("group", name=re.compile("Den vigtigste udfordring"))
    assert "«Mistrivsel <b>blandt</b> unge»" in row.inner_text()
    assert page.locator("legend b").count() == 0
    row.get_by_label("Ikke relevant").check()
    _next(page)
    assert page.locator("h1").inner_text() == "Side 3 af 11"
    page.context.close()  # the respondent stops here

    respondent = Respondent.objects.get(email="anna@example.org")
    assert respondent.status == Respondent.Status.PARTIAL
    assert respondent.answers["inv_vigtigste"] == 9.0

    # Later, in a new browser session, from the e-mailed link: resume where they left off.
    resumed = browser.new_context(bypass_csp=True).new_page()
    resumed.goto(link)
    assert resumed.url.endswith("/side/nuvaerende/")
    resumed.get_by_role("button", name="Tilbage").click()
    assert (
        resumed.get_by_role("group", name=re.compile("Den vigtigste udfordring"))
        .get_by_label("Ikke relevant")
        .is_checked()
    )
    _next(resumed)
    for _ in range(8):
        _next(resumed)
    assert resumed.locator("h1").inner_text() == "Side 11 af 11"
    resumed.get_by_label("Hvor mange år har du været kommunaldirektør?").select_option("7")
    resumed.get_by_role("button", name="Afslut").click()
    expect(resumed.get_by_role("heading", name="Tak for din besvarelse")).to_be_visible()
    axe(resumed)
    resumed.context.close()

    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.COMPLETED
    assert respondent.answers["udf_vigtigste"] == "Mistrivsel <b>blandt</b> unge"
    assert respondent.answers["udf_by"] == 4.0 and respondent.answers["bg_aar_kd"] == 7.0


def test_phone_grid_is_one_question_per_row(browser, live_server, respondent, axe):
    respondent.furthest_section = 2
    respondent.save()
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{respondent.token}/side/nuvaerende/")
    expect(page.locator(".grid-head").first).to_be_hidden()
    row = page.get_by_role("group", name="At imødekomme et voksende behov på ældreområdet")
    labels = row.locator(".cell-label")
    expect(labels.first).to_be_visible()
    tops = [labels.nth(i).bounding_box()["y"] for i in range(labels.count())]
    assert tops == sorted(tops) and tops[-1] > tops[0] + 100  # stacked, one under another
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling
    row.get_by_text("I nogen grad").click()
    assert row.get_by_label("I nogen grad").is_checked()
    axe(page)
    context.close()


def test_laptop_grid_reads_as_a_table(page, live_server, respondent):
    respondent.furthest_section = 2
    respondent.save()
    page.goto(f"{live_server.url}/s/{respondent.token}/side/nuvaerende/")
    expect(page.locator(".grid-head").first).to_be_visible()
    row = page.get_by_role("group", name="At imødekomme et voksende behov på ældreområdet")
    cells = row.locator(".grid-cell")
    tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
    assert len(tops) == 1  # one line, under the column headings
    box = row.locator(".cell-label").first.bounding_box()
    assert box and box["width"] <= 1  # visually hidden; the column heading shows it


SMALL = {
    "id": "lille",
    "title": "Lille test",
    "sections": [
        {
            "id": "a",
            "title": "A",
            "questions": [
                {
                    "id": "antal",
                    "type": "number",
                    "text": "Hvor mange frivillige?",
                    "min": 0,
                    "max": 100,
                },
                {
                    "id": "enig",
                    "type": "single",
                    "text": "Er du enig?",
                    "options": [
                        {"code": 1, "label": "Ja"},
                        {"code": 2, "label": "Nej"},
                        {"code": 8, "label": "Ved ikke", "special": "dont_know"},
                    ],
                },
            ],
        },
        {
            "id": "b",
            "title": "B",
            "questions": [{"id": "hvorfor", "type": "open", "text": "Hvorfor?"}],
        },
    ],
}


def test_keyboard_only_with_error_summary(page, live_server, tmp_path, axe):
    path = tmp_path / "lille.yaml"
    path.write_text(yaml.safe_dump(SMALL, allow_unicode=True), encoding="utf-8")
    study = actions.do_open_study(
        actions.do_create_study(
            "Lille",
            str(path),
            controller="Testuniversitetet",
            contact="dpo@example.org",
            signature="Forskerne",
        )
    )
    person = Respondent.objects.create(study=study, email="k@example.org")
    page.goto(f"{live_server.url}/s/{person.token}/side/a/")

    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_antal"
    page.keyboard.type("mange")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # first radio: Ja
    page.keyboard.press("ArrowDown")  # moves the choice to Nej
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.id, s.outlineStyle, s.boxShadow]; })()"
    )
    assert focused[0] == "id_enig_2" and focused[1] != "none"
    page.keyboard.press("Tab")  # the Next button
    assert page.evaluate("document.activeElement.textContent") == "Næste"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary gets focus and links to the field; the valid answer is kept.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.title().startswith("Fejl:")
    summary_link = page.locator("#error-summary a")
    assert summary_link.inner_text() == "Angiv et tal."
    axe(page)
    person.refresh_from_db()
    assert person.answers["enig"] == 2.0
    summary_link.focus()
    page.keyboard.press("Enter")  # the link moves focus to the field in error
    assert page.evaluate("document.activeElement.id") == "id_antal"
    page.get_by_label("Hvor mange frivillige?").fill("12")
    page.get_by_label("Hvor mange frivillige?").press("Enter")  # Enter submits as "Næste"
    page.wait_for_url(re.compile(r"/side/b/(#.*)?$"))  # the browser keeps the #fragment
    person.refresh_from_db()
    assert person.answers["antal"] == 12.0


def test_researcher_pages_accessible(page, live_server, study, researcher, axe):
    page.goto(f"{live_server.url}/login/")
    axe(page)
    page.get_by_label("Brugernavn").fill("forsker")
    page.get_by_label("Adgangskode").fill("hemmelig-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("link", name="KD 2024 test").click()
    expect(page.get_by_role("heading", name="KD 2024 test")).to_be_visible()
    expect(page.get_by_text("Af de 4 kommunaldirektører")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Se spørgeskemaet").click()
    axe(page)


def _log_in(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("forsker")
    page.get_by_label("Adgangskode").fill("hemmelig-123")
    page.get_by_role("button", name="Log ind").click()


def _complete(browser, link: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    respondent_page = context.new_page()
    respondent_page.goto(link)
    respondent_page.get_by_role("link", name="Start").click()
    for _ in range(10):
        _next(respondent_page)
    respondent_page.get_by_role("button", name="Afslut").click()
    expect(respondent_page.get_by_role("heading", name="Tak for din besvarelse")).to_be_visible()
    context.close()


def test_invite_remind_complete_cycle_from_the_researcher_pages(
    browser, page, live_server, study, researcher, smtp_server, mail_text
):
    _log_in(page, live_server)
    page.get_by_role("link", name="KD 2024 test").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sendes i baggrunden.")).to_be_visible()
    worker.run_queued_tasks()  # the worker's part
    # The page refreshes the round's progress by itself while it is sending.
    expect(page.locator("#rounds tbody tr").nth(0).locator("td.sent")).to_have_text(
        "4", timeout=BROWSER_TIMEOUT_MS
    )
    assert len(smtp_server.messages) == 4

    # Anna answers the invitation; the others do not.
    invitation = LINK.search(mail_text(smtp_server.to("anna@example.org")[0]))
    assert invitation
    _complete(browser, invitation.group(0))

    # The first reminder goes to the three who have not completed, not to Anna.
    page.reload()
    page.get_by_role("button", name="Send påmindelse 1").click()
    expect(page.get_by_text("Påmindelse 1 sendes i baggrunden.")).to_be_visible()
    worker.run_queued_tasks()
    page.reload()
    assert page.locator("#rounds tbody tr").nth(1).locator("td.sent").inner_text() == "3"
    assert len(smtp_server.to("anna@example.org")) == 1
    reminders = smtp_server.to("bo@example.org")
    assert len(reminders) == 2
    reminder_link = LINK.search(mail_text(reminders[1]))
    assert reminder_link and reminder_link.group(0) == LINK.search(mail_text(reminders[0])).group(0)  # type: ignore[union-attr]
    _complete(browser, reminder_link.group(0))

    # The monitoring page counts both, and the next round would reach only the other two.
    page.reload()
    expect(
        page.get_by_text(re.compile(r"Af de 4 kommunaldirektører.*2 svarede på hele"))
    ).to_be_visible()
    page.get_by_role("button", name="Send påmindelse 2").click()
    worker.run_queued_tasks()
    page.reload()
    assert page.locator("#rounds tbody tr").nth(2).locator("td.sent").inner_text() == "2"
    assert {m["To"] for m in smtp_server.messages[-2:]} == {
        "cecilie@example.org",
        "dan@example.org",
    }
    assert Respondent.objects.filter(status=Respondent.Status.COMPLETED).count() == 2
