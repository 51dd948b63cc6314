"""Privacy pages: the public notice, the study's privacy settings, requests from a person
and the audit log. Researcher pages need login; the studies a user may see are the ones the
platform's registry gives (samspil.web.personal_data.studies: fieldwork's access rules)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samspil.privacy import actions, persons
from samspil.privacy.forms import (
    ConfirmForm,
    EmailSearchForm,
    IdentityForm,
    PrivacyFormBase,
    privacy_form,
)
from samspil.privacy.notice import notice_paragraphs, notice_text, retention_until
from samspil.privacy.retention import anonymise_study
from samspil.web.audit import action_label, events_csv, events_for, record_event
from samspil.web.downloads import csv_download
from samspil.web.personal_data import studies


def studies_for_user(request: HttpRequest) -> Any:
    """The studies the request's user may see."""
    return studies().visible(request)


def study_for_user(request: HttpRequest, study_id: int) -> Any:
    """The study, if the request's user may see it; 404 otherwise."""
    return get_object_or_404(studies_for_user(request), pk=study_id)


# -- public -------------------------------------------------------------------------------


@require_GET
def notice(request: HttpRequest, key: str) -> HttpResponse:
    """The study's privacy notice; unknown keys get the plain 404 page."""
    model = studies().model
    study = model.objects.filter(privacy_key=key).first() if 8 <= len(key) <= 32 else None
    if study is None:
        raise Http404
    instrument = study.instrument
    with translation.override(instrument.language or "da"):
        return render(
            request,
            "privacy/notice.html",
            {
                "instrument": instrument,
                "paragraphs": notice_paragraphs(study),
                "lang": instrument.language or "da",
            },
        )


# -- a study's privacy page -----------------------------------------------------------------


def retention_context(study: Any) -> dict[str, Any]:
    return {
        "study": study,
        "retention_until": retention_until(study),
        "retention_days": settings.RETENTION_DAYS,
        "respondents": studies().respondent_count(study),
    }


def study_part(request: HttpRequest, study: Any) -> str:
    """Privacy's part of the study page (samspil.web.study_page): what is kept of the
    personal data and until when, and the privacy pages of the study."""
    return render_to_string("privacy/_summary.html", retention_context(study), request=request)


def study_pages(study: Any) -> dict[str, str]:
    """Privacy's pages about the study that the study page links to, by purpose."""
    return {"controller": reverse("study_privacy", args=[study.pk])}


def _privacy_context(study: Any) -> dict[str, object]:
    return {**retention_context(study), "paragraphs": notice_paragraphs(study)}


