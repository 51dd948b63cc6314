"""Whom a user speaks for: the municipalities a user is staff of, as the apps that know it
say (the register's confirmed parties). An app that needs it - fieldwork, giving each
municipality's contact point its own report - asks here and never imports the app that
knows. Each app registers, when Django starts (its ``AppConfig.ready``), a function from a
user to the ids of their municipalities (``fieldwork.Municipality`` primary keys).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samspil import registries

__all__ = ["STAFF_SOURCES", "municipalities_of", "register_staff_source"]

STAFF_SOURCES: dict[str, Callable[[Any], set[int]]] = {}


def register_staff_source(name: str, source: Callable[[Any], set[int]]) -> None:
    """Add a source of users' municipalities (the same one again is allowed)."""
    registries.add(STAFF_SOURCES, name, source, "municipal staff source")


def municipalities_of(user: Any) -> set[int]:
    """The ids of every municipality ``user`` is staff of, by any registered source; none
    for an anonymous or inactive user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    found: set[int] = set()
    for source in STAFF_SOURCES.values():
        found |= set(source(user))
    return found
