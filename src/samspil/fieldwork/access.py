"""Access helpers: every view reaches studies and respondents through these.

A researcher sees a study when they are a superuser or one of its researchers. A personal
link (token) gives access to that respondent's own answers only, while the study is open
(test respondents also while it is a draft). Unknown and closed links look the same.
Failed look-ups are counted per client address; past SAMSPIL_BAD_TOKEN_LIMIT within
SAMSPIL_BAD_TOKEN_WINDOW seconds the address gets 429 for every link.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.utils.crypto import salted_hmac

from samspil.fieldwork.models import Respondent, Study


class LinkRejected(Exception):
    """Unknown, closed or not-yet-open link: answered with the plain 404 page."""


class TooManyAttempts(Exception):
    """Too many bad links from this address: answered with 429."""


def client_ip(request: HttpRequest) -> str:
    if settings.CLIENT_IP_HEADER:
        forwarded = str(request.META.get(settings.CLIENT_IP_HEADER, ""))
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _counter_key(request: HttpRequest) -> str:
    # A keyed hash, not the address: no IP address is stored (docs/privacy.md).
    digest = salted_hmac("samspil.badlink", client_ip(request)).hexdigest()[:32]
    return f"samspil:badlink:{digest}"


def _note_failure(request: HttpRequest) -> None:
    key = _counter_key(request)
    if cache.add(key, 1, timeout=settings.BAD_TOKEN_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.BAD_TOKEN_WINDOW)


def _get_respondent_for_token(request: HttpRequest, token: str) -> Respondent:
    if (cache.get(_counter_key(request)) or 0) >= settings.BAD_TOKEN_LIMIT:
        raise TooManyAttempts
    respondent = None
    if 20 <= len(token) <= 64:
        respondent = Respondent.objects.select_related("study").filter(token=token).first()
    if respondent is None or not _link_works(respondent):
        _note_failure(request)
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


def _get_study_for_user(request: HttpRequest, study_id: int) -> Study:
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
