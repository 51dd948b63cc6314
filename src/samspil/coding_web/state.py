"""The derived state of a coding project: current codings, final codes, progress.

Read-only. Everything here is computed from the version rows (``CodingVersion``,
``Decision``): a coder's current coding of an answer is their latest version, the current
decision the latest decision. An answer is *final* when it has a decision, or when both
coders have coded it with the same code set ("agreed answers become final automatically").
The tables handed to ``samspil.coding`` and ``samspil.reports`` are built here; who may see
which codings is decided in ``access.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.contrib.auth import get_user_model

from samspil.coding import final_codes
from samspil.coding_web.models import (
    CodingProject,
    CodingUnit,
    CodingVersion,
    Decision,
    Suggestion,
    SuggestionRun,
)

CODING_COLUMNS = ["respondent_id", "variable", "coder", "code"]
FINAL_COLUMNS = ["respondent_id", "variable", "code"]
QUOTE_COLUMNS = ["respondent_id", "variable", "text"]


@dataclass
class UnitState:
    """One answer with both coders' current codings and the current decision."""

    unit: CodingUnit
    codings: dict[int, CodingVersion]  # coder id -> current version
    decision: Decision | None
    coder_ids: tuple[int, int]

    def coding(self, coder_id: int) -> CodingVersion | None:
        return self.codings.get(coder_id)

    def codes_of(self, coder_id: int) -> frozenset[str] | None:
        version = self.codings.get(coder_id)
        return frozenset(version.codes) if version is not None else None

    @property
    def both_coded(self) -> bool:
        return all(c in self.codings for c in self.coder_ids)

    @property
    def agreed(self) -> bool:
        first, second = (self.codes_of(c) for c in self.coder_ids)
        return self.both_coded and first == second

    @property
    def disagreement(self) -> bool:
        return self.both_coded and not self.agreed

    @property
    def final(self) -> frozenset[str] | None:
        """The final code set, or None while the answer is not final."""
        if self.decision is not None:
            return frozenset(self.decision.codes)
        if self.agreed:
            return self.codes_of(self.coder_ids[0])
        return None

    @property
    def final_quotable(self) -> bool:
        """Quotable when the decision says so, else when either coder marked it."""
        if self.decision is not None:
            return self.decision.quotable
        return self.final is not None and any(v.quotable for v in self.codings.values())

    @property
    def agreed_codes(self) -> frozenset[str]:
        """The codes both coders gave (prefills the adjudication)."""
        first, second = (self.codes_of(c) or frozenset() for c in self.coder_ids)
        return first & second


def current_versions(
    project: CodingProject, units: Iterable[int] | None = None
) -> dict[int, dict[int, CodingVersion]]:
    """unit id -> coder id -> the coder's latest version (the project's two coders only)."""
    versions = CodingVersion.objects.filter(
        unit__project=project, coder_id__in=project.coder_ids
    ).order_by("pk")
    if units is not None:
        versions = versions.filter(unit_id__in=list(units))
    out: dict[int, dict[int, CodingVersion]] = {}
    for version in versions:
        out.setdefault(version.unit_id, {})[version.coder_id] = version
    return out


def current_decisions(
    project: CodingProject, units: Iterable[int] | None = None
) -> dict[int, Decision]:
    decisions = Decision.objects.filter(unit__project=project).order_by("pk")
    if units is not None:
        decisions = decisions.filter(unit_id__in=list(units))
    return {d.unit_id: d for d in decisions.select_related("decided_by")}


def ordered_units(project: CodingProject, variable: str | None = None) -> list[CodingUnit]:
    """Units in codebook order of the questions, then in file/respondent order."""
    units = CodingUnit.objects.filter(project=project)
    if variable is not None:
        units = units.filter(variable=variable)
    order = {v: i for i, v in enumerate(project.codebook.variables)}
    return sorted(units, key=lambda u: (order.get(u.variable, len(order)), u.position, u.pk))


def unit_states(project: CodingProject, variable: str | None = None) -> list[UnitState]:
    units = ordered_units(project, variable)
    ids = [u.pk for u in units] if variable is not None else None
    versions = current_versions(project, ids)
    decisions = current_decisions(project, ids)
    return [
        UnitState(u, versions.get(u.pk, {}), decisions.get(u.pk), project.coder_ids) for u in units
    ]


def unit_state(project: CodingProject, unit: CodingUnit) -> UnitState:
    versions = current_versions(project, [unit.pk])
    decisions = current_decisions(project, [unit.pk])
    return UnitState(unit, versions.get(unit.pk, {}), decisions.get(unit.pk), project.coder_ids)


# -- progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionProgress:
    variable: str
    label: str
    total: int
    coded: dict[int, int]  # coder id -> answers coded
    both: int
    agreed: int
    disagreements: int
    decided: int
    final: int
    decided_disagreements: int

    def coded_by(self, coder_id: int) -> int:
        return self.coded.get(coder_id, 0)

    @property
    def pending(self) -> int:
        """Disagreements still without a decision."""
        return self.disagreements - self.decided_disagreements


