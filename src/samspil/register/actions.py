"""Every write to the register goes through one of these small functions.

Each checks the user's right (samspil.register.access) and raises PermissionDenied when
it is missing, so a view or command cannot forget the check. Value reports keep their
history: every edit, approval and reopening adds a :class:`History` row with a snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from samspil.municipalities.models import Municipality, Unit
from samspil.register import access, freshness
from samspil.register.access import require
from samspil.register.fields import EDITED
from samspil.register.models import (
    Assessment,
    Change,
    Collaboration,
    Contact,
    History,
    Indicator,
    Membership,
    Organization,
    Party,
    Service,
    ValueReport,
)
from samspil.register.taxonomy import taxonomy

# The actor's fields on its edit page and in its history: the field table's (fields.py).
ACTOR_FIELDS = EDITED
CONTACT_FIELDS = ("unit", "topic", "areas", "title", "name", "email", "phone", "personal")
COLLABORATION_FIELDS = (
    "title",
    "description",
    "form",
    "initiative",
    "organisation",
    "character",
    "fixed_meetings",
    "coordinator",
    "payment",
    "areas",
    "target_groups",
    "start_date",
    "end_date",
    "goals",
)
REPORT_FIELDS = (
    "period_start",
    "period_end",
    "participants",
    "volunteer_hours",
    "municipal_costs",
    "user_satisfaction",
    "actor_satisfaction",
    "goals_met",
    "new_methods",
    "local_outcome",
    "other_measure",
)
INDICATOR_FIELDS = ("goal", "title", "measure", "baseline", "baseline_year", "target", "actual")
INVITE_SALT = "samspil.register.invite"
CONFIRM_SALT = "samspil.register.confirm"
TOKEN_DAYS = 14


def _assign(obj: Any, fields: Iterable[str], values: Mapping[str, Any]) -> None:
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])


# -- actors and contacts ------------------------------------------------------------------


def update_actor(user: Any, actor: Organization, values: Mapping[str, Any]) -> Organization:
    require(access.can_edit_actor(user, actor))
    old_email = actor.email
    before = _values(actor, ACTOR_FIELDS)
    _assign(actor, ACTOR_FIELDS, values)
    actor.full_clean()
    _stamp(actor, user, old_email)
    actor.save()
    _record_change(user, before, actor, ACTOR_FIELDS, organization=actor)
    Service.objects.filter(organization=actor).update(
        verified_at=actor.verified_at,
        verified_by=actor.verified_by,
        verified_user=actor.verified_user,
    )
    return actor


PERSONAL_FIELDS = ("name", "email", "phone")  # a contact's: recorded as changed, no values


def _values(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields as the history shows them: text (choices by their Danish label, lists
    joined, yes/no, a unit by its name), in the interface's language (Danish)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return _texts(obj, fields)


RAW = "raw:"  # _values' keys of the stored values (beside the shown texts)


def _raw(value: Any) -> Any:
    """A field's value as JSON: a unit by its key, a date as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _texts(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        shown[f"{RAW}{name}"] = _raw(value)
        display = getattr(obj, f"get_{name}_display", None)
        if display is not None and value not in (None, ""):
            value = display()
        if isinstance(value, bool):
            text = str(_("Yes") if value else _("No"))
        elif isinstance(value, list):
            text = ", ".join(
                taxonomy().label("areas", v) if name == "areas" else str(v) for v in value
            )
        elif value is None:
            text = ""
        else:
            text = str(value)
        shown[name] = text
    return shown


def _record_change(
    user: Any, before: Mapping[str, Any], obj: Any, fields: Iterable[str], **owner: Any
) -> None:
    """A :class:`Change` row with the fields that differ (none: no row)."""
    after = _values(obj, fields)
    personal = isinstance(obj, Contact)
    changed = []
    for name in fields:
        if before[name] == after[name]:
            continue
        if personal and name in PERSONAL_FIELDS:
            changed.append({"field": name, "old": "", "new": "", "personal": True})
        else:
            changed.append(
                {
                    "field": name,
                    "old": before[name],
                    "new": after[name],
                    "raw": before[f"{RAW}{name}"],  # the stored value before, to restore
                }
            )
    if changed:
        Change.objects.create(
            user=user if getattr(user, "pk", None) else None, fields=changed, **owner
        )


