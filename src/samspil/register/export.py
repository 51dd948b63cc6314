"""``samspil register export --format hsds|popolo|csv --out DIR``: open data.

* ``hsds``: Open Referral HSDS 3.0 tabular files with HSDS's file and column names
  (organizations.csv, organization_identifiers.csv, services.csv, locations.csv,
  addresses.csv, contacts.csv, phones.csv, attributes.csv, taxonomy_terms.csv) and the same
  organizations as nested JSON (organizations.json, with their services and contacts).
  Municipalities appear as organizations too, their contact points as contacts with the
  unit as ``department``.
* ``popolo``: popolo.json with ``organizations`` (collaborations, classification
  ``collaboration``; the actors and municipalities taking part) and ``memberships``.
* ``csv``: actors.csv in the import's columns (so an export imports again),
  contact_points.csv, collaborations.csv and memberships.csv.

Personal data leave the register only when public: a contact who names a person without
their recorded consent is exported with function, topic and unit but no name, e-mail or
phone. A self-registered actor is left out until its e-mailed link is opened. Value
reports and assessments are not open data and are not exported.

Freshness (samspil.register.freshness): records unconfirmed for 24 months are left out;
those unconfirmed for 12 months are marked "ikke bekræftet": in HSDS by the attribute of
the term ``ikke_bekraeftet`` (taxonomy ``verification``), in the CSV files by the
``verified_at`` and ``status`` columns of freshness.csv. HSDS services carry their
confirmation date as ``assured_date`` (``assurer_email`` stays empty: it would name a person).
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from samspil.municipalities.models import Municipality
from samspil.register import freshness
from samspil.register.models import (
    Collaboration,
    Contact,
    Location,
    Membership,
    Organization,
    Service,
)
from samspil.register.taxonomy import taxonomy

FORMATS = ("hsds", "popolo", "csv")
UNCONFIRMED = "ikke_bekraeftet"  # the HSDS taxonomy term of a record marked unconfirmed
NAMESPACE = uuid.UUID("6c1f0b7e-5d0b-4d43-9d52-6a6e2f3c9a11")  # samspil's own ids

HSDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "organizations.csv": (
        "id", "name", "alternate_name", "description", "email", "website", "tax_id",
        "legal_status", "uri", "parent_organization_id", "tax_status", "year_incorporated",
        "logo",
    ),
    "organization_identifiers.csv": (
        "id", "organization_id", "identifier_scheme", "identifier_type", "identifier",
    ),
    "services.csv": (
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
        "email", "status", "interpretation_services", "application_process",
        "fees_description", "accreditations", "eligibility_description", "minimum_age",
        "maximum_age", "assured_date", "assurer_email", "alert", "last_modified", "wait_time",
        "fees", "licenses",
    ),
    "locations.csv": (
        "id", "location_type", "url", "organization_id", "name", "alternate_name",
        "description", "latitude", "longitude", "transportation", "external_identifier",
        "external_identifier_type",
    ),
    "addresses.csv": (
        "id", "location_id", "attention", "address_1", "address_2", "city", "region",
        "state_province", "postal_code", "country", "address_type",
    ),
    "contacts.csv": (
        "id", "organization_id", "service_id", "service_at_location_id", "location_id",
        "name", "title", "department", "email",
    ),
    "phones.csv": (
        "id", "location_id", "service_id", "organization_id", "contact_id",
        "service_at_location_id", "number", "extension", "type", "description",
    ),
    "taxonomy_terms.csv": (
        "id", "code", "name", "description", "parent_id", "taxonomy", "language",
        "taxonomy_id", "term_uri",
    ),
    "attributes.csv": (
        "id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label",
    ),
}  # fmt: skip


def municipality_uuid(municipality: Municipality) -> str:
    return str(uuid.uuid5(NAMESPACE, f"kommune/{municipality.code}"))


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> int:
    columns = list(columns)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
            count += 1
    return count


def public_contact(contact: Contact) -> dict[str, str]:
    """The contact's name, e-mail and phone when public, else empty strings."""
    if contact.is_public_person:
        return {"name": contact.name, "email": contact.email, "phone": contact.phone}
    return {"name": "", "email": "", "phone": ""}


