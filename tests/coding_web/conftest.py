"""Fixtures for the coding web app: personas (a researcher, two coders, an outsider), a
coding project over a small answers file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

# The shared fixtures of the web tests (cache, personas, study); the browser ones
# (browser, page, axe) come from tests/browser.py for the whole suite.
from tests.fieldwork.conftest import (  # noqa: F401
    _clear_cache,
    other_researcher,
    researcher,
    researcher_client,
    study,
)

ANSWERS_CSV = (
    "respondent_id,udf_vigtigste,erf_lykkes\n"
    "101,Mangel på arbejdskraft i ældreplejen,Tydelige aftaler og fælles mål\n"
    "102,Økonomisk pres og besparelser,Når vi har tid nok\n"
    "103,Flere ældre borgere og færre hænder,\n"
    "104,Borgernes forventninger er for høje,Åbenhed fra begge sider\n"
)
PASSWORD = "hemmelig-789"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fast password hashing; reports go to a temporary folder, without the slow PDF."""
    from samspil.coding_web import actions

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(actions, "REPORT_FORMATS", frozenset({"csv", "figures", "html"}))


@pytest.fixture
def coder_a(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("koder_a", password=PASSWORD)


@pytest.fixture
def coder_b(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("koder_b", password=PASSWORD)


@pytest.fixture
def outsider(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("udenforstaaende", password=PASSWORD)


@pytest.fixture
def login(client) -> Callable[[Any], Any]:  # type: ignore[no-untyped-def]
    """``login(user)``: a fresh test client logged in as ``user``."""
    from django.test import Client

    def make(user: Any) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def project(db, researcher, coder_a, coder_b):  # type: ignore[no-untyped-def]  # noqa: F811
    """A kd2024 coding project over ANSWERS_CSV (7 answers to two open questions)."""
    from samspil.coding_web import actions

    return actions.do_create_project_from_file(
        "KD 2024 kodning",
        "kd2024",
        "svar.csv",
        ANSWERS_CSV.encode(),
        coders=(coder_a, coder_b),
        researchers=[researcher],
    )


@pytest.fixture
def units(project):  # type: ignore[no-untyped-def]
    """The project's units by (variable, respondent_id)."""
    return {(u.variable, u.respondent_id): u for u in project.units.all()}
