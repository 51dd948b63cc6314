"""The one helper every registry uses to add an entry (see docs/extending.md)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

T = TypeVar("T")


def add(
    table: MutableMapping[str, T],
    key: str,
    entry: T,
    what: str,
    same: Callable[[T], Any] = lambda entry: entry,
) -> None:
    """Register ``entry`` under ``key``; a key already taken by another entry is an error
    (registering the same one again, e.g. on a module reload, is allowed)."""
    old = table.get(key)
    if old is not None and same(old) is not same(entry):
        raise ValueError(f"{what} {key!r} is already registered")
    table[key] = entry
