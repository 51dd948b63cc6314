"""A fast XLSX writer for wide survey data, and for small workbooks with a few styles.

openpyxl and XlsxWriter write one cell at a time from Python; for 130,000 respondents x
500 variables (65 million cells) that takes 4-13 minutes here. :func:`write_xlsx` builds
the worksheet XML a block of rows at a time with vectorised numpy string operations, which
is about 25 seconds for the same file, and writes plain values only (numbers, inline
strings, empty cells). :func:`write_workbook` writes :class:`Sheet` objects cell by cell
with the little a report's tables need (bold and larger headings, wrapped text, number
formats, column widths, frozen headings, merged cells, row heights, links to other sheets):
a tenth of openpyxl's time for the report's ``tables.xlsx``, without its import. Files are
checked by reading them back with openpyxl in the tests.

Every text cell goes through ``samspil.spreadsheet``: no formula-like text, no control
character XML forbids (one pasted from Word would break the whole workbook), nothing beyond
Excel's 32,767 characters per cell.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from samspil.spreadsheet import safe_cell, xml_text
from samspil.xmltext import attribute, escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
BLOCK = 2000
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


def _column_cells(values: pd.Series) -> np.ndarray:
    """One XML cell string per value of a column."""
    if values.dtype.kind in "fiub":
        numbers = values.to_numpy(dtype=float)
        missing = ~np.isfinite(numbers)  # XLSX has no NaN or infinity: an empty cell
        whole = ~missing & (np.mod(numbers, 1) == 0) & (np.abs(numbers) < 1e15)
        text = np.full(numbers.shape, "", dtype=object)
        if whole.any():
            text[whole] = numbers[whole].astype(np.int64).astype(str)
        other = ~missing & ~whole
        if other.any():
            text[other] = [repr(float(v)) for v in numbers[other]]
        cells = np.where(missing, "<c/>", "<c><v>" + text + "</v></c>")
        return np.asarray(cells, dtype=object)
    out = []
    for value in values.tolist():
        if value is None or (isinstance(value, float) and not np.isfinite(value)) or value == "":
            out.append("<c/>")
        elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, bool
        ):
            out.append(f"<c><v>{value!r}</v></c>")
        else:
            out.append(_text_cell(value))
    return np.asarray(out, dtype=object)


def _text_cell(value: object) -> str:
    text = escape(xml_text(safe_cell(str(value))))
    if "\r" in text:  # a literal CR is read back as LF (XML line ends): a reference keeps it
        text = text.replace("\r", "&#13;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _header(columns: list[str]) -> str:
    return f"<row>{''.join(_text_cell(c) for c in columns)}</row>"


def _write_sheet(archive: zipfile.ZipFile, name: str, frame: pd.DataFrame) -> None:
    with archive.open(name, "w", force_zip64=True) as handle:
        handle.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
            f"<sheetData>{_header(list(frame.columns))}".encode()
        )
        for start in range(0, len(frame), BLOCK):
            block = frame.iloc[start : start + BLOCK]
            if block.empty:
                break
            cells = np.column_stack([_column_cells(block[c]) for c in block.columns])
            handle.write("".join("<row>" + "".join(r) + "</row>" for r in cells.tolist()).encode())
        handle.write(b"</sheetData></worksheet>")


def _package(archive: zipfile.ZipFile, names: Sequence[str], styles: str = "") -> None:
    """Everything of a workbook but its sheets' XML: content types, relationships, the
    workbook's list of sheets (``xl/worksheets/sheet<i>.xml``), and ``styles``."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, len(names) + 1)
    )
    if styles:
        overrides += f'<Override PartName="/xl/styles.xml" ContentType="{STYLES_TYPE}"/>'
    archive.writestr(
        "[Content_Types].xml",
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>",
    )
    archive.writestr(
        "_rels/.rels",
        f'{XML_HEAD}<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    )
    sheet_list = "".join(
        f'<sheet name="{attribute(xml_text(n)[:31])}" sheetId="{i}" r:id="rId{i}"/>'
        for i, n in enumerate(names, start=1)
    )
    archive.writestr(
        "xl/workbook.xml",
        f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheet_list}</sheets>'
        "</workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    if styles:
        rels += f'<Relationship Id="rId{len(names) + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        archive.writestr("xl/styles.xml", styles)
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{XML_HEAD}<Relationships xmlns="{PKG}">{rels}</Relationships>',
    )


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """Write DataFrames as sheets (name -> frame) of one workbook."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _package(archive, names)
        for i, name in enumerate(names, start=1):
            _write_sheet(archive, f"xl/worksheets/sheet{i}.xml", sheets[name])
    return path


# -- small workbooks with styles ------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a cell looks."""

    bold: bool = False
    size: float = 11.0  # points
    wrap: bool = False  # text wrapped within the column, aligned to the cell's top
    number_format: str = "General"
    link: bool = False  # Excel's "Hyperlink" cell style: blue and underlined


PLAIN = Style()


@dataclass
class Sheet:
    """One worksheet, row by row. Cells are counted from 0: ``styles``, ``links`` (to a
    place in the workbook, ``'Tabel 4.2'!A1``) by (row, column), ``widths`` (characters)
    by column, ``heights`` (points) by row; ``freeze`` is the first cell that scrolls
    ("B3": one column and two rows stay); ``merged`` are ranges such as "A10:E10". Text
    is neutralised as :mod:`samspil.spreadsheet` says (never a formula, nothing XML
    forbids); a value that is None, NaN or infinite leaves its cell empty."""

    name: str
    rows: list[list[object]] = field(default_factory=list)
    styles: dict[tuple[int, int], Style] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str = ""
    merged: list[str] = field(default_factory=list)

    def append(self, values: Sequence[object], style: Style | Sequence[Style] = PLAIN) -> int:
        """Add a row; ``style`` for each of its cells or one per column. Returns its row."""
        row = len(self.rows)
        self.rows.append(list(values))
        styles = [style] * len(values) if isinstance(style, Style) else style
        for column, cell_style in enumerate(styles):
            if cell_style != PLAIN:
                self.styles[(row, column)] = cell_style
        return row


