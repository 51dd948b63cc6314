"""Concurrent page saves lose nothing (row lock on PostgreSQL, IMMEDIATE on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from samspil.fieldwork import actions
from samspil.fieldwork.models import Respondent

pytestmark = pytest.mark.django_db(transaction=True)


def _save_concurrently(respondent: Respondent, pages: list[dict[str, object]]) -> None:
    barrier = threading.Barrier(len(pages))
    errors: list[BaseException] = []

    def save(answers: dict[str, object]) -> None:
        try:
            barrier.wait()
            actions.do_save_page(respondent, actions.PageSave(answers, "civilsamfund", 1))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(page,)) for page in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors


def _pages() -> list[dict[str, object]]:
    return [
        {f"udf_{item}": float(code)}
        for code, item in enumerate(["by", "klima", "aeldre", "social", "boern"], 1)
    ] + [{"udf_vigtigste": "Parallelt svar"}]


@pytest.mark.postgres
def test_parallel_saves_of_one_respondent_on_postgres(study):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the test command (DATABASE_URL)")
    respondent = study.respondents.first()
    _save_concurrently(respondent, _pages())
    respondent.refresh_from_db()
    assert respondent.answers == {
        "udf_by": 1.0, "udf_klima": 2.0, "udf_aeldre": 3.0, "udf_social": 4.0, "udf_boern": 5.0,
        "udf_vigtigste": "Parallelt svar",
    }  # fmt: skip
    assert respondent.pages_saved == 6
