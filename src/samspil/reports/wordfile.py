"""``report.docx``: the publication in Word, with Word's own styles (Title, Heading 1-3,
Caption, a table style), tables as real (editable) Word tables, figures as 300 dpi PNG,
the note under each, page numbers in the footer and a contents field Word fills in.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from samspil.reports.document import Chapter, Grid, Item, Publication, plain, runs

TABLE_STYLE = "Light List Accent 1"


class Word:
    """The document being written, with its styles looked up once by name (python-docx
    looks a style name up again on every use, scanning all styles: a second per report)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self._ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self.doc.styles[name].style_id
        return self._ids[name]

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        paragraph = self.doc.add_paragraph(text)
        if style is not None:
            paragraph._p.get_or_add_pPr().style = self.style_id(style)
        return paragraph

    def heading(self, text: str, level: int) -> Any:
        return self.paragraph(text, f"Heading {level}")


def _runs(paragraph: Any, text: str) -> None:
    for style, part in runs(text):
        run = paragraph.add_run(part)
        run.bold = style == "b" or None
        run.italic = style == "i" or None


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC ...) that Word or LibreOffice computes on opening."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        run = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        run.append(fld)
        return run

    text_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    text_run.append(instr)
    shown = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = placeholder
    shown.append(t)
    for element in (char("begin"), text_run, char("separate"), shown, char("end")):
        paragraph._p.append(element)


def _grid(w: Word, g: Grid) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    table = w.doc.add_table(rows=1 + len(g.rows), cols=len(g.header))
    table._tbl.tblPr.style = w.style_id(TABLE_STYLE)
    size = Pt(7.5) if g.wide else Pt(8.5)
    for r, values in enumerate([g.header, *g.rows]):
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            paragraph = cells[c].paragraphs[0]
            run = paragraph.add_run(plain(value) if r == 0 else value)
            run.font.size = size
            if r == 0 or (g.total and r == len(g.rows)):
                run.bold = True
            if c > 0 and g.numeric:  # numbers and their headings right-aligned
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table)


def _repeat_header(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _note(w: Word, text: str) -> None:
    from docx.shared import Pt

    paragraph = w.paragraph()
    _runs(paragraph, text)
    for run in paragraph.runs:
        run.font.size = Pt(8)


def _caption(w: Word, label: str, title: str) -> None:
    paragraph = w.paragraph(style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    _runs(paragraph, f"{label}. {title}")


def _item(w: Word, it: Item, figures: dict[str, bytes]) -> None:
    from docx.shared import Cm

    if it.skipped:
        _caption(w, it.label, it.title)
        _note(w, f"Udeladt: {it.skipped}")
        return
    assert it.grid is not None
    if it.table_shown:
        _caption(w, it.label, it.title)
        _grid(w, it.grid)
        _note(w, it.note)
    picture = figures.get(it.figure) if it.figure else None
    if picture is not None:
        _caption(w, it.figure_label, it.title)
        w.doc.add_picture(io.BytesIO(picture), width=Cm(16))
        _note(w, it.caption)
    if not it.table_shown:
        _caption(w, f"Tal bag {it.figure_label.lower()}", it.title)
        _grid(w, it.grid)
        if it.numbers_note:
            _note(w, it.numbers_note)
    for quote in it.quotes:
        w.paragraph(quote, "Quote")


def _chapter(w: Word, ch: Chapter, figures: dict[str, bytes]) -> None:
    w.doc.add_page_break()
    w.heading(plain(ch.title), 1)
    for text in ch.paragraphs:
        _runs(w.paragraph(), text)
    for heading, lines, g in ch.parts:
        w.heading(plain(heading), 3)
        for line in lines:
            _note(w, line)
        if g is not None:
            _grid(w, g)
    for it in ch.items:
        _item(w, it, figures)


def write_docx(pub: Publication, figures: dict[str, bytes], path: Path) -> Path:
    """``figures``: PNG bytes by figure key."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    w = Word(doc)
    # Word's document properties hold at most 255 characters each
    doc.core_properties.title = pub.title[:255]
    doc.core_properties.author = (", ".join(pub.authors) or "samspil")[:255]
    doc.core_properties.language = "da-DK"
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10)
    w.paragraph(pub.title, "Title")
    w.paragraph(pub.subtitle, "Subtitle")
    for line in [*pub.authors, pub.institution, pub.date, pub.banner]:
        if line:
            w.paragraph(line)
    doc.add_page_break()
    for line in pub.colophon:
        _note(w, line)
    doc.add_page_break()
    w.heading("Indhold", 1)
    _field(w.paragraph(), 'TOC \\o "1-1" \\h \\z \\u', "Opdatér feltet for at se indholdet.")
    for ch in pub.chapters:
        _chapter(w, ch, figures)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")
    doc.sections[0].different_first_page_header_footer = True
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)
    doc.save(str(path))
    return path
