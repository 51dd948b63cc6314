"""A self-registered actor stays off the public pages until confirmed (``confirmed``), and a
value report's two sides are approved by two different people (a CHECK constraint).

SQLite rebuilds ``register_organization`` to add the column, which drops the full-text
triggers: they are created again (samspil.register.search, idempotent). Actors whose only
representatives are unconfirmed self-registrations (inactive accounts) start unconfirmed.
"""

from django.conf import settings
from django.db import migrations, models

from samspil.register import search


def forwards(apps, schema_editor):
    search.create_indexes(schema_editor, apps)
    Organization = apps.get_model("register", "Organization")
    Party = apps.get_model("register", "Party")
    pending = Party.objects.filter(confirmed_at__isnull=True, user__is_active=False)
    confirmed = Party.objects.filter(confirmed_at__isnull=False)
    Organization.objects.filter(pk__in=pending.values("organization_id")).exclude(
        pk__in=confirmed.values("organization_id").exclude(organization_id=None)
    ).update(confirmed=False)


def recreate_indexes(apps, schema_editor):
    search.create_indexes(schema_editor, apps)


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0004_value_report_other_measures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reversed last: the triggers again after the column is dropped (another rebuild).
        migrations.RunPython(migrations.RunPython.noop, recreate_indexes),
        migrations.AddField(
            model_name="organization",
            name="confirmed",
            field=models.BooleanField(default=True, db_default=True, editable=False),
        ),
        migrations.AddConstraint(
            model_name="valuereport",
            constraint=models.CheckConstraint(
                condition=~models.Q(municipal_approved_by=models.F("actor_approved_by")),
                name="register_report_two_approvers",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