def public_actors() -> QuerySet[Organization]:
    """The actors in open data: a self-registration only once confirmed, as on the pages;
    not those unconfirmed for 24 months (samspil.register.freshness)."""
    return _actors()


def _actors() -> QuerySet[Organization]:
    """The actors in open data: a self-registration only once confirmed, as on the pages."""
    return freshness.public(Organization.objects.filter(confirmed=True))


def _contacts() -> Iterator[Contact]:
    contacts = freshness.public(Contact.objects.exclude(organization__confirmed=False))
    contacts = contacts.exclude(
        organization__isnull=False, organization__verified_at__lt=freshness.hide_before()
    )
    return contacts.select_related("municipality", "unit").order_by("pk").iterator()


def export(fmt: str, out: Path) -> dict[str, int]:
    """Write the files of one format into ``out``; returns rows per file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    return {"hsds": export_hsds, "popolo": export_popolo, "csv": export_csv}[fmt](out)


# -- HSDS ---------------------------------------------------------------------------------


def hsds_organization(actor: Organization) -> dict[str, Any]:
    """An actor as an HSDS organization (the export's row; the API's object)."""
    return {
        "id": str(actor.uuid),
        "name": actor.name,
        "alternate_name": actor.alternate_name,
        "description": actor.description or taxonomy().label("actor_types", actor.actor_type),
        "email": actor.email,
        "website": actor.website,
        "tax_id": actor.tax_id,
    }


def _hsds_organizations() -> Iterator[dict[str, Any]]:
    for actor in _actors().order_by("pk").iterator(chunk_size=2000):
        yield hsds_organization(actor)
    for municipality in Municipality.objects.filter(contact_points__isnull=False).distinct():
        yield {
            "id": municipality_uuid(municipality),
            "name": f"{municipality.name} Kommune",
            "description": f"Kommunekode {municipality.code:03d}",
            "legal_status": "kommune",
        }


def _hsds_contacts() -> Iterator[dict[str, Any]]:
    org_uuid = dict(_actors().values_list("pk", "uuid"))
    for contact in _contacts():
        owner = (
            str(org_uuid[contact.organization_id])
            if contact.organization_id
            else municipality_uuid(contact.municipality)  # type: ignore[arg-type]
        )
        person = public_contact(contact)
        department = contact.unit.name if contact.unit_id else ""  # type: ignore[union-attr]
        yield {
            "id": str(contact.uuid),
            "organization_id": owner,
            "name": person["name"],
            "title": " - ".join(p for p in (contact.title, contact.topic) if p),
            "department": department,
            "email": person["email"],
            "_phone": person["phone"],
            "_unconfirmed": freshness.is_unconfirmed(contact.verified_at),
        }


def public_services() -> QuerySet[Service]:
    """The services in open data: those of the actors in open data."""
    services = freshness.public(
        Service.objects.filter(organization__confirmed=True), "organization__"
    )
    return services.select_related("organization")


def hsds_service(service: Service) -> dict[str, Any]:
    """A service as an HSDS service (``_areas`` become attributes)."""
    return {
        "id": str(service.uuid),
        "organization_id": str(service.organization.uuid),
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "assured_date": service.verified_at.date().isoformat() if service.verified_at else "",
        "_areas": service.areas,
    }


def _hsds_services() -> Iterator[dict[str, Any]]:
    """What actors offer (HSDS service; ``_areas`` become attributes)."""
    for service in public_services().order_by("pk").iterator(chunk_size=2000):
        yield hsds_service(service)


def public_locations() -> QuerySet[Location]:
    """The actors' addresses in open data: those of the actors in open data."""
    return Location.objects.select_related(
        "organization__municipality", "unit__municipality"
    ).filter(organization__in=_actors())


def hsds_location(loc: Location) -> dict[str, Any]:
    """An actor's address as an HSDS location."""
    return {
        "id": str(loc.uuid),
        "location_type": "physical",
        "organization_id": str(loc.organization.uuid),  # type: ignore[union-attr]
        "name": loc.organization.name,  # type: ignore[union-attr]
    }