def restore(user: Any, change: Change) -> Any:
    """Put the record back as it was before ``change``: every field changed by it or later
    gets its value from before (a new change in the history; a contact's name, e-mail and
    phone are not kept and stay as they are). The record's own people only."""
    record: Any = change.organization or change.contact or change.collaboration
    owner: dict[str, Any] = {
        "organization_id": change.organization_id,
        "contact_id": change.contact_id,
        "collaboration_id": change.collaboration_id,
    }
    later = Change.objects.filter(**owner, pk__gte=change.pk).order_by("-pk")
    values: dict[str, Any] = {}
    for each in later:
        for item in each.fields:
            if "raw" in item:
                values[item["field"]] = item["raw"]
    model = type(record)
    for name, value in list(values.items()):
        field = model._meta.get_field(name)
        if name == "unit":
            values[name] = Unit.objects.filter(pk=value).first() if value else None
        elif isinstance(field, models.DateField) and value:
            values[name] = dt.date.fromisoformat(value)
    if isinstance(record, Organization):
        return update_actor(user, record, values)
    if isinstance(record, Contact):
        return save_contact(user, record, values)
    return update_collaboration(user, record, values)  # type: ignore[arg-type]


def _stamp(record: Organization | Contact, user: Any, old_email: str) -> None:
    """Saved by someone with the right to edit it: the record is confirmed (freshness), and
    a changed e-mail address is reachable until the mail server says otherwise."""
    record.verified_at = timezone.now()
    record.verified_by = freshness.EDITED
    record.verified_user = user if getattr(user, "pk", None) else None
    if record.email != old_email:
        record.unreachable_at = None


def save_contact(user: Any, contact: Contact, values: Mapping[str, Any]) -> Contact:
    """Create or change a contact point (municipality) or contact person (actor)."""
    require(access.can_edit_contact(user, contact))
    unit = values.get("unit", contact.unit)
    if unit is not None:
        require(
            contact.municipality_id is not None and unit.municipality_id == contact.municipality_id
        )
    old_email = contact.email
    new = contact.pk is None
    before = _values(contact, CONTACT_FIELDS)
    _assign(contact, CONTACT_FIELDS, values)
    contact.full_clean()
    _stamp(contact, user, old_email)
    contact.save()
    if not new:
        _record_change(user, before, contact, CONTACT_FIELDS, contact=contact)
    return contact


def save_unit(user: Any, municipality: Municipality, name: str) -> Unit:
    require(access.can_edit_municipality(user, municipality))
    unit, _ = Unit.objects.get_or_create(municipality=municipality, name=name.strip())
    return unit


def record_consent(user: Any, contact: Contact, day: dt.date) -> Contact:
    """The person agreed to the publication of their name, e-mail and phone on ``day``."""
    require(access.can_edit_contact(user, contact))
    contact.consent_at = day
    contact.save()
    return contact


def remove_personal_data(user: Any, contact: Contact) -> Contact:
    """On the person's request: erase name, e-mail and phone and the consent. The function
    (``title``) and topic stay, so the contact point still says whom to ask."""
    require(access.can_edit_contact(user, contact))
    contact.name = contact.email = contact.phone = ""
    contact.consent_at = None
    contact.save()
    from samspil.web.scrub import after_erasure

    after_erasure(search_index=True)  # the search index and the database files too
    from samspil.web.audit import record_event

    record_event(user, "erase", target=f"register contact {contact.pk}")
    return contact


# -- collaborations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Partner:
    """A party to add to a collaboration: a civil actor or a municipality (and unit)."""

    role: str
    organization: Organization | None = None
    municipality: Municipality | None = None
    unit: Unit | None = None


@transaction.atomic
def create_collaboration(
    user: Any, values: Mapping[str, Any], partners: Iterable[Partner]
) -> Collaboration:
    """A new collaboration; the user must act for at least one of its partners."""
    partners = list(partners)
    acting = [
        p
        for p in partners
        if (p.municipality and access.can_edit_municipality(user, p.municipality))
        or (p.organization and access.can_edit_actor(user, p.organization))
    ]
    require(bool(acting))
    collaboration = Collaboration()
    _assign(collaboration, COLLABORATION_FIELDS, values)
    collaboration.full_clean()
    collaboration.save()
    for partner in partners:
        add_partner_unchecked(collaboration, partner)
    return collaboration


def add_partner_unchecked(collaboration: Collaboration, partner: Partner) -> Membership:
    if partner.role not in {t.code for t in taxonomy().roles}:
        raise ValueError(f"unknown role {partner.role!r}")
    return Membership.objects.create(
        collaboration=collaboration,
        organization=partner.organization,
        municipality=partner.municipality,
        unit=partner.unit,
        role=partner.role,
    )


def add_partner(user: Any, collaboration: Collaboration, partner: Partner) -> Membership:
    require(access.can_edit_collaboration(user, collaboration))
    return add_partner_unchecked(collaboration, partner)


