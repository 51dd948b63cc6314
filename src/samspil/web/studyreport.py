"""The one way a study's data report is made, whoever asks: the study page's "Lav
datarapporten", the coding workbench's "Lav rapport" and ``samspil study report``.

The app that owns the study (fieldwork) registers, with its response source
(:mod:`samspil.web.response_sources`), what a study says about its report: the definition the
researcher uploaded, whether its questionnaire is a bundled one, the foreword and
summary, the previous round, the note on withdrawn answers (:class:`ReportBasis`).
:func:`make_source_report` turns that into the report: which definition applies is
decided by :func:`samspil.reports.default.chosen_spec`, in one place. So the same study
gives the same tables through every path, and the coding workbench never imports
fieldwork.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samspil.reports import ReportOutput
    from samspil.responses import Responses


@dataclass(frozen=True)
class ReportBasis:
    """What a source says about the report of one of its objects (a study)."""

    definition: dict[str, Any] = field(default_factory=dict)  # uploaded (ReportSpec as JSON)
    bundled: bool = True  # a bundled questionnaire: its bundled report definition may apply
    foreword: str = ""  # the researcher's Markdown
    summary: str = ""
    banner: str = ""  # e.g. that answers were withdrawn
    previous: Responses | None = None  # the previous round's answers
    previous_label: str = ""
    rake: tuple[str, ...] = ()  # the margins the report is raked to (its weighting)


def make_source_report(
    source_name: str,
    obj: Any,
    out: Path,
    *,
    report_id: str = "",
    responses: Responses | None = None,
    foreword: str | None = None,
    summary: str | None = None,
    **options: Any,
) -> ReportOutput:
    """Make the report of ``obj`` (an object of the registered response source
    ``source_name``) into ``out``. ``responses`` replaces the object's own answers (the
    coding workbench blanks the open answers not yet coded); ``foreword`` and ``summary``
    (Markdown) replace the object's own (``samspil study report --foreword``); ``options`` go to
    ``make_report`` (``formats``, ``codes``, ``quotes``, ``pdf``, ...) and win over the
    basis's."""
    from samspil.reports import Meta, make_report

    spec, responses, basis = _report_inputs(source_name, obj, report_id, responses, options)
    options.setdefault(
        "meta",
        Meta(
            foreword=basis.foreword if foreword is None else foreword,
            summary=basis.summary if summary is None else summary,
        ),
    )
    out.mkdir(parents=True, exist_ok=True)
    return make_report(spec, responses, out, **options)


def source_report_tables(source_name: str, obj: Any, **options: Any) -> list[Any]:
    """The tables :func:`make_source_report` would write (``tables/*.csv``), computed
    without writing a file (``samspil.reports.build.Result``; skipped blocks left out)."""
    from samspil.reports import compute

    spec, responses, _basis = _report_inputs(source_name, obj, "", None, options)
    options.pop("banner", None)  # a note on the documents, not in the tables
    _spec, results = compute(spec, responses, **options)
    return [r for r in results if not r.skipped]


def _report_inputs(
    source_name: str,
    obj: Any,
    report_id: str,
    responses: Responses | None,
    options: dict[str, Any],
) -> tuple[Any, Responses, ReportBasis]:
    """The definition and answers of ``obj``'s report, and its basis; the basis's
    defaults (banner, previous round, weighting) are put into ``options`` unless given."""
    from samspil.reports.default import chosen_spec
    from samspil.web.response_sources import source

    entry = source(source_name)
    basis = entry.report_basis(obj) if entry.report_basis is not None else ReportBasis()
    responses = entry.responses(obj) if responses is None else responses
    spec = chosen_spec(
        responses.instrument,
        report_id=report_id,
        definition=basis.definition,
        bundled=basis.bundled,
    )
    if basis.banner and not options.get("banner"):
        options["banner"] = basis.banner
    if basis.previous is not None and "previous" not in options:
        options["previous"] = basis.previous
        options["previous_label"] = basis.previous_label
    if basis.rake and "rake" not in options:
        options["rake"] = list(basis.rake)
    return spec, responses, basis
