"""Anonymisation of a study: contact data goes, answers stay under pseudonymous ids.

:func:`anonymise_study` removes, irreversibly and in one transaction: every respondent's
name, e-mail address and personal link (the token becomes ``anon-<row id>``, which no link
can match), the attributes from the respondent list that are not sample variables of the
questionnaire, the whole message log, the test respondents (researchers' test links) and
the admin-log entries about the respondents. The answers, municipality, unit, status and
the random ``public_id`` stay, so the export and the report give the same tables. The
study is closed and marked anonymised; its links answer 404 like unknown links.

samspil stores no IP addresses (the bad-link counters are keyed by a keyed hash of the
address and expire; see ``fieldwork.access``).

:func:`anonymise_due_studies` is the retention job: it anonymises every study whose
retention date (``notice.retention_until``) has come. It runs from the background worker's
housekeeping and from ``samspil privacy anonymise-due``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from samspil.fieldwork.models import Delivery, MessageLog, Respondent, Study
from samspil.privacy.notice import retention_until
from samspil.web.audit import record_event
from samspil.web.scrub import after_erasure


def delete_admin_log(model: type, object_ids: list[int]) -> None:
    """The admin pages' history rows about these objects (their text names the object)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in object_ids]
    ).delete()


def anonymise_study(study: Study, *, user: Any = None, now: dt.datetime | None = None) -> int:
    """Anonymise the study now; returns the number of respondents kept. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.anonymised_at is not None:
            return 0
        after_erasure()
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
        record_event(
            user, "anonymise", study=study, detail=f"{kept_count} respondents kept pseudonymised"
        )
    return kept_count


def anonymise_due_studies(now: dt.datetime | None = None) -> list[int]:
    """Anonymise every study whose retention date has come; returns their ids."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = []
    for study in Study.objects.filter(anonymised_at__isnull=True).order_by("pk"):
        until = retention_until(study)
        if until is not None and until <= today:
            anonymise_study(study, now=now)
            done.append(study.pk)
    return done
