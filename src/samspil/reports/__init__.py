"""Data reports in the format of the published reports, computed from data.

``make_report`` writes ``index.html`` (self-contained), ``report.pdf``, ``report.docx``,
``tables.xlsx``, ``figures/*.svg|png`` and ``tables/<id>.csv`` (machine format) into a
folder; the writers are the format table of :mod:`samspil.reports.publish`.

Both take a report definition (a ``ReportSpec`` or its id) and a ``Responses``: the
answers with the instrument they were validated against (for a study, its frozen copy).
The instrument is never reloaded here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from samspil.reports.build import Inputs, Result, build
from samspil.reports.document import Meta
from samspil.reports.spec import ReportSpec, SpecError, load_spec, unknown_references
from samspil.responses import Responses, StudyInfo

if TYPE_CHECKING:
    from samspil.reports.publish import PdfElsewhere

__all__ = ["Meta", "ReportOutput", "compute", "load_spec", "make_report"]

ALL_FORMATS = frozenset({"csv", "xlsx", "figures", "html", "pdf", "docx"})


@dataclass
class ReportOutput:
    folder: Path
    results: list[Result]
    files: list[Path] = field(default_factory=list)

    @property
    def skipped(self) -> list[Result]:
        return [r for r in self.results if r.skipped]


def checked_spec(spec: ReportSpec | str, responses: Responses) -> ReportSpec:
    """The definition (by id or as given), checked to be for the responses' instrument."""
    spec = load_spec(spec) if isinstance(spec, str) else spec
    # A definition naming its questionnaire by file (a default report's) was resolved by
    # whoever read the answers with that file.
    by_file = Path(spec.instrument).suffix.lower() in (".yaml", ".yml", ".xlsx")
    if spec.instrument != responses.instrument.id and not by_file:
        raise SpecError(
            f"report {spec.id} is for instrument {spec.instrument}, "
            f"but the answers are for {responses.instrument.id}"
        )
    problems = unknown_references(spec, responses.instrument)
    if problems:  # a table is never dropped in silence for a misspelt name
        raise SpecError("\n".join(f"report definition {spec.id}: {p}" for p in problems))
    return spec


