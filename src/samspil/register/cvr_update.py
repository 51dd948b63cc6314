"""``samspil register cvr FILE``: bring actors up to date from a CVR search export.

The file has the columns ``cvr,name,address,postcode,city,status`` (what a search on
datacvr.virk.dk exports). Actors with the row's CVR number get the CVR register's name and
address, and its status; an actor whose company has ceased (status "OPHØRT", "OPLØST ...",
"TVANGSOPLØST", "SLETTET") is flagged ``ceased``. The file is checked whole first: any bad
row (a CVR number failing its check digit, a CVR number twice, an unknown status, a
postcode without 4 digits) names file, row and column and nothing changes. Every change is
listed for review. The update does not confirm the records (freshness): the CVR register
is not the actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from samspil.importing import DataImportError, Problem
from samspil.register.cvr import CvrError, clean_cvr
from samspil.register.importer import read_with_columns
from samspil.register.models import Location, Organization

COLUMNS = ("cvr", "name", "address", "postcode", "city", "status")
ACTIVE = (
    "NORMAL",
    "AKTIV",
    "UNDER KONKURS",
    "UNDER FRIVILLIG LIKVIDATION",
    "UNDER REKONSTRUKTION",
    "UNDER TVANGSOPLØSNING",
    "UNDER REASSUMERING",
)
CEASED = ("OPHØRT", "OPLØST", "TVANGSOPLØST", "SLETTET")  # and "OPLØST EFTER ..."


def is_ceased(status: str) -> bool:
    return any(status == word or status.startswith(word + " ") for word in CEASED)


@dataclass
class Row:
    row: int
    cvr: str
    name: str
    address: str
    postcode: str
    city: str
    status: str


@dataclass
class Outcome:
    changes: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    actors: int = 0


def read_rows(path: Path) -> list[Row]:
    """The file's rows, checked; DataImportError (file, row, column) when any is bad."""
    table = read_with_columns(path, COLUMNS, lower=True)
    file = str(path)
    problems: list[Problem] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(table.to_dict("records"), start=2):
        cells = {c: " ".join(str(record.get(c) or "").split()) for c in COLUMNS}
        if not any(cells.values()):
            continue
        found = _check_row(cells, seen, number)
        problems += [Problem(file, number, column, message) for column, message in found]
        rows.append(
            Row(
                number,
                _cvr_or_blank(cells["cvr"]),
                cells["name"],
                cells["address"],
                cells["postcode"],
                cells["city"],
                cells["status"].upper(),
            )
        )
    if problems:
        raise DataImportError(problems)
    if not rows:
        raise DataImportError([Problem(file, None, None, "the file has no rows")])
    return rows


def _cvr_or_blank(text: str) -> str:
    try:
        return clean_cvr(text)
    except CvrError:
        return ""


def _check_row(cells: dict[str, str], seen: dict[str, int], number: int) -> list[tuple[str, str]]:
    """The row's problems as (column, message); records a good CVR number in ``seen``."""
    found: list[tuple[str, str]] = []
    if not cells["cvr"]:
        found.append(("cvr", "a value is required"))
    else:
        try:
            cvr = clean_cvr(cells["cvr"])
        except CvrError as exc:
            found.append(("cvr", str(exc)))
        else:
            if cvr in seen:
                found.append(("cvr", f"CVR {cvr} also on row {seen[cvr]}"))
            else:
                seen[cvr] = number
    if not cells["name"]:
        found.append(("name", "a value is required"))
    postcode = cells["postcode"]
    if postcode and not (postcode.isdigit() and len(postcode) == 4):
        found.append(("postcode", f"a postcode has 4 digits, not {postcode!r}"))
    if cells["address"] and not postcode:
        found.append(("postcode", "needed with an address"))
    if cells["address"] and not cells["city"]:
        found.append(("city", "needed with an address"))
    status = cells["status"].upper()
    if not status:
        found.append(("status", "a value is required"))
    elif status not in ACTIVE and not is_ceased(status):
        found.append(("status", f"unknown CVR status {cells['status']!r}"))
    return found


def update_from_cvr(path: Path) -> Outcome:
    """Apply the file to the register (all or nothing); the changes as lines for review."""
    rows = read_rows(path)
    outcome = Outcome()
    by_cvr: dict[str, list[Organization]] = {}
    for actor in Organization.objects.filter(tax_id__in=[r.cvr for r in rows]).prefetch_related(
        "locations"
    ):
        by_cvr.setdefault(actor.tax_id, []).append(actor)
    with transaction.atomic():
        for row in rows:
            actors = by_cvr.get(row.cvr, [])
            if not actors:
                outcome.unmatched.append(
                    f"row {row.row}: CVR {row.cvr} ({row.name}) is not in the register"
                )
            for actor in actors:
                changed = _apply(actor, row)
                if changed:
                    outcome.actors += 1
                    outcome.changes.append(
                        f"row {row.row}: CVR {row.cvr} {actor.name}: " + "; ".join(changed)
                    )
    return outcome


def _apply(actor: Organization, row: Row) -> list[str]:
    changed = []
    if row.name != actor.name:
        changed.append(f"name {actor.name!r} -> {row.name!r}")
        actor.name = row.name
    if row.address:
        location = next(iter(actor.locations.all()), None)  # type: ignore[attr-defined]
        old = (location.address_1, location.postal_code, location.city) if location else None
        new = (row.address, row.postcode, row.city)
        if old != new:
            shown = ", ".join(p for p in (old or ()) if p) or "none"
            changed.append(f"address {shown!r} -> {', '.join(new)!r}")
            if location is None:
                location = Location(organization=actor)
            location.address_1, location.postal_code, location.city = new
            location.save()
    ceased = is_ceased(row.status)
    if ceased and not actor.ceased:
        changed.append(f"the company has ceased ({row.status})")
    elif actor.ceased and not ceased:
        changed.append(f"the company is active again ({row.status})")
    if changed or row.status != actor.cvr_status:
        actor.cvr_status, actor.ceased = row.status, ceased
        actor.save()  # the search text follows the name and address
    return changed
