"""Fixtures for the privacy tests: a study in the field (answers, e-mails sent, a test link,
open answers coded in a coding project) and helpers that read every table of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from samspil.web.worker import run_queued_tasks

# The shared fixtures of the web tests (cache, personas, study, SMTP on loopback); the
# browser ones (browser, page, axe) come from tests/browser.py for the whole suite.
from tests.fieldwork.conftest import (  # noqa: F401
    RESPONDENTS_CSV,
    _clear_cache,
    mail_text,
    other_researcher,
    researcher,
    researcher_client,
    respondent,
    smtp_server,
    study,
)

NAMES = ["Anna Testesen", "Bo Prøve", "Cecilie Eksempel", "Dan Demo"]
EMAILS = ["anna@example.org", "bo@example.org", "cecilie@example.org", "dan@example.org"]
TEST_EMAIL = "testperson@example.org"


def answer_document(instrument: Any, seed: int) -> dict[str, object]:
    """A deterministic answer to every closed question, and an open answer."""
    answers: dict[str, object] = {}
    for j, var in enumerate(instrument.variables):
        if var.section_id == "sample":
            continue
        if var.kind in ("categorical", "binary") and var.options:
            codes = [o.code for o in var.options]
            answers[var.name] = float(codes[(seed + j) % len(codes)])
    answers["udf_vigtigste"] = f"Synthetic open answer {seed}"
    return answers


@pytest.fixture
def fielded(study, smtp_server, researcher, django_user_model):  # type: ignore[no-untyped-def]  # noqa: F811
    """The study after fieldwork: invitation sent, a test link, three respondents answered
    (two completed), their open answers coded by two coders with one decision."""
    from samspil.coding_web import actions as coding
    from samspil.fieldwork import actions

    actions.do_send_round(study, base_url="http://testserver")

    run_queued_tasks()
    actions.do_send_test_link(study, TEST_EMAIL, base_url="http://testserver")
    for seed, r in enumerate(study.respondents.filter(is_test=False).order_by("row_number")[:3]):
        actions.do_save_page(
            r,
            actions.PageSave(
                answer_document(study.instrument, seed), "baggrund", 10, complete=seed < 2
            ),
        )
    coder_1 = django_user_model.objects.create_user("koder_1")
    coder_2 = django_user_model.objects.create_user("koder_2")
    project = coding.do_create_project_from_study(
        "Kodning", "kd2024", study, coders=(coder_1, coder_2), researchers=[researcher]
    )
    for unit in project.units.all():
        coding.do_save_coding(project, unit, coder_1, ["arbejdskraft"], quotable=True)
        coding.do_save_coding(project, unit, coder_2, ["demografi"], quotable=True)
        coding.do_decide(project, unit, researcher, ["demografi"], quotable=True)
    study.refresh_from_db()
    return study


def all_rows_text() -> dict[str, str]:
    """Every table of the database, each row as text (for searching personal data)."""
    from django.db import connection

    texts: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            texts[table] = "\n".join(repr(row) for row in cursor.fetchall())
    return texts


def find_anywhere(needles: list[str]) -> list[tuple[str, str]]:
    """(table, needle) for every needle found in some table; case-insensitive."""
    hits = []
    for table, text in all_rows_text().items():
        lowered = text.lower()
        hits += [(table, n) for n in needles if n.lower() in lowered]
    return hits


def report_tables(of_study: Any, folder: Path) -> dict[str, str]:
    """The study's report tables (CSV), by file name."""
    from samspil.fieldwork.export import make_study_report

    make_study_report(of_study, folder, formats={"csv"})
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "tables").glob("*"))}
