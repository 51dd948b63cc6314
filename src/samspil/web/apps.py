from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "samspil.web"
    label = "samspil_web"
    verbose_name = "samspil web"

    def ready(self) -> None:
        from samspil.web.apitokens import register_audit_actions

        register_audit_actions()