def update_collaboration(
    user: Any, collaboration: Collaboration, values: Mapping[str, Any]
) -> Collaboration:
    require(access.can_edit_collaboration(user, collaboration))
    before = _values(collaboration, COLLABORATION_FIELDS)
    _assign(collaboration, COLLABORATION_FIELDS, values)
    collaboration.full_clean()
    collaboration.save()
    _record_change(user, before, collaboration, COLLABORATION_FIELDS, collaboration=collaboration)
    return collaboration


# -- value reports ------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def snapshot(report: ValueReport) -> dict[str, Any]:
    return {
        "version": report.version,
        **{name: _json(getattr(report, name)) for name in REPORT_FIELDS},
        "indicators": [
            {name: _json(getattr(i, name)) for name in INDICATOR_FIELDS}
            for i in report.indicators.all()
        ],
        "assessments": {
            str(a.membership_id): {"answers": a.answers, "comment": a.comment}
            for a in report.assessments.all()
        },
    }


def _log(report: ValueReport, event: str, user: Any) -> None:
    History.objects.create(report=report, event=event, user=user, snapshot=snapshot(report))


def _reopen_if_approved(report: ValueReport, user: Any) -> None:
    """An edit after any approval reopens the report: approvals cleared, version + 1."""
    if report.municipal_approved_at is None and report.actor_approved_at is None:
        return
    report.municipal_approved_at = report.actor_approved_at = None
    report.municipal_approved_by = report.actor_approved_by = None
    report.version += 1
    report.save()
    _log(report, "reopened", user)


@transaction.atomic
def save_report(
    user: Any,
    collaboration: Collaboration,
    values: Mapping[str, Any],
    indicators: Iterable[Mapping[str, Any]] | None = None,
    report: ValueReport | None = None,
) -> ValueReport:
    """Create or edit a value report (and replace its goal indicators when given)."""
    require(access.can_edit_collaboration(user, collaboration))
    if report is None:
        report = ValueReport(collaboration=collaboration)
    else:
        require(report.collaboration_id == collaboration.pk)
        report = ValueReport.objects.select_for_update().get(pk=report.pk)
    _assign(report, REPORT_FIELDS, values)
    report.full_clean()
    report.save()
    if indicators is not None:
        report.indicators.all().delete()
        for row in indicators:
            Indicator.objects.create(
                report=report, **{k: row[k] for k in INDICATOR_FIELDS if k in row}
            )
    _reopen_if_approved(report, user)
    _log(report, "edited", user)
    return report


@transaction.atomic
def save_assessment(
    user: Any,
    report: ValueReport,
    membership: Membership,
    answers: Mapping[str, str],
    comment: str = "",
) -> Assessment:
    """A party's own assessment; nobody writes another party's."""
    require(membership.collaboration_id == report.collaboration_id)
    require(access.can_write_assessment(user, membership))
    statements = {t.code for t in taxonomy().assessment_statements}
    scale = {t.code for t in taxonomy().agreement_scale}
    clean = {k: str(v) for k, v in answers.items() if k in statements and str(v) in scale}
    assessment, _ = Assessment.objects.update_or_create(
        report=report,
        membership=membership,
        defaults={"answers": clean, "comment": comment, "author": user},
    )
    report = ValueReport.objects.select_for_update().get(pk=report.pk)
    _reopen_if_approved(report, user)
    _log(report, "assessed", user)
    return assessment


@transaction.atomic
def approve_report(user: Any, report: ValueReport, side: str | None = None) -> ValueReport:
    """Approve one side ("municipal" or "actor") of the report; joint once both sides are
    approved, by two different people. ``side`` may be left out when the user has one side
    to approve. Approving again a side one approved already changes nothing; a person who
    acts for both sides approves one of them (:func:`access.approval_choices`)."""
    report = ValueReport.objects.select_for_update().get(pk=report.pk)
    require(bool(access.approval_sides(user, report)))
    mine = [s for s in access.SIDES if access.approved_by(report, s) == user.pk]
    if mine and side in (None, *mine):
        return report  # approved by this person already
    choices = access.approval_choices(user, report)
    if side is None and len(choices) == 1:
        side = choices[0]
    require(side in choices)
    now = timezone.now()
    if side == "municipal":
        report.municipal_approved_at, report.municipal_approved_by = now, user
    else:
        report.actor_approved_at, report.actor_approved_by = now, user
    report.save()
    _log(report, "joint" if report.is_joint else "approved", user)
    return report


# -- accounts -----------------------------------------------------------------------------


