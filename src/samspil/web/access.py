"""Who may do what, as every app asks it (the apps' own rules build on this)."""

from __future__ import annotations

from typing import Any


def is_researcher(user: Any) -> bool:
    """May create studies and coding projects (and pick coders among all accounts)."""
    return bool(user.is_active and (user.is_staff or user.is_superuser))
