from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fieldwork', '0011_facts2_rake'),
    ]

    operations = [
        migrations.AddField(
            model_name='study',
            name='foreword',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='study',
            name='summary',
            field=models.TextField(blank=True, default=''),
        ),
    ]
