"""``samspil register import --actors FILE``: civil actors from CSV or XLSX, all or nothing.

Columns, exactly: ``name,type,kommune,cvr,address,postcode,city,email,phone,website,areas,
target_groups`` (the columns of the actor field table, :mod:`samspil.register.fields`,
which also says how each cell is read and what the search finds). ``type`` and each of the
``;``-separated ``areas`` take the Danish label or the code from taxonomy.yaml;
``kommune`` a municipality name or code; ``cvr`` is checked (8 digits, modulus 11);
``target_groups`` is ``;``-separated free text. Each value then passes the model field's
own validators, the ones the edit page runs.

Every problem is collected with file, row and column (samspil.importing.Problem) and
nothing is written unless the whole file is valid.

Duplicates are never merged:

* **same CVR number** as an actor already in the register or an earlier row: the row is
  held back (not imported) and listed for review;
* **similar name and address in the same municipality** (or a similar name when there is
  no address): the row is imported and listed for review, since two associations may well
  share a community house.

The work is done column by column (pandas), not row by row: a check runs once per
distinct value of a column (a file of 100,000 actors has 98 municipalities and a few
hundred combinations of areas), the rows are written with one COPY on PostgreSQL, and
names are compared pairwise only within a block (same municipality and address).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, transaction
from django.utils import timezone, translation

from samspil.importing import DataImportError, Problem, read_table
from samspil.register import fields
from samspil.register.fields import ActorField, FieldError
from samspil.register.models import Location, Organization

COLUMNS = fields.COLUMNS  # the file's columns: the field table's

SIMILAR_NAME = 0.85
MAX_PROBLEMS = 200


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


def comparison_key(texts: pd.Series) -> pd.Series:
    """Names or addresses for comparison: lower case, letters and digits, single spaces."""
    return texts.str.casefold().str.replace(r"\W+", " ", regex=True).str.strip()


def _text(column: pd.Series) -> pd.Series:
    """A column's cells as stripped Python strings in an object column (pandas' own string
    column is slower to walk element by element, which most checks do)."""
    values = [str(v).strip() for v in column.to_numpy(dtype=object, na_value="")]
    return pd.Series(values, index=column.index, dtype=object)


def _per_value(column: pd.Series, check: Callable[[Any], Any]) -> pd.Series:
    """``check`` of each cell, called once per distinct value (an object column: the
    results may be lists or tuples, which ``Series.map`` with a dict would misread)."""
    results = {value: check(value) for value in column.unique()}
    return pd.Series([results[v] for v in column], index=column.index, dtype=object)


class _Problems:
    """Problems with the order a reader expects: by row, then by the order of the checks."""

    def __init__(self, file: str):
        self.file = file
        self.found: list[tuple[int, int, Problem]] = []

    def add(self, row: int, column: str, message: str, order: int | None = None) -> None:
        order = len(self.found) if order is None else order
        self.found.append((row, order, Problem(self.file, row, column, message)))

    def add_rows(self, rows: pd.Series, column: str, messages: pd.Series | str) -> None:
        """One problem per row in ``rows`` (the rows' numbers), with its message."""
        if isinstance(messages, str):
            messages = pd.Series(messages, index=rows.index)
        order = len(self.found)
        for row, message in zip(rows, messages.loc[rows.index], strict=True):
            self.add(int(row), column, message, order)

    def listed(self) -> list[Problem]:
        problems = [p for _, _, p in sorted(self.found, key=lambda f: (f[0], f[1]))]
        if len(problems) > MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS]
            problems.append(
                Problem(self.file, None, None, f"stopped after {MAX_PROBLEMS} problems")
            )
        return problems


def read_with_columns(path: Path, columns: Sequence[str], *, lower: bool = False) -> pd.DataFrame:
    """A register file whose header is exactly ``columns`` (any order; with ``lower``, in
    any case); DataImportError naming each missing or unknown column."""
    table = read_table(path).frame
    file = str(path)
    header = [str(c).strip() for c in table.columns]
    header = [c.lower() for c in header] if lower else header
    problems = [
        Problem(file, 1, c, "required column is missing") for c in columns if c not in header
    ]
    problems += [
        Problem(file, 1, c, f"unknown column (the columns are {','.join(columns)})")
        for c in header
        if c not in columns
    ]
    if problems:
        raise DataImportError(problems)
    table.columns = header
    return table


