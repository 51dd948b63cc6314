"""Views: thin. Access through access.py, writes through actions.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samspil.errors import DomainError
from samspil.fieldwork import actions, export, monitoring, rounds
from samspil.fieldwork.access import (
    LinkRejected,
    TooManyAttempts,
    _get_respondent_for_token,
    _report_link_works,
    _start_link_works,
    studies_for_user,
    study_for_user,
)
from samspil.fieldwork.forms import (
    FrontMatterForm,
    MailTextsForm,
    PreviousRoundForm,
    RakeForm,
    ReportDefinitionForm,
    RespondentUploadForm,
    SendRoundForm,
    StudyCreateForm,
    TestLinkForm,
)
from samspil.fieldwork.mail import LAST_ROUND, personal_url
from samspil.fieldwork.models import MailRound, Respondent, Study
from samspil.fieldwork.questionnaire import (
    SHOWN_FIELD,
    markup,
    neighbours,
    page_views,
    read_page,
    section_index,
    shown_sections,
)
from samspil.fieldwork.respondents_import import RespondentFileError, read_respondents
from samspil.instruments import Instrument, Section
from samspil.spreadsheet import safe_row
from samspil.web.access import is_researcher
from samspil.web.audit import record_event
from samspil.web.downloads import csv_download as _csv_response
from samspil.web.reportpdf import make_with_pdf_later, pdf_state, report_files
from samspil.web.study_page import page_of, parts_for
from samspil.web.views import not_found

logger = logging.getLogger(__name__)


def _form_errors(request: HttpRequest, form: Any, *, one_per_error: bool = False) -> None:
    """A form's errors as page messages: one per field (its errors joined), or one per error
    where each is a line of its own (e.g. every problem of an uploaded file)."""
    for errors in form.errors.values():
        if one_per_error:
            for error in errors:
                messages.error(request, str(error))
        else:
            messages.error(request, " ".join(str(e) for e in errors))


# -- respondent side ----------------------------------------------------------------------

RespondentView = Callable[..., HttpResponse]


def respondent_view(
    view: RespondentView, works: Callable[[Respondent], bool] | None = None
) -> Callable[..., HttpResponse]:
    """Resolve the personal link; unknown/closed links get the same plain 404 page.
    ``works``: when the link opens the view (default: while the study is open)."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        try:
            respondent = _get_respondent_for_token(request, token, works)
        except TooManyAttempts:
            response = render(request, "samspil/429.html", status=429)
            response["Retry-After"] = str(settings.BAD_TOKEN_WINDOW)
            return response
        except LinkRejected:
            return not_found(request)
        language = respondent.study.instrument.language
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            return view(request, respondent, **kwargs)

    return wrapper


def _page_url(respondent: Respondent, section_id: str) -> str:
    return f"/s/{respondent.token}/side/{section_id}/"


def _language(instrument: Instrument) -> str:
    return instrument.language or settings.LANGUAGE_CODE


