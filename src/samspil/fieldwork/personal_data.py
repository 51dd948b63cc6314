"""What fieldwork holds about a person, for privacy through the platform
(:class:`samspil.web.personal_data.Studies`, registered in ``FieldworkConfig.ready``).

A person is a respondent row of a study, found by e-mail address. Their row holds name,
address, municipality, unit, the other columns of the respondent list, the answers and the
times; the message log holds the e-mails sent to them. Privacy (its access export, erasure,
notice and retention job) calls these and writes the audit log; it never imports them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat

from samspil.fieldwork.models import Delivery, MessageLog, Respondent, Study
from samspil.fieldwork.municipal_reports import reports_outdated
from samspil.web.personal_data import Studies
from samspil.web.scrub import delete_admin_log


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


def respondent_in(respondent_id: int, studies: QuerySet[Study]) -> Respondent | None:
    """The respondent row with this id, if it belongs to one of these studies."""
    return (
        Respondent.objects.filter(pk=respondent_id, study__in=studies)
        .select_related("study")
        .first()
    )


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _answers(respondent: Respondent) -> list[dict[str, Any]]:
    labels = {v.name: v for v in respondent.study.instrument.variables}
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
    return answers


def respondent_record(respondent: Respondent) -> dict[str, Any]:
    """Everything fieldwork stores about one respondent of one study (art. 15)."""
    return {
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
        "answers": _answers(respondent),
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
    }


def erase_respondent(respondent: Respondent) -> None:
    """Delete the respondent with their answers and e-mail log (art. 17); later reports
    of the study say how many withdrew (``Study.withdrawn_count``, test links not counted),
    and the reports made before, which hold the answers, are removed once it commits
    (:func:`~samspil.fieldwork.municipal_reports.reports_outdated`). Privacy calls it inside
    its transaction, the study locked."""
    delete_admin_log(Respondent, [respondent.pk])
    is_test = respondent.is_test
    study = respondent.study
    respondent.delete()  # the message log goes with it (CASCADE)
    if not is_test:  # a test link's answers are in no report
        Study.objects.filter(pk=study.pk).update(withdrawn_count=F("withdrawn_count") + 1)
        reports_outdated(study)


def anonymise_study(study: Study, now: dt.datetime) -> int:
    """Remove the study's contact data for good; returns the respondents kept.

    Every respondent's name, e-mail address and personal link go (the token becomes
    ``anon-<row id>``, which no link can match), the list's columns that are not sample
    variables of the questionnaire, the message log and the rounds' deliveries, the test
    respondents and the admin-log entries about the respondents. The answers,
    municipality, unit, status and ``public_id`` stay. The study is closed and marked
    anonymised. Privacy calls it inside its transaction, the study locked."""
    respondents = Respondent.objects.filter(study=study)
    test_ids = list(respondents.filter(is_test=True).values_list("pk", flat=True))
    MessageLog.objects.filter(respondent__study=study).delete()
    # the e-mail rounds' per-recipient rows (an SMTP error may quote the address)
    Delivery.objects.filter(respondent__study=study).delete()
    Respondent.objects.filter(pk__in=test_ids).delete()
    variables = {v.name for v in study.instrument.variables}
    for pk, attributes in respondents.values_list("pk", "attributes"):
        kept = {k: v for k, v in (attributes or {}).items() if k in variables}
        if kept != attributes:
            Respondent.objects.filter(pk=pk).update(attributes=kept)
    kept_count = respondents.update(
        name="",
        email="",
        token=Concat(Value("anon-"), Cast("pk", output_field=CharField())),
    )
    delete_admin_log(Respondent, list(respondents.values_list("pk", flat=True)) + test_ids)
    study.anonymised_at = now
    study.status = Study.Status.CLOSED
    study.closed_at = study.closed_at or now
    study.save(update_fields=["anonymised_at", "status", "closed_at"])
    return kept_count


def respondent_count(study: Study) -> int:
    """The study's respondents, test links not counted."""
    return study.respondents.filter(is_test=False).count()


def studies() -> Studies:
    """Fieldwork's studies as the platform's :class:`~samspil.web.personal_data.Studies`."""
    from samspil.fieldwork.access import studies_for_user
    from samspil.fieldwork.cli import study_by_id

    return Studies(
        model=Study,
        visible=studies_for_user,
        by_number=study_by_id,
        find=find_by_email,
        respondent=respondent_in,
        record=respondent_record,
        erase=erase_respondent,
        anonymise=anonymise_study,
        respondent_count=respondent_count,
    )