def read_actors(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The file's valid rows (one per actor: ``row`` is the file's row number, then a
    column per field of the field table with its stored value: ``actor_type`` and
    ``areas`` are codes, ``municipality`` the Municipality), and every problem found."""
    table = read_with_columns(path, fields.COLUMNS)
    cells = pd.DataFrame({c: _text(table[c]) for c in fields.COLUMNS}, index=table.index)
    cells.insert(0, "row", range(2, len(cells) + 2))  # row 1 is the header, as in a spreadsheet
    cells = cells[(cells[list(fields.COLUMNS)] != "").any(axis=1)]
    found = _Problems(str(path))
    rows = cells["row"]

    def flag(mask: pd.Series, column: str, messages: pd.Series | str) -> None:
        if mask.any():
            found.add_rows(rows[mask], column, messages)

    for f in fields.ACTOR_FIELDS:
        if f.column and f.required:
            flag(cells[f.column] == "", f.column, "a value is required")
    values: dict[str, pd.Series] = {}
    for f in fields.ACTOR_FIELDS:
        if not f.column:
            continue
        column = cells[f.column]
        check = _check(f)
        results = {text: check(text) for text in column.unique()}  # once per distinct value
        refused = {text: messages for text, (_, messages) in results.items() if messages}
        if refused:
            mask = column.isin(list(refused))
            order = len(found.found)
            for row, text in zip(rows[mask], column[mask], strict=True):
                for message in refused[text]:
                    found.add(int(row), f.column, message, order)
        if f.parse is fields.keep_text and f.lookup is None:
            values[f.name] = column  # (an empty cell is the empty text)
        else:
            stored = [results[text][0] for text in column]
            values[f.name] = pd.Series(stored, index=column.index, dtype=object)
    # an address needs its postcode and city
    address, postcode, city = cells["address"], cells["postcode"], cells["city"]
    flag((address != "") & (postcode == ""), "postcode", "needed with an address")
    flag((address != "") & (postcode != "") & (city == ""), "city", "needed with an address")
    problems = found.listed()
    if problems:
        return pd.DataFrame(), problems
    actors = pd.DataFrame({"row": rows, **values})
    return actors.reset_index(drop=True), []


def _check(f: ActorField) -> Callable[[str], tuple[Any, list[str]]]:
    """``(stored value, [])`` of a cell, or ``(empty, messages)``: the field's ``parse``,
    then its model field's validators (those the edit page's form runs). An empty cell is
    fine (a required one is reported by itself)."""
    parse = f.parser()
    model = Organization if f.on == "actor" else Location
    validated: Any = model._meta.get_field(f.name)
    validators = [] if validated.is_relation else list(validated.validators)
    # the length limit inline (Django's validator costs a lazy message a call), the rest as is
    limit = next((v.limit_value for v in validators if isinstance(v, MaxLengthValidator)), None)
    others = [v for v in validators if not isinstance(v, MaxLengthValidator)]

    def check(text: str) -> tuple[Any, list[str]]:
        if not text:
            return f.empty, []
        try:
            value = parse(text)
            if limit is not None and isinstance(value, str) and len(value) > limit:
                return f.empty, [
                    f"Ensure this value has at most {limit} characters (it has {len(value)})."
                ]
            for validate in others:
                validate(value)
        except FieldError as exc:
            return f.empty, exc.messages
        except ValidationError as exc:
            if f.refused:
                return f.empty, [f.refused.format(value=text)]
            with translation.override("en"):
                return f.empty, [str(m) for m in exc.messages]
        return value, []

    return check


# -- duplicates ---------------------------------------------------------------------------


def _known_cvrs() -> dict[str, str]:
    """CVR number -> name of the actors already in the register."""
    return dict(Organization.objects.exclude(tax_id="").values_list("tax_id", "name").iterator())


def find_duplicates(actors: pd.DataFrame) -> list[Review]:
    """Rows with the CVR number of an existing actor or an earlier row (held back), and rows
    whose name and address resemble another's in the same municipality (for review)."""
    reviews: list[Review] = []
    with_cvr = actors[actors["tax_id"] != ""]
    known = _known_cvrs()
    first_row = with_cvr.groupby("tax_id")["row"].transform("first")
    for row, name, cvr, first in zip(
        with_cvr["row"], with_cvr["name"], with_cvr["tax_id"], first_row, strict=True
    ):
        if cvr in known:
            reason = f"same CVR {cvr} as {known[cvr]!r} in the register"
        elif first != row:
            reason = f"same CVR {cvr} as row {first}"
        else:
            continue
        reviews.append(Review(int(row), name, reason, True))
    held = {rv.row for rv in reviews}
    candidates = actors[~actors["row"].isin(held)]
    reviews += _similar(candidates)
    return sorted(reviews, key=lambda rv: rv.row)


