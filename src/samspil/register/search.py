"""Danish full-text search over civil actors and contact points.

Both models keep one ``search_text`` column (name, description, type, areas, target
groups, address, municipality; for a contact its topic, function, unit and - only with
consent - the person's name). The database searches it:

* **PostgreSQL**: a stored generated column ``search_vector = to_tsvector('danish',
  search_text)`` (the snowball Danish stemmer; stop-words dropped) with a GIN index, and a
  prefix query per word, ``to_tsquery('danish', 'word:* & ...')``, so "forening" finds
  "Foreningen" and "ældre" finds "ældreområdet". The column is stored so that a search
  narrowed by municipality does not compute the vector of every candidate row; Django's
  models do not list it (it is written by PostgreSQL).
* **SQLite** (the embedded default): an FTS5 table per model (``unicode61``, diacritics
  folded except æ/ø), filled by triggers on insert, update and delete. SQLite has no Danish
  stemmer, so each word of the query is stemmed with snowball's Danish stemmer and matched
  as a prefix.
* Any other database: every word as a case-insensitive substring.

The public search shows the first actors by name (:func:`first_by_name`). On PostgreSQL a
common word matches a quarter of 100,000 actors; sorting all of them for the first 20 took
50-100 ms, so when the planner expects matches early it walks the name index instead -
capped at ``WALK`` rows, since matches can cluster late in the alphabet ("fjord" in names
starting "Fjord..."), where the matches are sorted after all.

Note for later migrations: SQLite rebuilds a table when a column is altered, which drops
its triggers; a migration that alters ``register_organization`` or ``register_contact``
must call :func:`create_indexes` again (it is idempotent).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

TABLES = {"Organization": "register_organization", "Contact": "register_contact"}
MAX_WORDS = 8
WALK = 1000  # rows of the name index walked at most before sorting the matches instead


def _postgres_statements(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS "
        "AS (to_tsvector('danish'::regconfig, coalesce(search_text, ''))) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_fts ON {table} USING gin (search_vector)",
    ]


def create_indexes(schema_editor: Any, apps: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES.values():
            for statement in _postgres_statements(table):
                schema_editor.execute(statement)
    elif vendor == "sqlite":
        for table in TABLES.values():
            for statement in _sqlite_statements(table):
                schema_editor.execute(statement)


def drop_indexes(schema_editor: Any, apps: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES.values():
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fts")
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    elif vendor == "sqlite":
        for table in TABLES.values():
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")


def _sqlite_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES('delete', old.id, old.search_text);"
    )
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE OF search_text ON {table} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}({fts}) VALUES('rebuild')",
    ]


def words(text: str) -> list[str]:
    """The query's words (letters and digits), lower case, at most MAX_WORDS."""
    return re.findall(r"\w+", text.casefold())[:MAX_WORDS]


def _stem(word: str) -> str:
    import snowballstemmer

    stem = str(snowballstemmer.stemmer("danish").stemWord(word))
    return stem if len(stem) >= 2 else word


def filter_text(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Rows of ``queryset`` (Organization or Contact) matching every word of ``text``."""
    found = words(text)
    if not found:
        return queryset
    vendor = connection.vendor
    table = queryset.model._meta.db_table
    if vendor == "postgresql":
        where, raw = _postgres_match(table, found)
        return queryset.extra(where=[where], params=[raw])
    if vendor == "sqlite":
        match = " ".join(f'"{_stem(w)}"*' for w in found)
        ids = RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", (match,))
        return queryset.filter(pk__in=ids)
    condition = Q()
    for word in found:
        condition &= Q(search_text__icontains=word)
    return queryset.filter(condition)


def filter_area(queryset: QuerySet[Any], code: str) -> QuerySet[Any]:
    """Rows whose ``areas`` (a JSON list of codes) include ``code``. PostgreSQL tests the
    jsonb list itself (``@>``: eight times faster than matching its text, and the planner
    estimates it); SQLite's JSON field has no containment test, so the quoted code is
    looked for in the text."""
    if connection.vendor == "postgresql":
        return queryset.filter(areas__contains=[code])
    return queryset.filter(areas__icontains=f'"{code}"')


def _postgres_match(table: str, found: list[str]) -> tuple[str, str]:
    """The condition (with one parameter) and its parameter: every word as a prefix."""
    raw = " & ".join(f"{w}:*" for w in found)
    return f"{table}.search_vector @@ to_tsquery('danish'::regconfig, %s)", raw


def first_by_name(
    queryset: QuerySet[Any], text: str, limit: int, narrowed: bool = False
) -> list[Any]:
    """The first ``limit`` rows of ``queryset`` (civil actors) matching ``text``, ordered by
    name and pk, without sorting every match when there are many (PostgreSQL; elsewhere,
    or when the queryset is ``narrowed`` to one municipality's few thousand actors at most,
    the planner's own plan)."""
    matching = filter_text(queryset.order_by("name", "pk"), text)[:limit]
    if not words(text) or narrowed or connection.vendor != "postgresql":
        return list(matching)
    if "Sort" in matching.explain():
        return list(matching)  # few matches expected: the GIN index, then the top rows
    # The planner would walk the name index until the limit-th match: walk at most WALK rows.
    first = walked_by_name(queryset, text, limit)
    if len(first) == limit:
        return first
    # The matches lie further on (they cluster in the alphabet): take them all, then sort.
    return sorted_by_name(queryset, text, limit)


def walked_by_name(queryset: QuerySet[Any], text: str, limit: int) -> list[Any]:
    """PostgreSQL: the matches among the first WALK rows by name, at most ``limit`` (the
    outer LIMIT stops the walk at the limit-th match). Fewer than ``limit``: the rest
    may lie further on."""
    ordered = queryset.order_by("name", "pk")
    where, raw = _postgres_match(queryset.model._meta.db_table, words(text))
    hit = RawSQL(where, (raw,), output_field=BooleanField())
    sql, params = ordered.annotate(hit=hit).values_list("id", "hit")[:WALK].query.sql_with_params()
    walked = f"SELECT w.id FROM ({sql}) w WHERE w.hit LIMIT %s"
    return list(ordered.filter(pk__in=RawSQL(walked, (*params, limit))))


def sorted_by_name(queryset: QuerySet[Any], text: str, limit: int) -> list[Any]:
    """PostgreSQL: every match (through the GIN index), then the first ``limit`` by name; the
    CTE keeps the planner from walking the name index instead."""
    sql, params = (
        filter_text(queryset.order_by(), text).values("id", "name").query.sql_with_params()
    )
    first = f"WITH m AS MATERIALIZED ({sql}) SELECT m.id FROM m ORDER BY m.name, m.id LIMIT %s"
    return list(queryset.order_by("name", "pk").filter(pk__in=RawSQL(first, (*params, limit))))
