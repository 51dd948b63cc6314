"""Data reports in the format of the published reports, computed from data.

``make_report`` writes ``index.html`` (self-contained), ``report.pdf``, ``report.docx``,
``tables.xlsx``, ``figures/*.svg|png`` and ``tables/<id>.csv`` (machine format) into a
folder; the writers are the format table of :mod:`samspil.reports.publish`.

Both take a report definition (a ``ReportSpec`` or its id) and a ``Responses``: the
answers with the instrument they were validated against (for a study, its frozen copy).
The instrument is never reloaded here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from samspil.reports.build import Inputs, Result, build
from samspil.reports.document import Meta
from samspil.reports.spec import ReportSpec, SpecError, load_spec
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


def report_spec(spec: ReportSpec | str, responses: Responses) -> ReportSpec:
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
    return spec


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
) -> tuple[ReportSpec, list[Result]]:
    """Every block of the definition computed from the answers; with ``previous`` (the
    previous wave, items matched by variable name) comparable tables get it beside."""
    spec = report_spec(spec, responses)
    inputs = Inputs(
        instrument=responses.instrument,
        data=responses.data,
        codes=codes,
        attributes=attributes,
        quotes=quotes,
        min_cell=spec.min_cell if min_cell is None else min_cell,
    )
    results = build(spec, inputs)
    if previous is not None:
        from samspil.reports.waves import Waves, add_previous, previous_results

        before = Inputs(
            instrument=previous.instrument, data=previous.data, min_cell=inputs.min_cell
        )
        waves = Waves(inputs, before, previous_label or "forrige runde")
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
    meta: Meta | None = None,
    study: StudyInfo | None = None,
    pdf: PdfElsewhere | None = None,
) -> ReportOutput:
    """Compute the report and write ``formats`` into ``out``; with ``pdf`` the PDF's input
    is handed to it while this process writes the other formats (the web app's worker,
    :class:`samspil.reports.publish.PdfLater`)."""
    from samspil.reports.publish import Job, check_formats, publish

    check_formats(formats)
    spec, results = compute(
        spec,
        responses,
        codes=codes,
        attributes=attributes,
        quotes=quotes,
        min_cell=min_cell,
        previous=previous,
        previous_label=previous_label,
    )
    meta = meta or Meta()
    if banner and not meta.banner:
        meta.banner = banner
    job = Job(
        spec,
        results,
        Path(out),
        responses.instrument,
        responses.data,
        study or responses.study,
        codes,
        meta,
    )
    return ReportOutput(Path(out), results, publish(job, formats, pdf=pdf))
