from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "samspil.web"
    label = "samspil_web"
    verbose_name = "samspil web"
