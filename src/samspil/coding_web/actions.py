"""Every write to coding data goes through a ``do_*`` function here.

Views and tests call these; they check what must hold, then write inside a transaction.
Codings and decisions are only ever added (a new version row), never changed in place.
Suggestions are stored apart from codings: nothing here turns a suggestion into a coding
or a final code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from samspil.coding import Codebook, load_codebook
from samspil.coding_web.models import (
    CodingProject,
    CodingUnit,
    CodingVersion,
    Decision,
    Suggestion,
    SuggestionRun,
)
from samspil.coding_web.project_answers import (
    UnitRow,
    read_answers,
    read_units_file,
    study_units,
)
from samspil.coding_web.state import (
    UnitState,
    final_frame,
    quotes_frame,
    texts_frame,
    unit_state,
    unit_states,
)
from samspil.errors import DomainError
from samspil.responses import Responses
from samspil.web.response_sources import source

if TYPE_CHECKING:
    from samspil.reports.publish import PdfElsewhere

Study = Any  # a fieldwork study: a source of answers (samspil.web.response_sources)


def study_responses(study: Study) -> Responses:
    """A study's answers (its frozen questionnaire), through the response sources."""
    return source("study").responses(study)


# Final answers needed per open question before suggestions can be trained.
MIN_FINAL_FOR_SUGGESTIONS = 10
# What "Lav rapport" writes (see samspil.reports.make_report); tests leave out the PDF.
REPORT_FORMATS: frozenset[str] = frozenset({"csv", "xlsx", "figures", "html", "pdf"})


class ActionError(DomainError):
    """A write that is not allowed in the current state; the message is for the user."""


# -- projects --------------------------------------------------------------------------------


def _codebook(codebook_id: str) -> Codebook:
    try:
        return load_codebook(codebook_id)
    except ValueError as exc:
        raise ActionError(str(exc)) from None


def _create(
    name: str,
    codebook: Codebook,
    rows: Sequence[UnitRow],
    *,
    coders: tuple[User, User],
    researchers: Iterable[User],
    study: Study | None = None,
    source_name: str = "",
    source_file: bytes | None = None,
) -> CodingProject:
    name = name.strip()
    if not name:
        raise ActionError(_("The coding project needs a name."))
    if coders[0].pk == coders[1].pk:
        raise ActionError(_("Choose two different coders."))
    if not rows:
        raise ActionError(_("There are no open answers to code."))
    project = CodingProject(
        name=name[:200],
        study=study,
        source_name=source_name[:255],
        source_file=source_file,
        coder_1=coders[0],
        coder_2=coders[1],
    )
    project.freeze_codebook(codebook)
    with transaction.atomic():
        project.save()
        project.researchers.add(*researchers)
        CodingUnit.objects.bulk_create(
            [
                CodingUnit(
                    project=project,
                    respondent_id=row.respondent_id,
                    variable=row.variable,
                    text=row.text,
                    position=position,
                )
                for position, row in enumerate(rows)
            ]
        )
    return project


def do_create_project_from_study(
    name: str,
    codebook_id: str,
    study: Study,
    *,
    coders: tuple[User, User],
    researchers: Iterable[User] = (),
) -> CodingProject:
    """A project over a study's open answers (the study's respondents as they are now)."""
    codebook = _codebook(codebook_id)
    responses = study_responses(study)
    if responses.instrument.id != codebook.instrument:
        raise ActionError(
            _("Codebook %(codebook)s codes %(instrument)s, but the study uses %(study)s.")
            % {
                "codebook": codebook.id,
                "instrument": codebook.instrument,
                "study": responses.instrument.id,
            }
        )
    rows = study_units(responses, codebook)
    return _create(name, codebook, rows, coders=coders, researchers=researchers, study=study)


def do_create_project_from_file(
    name: str,
    codebook_id: str,
    filename: str,
    content: bytes,
    *,
    coders: tuple[User, User],
    researchers: Iterable[User] = (),
) -> CodingProject:
    """A project over an answers file; raises ``UnitFileError`` listing every problem
    (nothing is stored then)."""
    codebook = _codebook(codebook_id)
    rows = read_units_file(filename, content, codebook)
    return _create(
        name,
        codebook,
        rows,
        coders=coders,
        researchers=researchers,
        source_name=Path(filename).name,
        source_file=content,
    )


