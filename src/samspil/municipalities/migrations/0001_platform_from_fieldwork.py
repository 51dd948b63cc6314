"""Municipality and Unit move here from fieldwork. Django's bookkeeping only: the tables keep
their names (``fieldwork_municipality``, ``fieldwork_unit``) and their rows; fieldwork's
migration 0009 and the register's 0007 point their foreign keys here."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Permissions granted on the two models stay granted: their content types follow."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="fieldwork", model__in=["municipality", "unit"]).update(
        app_label="municipalities"
    )


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(
        app_label="municipalities", model__in=["municipality", "unit"]
    ).update(app_label="fieldwork")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("fieldwork", "0008_study_report_definition"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Municipality",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.PositiveSmallIntegerField(unique=True, verbose_name="municipality code")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
            ],
            options={
                "verbose_name": "municipality",
                "verbose_name_plural": "municipalities",
                "db_table": "fieldwork_municipality",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Unit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="units",
                        to="municipalities.municipality",
                    ),
                ),
            ],
            options={
                "verbose_name": "unit",
                "verbose_name_plural": "units",
                "db_table": "fieldwork_unit",
                "ordering": ["municipality__name", "name"],
                "constraints": [
                    models.UniqueConstraint(fields=("municipality", "name"), name="unit_unique_name")
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
