"""``report.docx``: the publication in Word, with Word's own styles (Title, Heading 1-3,
Caption, a table style), tables as real (editable) Word tables, figures as 300 dpi PNG,
the note under each, page numbers in the footer and a contents field Word fills in.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from samspil.reports.document import Chapter, Grid, Item, Publication, plain, runs

TABLE_STYLE = "Light List Accent 1"


class Word:
    """The document being written, with its styles looked up once by name (python-docx
    looks a style name up again on every use, scanning all styles: a second per report)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self._ids: dict[str, str] = {}
        self.landscape = False  # the current section is a landscape one

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


def _contents(w: Word, pub: Publication) -> None:
    """The contents as a TOC field whose shown result already lists every chapter and
    appendix, so Word and LibreOffice show it on opening; updating the field (F9) adds the
    page numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(child: Any) -> Any:
        r = OxmlElement("w:r")
        r.append(child)
        return r

    def char(kind: str) -> Any:
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        return run(fld)

    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-1" \\h \\z \\u'
    titles = [plain(ch.title) for ch in pub.chapters]
    style = "TOC 1" if "TOC 1" in {s.name for s in w.doc.styles} else None
    for i, title in enumerate(titles):
        paragraph = w.paragraph(style=style)
        if i == 0:
            for element in (char("begin"), run(instruction), char("separate")):
                paragraph._p.append(element)
        text = OxmlElement("w:t")
        text.text = title
        paragraph._p.append(run(text))
        if i == len(titles) - 1:
            paragraph._p.append(char("end"))


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 has no such characters


def _grid(w: Word, g: Grid) -> None:
    """A Word table, written as one piece of XML (python-docx's cell-by-cell calls took
    most of a large report's Word time): the table style, header row repeated on every
    page, bold header and total row, numbers right-aligned, columns sized by content."""
    from docx.oxml import parse_xml

    from samspil.reports.typst_pdf import LANDSCAPE_WIDTH, TEXT_WIDTH, column_widths

    widths = column_widths(g)
    page = LANDSCAPE_WIDTH if g.landscape else TEXT_WIDTH  # a wide table's landscape page
    if widths is None:  # a text table: equal columns, Word fits them to their content
        points = [page / len(g.header)] * len(g.header)
    else:
        points = [page - sum(widths), *widths]
    twips = [round(p * 20) for p in points]
    size = 15 if g.wide else 17  # half-points: 7.5 and 8.5 pt
    layout = '<w:tblLayout w:type="fixed"/>' if widths is not None else ""
    out = [
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="{w.style_id(TABLE_STYLE)}"/>'
        f'<w:tblW w:type="auto" w:w="0"/>{layout}<w:tblLook w:firstColumn="1" '
        'w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
        'w:val="04A0"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{t}"/>' for t in twips),
        "</w:tblGrid>",
    ]
    last = len(g.rows)
    for r, values in enumerate([g.header, *g.rows]):
        bold = "<w:b/>" if r == 0 or (g.total and r == last) else ""
        out.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>' if r == 0 else "<w:tr>")
        for c, value in enumerate(values):
            text = escape(NOT_XML.sub("", plain(value) if r == 0 else value))
            right = '<w:pPr><w:jc w:val="right"/></w:pPr>' if c > 0 and g.numeric else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips[c]}"/></w:tcPr><w:p>{right}'
                f'<w:r><w:rPr>{bold}<w:sz w:val="{size}"/></w:rPr>'
                f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    w.doc.element.body._insert_tbl(parse_xml("".join(out)))


def _note(w: Word, text: str) -> None:
    from docx.shared import Pt

    paragraph = w.paragraph()
    _runs(paragraph, text)
    for run in paragraph.runs:
        run.font.size = Pt(8)


NUMBERED = re.compile(r"^(Tabel|Figur|Bilagstabel) ((?:\d+\.)*)(\d+)$")


def _caption(w: Word, label: str, title: str) -> None:
    """The caption in Word's Caption style; a numbered label ("Tabel 4.2") as Word's
    caption field (``SEQ Tabel \\r 2``: the report definition's number, kept when the
    fields are updated), so Word's list of tables and figures finds it."""
    paragraph = w.paragraph(style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    found = NUMBERED.match(label)
    if found:
        kind, chapter, number = found.groups()
        paragraph.add_run(f"{kind} {chapter}")
        _field(paragraph, f"SEQ {kind} \\r {number} \\* ARABIC", number)
        _runs(paragraph, f". {title}")
    else:
        _runs(paragraph, f"{label}. {title}")


def _item(w: Word, it: Item, figures: dict[str, bytes], alts: dict[str, str]) -> None:
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
        shape = w.doc.add_picture(io.BytesIO(picture), width=Cm(16))
        shape._inline.docPr.set("descr", alts.get(it.figure or "", it.title))  # alt text
        _note(w, it.caption)
    if not it.table_shown:
        _caption(w, f"Tal bag {it.figure_label.lower()}", it.title)
        _grid(w, it.grid)
        if it.numbers_note:
            _note(w, it.numbers_note)
    for quote in it.quotes:
        w.paragraph(quote, "Quote")


def _chapter(w: Word, ch: Chapter, figures: dict[str, bytes], alts: dict[str, str]) -> None:
    if w.landscape:
        _section(w, landscape=False)  # a new page, portrait again
    else:
        w.doc.add_page_break()
    w.heading(plain(ch.title), 1)
    for text in ch.paragraphs:
        _runs(w.paragraph(), text)
    for kind, text in ch.text:  # front matter
        if kind == "h":
            w.heading(plain(text), 2)
        else:
            style = {"li": "List Bullet", "ol": "List Number"}.get(kind)
            _runs(w.paragraph(style=style), text)
    for heading, lines, g in ch.parts:
        w.heading(plain(heading), 3)
        for line in lines:
            _note(w, line)
        if g is not None:
            _grid(w, g)
    for i, it in enumerate(ch.items):
        wide = _landscape(it)
        if wide and (i == 0 or not _landscape(ch.items[i - 1])):
            _section(w, landscape=True)  # wide tables on a landscape page, together
        _item(w, it, figures, alts)
        if wide and i + 1 < len(ch.items) and not _landscape(ch.items[i + 1]):
            _section(w, landscape=False)  # (at a chapter's end: the next chapter's page)


def _landscape(it: Item) -> bool:
    return it.grid is not None and it.grid.landscape and not it.skipped


def _section(w: Word, *, landscape: bool) -> None:
    """A new section on a new page, landscape or portrait A4 with the PDF's margins
    (the footer's page number carries on)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    w.landscape = landscape
    section = w.doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Mm(297), Mm(210)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.left_margin = section.right_margin = Mm(18)


LANGUAGE = "da-DK"


def _danish(doc: Any) -> None:
    """Danish as the language of the document defaults and of every style that names one
    (python-docx's template says en-US), so Word checks spelling and hyphenates in Danish."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    for found in [lang, *styles.iter(qn("w:lang"))]:
        found.set(qn("w:val"), LANGUAGE)


def _a4(doc: Any) -> None:
    """A4 with the PDF's margins (text width 174 mm)."""
    from docx.shared import Mm

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(22), Mm(20)
        section.left_margin = section.right_margin = Mm(18)


def write_docx(
    pub: Publication, figures: dict[str, bytes], path: Path, alts: dict[str, str] | None = None
) -> Path:
    """``figures``: PNG bytes by figure key; ``alts``: each figure's alt text by key."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    _a4(doc)
    _danish(doc)
    w = Word(doc)
    # Word's document properties hold at most 255 characters each
    doc.core_properties.title = pub.title[:255]
    doc.core_properties.author = (", ".join(pub.authors) or pub.institution)[:255]
    doc.core_properties.language = LANGUAGE
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
    _contents(w, pub)
    for ch in pub.chapters:
        _chapter(w, ch, figures, alts or {})
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")
    doc.sections[0].different_first_page_header_footer = True
    doc.save(str(path))
    return path