def _blocks(frame: pd.DataFrame) -> pd.Series:
    """The block a name is compared in: municipality + address + postcode, or without an
    address municipality + the name's first four letters (so the work stays linear)."""
    name = comparison_key(frame["name"])
    address = comparison_key(frame["address"])
    return (
        frame["municipality_id"].astype(str)
        + "|"
        + address.where(address != "", "|" + name.str.slice(0, 4))
        + "|"
        + frame["postcode"].where(address != "", "")
    )


def _similar(actors: pd.DataFrame) -> list[Review]:
    """Rows whose name resembles (difflib ratio >= SIMILAR_NAME) that of an earlier row or
    an actor in the register within the same block."""
    if actors.empty:
        return []
    new = pd.DataFrame(
        {
            "municipality_id": actors["municipality"].map(lambda m: m.pk),
            "name": actors["name"],
            "address": actors["address_1"],
            "postcode": actors["postal_code"],
            "row": actors["row"],
        }
    )
    existing = pd.DataFrame(
        Organization.objects.filter(municipality_id__in=set(new["municipality_id"]))
        .values_list("municipality_id", "name", "locations__address_1", "locations__postal_code")
        .iterator(chunk_size=5000),
        columns=["municipality_id", "name", "address", "postcode"],
    ).fillna("")
    existing["row"] = 0  # 0: in the register
    both = pd.concat([existing, new], ignore_index=True)
    both["block"] = _blocks(both)
    both["key"] = comparison_key(both["name"])
    # Only blocks with two or more names; each block's members together, in their order
    # (the register's actors first, then the file's rows).
    shared = both[both.duplicated("block", keep=False)].sort_values("block", kind="stable")
    reviews: list[Review] = []
    block = None
    earlier: list[_Earlier] = []
    for this, row, name, key, address in zip(
        shared["block"], shared["row"], shared["name"], shared["key"], shared["address"],
        strict=True,
    ):  # fmt: skip
        if this != block:
            block, earlier = this, []
        if row:
            other = _resembles(key, earlier)
            if other is not None:
                what = "name and address" if address else "name"
                reviews.append(Review(int(row), name, f"similar {what} to {other}", False))
        earlier.append(_Earlier(key, f"row {row}" if row else f"{name!r} in the register"))
    return reviews


@dataclass
class _Earlier:
    """A name met earlier in a block; its matcher is made when first needed."""

    key: str
    where: str
    matcher: SequenceMatcher[str] | None = None


def _resembles(key: str, earlier: list[_Earlier]) -> str | None:
    """Where the first earlier name resembling ``key`` comes from, or None. difflib's ratio
    is not symmetric: the new name is ``a``, the earlier one ``b`` (as the import always
    compared). Its cheap upper bounds are tried before the ratio itself."""
    for other in earlier:
        if other.key == key:
            return other.where
        size = len(key) + len(other.key)
        if not size or 2.0 * min(len(key), len(other.key)) / size < SIMILAR_NAME:
            continue  # difflib's real_quick_ratio, without making a matcher
        if other.matcher is None:
            other.matcher = SequenceMatcher(None, "", other.key)
        other.matcher.set_seq1(key)
        if other.matcher.quick_ratio() >= SIMILAR_NAME and other.matcher.ratio() >= SIMILAR_NAME:
            return other.where
    return None


# -- writing ------------------------------------------------------------------------------


def import_actors(path: Path) -> ImportOutcome:
    """Validate the whole file, then write every actor not held back, in one transaction."""
    actors, problems = read_actors(path)
    if problems:
        raise DataImportError(problems)
    if actors.empty:
        raise DataImportError([Problem(str(path), None, None, "the file has no actors")])
    reviews = find_duplicates(actors)
    held = {rv.row for rv in reviews if rv.held_back}
    keep = actors[~actors["row"].isin(held)]
    with transaction.atomic():
        write_actors(keep)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the search's plans
            cursor.execute("ANALYZE register_organization, register_location")
    return ImportOutcome(imported=len(keep), reviews=reviews)


