from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "samspil.privacy"
    label = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Studies past their retention date are anonymised by every running worker, once a
        # minute (samspil worker, or the worker samspil serve starts; docs/privacy.md).
        from samspil.privacy.retention import anonymise_due_studies
        from samspil.web.worker import housekeeping

        housekeeping(anonymise_due_studies)

        # What is kept of a study's personal data, on the study's page (fieldwork's).
        from samspil.privacy.views import study_pages, study_part
        from samspil.web.study_page import StudyPart, register_study_part

        register_study_part(StudyPart("privacy", study_part, study_pages))
