"""What each app holds about a respondent, reached by privacy without importing the app.

An app that keeps data about a study's respondent registers a :class:`PersonalData` in its
``AppConfig.ready`` (:func:`register_personal_data`): how to export what it holds about one
respondent (GDPR art. 15) and how to erase it (art. 17). The respondent is named by the
study's id and the respondent's public id (the id in every export). Privacy's access export
and erasure (``samspil.privacy.persons``) call every registered holder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from samspil.registries import add


@dataclass(frozen=True)
class PersonalData:
    """One app's data about a respondent. ``key`` names it in the access export."""

    key: str
    export: Callable[[int, str], list[dict[str, Any]]]  # (study id, respondent id) -> records
    erase: Callable[[int, str], int]  # (study id, respondent id) -> rows erased


HOLDERS: dict[str, PersonalData] = {}


def register_personal_data(holder: PersonalData) -> PersonalData:
    """Add an app's personal data (from its ``AppConfig.ready``)."""
    add(HOLDERS, holder.key, holder, "personal data holder", same=lambda h: h.export)
    return holder


def export_held(study_id: int, respondent_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every holder's records about the respondent, by holder key."""
    return {key: h.export(study_id, respondent_id) for key, h in HOLDERS.items()}


def erase_held(study_id: int, respondent_id: str) -> dict[str, int]:
    """Erase the respondent from every holder; the rows erased, by holder key."""
    return {key: h.erase(study_id, respondent_id) for key, h in HOLDERS.items()}
