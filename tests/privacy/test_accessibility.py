"""The accessibility statement (tilgængelighedserklæring) built from settings and linked
from every page's footer (issue 23 item 5)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_accessibility_statement_is_built_from_settings_in_the_danish_structure(
    client, settings
):
    settings.BASE_URL = "https://samspil.example.dk"
    settings.ACCESSIBILITY = {
        "organisation": "Aarhus Kommune",
        "contact": "web@aarhus.example.dk",
        "status": "partial",
        "known_issues": (
            "Rapporternes PDF-figurer mangler tekstalternativ| Kortet kan ikke betjenes med tastatur"
        ),
        "prepared": "1. december 2026",
    }
    page = client.get("/tilgaengelighed/").content.decode()
    for heading in (
        "Tilgængelighedserklæring",
        "Overholdelsesstatus",
        "Ikke-tilgængeligt indhold",
        "Udarbejdelse af denne tilgængelighedserklæring",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ):
        assert heading in page, heading
    assert "Aarhus Kommune arbejder for at gøre https://samspil.example.dk tilgængeligt" in page
    assert "delvist i overensstemmelse" in page
    assert "<li>Kortet kan ikke betjenes med tastatur</li>" in page
    assert "1. december 2026" in page and "web@aarhus.example.dk" in page
    assert "Digitaliseringsstyrelsen" in page

    settings.ACCESSIBILITY = {**settings.ACCESSIBILITY, "status": "full", "known_issues": ""}
    page = client.get("/tilgaengelighed/").content.decode()
    assert "fuldt ud i overensstemmelse" in page
    assert "Der er ikke kendt ikke-tilgængeligt indhold." in page


def test_every_kind_of_page_links_the_statement_from_its_footer(study, researcher_client):
    client = Client()  # anonymous; researcher_client is the logged-in default client
    link = '<footer class="site-footer"><a href="/tilgaengelighed/">Tilgængelighedserklæring</a>'
    for response in (
        client.get("/login/"),
        client.get(f"/privatliv/{study.privacy_key}/"),
        client.get("/register/"),
        client.get("/tilgaengelighed/"),
        researcher_client.get(f"/studier/{study.pk}/"),
    ):
        assert link in response.content.decode()
