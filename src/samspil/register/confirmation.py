"""The yearly confirmation round: each actor and contact point of a municipality is asked
by e-mail whether its record is still right. One link confirms it (signed, usable once),
one link edits it.

The round rides on the platform's worker (:mod:`samspil.web.worker`), as fieldwork's
mail rounds do (:mod:`samspil.fieldwork.rounds`): the same
task queue and worker, pacing (``MAIL_PER_MINUTE``), worker ids, heartbeats and stop
signal. Sending is at most once per record and round as for the study rounds: one
:class:`ConfirmationDelivery` per record (a unique constraint), claimed by a conditional
UPDATE (pending -> sending) before its message goes out, never pending again; a worker
that dies leaves its claimed rows "unknown" (:func:`recover`, a housekeeping job).

A permanent delivery failure (an SMTP 5xx answer) marks the address not reachable
(``unreachable_at`` on the actor or contact). Rounds start on the day a municipality has
set (:class:`ConfirmationSchedule`, :func:`queue_due_rounds`) or by
``samspil register confirmations --kommune K --send``. Nothing here logs an address.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import time

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from samspil.municipalities.models import Municipality
from samspil.register import freshness
from samspil.register.models import (
    ConfirmationDelivery,
    ConfirmationRound,
    ConfirmationSchedule,
    Contact,
    Organization,
)
from samspil.web.bounces import permanent_bounces
from samspil.web.worker import SLICE_SECONDS, STOP, Pacer, beat, dead_workers, worker_id

logger = logging.getLogger(__name__)

SALT = "samspil.register.freshness-confirm"
LINK_DAYS = 90  # a confirmation link works this long
BY_LINK = "bekræftelseslink (e-mail)"  # verified_by of a record confirmed by the link
Status = ConfirmationDelivery.Status


# -- rounds ---------------------------------------------------------------------------------


def schedule_round(
    municipality: Municipality, *, base_url: str = "", year: int | None = None
) -> tuple[ConfirmationRound, bool]:
    """The municipality's round of ``year`` (this year), queued now; (round, created). A
    second call in a year returns the first round (one round a year)."""
    year = year or timezone.localdate().year
    mail_round, created = ConfirmationRound.objects.get_or_create(
        municipality=municipality, year=year, defaults={"base_url": base_url}
    )
    if created:  # the queue is a table: the task commits with the round
        send_confirmation_round_task.enqueue(mail_round.pk)
    return mail_round, created


def queue_due_rounds(today: dt.date | None = None) -> int:
    """Housekeeping: start this year's round of every municipality whose day has come."""
    today = today or timezone.localdate()
    started = 0
    for schedule in ConfirmationSchedule.objects.select_related("municipality"):
        try:
            due = dt.date(today.year, schedule.month, schedule.day)
        except ValueError:  # 29 February in another year
            due = dt.date(today.year, schedule.month, 28)
        if today >= due and schedule_round(schedule.municipality, year=today.year)[1]:
            started += 1
    return started


def recipients(municipality_id: int) -> tuple[list[int], list[int]]:
    """Ids of the actors and contact points of the municipality to ask: with an e-mail
    address not known to be unreachable (an actor by its own address, else a contact
    person's)."""
    actors = Organization.objects.filter(
        municipality_id=municipality_id, confirmed=True, unreachable_at__isnull=True
    ).filter(
        ~Q(email="")
        | Q(
            pk__in=Contact.objects.exclude(email="")
            .filter(unreachable_at__isnull=True)
            .values("organization_id")
        )
    )
    contacts = Contact.objects.filter(
        municipality_id=municipality_id, unreachable_at__isnull=True
    ).exclude(email="")
    return (
        list(actors.order_by("pk").values_list("pk", flat=True)),
        list(contacts.order_by("pk").values_list("pk", flat=True)),
    )


def start_round(mail_round: ConfirmationRound) -> bool:
    """Scheduled -> sending with one pending delivery per recipient; exactly one caller
    wins the conditional update."""
    with transaction.atomic():
        won = ConfirmationRound.objects.filter(
            pk=mail_round.pk, status=ConfirmationRound.Status.SCHEDULED
        ).update(status=ConfirmationRound.Status.SENDING, started_at=timezone.now())
        if not won:
            return False
        actors, contacts = recipients(mail_round.municipality_id)
        ConfirmationDelivery.objects.bulk_create(
            [ConfirmationDelivery(mail_round_id=mail_round.pk, organization_id=pk) for pk in actors]
            + [ConfirmationDelivery(mail_round_id=mail_round.pk, contact_id=pk) for pk in contacts],
            batch_size=500,
            ignore_conflicts=True,
        )
    return True


