"""Fieldwork data: municipalities and units, studies, respondents and their answers, messages.

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
from django.utils.translation import gettext_lazy as _

from samspil.instruments import Instrument, load, resolve


class Municipality(models.Model):
    """A Danish municipality (kommune); the register of civil actors will hang off it too."""

    code = models.PositiveSmallIntegerField(_("municipality code"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


def ensure_municipalities() -> None:
    """Load the 98 municipalities if they are missing (the data migration loads them; a
    flushed test database or a hand-emptied table does not have them)."""
    from samspil.fieldwork.municipalities import MUNICIPALITIES

    if Municipality.objects.count() >= len(MUNICIPALITIES):
        return
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        [Municipality(code=c, name=n) for c, n in MUNICIPALITIES if c not in existing],
        ignore_conflicts=True,
    )


class Unit(models.Model):
    """A unit of a municipality: a forvaltning, centre or area."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name")
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.municipality.name}: {self.name}"


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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    rounds_sent = models.PositiveSmallIntegerField(
        default=0, help_text=_("0: nothing sent; 1: invitation; 2-4: invitation and reminders.")
    )
    is_demo = models.BooleanField(default=False)
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="studies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")

    def __str__(self) -> str:
        return self.name

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
