"""The privacy notice: filled from the study's fields, editable, linked from the welcome
page and from the invitation and the reminders."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from samspil.fieldwork import actions
from samspil.privacy.notice import default_notice, notice_text
from samspil.web.models import AuditEvent
from samspil.web.worker import run_queued_tasks

pytestmark = pytest.mark.django_db

NOTICE = re.compile(r"http://testserver/privatliv/[A-Za-z0-9_-]+/")


def test_default_notice_is_danish_and_filled_from_the_study(study, settings):
    settings.RETENTION_DAYS = 90
    study.privacy_controller = "Eksempel Universitet"
    study.privacy_contact = "dpo@example.org"
    text = default_notice(study)
    assert text.startswith("Sådan behandler vi dine personoplysninger")
    assert "Dataansvarlig: Eksempel Universitet. Kontakt: dpo@example.org." in text
    assert "slettes 90 dage efter, at undersøgelsen er lukket" in text
    assert "databeskyttelseslovens § 10" in text and "Datatilsynet" in text
    study.retention_date = dt.date(2031, 3, 1)
    assert "slettes den 1. marts 2031" in default_notice(study)
    study.privacy_text = "Vores egen tekst."
    assert notice_text(study) == "Vores egen tekst."


def test_invitation_and_reminders_link_the_notice(study, smtp_server, mail_text, client):
    study.privacy_controller = "Eksempel Universitet"
    study.save()
    actions.do_send_round(study, base_url="http://testserver")
    run_queued_tasks()
    actions.do_send_round(study, base_url="http://testserver")
    run_queued_tasks()
    messages = smtp_server.to("anna@example.org")
    assert len(messages) == 2  # invitation and reminder 1
    for message in messages:
        text = mail_text(message)
        assert "Sådan behandler vi dine personoplysninger, og dine rettigheder:" in text
        url = NOTICE.search(text)
        assert url and url.group(0).endswith(f"/privatliv/{study.privacy_key}/")
    page = client.get(url.group(0).removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Dataansvarlig: Eksempel Universitet." in page.content.decode()


def test_welcome_page_links_the_notice(client, respondent):
    page = client.get(f"/s/{respondent.token}/").content.decode()
    assert f'href="/privatliv/{respondent.study.privacy_key}/"' in page
    assert "Sådan behandler vi dine personoplysninger" in page


def test_unknown_notice_key_is_a_plain_404(client, study):
    assert client.get("/privatliv/ukendt-noegle-123/").status_code == 404
    assert client.get("/privatliv/x/").status_code == 404


def test_the_researcher_edits_the_notice_and_retention_date(researcher_client, study, client):
    url = f"/studier/{study.pk}/privatliv/"
    form = researcher_client.get(url)
    assert form.status_code == 200
    past = timezone.localdate() - dt.timedelta(days=1)
    response = researcher_client.post(url, {"retention_date": past.isoformat()})
    assert "Datoen er passeret" in response.content.decode()
    later = timezone.localdate() + dt.timedelta(days=400)
    fields = {
        "privacy_controller": "Eksempel Universitet",
        "privacy_contact": "forsker@example.org",
        "privacy_purpose": "",
        "privacy_legal_basis": "",
        "retention_date": later.isoformat(),
        "privacy_text": "",
    }
    assert researcher_client.post(url, fields).status_code == 302
    study.refresh_from_db()
    assert study.privacy_controller == "Eksempel Universitet" and study.retention_date == later
    assert AuditEvent.objects.get().action == "edit_privacy"
    # The form shows the default text to edit; sent back unchanged, even with new facts, it
    # is stored as empty (the default keeps following the facts).
    shown = researcher_client.get(url).context["form"]["privacy_text"].value()
    assert shown == default_notice(study)
    researcher_client.post(
        url, {**fields, "privacy_controller": "Andet Universitet", "privacy_text": shown}
    )
    study.refresh_from_db()
    assert study.privacy_text == ""
    assert "Dataansvarlig: Andet Universitet." in notice_text(study)
    researcher_client.post(url, {**fields, "privacy_text": "Vores egen tekst.\n\nAnden del."})
    page = client.get(f"/privatliv/{study.privacy_key}/").content.decode()
    assert "<p>Vores egen tekst.</p>" in page and "<p>Anden del.</p>" in page


def test_privacy_pages_need_login_and_access(client, other_researcher, study):
    for url in (f"/studier/{study.pk}/privatliv/", "/personer/", "/log/"):
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_researcher)
    assert client.get(f"/studier/{study.pk}/privatliv/").status_code == 404
    assert client.post(f"/studier/{study.pk}/anonymiser/", {"confirm": "on"}).status_code == 404
