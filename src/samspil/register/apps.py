from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "samspil.register"
    label = "register"
    verbose_name = "Register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The yearly confirmation rounds start on their day, and rounds interrupted by a
        # stopped worker are resumed, by every running worker once a minute (freshness).
        from samspil.register import confirmation
        from samspil.web.worker import housekeeping

        housekeeping(confirmation.queue_due_rounds)
        housekeeping(confirmation.recover)
        # A study's invitations refused for good mark the register's addresses.
        housekeeping(confirmation.feed_study_bounces)
        # A municipality's confirmed staff are its contact points for the fieldwork's
        # municipal reports (asked through the platform, samspil.web.municipal_staff).
        from samspil.register.access import municipality_ids
        from samspil.web.municipal_staff import register_staff_source

        register_staff_source("register", municipality_ids)
        # `samspil serve --demo`: the register's synthetic actors and their logins.
        from samspil.register.demo import demo_lines
        from samspil.web.cli import register_demo

        register_demo(demo_lines)
        # The register's open data in the read API (/api/v1/hsds/).
        from samspil.register.api import router
        from samspil.web.api import register_router

        register_router("/hsds", router)
