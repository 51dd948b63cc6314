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
NAME_LIMITS = {"sav": 64, "dta": 32}  # bytes in an SPSS / characters in a Stata name
# ... and 31 in Stata for a variable with value labels (the label set is named after it and
# readstat takes 31 characters there)
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


def archive_names(variables: list[Variable], fmt: str) -> dict[str, str]:
    """The name of each variable in an SPSS (``sav``) or Stata (``dta``) file: its own name
    when it fits the format's limit, else the name cut short with ``_`` and four letters
    of a hash of the full name (``kommunens_samarbejde_med_..._3f2a``): unique, and the
    same in every export of the same name. The full name goes in the variable label."""
    import hashlib

    def limit(var: Variable) -> int:
        return NAME_LIMITS[fmt] - (1 if fmt == "dta" and var.labels else 0)

    taken = {v.name for v in variables if len(v.name.encode("utf-8")) <= limit(v)}
    out: dict[str, str] = {}
    for var in variables:
        name = var.name
        if len(name.encode("utf-8")) <= limit(var):
            out[name] = name
            continue
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
        size = 4
        short = f"{name[: limit(var) - size - 1]}_{digest[:size]}"
        while short in taken:
            size += 1
            short = f"{name[: limit(var) - size - 1]}_{digest[:size]}"
        taken.add(short)
        out[name] = short
    return out


def long_names(instrument: Instrument) -> list[tuple[str, str, str]]:
    """(variable, SPSS name, Stata name) of every variable an export renames."""
    variables = instrument.variables
    sav, dta = archive_names(variables, "sav"), archive_names(variables, "dta")
    return [(v.name, sav[v.name], dta[v.name]) for v in variables if dta[v.name] != v.name]


def _atomic(write: Callable[[Path], None], path: Path) -> Path:
    """Write through a hidden part file renamed into place: a failed export leaves no file
    (and keeps an earlier one), never a half-written one."""
    import os

    part = path.with_name(f".{path.name}.part")
    try:
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


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
    """SPSS's measurement level: rating scales ordinal; numbers, and numbers picked from a
    list (a year, a count: summarised as numbers), scale; options and text nominal."""
    if _ordered(instrument, var):
        return "ordinal"
    question = instrument.question_map.get(var.question_id)
    if var.kind == "number" or getattr(question, "summary_kind", "") == "numeric":
        return "scale"
    return "nominal"


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
    names = archive_names(variables, "sav")
    labels: dict[str, str | None] = {
        names[v.name]: _named_label(v, names[v.name], 250) for v in variables
    }
    if "respondent_id" in frame.columns:
        labels["respondent_id"] = "Respondent"
    missing = {
        names[v.name]: sorted(float(c) for c in v.special_codes)
        for v in variables
        if v.special_codes
    }
    measure = {names[v.name]: _measure(instrument, v) for v in variables}
    formats = {names[v.name]: _integer_format(v, frame[v.name]) for v in variables}
    value_labels = {names[k]: v for k, v in _value_labels(variables, 120).items()}
    frame = frame.rename(columns=names)
    return _atomic(
        lambda part: pyreadstat.write_sav(
            frame,
            str(part),
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges={k: list(v) for k, v in missing.items()},
            variable_measure=measure,
            variable_format={k: v for k, v in formats.items() if v},
        ),
        path,
    )


def _named_label(var: Variable, name: str, limit: int) -> str:
    """The variable label; a shortened name's label starts with the full name."""
    if name == var.name:
        return variable_label(var, limit)
    return _fit(f"{var.name}: {variable_label(var, limit)}", limit)


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
    names = archive_names(variables, "dta")
    labels: dict[str, str | None] = {
        v.name: label if names[v.name] == v.name else _fit(f"{v.name}: {label}", STATA_LABEL_LIMIT)
        for v, label in zip(variables, short_labels(variables).values(), strict=True)
    }
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
    named = {names.get(k, k): v for k, v in labels.items()}
    value_labels = {names[k]: v for k, v in value_labels.items()}
    user_missing = {names[k]: v for k, v in user_missing.items()}
    frame = frame.rename(columns=names)
    return _atomic(
        lambda part: pyreadstat.write_dta(
            frame,
            str(part),
            column_labels=named,
            variable_value_labels=value_labels,
            missing_user_values=user_missing,
            version=STATA_RELEASE - 104,  # pyreadstat's version 14 writes release 118
        ),
        path,
    )


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
    names = archive_names(instrument.variables, "sav")  # the file named above is a .sav
    for var in instrument.variables:
        if data is not None and var.name not in data.columns:
            continue
        interval = "discrete" if var.kind != "number" else "contin"
        element = ET.SubElement(
            data_dscr,
            f"{q}var",
            {"ID": f"V_{var.name}", "name": names[var.name], "files": "F1", "intrvl": interval},
        )
        ET.SubElement(element, f"{q}labl").text = variable_label(var, 10_000)
        question = ET.SubElement(element, f"{q}qstn")
        if var.item:  # a grid's row or a choice: the stem comes before the item asked
            ET.SubElement(question, f"{q}preQTxt").text = var.question
            ET.SubElement(question, f"{q}qstnLit").text = var.item
        else:
            ET.SubElement(question, f"{q}qstnLit").text = var.question
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
        if names[var.name] != var.name:
            ET.SubElement(element, f"{q}notes").text = (
                f"samspil variable {var.name}; shortened to {names[var.name]} in SPSS and "
                f"{archive_names([var], 'dta')[var.name]} in Stata"
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