def claim_next(mail_round: ConfirmationRound, worker: str) -> ConfirmationDelivery | None:
    """The next pending delivery, claimed for ``worker`` (of two claimers one wins)."""
    while True:
        candidate = (
            mail_round.deliveries.filter(status=Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        if ConfirmationDelivery.objects.filter(pk=candidate, status=Status.PENDING).update(
            status=Status.SENDING, worker_id=worker, claimed_at=timezone.now()
        ):
            return ConfirmationDelivery.objects.select_related(
                "organization", "contact", "mail_round__municipality"
            ).get(pk=candidate)


@task()
def send_confirmation_round_task(round_id: int) -> str:
    """The queued job: send (part of) one confirmation round."""
    return run_round(round_id, slice_seconds=SLICE_SECONDS)


def run_round(round_id: int, *, slice_seconds: float | None = None) -> str:
    """Send the round's pending deliveries from this process; returns the round's status.
    With ``slice_seconds`` it gives the queue back after that long (queued again)."""
    mail_round = ConfirmationRound.objects.filter(pk=round_id).first()
    if mail_round is None:
        return "gone"
    if mail_round.status == ConfirmationRound.Status.SCHEDULED:
        start_round(mail_round)
        mail_round.refresh_from_db()
    if mail_round.status == ConfirmationRound.Status.DONE:
        return str(mail_round.status)
    me = worker_id()
    beat(me)
    pacer = Pacer(settings.MAIL_PER_MINUTE)
    started = time.monotonic()
    connection: BaseEmailBackend | None = None
    requeue = False
    sent = failed = 0
    try:
        while not STOP.is_set():
            if slice_seconds is not None and time.monotonic() - started > slice_seconds:
                requeue = True
                break
            pacer.wait()
            delivery = claim_next(mail_round, me)
            if delivery is None:
                break
            address, holder = recipient(delivery)
            if connection is None:
                connection = get_connection()
            ok, error, permanent = deliver(build_message(delivery, address), connection)
            _finish(delivery, holder, ok, error, permanent)
            if ok:
                sent += 1
            else:
                failed += 1
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()
    if requeue or STOP.is_set():
        send_confirmation_round_task.enqueue(mail_round.pk)
    logger.info("confirmation round %s: this pass %s sent, %s failed", round_id, sent, failed)
    complete_if_finished(mail_round)
    mail_round.refresh_from_db()
    return str(mail_round.status)


def complete_if_finished(mail_round: ConfirmationRound) -> bool:
    if mail_round.deliveries.filter(status__in=[Status.PENDING, Status.SENDING]).exists():
        return False
    ConfirmationRound.objects.filter(
        pk=mail_round.pk, status=ConfirmationRound.Status.SENDING
    ).update(status=ConfirmationRound.Status.DONE, finished_at=timezone.now())
    return True


def recover() -> int:
    """Housekeeping: deliveries claimed by a worker that died become "unknown" (they may
    have been sent: never again automatically); rounds left with pending deliveries and no
    queued task are queued again. Returns the rounds queued."""
    from django_tasks_db.models import DBTaskResult

    dead = dead_workers()
    if dead:
        ConfirmationDelivery.objects.filter(status=Status.SENDING, worker_id__in=dead).update(
            status=Status.UNKNOWN,
            error="interrupted: the sender stopped while sending; the message may have arrived",
        )
    task_path = (
        f"{send_confirmation_round_task.func.__module__}."
        f"{send_confirmation_round_task.func.__qualname__}"
    )
    waiting = {
        int((r.args_kwargs.get("args") or [0])[0])
        for r in DBTaskResult.objects.filter(task_path=task_path).exclude(
            status__in=["SUCCESSFUL", "FAILED"]
        )
    }
    queued = 0
    for mail_round in ConfirmationRound.objects.exclude(status=ConfirmationRound.Status.DONE):
        if mail_round.pk in waiting or complete_if_finished(mail_round):
            continue
        if mail_round.status == ConfirmationRound.Status.SCHEDULED or (
            mail_round.deliveries.filter(status=Status.PENDING).exists()
        ):
            send_confirmation_round_task.enqueue(mail_round.pk)
            queued += 1
    return queued


# -- one message ----------------------------------------------------------------------------


def recipient(delivery: ConfirmationDelivery) -> tuple[str, Organization | Contact]:
    """The address to write to and the record it belongs to (an actor without an address
    of its own: its first contact person with one)."""
    if delivery.contact is not None:
        return delivery.contact.email, delivery.contact
    actor = delivery.organization
    assert actor is not None
    if actor.email:
        return actor.email, actor
    person = (
        actor.contacts.exclude(email="")  # type: ignore[attr-defined]
        .filter(unreachable_at__isnull=True)
        .order_by("pk")
        .first()
    )
    return (person.email, person) if person is not None else ("", actor)


def token(delivery: ConfirmationDelivery) -> str:
    return signing.dumps({"d": delivery.pk}, salt=SALT, compress=True)


def links(delivery: ConfirmationDelivery, base_url: str | None = None) -> dict[str, str]:
    base = (base_url or delivery.mail_round.base_url or settings.BASE_URL or "").rstrip("/")
    base = base or "http://127.0.0.1:8000"
    record = delivery.record
    edit = (
        reverse("register_actor_edit", args=[record.uuid])
        if isinstance(record, Organization)
        else reverse("register_contact_edit", args=[record.uuid])
    )
    return {
        "confirm": base + reverse("register_still_right", args=[token(delivery)]),
        "edit": base + edit,
    }


def build_message(delivery: ConfirmationDelivery, address: str) -> EmailMessage:
    record = delivery.record
    context = {
        "record": record,
        "is_actor": isinstance(record, Organization),
        "municipality": delivery.mail_round.municipality,
        **links(delivery),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("register/mail/confirm_subject.txt", context)
        body = render_to_string("register/mail/confirm_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split())[:300],
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )


def permanent(exc: Exception) -> bool:
    """Is the failure permanent (an SMTP 5xx answer: no such mailbox, refused)?"""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def deliver(message: EmailMessage, connection: BaseEmailBackend) -> tuple[bool, str, bool]:
    """Send one message: (sent, error, permanent failure)."""
    if not message.to or not message.to[0]:
        return False, "no e-mail address", False
    message.connection = connection
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        # The server's answer names the address: kept without it (erasure leaves none).
        error = re.sub(
            re.escape(message.to[0]), "[address]", f"{type(exc).__name__}: {exc}", flags=re.I
        )
        return False, error[:500], permanent(exc)
    return True, "", False


def _finish(
    delivery: ConfirmationDelivery,
    holder: Organization | Contact,
    ok: bool,
    error: str,
    permanent_failure: bool,
) -> None:
    with transaction.atomic():
        ConfirmationDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.SENT if ok else Status.FAILED, error=error
        )
        if permanent_failure:
            type(holder).objects.filter(pk=holder.pk).update(unreachable_at=timezone.now())


# -- the link -------------------------------------------------------------------------------


def delivery_for_token(value: str) -> ConfirmationDelivery:
    """The delivery of a valid, unused confirmation link, else LookupError."""
    try:
        data = signing.loads(value, salt=SALT, max_age=dt.timedelta(days=LINK_DAYS))
        delivery = ConfirmationDelivery.objects.select_related("organization", "contact").get(
            pk=int(data["d"])
        )
    except (
        signing.BadSignature,
        ConfirmationDelivery.DoesNotExist,
        KeyError,
        TypeError,
        ValueError,
    ):
        raise LookupError("not a valid confirmation link") from None
    if delivery.used_at is not None:
        raise LookupError("the confirmation link has been used")
    return delivery


def confirm_by_link(value: str) -> Organization | Contact:
    """The click on "still right": the record is confirmed; the link is void afterwards
    (a conditional update: of two clicks one confirms)."""
    delivery = delivery_for_token(value)
    with transaction.atomic():
        won = ConfirmationDelivery.objects.filter(pk=delivery.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not won:
            raise LookupError("the confirmation link has been used")
        record = delivery.record
        freshness.confirm(record, BY_LINK)
    return record


def round_counts(mail_round: ConfirmationRound) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in mail_round.deliveries.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    counts["confirmed"] = mail_round.deliveries.filter(used_at__isnull=False).count()
    return counts


# -- a study's bounced invitations ------------------------------------------------------------

BOUNCE_DAYS = 30  # the study deliveries looked at, by their last change


def feed_study_bounces(now: dt.datetime | None = None) -> int:
    """Housekeeping: a study invitation or reminder refused for good (SMTP 5xx) marks the
    register's actors and contact points with that address not reachable, unless they were
    confirmed after the failure. Returns the records marked. The failures come through the
    platform (:mod:`samspil.web.bounces`; fieldwork registers its deliveries there)."""
    now = now or timezone.now()
    latest = permanent_bounces(now - dt.timedelta(days=BOUNCE_DAYS))
    marked = 0
    for address, at in latest.items():
        for model in (Organization, Contact):
            marked += model.objects.filter(
                email__iexact=address, unreachable_at__isnull=True, verified_at__lt=at
            ).update(unreachable_at=at)
    return marked
