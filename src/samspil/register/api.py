"""The register's open data in the shape of the HSDS 3.0 API (docs/api.md), composed into
``/api/v1/hsds/`` by ``samspil.web.api``.

Public, as the open data is: no token needed (a ``register`` token makes the requests count
against the token instead of the client's address). The records are those of the file
export (``samspil.register.export``: the same rows, built by the same functions): confirmed
actors and their services and addresses, without those unconfirmed for 24 months; records
unconfirmed for 12 months carry the ``ikke_bekraeftet`` attribute (taxonomy
``verification``). Each list pages as HSDS's API does (``page``, ``per_page``; the answer is
a Page: ``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``,
``last_page``, ``empty``, ``contents``) and filters by ``municipality`` (code or name) and
``area`` (a code of the areas of work).
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from samspil.register import export, freshness
from samspil.register.search import filter_area
from samspil.register.taxonomy import taxonomy
from samspil.web.apitokens import OptionalToken

router = Router(tags=["hsds"])
MAX_PER_PAGE = 500


class Problem(Schema):
    detail: str


class Filters(Schema):
    municipality: str | None = Field(
        None, description="A municipality's code (751) or name (Aarhus)", max_length=100
    )
    area: str | None = Field(
        None, description="An area of work's code (e.g. kultur)", max_length=50
    )
    page: int = Field(1, ge=1, le=1_000_000, description="The page, from 1")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE, description="Rows a page")


class Attribute(Schema):
    taxonomy: str
    code: str
    label: str


class Service(Schema):
    id: str
    organization_id: str
    name: str
    description: str
    status: str
    assured_date: str | None
    attributes: list[Attribute]


class Organization(Schema):
    id: str
    name: str
    alternate_name: str
    description: str
    email: str
    website: str
    tax_id: str
    attributes: list[Attribute]
    services: list[Service]


class Address(Schema):
    id: str
    location_id: str
    address_1: str
    city: str
    state_province: str
    postal_code: str
    country: str
    address_type: str


class Location(Schema):
    id: str
    location_type: str
    organization_id: str
    name: str
    addresses: list[Address]


class Page(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class OrganizationPage(Page):
    contents: list[Organization]


class ServicePage(Page):
    contents: list[Service]


class LocationPage(Page):
    contents: list[Location]


class Invalid(Schema):
    detail: list[dict[str, Any]]


REFUSALS: dict[int, Any] = {401: Problem, 422: Invalid, 429: Problem}


def _attributes(kind: str, codes: list[str]) -> list[dict[str, str]]:
    return [
        {"taxonomy": kind, "code": code, "label": taxonomy().label(kind, code)} for code in codes
    ]


def _unconfirmed(verified_at: Any) -> list[dict[str, str]]:
    if not freshness.is_unconfirmed(verified_at):
        return []
    return [{"taxonomy": "verification", "code": export.UNCONFIRMED, "label": "ikke bekræftet"}]


def _in_municipality(queryset: QuerySet[Any], text: str | None, path: str) -> QuerySet[Any]:
    if not text:
        return queryset
    text = text.strip()
    if text.isdigit():
        return queryset.filter(**{f"{path}municipality__code": int(text)})
    name = text.removesuffix(" Kommune").removesuffix(" kommune")
    return queryset.filter(**{f"{path}municipality__name__iexact": name})


def _page(queryset: QuerySet[Any], filters: Filters) -> tuple[dict[str, Any], list[Any]]:
    total = queryset.count()
    pages = max(1, math.ceil(total / filters.per_page))
    start = (filters.page - 1) * filters.per_page
    rows = list(queryset.order_by("pk")[start : start + filters.per_page]) if start < total else []
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": filters.page,
        "size": len(rows),
        "first_page": filters.page == 1,
        "last_page": filters.page >= pages,
        "empty": not rows,
    }, rows


def _service(service: Any) -> dict[str, Any]:
    row = export.hsds_service(service)
    areas = row.pop("_areas")
    row["assured_date"] = row["assured_date"] or None
    row["attributes"] = _attributes("areas", areas) + _unconfirmed(service.verified_at)
    return row


@router.get(
    "/organizations",
    response={200: OrganizationPage, **REFUSALS},
    auth=OptionalToken("register"),
)
def organizations(request: HttpRequest, filters: Query[Filters]) -> Any:
    """The civil actors in open data, with their services."""
    actors = _in_municipality(export.public_actors(), filters.municipality, "")
    if filters.area:
        actors = filter_area(actors, filters.area)
    page, rows = _page(actors, filters)
    services: dict[int, list[dict[str, Any]]] = {}
    for service in export.public_services().filter(organization__in=[a.pk for a in rows]):
        services.setdefault(service.organization_id, []).append(_service(service))
    contents = []
    for actor in rows:
        row = {k: v or "" for k, v in export.hsds_organization(actor).items()}
        row["attributes"] = (
            _attributes("actor_types", [actor.actor_type])
            + _attributes("areas", actor.areas)
            + _unconfirmed(actor.verified_at)
        )
        row["services"] = services.get(actor.pk, [])
        contents.append(row)
    return {**page, "contents": contents}


@router.get("/services", response={200: ServicePage, **REFUSALS}, auth=OptionalToken("register"))
def services(request: HttpRequest, filters: Query[Filters]) -> Any:
    """What the actors in open data offer."""
    rows = _in_municipality(export.public_services(), filters.municipality, "organization__")
    if filters.area:
        rows = filter_area(rows, filters.area)
    page, found = _page(rows, filters)
    return {**page, "contents": [_service(s) for s in found]}


@router.get("/locations", response={200: LocationPage, **REFUSALS}, auth=OptionalToken("register"))
def locations(request: HttpRequest, filters: Query[Filters]) -> Any:
    """The addresses of the actors in open data (``area``: the actor's areas of work)."""
    rows = _in_municipality(export.public_locations(), filters.municipality, "organization__")
    if filters.area:
        actors = filter_area(export.public_actors(), filters.area)
        rows = rows.filter(Q(organization__in=actors))
    page, found = _page(rows, filters)
    contents = [
        {**export.hsds_location(loc), "addresses": [export.hsds_address(loc)]} for loc in found
    ]
    return {**page, "contents": contents}
