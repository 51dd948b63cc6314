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
        # `samspil serve --demo`: the register's synthetic actors and their logins.
        from samspil.register.demo import demo_lines
        from samspil.web.cli import register_demo

        register_demo(demo_lines)
