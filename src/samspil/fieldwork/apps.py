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
        from samspil.web.sources import ResponseSource, register_source

        register_source(ResponseSource("study", studies_for_user, _study_responses, _report_basis))
