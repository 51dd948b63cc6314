"""The audit log refuses UPDATE and DELETE in the database itself (triggers on SQLite and
PostgreSQL). See samspil.web.append_only."""

from typing import Any

from django.db import migrations

from samspil.web import append_only


def forwards(apps: Any, schema_editor: Any) -> None:
    append_only.create_triggers(schema_editor, apps)


def backwards(apps: Any, schema_editor: Any) -> None:
    append_only.drop_triggers(schema_editor, apps)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_person_request")]

    operations = [migrations.RunPython(forwards, backwards)]
