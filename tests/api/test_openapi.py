"""schemathesis against the read API's OpenAPI description (/api/v1/openapi.json): for each
operation a bounded number of generated requests (derandomized: the same every run), valid
ones and invalid ones (schemathesis's negative mode: wrong types, out-of-range numbers,
missing values), sent in-process through the WSGI application with a token that may read
answers; every answer must be no server error and match the description (status code,
content type, schema)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from samspil.web.wsgi import application
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {"tables": 4}  # computing the report's tables takes a while; the rest:
DEFAULT_EXAMPLES = 20
NEGATIVE_EXAMPLES = 10


def test_openapi_description_is_served_and_names_every_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths) == {
        "/api/v1/studies/",
        "/api/v1/studies/{study_id}/",
        "/api/v1/studies/{study_id}/tables/",
        "/api/v1/studies/{study_id}/answers/",
        "/api/v1/hsds/organizations",
        "/api/v1/hsds/services",
        "/api/v1/hsds/locations",
    }
    assert paths["/api/v1/hsds/services"]["get"].get("security") is None  # public
    assert paths["/api/v1/studies/"]["get"]["security"] == [{"TokenAuth": []}]


@pytest.fixture
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Requests go through the WSGI application itself, whose request signals would close
    the database connection inside the test's transaction (PostgreSQL); Django's test
    client leaves them out the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_keep_the_test_connection")
def test_every_operation_answers_as_its_openapi_description_says(
    researcher,
    answered,
    actors,
    settings: Any,
):
    settings.API_RATE_LIMIT = 1_000_000
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    header = {"Authorization": f"Bearer {make_token(researcher, 'answers')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    calls: list[int] = []
    for operation in operations:
        examples = next(
            (n for key, n in EXAMPLES.items() if key in operation.path), DEFAULT_EXAMPLES
        )
        for mode, count in (
            (GenerationMode.POSITIVE, examples),
            (GenerationMode.NEGATIVE, min(examples, NEGATIVE_EXAMPLES)),
        ):
            strategy = operation.as_strategy(generation_mode=mode)
            if "{study_id}" in operation.path and mode == GenerationMode.POSITIVE:
                # half the cases ask for the researcher's study, the others for any number
                strategy = st.tuples(strategy, st.booleans()).map(
                    lambda pair: _own_study(pair[0], answered.pk) if pair[1] else pair[0]
                )

            @settings_for(count)
            @given(case=strategy)
            def check(case: Any) -> None:
                response = case.call_and_validate(headers=header, checks=CHECKS)
                calls.append(response.status_code)

            check()
    assert {200, 404, 422} <= set(calls) and len(calls) > 100


def settings_for(examples: int) -> Any:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


def _own_study(case: Any, study_id: int) -> Any:
    case.path_parameters = {**(case.path_parameters or {}), "study_id": study_id}
    return case
