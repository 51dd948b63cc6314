"""``samspil register import --actors FILE``: civil actors from CSV or XLSX, all or nothing.

Columns, exactly: ``name,type,kommune,cvr,address,postcode,city,email,phone,website,areas,
target_groups``. ``type`` and each of the ``;``-separated ``areas`` take the Danish label
or the code from taxonomy.yaml; ``kommune`` a municipality name or code; ``cvr`` is
checked (8 digits, modulus 11); ``target_groups`` is ``;``-separated free text.

Every problem is collected with file, row and column (samspil.importing.Problem) and
nothing is written unless the whole file is valid.

Duplicates are never merged:

* **same CVR number** as an actor already in the register or an earlier row: the row is
  held back (not imported) and listed for review;
* **similar name and address in the same municipality** (or the same name when there is
  no address): the row is imported and listed for review, since two associations may well
  share a community house.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.utils import timezone

from samspil.fieldwork.models import Municipality
from samspil.fieldwork.municipalities import normalise as normalise_municipality
from samspil.fieldwork.respondents_import import _municipality_lookup
from samspil.importing import DataImportError, Problem, read_table
from samspil.register.cvr import CvrError, clean_cvr
from samspil.register.formats import ACTOR_COLUMNS
from samspil.register.models import Location, Organization, actor_search_text
from samspil.register.taxonomy import taxonomy

COLUMNS = ACTOR_COLUMNS
REQUIRED = ("name", "type", "kommune")
SIMILAR_NAME = 0.85
MAX_PROBLEMS = 200
BATCH = 2000


@dataclass
class ActorRow:
    """A valid row, not yet written (plain values: model instances cost too much at 100,000
    rows)."""

    row: int
    name: str
    actor_type: str
    municipality: Municipality
    tax_id: str
    email: str
    phone: str
    website: str
    areas: list[str]
    target_groups: list[str]
    address: str
    postcode: str
    city: str
    alternate_name: str = ""
    description: str = ""


@dataclass
class Review:
    """A row reported for review: held back (same CVR) or imported (similar)."""

    row: int
    name: str
    reason: str
    held_back: bool


@dataclass
class ImportOutcome:
    imported: int = 0
    reviews: list[Review] = field(default_factory=list)

    @property
    def held_back(self) -> int:
        return sum(r.held_back for r in self.reviews)


def _codes(kind: str) -> str:
    """The accepted codes, for messages (the Danish labels are accepted too)."""
    return ", ".join(t.code for t in taxonomy().terms(kind)) + " (or their Danish labels)"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _key(text: str) -> str:
    """Name or address for comparison: lower case, letters and digits, single spaces."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def read_actors(path: Path) -> tuple[list[ActorRow], list[Problem]]:
    """The file's rows as unsaved actors, and every problem found."""
    table = read_table(path).frame
    file = str(path)
    header = [str(c).strip() for c in table.columns]
    problems = [
        Problem(file, 1, c, "required column is missing") for c in COLUMNS if c not in header
    ]
    problems += [
        Problem(file, 1, c, f"unknown column (the columns are {','.join(COLUMNS)})")
        for c in header
        if c not in COLUMNS
    ]
    if problems:
        raise DataImportError(problems)
    table.columns = header
    checker = _RowChecker(file)
    rows: list[ActorRow] = []
    for offset, record in enumerate(table.to_dict(orient="records")):
        row = offset + 2  # row 1 is the header, as in a spreadsheet
        cells = {c: str(record.get(c, "") or "").strip() for c in COLUMNS}
        if not any(cells.values()):
            continue
        actor = checker.check(row, cells)
        if len(checker.problems) >= MAX_PROBLEMS:
            checker.problems.append(
                Problem(file, None, None, f"stopped after {MAX_PROBLEMS} problems")
            )
            break
        if actor is not None:
            rows.append(actor)
    return rows, checker.problems


