"""The token page in chromium with axe-core: a researcher makes a token (shown once, in
Danish), it works against the API, and revokes it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
            json.load(response)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_researcher_makes_uses_and_revokes_a_token_on_the_page(
    page, live_server, researcher, study, axe
):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("forsker")
    page.get_by_label("Adgangskode").fill("hemmelig-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("link", name="API-nøgler").click()
    expect(page.get_by_role("heading", name="API-nøgler")).to_be_visible()
    axe(page)
    page.get_by_label("Navn").fill("R-script")
    page.get_by_label("Adgang").select_option("studies")
    page.get_by_role("button", name="Lav nøgle").click()
    expect(page.get_by_text("den vises kun denne ene gang")).to_be_visible()
    axe(page)
    token = page.locator("#new-token-value").inner_text()
    url = f"{live_server.url}/api/v1/studies/{study.pk}/"
    assert _status(url, token) == 200
    page.get_by_role("button", name="Tilbagekald").click()
    expect(page.get_by_text("Nøglen er tilbagekaldt.")).to_be_visible()
    assert token not in page.content()
    assert _status(url, token) == 401
