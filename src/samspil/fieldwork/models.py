"""Fieldwork data: studies, respondents and their answers, messages.

Answers are stored as one JSON document per respondent (``Respondent.answers``), merged
page by page inside a transaction that locks the respondent's row. A page save is then a
single-row UPDATE: savers never contend with each other (each respondent has their own
row), a page's answers appear together or not at all, and the number of rows written does
not grow with the number of items on the page. The frozen instrument copy on the study
says which variables the document may hold; the export turns it into one column per
variable. See docs/fieldwork.md.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samspil.instruments import Instrument, load, resolve
from samspil.municipalities.models import Municipality, Unit


def new_privacy_key() -> str:
    """The random part of a study's public privacy-notice address."""
    return secrets.token_urlsafe(12)


# The report's weighting: raking to the country's 98 municipalities (samspil.reports.
# population). Size bands need populations the bundled facts do not have yet.
RAKE_CHOICES = [
    ("", _("Not weighted")),
    ("region", _("Weighted to the municipalities' distribution over the regions (raking)")),
]


class Study(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    instrument_id = models.CharField(_("instrument"), max_length=100)
    # Frozen copy of the instrument, taken when the study is created and again when it
    # opens; never changed while the study is open, so answers and questions stay matched.
    instrument_json = models.JSONField(default=dict)
    instrument_version = models.PositiveIntegerField(default=1)
    instrument_sha256 = models.CharField(max_length=64, default="")
    # File name of a questionnaire the researcher uploaded (XLSForm or YAML); empty for a
    # bundled one. An uploaded questionnaire lives only in ``instrument_json``.
    instrument_upload = models.CharField(
        _("uploaded questionnaire"), max_length=200, blank=True, default=""
    )
    population_noun = models.CharField(
        _("population (plural noun)"),
        max_length=100,
        default="respondenter",
        help_text=_("Used in the summary sentence, e.g. 'kommunaldirektører'."),
    )
    mail_note = models.TextField(
        _("extra paragraph in the e-mails"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Shown in the invitation and the reminders after the opening lines, e.g. who is "
            "behind the survey and the deadline. Plain text."
        ),
    )
    mail_signature = models.TextField(
        _("signature of the e-mails"),
        blank=True,
        max_length=500,
        help_text=_("Ends the invitation and the reminders, e.g. the researchers' names."),
    )
    municipal_reports = models.BooleanField(
        _("each municipality gets its own report"),
        default=False,
        help_text=_(
            "The invitation promises it; after the study closes, each respondent's personal "
            "link leads to their own municipality's report."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    rounds_sent = models.PositiveSmallIntegerField(
        default=0, help_text=_("0: nothing sent; 1: invitation; 2-4: invitation and reminders.")
    )
    is_demo = models.BooleanField(default=False)
    # Privacy (samspil.privacy, docs/privacy.md): the notice's facts, the researcher's own
    # text (blank: the default text filled from the facts), when contact data goes.
    privacy_controller = models.CharField(
        _("data controller"),
        max_length=200,
        blank=True,
        help_text=_("The institution responsible for the data, e.g. a university."),
    )
    privacy_contact = models.CharField(
        _("contact for questions about the data"),
        max_length=254,
        blank=True,
        help_text=_("E-mail address or telephone of the researcher or data protection officer."),
    )
    privacy_purpose = models.TextField(_("purpose"), blank=True, max_length=2000)
    privacy_legal_basis = models.TextField(_("legal basis"), blank=True, max_length=2000)
    privacy_text = models.TextField(
        _("privacy notice"),
        blank=True,
        max_length=20000,
        help_text=_("Leave empty to use the default text filled from the fields above."),
    )
    privacy_key = models.CharField(max_length=32, unique=True, default=new_privacy_key)
    retention_date = models.DateField(
        _("contact data kept until"),
        null=True,
        blank=True,
        help_text=_("Empty: a set number of days after the study closes."),
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    withdrawn_count = models.PositiveIntegerField(
        default=0, help_text=_("Respondents erased on request, with their answers.")
    )
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="studies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A report definition the researcher uploaded (ReportSpec as JSON); empty: the bundled
    # one of a bundled questionnaire, else the default report of the study's questionnaire.
    report_definition = models.JSONField(default=dict, blank=True)
    # The margins the study's report is raked to (samspil.reports.population, as
    # `samspil report --rake`), comma-separated; empty: the report is not weighted.
    rake = models.CharField(
        _("weighting of the report"), max_length=40, blank=True, choices=RAKE_CHOICES
    )
    # The researcher's foreword and summary of main findings (Markdown, read as a safe
    # subset: samspil.reports.frontmatter), placed before the report's first chapter.
    foreword = models.TextField(blank=True, default="")
    summary = models.TextField(blank=True, default="")
    # The previous round of the same survey: its report puts that round beside this one
    # (items matched by variable name; samspil.reports.waves).
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_rounds",
        verbose_name=_("previous round"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The study's page (how other apps' templates link to it: ``study.get_absolute_url``)."""
        return reverse("study_detail", args=[self.pk])

    @property
    def instrument(self) -> Instrument:
        """The frozen instrument, parsed once per process (by content hash)."""
        cached = _INSTRUMENTS.get(self.instrument_sha256) if self.instrument_sha256 else None
        if cached is not None:
            return cached
        if not self.instrument_json:
            return load(self.instrument_id)
        cached = Instrument.model_validate(self.instrument_json)
        if len(_INSTRUMENTS) > 32:
            _INSTRUMENTS.clear()
        _INSTRUMENTS[self.instrument_sha256] = cached
        return cached

    def freeze_instrument(self, instrument: Instrument | None = None) -> None:
        """Copy the instrument into the study (see ``instrument_snapshot``): the given one,
        else the study's own uploaded copy, else the bundled one by id."""
        if instrument is None:
            uploaded = self.instrument_upload and self.instrument_json
            instrument = self.instrument if uploaded else resolve(self.instrument_id)
        data = instrument_snapshot(instrument)
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        self.instrument_json = data
        self.instrument_version = instrument.version
        self.instrument_sha256 = hashlib.sha256(text.encode()).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


# Parsed frozen instruments by content hash: parsing costs milliseconds, a page view should not.
_INSTRUMENTS: dict[str, Instrument] = {}


def new_token() -> str:
    """A personal link token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_public_id() -> str:
    """A random study-local respondent id for exports without identifiers."""
    return "R" + secrets.token_hex(6).upper()


class Respondent(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Not opened")
        OPENED = "opened", _("Opened")
        PARTIAL = "partial", _("Partial")
        COMPLETED = "completed", _("Completed")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="respondents")
    # The token is kept (not only a hash) because reminders and `samspil study links`
    # must print the same personal link again; the database is as sensitive as the answers
    # it holds anyway. See docs/fieldwork.md, "Security".
    token = models.CharField(max_length=64, unique=True, default=new_token)
    public_id = models.CharField(max_length=20, default=new_public_id)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="respondents"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="respondents"
    )
    attributes = models.JSONField(default=dict, blank=True)
    is_test = models.BooleanField(default=False)
    row_number = models.PositiveIntegerField(default=0, help_text=_("Row in the imported file."))

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    answers = models.JSONField(default=dict, blank=True)
    current_section = models.CharField(max_length=100, blank=True)
    furthest_section = models.PositiveSmallIntegerField(default=0)
    pages_saved = models.PositiveIntegerField(default=0)
    invited_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "row_number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "public_id"], name="respondent_public_id"),
        ]
        indexes = [models.Index(fields=["study", "status"], name="respondent_study_status")]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")

    def __str__(self) -> str:
        return f"{self.public_id} ({self.study_id})"

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class MessageLog(models.Model):
    """One e-mail sent (or attempted) to one respondent."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")
        TEST = "test", _("Test link")

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(help_text=_("0: invitation; 1-3: reminder round."))
    subject = models.CharField(max_length=300)
    ok = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["respondent", "round"], name="messagelog_round")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.kind} {self.round} to {self.respondent_id}"


def instrument_snapshot(instrument: Instrument) -> dict[str, Any]:
    """The instrument as JSON that validates back to the same instrument.

    Shared scales are already resolved into each question's options, so the ``scale``
    names are dropped (the loader would otherwise resolve them a second time).
    """
    data = instrument.model_dump(mode="json", by_alias=True)
    data["scales"] = {}
    for section in data["sections"]:
        for question in section["questions"]:
            question.pop("scale", None)
    return data


class MailRound(models.Model):
    """One round of e-mail to a study's respondents: the invitation (0) or reminder 1-3.

    Created by the researcher's click (or ``samspil study remind``), sent by the worker.
    One row per study and round number (a unique constraint: two clicks cannot start the
    same round twice). See docs/fieldwork.md, "E-mail rounds".
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="mail_rounds")
    number = models.PositiveSmallIntegerField(help_text=_("0: invitation; 1-3: reminder."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    send_after = models.DateTimeField(_("send from"))
    base_url = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="mailround_once_per_study")
        ]
        verbose_name = _("e-mail round")
        verbose_name_plural = _("e-mail rounds")

    def __str__(self) -> str:
        return f"round {self.number} of study {self.study_id}"


class Delivery(models.Model):
    """One respondent's message in one round, created before it is sent.

    The unique constraint (round, respondent) makes a second row impossible; a row moves
    pending -> sending (claimed by one worker with a conditional UPDATE) -> sent or failed.
    A row left in "sending" by a worker that died is marked "unknown", never sent again
    automatically: at most one message per respondent and round.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Interrupted (may have been sent)")

    mail_round = models.ForeignKey(MailRound, on_delete=models.CASCADE, related_name="deliveries")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    worker_id = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mail_round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mail_round", "respondent"], name="delivery_once_per_round"
            )
        ]
        indexes = [models.Index(fields=["mail_round", "status"], name="delivery_round_status")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.status} to {self.respondent_id} in {self.mail_round_id}"


class MunicipalReportDownload(models.Model):
    """How often a municipality's own report was downloaded through its respondents'
    personal links (one row per study and municipality; researchers' downloads are not
    counted). A figure the next round's response rate can be set against."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="report_downloads")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["study", "municipality"], name="report_download_once_per_municipality"
            )
        ]
        verbose_name = _("download of a municipality's report")
        verbose_name_plural = _("downloads of municipalities' reports")

    def __str__(self) -> str:
        return f"{self.count} of {self.municipality_id} in {self.study_id}"