def search_texts(actors: pd.DataFrame) -> pd.Series:
    """What :meth:`samspil.register.models.Organization.make_search_text` makes of each
    actor, column by column: each searched field's words (the field table's ``searched``,
    once per distinct value), in the table's order. Fields without a column (other name,
    description) are empty for an imported actor."""
    words = [
        _per_value(actors[f.name].map(tuple) if isinstance(f.empty, list) else actors[f.name],
                   f.searched)
        for f in fields.ACTOR_FIELDS
        if f.name in actors
    ]  # fmt: skip
    texts = [
        " ".join(w for found in parts for w in found if w) for parts in zip(*words, strict=True)
    ]
    return pd.Series(texts, index=actors.index, dtype=object)


def _new_ids(table: str, count: int) -> list[int]:
    """``count`` primary keys for new rows of ``table``, taken before the rows are written
    (PostgreSQL: from the table's sequence; SQLite: after the largest, under the write
    lock the transaction holds)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [r[0] for r in cursor.fetchall()]
        # Not below what AUTOINCREMENT has handed out: a deleted row's id is not reused.
        cursor.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def write_actors(actors: pd.DataFrame) -> None:
    """Plain COPY (PostgreSQL) or INSERTs of whole columns: Django's bulk_create spends most
    of its time preparing each field of each row (profiled: 2/3 of the import). The
    columns are the field table's (a field without a column gets its empty value)."""
    if actors.empty:
        return
    # As text: a datetime column costs more to write out as CSV than the rest together.
    now = str(connection.ops.adapt_datetimefield_value(timezone.now()))
    ids = _new_ids("register_organization", len(actors))
    organizations = pd.DataFrame(
        {
            "id": ids,
            "uuid": _uuids(len(actors)),
            **_stored(actors, "actor", Organization, slice(None)),
            "search_text": search_texts(actors).to_numpy(),
            "created_at": now,
            "updated_at": now,
        },
    )
    located = (actors["address_1"] != "").to_numpy()
    locations = pd.DataFrame(
        {
            "uuid": _uuids(int(located.sum())),
            "organization_id": organizations["id"].to_numpy()[located],
            **_stored(actors, "location", Location, located),
            "country": "DK",
        },
    )
    _insert("register_organization", organizations)
    _insert("register_location", locations)


def _stored(actors: pd.DataFrame, on: str, model: Any, rows: Any) -> dict[str, Any]:
    """The database columns of the fields ``on`` a model, for ``rows``: a related object
    by its key, a list as JSON."""
    columns: dict[str, Any] = {}
    for f in fields.ACTOR_FIELDS:
        if f.on != on:
            continue
        attname = model._meta.get_field(f.name).attname
        if f.name not in actors:
            columns[attname] = json.dumps(f.empty) if isinstance(f.empty, list) else f.empty
            continue
        values = actors[f.name]
        if model._meta.get_field(f.name).is_relation:
            values = values.map(lambda obj: obj.pk)
        elif isinstance(f.empty, list):
            values = _json(values)
        columns[attname] = values.to_numpy()[rows]
    return columns


def _uuids(count: int) -> list[str]:
    """``count`` random (version 4, RFC 4122) UUIDs as the database stores them, made from
    one read of the system's random source (uuid.uuid4() reads it once per UUID)."""
    octets = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    octets[:, 6] = (octets[:, 6] & 0x0F) | 0x40  # version 4
    octets[:, 8] = (octets[:, 8] & 0x3F) | 0x80  # variant RFC 4122
    text = octets.tobytes().hex()
    hexes = [text[32 * i : 32 * i + 32] for i in range(count)]
    if connection.vendor == "sqlite":
        return hexes  # Django stores a UUID there as 32 hex digits
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexes]


def _json(column: pd.Series) -> pd.Series:
    return _per_value(column.map(tuple), lambda v: json.dumps(list(v), ensure_ascii=False))


def _insert(table: str, frame: pd.DataFrame) -> None:
    """One COPY (CSV) on PostgreSQL, executemany elsewhere."""
    if frame.empty:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            # Strings quoted: an unquoted empty field would be NULL, not "".
            frame.to_csv(buffer, header=False, index=False, quoting=csv.QUOTE_NONNUMERIC)
            with cursor.cursor.copy(
                f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
            return
        marks = ", ".join(["%s"] * len(frame.columns))
        rows: list[tuple[Any, ...]] = list(frame.itertuples(index=False, name=None))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
