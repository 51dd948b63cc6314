"""Data reports in the format of the published reports, computed from data.

``make_report`` writes ``index.html`` (self-contained), ``report.pdf``, ``report.docx``,
``tables.xlsx``, ``figures/*.svg|png`` and ``tables/<id>.csv`` (machine format) into a
folder; the writers are the format table of :mod:`samspil.reports.publish`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from samspil.instruments import load
from samspil.reports.build import Inputs, Result, build
from samspil.reports.document import Meta
from samspil.reports.spec import ReportSpec, load_spec
from samspil.responses import StudyInfo

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


def compute(
    report_id: str,
    data: pd.DataFrame,
    *,
    codes: pd.DataFrame | None = None,
    attributes: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    min_cell: int | None = None,
) -> tuple[ReportSpec, list[Result]]:
    spec = load_spec(report_id)
    inputs = Inputs(
        instrument=load(spec.instrument),
        data=data,
        codes=codes,
        attributes=attributes,
        quotes=quotes,
        min_cell=spec.min_cell if min_cell is None else min_cell,
    )
    return spec, build(spec, inputs)


def make_report(
    report_id: str,
    data: pd.DataFrame,
    out: Path,
    *,
    codes: pd.DataFrame | None = None,
    attributes: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    min_cell: int | None = None,
    formats: Collection[str] = ALL_FORMATS,
    banner: str = "",
    meta: Meta | None = None,
    study: StudyInfo | None = None,
) -> ReportOutput:
    from samspil.reports.publish import Job, check_formats, publish

    check_formats(formats)
    spec, results = compute(
        report_id, data, codes=codes, attributes=attributes, quotes=quotes, min_cell=min_cell
    )
    meta = meta or Meta()
    if banner and not meta.banner:
        meta.banner = banner
    job = Job(spec, results, Path(out), load(spec.instrument), data, study, codes, meta)
    return ReportOutput(Path(out), results, publish(job, formats))
