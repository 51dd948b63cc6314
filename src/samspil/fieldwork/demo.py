"""A demo study for trying samspil: kd2024 with ten clearly synthetic respondents, its
report weighted to the regions (raking).

Only in demo mode (settings.DEMO, on by default in development, impossible in production):
it also creates the researcher login demo/demo.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from samspil.fieldwork import actions
from samspil.fieldwork.mail import personal_url
from samspil.fieldwork.models import Respondent, Study
from samspil.fieldwork.respondents_import import RespondentRow
from samspil.municipalities.models import Municipality, ensure_municipalities

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_MUNICIPALITIES = (
    "København", "Aarhus", "Odense", "Aalborg", "Esbjerg",
    "Vejle", "Herning", "Roskilde", "Bornholm", "Fanø",
)  # fmt: skip


def ensure_demo_study(base_url: str | None = None) -> tuple[Study, str]:
    """The demo study (created once) and the personal link of its first respondent."""
    if not settings.DEMO:
        raise ImproperlyConfigured(
            "demo mode is off: the demo study and the demo/demo login need SAMSPIL_DEMO=1 "
            "(never in production)"
        )
    with transaction.atomic():
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USER, defaults={"is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        study = Study.objects.filter(is_demo=True).order_by("pk").first()
        if study is None:
            study = actions.do_create_study(
                "Demo: kommunaldirektører 2024 (syntetiske respondenter)",
                "kd2024",
                is_demo=True,
                controller="Demoinstitut for samspilsforskning (fiktivt)",
                contact="demo-dpo@example.org",
                signature="Med venlig hilsen\nDemoforskerne",
            )
            # each municipality gets its own report once the demo study is closed
            study.municipal_reports = True
            study.save(update_fields=["municipal_reports"])
            ensure_municipalities()
            municipalities = {m.name: m for m in Municipality.objects.all()}
            rows = [
                RespondentRow(
                    row=n + 2,
                    name=f"Syntetisk Respondent {n + 1:02d}",
                    email=f"demo{n + 1:02d}@example.org",
                    municipality=municipalities[name],
                    attributes={"område": "demo"},
                )
                for n, name in enumerate(DEMO_MUNICIPALITIES)
            ]
            actions.do_import_respondents(study, rows)
            # the report raked to the regions: weighted tables and the weights' table
            actions.do_set_rake(study, "region")
            study = actions.do_open_study(study)
        study.researchers.add(user)
    # The first respondent who has not completed yet, so the link shows the questionnaire.
    respondents = Respondent.objects.filter(study=study, is_test=False).order_by("row_number")
    first = respondents.exclude(status=Respondent.Status.COMPLETED).first() or respondents.first()
    if first is None:
        raise ImproperlyConfigured("the demo study has no respondents")
    return study, personal_url(first, base_url)


def demo_lines(base: str) -> list[str]:
    """Make the demo study (``samspil serve --demo``); the lines that show it."""
    study, url = ensure_demo_study(base)
    return [
        f"demo study {study.pk}: {study.name}",
        f"respondent link: {url}",
        f"researcher login: {base}/login/ (user {DEMO_USER}, password {DEMO_PASSWORD})",
    ]
