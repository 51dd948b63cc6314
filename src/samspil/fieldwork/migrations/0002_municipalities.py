from django.db import migrations


def load_municipalities(apps, schema_editor):
    # The pure core's list (samspil/facts/kommuner.csv), the one source of the names.
    from samspil.facts import municipality_names

    Municipality = apps.get_model("fieldwork", "Municipality")
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        [
            Municipality(code=code, name=name)
            for code, name in municipality_names()
            if code not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_initial")]

    operations = [migrations.RunPython(load_municipalities, migrations.RunPython.noop)]
