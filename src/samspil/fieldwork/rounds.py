"""E-mail rounds, sent in the background: at most once per respondent and round.

A click on "Send" (``actions.do_send_round``) only writes a ``MailRound`` row and a task in
the database queue (django-tasks-db); a worker (``samspil worker``, or the one
``samspil serve`` starts on SQLite) runs ``send_round_task``:

1. When the round starts, one ``Delivery`` row is created per recipient (respondents who
   have not completed). The unique constraint (round, respondent) makes a second row
   impossible, whoever runs the round and however often.
2. Each row is claimed with a conditional UPDATE (pending -> sending, with the worker's
   id) before its message goes out, then marked sent or failed. Two workers on one round
   never send the same row; a row never returns to pending by itself.
3. A worker that dies (kill -9, power cut) leaves at most the rows it had claimed in
   "sending". ``recover`` (run by every live worker every few seconds) sees that the
   worker is gone (its heartbeat is stale, or its process no longer exists on this host),
   marks those rows "unknown" (listed as failures: they may or may not have arrived) and
   queues the round again, which then sends only the rows still pending.

Messages are paced to ``settings.MAIL_PER_MINUTE`` per sending loop. Nothing here logs an
e-mail address: logs name studies, rounds and counts only.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from samspil.fieldwork import mail
from samspil.fieldwork.models import Delivery, MailRound, MessageLog, Respondent, Study
from samspil.web.models import WorkerBeat
from samspil.web.worker import (
    BEAT_SECONDS,
    SLICE_SECONDS,
    STALE_SECONDS,
    STOP,
    Pacer,
    beat,
    dead_workers,
    worker_id,
)

logger = logging.getLogger(__name__)

# `samspil study remind` queues a round no sooner than this after the "send from" of the
# round before it (unless --force): two runs at once, or a cron job and a person, send one
# round, not reminders 1 and 2 within a minute (docs/fieldwork.md, "E-mail rounds").
REMIND_GAP = timedelta(hours=1)


# -- the task -----------------------------------------------------------------------------


@task()
def send_round_task(round_id: int) -> str:
    """The queued job: send (part of) one round. Returns the round's state for the queue."""
    try:
        progress = run_round(round_id, slice_seconds=SLICE_SECONDS)
    except Exception:
        logger.exception("round %s: sending stopped with an error; it will be resumed", round_id)
        raise
    return progress.status if progress else "gone"


def enqueue_round(mail_round: MailRound) -> None:
    """Queue the round's task, to run at ``send_after`` (immediately when that has passed)."""
    job = send_round_task
    if mail_round.send_after > timezone.now():
        job = job.using(run_after=mail_round.send_after)
    job.enqueue(mail_round.pk)


# -- sending ------------------------------------------------------------------------------


def start_round(mail_round: MailRound) -> bool:
    """Scheduled -> sending: create one pending Delivery per recipient. Exactly one caller
    wins the conditional update; the others see the round already started."""
    now = timezone.now()
    with transaction.atomic():
        won = MailRound.objects.filter(pk=mail_round.pk, status=MailRound.Status.SCHEDULED).update(
            status=MailRound.Status.SENDING, started_at=now
        )
        if not won:
            return False
        recipients = (
            Respondent.objects.filter(study_id=mail_round.study_id, is_test=False)
            .exclude(status=Respondent.Status.COMPLETED)
            .order_by("row_number", "pk")
            .values_list("pk", flat=True)
        )
        Delivery.objects.bulk_create(
            [Delivery(mail_round_id=mail_round.pk, respondent_id=pk) for pk in recipients],
            batch_size=500,
            ignore_conflicts=True,  # the unique constraint decides; a repeat adds nothing
        )
    mail_round.status = MailRound.Status.SENDING
    mail_round.started_at = now
    logger.info("study %s: round %s started", mail_round.study_id, mail_round.number)
    return True


