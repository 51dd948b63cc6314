from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0005_privacy"),
    ]

    operations = [
        migrations.AddField(
            model_name="study",
            name="instrument_upload",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="uploaded questionnaire"
            ),
        ),
    ]
