"""The yearly confirmation round (issue 23, item 1): each actor and contact point gets an
e-mail through the mail worker, at most once; its link confirms once (signed), another
edits; an SMTP 5xx answer marks the address not reachable. Real SMTP on loopback."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from samspil.cli import main
from samspil.register import confirmation, freshness
from samspil.register.models import (
    ConfirmationDelivery,
    ConfirmationRound,
    ConfirmationSchedule,
    Contact,
    Organization,
)
from samspil.web import worker
from samspil.web.bounces import smtp_code
from tests.register.conftest import make_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_mail(settings):  # type: ignore[no-untyped-def]
    settings.MAIL_PER_MINUTE = 0
    settings.BASE_URL = "http://testserver"


def link(text: str, kind: str) -> str:
    url = re.search(rf"http://testserver(/register/{kind}/\S+)", text)
    assert url, text
    return url.group(1)


def test_a_round_mails_each_actor_and_contact_point_once_and_one_click_confirms(
    client, smtp_server, mail_text, fast_mail, club, contacts, aarhus
):
    club.email = "klub@example.org"
    club.save()
    make_actor(aarhus, "Uden Adresse")  # no address: nobody to ask
    with time_machine.travel(freshness.months_before(timezone.now(), -13), tick=False):
        round_, created = confirmation.schedule_round(aarhus)
        assert created and not confirmation.schedule_round(aarhus)[1]  # once a year
        worker.run_queued_tasks()
        worker.run_queued_tasks()  # a second pass sends nothing again
        round_.refresh_from_db()
        assert round_.status == ConfirmationRound.Status.DONE
        assert sorted(m["To"] for m in smtp_server.messages) == [
            "karen@example.org",
            "klub@example.org",
            "peter@example.org",
        ]
        body = mail_text(smtp_server.to("klub@example.org")[0])
        assert "Boldklubben Øst" in body and "med ét klik" in body
        assert link(body, "aktoer").endswith(f"/register/aktoer/{club.uuid}/ret/")
        confirm = link(body, "stadig-rigtigt")
        assert freshness.is_unconfirmed(Organization.objects.get(pk=club.pk).verified_at)

        page = client.get(confirm)  # opening the link changes nothing (mail filters open links)
        assert page.status_code == 200 and "Ja, oplysningerne er rigtige" in page.content.decode()
        assert freshness.is_unconfirmed(Organization.objects.get(pk=club.pk).verified_at)
        assert "bekræftet" in client.post(confirm).content.decode()
        club.refresh_from_db()
        assert club.verified_at == timezone.now() and club.verified_by == confirmation.BY_LINK
        assert not freshness.is_unconfirmed(club.verified_at)
        assert client.post(confirm).status_code == 404  # one use
        assert client.get(confirm).status_code == 404
        assert client.get(confirm[:-3] + "abc/").status_code == 404  # forged


def test_a_permanent_smtp_failure_marks_the_address_not_reachable(
    smtp_server, fast_mail, contacts, aarhus, capsys
):
    smtp_server.refuse.add("peter@example.org")
    assert main(["register", "confirmations", "--kommune", "Aarhus", "--send"]) == 0
    worker.run_queued_tasks()
    private = Contact.objects.get(email="peter@example.org")
    assert private.unreachable_at is not None
    assert Contact.objects.get(email="karen@example.org").unreachable_at is None
    failed = ConfirmationDelivery.objects.get(contact=private)
    assert failed.status == ConfirmationDelivery.Status.FAILED and "550" in failed.error
    assert "peter@example.org" not in failed.error  # the error keeps no address
    assert main(["register", "confirmations", "--kommune", "Aarhus"]) == 0
    out = capsys.readouterr().out
    assert "1 sent, 1 failed, 0 waiting, 0 confirmed" in out
    # Next year the unreachable address is not written to; a new address is.
    smtp_server.clear()
    confirmation.schedule_round(aarhus, year=timezone.localdate().year + 1)
    worker.run_queued_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["karen@example.org"]


def test_a_claimed_delivery_is_never_sent_twice(smtp_server, fast_mail, contacts, aarhus):
    round_, _ = confirmation.schedule_round(aarhus)
    confirmation.start_round(round_)
    claimed = confirmation.claim_next(round_, "a-worker-that-dies")
    assert claimed is not None
    worker.run_queued_tasks()
    claimed.refresh_from_db()
    assert claimed.status == ConfirmationDelivery.Status.SENDING  # left alone, not resent
    assert len(smtp_server.messages) == 1  # only the other contact point's
    round_.refresh_from_db()
    assert round_.status == ConfirmationRound.Status.SENDING  # not done while one is out
    # The worker that claimed it died: the row becomes "unknown" (never sent again).
    from samspil.web.models import WorkerBeat

    WorkerBeat.objects.create(
        worker_id="a-worker-that-dies",
        host="elsewhere",
        pid=1,
        beat_at=timezone.now() - dt.timedelta(hours=1),
    )
    confirmation.recover()
    claimed.refresh_from_db()
    round_.refresh_from_db()
    assert claimed.status == ConfirmationDelivery.Status.UNKNOWN
    assert round_.status == ConfirmationRound.Status.DONE
    assert len(smtp_server.messages) == 1


def test_the_round_starts_on_the_municipalitys_day(
    fast_mail, smtp_server, contacts, aarhus, capsys
):
    assert main(["register", "confirmations", "--kommune", "751", "--day", "03-01"]) == 0
    assert ConfirmationSchedule.objects.get(municipality=aarhus).month == 3
    assert confirmation.queue_due_rounds(dt.date(2027, 2, 28)) == 0
    assert confirmation.queue_due_rounds(dt.date(2027, 3, 1)) == 1
    assert confirmation.queue_due_rounds(dt.date(2027, 3, 2)) == 0  # once a year
    assert main(["register", "confirmations", "--kommune", "751", "--day", "13-40"]) == 2
    assert "--day 13-40: give the month and day as MM-DD" in capsys.readouterr().err


def test_a_studys_refused_invitation_marks_the_register_address_not_reachable(
    study, smtp_server, send_round, aarhus, fast_mail
):
    from samspil.fieldwork.models import Delivery

    anna = Contact.objects.create(municipality=aarhus, title="Direktør", email="Anna@example.org")
    bo = make_actor(aarhus, "Bos Forening", email="bo@example.org")
    smtp_server.refuse.update({"anna@example.org", "bo@example.org"})
    progress = send_round(study)
    assert progress.failed == 2
    assert confirmation.feed_study_bounces() == 2
    anna.refresh_from_db()
    bo.refresh_from_db()
    assert anna.unreachable_at is not None and bo.unreachable_at is not None
    assert confirmation.feed_study_bounces() == 0  # once
    # Confirmed since the bounce (a corrected or re-checked address): not marked again.
    freshness.confirm(bo, "formand")
    assert confirmation.feed_study_bounces() == 0
    # A failure that is not a refusal (a connection error) marks nothing.
    Delivery.objects.filter(respondent__email="anna@example.org").update(
        error="ConnectionRefusedError: [Errno 111] Connection refused"
    )
    Contact.objects.filter(pk=anna.pk).update(unreachable_at=None)
    assert confirmation.feed_study_bounces() == 0


def test_the_smtp_code_is_read_from_a_study_deliverys_error():
    read = smtp_code
    assert read("SMTPRecipientsRefused: {'a@example.org': (550, b'5.1.1 unknown')}") == 550
    assert read("SMTPDataError: (554, b'5.7.1 rejected')") == 554
    assert read("SMTPServerDisconnected: Connection unexpectedly closed") is None