def _start(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    if respondent.study.status == Study.Status.CLOSED:  # the link now opens the report
        return redirect("respondent_municipal_report", token=respondent.token)
    if respondent.is_completed:
        return redirect("respondent_done", token=respondent.token)
    actions.do_mark_opened(respondent)
    instrument = respondent.study.instrument
    shown = shown_sections(instrument, respondent.answers)
    if respondent.current_section:
        return redirect(_page_url(respondent, respondent.current_section))
    if not instrument.welcome and shown:
        return redirect(_page_url(respondent, shown[0].id))
    return render(
        request,
        "samspil/respondent/welcome.html",
        {
            "instrument": instrument,
            "welcome": [markup(p) for p in instrument.welcome],
            "first_url": _page_url(respondent, shown[0].id) if shown else "",
            "privacy_url": reverse("privacy_notice", args=[respondent.study.privacy_key]),
            "lang": _language(instrument),
        },
    )


questionnaire_start = require_GET(respondent_view(_start, _start_link_works))


@respondent_view
def questionnaire_page(
    request: HttpRequest, respondent: Respondent, section_id: str
) -> HttpResponse:
    if respondent.is_completed:
        return redirect("respondent_done", token=respondent.token)
    instrument = respondent.study.instrument
    index = section_index(instrument, section_id)
    if index < 0 or index > respondent.furthest_section:
        return redirect("respondent_start", token=respondent.token)
    section = instrument.sections[index]
    if not section.shown(respondent.answers) and respondent.current_section != section.id:
        return redirect("respondent_start", token=respondent.token)  # skipped by a condition
    if request.method == "POST":
        return _save_page(request, respondent, instrument, section)
    if request.method != "GET":
        return HttpResponse(status=405)
    actions.do_mark_opened(respondent)
    return _render_page(request, respondent, instrument, section, respondent.answers)


def _render_page(
    request: HttpRequest,
    respondent: Respondent,
    instrument: Instrument,
    section: Section,
    answers: dict[str, object],
    posted: Any = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    prev, nxt, progress = neighbours(instrument, section, answers)
    questions = page_views(section, answers, posted, errors)
    error_list = [(q, message) for q in questions for message in q.errors]
    return render(
        request,
        "samspil/respondent/page.html",
        {
            "instrument": instrument,
            "section": section,
            "intro": [markup(p) for p in section.intro],
            "definitions": [markup(p) for p in section.definitions],
            "welcome": [],
            "questions": questions,
            "error_list": error_list,
            "progress": progress,
            "has_prev": prev is not None,
            "is_last": nxt is None,
            "shown_field": SHOWN_FIELD,
            "lang": _language(instrument),
            "preview": False,
        },
        status=status,
    )


def _save_page(
    request: HttpRequest, respondent: Respondent, instrument: Instrument, section: Section
) -> HttpResponse:
    posted = dict(request.POST.lists())
    result = read_page(section, respondent.answers, posted)
    prev, nxt, _progress = neighbours(instrument, section, result.merged)
    action = request.POST.get("nav", "next")
    if action == "back" and prev is not None:
        target, complete = prev, False
    elif result.errors or result.more_questions:
        target, complete = section, False
    elif nxt is None:
        target, complete = section, action == "next"
    else:
        target, complete = nxt, False
    # Save before answering: the valid answers are stored whatever happens next.
    saved = actions.do_save_page(
        respondent,
        actions.PageSave(
            answers=result.answers,
            resume_section=target.id,
            section_index=section_index(instrument, target.id),
            complete=complete,
        ),
    )
    if complete:
        return redirect("respondent_done", token=respondent.token)
    if target is section and (result.errors or result.more_questions):
        return _render_page(
            request,
            saved,
            instrument,
            section,
            saved.answers,
            posted=posted,
            errors=result.errors,
            status=200,
        )
    return redirect(_page_url(respondent, target.id))


@require_GET
@respondent_view
def questionnaire_done(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    if not respondent.is_completed:
        return redirect("respondent_start", token=respondent.token)
    instrument = respondent.study.instrument
    return render(
        request,
        "samspil/respondent/done.html",
        {
            "instrument": instrument,
            "closing": [markup(p) for p in instrument.closing],
            "lang": _language(instrument),
        },
    )


# -- researcher side ----------------------------------------------------------------------


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    can_create = is_researcher(request.user)
    if request.method == "POST" and not can_create:
        raise PermissionDenied
    form = StudyCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded, upload_name = form.cleaned_data["questionnaire"] or (None, "")
        try:
            study = actions.do_create_study(
                form.cleaned_data["name"],
                uploaded or form.cleaned_data["instrument"],
                researchers=[request.user],  # type: ignore[list-item]
                upload_name=upload_name,
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("study_detail", study_id=study.pk)
    studies = studies_for_user(request).order_by("-created_at")
    return render(
        request,
        "samspil/research/study_list.html",
        {"studies": studies, "form": form, "can_create": can_create},
    )


@login_required
def study_detail(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    counts = monitoring.study_counts(study)
    rows = monitoring.municipality_rows(study)
    instrument = study.instrument
    return render(
        request,
        "samspil/research/study_detail.html",
        {
            "study": study,
            "instrument": instrument,
            "counts": counts,
            "rows": rows,
            "summary": monitoring.summary_sentence(study, counts),
            "curve": monitoring.response_curve(study, counts),
            **_municipal_context(study),
            "upload_form": RespondentUploadForm(),
            "test_form": TestLinkForm(),
            "mail_form": MailTextsForm(instance=study),
            "definition_form": ReportDefinitionForm(instrument=instrument),
            "rake_form": RakeForm(initial={"rake": study.rake}),
            "front_form": FrontMatterForm(),
            "previous_form": PreviousRoundForm(
                initial={"previous": study.previous_id},
                studies=studies_for_user(request).exclude(pk=study.pk),
            ),
            "next_round": study.rounds_sent if study.rounds_sent <= LAST_ROUND else None,
            "send_form": SendRoundForm(),
            **_rounds_context(study),
            "next_round_label": actions.round_label(study.rounds_sent)
            if study.rounds_sent <= LAST_ROUND
            else "",
            "first_section": instrument.sections[0].id if instrument.sections else "",
            "exporters": _archive_exporters(),
            "missing_controller": actions.missing_controller_fields(study),
            "controller_url": page_of(study, "controller"),
            "study_parts": parts_for(request, study),
        },
    )


def _municipal_context(study: Study) -> dict[str, Any]:
    from samspil.fieldwork import municipal_reports as mr

    if study.status != Study.Status.CLOSED:
        return {}
    return {"municipal_rows": mr.overview(study), "municipal_queued": mr.is_queued(study)}


def _archive_exporters() -> list[Any]:
    """The registered export formats the study page offers beside its own CSV."""
    from samspil.exports import EXPORTERS

    return [exporter for name, exporter in EXPORTERS.items() if name != "csv"]


@login_required
def study_respondents(request: HttpRequest, study_id: int) -> HttpResponse:
    """GET: the respondents with their status and messages; POST: import a file."""
    study = study_for_user(request, study_id)
    if request.method == "POST":
        return _import_respondents(request, study)
    respondents = (
        study.respondents.filter(is_test=False)
        .select_related("municipality", "unit")
        .annotate(
            messages_sent=Count("messages", filter=Q(messages__ok=True)),
            messages_failed=Count("messages", filter=Q(messages__ok=False)),
            last_message=Max("messages__sent_at"),
        )
        .order_by("row_number", "pk")
    )
    record_event(request.user, "view_respondents", study=study, identifiers=True)
    return render(
        request,
        "samspil/research/respondents.html",
        {"study": study, "respondents": respondents},
    )


def _import_respondents(request: HttpRequest, study: Study) -> HttpResponse:
    form = RespondentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form, one_per_error=True)
        return redirect("study_detail", study_id=study.pk)
    upload = form.cleaned_data["file"]
    existing = set(study.respondents.values_list("email", flat=True))
    try:
        rows = read_respondents(upload.name, upload.read(), existing_emails=existing)
        created = actions.do_import_respondents(study, rows)
    except RespondentFileError as exc:
        for line in exc.errors:
            messages.error(request, line)
        messages.error(request, _("Nothing was imported."))
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s respondents were imported.") % {"n": len(created)})
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_open(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    try:
        actions.do_open_study(study)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("study_detail", study_id=study.pk)
    messages.success(request, _("The study is open."))
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_close(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    actions.do_close_study(study)
    messages.success(request, _("The study is closed; the links no longer work."))
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_test_link(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    form = TestLinkForm(request.POST)
    if form.is_valid():
        try:
            actions.do_send_test_link(study, form.cleaned_data["email"], base_url=_base(request))
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The test link has been sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_report_definition(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    if request.POST.get("reset") == "1":
        actions.do_set_report_definition(study, None)
        record_event(request.user, "report_definition", study=study, target="default")
        messages.success(request, _("The study gets the default report again."))
        return redirect("study_detail", study_id=study.pk)
    form = ReportDefinitionForm(request.POST, request.FILES, instrument=study.instrument)
    if form.is_valid():
        spec = form.cleaned_data["definition"]
        actions.do_set_report_definition(study, spec)
        record_event(request.user, "report_definition", study=study, target=f"report {spec.id}")
        messages.success(request, _("The report definition has been saved."))
    else:
        _form_errors(request, form, one_per_error=True)
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_front_matter(request: HttpRequest, study_id: int) -> HttpResponse:
    """Upload (or remove) the report's foreword and summary of main findings."""
    study = study_for_user(request, study_id)
    remove = request.POST.get("remove")
    if remove in ("foreword", "summary"):
        actions.do_set_front_matter(study, **{remove: ""})
        record_event(request.user, "report_front_matter", study=study, target=f"{remove} removed")
        messages.success(request, _("The text has been removed from the report."))
        return redirect("study_detail", study_id=study.pk)
    form = FrontMatterForm(request.POST, request.FILES)
    if form.is_valid():
        texts = {k: form.cleaned_data[k] for k in ("foreword", "summary")}
        actions.do_set_front_matter(study, **texts)
        # which texts were saved, never their words
        saved = " and ".join(k for k, text in texts.items() if text is not None)
        record_event(request.user, "report_front_matter", study=study, target=f"{saved} saved")
        messages.success(request, _("The report's foreword and summary have been saved."))
    else:
        _form_errors(request, form, one_per_error=True)
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_previous(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    form = PreviousRoundForm(request.POST, studies=studies_for_user(request).exclude(pk=study.pk))
    return _save_setting(
        request,
        study,
        form,
        lambda data: actions.do_link_previous(study, data["previous"]),
        _("The previous round has been saved."),
        audit=(
            "previous_round",
            lambda data: f"study {data['previous'].pk}" if data["previous"] else "none",
        ),
    )


@login_required
@require_POST
def study_rake(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    return _save_setting(
        request,
        study,
        RakeForm(request.POST),
        lambda data: actions.do_set_rake(study, data["rake"]),
        _("The weighting of the report has been saved."),
        audit=(
            "report_weighting",
            lambda data: f"raked to {data['rake']}" if data["rake"] else "none",
        ),
    )


def _save_setting(
    request: HttpRequest,
    study: Study,
    form: Any,
    action: Callable[[dict[str, Any]], object],
    saved: str,
    *,
    audit: tuple[str, Callable[[dict[str, Any]], str]],
) -> HttpResponse:
    """A study setting posted from its page: the action with the form's data (a refusal
    shown as the action words it), back to the study page. A saved setting is written to
    the audit log (``audit``: the action and the target made of the form's data)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            event, target = audit
            record_event(request.user, event, study=study, target=target(form.cleaned_data))
            messages.success(request, saved)
    else:
        _form_errors(request, form)
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_mail_texts(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    form = MailTextsForm(request.POST)  # validates only; the action writes
    if form.is_valid():
        actions.do_set_mail_texts(
            study,
            note=form.cleaned_data["mail_note"],
            signature=form.cleaned_data["mail_signature"],
            municipal_reports=form.cleaned_data["municipal_reports"],
        )
        messages.success(request, _("The texts of the e-mails have been saved."))
    else:
        _form_errors(request, form)
    return redirect("study_detail", study_id=study.pk)


@login_required
@require_POST
def study_send_round(request: HttpRequest, study_id: int) -> HttpResponse:
    """Queue the next round (now, or at the date given); a worker sends it."""
    study = study_for_user(request, study_id)
    form = SendRoundForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("study_detail", study_id=study.pk)
    send_after = form.cleaned_data.get("send_at")
    try:
        mail_round = actions.do_send_round(
            study,
            base_url=_base(request),
            send_after=send_after,
            user=request.user,  # type: ignore[arg-type]
            expected_round=form.cleaned_data.get("round"),
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        label = actions.round_label(mail_round.number).capitalize()
        if send_after and mail_round.send_after > timezone.now():
            text = _("%(round)s will be sent from %(when)s.") % {
                "round": label,
                "when": date_format(timezone.localtime(mail_round.send_after), "DATETIME_FORMAT"),
            }
        else:
            text = _("%(round)s is being sent in the background.") % {"round": label}
        messages.success(request, text)
    return redirect(reverse("study_detail", args=[study.pk]) + "#rounds")


def _study_round(request: HttpRequest, study_id: int, number: int) -> MailRound:
    study = study_for_user(request, study_id)
    mail_round = study.mail_rounds.filter(number=number).first()
    if mail_round is None:
        raise Http404
    return mail_round


@login_required
@require_POST
def study_round_retry(request: HttpRequest, study_id: int, number: int) -> HttpResponse:
    mail_round = _study_round(request, study_id, number)
    count = actions.do_retry_failed(mail_round)
    messages.success(request, _("%(n)s failed messages are being sent again.") % {"n": count})
    return redirect(reverse("study_detail", args=[study_id]) + "#rounds")


@login_required
@require_POST
def study_round_cancel(request: HttpRequest, study_id: int, number: int) -> HttpResponse:
    mail_round = _study_round(request, study_id, number)
    try:
        actions.do_cancel_round(mail_round)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The scheduled round has been cancelled."))
    return redirect(reverse("study_detail", args=[study_id]) + "#rounds")


@login_required
@require_GET
def study_rounds(request: HttpRequest, study_id: int) -> HttpResponse:
    """The rounds' progress alone: the study page refreshes it from here while sending."""
    study = study_for_user(request, study_id)
    return render(request, "samspil/research/_rounds.html", _rounds_context(study))


def _rounds_context(study: Study) -> dict[str, Any]:
    progress = rounds.study_progress(study)
    return {
        "study": study,
        "rounds": progress,
        "rounds_active": any(p.active for p in progress),
        "last_round": progress[-1] if progress else None,
    }


def _base(request: HttpRequest) -> str:
    """Links in e-mails: SAMSPIL_BASE_URL when set, otherwise the address in use."""
    return settings.BASE_URL or request.build_absolute_uri("/").rstrip("/")


@login_required
@require_GET
def study_preview(request: HttpRequest, study_id: int, section_id: str) -> HttpResponse:
    study = study_for_user(request, study_id)
    instrument = study.instrument
    index = section_index(instrument, section_id)
    if index < 0:
        raise Http404
    section = instrument.sections[index]
    prev = instrument.sections[index - 1] if index > 0 else None
    nxt = instrument.sections[index + 1] if index + 1 < len(instrument.sections) else None
    return render(
        request,
        "samspil/research/preview.html",
        {
            "study": study,
            "instrument": instrument,
            "section": section,
            "intro": [markup(p) for p in section.intro],
            "definitions": [markup(p) for p in section.definitions],
            "welcome": [markup(p) for p in instrument.welcome] if index == 0 else [],
            "questions": page_views(section, {}, show_all=True),
            "error_list": [],
            "prev": prev,
            "next": nxt,
            "page": index + 1,
            "pages": len(instrument.sections),
            "preview": True,
            "lang": _language(instrument),
        },
    )


@login_required
@require_GET
def study_status_csv(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    record_event(request.user, "export_status", study=study, target="status.csv")
    return _csv_response(monitoring.status_csv(study), f"study-{study.pk}-status.csv")


@login_required
@require_GET
def study_answers_csv(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    identifiers = request.GET.get("identifiers") == "1"
    kommune = identifiers or request.GET.get("kommune") == "1"
    excel = request.GET.get("excel") == "1"
    suffix = "-med-identitet" if identifiers else "-med-kommune" if kommune else ""
    record_event(
        request.user, "export_answers", study=study, target="svar.csv", identifiers=identifiers
    )
    text = export.answers_csv(study, identifiers=identifiers, kommune=kommune, excel=excel)
    return _csv_response(text, f"study-{study.pk}-svar{suffix}{'-excel' if excel else ''}.csv")


@login_required
@require_GET
def study_answers_file(request: HttpRequest, study_id: int, fmt: str) -> HttpResponse:
    """The answers in a registered export format (``samspil.exports``: SPSS, Stata, Excel,
    DDI, ...) from the study's frozen questionnaire, as ``samspil study export --to``;
    ``?kommune=1`` keeps the municipality. Never with name and e-mail."""
    import tempfile

    from samspil.exports import EXPORTERS

    study = study_for_user(request, study_id)
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise Http404
    kommune = request.GET.get("kommune") == "1"
    filename = f"study-{study.pk}-svar{'-med-kommune' if kommune else ''}.{exporter.suffix}"
    with tempfile.TemporaryDirectory(prefix="samspil-export-") as folder:
        path = Path(folder) / filename
        try:
            export.write_answers(study, fmt, path, kommune=kommune)
        except DomainError as exc:  # e.g. a weighting these answers cannot be raked to
            messages.error(request, str(exc))
            return redirect("study_detail", study_id=study.pk)
        content = path.read_bytes()
    record_event(request.user, "export_answers", study=study, target=filename)
    response = HttpResponse(content, content_type=_content_type(filename))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _content_type(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


@login_required
@require_GET
def study_links_csv(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    record_event(request.user, "export_links", study=study, target="links.csv", identifiers=True)
    return _csv_response(links_csv(study, _base(request)), f"study-{study.pk}-links.csv")


def links_csv(study: Study, base_url: str | None = None) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["respondent_id", "name", "email", "kommune", "url"])
    for r in study.respondents.filter(is_test=False).select_related("municipality", "study"):
        writer.writerow(
            safe_row(
                [
                    r.public_id,
                    r.name,
                    r.email,
                    r.municipality.name if r.municipality else "",
                    personal_url(r, base_url),
                ]
            )
        )
    return out.getvalue()


@login_required
def study_report(request: HttpRequest, study_id: int) -> HttpResponse:
    study = study_for_user(request, study_id)
    out = export.report_dir(study)
    if request.method == "POST":
        try:
            make_with_pdf_later(lambda pdf: export.make_study_report(study, out, pdf=pdf))
        except DomainError as exc:  # e.g. a report definition that does not fit
            messages.error(request, str(exc))
            return redirect("study_detail", study_id=study.pk)
        record_event(request.user, "make_report", study=study, target=f"report study-{study.pk}")
        messages.success(request, _("The report has been made."))
        return redirect("study_report", study_id=study.pk)
    files = report_files(out, nested=False)
    return render(
        request,
        "samspil/research/report.html",
        {"study": study, "files": files, "pdf_state": pdf_state(out)},
    )


@login_required
@require_GET
def study_report_file(request: HttpRequest, study_id: int, filename: str) -> HttpResponseBase:
    study = study_for_user(request, study_id)
    out = export.report_dir(study)
    path = out / filename
    if "/" in filename or filename.startswith(".") or not path.is_file():
        raise Http404
    record_event(request.user, "download_report", study=study, target=filename)
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


# -- each municipality's own report (issue 21 item 4; docs/fieldwork.md) ------------------


def _own_report(respondent: Respondent) -> tuple[str, list[tuple[str, str]]] | None:
    """The respondent's municipality's report folder and its files, when made."""
    from samspil.fieldwork import municipal_reports as mr

    assert respondent.municipality is not None  # _report_link_works
    entry = mr.report_index(respondent.study).get(respondent.municipality.name)
    if entry is None:
        return None
    folder = entry[0]
    base = mr.municipal_dir(respondent.study) / folder
    files = [(fmt, mr.FILES[fmt]) for fmt in mr.FORMATS if (base / mr.FILES[fmt]).is_file()]
    return folder, files


def _municipal_report_page(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    from samspil.fieldwork import municipal_reports as mr

    study = respondent.study
    own = _own_report(respondent)
    if own is None and not mr.report_index(study):
        mr.queue_municipal_reports(study)  # none made yet (made on first request)
    return render(
        request,
        "samspil/respondent/municipal_report.html",
        {
            "study": study,
            "instrument": study.instrument,
            "municipality": respondent.municipality,
            "folder": own[0] if own else "",
            "files": own[1] if own else [],
            "made": bool(mr.report_index(study)),
            "token": respondent.token,
            "lang": _language(study.instrument),
        },
    )


municipal_report_page = require_GET(respondent_view(_municipal_report_page, _report_link_works))


def _municipal_report_file(
    request: HttpRequest, respondent: Respondent, folder: str, filename: str
) -> HttpResponseBase:
    """One file of the respondent's OWN municipality's report; any other folder is 404."""
    from samspil.fieldwork import municipal_reports as mr

    own = _own_report(respondent)
    if own is None or folder != own[0] or (filename not in dict(own[1]).values()):
        return not_found(request)
    path = mr.report_file(respondent.study, folder, filename)
    if path is None:
        return not_found(request)
    assert respondent.municipality is not None
    mr.count_download(respondent.study, respondent.municipality)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


municipal_report_file = require_GET(
    respondent_view(_municipal_report_file, _report_link_works)  # type: ignore[arg-type]
)


@login_required
@require_POST
def study_municipal_reports(request: HttpRequest, study_id: int) -> HttpResponse:
    """Make (again) every municipality's report of a closed study, in the worker."""
    from samspil.fieldwork import municipal_reports as mr

    study = study_for_user(request, study_id)
    if study.status != Study.Status.CLOSED:
        messages.error(request, _("The municipalities' reports are made once the study is closed."))
    elif mr.queue_municipal_reports(study):
        record_event(request.user, "make_report", study=study, target="municipal reports")
        messages.success(request, _("The municipalities' reports are being made."))
    else:
        messages.info(request, _("The municipalities' reports are already being made."))
    return redirect(reverse("study_detail", args=[study.pk]) + "#municipal-reports")


@login_required
@require_GET
def study_municipal_report_file(
    request: HttpRequest, study_id: int, folder: str, filename: str
) -> HttpResponseBase:
    """Any municipality's report, for the study's researchers (not counted)."""
    from samspil.fieldwork import municipal_reports as mr

    study = study_for_user(request, study_id)
    path = mr.report_file(study, folder, filename)
    if path is None:
        raise Http404
    record_event(request.user, "download_report", study=study, target=f"{folder}/{filename}")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{folder}-{filename}")


@login_required
@require_GET
def staff_municipal_reports(request: HttpRequest) -> HttpResponse:
    """A municipality's contact points (its confirmed staff in the register, asked through
    the platform): their own municipality's reports of every closed study promising them."""
    from samspil.fieldwork import municipal_reports as mr
    from samspil.web.municipal_staff import municipalities_of

    return render(
        request,
        "samspil/research/staff_reports.html",
        {"reports": mr.staff_reports(municipalities_of(request.user))},
    )


@login_required
@require_GET
def staff_municipal_report_file(
    request: HttpRequest, study_id: int, folder: str, filename: str
) -> HttpResponseBase:
    """One file of a report of the user's own municipality; anything else is 404."""
    from samspil.fieldwork import municipal_reports as mr
    from samspil.web.municipal_staff import municipalities_of

    study = mr.open_to_staff().filter(pk=study_id).first()
    if study is None:
        raise Http404
    own = {
        r.municipality.pk: r
        for r in mr.staff_reports(municipalities_of(request.user))
        if r.study.pk == study.pk and r.folder == folder
    }
    path = mr.report_file(study, folder, filename)
    if not own or path is None:
        raise Http404
    mr.count_download(study, next(iter(own.values())).municipality)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response
