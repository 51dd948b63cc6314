"""The privacy notice (GDPR art. 13) of a study and its retention date.

A study's notice is the researcher's own text (``Study.privacy_text``) or, while that is
empty, the Danish default text (``templates/privacy/notice_default.txt``) filled from the
study's fields: data controller, contact, purpose, legal basis and retention. Respondents
reach it at ``/privatliv/<privacy_key>/``, linked from the welcome page and from the
invitation and every reminder; the address holds no token, so it keeps working after the
study has closed or been anonymised. A study here is one the platform's registry gives
(:func:`samspil.web.personal_data.studies`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation


def retention_until(study: Any) -> dt.date | None:
    """The day contact data is removed: the study's own date, otherwise
    ``SAMSPIL_RETENTION_DAYS`` after it closed; ``None`` while open without a date."""
    if study.retention_date is not None:
        return study.retention_date
    if study.closed_at is not None:
        closed = timezone.localdate(study.closed_at)
        return closed + dt.timedelta(days=settings.RETENTION_DAYS)
    return None


def default_notice(study: Any) -> str:
    """The Danish default notice filled from the study's fields."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(
            "privacy/notice_default.txt",
            {
                "study": study,
                "title": study.instrument.title,
                "retention_until": retention_until(study),
                "retention_days": settings.RETENTION_DAYS,
            },
        )
    return text.strip() + "\n"


def notice_text(study: Any) -> str:
    return study.privacy_text.strip() or default_notice(study)


def notice_paragraphs(study: Any) -> list[str]:
    return [p.strip() for p in notice_text(study).replace("\r\n", "\n").split("\n\n") if p.strip()]


def notice_url(study: Any, base_url: str | None = None) -> str:
    base = (base_url or settings.BASE_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("privacy_notice", args=[study.privacy_key])
