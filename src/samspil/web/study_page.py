"""What other apps add to a study's page, which fieldwork (the app holding the studies)
shows. An app registers, when Django starts (its ``AppConfig.ready``), a :class:`StudyPart`:
a part of the page below the study's own (privacy: what is kept of the personal data and
until when, with its pages), and the app's pages about the study by purpose, which the
study's own parts link to when they have one (``"controller"``: where the data controller
and contact are filled in). The page asks here and never imports the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from samspil import registries

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["PARTS", "StudyPart", "page_of", "parts_for", "register_study_part"]


def _no_pages(study: Any) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class StudyPart:
    key: str
    # (request, study) -> the part's HTML: a SafeString, as render_to_string gives (a plain
    # str is shown escaped, as text)
    render: Callable[[HttpRequest, Any], str]
    pages: Callable[[Any], dict[str, str]] = field(default=_no_pages)  # study -> {purpose: URL}


PARTS: dict[str, StudyPart] = {}


def register_study_part(part: StudyPart) -> None:
    """Add an app's part of the study page (the same one again is allowed)."""
    registries.add(PARTS, part.key, part, "study page part", same=lambda p: p.render)


def parts_for(request: HttpRequest, study: Any) -> list[str]:
    """Every registered part's HTML for ``study``, in the order the apps registered."""
    return [part.render(request, study) for part in PARTS.values()]


def page_of(study: Any, purpose: str) -> str:
    """The URL of the page some app has about ``study`` for ``purpose``; "" when none."""
    for part in PARTS.values():
        url = part.pages(study).get(purpose)
        if url:
            return url
    return ""
