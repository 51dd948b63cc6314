"""Privacy reaches the studies and their respondents only through the platform's registry
(``samspil.web.personal_data.Studies``), which fieldwork fills; it imports no other app
(``tests/core/test_app_boundaries.py``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from samspil.web import personal_data
from samspil.web.personal_data import Studies, register_studies, studies

pytestmark = pytest.mark.django_db


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Wrap the registered studies so that every call privacy makes is noted."""
    real = studies()
    calls: list[str] = []

    def noted(name: str) -> Any:
        def call(*args: Any) -> Any:
            calls.append(name)
            return getattr(real, name)(*args)

        return call

    names = [f.name for f in dataclasses.fields(Studies) if f.name != "model"]
    spy = dataclasses.replace(real, **{name: noted(name) for name in names})
    monkeypatch.setitem(personal_data.STUDIES, "studies", spy)
    return calls


def test_the_access_export_and_erasure_go_through_the_registered_studies(
    study, researcher, monkeypatch
):
    from samspil.privacy.persons import Identity, access_export, erase_respondent

    calls = _spy(monkeypatch)
    data = access_export(
        "ANNA@example.org",
        studies().model.objects.all(),
        user=researcher,
        identity=Identity("mitid"),
    )
    (record,) = data["records"]
    assert record["respondent"]["email"] == "anna@example.org"
    assert calls == ["find", "record"]

    anna = studies().find("anna@example.org", studies().model.objects.all()).get()
    erase_respondent(anna, user=researcher, identity=Identity("mitid"))
    assert calls[-1] == "erase"
    assert not studies().find("anna@example.org", studies().model.objects.all()).exists()
    study.refresh_from_db()
    assert study.withdrawn_count == 1


def test_the_privacy_pages_and_anonymisation_go_through_the_registered_studies(
    study, researcher, researcher_client, monkeypatch
):
    from samspil.privacy.retention import anonymise_study

    calls = _spy(monkeypatch)
    page = researcher_client.get(f"/studier/{study.pk}/privatliv/")
    assert page.status_code == 200
    assert {"visible", "respondent_count"} <= set(calls)
    assert researcher_client.get(f"/studier/{study.pk + 1000}/privatliv/").status_code == 404

    assert anonymise_study(study, user=researcher) == 4
    assert calls[-1] == "anonymise"
    assert not study.respondents.exclude(email="").exists()


def test_only_one_app_registers_the_studies(monkeypatch):
    real = studies()
    register_studies(real)  # the same app again (a second set-up): allowed
    other = dataclasses.replace(real, model=type("OtherStudy", (), {}))
    with pytest.raises(ValueError, match="already registered"):
        register_studies(other)
    monkeypatch.setattr(personal_data, "STUDIES", {})
    with pytest.raises(LookupError, match="no studies registered"):
        studies()


def test_the_study_page_shows_privacys_part_and_links_through_the_registry(
    researcher, researcher_client, monkeypatch
):
    """Fieldwork's study page has privacy's part (what is kept, until when) and its link to
    where the controller is filled in from the platform's registry; without privacy's
    entry the page still works, with neither."""
    from samspil.fieldwork import actions
    from samspil.web import study_page

    study = actions.do_create_study("Uden ansvarlig", "kd2024", researchers=[researcher])
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert 'id="personal-data"' in page
    assert f'<a href="/studier/{study.pk}/privatliv/">Dataansvarlig og kontakt' in page
    monkeypatch.setattr(study_page, "PARTS", {})
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert 'id="controller-missing"' in page  # the study's own notice stays
    assert 'id="personal-data"' not in page and "/privatliv/" not in page
