"""``tables.xlsx``: one sheet per table, named by its label ("Tabel 4.2"), and a contents
sheet with links. Numbers stay numbers (percentages as percent-formatted fractions), the
heading row is bold, wrapped and frozen, and the note stands under the table as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from samspil.reports import formatting as fmt
from samspil.reports.build import Column, Result
from samspil.reports.document import plain
from samspil.reports.formatting import quotes
from samspil.reports.spec import ReportSpec
from samspil.xlsx_writer import PLAIN, Sheet, Style, cell_name, write_workbook

NUMBER_FORMATS = {
    "pct": "0.0%",
    "num": "0.0",
    "num0": "0",
    "as_given": "General",
    "int": "0",
    "mean_sd": "0.0",
    "p": "0.000",
}
INVALID = re.compile(r"[\[\]:*?/\\]")


def sheet_name(label: str, taken: set[str]) -> str:
    """'Tabel 4.2' as it is; characters Excel refuses are dropped, 31 characters at most,
    and a repeated label gets ' (2)'."""
    base = INVALID.sub("", label).strip()[:31] or "Tabel"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


# Statistics a table's note mentions that the printed table does not show.
EXTRA = [Column("p", "p (chi-i-anden)", "p"), Column("p_controlled", "p (kontrolleret)", "p")]


def columns(result: Result) -> list[Column]:
    out = []
    for c in result.columns:
        if c.fmt == "mean_sd":  # a spreadsheet keeps mean and SD in their own columns
            out += [Column(c.name, c.header, "num"), Column("sd", "Std. afv.", "num")]
        else:
            out.append(c)
    shown = {c.name for c in out}
    out += [c for c in EXTRA if c.name in result.data.columns and c.name not in shown]
    return out


def _value(row: Mapping[Hashable, Any], c: Column) -> object:
    v: Any = row.get(c.name)
    hidden = row.get("suppressed") is True and c.fmt in ("pct", "num", "int")
    if fmt.is_missing(v) or hidden:
        return None
    if c.fmt == "pct":
        return float(v) / 100
    if c.fmt in ("int", "num0") and float(v).is_integer():
        return int(v)
    if c.fmt in ("num", "mean_sd", "int", "num0", "p", "as_given"):
        return float(v)
    return v if isinstance(v, str) else str(v)


HEADING = Style(bold=True, wrap=True)
WRAPPED = Style(wrap=True)
LINK = Style(link=True)
CELL = {name: Style(number_format=code) for name, code in NUMBER_FORMATS.items()}


def write_xlsx(spec: ReportSpec, results: list[Result], path: Path) -> Path:
    """The workbook, written by :func:`samspil.xlsx_writer.write_workbook` (which also
    keeps every text cell from running as a formula or holding what XML forbids, see
    docs/reports.md, "Files for spreadsheets and archive formats")."""
    index = Sheet("Indhold", widths={0: 16, 1: 80, 2: 50}, freeze="A3")
    index.append([spec.title], Style(bold=True, size=13))
    index.append(["Tabel/figur", "Titel", "Bemærkning"], HEADING)
    sheets = [index]
    taken = {"indhold"}
    for result in results:
        block = result.block
        title = plain(quotes(block.title))
        if result.skipped:
            index.append([block.label, title, f"Udeladt: {result.skipped}"])
            continue
        sheet = Sheet(sheet_name(block.label, taken), freeze="B3")
        sheets.append(sheet)
        row = index.append([block.label, title, ""])
        index.styles[(row, 0)] = LINK
        index.links[(row, 0)] = "'{}'!A1".format(sheet.name.replace("'", "''"))
        sheet.append([f"{block.label}. {title}"], Style(bold=True, size=12))
        cols = columns(result)
        sheet.append([plain(quotes(c.header)) for c in cols], HEADING)
        looks = [CELL.get(c.fmt, PLAIN) for c in cols]
        for record in result.data.to_dict("records"):
            sheet.append([_value(record, c) for c in cols], looks)
        if result.note:
            sheet.append([])
            note = sheet.append([plain(quotes(result.note))], WRAPPED)
            sheet.merged.append(f"A{note + 1}:{cell_name(note, max(2, len(cols)) - 1)}")
            sheet.heights[note] = 15 * (1 + len(result.note) // 110)
        sheet.widths = {0: 48, **dict.fromkeys(range(1, len(cols)), 14)}
    return write_workbook(sheets, path)
