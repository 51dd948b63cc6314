"""The register's open data through the API in HSDS's shape: public, the same records as
the file export (stale and unconfirmed actors left out), filters and paging."""

from __future__ import annotations

import csv

import pytest

from samspil.register.export import export_hsds
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def _names(page: dict) -> list[str]:
    return [row["name"] for row in page["contents"]]


def test_the_register_endpoints_are_public_and_leave_out_stale_and_unconfirmed_actors(
    client, actors
):
    page = client.get("/api/v1/hsds/organizations").json()
    assert _names(page) == ["Boldklubben Øst", "Koret", "Spejderne"]
    assert page["total_items"] == 3 and page["page_number"] == 1 and page["last_page"]
    services = client.get("/api/v1/hsds/services").json()
    assert len(services["contents"]) == 3
    locations = client.get("/api/v1/hsds/locations").json()
    assert _names(locations) == ["Boldklubben Øst", "Koret", "Spejderne"]
    assert locations["contents"][0]["addresses"][0]["state_province"] == "Aarhus"


def test_the_api_gives_the_records_of_the_hsds_export(client, actors, tmp_path):
    export_hsds(tmp_path)

    def ids(name: str) -> set[str]:
        with open(tmp_path / name, encoding="utf-8") as handle:
            return {row["id"] for row in csv.DictReader(handle)}

    for endpoint, file in (
        ("organizations", "organizations.csv"),
        ("services", "services.csv"),
        ("locations", "locations.csv"),
    ):
        got = {row["id"] for row in client.get(f"/api/v1/hsds/{endpoint}").json()["contents"]}
        assert got == ids(file), endpoint


def test_the_hsds_export_leaves_out_the_addresses_of_hidden_actors(actors, tmp_path):
    export_hsds(tmp_path)
    text = (tmp_path / "locations.csv").read_text(encoding="utf-8")
    addresses = (tmp_path / "addresses.csv").read_text(encoding="utf-8")
    assert "Den glemte forening" not in text and "Ny forening" not in text
    assert "stalevej" not in addresses and "pendingvej" not in addresses


def test_a_record_unconfirmed_for_12_months_carries_the_mark(client, actors):
    page = client.get("/api/v1/hsds/organizations").json()
    marks = {
        row["name"]: [a["code"] for a in row["attributes"] if a["taxonomy"] == "verification"]
        for row in page["contents"]
    }
    assert marks == {"Boldklubben Øst": [], "Koret": ["ikke_bekraeftet"], "Spejderne": []}
    choir = next(row for row in page["contents"] if row["name"] == "Koret")
    assert [s["name"] for s in choir["services"]] == ["Tilbud fra Koret"]


def test_filters_by_municipality_and_area(client, actors):
    get = client.get
    assert _names(get("/api/v1/hsds/organizations?municipality=751").json()) == [
        "Boldklubben Øst",
        "Koret",
    ]
    assert _names(get("/api/v1/hsds/organizations?municipality=Odense Kommune").json()) == [
        "Spejderne"
    ]
    assert _names(get("/api/v1/hsds/organizations?municipality=odense").json()) == ["Spejderne"]
    assert _names(get("/api/v1/hsds/organizations?area=sundhed").json()) == ["Koret"]
    assert _names(get("/api/v1/hsds/organizations?municipality=751&area=skole").json()) == []
    assert _names(get("/api/v1/hsds/services?area=kultur&municipality=751").json()) == [
        "Tilbud fra Boldklubben Øst",
        "Tilbud fra Koret",
    ]
    assert _names(get("/api/v1/hsds/locations?area=skole").json()) == ["Spejderne"]
    assert get("/api/v1/hsds/organizations?municipality=Atlantis").json()["total_items"] == 0


def test_pages_follow_hsds(client, actors):
    first = client.get("/api/v1/hsds/organizations?per_page=2").json()
    second = client.get("/api/v1/hsds/organizations?per_page=2&page=2").json()
    beyond = client.get("/api/v1/hsds/organizations?per_page=2&page=3").json()
    assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert _names(first) + _names(second) == ["Boldklubben Øst", "Koret", "Spejderne"]
    assert second["last_page"] and not second["first_page"] and second["size"] == 1
    assert beyond["empty"] and beyond["contents"] == []
    assert client.get("/api/v1/hsds/organizations?per_page=501").status_code == 422
    assert client.get("/api/v1/hsds/organizations?page=0").status_code == 422


def test_a_token_on_a_public_endpoint_must_be_valid(client, actors, researcher):
    assert client.get("/api/v1/hsds/services", **bearer("samspil_nope")).status_code == 401
    assert (
        client.get(
            "/api/v1/hsds/services", **bearer(make_token(researcher, "register"))
        ).status_code
        == 200
    )
    # a token of another scope reads the public data like no token
    assert (
        client.get("/api/v1/hsds/services", **bearer(make_token(researcher, "studies"))).status_code
        == 200
    )
