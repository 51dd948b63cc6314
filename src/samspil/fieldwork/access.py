"""Access helpers: every view reaches studies and respondents through these.

Researchers are accounts with staff status (or superusers); only they create studies and
coding projects. Other accounts (coders) reach only the coding projects they code.
A researcher sees a study when they are a superuser or one of its researchers. A personal
link (token) gives access to that respondent's own answers only, while the study is open
(test respondents also while it is a draft). Unknown and closed links look the same;
when the study gives each municipality its own report, a closed study's link opens that
respondent's own municipality's report and nothing else (``_report_link_works``).
Failed look-ups are counted per client address (samspil.web.throttle: atomic, so parallel
guesses cannot slip past the count); once SAMSPIL_BAD_TOKEN_LIMIT have failed within
SAMSPIL_BAD_TOKEN_WINDOW seconds the address gets 429 for every link, the right one too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest

from samspil.fieldwork.models import Respondent, Study
from samspil.web import throttle

BAD_LINK = "badlink"
client_ip = throttle.client_ip


class LinkRejected(Exception):
    """Unknown, closed or not-yet-open link: answered with the plain 404 page."""


class TooManyAttempts(Exception):
    """Too many bad links from this address: answered with 429."""


def _get_respondent_for_token(
    request: HttpRequest, token: str, works: Callable[[Respondent], bool] | None = None
) -> Respondent:
    """The respondent of a personal link that ``works`` for them (default: the study is
    open); anything else is a counted failure."""
    works = works or _link_works
    address = client_ip(request)
    if throttle.current(BAD_LINK, address).reached(settings.BAD_TOKEN_LIMIT):
        raise TooManyAttempts
    respondent = None
    if 20 <= len(token) <= 64:
        respondent = Respondent.objects.select_related("study").filter(token=token).first()
    if respondent is None or not works(respondent):
        # Counted one by one, under a lock: only the first LIMIT failures get their 404.
        if throttle.note_failure(BAD_LINK, address, settings.BAD_TOKEN_WINDOW) > (
            settings.BAD_TOKEN_LIMIT
        ):
            raise TooManyAttempts
        raise LinkRejected
    request.samspil_private = True  # type: ignore[attr-defined]
    return respondent


def _link_works(respondent: Respondent) -> bool:
    if respondent.study.anonymised_at is not None:
        return False
    status = respondent.study.status
    if status == Study.Status.OPEN:
        return True
    return respondent.is_test and status == Study.Status.DRAFT


def _report_link_works(respondent: Respondent) -> bool:
    """After the study closes, a personal link opens its municipality's own report (and
    nothing else), when the study gives each municipality its own report: not for test
    respondents, nor those without a municipality, nor once the study is anonymised."""
    study = respondent.study
    return (
        study.status == Study.Status.CLOSED
        and study.municipal_reports
        and study.anonymised_at is None
        and not respondent.is_test
        and respondent.municipality_id is not None
    )


def _start_link_works(respondent: Respondent) -> bool:
    """The personal link's first page: the questionnaire, or after closing the report."""
    return _link_works(respondent) or _report_link_works(respondent)


def study_for_user(request: HttpRequest, study_id: int) -> Study:
    """The study, if the request's user may see it (a researcher of it, or a superuser);
    404 otherwise."""
    user = request.user
    studies = Study.objects.all()
    if not user.is_superuser:
        studies = studies.filter(researchers=user.pk)
    try:
        return studies.get(pk=study_id)
    except Study.DoesNotExist:
        raise Http404 from None


def studies_for_user(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    if user.is_superuser:
        return Study.objects.all()
    return Study.objects.filter(researchers=user.pk)
