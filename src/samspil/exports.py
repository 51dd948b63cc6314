"""Archive-ready exports: SPSS .sav, Stata .dta, XLSX, CSV and a DDI-Codebook 2.5 XML.

Variable labels and value labels come from the instrument; special answers ('Ved ikke',
'Ikke relevant') are declared user-missing in SPSS and marked ``missing="Y"`` in DDI.
Everything is UTF-8.

Each format is an exporter in ``EXPORTERS`` (``register_exporter``); the command line's
``--to`` choices and the web pages read that registry. This module stays light at import
(no pandas at the top): ``samspil --help`` lists the formats without loading them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from samspil.instruments import Instrument
    from samspil.questions.base import Variable
    from samspil.responses import Responses

DDI_NS = "ddi:codebook:2_5"

Writer = Callable[["Responses", Path], Path]
W = TypeVar("W", bound=Writer)


@dataclass(frozen=True)
class Exporter:
    name: str  # the --to value
    suffix: str  # file suffix without the dot
    write: Writer
    description: str = ""


EXPORTERS: dict[str, Exporter] = {}


def register_exporter(name: str, suffix: str, description: str = "") -> Callable[[W], W]:
    """Register a writer ``(responses, path) -> path`` as export format ``name``."""

    def add(writer: W) -> W:
        if name in EXPORTERS and EXPORTERS[name].write is not writer:
            raise ValueError(f"export format {name!r} is already registered")
        EXPORTERS[name] = Exporter(name, suffix, writer, description)
        return writer

    return add


def export(responses: Responses, fmt: str, path: Path | str) -> Path:
    """Write ``responses`` in format ``fmt`` (a registered exporter) to ``path``."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}")
    return EXPORTERS[fmt].write(responses, Path(path))


def variable_label(var: Variable, limit: int) -> str:
    label = f"{var.question} | {var.item}" if var.item else var.question
    encoded = label.encode("utf-8")
    if len(encoded) <= limit:
        return label
    return encoded[: limit - 3].decode("utf-8", errors="ignore") + "..."


def _prepared(instrument: Instrument, data: pd.DataFrame) -> tuple[pd.DataFrame, list[Variable]]:
    variables = [v for v in instrument.variables if v.name in data.columns]
    columns = ["respondent_id"] if "respondent_id" in data.columns else []
    frame = data[columns + [v.name for v in variables]].copy()
    for var in variables:
        if var.kind == "text":
            frame[var.name] = frame[var.name].map(lambda x: "" if x is None or x != x else str(x))
    if columns:
        frame["respondent_id"] = frame["respondent_id"].astype(str)
    return frame, variables


def _value_labels(variables: list[Variable], limit: int) -> dict[str, dict[float, str]]:
    return {
        v.name: {
            float(c): label.encode("utf-8")[:limit].decode("utf-8", "ignore")
            for c, label in v.labels.items()
        }
        for v in variables
        if v.labels
    }


@register_exporter("sav", "sav", "SPSS")
def _sav(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    import pyreadstat

    frame, variables = _prepared(instrument, data)
    labels: dict[str, str | None] = {v.name: variable_label(v, 250) for v in variables}
    if "respondent_id" in frame.columns:
        labels["respondent_id"] = "Respondent"
    missing = {
        v.name: sorted(float(c) for c in v.special_codes) for v in variables if v.special_codes
    }
    measure = {
        v.name: "nominal" if v.kind in ("categorical", "binary", "text") else "scale"
        for v in variables
    }
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=labels,
        variable_value_labels=_value_labels(variables, 120),
        missing_ranges={k: list(v) for k, v in missing.items()},
        variable_measure=measure,
    )
    return path


@register_exporter("dta", "dta", "Stata")
def _dta(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    import pyreadstat

    frame, variables = _prepared(instrument, data)
    labels: dict[str, str | None] = {v.name: variable_label(v, 80) for v in variables}
    if "respondent_id" in frame.columns:
        labels["respondent_id"] = "Respondent"
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=labels,
        variable_value_labels=_value_labels(variables, 32000),
        version=15,
    )
    return path


@register_exporter("csv", "csv", "CSV (UTF-8)")
def _csv(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    frame, _ = _prepared(instrument, data)
    frame.to_csv(path, index=False, encoding="utf-8", float_format="%.15g")
    return path


@register_exporter("xlsx", "xlsx", "Excel")
def _xlsx(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    from samspil.codebook import codebook
    from samspil.xlsx_writer import write_xlsx

    frame, _ = _prepared(instrument, data)
    return write_xlsx({"Data": frame, "Kodebog": codebook(instrument)}, path)


def ddi_tree(instrument: Instrument, data: pd.DataFrame | None = None) -> ET.ElementTree:
    """A DDI-Codebook 2.5 document: study citation, files and one ``var`` per variable."""
    ET.register_namespace("", DDI_NS)
    q = f"{{{DDI_NS}}}"
    root = ET.Element(f"{q}codeBook", {"version": "2.5", "ID": instrument.id, "xml:lang": "da"})
    study = ET.SubElement(root, f"{q}stdyDscr")
    citation = ET.SubElement(study, f"{q}citation")
    title = ET.SubElement(ET.SubElement(citation, f"{q}titlStmt"), f"{q}titl")
    title.text = instrument.title
    prod = ET.SubElement(ET.SubElement(citation, f"{q}prodStmt"), f"{q}prodDate")
    prod.text = date.today().isoformat()
    info = ET.SubElement(study, f"{q}stdyInfo")
    ET.SubElement(ET.SubElement(info, f"{q}sumDscr"), f"{q}universe").text = instrument.population
    file_dscr = ET.SubElement(root, f"{q}fileDscr", {"ID": "F1"})
    file_txt = ET.SubElement(file_dscr, f"{q}fileTxt")
    ET.SubElement(file_txt, f"{q}fileName").text = f"{instrument.id}.sav"
    if data is not None:
        dims = ET.SubElement(file_txt, f"{q}dimensns")
        ET.SubElement(dims, f"{q}caseQnty").text = str(len(data))
        ET.SubElement(dims, f"{q}varQnty").text = str(len(data.columns))
    data_dscr = ET.SubElement(root, f"{q}dataDscr")
    for var in instrument.variables:
        if data is not None and var.name not in data.columns:
            continue
        interval = "discrete" if var.kind != "number" else "contin"
        element = ET.SubElement(
            data_dscr,
            f"{q}var",
            {"ID": f"V_{var.name}", "name": var.name, "files": "F1", "intrvl": interval},
        )
        ET.SubElement(element, f"{q}labl").text = variable_label(var, 10_000)
        question = ET.SubElement(element, f"{q}qstn")
        ET.SubElement(question, f"{q}qstnLit").text = var.question
        if var.item:
            ET.SubElement(question, f"{q}ivuInstr").text = var.item
        for option in var.options:
            attrs = {"missing": "Y"} if option.special else {}
            category = ET.SubElement(element, f"{q}catgry", attrs)
            ET.SubElement(category, f"{q}catValu").text = str(option.code)
            ET.SubElement(category, f"{q}labl").text = option.label
        ET.SubElement(
            element,
            f"{q}varFormat",
            {"type": "character" if var.kind == "text" else "numeric", "schema": "other"},
        )
    ET.indent(root)
    return ET.ElementTree(root)


@register_exporter("ddi", "xml", "DDI-Codebook 2.5 XML")
def _ddi(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    ddi_tree(instrument, data).write(path, encoding="utf-8", xml_declaration=True)
    return path