def do_add_new_answers(project: CodingProject) -> int:
    """Add the study's open answers that came in after the project was made; returns how
    many. Answers already in the project are left as they are."""
    if project.study is None:
        raise ActionError(_("Only a project made from a study can fetch new answers."))
    rows = study_units(study_responses(project.study), project.codebook)
    with transaction.atomic():
        existing = set(
            CodingUnit.objects.filter(project=project).values_list("variable", "respondent_id")
        )
        start = CodingUnit.objects.filter(project=project).count()
        new = [r for r in rows if (r.variable, r.respondent_id) not in existing]
        CodingUnit.objects.bulk_create(
            [
                CodingUnit(
                    project=project,
                    respondent_id=r.respondent_id,
                    variable=r.variable,
                    text=r.text,
                    position=start + i,
                )
                for i, r in enumerate(new)
            ]
        )
    return len(new)


# -- coding and adjudication -----------------------------------------------------------------


def _checked_codes(project: CodingProject, unit: CodingUnit, codes: Iterable[str]) -> list[str]:
    question = project.question(unit.variable)
    chosen = set(codes)
    unknown = sorted(chosen - set(question.codes))
    if unknown:
        raise ActionError(
            _("Unknown code(s) for this question: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    if not question.multiple and len(chosen) > 1:
        raise ActionError(_("This question takes one code per answer."))
    return [c for c in question.codes if c in chosen]


def do_save_coding(
    project: CodingProject,
    unit: CodingUnit,
    coder: User,
    codes: Iterable[str],
    *,
    quotable: bool = False,
    suggested: Iterable[str] = (),
) -> CodingVersion:
    """Add a new version of ``coder``'s coding of ``unit``. ``suggested``: the codes that
    were pre-ticked as suggestions on the page (kept for the record only)."""
    if unit.project_id != project.pk:
        raise ActionError(_("The answer does not belong to this project."))
    if coder.pk not in project.coder_ids:
        raise ActionError(_("Only the project's two coders can code its answers."))
    ordered = _checked_codes(project, unit, codes)
    question = project.question(unit.variable)
    return CodingVersion.objects.create(
        unit=unit,
        coder=coder,
        codes=ordered,
        quotable=bool(quotable),
        suggested=[c for c in question.codes if c in set(suggested)],
    )


def do_decide(
    project: CodingProject,
    unit: CodingUnit,
    user: User,
    codes: Iterable[str],
    *,
    quotable: bool = False,
) -> Decision:
    """Record the final code set of an answer the coders coded differently."""
    if unit.project_id != project.pk:
        raise ActionError(_("The answer does not belong to this project."))
    state = unit_state(project, unit)
    if not state.both_coded:
        raise ActionError(_("Both coders must code the answer before it is decided."))
    if state.agreed and state.decision is None:
        raise ActionError(_("The coders agree on this answer; it is final already."))
    ordered = _checked_codes(project, unit, codes)
    return Decision.objects.create(
        unit=unit, codes=ordered, quotable=bool(quotable), decided_by=user
    )


# -- suggestions -----------------------------------------------------------------------------


def do_set_threshold(project: CodingProject, percent: int) -> CodingProject:
    """The probability (in percent, 50-99) at or above which suggested codes are pre-ticked;
    it applies from the next training of the suggestions."""
    if not 50 <= percent <= 99:
        raise ActionError(_("The threshold must be a whole percentage from 50 to 99."))
    project.threshold = percent / 100
    project.save(update_fields=["threshold"])
    return project


def do_train_suggestions(project: CodingProject, variable: str, user: User) -> SuggestionRun:
    """Train the suggester on the question's final codes, evaluate it by cross-validation
    and store suggestions for the answers without final codes. Codings and final codes are
    not touched: a coder still confirms or changes every answer."""
    from samspil.coding.classifier import evaluate, train_suggester

    codebook = project.codebook
    codebook.question(variable)  # ValueError for an unknown question
    states = unit_states(project, variable)
    final_states = [s for s in states if s.final is not None]
    if len(final_states) < MIN_FINAL_FOR_SUGGESTIONS:
        raise ActionError(
            _(
                "Only %(n)s answers to this question have final codes; suggestions need at "
                "least %(min)s."
            )
            % {"n": len(final_states), "min": MIN_FINAL_FOR_SUGGESTIONS}
        )
    texts = texts_frame(states)
    finals = final_frame(project, final_states)
    threshold = project.threshold
    try:
        evaluation = evaluate(texts, finals, variable, codebook, threshold=threshold)
        suggester = train_suggester(texts, finals, variable, codebook, threshold=threshold)
    except ValueError as exc:  # e.g. no codes to learn: the message names the problem
        raise ActionError(str(exc)) from None
    open_states = [s for s in states if s.final is None]
    with transaction.atomic():
        run = SuggestionRun.objects.create(
            project=project,
            variable=variable,
            threshold=threshold,
            n_answers=len(final_states),
            evaluation=_evaluation_json(evaluation),
            trained_by=user,
        )
        if open_states:
            series = pd.Series(
                [s.unit.text for s in open_states], index=[s.unit.pk for s in open_states]
            )
            probabilities = suggester.probabilities(series)
            Suggestion.objects.bulk_create(
                [
                    Suggestion(
                        run=run,
                        unit=state.unit,
                        probabilities={
                            code: round(float(probabilities[i, j]), 4)
                            for j, code in enumerate(suggester.codes)
                        },
                        pre_ticked=[
                            code
                            for j, code in enumerate(suggester.codes)
                            if probabilities[i, j] >= threshold
                        ],
                    )
                    for i, state in enumerate(open_states)
                ]
            )
    return run


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _evaluation_json(evaluation: Any) -> dict[str, Any]:
    return {
        "summary": {k: _plain(v) for k, v in evaluation.summary.items()},
        "codes": [
            {k: _plain(v) for k, v in row.items()} for row in evaluation.codes.to_dict("records")
        ],
        "warnings": [
            {"key": w.key, "message": w.message, "code": w.code} for w in evaluation.warnings
        ],
    }


# -- report ----------------------------------------------------------------------------------


def project_responses(project: CodingProject) -> Responses:
    """The project's answers: its study's (frozen instrument) or its uploaded file's."""
    if project.study is not None:
        return study_responses(project.study)
    if project.source_file is not None:
        return read_answers(
            project.source_name, bytes(project.source_file), project.codebook.instrument
        )
    raise ActionError(_("The project has neither a study nor a data file."))


def report_tables(
    project: CodingProject, states: list[UnitState] | None = None
) -> tuple[Responses, pd.DataFrame, pd.DataFrame]:
    """``(responses, final codes, quotes)`` for ``samspil.reports.make_report``.

    The answers are ``project_responses``. Answers without final codes yet are blanked,
    so the base of each theme figure is the answers with final codes; final codes of
    answers that are no longer in the data are left out.
    """
    states = unit_states(project) if states is None else states
    responses = project_responses(project)
    data = responses.data.copy()
    data["respondent_id"] = data["respondent_id"].astype(str)
    final_ids: dict[str, set[str]] = {}
    for state in states:
        if state.final is not None:
            final_ids.setdefault(state.unit.variable, set()).add(state.unit.respondent_id)
    for variable in project.codebook.variables:
        if variable in data.columns:
            keep = data["respondent_id"].isin(final_ids.get(variable, set()))
            data[variable] = data[variable].where(keep, None)
    codes = final_frame(project, states)
    answered = {
        variable: set(
            data.loc[
                data[variable].notna() & (data[variable].astype(str).str.strip() != ""),
                "respondent_id",
            ]
        )
        for variable in project.codebook.variables
        if variable in data.columns
    }
    codes = codes[
        [
            r in answered.get(v, set())
            for r, v in zip(codes["respondent_id"], codes["variable"], strict=True)
        ]
    ].reset_index(drop=True)
    quotes = quotes_frame(states)
    quotes = quotes[
        [
            r in answered.get(v, set())
            for r, v in zip(quotes["respondent_id"], quotes["variable"], strict=True)
        ]
    ].reset_index(drop=True)
    return replace(responses, data=data), codes, quotes


def do_make_report(project: CodingProject, out: Path, *, pdf: PdfElsewhere | None = None) -> Any:
    """Build the data report with the theme figures from the final codes and the quotes;
    ``pdf`` as in ``make_report`` (the web app's worker lays the PDF out later)."""
    from samspil.reports import make_report
    from samspil.reports.default import chosen_spec
    from samspil.web.studyreport import make_source_report

    responses, codes, quotes = report_tables(project)
    options: dict[str, Any] = {"codes": codes, "quotes": quotes, "formats": REPORT_FORMATS}
    if project.study is not None:  # the study's report, as its page makes it
        return make_source_report(
            "study", project.study, out, responses=responses, pdf=pdf, **options
        )
    out.mkdir(parents=True, exist_ok=True)
    spec = chosen_spec(responses.instrument)  # an uploaded data file: the same rule
    return make_report(spec, responses, out, pdf=pdf, **options)
