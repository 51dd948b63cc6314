"""Health checks and the operations page (issue 24 item 6): /healthz touches nothing,
/readyz needs the database and a live worker, researchers see the queue and the workers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError
from django.utils import timezone


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def _beat(worker_id: str, seconds_ago: float) -> None:
    from samspil.web.models import WorkerBeat

    WorkerBeat.objects.create(
        worker_id=worker_id,
        host="h",
        pid=1,
        beat_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
    )


@pytest.mark.django_db
def test_readyz_needs_a_worker_with_a_fresh_heartbeat(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ready": False, "database": "ok", "worker": "no heartbeat"}
    _beat("inline-web-1", 1)  # a web process sending inline is not a worker
    _beat("worker-old", 3600)  # stopped beating an hour ago
    assert client.get("/readyz").status_code == 503
    _beat("worker-h-1", 2)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "database": "ok", "worker": "ok"}


@pytest.mark.django_db
def test_readyz_says_503_when_the_database_does_not_answer(client, monkeypatch):
    from samspil.web import health

    def broken() -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = client.get("/readyz")
    monkeypatch.undo()  # the test database's teardown needs the cursor
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_health_checks_are_not_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503  # answered, not redirected
    assert client.get("/login/").status_code == 301


@pytest.mark.django_db
def test_operations_page_shows_queue_length_oldest_task_and_workers(researcher_client):
    from django_tasks_db.models import DBTaskResult

    from samspil.fieldwork.rounds import send_round_task

    for round_id in (101, 102):
        send_round_task.enqueue(round_id)
    oldest = timezone.now() - dt.timedelta(hours=3)
    first = DBTaskResult.objects.order_by("enqueued_at").first()
    DBTaskResult.objects.filter(pk=first.pk).update(enqueued_at=oldest)
    _beat("worker-host-77", 1)
    page = researcher_client.get("/drift/").content.decode()
    assert '<dd id="queue-waiting">2</dd>' in page
    assert "sat i kø for 3\xa0timer siden" in page
    assert "worker-host-77" not in page  # the host and pid are shown, not the id
    assert "<td>77</td>" not in page and "<td>1</td>" in page
    assert "kører" in page


@pytest.mark.django_db
def test_operations_page_is_for_researchers_only(client, django_user_model):
    assert client.get("/drift/").status_code == 302  # to the log-in page
    coder = django_user_model.objects.create_user("koder", password="hemmelig-789")
    client.force_login(coder)
    assert client.get("/drift/").status_code == 403


@pytest.mark.django_db
def test_researcher_pages_link_to_the_operations_page(researcher_client):
    from django.urls import reverse

    page = researcher_client.get(reverse("study_list")).content.decode()
    assert '<a href="/drift/">Drift</a>' in page