def column_letter(column: int) -> str:
    """'A' for column 0, 'AA' for 26."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """'B3' for row 2, column 1 (counted from 0)."""
    return f"{column_letter(column)}{row + 1}"


class _Styles:
    """The workbook's fonts, number formats and cell formats, each written once."""

    def __init__(self) -> None:
        # bold, size, link: the plain font first, then the "Hyperlink" style's
        self.fonts: dict[tuple[bool, float, bool], int] = {
            (False, 11.0, False): 0,
            (False, 11.0, True): 1,
        }
        self.formats: dict[str, int] = {"General": 0}
        self.cells: dict[Style, int] = {PLAIN: 0}

    def index(self, style: Style) -> int:
        if style not in self.cells:
            font = (style.bold, style.size, style.link)
            self.fonts.setdefault(font, len(self.fonts))
            self.formats.setdefault(style.number_format, 163 + len(self.formats))
            self.cells[style] = len(self.cells)
        return self.cells[style]

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{attribute(code)}"/>'
            for code, i in self.formats.items()
            if i
        )
        fonts = "".join(
            "<font>"  # in the order Excel writes a font's parts
            + ("<b/>" if bold else "")
            + ("<u/>" if link else "")
            + f'<sz val="{size:g}"/>'
            + ('<color rgb="FF0563C1"/>' if link else "")
            + '<name val="Calibri"/><family val="2"/></font>'
            for bold, size, link in self.fonts
        )
        cells = []
        for style in self.cells:
            font = self.fonts[(style.bold, style.size, style.link)]
            number = self.formats[style.number_format]
            wrap = '<alignment wrapText="1" vertical="top"/>' if style.wrap else ""
            cells.append(
                f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" '
                f'xfId="{1 if style.link else 0}"'
                + (' applyNumberFormat="1"' if number else "")
                + (' applyFont="1"' if font else "")
                + (f' applyAlignment="1">{wrap}</xf>' if wrap else "/>")
            )
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(self.formats) - 1}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" applyFont="1"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
            '<cellStyles count="2"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            '<cellStyle name="Hyperlink" xfId="1" builtinId="8"/></cellStyles>'
            "</styleSheet>"
        )


def _styled_cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, np.integer)):
        return f'<c r="{ref}"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):  # XLSX has no NaN or infinity: an empty cell
            return f'<c r="{ref}"{s}/>' if style else ""
        return f'<c r="{ref}"{s}><v>{number!r}</v></c>'
    return _text_cell(value).replace("<c ", f'<c r="{ref}"{s} ', 1)


def _pane(freeze: str) -> str:
    letters = freeze.rstrip("0123456789")
    column, row = 0, int(freeze[len(letters) :]) - 1
    for letter in letters:
        column = column * 26 + ord(letter.upper()) - 64
    column -= 1
    if not (column or row):
        return ""
    split = (f' xSplit="{column}"' if column else "") + (f' ySplit="{row}"' if row else "")
    pane = {(True, True): "bottomRight", (True, False): "topRight", (False, True): "bottomLeft"}[
        (column > 0, row > 0)
    ]
    return (
        f'<pane{split} topLeftCell="{freeze}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{freeze}" sqref="{freeze}"/>'
    )


def _styled_sheet(sheet: Sheet, styles: _Styles) -> str:
    out = [f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
    used = max((len(values) for values in sheet.rows), default=0)
    if used:  # the used range: readers size (and pad) rows by it
        out.append(f'<dimension ref="A1:{cell_name(len(sheet.rows) - 1, used - 1)}"/>')
    pane = _pane(sheet.freeze) if sheet.freeze else ""
    out.append(f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>')
    if sheet.widths:
        out.append("<cols>")
        for column, width in sorted(sheet.widths.items()):
            out.append(
                f'<col min="{column + 1}" max="{column + 1}" width="{width:g}" customWidth="1"/>'
            )
        out.append("</cols>")
    out.append("<sheetData>")
    for r, values in enumerate(sheet.rows):
        height = sheet.heights.get(r)
        size = f' ht="{height:g}" customHeight="1"' if height else ""
        cells = "".join(
            _styled_cell(cell_name(r, c), value, styles.index(sheet.styles.get((r, c), PLAIN)))
            for c, value in enumerate(values)
        )
        if cells or size:  # a row without cells is left out (readers pad the gap)
            out.append(f'<row r="{r + 1}"{size}>{cells}</row>')
    out.append("</sheetData>")
    if sheet.merged:
        merged = "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merged)
        out.append(f'<mergeCells count="{len(sheet.merged)}">{merged}</mergeCells>')
    if sheet.links:
        out.append("<hyperlinks>")
        for (r, c), place in sorted(sheet.links.items()):
            out.append(f'<hyperlink ref="{cell_name(r, c)}" location="{attribute(place)}"/>')
        out.append("</hyperlinks>")
    out.append("</worksheet>")
    return "".join(out)


def write_workbook(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write :class:`Sheet` objects, in order, as one workbook."""
    styles = _Styles()
    parts = [_styled_sheet(sheet, styles) for sheet in sheets]  # the styles they use, too
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        _package(archive, [sheet.name for sheet in sheets], styles.xml())
        for i, part in enumerate(parts, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", part)
    return path
