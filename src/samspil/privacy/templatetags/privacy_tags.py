"""``{% privacy_summary study %}``: what is kept of a study's personal data and until when."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from samspil.privacy.notice import retention_until
from samspil.web.personal_data import studies

register = template.Library()


def retention_context(study: Any) -> dict[str, Any]:
    return {
        "study": study,
        "retention_until": retention_until(study),
        "retention_days": settings.RETENTION_DAYS,
        "respondents": studies().respondent_count(study),
    }


@register.inclusion_tag("privacy/_summary.html")
def privacy_summary(study: Any) -> dict[str, Any]:
    return retention_context(study)