def hsds_address(loc: Location) -> dict[str, Any]:
    """The HSDS address of a location."""
    return {
        "id": _id("address", loc.uuid),
        "location_id": str(loc.uuid),
        "address_1": loc.address_1,
        "city": loc.city,
        # HSDS requires state_province; Denmark has none: the municipality.
        "state_province": loc.organization.municipality.name,  # type: ignore[union-attr]
        "postal_code": loc.postal_code,
        "country": loc.country,
        "address_type": "physical",
    }


def _attribute(entity: str, link_id: object, kind: str, code: str) -> dict[str, Any]:
    """An HSDS attribute: taxonomy term ``code`` of list ``kind`` applies to the entity."""
    return {
        "id": _id("attribute", link_id, kind, code),
        "link_id": str(link_id),
        "taxonomy_term_id": _id("term", kind, code),
        "link_type": kind,
        "link_entity": entity,
    }


def export_hsds(out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    organizations = list(_hsds_organizations())
    counts["organizations.csv"] = _write_csv(
        out / "organizations.csv", HSDS_COLUMNS["organizations.csv"], organizations
    )
    actors = _actors().order_by("pk")
    counts["organization_identifiers.csv"] = _write_csv(
        out / "organization_identifiers.csv",
        HSDS_COLUMNS["organization_identifiers.csv"],
        (
            {
                "id": _id("cvr", a.uuid),
                "organization_id": str(a.uuid),
                "identifier_scheme": "DK-CVR",
                "identifier_type": "CVR-nummer",
                "identifier": a.tax_id,
            }
            for a in actors.exclude(tax_id="").iterator(chunk_size=2000)
        ),
    )
    services = list(_hsds_services())
    counts["services.csv"] = _write_csv(
        out / "services.csv", HSDS_COLUMNS["services.csv"], services
    )
    locations = list(public_locations().order_by("pk"))
    counts["locations.csv"] = _write_csv(
        out / "locations.csv",
        HSDS_COLUMNS["locations.csv"],
        (hsds_location(loc) for loc in locations),
    )
    counts["addresses.csv"] = _write_csv(
        out / "addresses.csv",
        HSDS_COLUMNS["addresses.csv"],
        (hsds_address(loc) for loc in locations),
    )
    contacts = list(_hsds_contacts())
    counts["contacts.csv"] = _write_csv(
        out / "contacts.csv", HSDS_COLUMNS["contacts.csv"], contacts
    )
    phones = [
        {"id": _id("phone", c["id"]), "contact_id": c["id"], "number": c["_phone"], "type": "voice"}
        for c in contacts
        if c["_phone"]
    ]
    phones += [
        {
            "id": _id("phone", a.uuid),
            "organization_id": str(a.uuid),
            "number": a.phone,
            "type": "voice",
        }
        for a in actors.exclude(phone="").iterator(chunk_size=2000)
    ]
    counts["phones.csv"] = _write_csv(out / "phones.csv", HSDS_COLUMNS["phones.csv"], phones)
    terms = [
        {
            "id": _id("term", kind, t.code),
            "code": t.code,
            "name": t.label,
            "description": t.label,
            "taxonomy": kind,
            "language": "da",
        }
        for kind in ("actor_types", "areas")
        for t in taxonomy().terms(kind)
    ]
    terms.append(
        {
            "id": _id("term", "verification", UNCONFIRMED),
            "code": UNCONFIRMED,
            "name": "ikke bekræftet",
            "description": "Ikke bekræftet af aktøren eller kommunen i over 12 måneder",
            "taxonomy": "verification",
            "language": "da",
        }
    )
    counts["taxonomy_terms.csv"] = _write_csv(
        out / "taxonomy_terms.csv", HSDS_COLUMNS["taxonomy_terms.csv"], terms
    )

    def attributes() -> Iterator[dict[str, Any]]:
        for uid, actor_type, areas in actors.values_list("uuid", "actor_type", "areas").iterator(
            chunk_size=2000
        ):
            for kind, code in [("actor_types", actor_type)] + [("areas", a) for a in areas]:
                yield _attribute("organization", uid, kind, code)
        marked = actors.filter(verified_at__lt=freshness.mark_before())
        for uid in marked.values_list("uuid", flat=True).iterator(chunk_size=2000):
            yield _attribute("organization", uid, "verification", UNCONFIRMED)
        for contact in contacts:
            if contact["_unconfirmed"]:
                yield _attribute("contact", contact["id"], "verification", UNCONFIRMED)
        for service in services:  # a service's areas of work
            for code in service["_areas"]:
                yield _attribute("service", service["id"], "areas", code)

    counts["attributes.csv"] = _write_csv(
        out / "attributes.csv", HSDS_COLUMNS["attributes.csv"], attributes()
    )
    by_org: dict[str, list[dict[str, Any]]] = {}
    for c in contacts:
        entry = {k: c[k] for k in ("id", "name", "title", "department")}
        entry["email"] = c["email"] or None  # absent, not "" (issue 18)
        entry["phones"] = [{"number": c["_phone"]}] if c["_phone"] else []
        by_org.setdefault(c["organization_id"], []).append(entry)
    services_of: dict[str, list[dict[str, Any]]] = {}
    for service in services:
        entry = {k: v for k, v in service.items() if v and not k.startswith("_")}
        services_of.setdefault(service["organization_id"], []).append(entry)
    nested = [
        {
            **{k: v for k, v in o.items() if v},
            "services": services_of.get(o["id"], []),
            "contacts": by_org.get(o["id"], []),
        }
        for o in organizations
    ]
    (out / "organizations.json").write_text(
        json.dumps(nested, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    counts["organizations.json"] = len(nested)
    return counts


# -- Popolo -------------------------------------------------------------------------------


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_popolo(out: Path) -> dict[str, int]:
    organizations: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    members: dict[str, dict[str, Any]] = {}
    collaborations = Collaboration.objects.prefetch_related(
        "memberships__organization", "memberships__municipality"
    ).order_by("pk")
    for collab in collaborations:
        organizations.append(
            {
                "id": str(collab.uuid),
                "name": collab.title,
                "classification": "collaboration",
                "founding_date": _date(collab.start_date),
                "dissolution_date": _date(collab.end_date),
                "other_names": [],
                "identifiers": [],
                "links": [],
                "summary": collab.description,
                "form": collab.form,
                "areas": collab.areas,
            }
        )
        for m in collab.memberships.all():
            if m.organization is not None:
                member_id = str(m.organization.uuid)
                members[member_id] = {
                    "id": member_id,
                    "name": m.organization.name,
                    "classification": m.organization.actor_type,
                    "identifiers": (
                        [{"identifier": m.organization.tax_id, "scheme": "DK-CVR"}]
                        if m.organization.tax_id
                        else []
                    ),
                }
            else:
                municipality = m.municipality
                member_id = municipality_uuid(municipality)  # type: ignore[arg-type]
                members[member_id] = {
                    "id": member_id,
                    "name": f"{municipality.name} Kommune",  # type: ignore[union-attr]
                    "classification": "kommune",
                    "identifiers": [
                        {"identifier": f"{municipality.code:03d}", "scheme": "DK-KOMMUNEKODE"}  # type: ignore[union-attr]
                    ],
                }
            memberships.append(_membership(m, collab, member_id))
    organizations += sorted(members.values(), key=lambda o: o["id"])
    data = {"organizations": organizations, "memberships": memberships}
    (out / "popolo.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return {"popolo.json": len(organizations) + len(memberships)}


def _membership(m: Membership, collab: Collaboration, member_id: str) -> dict[str, Any]:
    return {
        "id": _id("membership", m.pk, collab.uuid),
        "label": taxonomy().label("roles", m.role),
        "role": m.role,
        "member": {"@type": "Organization", "id": member_id},
        "organization_id": str(collab.uuid),
        "start_date": _date(m.start_date or collab.start_date),
        "end_date": _date(m.end_date or collab.end_date),
    }


# -- flat CSV -----------------------------------------------------------------------------


def _freshness_rows() -> Iterator[dict[str, Any]]:
    """Each exported actor and contact point with its confirmation date and state."""
    cut = freshness.mark_before()

    def state(at: Any) -> str:
        return "bekræftet" if at is not None and at >= cut else "ikke bekræftet"

    for a in _actors().select_related("municipality").order_by("pk").iterator(chunk_size=2000):
        yield {
            "kind": "aktør",
            "id": str(a.uuid),
            "name": a.name,
            "kommune": a.municipality.code,
            "verified_at": a.verified_at.isoformat() if a.verified_at else "",
            "status": state(a.verified_at),
        }
    for c in _contacts():
        if c.municipality_id is None:
            continue
        yield {
            "kind": "kontaktpunkt",
            "id": str(c.uuid),
            "name": c.title or c.topic,
            "kommune": c.municipality.code,  # type: ignore[union-attr]
            "verified_at": c.verified_at.isoformat() if c.verified_at else "",
            "status": state(c.verified_at),
        }


def export_csv(out: Path) -> dict[str, int]:
    from samspil.register import fields

    counts = {}
    actors = _actors().select_related("municipality").prefetch_related("locations")

    def actor_rows() -> Iterator[dict[str, Any]]:
        """The import's columns (the field table's), so an export imports again."""
        for a in actors.order_by("pk").iterator(chunk_size=2000):
            loc = next(iter(a.locations.all()), None)
            yield {f.column: f.cell(f.value_of(a, loc)) for f in fields.ACTOR_FIELDS if f.column}

    counts["actors.csv"] = _write_csv(out / "actors.csv", fields.COLUMNS, actor_rows())

    def contact_rows() -> Iterator[dict[str, Any]]:
        for c in _contacts():
            if c.municipality_id is None:
                continue
            yield {
                "id": str(c.uuid),
                "kommune": c.municipality.code,  # type: ignore[union-attr]
                "unit": c.unit.name if c.unit_id else "",  # type: ignore[union-attr]
                "topic": c.topic,
                "areas": ";".join(c.areas),
                "title": c.title,
                **public_contact(c),
            }

    counts["contact_points.csv"] = _write_csv(
        out / "contact_points.csv",
        ("id", "kommune", "unit", "topic", "areas", "title", "name", "email", "phone"),
        contact_rows(),
    )
    counts["freshness.csv"] = _write_csv(
        out / "freshness.csv",
        ("kind", "id", "name", "kommune", "verified_at", "status"),
        _freshness_rows(),
    )
    collab_columns = (
        "id", "title", "form", "initiative", "organisation", "character", "fixed_meetings",
        "coordinator", "payment", "areas", "target_groups", "start_date", "end_date", "goals",
    )  # fmt: skip

    def collab_rows() -> Iterator[dict[str, Any]]:
        for c in Collaboration.objects.order_by("pk").iterator(chunk_size=2000):
            row = {k: getattr(c, k) for k in collab_columns if k != "id"}
            row.update(
                id=str(c.uuid), areas=";".join(c.areas), target_groups=";".join(c.target_groups)
            )
            yield row

    counts["collaborations.csv"] = _write_csv(
        out / "collaborations.csv", collab_columns, collab_rows()
    )
    memberships = Membership.objects.select_related("collaboration", "organization", "municipality")
    counts["memberships.csv"] = _write_csv(
        out / "memberships.csv",
        ("collaboration_id", "member_id", "member_name", "kommune", "role"),
        (
            {
                "collaboration_id": str(m.collaboration.uuid),
                "member_id": str(m.organization.uuid)
                if m.organization
                else municipality_uuid(m.municipality),  # type: ignore[arg-type]
                "member_name": m.organization.name if m.organization else m.municipality.name,  # type: ignore[union-attr]
                "kommune": m.municipality.code if m.municipality else "",
                "role": m.role,
            }
            for m in memberships.order_by("pk").iterator(chunk_size=2000)
        ),
    )
    return counts
