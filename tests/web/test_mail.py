"""Invitations, reminders and test links through a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest

from samspil.fieldwork import actions
from samspil.fieldwork.models import MessageLog, Respondent

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s]+/s/[A-Za-z0-9_-]{43}/")


def test_rounds_go_only_to_non_completed_and_are_logged(study, smtp_server, mail_text):
    a, b, c, _d = study.respondents.order_by("row_number")
    result = actions.do_send_round(study, base_url="http://survey.test")
    assert (result.round, result.sent, result.failed) == (0, 4, 0)
    assert len(smtp_server.messages) == 4
    invitation = smtp_server.to("anna@example.org")[0]
    assert invitation["Subject"].strip().startswith("Spørgeskema: Kommunernes samarbejde")
    body = mail_text(invitation)
    assert body.startswith("Kære Anna Testesen")
    assert f"http://survey.test/s/{a.token}/" in body
    assert Respondent.objects.filter(invited_at__isnull=False).count() == 4

    actions.do_save_page(a, actions.PageSave({"udf_by": 1.0}, "baggrund", 10, complete=True))
    actions.do_save_page(b, actions.PageSave({"udf_by": 1.0}, "civilsamfund", 1))
    smtp_server.clear()
    result = actions.do_send_round(study, base_url="http://survey.test")
    assert (result.round, result.sent) == (1, 3)
    assert smtp_server.to("anna@example.org") == []
    partial = mail_text(smtp_server.to("bo@example.org")[0])
    assert "Tak fordi du er gået i gang" in partial
    assert smtp_server.to("bo@example.org")[0]["Subject"].strip().startswith("Påmindelse:")
    assert MessageLog.objects.filter(respondent=c).count() == 2

    actions.do_send_round(study)
    actions.do_send_round(study)
    with pytest.raises(actions.ActionError):
        actions.do_send_round(study)
    study.refresh_from_db()
    assert study.rounds_sent == 4
    assert MessageLog.objects.filter(respondent=a).count() == 1


def test_failed_sends_are_logged_and_the_round_can_be_resent(study, smtp_server, settings):
    settings.EMAIL_PORT = 1  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    result = actions.do_send_round(study)
    assert (result.sent, result.failed) == (0, 4)
    assert MessageLog.objects.filter(ok=False).count() == 4
    study.refresh_from_db()
    assert study.rounds_sent == 0
    settings.EMAIL_PORT = smtp_server.port
    result = actions.do_send_round(study)
    assert (result.round, result.sent) == (0, 4)


def test_closed_or_draft_study_sends_nothing(smtp_server, db):
    study = actions.do_create_study("Kladde", "kd2024")
    with pytest.raises(actions.ActionError):
        actions.do_send_round(study)
    assert smtp_server.messages == []


def test_follow_the_emailed_link(client, study, smtp_server, mail_text):
    actions.do_send_round(study, base_url="http://testserver")
    body = mail_text(smtp_server.to("cecilie@example.org")[0])
    link = LINK.search(body)
    assert link
    response = client.get(link.group(0).removeprefix("http://testserver"))
    assert response.status_code == 200 and "Velkommen" in response.content.decode()


def test_send_button_and_test_link(researcher_client, study, smtp_server, mail_text):
    response = researcher_client.post(f"/studier/{study.pk}/udsend/", follow=True)
    assert "Invitation: 4 sendt, 0 fejlede." in response.content.decode()
    assert "Send påmindelse 1" in response.content.decode()
    response = researcher_client.post(
        f"/studier/{study.pk}/testlink/", {"email": "forsker@example.org"}, follow=True
    )
    assert "Testlinket er sendt." in response.content.decode()
    test_mail = smtp_server.to("forsker@example.org")[0]
    assert test_mail["Subject"].strip().startswith("Testlink:")
    link = LINK.search(mail_text(test_mail))
    assert link and link.group(0).startswith("http://testserver/s/")
    assert study.respondents.filter(is_test=True).count() == 1
    html = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "Af de 4 kommunaldirektører" in html  # the test respondent is not counted


def test_study_mail_texts_go_into_invitation_and_reminders(
    researcher_client, study, smtp_server, mail_text
):
    response = researcher_client.post(
        f"/studier/{study.pk}/mailtekster/",
        {
            "mail_note": "Undersøgelsen gennemføres af VIVE & KL. Svarfrist: 1. marts.",
            "mail_signature": "Med venlig hilsen\nForskerholdet",
        },
        follow=True,
    )
    assert "E-mailenes tekster er gemt." in response.content.decode()
    actions.do_send_round(study, base_url="http://testserver")
    actions.do_send_round(study, base_url="http://testserver")
    invitation, reminder = (
        mail_text(m).replace("\r\n", "\n") for m in smtp_server.to("anna@example.org")
    )
    for body in (invitation, reminder):
        assert "Undersøgelsen gennemføres af VIVE & KL. Svarfrist: 1. marts.\n" in body
        assert body.rstrip().endswith("Med venlig hilsen\nForskerholdet")
        assert LINK.search(body)


def test_too_long_mail_note_is_refused_and_nothing_is_saved(researcher_client, study):
    response = researcher_client.post(
        f"/studier/{study.pk}/mailtekster/",
        {"mail_note": "x" * 2001, "mail_signature": "Hilsen"},
        follow=True,
    )
    assert "højst have 2000 tegn (den har 2001)" in response.content.decode()
    study.refresh_from_db()
    assert study.mail_note == "" and study.mail_signature == ""


def test_mail_texts_need_a_researcher_of_the_study(client, other_researcher, study):
    client.force_login(other_researcher)
    response = client.post(f"/studier/{study.pk}/mailtekster/", {"mail_note": "Hej"})
    assert response.status_code == 404
    study.refresh_from_db()
    assert study.mail_note == ""
