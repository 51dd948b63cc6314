from django.apps import AppConfig


class MunicipalitiesConfig(AppConfig):
    name = "samspil.municipalities"
    label = "municipalities"
    verbose_name = "Municipalities"
    default_auto_field = "django.db.models.BigAutoField"
