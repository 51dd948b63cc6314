"""Requests from a person: find them by e-mail address, give them their data (GDPR art. 15),
erase them and their answers (art. 17).

The audit log records that a search, an export or an erasure happened and in which study,
never the e-mail address or the person's ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from samspil.errors import DomainError
from samspil.fieldwork.models import Respondent, Study
from samspil.privacy.models import PersonRequest
from samspil.privacy.notice import notice_text, retention_until
from samspil.privacy.retention import delete_admin_log
from samspil.web.audit import _EMAIL, actor_of, record_event
from samspil.web.personal_data import erase_held, export_held
from samspil.web.scrub import after_erasure


class IdentityNotChecked(DomainError):
    """An access or erasure request without (a valid statement of) the identity check."""


METHODS = PersonRequest.IdentityCheck


@dataclass(frozen=True)
class Identity:
    """How the requester's identity was checked: one of ``METHODS`` and, for ``other``, a
    few words on how (no e-mail address: the note goes into the audit log)."""

    method: str
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "note", " ".join(str(self.note or "").split()))
        if self.method not in METHODS.values:
            raise IdentityNotChecked(
                "say how the requester's identity was checked: one of " + ", ".join(METHODS.values)
            )
        if self.method == METHODS.OTHER and not self.note:
            raise IdentityNotChecked("identity checked by 'other': describe how")
        if len(self.note) > 200:
            raise IdentityNotChecked("the note on the identity check is over 200 characters")
        if _EMAIL.search(self.note):
            raise IdentityNotChecked("the note on the identity check must not hold an address")

    def detail(self) -> str:
        """For the audit log's detail."""
        return f"identity checked by {self.method}" + (f" ({self.note})" if self.note else "")


def _check(identity: Identity | None) -> Identity:
    if not isinstance(identity, Identity):
        raise IdentityNotChecked("the requester's identity must be checked first")
    return identity


def _record_request(kind: str, identity: Identity, user: Any, study: Study | None) -> None:
    actor, user_id = actor_of(user)
    PersonRequest.objects.create(
        kind=kind,
        actor=actor,
        user_id=user_id,
        study_id=study.pk if study is not None else None,
        identity_check=identity.method,
        identity_note=identity.note,
    )


def find_by_email(email: str, studies: QuerySet[Study]) -> QuerySet[Respondent]:
    """The respondents with this address (any case) in these studies, test links included."""
    email = email.strip()
    if not email:
        return Respondent.objects.none()
    return (
        Respondent.objects.filter(study__in=studies, email__iexact=email)
        .select_related("study", "municipality", "unit")
        .order_by("study_id", "pk")
    )


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def respondent_data(respondent: Respondent) -> dict[str, Any]:
    """Everything samspil stores about one respondent of one study."""
    study = respondent.study
    instrument = study.instrument
    labels = {v.name: v for v in instrument.variables}
    answers = []
    for name, value in respondent.answers.items():
        var = labels.get(name)
        label = None
        if var is not None and var.options and value not in (None, ""):
            try:
                label = var.labels.get(int(float(value)))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                label = None
        answers.append(
            {
                "variable": name,
                "question": var.question if var else "",
                "item": var.item if var else "",
                "answer": value,
                "answer_label": label,
            }
        )
    until = retention_until(study)
    return {
        "study": {
            "id": study.pk,
            "name": study.name,
            "questionnaire": instrument.title,
            "data_controller": study.privacy_controller,
            "contact": study.privacy_contact,
            "contact_data_kept_until": until.isoformat() if until else None,
            "privacy_notice": notice_text(study),
        },
        "respondent": {
            "respondent_id": respondent.public_id,
            "name": respondent.name,
            "email": respondent.email,
            "municipality": respondent.municipality.name if respondent.municipality else None,
            "unit": respondent.unit.name if respondent.unit else None,
            "other_columns_of_the_list": respondent.attributes,
            "test_link": respondent.is_test,
            "status": respondent.status,
            "added": _time(respondent.created_at),
            "invited": _time(respondent.invited_at),
            "opened": _time(respondent.opened_at),
            "started": _time(respondent.started_at),
            "completed": _time(respondent.completed_at),
            "last_saved": _time(respondent.last_saved_at),
        },
        "answers": answers,
        "emails_sent": [
            {
                "kind": m.kind,
                "round": m.round,
                "subject": m.subject,
                "sent_at": _time(m.sent_at),
                "delivered_to_mail_server": m.ok,
            }
            for m in respondent.messages.all()
        ],
        # what the other apps hold about the respondent (the coding workbench: their
        # coded open answers), by the key each registered
        **export_held(study.pk, respondent.public_id),
    }


def access_export(
    email: str, studies: QuerySet[Study], *, user: Any, identity: Identity | None
) -> dict[str, Any]:
    """The art. 15 export: every respondent row with this address in these studies. Refused
    (:class:`IdentityNotChecked`) unless the requester's identity was checked."""
    identity = _check(identity)
    found = list(find_by_email(email, studies))
    with transaction.atomic():
        for study in {r.study_id: r.study for r in found}.values() or [None]:
            _record_request(PersonRequest.Kind.ACCESS, identity, user, study)
        for respondent in found:
            record_event(
                user,
                "access_export",
                study=respondent.study,
                detail=f"1 respondent; {identity.detail()}",
            )
    return {
        "format": "samspil access export 1",
        "records": [respondent_data(r) for r in found],
    }


def erase_respondent(respondent: Respondent, *, user: Any, identity: Identity | None) -> None:
    """Erase the respondent, their answers, e-mail log and coded open answers (art. 17).
    Refused (:class:`IdentityNotChecked`) unless the requester's identity was checked.

    Later reports of the study say how many respondents withdrew their answers
    (``Study.withdrawn_count``)."""
    identity = _check(identity)
    with transaction.atomic():
        after_erasure()
        study = Study.objects.select_for_update().get(pk=respondent.study_id)
        coded = sum(erase_held(study.pk, respondent.public_id).values())
        delete_admin_log(Respondent, [respondent.pk])
        is_test = respondent.is_test
        respondent.delete()  # the message log goes with it (CASCADE)
        if not is_test:
            Study.objects.filter(pk=study.pk).update(withdrawn_count=F("withdrawn_count") + 1)
        record_event(
            user,
            "erase",
            study=study,
            detail=f"1 respondent erased with their answers; {coded} coded answers; "
            + identity.detail(),
        )
        _record_request(PersonRequest.Kind.ERASURE, identity, user, study)
