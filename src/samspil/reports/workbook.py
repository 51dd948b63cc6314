"""``tables.xlsx``: one sheet per table, named by its label ("Tabel 4.2"), and a contents
sheet with links. Numbers stay numbers (percentages as percent-formatted fractions), the
heading row is bold, wrapped and frozen, and the note stands under the table as plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

from samspil.reports import formatting as fmt
from samspil.reports.build import Column, Result
from samspil.reports.document import plain
from samspil.reports.formatting import quotes
from samspil.reports.spec import ReportSpec
from samspil.spreadsheet import safe_cell, xml_text

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


def _safe(values: list[object]) -> list[object]:
    """Text cells that never run as formulas and hold nothing XML forbids (docs/reports.md,
    "Files for spreadsheets and archive formats")."""
    return [xml_text(safe_cell(v)) if isinstance(v, str) else v for v in values]


def _value(row: object, c: Column) -> object:
    v = row.get(c.name)  # type: ignore[attr-defined]
    hidden = row.get("suppressed") is True and c.fmt in ("pct", "num", "int")  # type: ignore[attr-defined]
    if fmt.is_missing(v) or hidden:
        return None
    if c.fmt == "pct":
        return float(v) / 100
    if c.fmt in ("int", "num0") and float(v).is_integer():
        return int(v)
    if c.fmt in ("num", "mean_sd", "int", "num0", "p", "as_given"):
        return float(v)
    return v if isinstance(v, str) else str(v)


def write_xlsx(spec: ReportSpec, results: list[Result], path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()
    index = book.active
    assert index is not None
    index.title = "Indhold"
    index.append(_safe([spec.title]))
    index["A1"].font = Font(bold=True, size=13)
    index.append(_safe(["Tabel/figur", "Titel", "Bemærkning"]))
    for cell in index[2]:
        cell.font, cell.alignment = bold, wrap
    index.freeze_panes = "A3"
    taken = {"indhold"}
    for result in results:
        block = result.block
        title = plain(quotes(block.title))
        if result.skipped:
            index.append(_safe([block.label, title, f"Udeladt: {result.skipped}"]))
            continue
        sheet = book.create_sheet(sheet_name(block.label, taken))
        index.append(_safe([block.label, title, ""]))
        link = index.cell(row=index.max_row, column=1)
        link.hyperlink = f"#'{sheet.title}'!A1"
        link.style = "Hyperlink"
        sheet.append(_safe([f"{block.label}. {title}"]))
        sheet["A1"].font = Font(bold=True, size=12)
        cols = columns(result)
        sheet.append(_safe([plain(quotes(c.header)) for c in cols]))
        for cell in sheet[2]:
            cell.font, cell.alignment = bold, wrap
        sheet.freeze_panes = "B3"
        for _, row in result.data.iterrows():
            sheet.append(_safe([_value(row, c) for c in cols]))
            r = sheet.max_row
            for i, c in enumerate(cols, start=1):
                if c.fmt in NUMBER_FORMATS:
                    sheet.cell(row=r, column=i).number_format = NUMBER_FORMATS[c.fmt]
        if result.note:
            sheet.append(_safe([]))
            sheet.append(_safe([plain(quotes(result.note))]))
            note = sheet.cell(row=sheet.max_row, column=1)
            note.alignment = wrap
            sheet.merge_cells(
                start_row=note.row, start_column=1, end_row=note.row, end_column=max(2, len(cols))
            )
            sheet.row_dimensions[note.row].height = 15 * (1 + len(result.note) // 110)
        sheet.column_dimensions["A"].width = 48
        for i in range(2, len(cols) + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 14
    index.column_dimensions["A"].width = 16
    index.column_dimensions["B"].width = 80
    index.column_dimensions["C"].width = 50
    book.save(path)
    return path
