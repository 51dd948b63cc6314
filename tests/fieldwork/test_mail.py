"""Invitations, reminders and test links through a real SMTP server on loopback."""

from __future__ import annotations

import re
import subprocess
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from samspil.fieldwork import actions, rounds
from samspil.fieldwork.models import Delivery, MailRound, MessageLog, Respondent
from samspil.web import worker
from samspil.web.models import WorkerBeat

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s]+/s/[A-Za-z0-9_-]{43}/")


def test_rounds_go_only_to_non_completed_and_are_logged(study, smtp_server, mail_text, send_round):
    a, b, c, _d = study.respondents.order_by("row_number")
    result = send_round(study, base_url="http://survey.test")
    assert (result.number, result.sent, result.failed, result.pending) == (0, 4, 0, 0)
    assert result.status == MailRound.Status.DONE
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
    result = send_round(study, base_url="http://survey.test")
    assert (result.number, result.sent) == (1, 3)
    assert smtp_server.to("anna@example.org") == []
    partial = mail_text(smtp_server.to("bo@example.org")[0])
    assert "Tak fordi du er gået i gang" in partial
    assert smtp_server.to("bo@example.org")[0]["Subject"].strip().startswith("Påmindelse:")
    assert MessageLog.objects.filter(respondent=c).count() == 2

    send_round(study)
    send_round(study)
    with pytest.raises(actions.ActionError):
        actions.do_send_round(study)
    study.refresh_from_db()
    assert study.rounds_sent == 4
    assert MessageLog.objects.filter(respondent=a).count() == 1


def test_the_click_only_queues_the_round_and_the_worker_sends_it(
    researcher_client, study, smtp_server
):
    response = researcher_client.post(f"/studier/{study.pk}/udsend/", follow=True)
    html = response.content.decode()
    assert "Invitation sendes i baggrunden." in html
    assert smtp_server.messages == []  # nothing sent inside the request
    assert 'data-active="1"' in html and "Send påmindelse 1" in html
    worker.run_queued_tasks()
    assert len(smtp_server.messages) == 4
    fragment = researcher_client.get(f"/studier/{study.pk}/udsendelser/").content.decode()
    assert '<td class="sent">4</td><td class="failed">0</td><td class="pending">0</td>' in fragment
    assert 'data-active="0"' in fragment and "Færdig" in fragment


def test_the_database_refuses_a_second_message_row_for_a_respondent_and_round(study):
    mail_round = actions.do_send_round(study)
    respondent = study.respondents.first()
    Delivery.objects.create(mail_round=mail_round, respondent=respondent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(mail_round=mail_round, respondent=respondent)
    with pytest.raises(IntegrityError), transaction.atomic():
        MailRound.objects.create(study=study, number=0, send_after=timezone.now())


def test_a_round_is_sent_once_however_often_it_is_run(study, smtp_server):
    mail_round = actions.do_send_round(study)
    rounds.run_round(mail_round.pk)
    rounds.run_round(mail_round.pk)  # a second worker, or the recovery, running it again
    rounds.start_round(mail_round)  # and a second start: the rows exist already
    rounds.run_round(mail_round.pk)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "anna@example.org", "bo@example.org", "cecilie@example.org", "dan@example.org",
    ]  # fmt: skip
    assert Delivery.objects.filter(mail_round=mail_round).count() == 4


def test_failures_are_listed_per_respondent_and_only_they_are_sent_again(
    researcher_client, study, smtp_server, send_round
):
    smtp_server.refuse.add("bo@example.org")
    result = send_round(study)
    assert (result.sent, result.failed, result.status) == (3, 1, MailRound.Status.DONE)
    assert [f.respondent.email for f in result.failures] == ["bo@example.org"]
    assert "550" in result.failures[0].error
    html = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "Ikke sendt: invitation" in html and "bo@example.org" in html
    assert "Send igen til den 1 fejlede" in html
    study.refresh_from_db()
    assert study.rounds_sent == 1  # the next round can follow; failures stay with their round

    smtp_server.refuse.clear()
    smtp_server.clear()
    response = researcher_client.post(f"/studier/{study.pk}/udsendelser/0/igen/", follow=True)
    assert "1 fejlede e-mails sendes igen." in response.content.decode()
    worker.run_queued_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["bo@example.org"]
    progress = rounds.round_progress(MailRound.objects.get(study=study, number=0))
    assert (progress.sent, progress.failed, progress.status) == (4, 0, MailRound.Status.DONE)
    assert MessageLog.objects.filter(ok=False).count() == 1  # the failed attempt stays logged


def test_unreachable_server_fails_every_message_and_logs_it(
    study, smtp_server, settings, send_round
):
    settings.EMAIL_PORT = 1  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    result = send_round(study)
    assert (result.sent, result.failed) == (0, 4)
    assert MessageLog.objects.filter(ok=False).count() == 4


