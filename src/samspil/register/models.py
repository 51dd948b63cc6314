"""Register data, hung off the municipalities and units of samspil.municipalities.

The shapes follow the open standards, so the open-data exports are mappings
(docs/register.md):

* Open Referral HSDS 3.0: :class:`Organization` (a civil actor), :class:`Service`,
  :class:`Location` (with its address) and :class:`Contact` (an actor's contact person, or a
  municipality's contact point for a topic). Every HSDS object has a UUID (``uuid``); the
  integer primary key is internal (the SQLite full-text index keys on it).
* Popolo: a :class:`Collaboration` is an organisation whose partners are
  :class:`Membership` rows with a role; a member is either a civil actor or a municipality.
* IATI results: a :class:`ValueReport` per collaboration and period holds
  :class:`Indicator` rows (goal, indicator, baseline, target, result), the measures of
  Tabel 5.6, and each party's :class:`Assessment`.

Classifications (actor types, areas, forms ...) are codes from ``taxonomy.yaml``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.municipalities.models import Municipality, Unit
from samspil.register import fields
from samspil.register.cvr import CvrError, clean_cvr
from samspil.register.taxonomy import taxonomy


def municipality_or_organization(name: str) -> models.CheckConstraint:
    """Exactly one of ``municipality`` and ``organization`` is set (Popolo: a member is a
    municipality or an organisation)."""
    return models.CheckConstraint(
        condition=(Q(municipality__isnull=False) & Q(organization__isnull=True))
        | (Q(municipality__isnull=True) & Q(organization__isnull=False)),
        name=name,
    )


def validate_cvr(value: str) -> None:
    if not value:
        return
    try:
        clean_cvr(value)
    except CvrError as exc:
        raise ValidationError(str(exc)) from None


class Verified(models.Model):
    """When the record was last confirmed as right (``verified_at``), how (``verified_by``:
    "redigering" when saved by someone with the right to edit it, whose account is
    ``verified_user``, or the confirmation e-mail's link). A record is confirmed
    when it is created (the database default serves the importer), when someone with the
    right to edit it saves it, and when the confirmation e-mail's link is used
    (docs/register.md, "Freshness")."""

    verified_at = models.DateTimeField(
        _("confirmed on"), null=True, default=timezone.now, db_default=Now(), editable=False
    )
    verified_by = models.CharField(
        _("confirmed by"), max_length=200, blank=True, default="", db_default="", editable=False
    )
    # The user who confirmed by saving (none for the e-mail's link or before 0006): a key,
    # not a copy of their name or address, so a deleted account leaves nothing behind.
    verified_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class Reachable(models.Model):
    """An e-mail address the mail server refused for good (SMTP 5xx): set by the
    confirmation round, cleared when the address changes or the record is confirmed."""

    unreachable_at = models.DateTimeField(
        _("e-mail not reachable since"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True


def _labels(kind: str, codes: list[str]) -> list[str]:
    return [taxonomy().label(kind, code) for code in codes]


class Organization(Verified, Reachable):
    """A civil actor (HSDS organization)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    actor_type = models.CharField(
        _("type of actor"), max_length=30, choices=taxonomy().choices("actor_types")
    )
    tax_id = models.CharField(
        _("CVR number"), max_length=8, blank=True, validators=[validate_cvr], db_index=True
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="actors",
        verbose_name=_("municipality"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    areas = models.JSONField(_("areas of work"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    # The searched fields' words (samspil.register.fields): one text to search.
    search_text = models.TextField(default="", editable=False)
    # False for a self-registered actor until its representative opens the e-mailed link:
    # until then it is on no public page (search, municipality, its own page). The database
    # default serves the importer, which writes rows without Django.
    confirmed = models.BooleanField(default=True, db_default=True, editable=False)
    # The company's status in the CVR register as last read by ``samspil register cvr``
    # (e.g. "NORMAL", "OPHØRT"); ``ceased`` when the company has ceased.
    cvr_status = models.CharField(
        _("status in CVR"), max_length=60, blank=True, default="", db_default="", editable=False
    )
    ceased = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["municipality", "name"], name="register_org_muni_name"),
            # The public search's order: the first matches by name without sorting them all.
            models.Index(fields=["name", "id"], name="register_org_name"),
        ]
        verbose_name = _("civil actor")
        verbose_name_plural = _("civil actors")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.make_search_text()
        super().save(*args, **kwargs)

    @property
    def actor_type_label(self) -> str:
        return taxonomy().label("actor_types", self.actor_type)

    @property
    def area_labels(self) -> list[str]:
        return _labels("areas", self.areas)

    def make_search_text(self) -> str:
        """The text the public search finds the actor by: each field's words, as the
        field table says (samspil.register.fields), with its first address."""
        location = self.locations.first() if self.pk else None
        values = {f.name: f.value_of(self, location) for f in fields.ACTOR_FIELDS}
        return fields.search_text(values)


class Service(Verified):
    """What an actor offers (HSDS service)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    areas = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A physical place with its address (HSDS location + address)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    address_1 = models.CharField(_("address"), max_length=200)
    postal_code = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(max_length=2, default="DK")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postal_code} {self.city}"


class Contact(Verified, Reachable):
    """A contact (HSDS contact): an actor's contact person, or a municipality's contact
    point for a topic (then ``municipality`` is set and ``unit`` usually too).

    ``name``, ``email`` and ``phone`` are personal data when ``personal`` is on (they name
    a person rather than a function mailbox); they are public only with the person's
    consent (``consent_at``). :func:`samspil.register.actions.remove_personal_data`
    erases them on request.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_points",
        verbose_name=_("municipality"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_points",
        verbose_name=_("unit"),
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    areas = models.JSONField(_("areas"), default=list, blank=True)
    title = models.CharField(_("function"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    personal = models.BooleanField(
        _("names a person"),
        default=True,
        help_text=_("Name, e-mail and phone belong to a person (not a shared mailbox)."),
    )
    consent_at = models.DateField(_("consent to publication given on"), null=True, blank=True)
    search_text = models.TextField(default="", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(municipality__isnull=False),
                name="register_contact_has_owner",
            )
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.title or self.topic or str(self.uuid)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.make_search_text()
        super().save(*args, **kwargs)

    @property
    def is_public_person(self) -> bool:
        """May the name, e-mail and phone be shown to anyone?"""
        return self.public_person(self.personal, self.consent_at)

    @staticmethod
    def public_person(personal: bool, consent_at: object) -> bool:
        """:attr:`is_public_person` from the two fields (for pages that read values): not a
        named person, or one who consented."""
        return not personal or consent_at is not None

    @property
    def area_labels(self) -> list[str]:
        return _labels("areas", self.areas)

    def make_search_text(self) -> str:
        parts = [self.topic, self.title, *self.area_labels]
        if self.unit_id:
            parts.append(self.unit.name)  # type: ignore[union-attr]
        if self.municipality_id:
            parts.append(self.municipality.name)  # type: ignore[union-attr]
        if self.is_public_person:
            parts.append(self.name)
        return " ".join(p for p in parts if p)


class Party(models.Model):
    """A user's standing in the register: staff of a municipality, or representative of a
    civil actor. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="register_parties"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="staff"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="representatives",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [municipality_or_organization("register_party_one_side")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.municipality or self.organization}"


class Collaboration(models.Model):
    """A collaboration (Popolo organization, classification ``collaboration``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    form = models.CharField(_("form"), max_length=30, choices=taxonomy().choices("forms"))
    initiative = models.CharField(
        _("initiative"), max_length=30, choices=taxonomy().choices("initiatives")
    )
    organisation = models.CharField(
        _("organisation"), max_length=30, choices=taxonomy().choices("organisation")
    )
    character = models.CharField(
        _("character"), max_length=30, choices=taxonomy().choices("character")
    )
    fixed_meetings = models.BooleanField(_("fixed meetings"), default=False)
    coordinator = models.BooleanField(_("a coordinator"), default=False)
    payment = models.CharField(
        _("payment"), max_length=20, choices=taxonomy().choices("payment"), default="ingen"
    )
    areas = models.JSONField(_("areas"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title", "pk"]
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")

    def __str__(self) -> str:
        return self.title

    @property
    def area_labels(self) -> list[str]:
        return _labels("areas", self.areas)


class Membership(models.Model):
    """A party to a collaboration with its role (Popolo membership). The member is a civil
    actor or a municipality (optionally one of its units)."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=taxonomy().choices("roles"))
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [municipality_or_organization("register_membership_one_member")]

    def __str__(self) -> str:
        return f"{self.member} ({self.role})"

    @property
    def member(self) -> Organization | Municipality:
        return self.organization or self.municipality  # type: ignore[return-value]

    @property
    def is_municipal(self) -> bool:
        return self.municipality_id is not None


class ValueReport(models.Model):
    """What a collaboration achieved in a period (IATI result period), with the measures of
    Tabel 5.6. Joint once a municipal and an actor party have both approved this version,
    two different people (a person acting for both sides approves one)."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="reports"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    participants = models.PositiveIntegerField(
        _("citizens and volunteers taking part"), null=True, blank=True
    )
    volunteer_hours = models.PositiveIntegerField(_("volunteer hours"), null=True, blank=True)
    municipal_costs = models.DecimalField(
        _("municipal costs (DKK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    user_satisfaction = models.DecimalField(
        _("users' satisfaction (0-100)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    actor_satisfaction = models.DecimalField(
        _("the civil actors' satisfaction (0-100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    goals_met = models.BooleanField(_("goals met"), null=True, blank=True)
    # Tabel 5.6's options 2, 4 and 8 are described rather than counted.
    new_methods = models.TextField(
        _("new methods to measure value creation and effect"),
        blank=True,
        help_text=_("The method you are developing or have developed, if any."),
    )
    local_outcome = models.TextField(
        _("the total outcome in the local area across civil society and the municipality"),
        blank=True,
    )
    other_measure = models.TextField(
        _("other documentation of value"),
        blank=True,
        help_text=_("For example dialogue-based evaluation, feedback or collaboration meetings."),
    )
    version = models.PositiveIntegerField(default=1)
    municipal_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    municipal_approved_at = models.DateTimeField(null=True, blank=True)
    actor_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["collaboration", "-period_start", "pk"]
        constraints = [
            # Joint means two people: nobody approves both sides (NULLs pass a CHECK).
            models.CheckConstraint(
                condition=~Q(municipal_approved_by=models.F("actor_approved_by")),
                name="register_report_two_approvers",
            )
        ]
        verbose_name = _("value report")
        verbose_name_plural = _("value reports")

    def __str__(self) -> str:
        return f"{self.collaboration} {self.period_start}-{self.period_end}"

    @property
    def is_joint(self) -> bool:
        return self.municipal_approved_at is not None and self.actor_approved_at is not None

    def measures_documented(self) -> list[str]:
        """Codes of the Tabel 5.6 measures this report documents."""
        found = []
        for term in taxonomy().measures:
            if term.code == "goals_met":
                documented = self.goals_met is not None or any(
                    i.actual is not None for i in self.indicators.all()
                )
            else:
                value = getattr(self, term.field)  # a number, or a text (2, 4, 8)
                documented = value is not None and str(value).strip() != ""
            if documented:
                found.append(term.code)
        return found


class Indicator(models.Model):
    """A goal with its indicator, baseline, target and result (IATI result/indicator)."""

    class Measure(models.IntegerChoices):  # IATI IndicatorMeasure codes
        UNIT = 1, _("number")
        PERCENTAGE = 2, _("percentage")
        QUALITATIVE = 5, _("qualitative")

    report = models.ForeignKey(ValueReport, on_delete=models.CASCADE, related_name="indicators")
    goal = models.CharField(_("goal"), max_length=300)
    title = models.CharField(_("indicator"), max_length=300)
    measure = models.PositiveSmallIntegerField(choices=Measure.choices, default=Measure.UNIT)
    ascending = models.BooleanField(default=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("result"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Assessment(models.Model):
    """One party's own assessment of the collaboration in a report's period (the statements
    of the 2016 association survey). Only that party's people may write it."""

    report = models.ForeignKey(ValueReport, on_delete=models.CASCADE, related_name="assessments")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "membership"], name="register_one_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.membership_id}"


class History(models.Model):
    """What happened to a value report: each edit, approval and reopening, with a snapshot."""

    report = models.ForeignKey(ValueReport, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.event}"


class ConfirmationSchedule(models.Model):
    """The day of the year a municipality's actors and contact points are asked to confirm
    their records (``samspil register confirmations --kommune K --day MM-DD``)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="confirmation_schedule"
    )
    month = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.municipality}: {self.day:02d}-{self.month:02d}"


class ConfirmationRound(models.Model):
    """One yearly confirmation round of a municipality: an e-mail to each of its actors and
    contact points, sent by the worker at most once (:mod:`samspil.register.confirmation`)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        DONE = "done", _("done")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="confirmation_rounds"
    )
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    base_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="register_one_confirmation_round_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class ConfirmationDelivery(models.Model):
    """One confirmation e-mail: to an actor or a contact point. Claimed before it is sent
    (pending -> sending), then sent or failed; never pending again (at most once). Its link
    confirms once (``used_at``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNKNOWN = "unknown", _("interrupted")

    mail_round = models.ForeignKey(
        ConfirmationRound, on_delete=models.CASCADE, related_name="deliveries"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    worker_id = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(contact__isnull=True))
                | (Q(organization__isnull=True) & Q(contact__isnull=False)),
                name="register_confirmation_one_record",
            ),
            models.UniqueConstraint(
                fields=["mail_round", "organization"], name="register_confirmation_once_actor"
            ),
            models.UniqueConstraint(
                fields=["mail_round", "contact"], name="register_confirmation_once_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mail_round_id}/{self.pk} {self.status}"

    @property
    def record(self) -> Organization | Contact:
        return self.organization or self.contact  # type: ignore[return-value]


class Change(models.Model):
    """One saved change to a civil actor, a contact or a collaboration: who, when, and each
    changed field with its old and new value as text (value reports keep their own
    :class:`History`). Shown to the record's own people and researchers, never publicly.
    A contact's name, e-mail and phone are recorded as changed without their values, so
    that removing a person's data removes it from the history too."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    fields = models.JSONField(default=list)  # [{"field": name, "old": text, "new": text}]

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {', '.join(f['field'] for f in self.fields)}"
