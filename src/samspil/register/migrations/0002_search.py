"""Full-text search indexes: PostgreSQL's ``danish`` configuration (GIN expression indexes,
the same expression the search queries use), or SQLite FTS5 tables kept in step with
``search_text`` by triggers. See samspil.register.search."""

from django.db import migrations

from samspil.register import search


def forwards(apps, schema_editor):
    search.create_indexes(schema_editor, apps)


def backwards(apps, schema_editor):
    search.drop_indexes(schema_editor, apps)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
