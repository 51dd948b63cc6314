"""Archive-ready exports: SPSS .sav, Stata .dta, XLSX, CSV and a DDI-Codebook 2.5 XML.

Variable labels and value labels come from the instrument; special answers ('Ved ikke',
'Ikke relevant') are declared user-missing in SPSS, extended missing values (``.a``
'Ikke relevant', ``.b`` 'Ved ikke', labelled) in Stata and marked ``missing="Y"`` in DDI,
so a mean is the same in every program. Everything is UTF-8.

Each format is an exporter in ``EXPORTERS`` (``register_exporter``); the command line's
``--to`` choices and the web pages read that registry. This module stays light at import
(no pandas at the top): ``samspil --help`` lists the formats without loading them.

The archive formats (.sav, .dta, DDI) keep every answer verbatim, within the format's
limits (an SPSS string holds at most 32,767 bytes); CSV and XLSX are meant for
spreadsheets and go through ``samspil.spreadsheet`` (no cell runs as a formula).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from samspil import registries
from samspil.errors import DomainError

if TYPE_CHECKING:
    import pandas as pd

    from samspil.instruments import Instrument
    from samspil.questions.base import Variable
    from samspil.responses import Responses

DDI_NS = "ddi:codebook:2_5"
SAV_STRING_LIMIT = 32_767  # bytes in one SPSS string variable
STATA_RELEASE = 118  # Stata 14 and later, R haven and pyreadstat read it (119 is for >32,767 vars)
STATA_LABEL_LIMIT = 80  # bytes in a Stata variable label
# Stata extended missing values for the special answers (labelled with the answer's label)
STATA_MISSING = {"not_applicable": "a", "dont_know": "b"}

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
        exporter = Exporter(name, suffix, writer, description)
        registries.add(EXPORTERS, name, exporter, "export format", lambda e: e.write)
        return writer

    return add


def export(responses: Responses, fmt: str, path: Path | str, *, excel: bool = False) -> Path:
    """Write ``responses`` in format ``fmt`` (a registered exporter) to ``path``; ``excel``
    (CSV only) gives the dialect Danish Excel opens by double-click."""
    if fmt not in EXPORTERS:
        raise DomainError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}")
    if excel:
        if fmt != "csv":
            raise DomainError(f"--excel is for CSV exports only, not {fmt}")
        return _csv(responses, Path(path), excel=True)
    return EXPORTERS[fmt].write(responses, Path(path))


def _fit(label: str, limit: int) -> str:
    encoded = label.encode("utf-8")
    if len(encoded) <= limit:
        return label
    return encoded[: limit - 3].decode("utf-8", errors="ignore") + "..."


def variable_label(var: Variable, limit: int) -> str:
    return _fit(f"{var.question} | {var.item}" if var.item else var.question, limit)


def short_labels(variables: list[Variable], limit: int = STATA_LABEL_LIMIT) -> dict[str, str]:
    """Variable labels that tell the variables apart within ``limit`` bytes: the item first
    (``item | question``); where that is still the same for two variables (one item asked
    in several questions), the question id goes in front (``inv: item | question``), and
    as a last resort the variable name."""

    def clashes(labels: dict[str, str]) -> set[str]:
        seen: dict[str, list[str]] = {}
        for name, label in labels.items():
            seen.setdefault(label, []).append(name)
        return {n for names in seen.values() if len(names) > 1 for n in names}

    full = {v.name: f"{v.item} | {v.question}" if v.item else v.question for v in variables}
    labels = {name: _fit(text, limit) for name, text in full.items()}
    by_name = {v.name: v for v in variables}
    for name in clashes(labels):
        labels[name] = _fit(f"{by_name[name].question_id}: {full[name]}", limit)
    for name in clashes(labels):
        suffix = f" [{name}]"
        labels[name] = _fit(full[name], limit - len(suffix.encode("utf-8"))) + suffix
    return labels


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


def _ordered(instrument: Instrument, var: Variable) -> bool:
    """Rating scales: the rows of a grid (the questionnaire's likert type) with at least
    three substantive answers. Single choices and lists of options are nominal."""
    question = instrument.question_map.get(var.question_id)
    kind = getattr(question, "summary_kind", "")
    return var.kind == "categorical" and kind == "distribution" and len(var.substantive_codes) >= 3


def _measure(instrument: Instrument, var: Variable) -> str:
    if _ordered(instrument, var):
        return "ordinal"
    return "nominal" if var.kind in ("categorical", "binary", "text") else "scale"


def _integer_format(var: Variable, values: pd.Series) -> str | None:
    """``F<w>.0`` for codes and for numbers that are all whole, else None (SPSS default)."""
    import pandas as pd

    if var.kind in ("categorical", "binary"):
        numbers = pd.Series([float(c) for c in var.labels] or [0.0])
    elif var.kind == "number":
        numbers = pd.to_numeric(values, errors="coerce").dropna()
        if not len(numbers) or not (numbers % 1 == 0).all() or numbers.abs().max() >= 1e15:
            return None
    else:
        return None
    width = max(len(str(int(v))) for v in numbers.tolist() or [0])
    return f"F{max(width, 1)}.0"


def _fit_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    return text if len(encoded) <= limit else encoded[:limit].decode("utf-8", errors="ignore")


@register_exporter("sav", "sav", "SPSS")
def _sav(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    import pyreadstat

    frame, variables = _prepared(instrument, data)
    for var in variables:
        if var.kind == "text":  # SPSS's limit; longer strings make files PSPP cannot open
            frame[var.name] = frame[var.name].map(lambda x: _fit_bytes(x, SAV_STRING_LIMIT))
    labels: dict[str, str | None] = {v.name: variable_label(v, 250) for v in variables}
    if "respondent_id" in frame.columns:
        labels["respondent_id"] = "Respondent"
    missing = {
        v.name: sorted(float(c) for c in v.special_codes) for v in variables if v.special_codes
    }
    measure = {v.name: _measure(instrument, v) for v in variables}
    formats = {v.name: _integer_format(v, frame[v.name]) for v in variables}
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=labels,
        variable_value_labels=_value_labels(variables, 120),
        missing_ranges={k: list(v) for k, v in missing.items()},
        variable_measure=measure,
        variable_format={k: v for k, v in formats.items() if v},
    )
    return path


def _stata_missing(var: Variable) -> dict[int, str]:
    """Special code -> extended missing letter (``a`` Ikke relevant, ``b`` Ved ikke; more
    codes of one kind get the next free letters)."""
    letters: dict[int, str] = {}
    spare = iter("cdefghijklmnopqrstuvwxyz")
    for code, kind in sorted(var.special_codes.items()):
        letter = STATA_MISSING.get(kind, "")
        letters[code] = letter if letter and letter not in letters.values() else next(spare)
    return letters


@register_exporter("dta", "dta", "Stata")
def _dta(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    import pyreadstat

    frame, variables = _prepared(instrument, data)
    labels: dict[str, str | None] = dict(short_labels(variables))
    if "respondent_id" in frame.columns:
        labels["respondent_id"] = "Respondent"
    # codes, and the extended-missing letters pyreadstat takes as keys too
    value_labels: dict[str, dict[Any, str]] = {
        k: dict(v) for k, v in _value_labels(variables, 32000).items()
    }
    user_missing: dict[str, list[str]] = {}
    for var in variables:
        letters = _stata_missing(var)
        if not letters:
            continue
        frame[var.name] = (
            frame[var.name]
            .astype(object)
            .map(
                lambda x, letters=letters: letters.get(int(x), x) if x == x and x is not None else x
            )
        )
        user_missing[var.name] = sorted(letters.values())
        value_labels[var.name] = {
            **{c: t for c, t in value_labels[var.name].items() if int(c) not in letters},
            **{letters[c]: var.labels[c] for c in letters},
        }
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_user_values=user_missing,
        version=STATA_RELEASE - 104,  # pyreadstat's version 14 writes release 118
    )
    return path


@register_exporter("csv", "csv", "CSV (UTF-8)")
def _csv(responses: Responses, path: Path, *, excel: bool = False) -> Path:
    instrument, data = responses.instrument, responses.data
    from samspil.spreadsheet import write_csv

    frame, _ = _prepared(instrument, data)
    return write_csv(frame, path, excel=excel)


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
    var_count = None
    if data is not None:
        dims = ET.SubElement(file_txt, f"{q}dimensns")
        ET.SubElement(dims, f"{q}caseQnty").text = str(len(data))
        var_count = ET.SubElement(dims, f"{q}varQnty")
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
    if var_count is not None:  # the number of <var> elements, as the schema means it
        var_count.text = str(len(data_dscr))
    ET.indent(root)
    return ET.ElementTree(root)


@register_exporter("ddi", "xml", "DDI-Codebook 2.5 XML")
def _ddi(responses: Responses, path: Path) -> Path:
    instrument, data = responses.instrument, responses.data
    ddi_tree(instrument, data).write(path, encoding="utf-8", xml_declaration=True)
    return path