class _RowChecker:
    """Checks one row's cells at a time, collecting every problem with row and column."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.tax = taxonomy()
        self.municipalities = _municipality_lookup()
        self.url = URLValidator(schemes=["http", "https"])

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, row, column, message))

    def check(self, row: int, cells: dict[str, str]) -> ActorRow | None:
        """The row as an actor, or None when its type or municipality is unusable."""
        for column in REQUIRED:
            if not cells[column]:
                self.problem(row, column, "a value is required")
        if len(cells["name"]) > 200:
            self.problem(row, "name", "longer than 200 characters")
        actor_type = self.tax.lookup("actor_types", cells["type"]) if cells["type"] else None
        if cells["type"] and actor_type is None:
            self.problem(
                row, "type", f"unknown type {cells['type']!r}; codes: {_codes('actor_types')}"
            )
        municipality = self.municipalities.get(normalise_municipality(cells["kommune"]))
        if cells["kommune"] and municipality is None:
            self.problem(
                row, "kommune", f"{cells['kommune']!r} is not a Danish municipality (name or code)"
            )
        cvr = self._cvr(row, cells["cvr"])
        self._address(row, cells)
        self._email(row, cells["email"])
        website = self._website(row, cells["website"])
        areas = self._areas(row, cells["areas"])
        if actor_type is None or municipality is None:
            return None
        return ActorRow(
            row=row,
            name=cells["name"],
            actor_type=actor_type,
            municipality=municipality,
            tax_id=cvr,
            email=cells["email"],
            phone=cells["phone"][:40],
            website=website,
            areas=areas,
            target_groups=_split(cells["target_groups"]),
            address=cells["address"],
            postcode=cells["postcode"],
            city=cells["city"],
        )

    def _cvr(self, row: int, text: str) -> str:
        if not text:
            return ""
        try:
            return clean_cvr(text)
        except CvrError as exc:
            self.problem(row, "cvr", str(exc))
            return ""

    def _address(self, row: int, cells: dict[str, str]) -> None:
        if cells["postcode"] and not re.fullmatch(r"\d{4}", cells["postcode"]):
            self.problem(row, "postcode", f"a postcode has 4 digits, not {cells['postcode']!r}")
        if cells["address"] and not (cells["postcode"] and cells["city"]):
            self.problem(
                row, "postcode" if not cells["postcode"] else "city", "needed with an address"
            )

    def _email(self, row: int, email: str) -> None:
        if not email:
            return
        try:
            validate_email(email)
        except ValidationError:
            self.problem(row, "email", f"{email!r} is not an e-mail address")

    def _website(self, row: int, text: str) -> str:
        website = text if not text or re.match(r"https?://", text) else "https://" + text
        if website:
            try:
                self.url(website)
            except ValidationError:
                self.problem(row, "website", f"{text!r} is not a web address")
        return website

    def _areas(self, row: int, text: str) -> list[str]:
        areas = []
        for part in _split(text):
            code = self.tax.lookup("areas", part)
            if code is None:
                self.problem(row, "areas", f"unknown area {part!r}; codes: {_codes('areas')}")
            else:
                areas.append(code)
        return list(dict.fromkeys(areas))


def find_duplicates(rows: list[ActorRow]) -> list[Review]:
    """Rows with the CVR number of an existing actor or an earlier row (held back), and rows
    whose name and address resemble another's in the same municipality (for review)."""
    reviews: list[Review] = []
    cvrs = {r.tax_id for r in rows if r.tax_id}
    known_cvr = (
        dict(Organization.objects.filter(tax_id__in=cvrs).values_list("tax_id", "name"))
        if cvrs
        else {}
    )
    first_row: dict[str, int] = {}
    for r in rows:
        cvr = r.tax_id
        if not cvr:
            continue
        if cvr in known_cvr:
            reviews.append(
                Review(
                    r.row,
                    r.name,
                    f"same CVR {cvr} as {known_cvr[cvr]!r} in the register",
                    True,
                )
            )
        elif cvr in first_row:
            reviews.append(Review(r.row, r.name, f"same CVR {cvr} as row {first_row[cvr]}", True))
        else:
            first_row[cvr] = r.row
    held = {rv.row for rv in reviews}

    # Similar names: compared only within a block (municipality + address, or municipality
    # + first letters of the name when there is no address), so the work stays linear.
    def block(municipality_id: int, name: str, address: str, postcode: str) -> tuple[object, ...]:
        if address:
            return (municipality_id, _key(address), postcode)
        return (municipality_id, "", _key(name)[:4])

    blocks: dict[tuple[object, ...], list[tuple[str, str]]] = defaultdict(list)
    municipality_ids = {r.municipality.pk for r in rows}
    existing = Location.objects.filter(
        organization__municipality_id__in=municipality_ids
    ).values_list("organization__municipality_id", "organization__name", "address_1", "postal_code")
    for municipality_id, name, address, postcode in existing.iterator():
        blocks[block(municipality_id, name, address, postcode)].append(
            (_key(name), repr(name) + " in the register")
        )
    for r in rows:
        if r.row in held:
            continue
        key = block(r.municipality.pk, r.name, r.address, r.postcode)
        name = _key(r.name)
        for other, where in blocks[key]:
            if name == other or SequenceMatcher(None, name, other).ratio() >= SIMILAR_NAME:
                what = "name and address" if r.address else "name"
                reviews.append(Review(r.row, r.name, f"similar {what} to {where}", False))
                break
        blocks[key].append((name, f"row {r.row}"))
    return sorted(reviews, key=lambda rv: rv.row)


