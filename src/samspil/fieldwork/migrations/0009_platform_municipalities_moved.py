"""Municipality and Unit now belong to samspil.municipalities (its migration 0001). Django's
bookkeeping only: the respondents' foreign keys point at the same tables as before."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0008_study_report_definition"),
        ("municipalities", "0001_platform_from_fieldwork"),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="respondent",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="respondents",
                to="municipalities.municipality",
            ),
        ),
        migrations.AlterField(
            model_name="respondent",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="respondents",
                to="municipalities.unit",
            ),
        ),
        migrations.DeleteModel(name="Unit"),
        migrations.DeleteModel(name="Municipality"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
