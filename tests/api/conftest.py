"""Fixtures for the read API's tests: the web tests' personas and study, tokens, a study
with answers, register records."""

from __future__ import annotations

from typing import Any

import pytest

from samspil.fieldwork.models import Study
from tests.web.conftest import (  # noqa: F401  (fixtures)
    _clear_cache,
    other_researcher,
    researcher,
    study,
)


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
