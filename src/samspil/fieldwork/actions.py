"""Every write to fieldwork data goes through a ``do_*`` function here.

Views, commands and tests call these; they check what must hold, then write inside a
transaction. They do not know about requests or forms.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from samspil.errors import DomainError
from samspil.fieldwork import mail, rounds
from samspil.fieldwork.models import Delivery, MailRound, MessageLog, Respondent, Study
from samspil.fieldwork.respondents_import import RespondentRow
from samspil.instruments import Instrument, bundled_ids, resolve
from samspil.municipalities.models import Unit

logger = logging.getLogger(__name__)


class ActionError(DomainError):
    """A write that is not allowed in the current state; the message is for the user."""


class RoundTooSoon(ActionError):
    """A round asked for too soon after the round before it (``do_send_round(min_gap=)``)."""

    def __init__(self, previous: MailRound, earliest: datetime) -> None:
        self.previous = previous
        self.earliest = earliest
        super().__init__(
            _("%(round)s was queued for %(when)s; the next round can be sent from %(earliest)s.")
            % {
                "round": capfirst(round_label(previous.number)),
                "when": timezone.localtime(previous.send_after).strftime("%d.%m.%Y %H:%M"),
                "earliest": timezone.localtime(earliest).strftime("%d.%m.%Y %H:%M"),
            }
        )


def default_population_noun(population: str) -> str:
    """'Kommunaldirektører i Danmarks 98 kommuner' -> 'kommunaldirektører';
    'Fag- og forvaltningschefer (niveau 2-chefer) i Danmarks 98 kommuner' ->
    'fag- og forvaltningschefer' (the words before a parenthesis or " i ")."""
    head = re.split(r"\s*\(|\s+i\s+", population.strip(), maxsplit=1)[0].strip()
    return head[:1].lower() + head[1:] if head else "respondenter"


#: The fields a study must have before it opens or sends anything: who is responsible
#: for the data, whom to ask about them, and who signs the e-mails (the notice names them).
CONTROLLER_FIELDS = ("privacy_controller", "privacy_contact", "mail_signature")


def missing_controller_fields(study: Study) -> list[str]:
    """The labels of the controller fields the study has left empty, in form order."""
    labels = {field.name: str(field.verbose_name) for field in Study._meta.fields}
    return [
        labels[name] for name in CONTROLLER_FIELDS if not str(getattr(study, name) or "").strip()
    ]


def require_controller(study: Study, doing: str) -> None:
    """Refuse ``doing`` (e.g. "opening the study") while a controller field is empty."""
    missing = missing_controller_fields(study)
    if missing:
        raise ActionError(
            _("Fill in %(fields)s before %(doing)s.")
            % {"fields": ", ".join(missing), "doing": doing}
        )


def do_create_study(
    name: str,
    instrument_ref: str | Instrument,
    *,
    researchers: Iterable[User] = (),
    population_noun: str = "",
    is_demo: bool = False,
    upload_name: str = "",
    controller: str = "",
    contact: str = "",
    signature: str = "",
) -> Study:
    """A new study in preparation with its own frozen copy of the questionnaire
    (``instrument_ref``: a bundled id, an instrument file, or an ``Instrument``;
    ``upload_name``: the file name of a questionnaire the researcher uploaded;
    ``controller``, ``contact``, ``signature``: see :data:`CONTROLLER_FIELDS`)."""
    instrument = (
        instrument_ref if isinstance(instrument_ref, Instrument) else resolve(instrument_ref)
    )  # InstrumentError names the unknown instrument
    name = name.strip()
    if not name:
        raise ActionError(_("The study needs a name."))
    study = Study(
        name=name[:200],
        instrument_id=instrument.id,
        instrument_upload=upload_name[:200],
        population_noun=population_noun.strip() or default_population_noun(instrument.population),
        is_demo=is_demo,
        privacy_controller=controller.strip()[:200],
        privacy_contact=contact.strip()[:254],
        mail_signature=signature.strip()[:500],
    )
    study.freeze_instrument(instrument)
    with transaction.atomic():
        study.save()
        if researchers:
            study.researchers.add(*researchers)
    return study


def do_import_respondents(study: Study, rows: list[RespondentRow]) -> list[Respondent]:
    """Add validated rows (see respondents_import.read_respondents) in one transaction."""
    if study.status == Study.Status.CLOSED:
        raise ActionError(_("The study is closed."))
    with transaction.atomic():
        units: dict[tuple[int, str], Unit] = {}
        respondents = []
        for row in rows:
            unit = None
            if row.unit:
                key = (row.municipality.pk, row.unit)
                if key not in units:
                    units[key], _created = Unit.objects.get_or_create(
                        municipality=row.municipality, name=row.unit
                    )
                unit = units[key]
            respondents.append(
                Respondent(
                    study=study,
                    name=row.name,
                    email=row.email,
                    municipality=row.municipality,
                    unit=unit,
                    attributes=row.attributes,
                    row_number=row.row,
                )
            )
        return Respondent.objects.bulk_create(respondents)


def do_set_mail_texts(
    study: Study, *, note: str, signature: str, municipal_reports: bool | None = None
) -> Study:
    """The study's own paragraph and signature for the invitation and reminders, and
    whether each municipality gets its own report (the invitation then promises it)."""
    study.mail_note = note.strip()
    study.mail_signature = signature.strip()
    fields = ["mail_note", "mail_signature"]
    if municipal_reports is not None:
        study.municipal_reports = municipal_reports
        fields.append("municipal_reports")
    study.save(update_fields=fields)
    return study


def do_link_previous(study: Study, previous: Study | None) -> Study:
    """Name (or, with None, forget) the previous round whose report figures this study's
    report puts beside its own."""
    if previous is not None and previous.pk == study.pk:
        raise DomainError(_("A study cannot be its own previous round."))
    if previous is not None and study.rake:
        raise DomainError(NOT_WEIGHTED_WITH_PREVIOUS)
    study.previous = previous
    study.save(update_fields=["previous"])
    return study


NOT_WEIGHTED_WITH_PREVIOUS = _(
    "A weighted report cannot compare with a previous round (the comparison of rounds is "
    "not weighted): remove the previous round or the weighting."
)


def do_set_rake(study: Study, rake: str) -> Study:
    """Weight the study's report with raking weights to the margins ``rake`` (e.g.
    "region", as ``samspil report --rake``); "" leaves the report unweighted."""
    if rake and study.previous_id is not None:
        raise DomainError(NOT_WEIGHTED_WITH_PREVIOUS)
    study.rake = rake
    study.save(update_fields=["rake"])
    return study


def do_set_report_definition(study: Study, spec: Any) -> Study:
    """Keep an uploaded report definition (checked against the study's questionnaire) for
    the study's one-click report; ``None`` goes back to the default."""
    study.report_definition = (
        {} if spec is None else {**spec.model_dump(mode="json"), "instrument": study.instrument.id}
    )
    study.save(update_fields=["report_definition"])
    return study


def do_set_front_matter(
    study: Study, *, foreword: str | None = None, summary: str | None = None
) -> Study:
    """Keep the report's foreword and/or summary (Markdown); ``""`` removes one, ``None``
    leaves it as it is."""
    fields: list[str] = []
    if foreword is not None:
        study.foreword, fields = foreword, [*fields, "foreword"]
    if summary is not None:
        study.summary, fields = summary, [*fields, "summary"]
    if fields:
        study.save(update_fields=fields)
    return study


def do_open_study(study: Study) -> Study:
    """Open (or re-open) the study. The instrument is frozen on first opening: a bundled
    questionnaire is copied again then (edits during preparation count); an uploaded one
    keeps the copy made when the study was created."""
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.status == Study.Status.OPEN:
            return study
        if study.anonymised_at is not None:
            raise ActionError(_("The study is anonymised; it cannot be opened again."))
        require_controller(study, _("opening the study"))
        if study.opened_at is None:
            if study.instrument_id in bundled_ids() or not study.instrument_json:
                study.freeze_instrument()
            study.opened_at = timezone.now()
        study.status = Study.Status.OPEN
        study.save()
    return study


def do_close_study(study: Study) -> Study:
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        study.status = Study.Status.CLOSED
        study.closed_at = timezone.now()
        study.save(update_fields=["status", "closed_at"])
    if study.municipal_reports:
        from samspil.fieldwork.municipal_reports import queue_municipal_reports

        queue_municipal_reports(study)
    return study


def do_create_test_respondent(study: Study, email: str, name: str = "") -> Respondent:
    """A respondent for trying the questionnaire; left out of monitoring and exports."""
    return Respondent.objects.create(study=study, email=email, name=name or _("Test"), is_test=True)


def do_mark_opened(respondent: Respondent) -> None:
    if respondent.opened_at is not None:
        return
    now = timezone.now()
    Respondent.objects.filter(pk=respondent.pk, opened_at__isnull=True).update(opened_at=now)
    Respondent.objects.filter(pk=respondent.pk, status=Respondent.Status.NEW).update(
        status=Respondent.Status.OPENED
    )
    respondent.opened_at = now
    if respondent.status == Respondent.Status.NEW:
        respondent.status = Respondent.Status.OPENED


@dataclass(frozen=True)
class PageSave:
    """What one page submit stores: the page's answers and where to resume."""

    answers: Mapping[str, object]
    resume_section: str
    section_index: int
    complete: bool = False


def do_save_page(respondent: Respondent, save: PageSave) -> Respondent:
    """Merge one page's answers into the respondent's document, atomically.

    The row is locked (SELECT ... FOR UPDATE; on SQLite the IMMEDIATE transaction holds the
    write lock), so two tabs saving different pages at once both keep their answers.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Respondent.objects.select_for_update().get(pk=respondent.pk)
        document = dict(locked.answers)
        document.update(save.answers)
        locked.answers = document
        locked.pages_saved += 1
        locked.last_saved_at = now
        locked.current_section = save.resume_section
        locked.furthest_section = max(locked.furthest_section, save.section_index)
        if locked.opened_at is None:
            locked.opened_at = now
        has_answer = any(v is not None and v != "" for v in document.values())
        if locked.started_at is None and (has_answer or save.complete):
            locked.started_at = now
        if save.complete:
            locked.completed_at = locked.completed_at or now
            locked.status = Respondent.Status.COMPLETED
        elif locked.status != Respondent.Status.COMPLETED:
            locked.status = (
                Respondent.Status.PARTIAL if locked.started_at else Respondent.Status.OPENED
            )
        locked.save(
            update_fields=[
                "answers",
                "pages_saved",
                "last_saved_at",
                "current_section",
                "furthest_section",
                "opened_at",
                "started_at",
                "completed_at",
                "status",
            ]
        )
    return locked


def round_label(round_number: int) -> str:
    return rounds.round_label(round_number)


def do_send_round(
    study: Study,
    *,
    base_url: str | None = None,
    send_after: datetime | None = None,
    user: User | None = None,
    expected_round: int | None = None,
    min_gap: timedelta | None = None,
) -> MailRound:
    """Queue the study's next round: the invitation, then reminders 1-3.

    Writes one MailRound row and one queued task, and returns at once; a worker sends the
    messages (see fieldwork.rounds). ``send_after`` schedules the round for a later time.
    The unique constraint (study, round number) refuses a second start of the same round,
    however many clicks arrive at once; with ``expected_round`` (the button's round) a
    second click is refused instead of starting the round after it. With ``min_gap``
    (`samspil study remind`, which names no round) a round less than ``min_gap`` after the
    "send from" of the round before it is refused with :class:`RoundTooSoon`: of two runs
    at once, the second finds the first's round (the study row is locked meanwhile).
    """
    now = timezone.now()
    when = max(send_after or now, now)
    try:
        with transaction.atomic():
            locked = Study.objects.select_for_update().get(pk=study.pk)
            if locked.status != Study.Status.OPEN:
                raise ActionError(_("Open the study before sending e-mails."))
            require_controller(locked, _("sending e-mails"))
            number = locked.rounds_sent
            if expected_round is not None and number != expected_round:
                raise ActionError(_("This round has already been started."))
            if number > mail.LAST_ROUND:
                raise ActionError(_("The invitation and all three reminders have been sent."))
            previous = MailRound.objects.filter(study=locked, number=number - 1).first()
            if previous is not None and when < previous.send_after:
                raise ActionError(
                    _("A round cannot be sent before the round it follows (%(when)s).")
                    % {"when": timezone.localtime(previous.send_after).strftime("%d.%m.%Y %H:%M")}
                )
            if previous is not None and min_gap is not None:
                earliest = previous.send_after + min_gap
                if when < earliest:
                    raise RoundTooSoon(previous, earliest)
            mail_round = MailRound.objects.create(
                study=locked,
                number=number,
                send_after=when,
                base_url=(base_url or "")[:300],
                created_by=user,
            )
            Study.objects.filter(pk=study.pk).update(rounds_sent=number + 1)
            rounds.enqueue_round(mail_round)
    except IntegrityError:
        raise ActionError(_("This round has already been started.")) from None
    study.rounds_sent = number + 1
    logger.info("study %s: round %s queued", study.pk, number)
    return mail_round


def do_retry_failed(mail_round: MailRound) -> int:
    """Queue the round's failed messages again (not those whose result is unknown).

    A failed message was refused or never reached the server, so sending it again cannot
    make a second copy; "unknown" ones (the sender stopped mid-message) are left alone.
    """
    with transaction.atomic():
        count = Delivery.objects.filter(
            mail_round=mail_round, status=Delivery.Status.FAILED
        ).update(status=Delivery.Status.PENDING, error="", updated_at=timezone.now())
        if count:
            MailRound.objects.filter(pk=mail_round.pk).update(
                status=MailRound.Status.SENDING, finished_at=None
            )
            mail_round.refresh_from_db()
            rounds.enqueue_round(mail_round)
    return count


def do_cancel_round(mail_round: MailRound) -> None:
    """Take back a scheduled round that has not started (only the study's latest)."""
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=mail_round.study_id)
        if mail_round.number != study.rounds_sent - 1:
            raise ActionError(_("Only the latest round can be cancelled."))
        deleted, _rows = MailRound.objects.filter(
            pk=mail_round.pk, status=MailRound.Status.SCHEDULED
        ).delete()
        if not deleted:
            raise ActionError(_("The round has already started."))
        Study.objects.filter(pk=study.pk).update(rounds_sent=mail_round.number)


def do_send_test_link(study: Study, email: str, *, base_url: str | None = None) -> Respondent:
    """Create a test respondent and e-mail them the link (works in draft studies too)."""
    if study.status == Study.Status.CLOSED:
        raise ActionError(_("The study is closed."))
    require_controller(study, _("sending e-mails"))
    respondent = do_create_test_respondent(study, email)
    message = mail.build_message(respondent, 0, test=True, base_url=base_url)
    ok, error = _send(message)
    MessageLog.objects.create(
        respondent=respondent,
        kind=MessageLog.Kind.TEST,
        round=0,
        subject=str(message.subject),
        ok=ok,
        error=error,
    )
    if not ok:
        raise ActionError(_("The e-mail could not be sent: %(error)s") % {"error": error})
    return respondent


def _send(message: EmailMessage) -> tuple[bool, str]:
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        return False, f"{type(exc).__name__}: {exc}"[:500]
    return True, ""
