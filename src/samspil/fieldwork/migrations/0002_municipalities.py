from django.db import migrations


def load_municipalities(apps, schema_editor):
    from samspil.municipalities.names import MUNICIPALITIES

    Municipality = apps.get_model("fieldwork", "Municipality")
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        [Municipality(code=code, name=name) for code, name in MUNICIPALITIES if code not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_initial")]

    operations = [migrations.RunPython(load_municipalities, migrations.RunPython.noop)]
