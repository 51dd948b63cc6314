"""Migration 0006 on a register with data: existing rows get their last-saved time as
their confirmation date (services their actor's), and the full-text search still follows
edits afterwards (SQLite rebuilt the table, the triggers are made again)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("register", "0005_unconfirmed_actor_two_approvers")]
AFTER = [("register", "0006_freshness")]


def test_existing_rows_get_their_last_save_as_confirmation_and_search_still_works(client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    from samspil.municipalities.models import ensure_municipalities

    ensure_municipalities()  # fieldwork's tables stay as they are
    old = apps.get_model("register", "Organization")
    place = apps.get_model("fieldwork", "Municipality").objects.get(name="Aarhus")
    saved = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    actor = old.objects.create(
        name="Gammel Forening",
        municipality=place,
        actor_type="lokale",
        search_text="Gammel Forening",
    )
    old.objects.filter(pk=actor.pk).update(updated_at=saved)
    apps.get_model("register", "Service").objects.create(organization_id=actor.pk, name="Café")
    contact = apps.get_model("register", "Contact").objects.create(
        municipality=place, topic="Frivillighed", search_text="Frivillighed"
    )
    apps.get_model("register", "Contact").objects.filter(pk=contact.pk).update(updated_at=saved)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from samspil.register.models import Contact, Organization, Service

    migrated = Organization.objects.get(pk=actor.pk)
    assert migrated.verified_at == saved and migrated.verified_by == ""
    assert Service.objects.get(organization=migrated).verified_at == saved
    assert Contact.objects.get(pk=contact.pk).verified_at == saved
    migrated.name = "Nyere Forening"
    migrated.save()
    from samspil.register.search import filter_text

    assert list(filter_text(Organization.objects.all(), "nyere")) == [migrated]
