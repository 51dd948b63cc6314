"""Views: thin. Access through access.py, writes through actions.py, derived state from
state.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from samspil.coding import agreement
from samspil.coding_web import actions
from samspil.coding_web.access import (
    _get_project_for_coder,
    _get_project_for_manager,
    _get_project_for_member,
    _get_unit_for_coder,
    _get_unit_for_manager,
    is_coder,
    is_manager,
    projects_for_user,
    visible_codings,
)
from samspil.coding_web.forms import SOURCE_FILE, ProjectCreateForm, ThresholdForm
from samspil.coding_web.models import CodingProject
from samspil.coding_web.project_answers import UnitFileError, report_dir
from samspil.coding_web.state import (
    UnitState,
    coded_unit_ids,
    codings_frame,
    current_suggestion,
    final_frame,
    latest_runs,
    next_uncoded,
    ordered_units,
    progress,
    quotes_frame,
    unit_state,
    unit_states,
    usernames,
)
from samspil.web.access import is_researcher
from samspil.web.audit import record_event
from samspil.web.reportpdf import make_with_pdf_later, pdf_state, report_files
from samspil.web.response_sources import source

logger = logging.getLogger(__name__)


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here is behind ``login_required``)."""
    return cast(User, request.user)


# Keyboard shortcuts for the codes, in order; "q" toggles "quotable", Enter saves.
CODE_KEYS = "1234567890abcdefghijklmnoprstuvwxyz"
QUOTABLE_KEY = "q"


