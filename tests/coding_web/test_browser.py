"""The coding pages in Debian's chromium (Playwright), with axe-core.

Two coders in two browser contexts code the same answers independently, one with the
mouse and one with the keyboard; the researcher reads the agreement, adjudicates and makes
the report with the theme figure.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from samspil.coding_web.models import CodingProject, CodingVersion, Decision
from tests.browser import BROWSER_TIMEOUT_MS
from tests.coding_web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    "Mangel på arbejdskraft i plejen",
    "Økonomisk pres på velfærden",
    "Flere ældre og færre i arbejde",
]


def _login(browser, live_server, username, password, next_path="/kodning/", **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, **options
    )
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def _checked(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all("input[name=code]:checked", "nodes => nodes.map(n => n.value)")


def _save(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name="Gem og gå til næste svar").click()


def _enter(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_two_coders_agreement_adjudication_and_report(
    browser, live_server, researcher, coder_a, coder_b, axe
):
    answers = "respondent_id,udf_vigtigste\n" + "".join(
        f"{i},{text}\n" for i, text in enumerate(TEXTS, start=1)
    )

    # The researcher creates the project from an answers file and assigns the two coders.
    boss = _login(browser, live_server, "forsker", "hemmelig-123")
    axe(boss)
    boss.get_by_label("Kodningsprojektets navn").fill("Udfordringer")
    boss.get_by_label("en datafil").check()
    boss.get_by_label("Svarfil (CSV eller XLSX)").set_input_files(
        files=[{"name": "svar.csv", "mimeType": "text/csv", "buffer": answers.encode()}]
    )
    boss.get_by_label("Koder 1").select_option(label="koder_a")
    boss.get_by_label("Koder 2").select_option(label="koder_b")
    boss.get_by_role("button", name="Opret kodningsprojekt").click()
    expect(boss.get_by_role("heading", name="Udfordringer")).to_be_visible()
    expect(boss.get_by_text("Kodningsprojektet har 3 svar at kode.")).to_be_visible()
    axe(boss)
    project = CodingProject.objects.get()
    start = f"/kodning/{project.pk}/kod/"

    # Coder A, with the mouse.
    a = _login(browser, live_server, "koder_a", PASSWORD, start)
    expect(a.get_by_text(TEXTS[0])).to_be_visible()
    expect(a.get_by_text("Udfordringer relateret til rekruttering")).to_be_visible()  # codebook
    expect(a.locator("kbd.key").first).to_be_visible()  # shortcuts shown when JS runs
    axe(a)
    a.get_by_label("Arbejdskraft").check()
    _save(a)
    expect(a.get_by_text(TEXTS[1])).to_be_visible()
    a.get_by_label("Økonomisk pres").check()
    _save(a)
    a.get_by_label("Demografisk udvikling").check()
    a.get_by_label("Citat: må citeres i rapporten").check()
    _save(a)
    expect(a.get_by_text("Gemt. Du har kodet alle svar i dette projekt.")).to_be_visible()

    # Coder B, with the keyboard; A's codes are nowhere on B's pages.
    b = _login(browser, live_server, "koder_b", PASSWORD, start)
    expect(b.get_by_text(TEXTS[0])).to_be_visible()
    assert _checked(b) == []
    b.keyboard.press("1")
    assert _checked(b) == ["arbejdskraft"]
    _enter(b)
    expect(b.get_by_text(TEXTS[1])).to_be_visible()
    assert _checked(b) == []
    b.keyboard.press("4")
    b.keyboard.press("6")
    b.keyboard.press("1")
    b.keyboard.press("1")  # twice: ticked and unticked again
    assert _checked(b) == ["oekonomisk_pres", "andet"]
    _enter(b)
    b.keyboard.press("3")
    _enter(b)
    expect(b.get_by_text("Gemt. Du har kodet alle svar i dette projekt.")).to_be_visible()
    assert CodingVersion.objects.count() == 6

    # The agreement: 3 answers coded by both, 2 identical.
    boss.goto(f"{live_server.url}/kodning/{project.pk}/enighed/")
    expect(boss.get_by_text("3 af 3 svar er kodet af både koder_a og koder_b.")).to_be_visible()
    expect(boss.get_by_text("Koderne gav præcis de samme koder til 2 svar (67 %).")).to_be_visible()
    table = boss.get_by_role("table", name="Pr. tema (temaerne er koderne)")
    expect(table.get_by_role("columnheader", name="Cohens kappa")).to_be_visible()
    assert table.get_by_role("row", name=re.compile("^Arbejdskraft")).inner_text().split("\t")[
        1:6
    ] == [
        "3",
        "100 %",
        "100 %",
        "1,00",
        "1,00",
    ]
    axe(boss)

    # Adjudication: the boxes start with what both gave; the decision is recorded.
    boss.goto(f"{live_server.url}/kodning/{project.pk}/afgoerelse/")
    form = boss.locator("form.decision")
    assert form.count() == 1
    assert form.get_by_label("Endelig: Økonomisk pres").is_checked()
    assert not form.get_by_label("Endelig: Andet").is_checked()
    form.get_by_role("button", name="Gem afgørelsen").click()
    expect(boss.get_by_text("Afgørelsen for respondent")).to_be_visible()
    assert Decision.objects.get().decided_by == researcher
    axe(boss)

    # The report with the theme figure from the final codes.
    boss.goto(f"{live_server.url}/kodning/{project.pk}/")
    boss.get_by_role("button", name="Lav rapport").click()
    expect(boss.get_by_text("Rapporten er lavet.")).to_be_visible(timeout=BROWSER_TIMEOUT_MS)
    figure = boss.get_by_role("table", name="Figur 4.1 som tabel")
    assert figure.get_by_role("row", name=re.compile("^Arbejdskraft")).inner_text().split("\t") == [
        "Arbejdskraft",
        "1",
        "33,3 %",
    ]
    image = boss.get_by_role("img", name=re.compile("Figur 4.1"))
    expect(image).to_have_js_property("complete", True)  # loaded (or failed), not pending
    assert image.evaluate("i => i.naturalWidth") > 0
    axe(boss)
    for p in (a, b, boss):
        p.context.close()


def test_workbench_without_javascript_and_suggestion_marks(
    browser, live_server, project, units, coder_a, axe
):
    """The form works without JavaScript; a suggestion is marked for screen readers."""
    from samspil.coding_web.models import Suggestion, SuggestionRun

    unit = units[("udf_vigtigste", "101")]
    run = SuggestionRun.objects.create(
        project=project,
        variable="udf_vigtigste",
        threshold=0.7,
        n_answers=50,
        trained_by=coder_a,
    )
    Suggestion.objects.create(
        run=run,
        unit=unit,
        probabilities={"arbejdskraft": 0.91, "andet": 0.2},
        pre_ticked=["arbejdskraft"],
    )
    url = f"/kodning/{project.pk}/svar/{unit.pk}/"
    page = _login(browser, live_server, "koder_a", PASSWORD, url)
    box = page.get_by_role("checkbox", name=re.compile(r"^Arbejdskraft Forslag 91 %"))
    assert box.is_checked()
    assert not page.get_by_role("checkbox", name="Andet").is_checked()
    expect(page.get_by_text("Nogle koder er sat på forhånd som forslag")).to_be_visible()
    axe(page)
    page.context.close()

    page = _login(browser, live_server, "koder_a", PASSWORD, url, java_script_enabled=False)
    assert page.get_by_role("checkbox", name=re.compile(r"^Arbejdskraft Forslag")).is_checked()
    expect(page.locator("kbd.key").first).to_be_hidden()  # no shortcuts without JS
    page.get_by_label("Andet").check()
    _save(page)
    expect(page.get_by_text("Gemt.", exact=True)).to_be_visible()
    assert CodingVersion.objects.get().codes == ["arbejdskraft", "andet"]
    assert CodingVersion.objects.get().suggested == ["arbejdskraft"]
    page.context.close()


def test_suggestions_page_sets_the_threshold_and_is_accessible(
    browser, live_server, project, units, researcher, axe
):
    url = f"/kodning/{project.pk}/forslag/"
    page = _login(browser, live_server, "forsker", "hemmelig-123", url)
    field = page.get_by_label("Forkryds foreslåede koder fra denne sandsynlighed (procent)")
    assert field.input_value() == "70"
    axe(page)
    field.fill("85")
    page.get_by_role("button", name="Gem tærsklen").click()
    expect(page.get_by_text("Tærsklen er gemt; træn forslagene igen.")).to_be_visible()
    project.refresh_from_db()
    assert project.threshold == 0.85
    page.context.close()
