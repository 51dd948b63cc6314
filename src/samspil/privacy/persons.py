"""Requests from a person: find them by e-mail address, give them their data (GDPR art. 15),
erase them and their answers (art. 17).

The audit log records that a search, an export or an erasure happened and in which study,
never the e-mail address or the person's ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from samspil.errors import DomainError
from samspil.privacy.models import PersonRequest
from samspil.privacy.notice import notice_text, retention_until
from samspil.web.audit import _EMAIL, actor_of, record_event
from samspil.web.personal_data import erase_held, export_held
from samspil.web.personal_data import studies as registered
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


def _record_request(kind: str, identity: Identity, user: Any, study: Any) -> None:
    actor, user_id = actor_of(user)
    PersonRequest.objects.create(
        kind=kind,
        actor=actor,
        user_id=user_id,
        study_id=study.pk if study is not None else None,
        identity_check=identity.method,
        identity_note=identity.note,
    )


def find_by_email(email: str, studies: QuerySet[Any]) -> QuerySet[Any]:
    """The respondents with this address (any case) in these studies, test links included."""
    return registered().find(email, studies)


def respondent_data(respondent: Any) -> dict[str, Any]:
    """Everything samspil stores about one respondent of one study."""
    study = respondent.study
    until = retention_until(study)
    return {
        "study": {
            "id": study.pk,
            "name": study.name,
            "questionnaire": study.instrument.title,
            "data_controller": study.privacy_controller,
            "contact": study.privacy_contact,
            "contact_data_kept_until": until.isoformat() if until else None,
            "privacy_notice": notice_text(study),
        },
        # the respondent row, their answers and the e-mails sent to them (fieldwork's)
        **registered().record(respondent),
        # what the other apps hold about the respondent (the coding workbench: their
        # coded open answers), by the key each registered
        **export_held(study.pk, respondent.public_id),
    }


def access_export(
    email: str, studies: QuerySet[Any], *, user: Any, identity: Identity | None
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


def erase_respondent(respondent: Any, *, user: Any, identity: Identity | None) -> None:
    """Erase the respondent, their answers, e-mail log and coded open answers (art. 17).
    Refused (:class:`IdentityNotChecked`) unless the requester's identity was checked.

    Later reports of the study say how many respondents withdrew their answers
    (``Study.withdrawn_count``)."""
    identity = _check(identity)
    with transaction.atomic():
        after_erasure()
        held = registered()
        study = held.model.objects.select_for_update().get(pk=respondent.study_id)
        coded = sum(erase_held(study.pk, respondent.public_id).values())
        held.erase(respondent)  # the row, the answers, the message log, the admin log
        record_event(
            user,
            "erase",
            study=study,
            detail=f"1 respondent erased with their answers; {coded} coded answers; "
            + identity.detail(),
        )
        _record_request(PersonRequest.Kind.ERASURE, identity, user, study)
