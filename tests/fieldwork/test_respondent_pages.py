"""The questionnaire as the respondent meets it, through Django's test client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from samspil.fieldwork import actions
from samspil.fieldwork.models import Respondent

pytestmark = pytest.mark.django_db

SMALL = {
    "id": "lille",
    "title": "Lille test",
    "population": "Testpersoner i kommunerne",
    "welcome": ["Velkommen til **testen**."],
    "closing": ["Tak for hjælpen."],
    "sections": [
        {
            "id": "a",
            "title": "A",
            "intro": ["Første side."],
            "questions": [
                {
                    "id": "samarbejder",
                    "type": "single",
                    "text": "Samarbejder I med **foreninger**?",
                    "options": [
                        {"code": 1, "label": "Ja"},
                        {"code": 2, "label": "Nej"},
                        {"code": 8, "label": "Ved ikke", "special": "dont_know"},
                    ],
                },
                {
                    "id": "antal",
                    "type": "number",
                    "text": "Hvor mange?",
                    "min": 0,
                    "max": 500,
                    "show_if": [{"variable": "samarbejder", "in": [1]}],
                },
                {
                    "id": "hvem",
                    "type": "multi",
                    "text": "Hvem?",
                    "options": [
                        {"code": 1, "label": "Idræt"},
                        {"code": 2, "label": "Kultur"},
                        {"code": 3, "label": "Andet", "other_text": True},
                    ],
                },
            ],
        },
        {
            "id": "b",
            "title": "B",
            "show_if": [{"variable": "samarbejder", "in": [1]}],
            "questions": [
                {"id": "hvad", "type": "open", "text": "Hvad handler det om?"},
            ],
        },
        {
            "id": "c",
            "title": "C",
            "questions": [
                {
                    "id": "vurdering",
                    "type": "grid",
                    "text": "Hvordan går det med [som du angav tidligere]?",
                    "pipe": {"from": "hvad"},
                    "options": [
                        {"code": 1, "label": "Dårligt"},
                        {"code": 2, "label": "Godt"},
                        {"code": 9, "label": "Ikke relevant", "special": "not_applicable"},
                    ],
                    "items": [{"id": "x", "text": "Samarbejdet"}, {"id": "y", "text": "Dialogen"}],
                },
                {"id": "aar", "type": "pick", "text": "Hvor mange år?", "min": 0, "max": 5},
            ],
        },
    ],
}


@pytest.fixture
def small_study(tmp_path: Path, researcher):  # type: ignore[no-untyped-def]
    path = tmp_path / "lille.yaml"
    path.write_text(yaml.safe_dump(SMALL, allow_unicode=True), encoding="utf-8")
    study = actions.do_create_study(
        "Lille",
        str(path),
        researchers=[researcher],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    actions.do_open_study(study)
    return study


@pytest.fixture
def person(small_study):  # type: ignore[no-untyped-def]
    return Respondent.objects.create(study=small_study, email="p@example.org", name="P")


def url(r: Respondent, section: str = "") -> str:
    return f"/s/{r.token}/side/{section}/" if section else f"/s/{r.token}/"


def post(client, r, section, data, nav="next"):  # type: ignore[no-untyped-def]
    shown = re.findall(
        r'name="_shown" value="([a-z_]+)"', client.get(url(r, section)).content.decode()
    )
    return client.post(url(r, section), {**data, "_shown": shown, "nav": nav})


def test_welcome_then_first_page(client, person):
    response = client.get(url(person))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Velkommen til <strong>testen</strong>." in html
    assert f'href="/s/{person.token}/side/a/"' in html
    assert response["Cache-Control"] == "no-store"
    person.refresh_from_db()
    assert person.status == Respondent.Status.OPENED and person.opened_at


def test_journey_with_condition_piping_back_and_finish(client, person):
    page = client.get(url(person, "a")).content.decode()
    assert "Hvor mange?" not in page  # condition not met yet
    assert "Samarbejder I med <strong>foreninger</strong>?" in page
    # Choosing "Ja" reveals the number question on the same page: shown before moving on.
    response = post(client, person, "a", {"samarbejder": "1"})
    assert response.status_code == 200 and "Hvor mange?" in response.content.decode()
    person.refresh_from_db()
    assert person.answers["samarbejder"] == 1.0  # saved already
    response = post(
        client,
        person,
        "a",
        {"samarbejder": "1", "antal": "12", "hvem": ["1", "3"], "hvem_3_tekst": "Spejdere"},
    )
    assert response.status_code == 302 and response["Location"] == url(person, "b")
    # Piping: the respondent's own words, escaped, never markup.
    post(client, person, "b", {"hvad": "<script>alert(1)</script> **fed**"})
    page = client.get(url(person, "c")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **fed**" in page
    assert "<script>alert" not in page and "<strong>fed</strong>" not in page
    assert "Side 3 af 3" in page and 'value="67"' in page
    # Back keeps the answers of the page left and shows the earlier ones.
    response = post(client, person, "c", {"vurdering_x": "2"}, nav="back")
    assert response["Location"] == url(person, "b")
    person.refresh_from_db()
    assert person.answers["vurdering_x"] == 2.0
    page = client.get(url(person, "b")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **fed**</textarea>" in page
    page = client.get(url(person, "c")).content.decode()
    assert 'id="id_vurdering_x_2" value="2" checked' in page
    response = post(client, person, "c", {"vurdering_x": "2", "vurdering_y": "9", "aar": "3"})
    assert response["Location"] == f"/s/{person.token}/tak/"
    person.refresh_from_db()
    assert person.status == Respondent.Status.COMPLETED
    assert person.answers["hvem_1"] == 1.0 and person.answers["hvem_2"] == 0.0
    assert person.answers["hvem_3_tekst"] == "Spejdere" and person.answers["aar"] == 3.0
    done = client.get(f"/s/{person.token}/tak/").content.decode()
    assert "Tak for hjælpen." in done
    # A completed respondent's link leads to the closing page.
    assert client.get(url(person))["Location"] == f"/s/{person.token}/tak/"


def test_condition_skips_section_and_answer_removal(client, person):
    post(client, person, "a", {"samarbejder": "1"})
    post(client, person, "a", {"samarbejder": "1", "antal": "3"})
    person.refresh_from_db()
    assert person.answers["antal"] == 3.0
    response = post(client, person, "a", {"samarbejder": "2", "antal": "3"})
    assert response["Location"] == url(person, "c")  # section b is skipped
    person.refresh_from_db()
    assert person.answers["antal"] is None  # hidden again: its answer no longer applies
    assert "Side 2 af 2" in client.get(url(person, "c")).content.decode()
    assert client.get(url(person, "b"))["Location"] == url(person)  # skipped page


def test_answers_are_saved_even_without_the_shown_marker(client, person):
    response = client.post(url(person, "a"), {"samarbejder": "2", "hvem": ["1"], "nav": "next"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.answers["samarbejder"] == 2.0 and person.answers["hvem_1"] == 1.0


def test_validation_error_keeps_valid_answers(client, person):
    post(client, person, "a", {"samarbejder": "1"})
    response = post(client, person, "a", {"samarbejder": "1", "antal": "mange", "hvem": ["2"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html and 'href="#id_antal"' in html
    assert 'aria-invalid="true"' in html and 'value="mange"' in html
    person.refresh_from_db()
    assert person.answers["hvem_2"] == 1.0 and person.answers.get("antal") is None
    assert person.current_section == "a"
    response = post(client, person, "a", {"samarbejder": "1", "antal": "900"})
    assert "Angiv et tal mellem 0 og 500." in response.content.decode()


def test_resume_where_left_off(client, person):
    post(client, person, "a", {"samarbejder": "2"})
    response = client.get(url(person))
    assert response["Location"] == url(person, "c")
    # Pages beyond the furthest reached are not reachable by URL.
    other = Respondent.objects.create(study=person.study, email="o@example.org")
    assert client.get(url(other, "c"))["Location"] == url(other)


def test_kd2024_grid_markup(client, respondent):
    respondent.furthest_section = 2
    respondent.save()
    html = client.get(url(respondent, "nuvaerende")).content.decode()
    assert html.count('<fieldset class="grid-row">') == 5
    assert '<legend id="legend-inv_by" class="grid-item">' in html
    assert '<label for="id_inv_by_9"><span class="cell-label">Ikke relevant</span></label>' in html
    assert 'class="grid-head" aria-hidden="true"' in html
    assert "nuværende</strong> arbejde med nedenstående udfordringer?" in html


def test_kd2024_all_pages_render(client, respondent):
    instrument = respondent.study.instrument
    respondent.furthest_section = len(instrument.sections) - 1
    respondent.save()
    for section in instrument.sections:
        response = client.get(url(respondent, section.id))
        assert response.status_code == 200, section.id


def test_unknown_and_closed_links_look_the_same(client, respondent):
    unknown = client.get("/s/" + "A" * 43 + "/")
    actions.do_close_study(respondent.study)
    closed = client.get(url(respondent))
    assert unknown.status_code == closed.status_code == 404
    assert unknown.content == closed.content
    assert b"Traceback" not in closed.content


def test_draft_study_links_work_only_for_test_respondents(client, small_study):
    draft = actions.do_create_study("Kladde", "kd2024")
    normal = Respondent.objects.create(study=draft, email="n@example.org")
    test = actions.do_create_test_respondent(draft, "t@example.org")
    assert client.get(url(normal)).status_code == 404
    assert client.get(url(test)).status_code == 200


def test_bad_links_are_rate_limited(client, respondent, settings):
    settings.BAD_TOKEN_LIMIT = 3
    for _ in range(3):
        assert client.get("/s/" + "x" * 43 + "/").status_code == 404
    assert client.get("/s/" + "y" * 43 + "/").status_code == 429
    assert client.get(url(respondent)).status_code == 429  # blocked for every link
    other = client.get(url(respondent), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_bad_link_counters_live_in_the_database_shared_by_all_workers(client, respondent):
    from django.db import connection

    assert client.get("/s/" + "x" * 43 + "/").status_code == 404
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM samspil_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("badlink" in k for k in keys)


def test_csrf_is_required(respondent):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url(respondent, "udfordringer"), {"udf_by": "3"})
    assert response.status_code == 403
    respondent.refresh_from_db()
    assert respondent.answers == {}


def test_one_token_sees_only_its_own_answers(client, study):
    a, b = study.respondents.order_by("row_number")[:2]
    actions.do_save_page(
        a, actions.PageSave({"udf_vigtigste": "Hemmeligt svar"}, "civilsamfund", 1)
    )
    page = client.get(url(b, "udfordringer")).content.decode()
    assert "Hemmeligt svar" not in page
    page = client.get(url(a, "udfordringer")).content.decode()
    assert "Hemmeligt svar" in page


def test_preview_shows_conditional_questions(researcher_client, small_study):
    html = researcher_client.get(f"/studier/{small_study.pk}/forhaandsvisning/a/").content.decode()
    assert "Hvor mange?" in html and "Velkommen til <strong>testen</strong>." in html
