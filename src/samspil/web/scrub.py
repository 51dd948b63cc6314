"""After an erasure or an anonymisation, nothing of the erased data stays readable in the
database files.

SQLite keeps deleted bytes in three places: the free space of its pages (unless
``secure_delete`` is on: the settings turn it on for every connection, and :func:`_scrub`
again for its own), the write-ahead log (``<database>-wal``, the pages as they were
written, until a checkpoint copies them into the database and the log is started again)
and, for the register's search, the FTS5 index: a deleted row's words stay in the index's
older segments (the delete only adds a tombstone) until the segments are merged.

:func:`after_erasure` is called inside the erasing transaction; once it commits, the
register's contact search index is merged into one segment (``optimize``: the tombstones
and the words they hide go) and the write-ahead log is checkpointed and truncated
(``PRAGMA wal_checkpoint(TRUNCATE)``). A reader in the middle of a query can keep the
checkpoint from finishing; it is tried again a few times, and otherwise the next erasure
or SQLite's own checkpoints finish it (docs/privacy.md, "Limits").

PostgreSQL keeps old row versions until VACUUM; see docs/privacy.md.
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction

logger = logging.getLogger(__name__)

# The register's FTS5 tables that can hold a person's name (a consenting contact's).
SEARCH_TABLES = ("register_contact_fts",)
CHECKPOINT_TRIES = 20


def after_erasure(*, search_index: bool = False) -> None:
    """Scrub the database files once the current transaction commits (at once outside
    one). ``search_index``: the register's contact search index held the person too."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = ON")  # for the deletes still to come
    transaction.on_commit(lambda: scrub(search_index=search_index))


def scrub(*, search_index: bool = False) -> bool:
    """Merge the search index (if asked) and checkpoint and truncate the write-ahead log.
    Returns whether the checkpoint finished."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = ON")
        if search_index:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            existing = {row[0] for row in cursor.fetchall()}
            for table in SEARCH_TABLES:
                if table in existing:
                    cursor.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")
        for attempt in range(CHECKPOINT_TRIES):
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
            if not busy:
                return True
            time.sleep(0.05 * (attempt + 1))
    logger.warning("the write-ahead log could not be checkpointed after an erasure (busy)")
    return False


def delete_admin_log(model: type, object_ids: list[int]) -> None:
    """The admin pages' history rows about these objects (their text names the object):
    deleted with the objects an erasure or an anonymisation removes."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in object_ids]
    ).delete()