def test_closed_or_draft_study_sends_nothing(smtp_server, db):
    study = actions.do_create_study("Kladde", "kd2024")
    with pytest.raises(actions.ActionError):
        actions.do_send_round(study)
    assert smtp_server.messages == []
    assert not MailRound.objects.exists()


def test_a_reminder_scheduled_for_a_date_waits_for_it(
    researcher_client, study, smtp_server, send_round
):
    send_round(study)
    smtp_server.clear()
    later = timezone.localtime() + timedelta(days=3)
    response = researcher_client.post(
        f"/studier/{study.pk}/udsend/", {"send_at": later.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert "Påmindelse 1 sendes fra" in response.content.decode()
    assert "Planlagt" in response.content.decode()
    worker.run_queued_tasks()
    assert smtp_server.messages == []
    with time_machine.travel(later + timedelta(minutes=1)):
        worker.run_queued_tasks()
    assert len(smtp_server.messages) == 4
    assert smtp_server.messages[0]["Subject"].strip().startswith("Påmindelse:")


def test_a_scheduled_round_can_be_cancelled_before_it_starts(researcher_client, study, smtp_server):
    later = timezone.now() + timedelta(days=1)
    actions.do_send_round(study, send_after=later)
    response = researcher_client.post(f"/studier/{study.pk}/udsendelser/0/annuller/", follow=True)
    assert "Den planlagte udsendelse er annulleret." in response.content.decode()
    study.refresh_from_db()
    assert study.rounds_sent == 0 and not MailRound.objects.exists()
    with time_machine.travel(later + timedelta(minutes=1)):
        worker.run_queued_tasks()
    assert smtp_server.messages == []


def test_messages_are_paced_to_the_per_minute_setting(study, smtp_server, settings, send_round):
    settings.MAIL_PER_MINUTE = 120  # one every half second
    started = time.monotonic()
    result = send_round(study)
    assert result.sent == 4
    assert time.monotonic() - started >= 1.5  # three gaps of 0.5 s between four messages


def test_a_dead_workers_claimed_message_is_marked_unknown_and_not_sent_again(
    study, smtp_server, send_round
):
    mail_round = actions.do_send_round(study)
    rounds.start_round(mail_round)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that no longer exists
    WorkerBeat.objects.create(
        worker_id="dead-worker", host=worker.HOST, pid=dead.pid, beat_at=timezone.now()
    )
    claimed = rounds.claim_next(mail_round, "dead-worker")
    assert claimed is not None
    rounds.recover()
    claimed.refresh_from_db()
    assert claimed.status == Delivery.Status.UNKNOWN
    worker.run_queued_tasks()
    assert claimed.respondent.email not in [m["To"] for m in smtp_server.messages]
    progress = rounds.round_progress(mail_round)
    assert (progress.sent, progress.failed, progress.retryable) == (3, 1, 0)
    assert progress.status == MailRound.Status.DONE
    assert progress.failures[0].status == "Afbrudt (kan være sendt)"


def test_follow_the_emailed_link(client, study, smtp_server, mail_text, send_round):
    send_round(study, base_url="http://testserver")
    body = mail_text(smtp_server.to("cecilie@example.org")[0])
    link = LINK.search(body)
    assert link
    response = client.get(link.group(0).removeprefix("http://testserver"))
    assert response.status_code == 200 and "Velkommen" in response.content.decode()


def test_send_button_and_test_link(researcher_client, study, smtp_server, mail_text):
    response = researcher_client.post(f"/studier/{study.pk}/udsend/", follow=True)
    assert "Invitation sendes i baggrunden." in response.content.decode()
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


def test_housekeeping_jobs_run_and_one_failing_does_not_stop_the_others():
    calls: list[str] = []

    def first() -> None:
        calls.append("first")
        raise RuntimeError("boom")

    def second() -> None:
        calls.append("second")

    worker.housekeeping(first)
    worker.housekeeping(second)
    worker.housekeeping(second)  # registered once
    try:
        assert worker.run_housekeeping() == 1
    finally:
        worker.HOUSEKEEPING.remove(first)
        worker.HOUSEKEEPING.remove(second)
    assert calls == ["first", "second"]


def test_study_mail_texts_go_into_invitation_and_reminders(
    researcher_client, study, smtp_server, mail_text, send_round
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
    send_round(study, base_url="http://testserver")
    send_round(study, base_url="http://testserver")
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
    assert study.mail_note == "" and study.mail_signature == "Forskerne"  # as before


def test_mail_texts_need_a_researcher_of_the_study(client, other_researcher, study):
    client.force_login(other_researcher)
    response = client.post(f"/studier/{study.pk}/mailtekster/", {"mail_note": "Hej"})
    assert response.status_code == 404
    study.refresh_from_db()
    assert study.mail_note == ""
