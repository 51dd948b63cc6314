"""WorkerBeat now belongs to the platform (samspil.web, its migration 0001). Django's
bookkeeping only: the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0009_platform_municipalities_moved"),
        ("samspil_web", "0001_platform_workerbeat_from_fieldwork"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("WorkerBeat")])
    ]