# -- projects --------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    # Only researchers create projects, and only they see the list of every account.
    can_create = is_researcher(request.user)
    if request.method == "POST" and not can_create:
        raise PermissionDenied
    studies = source("study").visible(request)
    form = ProjectCreateForm(request.POST or None, request.FILES or None, studies=studies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coders = (data["coder_1"], data["coder_2"])
        try:
            if data["source"] == SOURCE_FILE:
                upload = data["file"]
                project = actions.do_create_project_from_file(
                    data["name"],
                    data["codebook"],
                    upload.name,
                    upload.read(),
                    coders=coders,
                    researchers=[_user(request)],
                )
            else:
                project = actions.do_create_project_from_study(
                    data["name"],
                    data["codebook"],
                    data["study"],
                    coders=coders,
                    researchers=[_user(request)],
                )
        except UnitFileError as exc:
            for line in exc.errors:
                form.add_error(None, line)
            form.add_error(None, _("Nothing was imported."))
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The coding project has %(n)s answers to code.") % {"n": project.units.count()},
            )
            return redirect("coding_project", project_id=project.pk)
    projects = projects_for_user(request.user)
    return render(
        request,
        "coding_web/project_list.html",
        {"projects": projects, "form": form if can_create else None},
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_member(request, project_id)
    names = usernames(project)
    rows = progress(project)
    return render(
        request,
        "coding_web/project_detail.html",
        {
            "project": project,
            "rows": rows,
            "coders": [(c, names.get(c, "")) for c in project.coder_ids],
            "is_manager": is_manager(project, request.user),
            "is_coder": is_coder(project, request.user),
            "me": _user(request).pk,
        },
    )


@login_required
@require_POST
def project_add_answers(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_manager(request, project_id)
    try:
        added = actions.do_add_new_answers(project)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s new answers were added.") % {"n": added})
    return redirect("coding_project", project_id=project.pk)


# -- workbench -------------------------------------------------------------------------------


@login_required
@require_GET
def code_next(request: HttpRequest, project_id: int, variable: str | None = None) -> HttpResponse:
    project = _get_project_for_coder(request, project_id)
    if variable is not None and variable not in project.codebook.variables:
        raise Http404
    unit = next_uncoded(project, _user(request).pk, variable)
    if unit is None and variable is not None:
        unit = next_uncoded(project, _user(request).pk)
    if unit is None:
        messages.success(request, _("You have coded every answer in this project."))
        return redirect("coding_project", project_id=project.pk)
    return redirect("coding_unit", project_id=project.pk, unit_id=unit.pk)


@dataclass
class CodeOption:
    code: str
    label: str
    description: str
    key: str
    checked: bool
    suggested: bool
    probability: float | None


@dataclass
class ThemeGroup:
    label: str
    description: str
    options: list[CodeOption] = field(default_factory=list)


@login_required
def workbench(request: HttpRequest, project_id: int, unit_id: int) -> HttpResponse:
    project, unit = _get_unit_for_coder(request, project_id, unit_id)
    me = _user(request)
    state = unit_state(project, unit)
    # Only the coder's own coding is read here: the other coder's stays out of the page.
    mine = state.coding(me.pk)
    suggestion = current_suggestion(project, unit) if mine is None else None
    pre_ticked = set(suggestion.pre_ticked) if suggestion is not None else set()
    if request.method == "POST":
        try:
            actions.do_save_coding(
                project,
                unit,
                me,
                [c for c in request.POST.getlist("code") if c],
                quotable=request.POST.get("quotable") == "1",
                suggested=pre_ticked,
            )
        except actions.ActionError as exc:
            messages.error(request, str(exc))
            return redirect("coding_unit", project_id=project.pk, unit_id=unit.pk)
        following = next_uncoded(project, me.pk, unit.variable, after=unit)
        if following is None:
            following = next_uncoded(project, me.pk)
        if following is None:
            messages.success(request, _("Saved. You have coded every answer in this project."))
            return redirect("coding_project", project_id=project.pk)
        messages.success(request, _("Saved."))
        return redirect("coding_unit", project_id=project.pk, unit_id=following.pk)
    if request.method != "GET":
        return HttpResponse(status=405)

    question = project.question(unit.variable)
    checked = set(mine.codes) if mine is not None else pre_ticked
    probabilities = suggestion.probabilities if suggestion is not None else {}
    keys = iter(CODE_KEYS)
    groups: list[ThemeGroup] = []

    def option(code: str, label: str, description: str) -> CodeOption:
        return CodeOption(
            code=code,
            label=label,
            description=description,
            key=next(keys, ""),
            checked=code in checked,
            suggested=code in pre_ticked,
            probability=probabilities.get(code),
        )

    if question.two_level:
        for theme in question.themes:
            group = ThemeGroup(theme.label, theme.description)
            if theme.subthemes:
                group.options = [option(s.code, s.label, s.description) for s in theme.subthemes]
            else:
                group.options = [option(theme.code, theme.label, theme.description)]
            groups.append(group)
    else:
        groups.append(
            ThemeGroup(
                question.label,
                "",
                [option(t.code, t.label, t.description) for t in question.themes],
            )
        )
    units = ordered_units(project, unit.variable)
    position = next(i for i, u in enumerate(units) if u.pk == unit.pk)
    done = coded_unit_ids(project, me.pk, unit.variable)
    skip = next_uncoded(project, me.pk, unit.variable, after=unit)
    instrument_question = _question_text(project, unit.variable)
    return render(
        request,
        "coding_web/workbench.html",
        {
            "project": project,
            "unit": unit,
            "question": question,
            "question_text": instrument_question,
            "groups": groups,
            "multiple": question.multiple,
            "mine": mine,
            "quotable": mine.quotable if mine is not None else False,
            "quotable_key": QUOTABLE_KEY,
            "has_suggestions": bool(pre_ticked),
            "position": position + 1,
            "count": len(units),
            "coded": len(done),
            "previous": units[position - 1] if position > 0 else None,
            "next": units[position + 1] if position + 1 < len(units) else None,
            "skip": skip,
        },
    )


def _question_text(project: CodingProject, variable: str) -> str:
    from samspil.instruments import InstrumentError, resolve

    try:
        instrument = (
            project.study.instrument if project.study else resolve(project.codebook.instrument)
        )
    except InstrumentError:  # an instrument that is not bundled: the codebook label is enough
        return ""
    var = instrument.variable_map.get(variable)
    return var.question if var else ""


# -- agreement -------------------------------------------------------------------------------

REASONS = {
    "no_units": gettext_lazy("No answer has been coded by both coders."),
    "code_not_used": gettext_lazy("Neither coder used the code; kappa and alpha are not defined."),
    "code_always_used": gettext_lazy(
        "Both coders used the code on every answer; kappa and alpha are not defined."
    ),
}


def _both_coded_frame(
    request: HttpRequest, project: CodingProject, states: list[UnitState]
) -> pd.DataFrame:
    both = [s for s in states if s.both_coded]
    return codings_frame(project, visible_codings(project, request.user, both))


@login_required
@require_GET
def agreement_page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_member(request, project_id)
    states = unit_states(project)
    frame = _both_coded_frame(request, project, states)
    sections = []
    report = agreement(frame, project.codebook) if len(frame) else None
    for row in progress(project, states):
        section: dict[str, Any] = {"progress": row, "codes": [], "themes": [], "pooled": None}
        if report is not None:
            summary = report.variables[report.variables["variable"] == row.variable]
            if len(summary):
                section["summary"] = _records(summary)[0]
                stats = _records(report.codes[report.codes["variable"] == row.variable])
                for record in stats:
                    record["reason_text"] = REASONS.get(record["undefined_reason"] or "", "")
                section["codes"] = [r for r in stats if r["level"] == "code"]
                section["themes"] = [r for r in stats if r["level"] == "theme"]
                section["pooled"] = next((r for r in stats if r["level"] == "pooled"), None)
        section["question"] = project.question(row.variable)
        sections.append(section)
    return render(
        request,
        "coding_web/agreement.html",
        {
            "project": project,
            "sections": sections,
            "is_manager": is_manager(project, request.user),
        },
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def _audit(request: HttpRequest, project: CodingProject, action: str, target: str) -> None:
    """An audit-log entry (samspil.web.audit) naming the project and the file."""
    record_event(
        request.user, action, study=project.study, target=f"coding project {project.pk}: {target}"
    )


def _csv_response(
    frame: pd.DataFrame, filename: str, request: HttpRequest, project: CodingProject
) -> HttpResponse:
    from samspil.spreadsheet import csv_text

    _audit(request, project, "download_coding", filename)
    text = csv_text(frame)  # no answer runs as a formula in a spreadsheet
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def codings_csv(request: HttpRequest, project_id: int) -> HttpResponse:
    """``respondent_id,variable,coder,code``: the current codings the user may see."""
    project = _get_project_for_member(request, project_id)
    states = unit_states(project)
    frame = codings_frame(project, visible_codings(project, request.user, states))
    return _csv_response(frame, f"kodning-{project.pk}-kodninger.csv", request, project)


# -- adjudication ----------------------------------------------------------------------------


@login_required
@require_GET
def adjudication(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_manager(request, project_id)
    states = unit_states(project)
    names = usernames(project)
    seen: dict[int, dict[int, Any]] = {}
    for state, coder_id, version in visible_codings(project, request.user, states):
        seen.setdefault(state.unit.pk, {})[coder_id] = version
    first, second = project.coder_ids
    sections = []
    for row in progress(project, states):
        question = project.question(row.variable)
        items: list[dict[str, Any]] = []
        for state in states:
            if state.unit.variable != row.variable or not state.disagreement:
                continue
            versions = seen.get(state.unit.pk, {})
            if first not in versions or second not in versions:
                continue
            codes_1, codes_2 = set(versions[first].codes), set(versions[second].codes)
            chosen = set(state.decision.codes) if state.decision else codes_1 & codes_2
            quotable = (
                state.decision.quotable
                if state.decision
                else versions[first].quotable or versions[second].quotable
            )
            items.append(
                {
                    "state": state,
                    "quotable": quotable,
                    "options": [
                        {
                            "code": leaf.code,
                            "label": leaf.label,
                            "coder_1": leaf.code in codes_1,
                            "coder_2": leaf.code in codes_2,
                            "checked": leaf.code in chosen,
                        }
                        for leaf in question.leaves()
                    ],
                }
            )
        items.sort(key=lambda item: item["state"].decision is not None)
        sections.append({"progress": row, "question": question, "items": items})
    return render(
        request,
        "coding_web/adjudication.html",
        {
            "project": project,
            "sections": sections,
            "coder_1": names.get(first, ""),
            "coder_2": names.get(second, ""),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, project_id: int, unit_id: int) -> HttpResponse:
    project, unit = _get_unit_for_manager(request, project_id, unit_id)
    try:
        actions.do_decide(
            project,
            unit,
            _user(request),
            [c for c in request.POST.getlist("code") if c],
            quotable=request.POST.get("quotable") == "1",
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The decision for respondent %(id)s is saved.") % {"id": unit.respondent_id},
        )
    return redirect(reverse("coding_adjudication", args=[project.pk]) + f"#svar-{unit.pk}")


@login_required
@require_GET
def final_csv(request: HttpRequest, project_id: int) -> HttpResponse:
    """``respondent_id,variable,code`` of the final answers (an empty code: no theme)."""
    project = _get_project_for_manager(request, project_id)
    frame = final_frame(project, unit_states(project))
    return _csv_response(frame, f"kodning-{project.pk}-endelige-koder.csv", request, project)


@login_required
@require_GET
def quotes_csv(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_manager(request, project_id)
    frame = quotes_frame(unit_states(project))
    return _csv_response(frame, f"kodning-{project.pk}-citater.csv", request, project)


# -- suggestions -----------------------------------------------------------------------------


@login_required
@require_POST
def set_threshold(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_manager(request, project_id)
    form = ThresholdForm(request.POST)
    if form.is_valid():
        actions.do_set_threshold(project, form.cleaned_data["threshold"])
        messages.success(request, _("The threshold is saved; train the suggestions again."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["threshold"]))
    return redirect("coding_suggestions", project_id=project.pk)


@login_required
def suggestions(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_manager(request, project_id)
    if request.method == "POST":
        variable = request.POST.get("variable", "")
        if variable not in project.codebook.variables:
            raise Http404
        try:
            run = actions.do_train_suggestions(project, variable, _user(request))
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Suggestions were made for %(n)s answers without final codes.")
                % {"n": run.suggestions.count()},
            )
        return redirect("coding_suggestions", project_id=project.pk)
    if request.method != "GET":
        return HttpResponse(status=405)
    runs = latest_runs(project)
    sections = []
    for row in progress(project):
        latest = runs.get(row.variable)
        stored = latest.suggestions.all() if latest is not None else None
        sections.append(
            {
                "progress": row,
                "question": project.question(row.variable),
                "run": latest,
                "evaluation": latest.evaluation if latest is not None else None,
                "n_suggestions": stored.count() if stored is not None else 0,
                "n_pre_ticked": sum(1 for s in stored if s.pre_ticked) if stored is not None else 0,
                "can_train": row.final >= actions.MIN_FINAL_FOR_SUGGESTIONS,
            }
        )
    return render(
        request,
        "coding_web/suggestions.html",
        {
            "project": project,
            "sections": sections,
            "minimum": actions.MIN_FINAL_FOR_SUGGESTIONS,
            "threshold_form": ThresholdForm(initial={"threshold": round(project.threshold * 100)}),
        },
    )


# -- report ----------------------------------------------------------------------------------


def _figure_id(figure: str) -> str:
    return "figur_" + figure.replace(".", "_")


@login_required
def report(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _get_project_for_manager(request, project_id)
    out = report_dir(project)
    if request.method == "POST":
        try:
            make_with_pdf_later(lambda pdf: actions.do_make_report(project, out, pdf=pdf))
        except actions.ActionError as exc:
            messages.error(request, str(exc))
            return redirect("coding_project", project_id=project.pk)
        except Exception:
            logger.exception("report for coding project %s failed", project.pk)
            messages.error(request, _("The report could not be made; see the server log."))
            return redirect("coding_project", project_id=project.pk)
        _audit(request, project, "make_report", "report")
        messages.success(request, _("The report has been made."))
        return redirect("coding_report", project_id=project.pk)
    if request.method != "GET":
        return HttpResponse(status=405)
    files = report_files(out)
    figures = []
    for row in progress(project):
        question = project.question(row.variable)
        if not question.figure:
            continue
        figure_id = _figure_id(question.figure)
        table_path = out / "tables" / f"{figure_id}.csv"
        table = None
        if table_path.is_file():
            table = pd.read_csv(table_path, dtype={"option": str}).to_dict("records")
        figures.append(
            {
                "figure": question.figure,
                "question": question,
                "progress": row,
                "table": table,
                "csv": f"tables/{figure_id}.csv" if table is not None else "",
                "svg": f"figures/{figure_id}.svg"
                if (out / "figures" / f"{figure_id}.svg").is_file()
                else "",
            }
        )
    return render(
        request,
        "coding_web/report.html",
        {
            "project": project,
            "files": files,
            "figures": figures,
            "made": bool(files),
            "pdf_state": pdf_state(out),
        },
    )


@login_required
@require_GET
def report_file(request: HttpRequest, project_id: int, filename: str) -> HttpResponseBase:
    project = _get_project_for_manager(request, project_id)
    out = report_dir(project).resolve()
    path = (out / filename).resolve()
    if filename not in report_files(out):  # nothing outside it, nor the worker's files
        raise Http404
    inline = path.suffix.lower() in (".svg", ".png")
    _audit(request, project, "download_report", filename)
    return FileResponse(path.open("rb"), as_attachment=not inline, filename=path.name)
