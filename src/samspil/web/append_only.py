"""The audit log is append-only in the database itself: triggers on SQLite and PostgreSQL
refuse every UPDATE and DELETE of a ``privacy_auditevent`` row, whatever the path (raw
SQL, ``_base_manager``, a database shell), not only through ``AuditEvent.objects``.

The refusal is an integrity error (SQLite: ``RAISE(ABORT)``, a constraint failure;
PostgreSQL: SQLSTATE 23001 ``restrict_violation``). TRUNCATE, which Django's ``flush``
uses on PostgreSQL, fires no row trigger and is left alone: it empties whole databases
(tests), it is not a way to change one event.

On SQLite, a migration that alters the audit table rebuilds it and drops its triggers:
such a migration must call :func:`create_triggers` again (a test checks that the
triggers refuse after every migration).
"""

from __future__ import annotations

from typing import Any

TABLE = "privacy_auditevent"
MESSAGE = "the audit log is append-only: rows are never changed or deleted"
SQLITE_TRIGGERS = (f"{TABLE}_no_update", f"{TABLE}_no_delete")
POSTGRES_FUNCTION = f"{TABLE}_refuse"
POSTGRES_TRIGGER = f"{TABLE}_append_only"


def sqlite_create_statements() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for name, event in zip(SQLITE_TRIGGERS, ("UPDATE", "DELETE"), strict=True)
    ]


def sqlite_drop_statements() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def _postgres_create_statements() -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$",
        f"DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON {TABLE}",
        f"CREATE TRIGGER {POSTGRES_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
    ]


def _postgres_drop_statements() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {POSTGRES_FUNCTION}()",
    ]


def create_triggers(schema_editor: Any, apps: Any = None) -> None:
    vendor = schema_editor.connection.vendor
    statements = {
        "sqlite": sqlite_create_statements,
        "postgresql": _postgres_create_statements,
    }.get(vendor)
    for statement in statements() if statements else []:
        schema_editor.execute(statement)


def drop_triggers(schema_editor: Any, apps: Any = None) -> None:
    vendor = schema_editor.connection.vendor
    statements = {
        "sqlite": sqlite_drop_statements,
        "postgresql": _postgres_drop_statements,
    }.get(vendor)
    for statement in statements() if statements else []:
        schema_editor.execute(statement)
