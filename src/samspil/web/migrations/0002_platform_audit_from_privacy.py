"""The audit log (AuditEvent) moves here from privacy: every app writes it, so it sits below
the apps. Django's bookkeeping only: the table keeps its name (``privacy_auditevent``), its
rows and its append-only triggers (``samspil.web.append_only``); privacy's migration 0004
forgets the model."""

import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="privacy", model="auditevent").update(
        app_label="samspil_web"
    )


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="samspil_web", model="auditevent").update(
        app_label="privacy"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("samspil_web", "0001_platform_workerbeat_from_fieldwork"),
        ("privacy", "0003_audit_append_only_triggers"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="time")),
                ("user_id", models.IntegerField(blank=True, null=True)),
                ("actor", models.CharField(max_length=150, verbose_name="who")),
                ("action", models.CharField(db_index=True, max_length=40, verbose_name="action")),
                ("study_id", models.IntegerField(blank=True, db_index=True, null=True)),
                ("study_name", models.CharField(blank=True, max_length=200, verbose_name="study")),
                ("target", models.CharField(blank=True, max_length=200, verbose_name="object")),
                (
                    "identifiers",
                    models.BooleanField(
                        default=False,
                        help_text="The export or report held names, e-mail addresses or personal links.",
                        verbose_name="with identifiers",
                    ),
                ),
                ("detail", models.CharField(blank=True, max_length=500, verbose_name="detail")),
            ],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit log",
                "db_table": "privacy_auditevent",
                "ordering": ["-at", "-pk"],
                "default_permissions": ("view",),
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
