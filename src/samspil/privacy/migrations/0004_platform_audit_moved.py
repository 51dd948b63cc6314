"""The audit log now belongs to the platform (samspil.web, its migration 0002). Django's
bookkeeping only: the table and its triggers stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_audit_append_only_triggers"),
        ("samspil_web", "0002_platform_audit_from_privacy"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("AuditEvent")])
    ]
