"""Where the web apps get answers from: sources of ``Responses`` and who may see them.

A response source is a kind of object that answers come from (a fieldwork study is one).
The app that owns it registers, when Django starts (its ``AppConfig.ready``), how to list
the ones a request may see and how to turn one into a :class:`samspil.responses.Responses`
(the frozen questionnaire and the answers validated against it). An app that only uses
answers - the coding workbench - reaches them through here and never imports the app
that owns them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from samspil import registries

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from samspil.responses import Responses
    from samspil.web.studyreport import ReportBasis

__all__ = ["SOURCES", "ResponseSource", "register_source", "source"]


@dataclass(frozen=True)
class ResponseSource:
    name: str  # e.g. "study"
    visible: Callable[[HttpRequest], QuerySet[Any]]  # the objects a request may see
    responses: Callable[[Any], Responses]  # one object's answers
    # what one object says about its report (samspil.web.studyreport): None, nothing
    report_basis: Callable[[Any], ReportBasis] | None = None


SOURCES: dict[str, ResponseSource] = {}


def register_source(entry: ResponseSource) -> None:
    """Add a source; the same app registering it again (a second set-up) is allowed."""
    registries.add(SOURCES, entry.name, entry, "response source", same=lambda e: e.responses)


def source(name: str) -> ResponseSource:
    """The registered source ``name`` (LookupError when its app is not installed)."""
    try:
        return SOURCES[name]
    except KeyError:
        raise LookupError(f"no response source {name!r} (is its app installed?)") from None
