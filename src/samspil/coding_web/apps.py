from django.apps import AppConfig


class CodingWebConfig(AppConfig):
    name = "samspil.coding_web"
    label = "coding_web"
    verbose_name = "Coding"
    default_auto_field = "django.db.models.BigAutoField"