def claim_next(mail_round: MailRound, worker: str) -> Delivery | None:
    """Take the next pending delivery of the round for this worker, or None when none is
    left. The conditional UPDATE is atomic on SQLite and PostgreSQL alike: of two workers
    trying the same row, exactly one gets it."""
    while True:
        candidate = (
            Delivery.objects.filter(mail_round=mail_round, status=Delivery.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        claimed = Delivery.objects.filter(pk=candidate, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING,
            worker_id=worker,
            claimed_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if claimed:
            return Delivery.objects.select_related("respondent__study", "mail_round").get(
                pk=candidate
            )


def _finish(delivery: Delivery, subject: str, ok: bool, error: str) -> None:
    now = timezone.now()
    respondent = delivery.respondent
    mail_round = delivery.mail_round
    kind = MessageLog.Kind.INVITATION if mail_round.number == 0 else MessageLog.Kind.REMINDER
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT if ok else Delivery.Status.FAILED,
            attempts=delivery.attempts + 1,
            error=error,
            updated_at=now,
        )
        MessageLog.objects.create(
            respondent=respondent,
            kind=kind,
            round=mail_round.number,
            subject=subject,
            ok=ok,
            error=error,
        )
        if ok and mail_round.number == 0 and respondent.invited_at is None:
            Respondent.objects.filter(pk=respondent.pk, invited_at__isnull=True).update(
                invited_at=now
            )


def _send(message: object, connection: BaseEmailBackend) -> tuple[bool, str]:
    message.connection = connection  # type: ignore[attr-defined]
    try:
        message.send(fail_silently=False)  # type: ignore[attr-defined]
    except (smtplib.SMTPException, OSError) as exc:
        return False, f"{type(exc).__name__}: {exc}"[:500]
    return True, ""


def run_round(round_id: int, *, slice_seconds: float | None = None) -> RoundProgress | None:
    """Send the round's pending deliveries from this process; return its progress.

    With ``slice_seconds``, stop after that long and queue the round again. Safe to run in
    several processes at once: each delivery is claimed by exactly one of them.
    """
    mail_round = MailRound.objects.select_related("study").filter(pk=round_id).first()
    if mail_round is None:  # cancelled before it started
        return None
    if mail_round.status == MailRound.Status.SCHEDULED:
        if _previous_busy(mail_round):  # a reminder waits for the round before it
            send_round_task.using(run_after=timezone.now() + timedelta(seconds=30)).enqueue(
                mail_round.pk
            )
            return round_progress(mail_round)
        start_round(mail_round)
        mail_round.refresh_from_db()
    if mail_round.status == MailRound.Status.DONE:
        return round_progress(mail_round)
    study = mail_round.study
    me = worker_id()
    beat(me)
    if study.status != Study.Status.OPEN:
        _fail_pending(mail_round, _("The study is not open."))
    pacer = Pacer(settings.MAIL_PER_MINUTE)
    started = last_beat = time.monotonic()
    sent = failed = 0
    connection: BaseEmailBackend | None = None
    requeue = False
    try:
        while not STOP.is_set():
            if slice_seconds is not None and time.monotonic() - started > slice_seconds:
                requeue = True
                break
            pacer.wait()
            if STOP.is_set():
                break
            delivery = claim_next(mail_round, me)
            if delivery is None:
                break
            message = mail.build_message(
                delivery.respondent, mail_round.number, base_url=mail_round.base_url or None
            )
            if connection is None:
                connection = get_connection()
            ok, error = _send(message, connection)
            _finish(delivery, str(message.subject), ok, error)
            if ok:
                sent += 1
            else:
                failed += 1
                connection.close()
                connection = None  # reconnect for the next message
            if time.monotonic() - last_beat > BEAT_SECONDS:
                beat(me)
                last_beat = time.monotonic()
    finally:
        if connection is not None:
            connection.close()
    if requeue or STOP.is_set():
        enqueue_round(mail_round)
    logger.info(
        "study %s: round %s, this pass %s sent, %s failed",
        study.pk,
        mail_round.number,
        sent,
        failed,
    )
    complete_if_finished(mail_round)
    return round_progress(mail_round)


def _previous_busy(mail_round: MailRound) -> bool:
    return (
        MailRound.objects.filter(study_id=mail_round.study_id, number__lt=mail_round.number)
        .exclude(status=MailRound.Status.DONE)
        .exists()
    )


def _fail_pending(mail_round: MailRound, error: str) -> None:
    Delivery.objects.filter(mail_round=mail_round, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.FAILED, error=error[:500], updated_at=timezone.now()
    )


def complete_if_finished(mail_round: MailRound) -> bool:
    """Sending -> done once no delivery is pending or being sent."""
    busy = Delivery.objects.filter(
        mail_round=mail_round, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    ).exists()
    if busy:
        return False
    done = MailRound.objects.filter(pk=mail_round.pk, status=MailRound.Status.SENDING).update(
        status=MailRound.Status.DONE, finished_at=timezone.now()
    )
    if done:
        logger.info("study %s: round %s done", mail_round.study_id, mail_round.number)
    return True


# -- recovery after a crash -----------------------------------------------------------------


def recover(now: datetime | None = None) -> int:
    """Clean up after workers that died: their claimed deliveries become "unknown" (never
    sent again automatically), their rounds are queued again. Returns the rounds queued."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    dead = dead_workers(now)
    known = set(WorkerBeat.objects.values_list("worker_id", flat=True))
    stale_before = now - timedelta(seconds=STALE_SECONDS)
    orphaned = Delivery.objects.filter(status=Delivery.Status.SENDING).filter(
        Q(worker_id__in=dead)
        | (
            ~Q(worker_id__in=known) & Q(claimed_at__lt=stale_before)  # a sender that never beat
        )
    )
    unknown = orphaned.update(
        status=Delivery.Status.UNKNOWN,
        error="interrupted: the sender stopped while sending; the message may have arrived",
        updated_at=now,
    )
    if unknown:
        logger.warning("%s deliveries interrupted by a stopped worker marked unknown", unknown)
    # Tasks the dead workers were running will never finish: mark them failed.
    task_path = f"{send_round_task.func.__module__}.{send_round_task.func.__qualname__}"
    queued_rounds: set[int] = set()
    for result in DBTaskResult.objects.filter(task_path=task_path).exclude(
        status__in=["SUCCESSFUL", "FAILED"]
    ):
        round_id = int((result.args_kwargs.get("args") or [0])[0])
        runner = result.worker_ids[-1] if result.worker_ids else ""
        vanished = runner not in known and (result.started_at or now) < stale_before
        if result.status == "RUNNING" and (runner in dead or vanished):
            DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="FAILED", finished_at=now, exception_class_path="samspil.WorkerDied"
            )
            continue
        queued_rounds.add(round_id)
    requeued = 0
    for mail_round in MailRound.objects.filter(status=MailRound.Status.SENDING):
        if complete_if_finished(mail_round):
            continue
        if mail_round.pk not in queued_rounds:
            pending = mail_round.deliveries.filter(status=Delivery.Status.PENDING).exists()
            if pending:
                enqueue_round(mail_round)
                requeued += 1
    for mail_round in MailRound.objects.filter(
        status=MailRound.Status.SCHEDULED, send_after__lte=now
    ).exclude(pk__in=queued_rounds):
        enqueue_round(mail_round)
        requeued += 1
    WorkerBeat.objects.filter(worker_id__in=dead).exclude(
        worker_id__in=Delivery.objects.filter(status=Delivery.Status.SENDING).values("worker_id")
    ).delete()
    if requeued:
        logger.info("%s interrupted rounds queued again", requeued)
    return requeued


# -- progress -------------------------------------------------------------------------------


@dataclass
class Failure:
    respondent: Respondent
    status: str
    error: str


@dataclass
class RoundProgress:
    mail_round: MailRound
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.mail_round.number

    @property
    def status(self) -> str:
        return self.mail_round.status

    @property
    def label(self) -> str:
        return round_label(self.mail_round.number)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, *statuses: str) -> int:
        return sum(self.counts.get(status, 0) for status in statuses)

    @property
    def sent(self) -> int:
        return self.count(Delivery.Status.SENT)

    @property
    def failed(self) -> int:
        """Refused or unreachable, and interrupted ("unknown")."""
        return self.count(Delivery.Status.FAILED, Delivery.Status.UNKNOWN)

    @property
    def retryable(self) -> int:
        return self.count(Delivery.Status.FAILED)

    @property
    def pending(self) -> int:
        return self.count(Delivery.Status.PENDING, Delivery.Status.SENDING)

    @property
    def active(self) -> bool:
        return self.mail_round.status != MailRound.Status.DONE


def round_label(round_number: int) -> str:
    if round_number == 0:
        return _("invitation")
    return _("reminder %(n)s") % {"n": round_number}


def round_progress(mail_round: MailRound) -> RoundProgress:
    mail_round.refresh_from_db()
    return study_progress(mail_round.study, only=mail_round)[0]


def study_progress(study: Study, *, only: MailRound | None = None) -> list[RoundProgress]:
    """Every round of the study with its counts (sent/failed/pending) and failures."""
    rounds = list(study.mail_rounds.order_by("number")) if only is None else [only]
    counts: dict[int, dict[str, int]] = {r.pk: {} for r in rounds}
    for row in (
        Delivery.objects.filter(mail_round__in=rounds)
        .values("mail_round_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts[row["mail_round_id"]][row["status"]] = row["n"]
    failures: dict[int, list[Failure]] = {r.pk: [] for r in rounds}
    for delivery in (
        Delivery.objects.filter(
            mail_round__in=rounds,
            status__in=[Delivery.Status.FAILED, Delivery.Status.UNKNOWN],
        )
        .select_related("respondent")
        .order_by("respondent__row_number", "pk")[:1000]
    ):
        failures[delivery.mail_round_id].append(
            Failure(delivery.respondent, delivery.get_status_display(), delivery.error)
        )
    return [RoundProgress(r, counts[r.pk], failures[r.pk]) for r in rounds]


def failed_deliveries(since: datetime) -> Iterator[tuple[str, datetime, str]]:
    """The invitations and reminders refused by the mail server since ``since``, as
    (address, failed at, error) (``samspil.web.bounces``: the register marks the address)."""
    failed = Delivery.objects.filter(
        status=Delivery.Status.FAILED, updated_at__gte=since, error__startswith="SMTP"
    ).values_list("respondent__email", "updated_at", "error")
    yield from failed.iterator(chunk_size=2000)
