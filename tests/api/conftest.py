"""Fixtures for the read API's tests: the web tests' personas and study, tokens, a study
with answers, register records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from samspil.fieldwork.models import Study
from tests.fieldwork.conftest import (  # noqa: F401  (fixtures)
    _clear_cache,
    other_researcher,
    researcher,
    study,
)
from tests.register.conftest import aarhus, make_actor, odense  # noqa: F401  (fixtures)


def answer_all(target: Study, values: list[float]) -> None:
    """Every respondent answers the civil-society page (udf_by) and completes."""
    from samspil.fieldwork import actions

    index = [s.id for s in target.instrument.sections].index("civilsamfund")
    for respondent, value in zip(target.respondents.order_by("row_number"), values, strict=True):
        actions.do_save_page(
            respondent,
            actions.PageSave(
                {"udf_by": value, "udf_kultur": 4.0}, "civilsamfund", index, complete=True
            ),
        )


@pytest.fixture
def answered(study):  # type: ignore[no-untyped-def]  # noqa: F811
    answer_all(study, [5.0, 4.0, 3.0, 5.0])
    return study


def make_token(user: Any, scope: str) -> str:
    from samspil.web.apitokens import create_token

    return create_token(user, f"{scope} token", scope)[1]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def actors(aarhus, odense):  # noqa: F811
    """Three public actors (two in Aarhus), one stale for 25 months, one not confirmed."""
    from samspil.register.models import Location, Organization, Service

    made = {
        "club": make_actor(aarhus, "Boldklubben Øst", areas=["kultur"]),
        "choir": make_actor(aarhus, "Koret", areas=["kultur", "sundhed"]),
        "scouts": make_actor(odense, "Spejderne", areas=["skole"]),
        "stale": make_actor(aarhus, "Den glemte forening", areas=["kultur"]),
        "pending": make_actor(aarhus, "Ny forening", areas=["kultur"]),
    }
    Organization.objects.filter(pk=made["stale"].pk).update(
        verified_at=timezone.now() - dt.timedelta(days=25 * 31)
    )
    Organization.objects.filter(pk=made["choir"].pk).update(
        verified_at=timezone.now() - dt.timedelta(days=13 * 31)
    )
    Organization.objects.filter(pk=made["pending"].pk).update(confirmed=False)
    for key, actor in made.items():
        Service.objects.create(
            organization=actor, name=f"Tilbud fra {actor.name}", areas=actor.areas
        )
        Location.objects.create(
            organization=actor, address_1=f"{key}vej 1", postal_code="8000", city="Aarhus C"
        )
    return made
