from typing import Any

from django.apps import AppConfig


def _study_responses(study: Any) -> Any:
    from samspil.fieldwork.export import study_responses  # pandas: only when asked

    return study_responses(study)


def _report_basis(study: Any) -> Any:
    from samspil.fieldwork.export import report_basis

    return report_basis(study)


class FieldworkConfig(AppConfig):
    name = "samspil.fieldwork"
    label = "fieldwork"
    verbose_name = "Fieldwork"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A study is a source of answers for the other apps (the coding workbench).
        from samspil.fieldwork.access import studies_for_user
        from samspil.web.response_sources import ResponseSource, register_source

        register_source(ResponseSource("study", studies_for_user, _study_responses, _report_basis))
        # The studies in the read API (/api/v1/studies/).
        from samspil.fieldwork.api import router
        from samspil.web.api import register_router

        register_router("/studies", router)
        # Every worker recovers the deliveries a dead worker left half sent, on every beat.
        from samspil.fieldwork import rounds
        from samspil.web.worker import every_beat

        every_beat(rounds.recover)
        # Invitations refused for good: the register marks those addresses not reachable.
        from samspil.web.bounces import register_bounce_source

        register_bounce_source(rounds.failed_deliveries)
        # `samspil serve --demo`: the demo study and its researcher login.
        from samspil.fieldwork.demo import demo_lines
        from samspil.web.cli import register_demo

        register_demo(demo_lines)
        # Studies and respondents for privacy: the notice, the retention job, a person's
        # access export and erasure (samspil.web.personal_data).
        from samspil.fieldwork.personal_data import studies
        from samspil.web.personal_data import register_studies

        register_studies(studies())
