"""E-mail to respondents: the personal link, and the Danish invitation and reminder texts.

Templates live in templates/samspil/mail/; round 0 is the invitation, rounds 1-3 the
reminders. Rounds are sent by rounds.run_round (in the worker), test links by
actions.do_send_test_link.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from samspil.fieldwork.models import Respondent, Study

LAST_ROUND = 3  # invitation (0) and three reminders


def personal_url(respondent: Respondent, base_url: str | None = None) -> str:
    base = (base_url or settings.BASE_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("respondent_start", args=[respondent.token])


def notice_url(study: Study, base_url: str | None = None) -> str:
    """The study's privacy notice (privacy's page, by its URL name ``privacy_notice``)."""
    base = (base_url or settings.BASE_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("privacy_notice", args=[study.privacy_key])


def round_template(round_number: int, *, test: bool = False) -> str:
    if test:
        return "test"
    return "invitation" if round_number == 0 else "reminder"


def build_message(
    respondent: Respondent, round_number: int, *, test: bool = False, base_url: str | None = None
) -> EmailMessage:
    study = respondent.study
    instrument = study.instrument
    context = {
        "respondent": respondent,
        "study": study,
        "instrument_title": instrument.title,
        "url": personal_url(respondent, base_url),
        "privacy_url": notice_url(study, base_url),
        "round": round_number,
        "test": test,
    }
    name = round_template(round_number, test=test)
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"samspil/mail/{name}_subject.txt", context)
        body = render_to_string(f"samspil/mail/{name}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split())[:300],
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[respondent.email],
    )
