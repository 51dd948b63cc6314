"""Fixtures for the register: personas (municipal staff, actor representatives, a
researcher, an outsider), an actor in Aarhus and one in Odense, and a collaboration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.fieldwork.conftest import (  # noqa: F401
    _clear_cache,
    mail_text,
    researcher,
    send_round,
    smtp_server,
    study,
)

PASSWORD = "hemmelig-register-1"


@pytest.fixture
def aarhus(db):  # type: ignore[no-untyped-def]
    from samspil.municipalities.models import Municipality, ensure_municipalities

    ensure_municipalities()
    return Municipality.objects.get(name="Aarhus")


@pytest.fixture
def odense(aarhus):  # type: ignore[no-untyped-def]
    from samspil.municipalities.models import Municipality

    return Municipality.objects.get(name="Odense")


def make_party(django_user_model: Any, username: str, **side: Any) -> Any:
    from samspil.register.models import Party

    user = django_user_model.objects.create_user(username, password=PASSWORD)
    Party.objects.create(user=user, confirmed_at=timezone.now(), **side)
    return user


def make_actor(municipality: Any, name: str, **values: Any) -> Any:
    from samspil.register.models import Organization

    values.setdefault("actor_type", "lokale")
    return Organization.objects.create(name=name, municipality=municipality, **values)


@pytest.fixture
def club(aarhus):  # type: ignore[no-untyped-def]
    return make_actor(aarhus, "Boldklubben Øst", areas=["kultur"], target_groups=["børn"])


@pytest.fixture
def odense_club(odense):  # type: ignore[no-untyped-def]
    return make_actor(odense, "Odense Roklub", areas=["kultur"])


@pytest.fixture
def staff(django_user_model, aarhus):  # type: ignore[no-untyped-def]
    return make_party(django_user_model, "medarbejder", municipality=aarhus)


@pytest.fixture
def odense_staff(django_user_model, odense):  # type: ignore[no-untyped-def]
    return make_party(django_user_model, "odense", municipality=odense)


@pytest.fixture
def rep(django_user_model, club):  # type: ignore[no-untyped-def]
    return make_party(django_user_model, "formand", organization=club)


@pytest.fixture
def other_rep(django_user_model, odense_club):  # type: ignore[no-untyped-def]
    return make_party(django_user_model, "roer", organization=odense_club)


@pytest.fixture
def register_researcher(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("forsker", password=PASSWORD, is_staff=True)


@pytest.fixture
def outsider(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("udenforstaaende", password=PASSWORD)


@pytest.fixture
def collaboration(staff, club, aarhus):  # type: ignore[no-untyped-def]
    from samspil.register import actions
    from samspil.register.actions import Partner

    return actions.create_collaboration(
        staff,
        {
            "title": "Idræt for ældre",
            "form": "partnerskab",
            "initiative": "lokale",
            "organisation": "skriftlig",
            "character": "integreret",
            "areas": ["kultur", "sundhed"],
            "start_date": dt.date(2025, 1, 1),
        },
        [Partner("lead", municipality=aarhus), Partner("partner", organization=club)],
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    """Many personas log in: a fast hasher keeps the tests quick (never in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def contacts(aarhus, odense):  # type: ignore[no-untyped-def]
    """Aarhus: a consented person (health) and an unconsented one (culture); Odense: a
    shared mailbox."""
    from samspil.municipalities.models import Unit
    from samspil.register.models import Contact

    unit = Unit.objects.create(municipality=aarhus, name="Sundhed og Omsorg")
    consented = Contact.objects.create(
        municipality=aarhus,
        unit=unit,
        topic="Frivillige i ældreplejen",
        areas=["sundhed"],
        title="Frivilligkoordinator",
        name="Karen Samtykke",
        email="karen@example.org",
        phone="87 13 00 00",
        consent_at=dt.date(2026, 10, 1),
    )
    private = Contact.objects.create(
        municipality=aarhus,
        topic="Foreningslokaler",
        areas=["kultur"],
        title="Lokalebooking",
        name="Peter Privat",
        email="peter@example.org",
    )
    mailbox = Contact.objects.create(
        municipality=odense,
        topic="Frivillighed og foreninger",
        areas=["kultur"],
        title="Frivilligcenter-kontakten",
        email="frivillig@odense.example",
        personal=False,
    )
    return consented, private, mailbox
