from django.apps import AppConfig


class CodingWebConfig(AppConfig):
    name = "samspil.coding_web"
    label = "coding_web"
    verbose_name = "Coding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A respondent's coded open answers: in their access export, gone on erasure.
        from samspil.coding_web.personal_data import erase_coding, export_coding
        from samspil.web.personal_data import PersonalData, register_personal_data

        register_personal_data(PersonalData("coding_of_open_answers", export_coding, erase_coding))
