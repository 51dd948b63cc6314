"""What each app holds about a respondent, reached by privacy without importing the app.

The studies and their respondents themselves are registered once, by the app that holds
them (fieldwork), as :class:`Studies` (:func:`register_studies`): the study model whose
privacy fields privacy's pages edit, the studies a request may see, how to find a person's
respondent rows by e-mail address, what those rows hold (GDPR art. 15), how to erase one
(art. 17) and how to anonymise a study. Privacy's notice, retention job, record of
processing, access export and erasure (``samspil.privacy``) reach studies only through it.

An app that keeps further data about a study's respondent registers a :class:`PersonalData`
in its ``AppConfig.ready`` (:func:`register_personal_data`): how to export what it holds
about one respondent (art. 15) and how to erase it (art. 17). The respondent is named by
the study's id and the respondent's public id (the id in every export). Privacy's access
export and erasure (``samspil.privacy.persons``) call every registered holder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from samspil.registries import add

if TYPE_CHECKING:
    import datetime as dt

    from django.db.models import QuerySet
    from django.http import HttpRequest


@dataclass(frozen=True)
class Studies:
    """The studies and their respondents, as privacy reaches them (fieldwork registers this).

    A study (an instance of ``model``) has the privacy fields privacy reads and edits
    (``privacy_*``, ``privacy_key``, ``retention_date``, ``anonymised_at``,
    ``withdrawn_count``) and its page (``get_absolute_url``); a respondent row has
    ``study``, ``study_id``, ``public_id`` and ``email``. ``erase`` and ``anonymise`` run
    inside privacy's transaction, with the study locked; privacy writes the audit log."""

    model: type[Any]  # the study model
    visible: Callable[[HttpRequest], QuerySet[Any]]  # the studies a request may see
    by_number: Callable[[str], Any]  # a command's STUDY argument -> the study (else bad input)
    find: Callable[[str, QuerySet[Any]], QuerySet[Any]]  # (address, studies) -> respondents
    respondent: Callable[[int, QuerySet[Any]], Any]  # (row id, studies) -> respondent or None
    record: Callable[[Any], dict[str, Any]]  # respondent -> what is held about them
    erase: Callable[[Any], None]  # respondent -> gone, with their answers and e-mail log
    anonymise: Callable[[Any, dt.datetime], int]  # (study, now) -> respondents kept
    respondent_count: Callable[[Any], int]  # study -> its respondents (test links not counted)


STUDIES: dict[str, Studies] = {}


def register_studies(entry: Studies) -> Studies:
    """Register the studies (from the owning app's ``AppConfig.ready``); one app only."""
    add(STUDIES, "studies", entry, "studies", same=lambda e: e.model)
    return entry


def studies() -> Studies:
    """The registered studies (LookupError when the app holding them is not installed)."""
    try:
        return STUDIES["studies"]
    except KeyError:
        raise LookupError("no studies registered (is the app that holds them installed?)") from None


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
