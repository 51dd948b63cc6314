"""Study fields for the privacy notice, the retention date and anonymisation (samspil.privacy)."""

from django.db import migrations, models

import samspil.fieldwork.models


def fill_privacy_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    Study = apps.get_model("fieldwork", "Study")
    for study in Study.objects.all():
        study.privacy_key = samspil.fieldwork.models.new_privacy_key()
        study.save(update_fields=["privacy_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0004_mail_rounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="study",
            name="privacy_controller",
            field=models.CharField(blank=True, help_text="The institution responsible for the data, e.g. a university.", max_length=200, verbose_name="data controller"),
        ),
        migrations.AddField(
            model_name="study",
            name="privacy_contact",
            field=models.CharField(blank=True, help_text="E-mail address or telephone of the researcher or data protection officer.", max_length=254, verbose_name="contact for questions about the data"),
        ),
        migrations.AddField(
            model_name="study",
            name="privacy_purpose",
            field=models.TextField(blank=True, max_length=2000, verbose_name="purpose"),
        ),
        migrations.AddField(
            model_name="study",
            name="privacy_legal_basis",
            field=models.TextField(blank=True, max_length=2000, verbose_name="legal basis"),
        ),
        migrations.AddField(
            model_name="study",
            name="privacy_text",
            field=models.TextField(blank=True, help_text="Leave empty to use the default text filled from the fields above.", max_length=20000, verbose_name="privacy notice"),
        ),
        migrations.AddField(
            model_name="study",
            name="privacy_key",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(fill_privacy_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="study",
            name="privacy_key",
            field=models.CharField(default=samspil.fieldwork.models.new_privacy_key, max_length=32, unique=True),
        ),
        migrations.AddField(
            model_name="study",
            name="retention_date",
            field=models.DateField(blank=True, help_text="Empty: a set number of days after the study closes.", null=True, verbose_name="contact data kept until"),
        ),
        migrations.AddField(
            model_name="study",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="study",
            name="withdrawn_count",
            field=models.PositiveIntegerField(default=0, help_text="Respondents erased on request, with their answers."),
        ),
    ]
