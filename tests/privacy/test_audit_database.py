"""The audit log is append-only in the database itself (issue 17, item 5): triggers on
SQLite and PostgreSQL refuse UPDATE and DELETE of an audit row on every path, not only
through ``AuditEvent.objects``."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, models, transaction

from samspil.web.append_only import MESSAGE, TABLE
from samspil.web.audit import record_event
from samspil.web.models import AuditEvent


def _refused(sql: str, params: list[object]) -> str:
    with (
        pytest.raises(IntegrityError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(refused.value)


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_an_audit_row(researcher, study):
    event = record_event(researcher, "export_answers", study=study, detail="4 respondents")
    record_event(researcher, "export_answers", study=study, detail="5 respondents")
    before = list(AuditEvent.objects.order_by("pk").values())
    assert MESSAGE in _refused(f"UPDATE {TABLE} SET detail = %s WHERE id = %s", ["x", event.pk])
    assert MESSAGE in _refused(f"UPDATE {TABLE} SET actor = %s", ["someone else"])
    assert MESSAGE in _refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert MESSAGE in _refused(f"DELETE FROM {TABLE}", [])
    # The model's guards are on AuditEvent.objects; Django's base manager and a plain
    # queryset pass them by, and meet the database's.
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(detail="changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        models.QuerySet(AuditEvent).filter(pk=event.pk)._raw_delete(connection.alias)
    assert list(AuditEvent.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_rows_are_still_appended(researcher, study):
    record_event(researcher, "export_answers", study=study, detail="4 respondents")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, actor, action, study_name, target, identifiers, detail)"
            " VALUES (CURRENT_TIMESTAMP, %s, %s, %s, %s, %s, %s)",
            ["samspil", "anonymise", "", "", False, ""],
        )
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_database_is_still_emptied_after_audit_rows(researcher, study):
    """Django's flush (after transactional tests) empties the log: TRUNCATE on PostgreSQL
    fires no row trigger; on SQLite the test suite's flush lifts the triggers for the flush
    only (tests/conftest.py)."""
    record_event(researcher, "export_answers", study=study, detail="4 respondents")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_with_an_empty_log_and_the_triggers_back():
    assert AuditEvent.objects.count() == 0
    record_event(None, "anonymise", detail="x")
    assert MESSAGE in _refused(f"DELETE FROM {TABLE}", [])
