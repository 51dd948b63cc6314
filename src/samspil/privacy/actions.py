"""Writes of the privacy pages (the views only validate and call these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samspil.privacy.notice import default_notice
from samspil.web.audit import record_event
from samspil.web.personal_data import studies

PRIVACY_FIELDS = (
    "privacy_controller",
    "privacy_contact",
    "privacy_purpose",
    "privacy_legal_basis",
    "retention_date",
    "privacy_text",
)


def do_set_privacy(study: Any, *, user: Any, retention_date: dt.date | None, **texts: str) -> Any:
    """Save the notice's facts, the own text and the retention date. A text equal to the
    default text (as it was or as it becomes) is stored as empty, so the default keeps
    following the facts."""
    stored = studies().model.objects.get(
        pk=study.pk
    )  # a bound ModelForm has changed ``study`` already
    defaults = {default_notice(stored).strip()}
    for name in PRIVACY_FIELDS:
        if name != "retention_date":
            setattr(study, name, str(texts.get(name, "")).strip())
    study.retention_date = retention_date
    defaults.add(default_notice(study).strip())
    if study.privacy_text.replace("\r\n", "\n").strip() in defaults:
        study.privacy_text = ""
    study.save(update_fields=list(PRIVACY_FIELDS))
    record_event(user, "edit_privacy", study=study)
    return study
