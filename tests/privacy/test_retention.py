"""Retention: a study run to its retention date keeps its answers and nothing else personal.

The done-when test of issue 12: after the date, no table of the database holds the study's
names, e-mail addresses or personal-link tokens, and the report tables are the same.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from samspil.fieldwork import actions
from samspil.fieldwork.models import MessageLog, Respondent, Study
from samspil.privacy.notice import retention_until
from samspil.privacy.retention import anonymise_due_studies, anonymise_study
from samspil.web.audit import events_for
from samspil.web.models import AuditEvent
from tests.privacy.conftest import EMAILS, NAMES, TEST_EMAIL, find_anywhere, report_tables

pytestmark = pytest.mark.django_db


def test_study_at_its_retention_date_has_no_names_emails_or_tokens_in_any_table(
    fielded, settings, tmp_path, client
):
    settings.RETENTION_DAYS = 30
    settings.DATA_DIR = tmp_path
    tokens = list(Respondent.objects.filter(study=fielded).values_list("token", flat=True))
    assert len(tokens) == 5  # four respondents and the test link
    needles = [*NAMES, *EMAILS, TEST_EMAIL, *tokens]
    assert {n for _, n in find_anywhere(needles)} == set(needles)  # all there before
    before = report_tables(fielded, tmp_path / "before")
    assert before  # the answers make tables
    opened = Respondent.objects.filter(study=fielded, is_test=False).first()
    assert opened is not None

    closed_at = timezone.now()
    actions.do_close_study(fielded)
    fielded.refresh_from_db()
    due = retention_until(fielded)
    assert due == timezone.localdate(fielded.closed_at) + dt.timedelta(days=30)

    with time_machine.travel(closed_at + dt.timedelta(days=29), tick=False):
        assert anonymise_due_studies(timezone.now()) == []  # not yet
    assert find_anywhere(EMAILS)

    with time_machine.travel(closed_at + dt.timedelta(days=30, hours=1), tick=False):
        assert anonymise_due_studies(timezone.now()) == [fielded.pk]

    assert find_anywhere(needles) == []
    fielded.refresh_from_db()
    assert fielded.is_anonymised and fielded.status == Study.Status.CLOSED
    assert MessageLog.objects.filter(respondent__study=fielded).count() == 0
    assert report_tables(fielded, tmp_path / "after") == before
    # The coded open answers stay too, under the same pseudonymous ids.
    assert fielded.coding_projects.get().units.count() == 3
    event = AuditEvent.objects.get(action="anonymise")
    assert event.actor == "samspil" and event.study_id == fielded.pk
    # Links of the anonymised study answer 404 like an unknown link.
    for token in tokens:
        assert client.get(f"/s/{token}/").status_code == 404
    assert client.get(f"/s/{tokens[0]}/").content == client.get(f"/s/{'x' * 43}/").content
    # Running the job again changes nothing.
    assert anonymise_due_studies(timezone.now() + dt.timedelta(days=400)) == []


def test_own_retention_date_wins_and_open_studies_without_one_are_kept(study, settings):
    settings.RETENTION_DAYS = 0
    assert retention_until(study) is None  # open, no date: kept
    assert anonymise_due_studies(timezone.now() + dt.timedelta(days=3650)) == []
    study.retention_date = timezone.localdate() + dt.timedelta(days=10)
    study.save()
    with time_machine.travel(timezone.now() + dt.timedelta(days=9), tick=False):
        assert anonymise_due_studies() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        assert anonymise_due_studies() == [study.pk]


def test_anonymising_keeps_sample_attributes_and_drops_other_list_columns(study):
    r = study.respondents.order_by("row_number").first()
    r.attributes = {"område": "Øst", "telefon": "12345678"}
    r.save()
    anonymise_study(study)
    r.refresh_from_db()
    kept_names = {v.name for v in study.instrument.variables}
    assert set(r.attributes) <= kept_names
    assert "telefon" not in r.attributes
    assert r.name == "" and r.email == "" and r.token.startswith("anon-")


def test_the_study_page_shows_what_is_kept_and_until_when(researcher_client, study, settings):
    settings.RETENTION_DAYS = 60
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "60 dage efter" in page
    actions.do_close_study(study)
    study.refresh_from_db()
    until = retention_until(study)
    assert until is not None
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert f"{until.day}. " in page and str(until.year) in page
    anonymise_study(study)
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "Anonymiseret" in page and "4 respondenter" in page


def test_anonymise_from_the_study_page_needs_the_confirmation(researcher_client, study):
    url = f"/studier/{study.pk}/anonymiser/"
    researcher_client.post(url, {})
    study.refresh_from_db()
    assert not study.is_anonymised
    researcher_client.post(url, {"confirm": "on"})
    study.refresh_from_db()
    assert study.is_anonymised
    assert [e.actor for e in events_for(study.researchers.get(), study)] == ["forsker"]
    response = researcher_client.post(f"/studier/{study.pk}/aabn/", follow=True)
    assert "den kan ikke åbnes igen" in response.content.decode()
    study.refresh_from_db()
    assert study.status == Study.Status.CLOSED


def test_no_ip_address_is_stored_by_the_bad_link_counter(client, settings):
    settings.BAD_TOKEN_LIMIT = 2
    for _ in range(3):
        response = client.get(f"/s/{'y' * 43}/", REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 429  # still counted per address
    assert client.get(f"/s/{'y' * 43}/", REMOTE_ADDR="203.0.113.78").status_code == 404
    assert find_anywhere(["203.0.113.77", "203.0.113.78"]) == []


def test_every_worker_runs_the_retention_job_once_a_minute():
    from samspil.privacy.retention import anonymise_due_studies
    from samspil.web.worker import HOUSEKEEPING

    assert anonymise_due_studies in HOUSEKEEPING