def progress(
    project: CodingProject, states: list[UnitState] | None = None
) -> list[QuestionProgress]:
    """Per open question of the codebook that has answers: counts per coder and in total."""
    states = unit_states(project) if states is None else states
    out = []
    for question in project.codebook.questions:
        mine = [s for s in states if s.unit.variable == question.variable]
        if not mine:
            continue
        out.append(
            QuestionProgress(
                variable=question.variable,
                label=question.label,
                total=len(mine),
                coded={c: sum(1 for s in mine if c in s.codings) for c in project.coder_ids},
                both=sum(1 for s in mine if s.both_coded),
                agreed=sum(1 for s in mine if s.agreed),
                disagreements=sum(1 for s in mine if s.disagreement),
                decided=sum(1 for s in mine if s.decision is not None),
                final=sum(1 for s in mine if s.final is not None),
                decided_disagreements=sum(
                    1 for s in mine if s.disagreement and s.decision is not None
                ),
            )
        )
    return out


# -- tables --------------------------------------------------------------------------------


def usernames(project: CodingProject) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=project.coder_ids)
    return {u.pk: u.get_username() for u in users}


def codings_frame(
    project: CodingProject, triples: Iterable[tuple[UnitState, int, CodingVersion]]
) -> pd.DataFrame:
    """``respondent_id, variable, coder, code``: one row per code, an empty code for an
    answer coded with no code. ``triples`` come from ``access.visible_codings``."""
    names = usernames(project)
    rows: list[dict[str, Any]] = []
    for state, coder_id, version in triples:
        question = project.question(state.unit.variable)
        codes: list[str | None] = [c for c in question.codes if c in version.codes]
        for code in codes or [None]:
            rows.append(
                {
                    "respondent_id": state.unit.respondent_id,
                    "variable": state.unit.variable,
                    "coder": names.get(coder_id, str(coder_id)),
                    "code": code,
                }
            )
    return pd.DataFrame(rows, columns=CODING_COLUMNS, dtype=object)


def final_frame(project: CodingProject, states: list[UnitState]) -> pd.DataFrame:
    """Final codes ``respondent_id, variable, code`` (codebook order) of the final answers,
    through ``samspil.coding.final_codes``: agreed codings, and decisions where decided."""
    names = usernames(project)
    coding_rows: list[dict[str, Any]] = []
    decision_rows: list[dict[str, Any]] = []
    for state in states:
        if state.final is None:
            continue
        unit = state.unit
        if state.decision is not None:
            for code in state.decision.codes or [None]:
                decision_rows.append(
                    {"respondent_id": unit.respondent_id, "variable": unit.variable, "code": code}
                )
            continue
        for coder_id, version in state.codings.items():
            for code in version.codes or [None]:
                coding_rows.append(
                    {
                        "respondent_id": unit.respondent_id,
                        "variable": unit.variable,
                        "coder": names.get(coder_id, str(coder_id)),
                        "code": code,
                    }
                )
    codings = pd.DataFrame(coding_rows, columns=CODING_COLUMNS, dtype=object)
    decisions = pd.DataFrame(decision_rows, columns=FINAL_COLUMNS, dtype=object)
    result = final_codes(codings, decisions, project.codebook)
    result["respondent_id"] = result["respondent_id"].astype(str)
    # Answers in the order of the questions and of the file (decisions come last otherwise).
    rank = {(s.unit.variable, s.unit.respondent_id): i for i, s in enumerate(states)}
    keys = [
        rank.get((v, r), len(rank))
        for v, r in zip(result["variable"], result["respondent_id"], strict=True)
    ]
    order = sorted(range(len(result)), key=keys.__getitem__)
    return result.iloc[order].reset_index(drop=True)


def quotes_frame(states: list[UnitState]) -> pd.DataFrame:
    """The final answers marked quotable: ``respondent_id, variable, text``."""
    rows = [
        {"respondent_id": s.unit.respondent_id, "variable": s.unit.variable, "text": s.unit.text}
        for s in states
        if s.final is not None and s.final_quotable
    ]
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS, dtype=object)


def texts_frame(states: list[UnitState]) -> pd.DataFrame:
    rows = [
        {"respondent_id": s.unit.respondent_id, "variable": s.unit.variable, "text": s.unit.text}
        for s in states
    ]
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS, dtype=object)


# -- suggestions ---------------------------------------------------------------------------


def latest_runs(project: CodingProject) -> dict[str, SuggestionRun]:
    """The latest suggestion run per open question."""
    runs = SuggestionRun.objects.filter(project=project).order_by("pk")
    return {run.variable: run for run in runs}


def current_suggestion(project: CodingProject, unit: CodingUnit) -> Suggestion | None:
    run = (
        SuggestionRun.objects.filter(project=project, variable=unit.variable)
        .order_by("-pk")
        .first()
    )
    if run is None:
        return None
    return Suggestion.objects.filter(run=run, unit=unit).first()


def coded_unit_ids(project: CodingProject, coder_id: int, variable: str | None = None) -> set[int]:
    """The answers ``coder_id`` has coded (has at least one version of)."""
    versions = CodingVersion.objects.filter(unit__project=project, coder_id=coder_id)
    if variable is not None:
        versions = versions.filter(unit__variable=variable)
    return set(versions.values_list("unit_id", flat=True).distinct())


def next_uncoded(
    project: CodingProject,
    coder_id: int,
    variable: str | None = None,
    after: CodingUnit | None = None,
) -> CodingUnit | None:
    """The coder's next answer without a coding: in ``variable`` (else in any question, in
    codebook order), after ``after`` first and then from the start."""
    done = coded_unit_ids(project, coder_id, variable)
    units = ordered_units(project, variable)
    start = 0
    if after is not None:
        start = next((i + 1 for i, u in enumerate(units) if u.pk == after.pk), 0)
    for unit in units[start:] + units[:start]:
        if unit.pk not in done and (after is None or unit.pk != after.pk):
            return unit
    return None
