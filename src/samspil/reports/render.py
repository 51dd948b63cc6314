"""Renderers: machine CSV, XLSX workbook, self-contained HTML and PDF.

Numbers reach these functions unrounded; only here are they rounded and written in
Danish format (decimal comma, "%"). CSV files keep machine format (dot decimal,
unrounded) for other tools.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from samspil.reports import formatting as fmt
from samspil.reports.build import Column, Result
from samspil.reports.spec import ReportSpec
from samspil.spreadsheet import safe_cell, xml_text
from samspil.spreadsheet import write_csv as write_spreadsheet_csv

DECIMALS = 1


def write_csv(result: Result, folder: Path) -> Path:
    path = folder / f"{result.block.id}.csv"
    hidden = ("suppressed", "secondary")
    data = result.data.drop(columns=[c for c in hidden if c in result.data.columns])
    return write_spreadsheet_csv(data, path)


def cell(column: Column, row: pd.Series) -> str:
    value = row.get(column.name)
    if column.missing and fmt.is_missing(value):
        return column.missing
    if column.fmt == "text" or column.fmt == "stars":
        return "" if fmt.is_missing(value) else str(value)
    if row.get("suppressed") is True and column.fmt in ("pct", "num", "mean_sd", "int"):
        return "–"
    if column.fmt == "int":
        return fmt.integer(value)
    if column.fmt == "pct":
        return fmt.percent(value, DECIMALS)
    if column.fmt == "num0":
        return fmt.number(value, 0)
    if column.fmt == "mean_sd":
        return fmt.mean_sd(value, row.get("sd"), DECIMALS)
    return fmt.number(value, DECIMALS)


# -- XLSX ---------------------------------------------------------------------------------

XLSX_FORMATS = {"pct": "0.0", "num": "0.0", "num0": "0", "int": "0", "mean_sd": "0.0"}


def _append(sheet: Any, values: list[object]) -> None:
    """A row of spreadsheet-safe cells: text never becomes a formula, and holds nothing XML
    forbids (openpyxl would refuse it)."""
    sheet.append([xml_text(safe_cell(v)) if isinstance(v, str) else v for v in values])


def write_xlsx(spec: ReportSpec, results: list[Result], path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    index = book.active
    assert index is not None
    index.title = "Indhold"
    _append(index, [spec.title])
    _append(index, ["Tabel/figur", "Titel", "Ark / bemærkning"])
    for result in results:
        block = result.block
        if result.skipped:
            _append(index, [block.label, block.title, f"Udeladt: {result.skipped}"])
            continue
        sheet = book.create_sheet(block.id[:31])
        _append(index, [block.label, block.title, sheet.title])
        _append(sheet, [f"{block.label}. {block.title}"])
        sheet["A1"].font = Font(bold=True)
        columns = _xlsx_columns(result.columns)
        _append(sheet, [c.header for c in columns])
        for _, row in result.data.iterrows():
            values: list[object] = []
            for c in columns:
                v = row.get(c.name)
                values.append(
                    None
                    if fmt.is_missing(v) or (row.get("suppressed") is True and c.fmt == "pct")
                    else v
                )
            _append(sheet, values)
            for c_index, c in enumerate(columns, start=1):
                if c.fmt in XLSX_FORMATS:
                    sheet.cell(row=sheet.max_row, column=c_index).number_format = XLSX_FORMATS[
                        c.fmt
                    ]
        if result.note:
            _append(sheet, [])
            _append(sheet, [result.note])
        sheet.column_dimensions["A"].width = 60
    book.save(path)
    return path


def _xlsx_columns(columns: list[Column]) -> list[Column]:
    out = []
    for c in columns:
        out.append(c)
        if c.fmt == "mean_sd":  # a spreadsheet keeps mean and SD in their own columns
            out[-1] = Column(c.name, c.header, "num")
            out.append(Column("sd", "Std. afv.", "num"))
    return out


# -- HTML / PDF ---------------------------------------------------------------------------

CSS = (resources.files("samspil.reports") / "static" / "report.css").read_text(encoding="utf-8")


def _text(value: str) -> str:
    """Escape, then turn **x** into <strong>x</strong> and *x* into <em>x</em>."""
    text = re.sub(r"\*\*([^\s*](?:.*?[^\s*])?)\*\*", r"<strong>\1</strong>", html.escape(value))
    return re.sub(r"(?<!\*)\*([^\s*](?:[^*]*?[^\s*])?)\*(?!\*)", r"<em>\1</em>", text)


def crosstab_pivot_html(result: Result) -> str:
    """Several items by group with one share each: groups as rows, items as columns, as the
    seed prints its actor-by-area tables (percent with significance stars)."""
    data = result.data
    items = list(dict.fromkeys(data["item"]))
    group_header = next(c.header for c in result.columns if c.name == "group")
    head = f'<th scope="col">{html.escape(group_header)}</th><th scope="col">N</th>'
    head += "".join(f'<th scope="col">{html.escape(str(i))}</th>' for i in items)
    body = []
    for group, rows in data.groupby("group", sort=False):
        by_item = rows.set_index("item")
        cells = [f'<th scope="row">{html.escape(str(group))}</th>']
        cells.append(f'<td class="n">{fmt.integer(rows["n"].max())}</td>')
        for item in items:
            row = by_item.loc[item]
            text = "–" if row["suppressed"] else fmt.percent(row["percent"]) + str(row["stars"])
            cells.append(f'<td class="n">{html.escape(text)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="wide"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def table_html(result: Result) -> str:
    if (
        result.block.kind == "crosstab"
        and "percent" in result.data.columns
        and result.data["item"].nunique() > 1
    ):
        return crosstab_pivot_html(result)
    head = "".join(f'<th scope="col">{_text(c.header)}</th>' for c in result.columns)
    body = []
    for _, row in result.data.iterrows():
        cells = []
        for i, c in enumerate(result.columns):
            text = html.escape(cell(c, row))
            if i == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td class="n">{text}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    if result.block.kind == "frequency":
        total = int(result.data["n"].sum())
        body.append(
            f'<tr><th scope="row">I alt</th><td class="n">{fmt.integer(total)}</td>'
            f'<td class="n">{fmt.percent(100.0 if total else None)}</td></tr>'
        )
    wide = ' class="wide"' if len(result.columns) > 6 else ""
    return f"<table{wide}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def block_html(result: Result, figures: dict[str, dict[str, bytes]], image: str = "svg") -> str:
    block = result.block
    parts = [f'<section id="{block.id}">']
    if result.skipped:
        parts.append(f"<h3>{html.escape(block.label)}. {_text(block.title)}</h3>")
        parts.append(f'<p class="skipped">Udeladt: {html.escape(result.skipped)}</p></section>')
        return "".join(parts)
    is_table = block.label.lower().startswith("tabel")
    if is_table:
        parts.append(f"<h3>{html.escape(block.label)}. {_text(block.title)}</h3>")
        parts.append(table_html(result))
        parts.append(f'<p class="note">{_text(result.note)}</p>')
    picture = figures.get(block.id, {}).get(image)
    if picture is not None:
        label = block.figure_label or block.label
        mime = "image/svg+xml" if image == "svg" else "image/png"
        src = f"data:{mime};base64," + base64.b64encode(picture).decode("ascii")
        parts.append(f"<h3>{html.escape(label)}. {_text(block.title)}</h3>")
        parts.append(f'<figure><img src="{src}" alt="{html.escape(block.title)}">')
        parts.append(f'<figcaption class="note">{_text(result.note)}</figcaption></figure>')
        if not is_table:
            parts.append(
                f"<details><summary>Tal bag figuren</summary>{table_html(result)}</details>"
            )
    elif not is_table:
        parts.append(f"<h3>{html.escape(block.label)}. {_text(block.title)}</h3>")
        parts.append(table_html(result))
        parts.append(f'<p class="note">{_text(result.note)}</p>')
    for quote in result.quotes:
        parts.append(f"<blockquote>{html.escape(quote)}</blockquote>")
    parts.append("</section>")
    return "".join(parts)


def report_html(
    spec: ReportSpec,
    results: list[Result],
    figures: dict[str, dict[str, bytes]],
    *,
    banner: str = "",
    made: date | None = None,
    image: str = "svg",
) -> str:
    """The whole report as one self-contained HTML page (figures inlined as ``image``)."""
    by_block = {r.block.id: r for r in results}
    body = [f"<h1>{_text(spec.title)}</h1><p>{_text(spec.subtitle)}</p>"]
    if banner:
        body.append(f'<p class="synthetic">{html.escape(banner)}</p>')
    body.append(
        f'<p class="note">Dannet af samspil {fmt_date(made or date.today())}. '
        "Alle tal er beregnet fra de indlæste data.</p>"
    )
    toc = ['<nav aria-label="Indhold"><h2>Indhold</h2><ul>']
    for chapter in spec.chapters:
        toc.append(f'<li><a href="#kap-{chapter.id}">{_text(chapter.title)}</a></li>')
    toc.append("</ul></nav>")
    body.extend(toc)
    for chapter in spec.chapters:
        body.append(f'<h2 id="kap-{chapter.id}">{_text(chapter.title)}</h2>')
        if chapter.intro:
            body.append(f"<p>{_text(chapter.intro)}</p>")
        for block in chapter.blocks:
            body.append(block_html(by_block[block.id], figures, image))
    return (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(spec.title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>"
    )


MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def fmt_date(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def write_pdf(html_text: str, path: Path) -> Path:
    from weasyprint import HTML

    HTML(string=html_text).write_pdf(str(path))
    return path
