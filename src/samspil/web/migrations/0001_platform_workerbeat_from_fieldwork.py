"""WorkerBeat moves here from fieldwork. Django's bookkeeping only: the table keeps its name
(``fieldwork_workerbeat``) and its rows; fieldwork's migration 0010 forgets the model."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="fieldwork", model="workerbeat").update(
        app_label="samspil_web"
    )


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="samspil_web", model="workerbeat").update(
        app_label="fieldwork"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("fieldwork", "0008_study_report_definition"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="WorkerBeat",
            fields=[
                ("worker_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("host", models.CharField(blank=True, max_length=255)),
                ("pid", models.PositiveIntegerField(default=0)),
                ("started_at", models.DateTimeField(auto_now_add=True)),
                ("beat_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "worker",
                "verbose_name_plural": "workers",
                "db_table": "fieldwork_workerbeat",
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