def check_weights(responses: Responses, column: str, previous: bool) -> None:
    """``--weights COLUMN``: a number variable of the questionnaire (declared under
    ``sample:``, so it is read, checked and exported with the answers), given and positive
    for every respondent; not with a previous wave (not weighted yet)."""
    from samspil.errors import DomainError

    variable = responses.instrument.variable_map.get(column)
    if variable is None or variable.kind != "number":
        raise DomainError(
            f"--weights {column}: the questionnaire {responses.instrument.id} has no number "
            f"variable {column!r}; declare it under sample: ({{name: {column}, label: Vægt, "
            "kind: number}) so the weight is read, checked and exported with the answers"
        )
    if column not in responses.data.columns:
        raise DomainError(f"--weights {column}: {responses.source} has no column {column!r}")
    values = pd.to_numeric(responses.data[column], errors="coerce")
    bad = responses.data.loc[~(values > 0), "respondent_id"].tolist()
    if bad:
        shown = ", ".join(str(b) for b in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise DomainError(
            f"--weights {column}: {responses.source}: {len(bad)} respondents have no positive "
            f"weight (respondent_id {shown})"
        )
    if previous:
        option = "--rake" if responses.data.attrs.get("raked_margins") else "--weights"
        raise DomainError(
            f"{option} with --previous: the comparison of waves is not weighted; leave one out"
        )


def with_population(
    spec: ReportSpec,
    responses: Responses,
    *,
    population: str | None,
    rake: Sequence[str] | None,
    weights: str | None,
    attributes: pd.DataFrame | None,
) -> tuple[ReportSpec, Responses, str | None]:
    """``--population kommuner`` and ``--rake MARGINS``: the definition with a
    representativeness table, the answers with the raking weight (a number variable
    ``rakingvaegt``), and the weight column the tables use."""
    from samspil.errors import DomainError
    from samspil.reports.population import (
        POPULATIONS,
        RAKE_COLUMN,
        with_population_block,
        with_raking,
    )

    if population is not None and population not in POPULATIONS:
        raise DomainError(
            f"--population {population}: unknown population; known: {', '.join(POPULATIONS)}"
        )
    if rake:
        if weights is not None and weights != RAKE_COLUMN:
            raise DomainError("--rake with --weights: give one of them")
        if weights is None:  # not raked already (make_report, then compute)
            responses = with_raking(responses, rake, attributes)
        weights = RAKE_COLUMN
    if population is not None or rake:
        spec = with_population_block(spec, raking=bool(rake))
    return spec, responses, weights


def compute(
    spec: ReportSpec | str,
    responses: Responses,
    *,
    codes: pd.DataFrame | None = None,
    attributes: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    min_cell: int | None = None,
    previous: Responses | None = None,
    previous_label: str = "",
    match: str | None = None,
    weights: str | None = None,
    population: str | None = None,
    rake: Sequence[str] | None = None,
    fork: bool = False,
) -> tuple[ReportSpec, list[Result]]:
    """Every block of the definition computed from the answers; with ``previous`` (the
    previous wave, items matched by variable name) comparable tables get it beside, its
    changes tested as a panel when units are matched on ``match`` (default ``kommune``
    when both waves have it; "none": independent samples). ``population`` ("kommuner")
    adds the representativeness table; ``rake`` (margins, e.g. region, size) weights the
    tables with raking weights to the population (see :func:`with_population`). With
    ``fork`` (a command-line process, no other thread running) a forked child computes
    some costly tables meanwhile (:func:`samspil.reports.build.build`)."""
    spec = checked_spec(spec, responses)
    spec, responses, weights = with_population(
        spec, responses, population=population, rake=rake, weights=weights, attributes=attributes
    )
    if weights is not None:
        check_weights(responses, weights, previous is not None)
    inputs = Inputs(
        instrument=responses.instrument,
        data=responses.data,
        codes=codes,
        attributes=attributes,
        quotes=quotes,
        min_cell=spec.min_cell if min_cell is None else min_cell,
        weights=weights,
    )
    results = build(spec, inputs, fork=fork)
    if previous is not None:
        from samspil.reports.waves import Waves, add_previous, panel_of, previous_results

        before = Inputs(
            instrument=previous.instrument, data=previous.data, min_cell=inputs.min_cell
        )
        panel = panel_of(inputs, before, match)
        waves = Waves(inputs, before, previous_label or "forrige runde", panel)
        add_previous(results, previous_results(spec, waves), waves)
    return spec, results


def make_report(
    spec: ReportSpec | str,
    responses: Responses,
    out: Path,
    *,
    codes: pd.DataFrame | None = None,
    attributes: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    min_cell: int | None = None,
    formats: Collection[str] = ALL_FORMATS,
    banner: str = "",
    previous: Responses | None = None,
    previous_label: str = "",
    match: str | None = None,
    weights: str | None = None,
    population: str | None = None,
    rake: Sequence[str] | None = None,
    meta: Meta | None = None,
    study: StudyInfo | None = None,
    pdf: PdfElsewhere | None = None,
    fork: bool = False,
) -> ReportOutput:
    """Compute the report and write ``formats`` into ``out``; with ``pdf`` the PDF's input
    is handed to it while this process writes the other formats (the web app's worker,
    :class:`samspil.reports.publish.PdfLater`); with ``fork`` (a command-line process, no
    other thread running) a forked child computes some costly tables and then writes the
    Word file and the figures meanwhile (see :func:`compute` and
    :func:`samspil.reports.publish.publish`)."""
    from samspil.reports.publish import Job, check_formats, publish

    check_formats(formats)
    spec = checked_spec(spec, responses)
    spec, responses, weights = with_population(
        spec, responses, population=population, rake=rake, weights=weights, attributes=attributes
    )
    spec, results = compute(
        spec,
        responses,
        codes=codes,
        attributes=attributes,
        quotes=quotes,
        min_cell=min_cell,
        previous=previous,
        previous_label=previous_label,
        match=match,
        weights=weights,
        fork=fork,
    )
    meta = _with_weights_and_banner(meta or Meta(), weights, banner)
    study = study or responses.study
    job = Job(spec, results, Path(out), responses.instrument, responses.data, study, codes, meta)
    return ReportOutput(Path(out), results, publish(job, formats, pdf=pdf, fork=fork))


def _with_weights_and_banner(meta: Meta, weights: str | None, banner: str) -> Meta:
    """The publication's facts, with the weight variable and the banner given beside."""
    if weights:
        meta.weights = weights
    if banner and not meta.banner:
        meta.banner = banner
    return meta