def import_actors(path: Path) -> ImportOutcome:
    """Validate the whole file, then write every actor not held back, in one transaction."""
    rows, problems = read_actors(path)
    if problems:
        raise DataImportError(problems)
    if not rows:
        raise DataImportError([Problem(str(path), None, None, "the file has no actors")])
    reviews = find_duplicates(rows)
    held = {rv.row for rv in reviews if rv.held_back}
    keep = [r for r in rows if r.row not in held]
    with transaction.atomic():
        for start in range(0, len(keep), BATCH):
            _write(keep[start : start + BATCH])
    return ImportOutcome(imported=len(keep), reviews=reviews)


ORGANIZATION_COLUMNS = (
    "uuid", "name", "alternate_name", "description", "actor_type", "tax_id",
    "municipality_id", "email", "phone", "website", "areas", "target_groups",
    "search_text", "created_at", "updated_at",
)  # fmt: skip
LOCATION_COLUMNS = ("uuid", "organization_id", "address_1", "postal_code", "city", "country")


def _insert(cursor: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, executemany elsewhere."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def _write(rows: Iterable[ActorRow]) -> None:
    """Plain COPY/INSERTs: Django's bulk_create spends most of its time preparing each field
    of each row (profiled: 2/3 of the import)."""
    rows = list(rows)
    uuid_value = (lambda u: u.hex) if connection.vendor == "sqlite" else (lambda u: u)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = [uuid.uuid4() for _ in rows]
    organizations = [
        (
            uuid_value(uid),
            r.name,
            "",
            "",
            r.actor_type,
            r.tax_id,
            r.municipality.pk,
            r.email,
            r.phone,
            r.website,
            json.dumps(r.areas, ensure_ascii=False),
            json.dumps(r.target_groups, ensure_ascii=False),
            actor_search_text(r, r.municipality.name, f"{r.address} {r.city}".strip()),
            now,
            now,
        )
        for uid, r in zip(ids, rows, strict=True)
    ]
    with connection.cursor() as cursor:
        _insert(cursor, "register_organization", ORGANIZATION_COLUMNS, organizations)
        pk_of = dict(Organization.objects.filter(uuid__in=ids).values_list("uuid", "pk"))
        locations = [
            (uuid_value(uuid.uuid4()), pk_of[uid], r.address, r.postcode, r.city, "DK")
            for uid, r in zip(ids, rows, strict=True)
            if r.address
        ]
        if locations:
            _insert(cursor, "register_location", LOCATION_COLUMNS, locations)