def _new_user(email: str, name: str = "", password: str | None = None) -> Any:
    users = get_user_model()
    username = email.strip().lower()
    if users.objects.filter(username=username).exists():
        return users.objects.get(username=username)
    user = users.objects.create_user(username, email=username, first_name=name[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _state(party: Party) -> str:
    """What a link's use changes: the password (set by an invitation), the confirmation
    (set by both links) and whether the account is active (an administrator's)."""
    user = party.user
    return "|".join(
        str(v)
        for v in (party.pk, party.confirmed_at, user.pk, user.password, user.is_active, user.email)
    )


def _token(party: Party, salt: str) -> str:
    """A link's token: the party, and a keyed hash of its :func:`_state`, signed with a
    timestamp. It is void once used, as Django's password-reset tokens are: using it
    changes the state its hash was made from."""
    state = salted_hmac(salt, _state(party)).hexdigest()
    return signing.dumps({"party": party.pk, "state": state}, salt=salt)


def party_for_token(token: str, salt: str) -> Party:
    """The party of a valid, unused link (INVITE_SALT or CONFIRM_SALT). A wrong, expired,
    used or forged link, or one for a deactivated account, raises LookupError; all look
    the same to the person opening it."""
    try:
        data = signing.loads(token, salt=salt, max_age=dt.timedelta(days=TOKEN_DAYS))
        party = Party.objects.select_related("user").get(pk=int(data["party"]))
        state = str(data["state"])
    except (signing.BadSignature, Party.DoesNotExist, KeyError, TypeError, ValueError):
        raise LookupError("not a valid link") from None
    if not constant_time_compare(state, salted_hmac(salt, _state(party)).hexdigest()):
        raise LookupError("a used or outdated link")
    if salt == INVITE_SALT and not party.user.is_active:
        raise LookupError("a deactivated account")  # an invitation never reactivates
    return party


def invite_representative(user: Any, actor: Organization, email: str) -> str:
    """Invite someone by e-mail to represent an actor. Returns the signed token for the link
    (the caller sends it). Actor representatives and staff of the actor's municipality may
    invite."""
    require(
        access.can_edit_actor(user, actor)
        or access.can_edit_municipality(user, actor.municipality_id)
    )
    invited = _new_user(email)
    party, _ = Party.objects.get_or_create(user=invited, organization=actor)
    return _token(party, INVITE_SALT)


def invite_staff(user: Any, municipality: Municipality, email: str) -> str:
    """Municipal staff invite a colleague (a superuser invites the first)."""
    require(user.is_superuser or access.can_edit_municipality(user, municipality))
    invited = _new_user(email)
    party, _ = Party.objects.get_or_create(user=invited, municipality=municipality)
    return _token(party, INVITE_SALT)


@transaction.atomic
def accept_invitation(token: str, password: str) -> Party:
    """The invited person sets a password; the party is confirmed (their e-mail received
    the link). Once: the new password voids the link, and of two requests racing with it
    one sets the password (the update names the old one). A deactivated account stays
    deactivated and its link is void. Raises LookupError for any link that is not valid."""
    party = party_for_token(token, INVITE_SALT)
    user = party.user
    old = user.password
    user.set_password(password)
    changed = (
        get_user_model()
        .objects.filter(pk=user.pk, password=old, is_active=True)
        .update(password=user.password)
    )
    if not changed:
        raise LookupError("a used link")
    Party.objects.filter(pk=party.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    party.refresh_from_db()
    return party


@transaction.atomic
def register_actor(
    email: str, password: str, name: str, actor_values: Mapping[str, Any]
) -> tuple[Party, str]:
    """Self-registration: a new civil actor and its first representative, inactive until the
    e-mailed link is opened (:func:`confirm_registration`). An existing actor is joined only
    by invitation, so nobody takes over another party's record by signing up."""
    users = get_user_model()
    username = email.strip().lower()
    if users.objects.filter(username=username).exists():
        raise ValueError("e-mail already registered")
    user = users.objects.create_user(username, email=username, password=password, first_name=name)
    user.is_active = False
    user.save()
    actor = Organization()
    _assign(actor, ACTOR_FIELDS, actor_values)
    actor.municipality = actor_values["municipality"]
    actor.confirmed = False  # on no public page until the link is opened
    actor.full_clean()
    actor.save()
    party = Party.objects.create(user=user, organization=actor)
    return party, _token(party, CONFIRM_SALT)


@transaction.atomic
def confirm_registration(token: str) -> Party:
    """The self-registered person opened the e-mailed link: account, party and actor become
    active. Once: the confirmation voids the link (and of two racing requests one confirms),
    so a link kept in the mailbox cannot reactivate an account an administrator deactivated
    later. Raises LookupError for any link that is not valid."""
    party = party_for_token(token, CONFIRM_SALT)
    now = timezone.now()
    if not Party.objects.filter(pk=party.pk, confirmed_at__isnull=True).update(confirmed_at=now):
        raise LookupError("a used link")
    get_user_model().objects.filter(pk=party.user_id).update(is_active=True)
    if party.organization_id is not None:
        Organization.objects.filter(pk=party.organization_id).update(confirmed=True)
    party.refresh_from_db()
    return party
