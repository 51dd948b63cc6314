"""The demo fills the register with synthetic actors, contact points and collaborations."""

from __future__ import annotations

import csv
import io

import pytest

from samspil.register.demo import ensure_demo_register
from samspil.register.importer import COLUMNS
from samspil.register.models import Collaboration, Contact, Organization, ValueReport
from samspil.register.synthetic import DEMO_MUNICIPALITIES, synthetic_actors_csv

pytestmark = pytest.mark.django_db


def test_demo_register_is_filled_once_in_several_municipalities(settings):
    settings.DEMO = True
    ensure_demo_register()
    ensure_demo_register()
    assert Organization.objects.count() == 12 * len(DEMO_MUNICIPALITIES)
    assert set(
        Contact.objects.filter(municipality__isnull=False).values_list(
            "municipality__name", flat=True
        )
    ) == set(DEMO_MUNICIPALITIES)
    assert Collaboration.objects.count() == 5 * len(DEMO_MUNICIPALITIES)
    assert any(r.is_joint for r in ValueReport.objects.all())
    assert all(a.name.endswith("(syntetisk)") for a in Organization.objects.all())


def test_demo_register_refuses_outside_demo_mode(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEMO = False
    with pytest.raises(ImproperlyConfigured):
        ensure_demo_register()


def test_synthetic_actor_files_have_the_import_columns():
    rows = list(csv.DictReader(io.StringIO(synthetic_actors_csv(20))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 20


@pytest.mark.django_db(transaction=True)
def test_serve_demo_fills_the_register_and_prints_its_logins(monkeypatch, capsys, settings):
    from samspil.web import cli

    settings.DEMO = True
    # the port is ready at once: serve prints its lines
    monkeypatch.setattr(cli, "run_gunicorn", lambda *args, **kwargs: kwargs["on_ready"]())
    assert cli.main(["serve", "--demo", "--port", "8765"]) == 0
    out = capsys.readouterr().out
    assert "register: http://127.0.0.1:8765/register/ (logins demo-aarhus, demo-forening" in out
    assert Organization.objects.filter(municipality__name="Fanø").count() == 12
