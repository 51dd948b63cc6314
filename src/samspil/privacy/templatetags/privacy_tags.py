"""``{% privacy_summary study %}``: what is kept of a study's personal data and until when."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from samspil.fieldwork.models import Study
from samspil.privacy.notice import retention_until

register = template.Library()


def retention_context(study: Study) -> dict[str, Any]:
    return {
        "study": study,
        "retention_until": retention_until(study),
        "retention_days": settings.RETENTION_DAYS,
        "respondents": study.respondents.filter(is_test=False).count(),
    }


@register.inclusion_tag("privacy/_summary.html")
def privacy_summary(study: Study) -> dict[str, Any]:
    return retention_context(study)
