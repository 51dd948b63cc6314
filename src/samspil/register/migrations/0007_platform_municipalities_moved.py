"""The register's foreign keys to municipalities and units now name samspil.municipalities
(the same tables: Django's bookkeeping only, no data moves)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('municipalities', '0001_platform_from_fieldwork'),
        ('register', '0006_freshness'),
    ]

    # Before fieldwork forgets the two models, so the project state never has a dangling key.
    run_before = [("fieldwork", "0009_platform_municipalities_moved")]

    state_operations = [
        migrations.AlterField(
            model_name='confirmationround',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='confirmation_rounds', to='municipalities.municipality'),
        ),
        migrations.AlterField(
            model_name='confirmationschedule',
            name='municipality',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='confirmation_schedule', to='municipalities.municipality'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='municipality',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contact_points', to='municipalities.municipality', verbose_name='municipality'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contact_points', to='municipalities.unit', verbose_name='unit'),
        ),
        migrations.AlterField(
            model_name='location',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='locations', to='municipalities.unit'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='municipality',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='municipalities.municipality'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='municipalities.unit'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actors', to='municipalities.municipality', verbose_name='municipality'),
        ),
        migrations.AlterField(
            model_name='party',
            name='municipality',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='staff', to='municipalities.municipality'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
