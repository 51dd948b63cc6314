"""Anonymisation of a study: contact data goes, answers stay under pseudonymous ids.

:func:`anonymise_study` removes, irreversibly and in one transaction: every respondent's
name, e-mail address and personal link (the token becomes ``anon-<row id>``, which no link
can match), the attributes from the respondent list that are not sample variables of the
questionnaire, the whole message log, the test respondents (researchers' test links) and
the admin-log entries about the respondents. The answers, municipality, unit, status and
the random ``public_id`` stay, so the export and the report give the same tables. The
study is closed and marked anonymised; its links answer 404 like unknown links.

The removal itself is the registered studies' (``samspil.web.personal_data.Studies.anonymise``;
fieldwork's ``personal_data.anonymise_study``); this module locks the study, scrubs the
database after the transaction and writes the audit log.

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
from django.utils import timezone

from samspil.privacy.notice import retention_until
from samspil.web.audit import record_event
from samspil.web.personal_data import studies
from samspil.web.scrub import after_erasure


def anonymise_study(study: Any, *, user: Any = None, now: dt.datetime | None = None) -> int:
    """Anonymise the study now; returns the number of respondents kept. Idempotent. What
    goes is the registered studies' ``anonymise`` (fieldwork's respondents and e-mail log)."""
    now = now or timezone.now()
    held = studies()
    with transaction.atomic():
        study = held.model.objects.select_for_update().get(pk=study.pk)
        if study.anonymised_at is not None:
            return 0
        after_erasure()
        kept_count = held.anonymise(study, now)
        record_event(
            user, "anonymise", study=study, detail=f"{kept_count} respondents kept pseudonymised"
        )
    return kept_count


def anonymise_due_studies(now: dt.datetime | None = None) -> list[int]:
    """Anonymise every study whose retention date has come; returns their ids."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = []
    for study in studies().model.objects.filter(anonymised_at__isnull=True).order_by("pk"):
        until = retention_until(study)
        if until is not None and until <= today:
            anonymise_study(study, now=now)
            done.append(study.pk)
    return done