@login_required
def study_privacy(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    form = privacy_form(
        request.POST or None, instance=study, initial={"privacy_text": notice_text(study)}
    )
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            actions.do_set_privacy(
                study,
                user=request.user,
                retention_date=data.pop("retention_date"),
                **data,
            )
            messages.success(request, _("The privacy notice has been saved."))
            return redirect("study_privacy", study_id=study.pk)
        study.refresh_from_db()
    return _privacy_page(request, study, form, ConfirmForm(key="anonymise"))


def _privacy_page(
    request: HttpRequest, study: Any, form: PrivacyFormBase, confirm: ConfirmForm
) -> HttpResponse:
    return render(
        request,
        "privacy/study_privacy.html",
        {**_privacy_context(study), "form": form, "confirm_form": confirm},
    )


@login_required
@require_POST
def study_anonymise(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    confirm = ConfirmForm(request.POST, key="anonymise")
    if not confirm.is_valid():  # the page again, the problem beside the box
        form = privacy_form(instance=study, initial={"privacy_text": notice_text(study)})
        return _privacy_page(request, study, form, confirm)
    kept = anonymise_study(study, user=request.user)
    messages.success(
        request,
        _("The study is anonymised; %(n)s respondents' answers are kept.") % {"n": kept},
    )
    return redirect("study_privacy", study_id=study.pk)


# -- requests from a person -----------------------------------------------------------------


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    """POST (the address stays out of URLs and logs): the person's rows in the user's studies."""
    form = EmailSearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = list(persons.find_by_email(form.cleaned_data["email"], studies_for_user(request)))
        studies = {r.study_id: r.study for r in found}
        for study in studies.values():
            record_event(request.user, "find_person", study=study, detail="found")
        if not found:
            record_event(request.user, "find_person", detail="not found")
    return _persons_page(request, form, found)


def _persons_page(
    request: HttpRequest,
    form: EmailSearchForm,
    found: list[Any] | None,
    bound: dict[str, IdentityForm | ConfirmForm] | None = None,
) -> HttpResponse:
    """The page of requests from a person: the search, and for the persons found the
    access form and an erasure form each. ``bound``: the forms just submitted with a
    mistake (keys ``access``, ``identity-<pk>``, ``confirm-<pk>``), shown with their
    problems and the error summary."""
    bound = bound or {}
    rows = [
        {
            "respondent": r,
            "identity": bound.get(f"identity-{r.pk}") or IdentityForm(key=str(r.pk)),
            "confirm": bound.get(f"confirm-{r.pk}") or ConfirmForm(key=str(r.pk)),
        }
        for r in found or []
    ]
    return render(
        request,
        "privacy/persons.html",
        {
            "form": form,
            "found": found,
            "rows": rows,
            "access_identity": bound.get("access") or IdentityForm(key="access"),
            "bound": list(bound.values()),
        },
    )


def _search_again(request: HttpRequest, email: str) -> tuple[EmailSearchForm, list[Any]]:
    """The search as the researcher made it, for a page shown again with a mistake."""
    form = EmailSearchForm({"email": email})
    form.is_valid()
    return form, list(persons.find_by_email(email, studies_for_user(request)))


@login_required
@require_POST
def person_export(request: HttpRequest) -> HttpResponse:
    form = EmailSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("privacy_persons")
    identity = IdentityForm(request.POST, key="access")
    if not identity.is_valid():  # the page again, the problem beside the field
        search, found = _search_again(request, form.cleaned_data["email"])
        return _persons_page(request, search, found, {"access": identity})
    data = persons.access_export(
        form.cleaned_data["email"],
        studies_for_user(request),
        user=request.user,
        identity=identity.identity(),
    )
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="indsigt.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def person_erase(request: HttpRequest, respondent_id: int) -> HttpResponse:
    respondent = studies().respondent(respondent_id, studies_for_user(request))
    if respondent is None:
        raise Http404
    key = str(respondent.pk)
    identity = IdentityForm(request.POST, key=key)
    confirm = ConfirmForm(request.POST, key=key)
    if not all([identity.is_valid(), confirm.is_valid()]):  # the page again, with problems
        search, found = _search_again(request, respondent.email)
        return _persons_page(
            request, search, found, {f"identity-{key}": identity, f"confirm-{key}": confirm}
        )
    study_name = respondent.study.name
    persons.erase_respondent(respondent, user=request.user, identity=identity.identity())
    messages.success(
        request,
        _("The person and their answers have been erased from %(study)s.") % {"study": study_name},
    )
    return redirect("privacy_persons")


# -- the audit log ----------------------------------------------------------------------------


def _log_page(request: HttpRequest, study: Any) -> HttpResponse:
    events = events_for(request.user, study)
    rows = [(e, action_label(e.action)) for e in events[:500]]
    return render(
        request,
        "privacy/audit_log.html",
        {"study": study, "rows": rows, "total": events.count()},
    )


def _log_csv(request: HttpRequest, study: Any, filename: str) -> HttpResponse:
    events = list(events_for(request.user, study))
    record_event(request.user, "export_audit", study=study, detail=f"{len(events)} events")
    return csv_download(events_csv(events), filename)


@login_required
@require_GET
def study_log(request: HttpRequest, study_id: int) -> HttpResponse:
    return _log_page(request, study_for_user(request, study_id))


@login_required
@require_GET
def study_log_csv(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    return _log_csv(request, study, f"study-{study.pk}-log.csv")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    return _log_page(request, None)


@login_required
@require_GET
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    return _log_csv(request, None, "samspil-log.csv")
