"""``report.docx``: the publication in Word, with Word's own styles (Title, Heading 1-3,
Caption, a table style), tables as real (editable) Word tables, figures as PNG with alt
text, the note under each, page numbers in the footer and a contents field Word fills in.

The Word file is python-docx's default template made a Danish A4 publication's
(:func:`template`, once per process) with the report as its body. The body is written as
one XML string and the package (a zip file) directly: python-docx's paragraph and run
calls (each a search of the element's children, a style lookup, a parse of a snippet),
its image handling (each PNG read and hashed, ids found by searching the document) and
its saving (the XML parsed and serialised again, every PNG deflated once more) took ten
times as long, and importing python-docx alone takes longer than writing a report's Word
file now (``benchmarks/word_writer.py``). python-docx reads the files in the tests.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from samspil.reports.document import Chapter, Grid, Item, Publication, plain, runs
from samspil.xmltext import attribute, escape

TABLE_STYLE = "Light List Accent 1"
LANGUAGE = "da-DK"
# the styles the body uses, by name (their ids are looked up once, in the template)
STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Caption",
    "Quote",
    "List Bullet",
    "List Number",
    "TOC 1",
    TABLE_STYLE,
)

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
W_NS = NS["w"]
NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
)  # XML 1.0 has no such characters
SPECIAL = re.compile(r"([\t\r\n])")

# A4 with the PDF's margins (text width 174 mm), in twentieths of a point
A4_LONG, A4_SHORT = 16838, 11906
MARGINS = '<w:pgMar w:top="1247" w:right="1020" w:bottom="1134" w:left="1020" '
MARGINS += 'w:header="720" w:footer="720" w:gutter="0"/>'
FIGURE_WIDTH = 5760000  # 16 cm in EMU: within the 17.4 cm text width
NOTE_SIZE = 16  # half-points: 8 pt


# -- the template: prepared once per process -----------------------------------------------


@dataclass(frozen=True)
class Template:
    """python-docx's default template, prepared, as the files of the package: those every
    Word file has as they are and the beginnings of those written for each document."""

    files: tuple[tuple[str, bytes], ...]  # as they are (styles, settings, footer, theme ...)
    content_types: bytes  # [Content_Types].xml (PNG images included)
    document: tuple[str, str]  # word/document.xml before and after the body's content
    relationships: str  # word/_rels/document.xml.rels without its closing tag
    next_id: int  # the first relationship id (rIdN) free for the figures
    core: bytes  # docProps/core.xml (language da-DK; title and author are set per document)
    styles: dict[str, str]  # style name -> id (only those the template has)
    footer: str  # the relationship id of the footer with the page number


DOCUMENT = "word/document.xml"
RELATIONSHIPS = "word/_rels/document.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
CORE = "docProps/core.xml"
STYLES_XML = "word/styles.xml"
FOOTER = "word/footer1.xml"
PER_DOCUMENT = (DOCUMENT, RELATIONSHIPS, CONTENT_TYPES, CORE)
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE = f"{OFFICE}/image"
BODY = "<w:body/>"
W = f"{{{W_NS}}}"  # a tag in the main namespace: f"{W}p"


def python_docx_templates() -> Path:
    """python-docx's template folder, found without importing python-docx (a tenth of a
    second per process: more than writing a report's Word file)."""
    spec = importlib.util.find_spec("docx")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("python-docx is not installed: the Word file needs its template")
    return Path(next(iter(spec.submodule_search_locations))) / "templates"


def _xml(data: bytes) -> Any:
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(remove_blank_text=True))


def _bytes(root: Any) -> bytes:
    from lxml import etree

    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)  # type: ignore[no-any-return]


def _name(style: Any) -> str | None:
    name = style.find(f"{W}name")
    return None if name is None else name.get(f"{W}val")  # type: ignore[no-any-return]


def _danish_styles(styles: Any) -> None:
    """Danish as the language of the document defaults and of every style that names one
    (python-docx's template says en-US), so Word checks spelling and hyphenates in Danish;
    the Normal style in Liberation Sans 10 pt."""
    from lxml import etree

    r_pr = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    if r_pr.find(f"{W}lang") is None:
        etree.SubElement(r_pr, f"{W}lang")
    for lang in styles.iter(f"{W}lang"):
        lang.set(f"{W}val", LANGUAGE)
    normal = next(s for s in styles.iter(f"{W}style") if _name(s) == "Normal")
    r_pr = normal.find(f"{W}rPr")
    if r_pr is None:  # after the style's names, flags and paragraph properties
        later = [normal.find(f"{W}{tag}") for tag in ("tblPr", "trPr", "tcPr", "tblStylePr")]
        r_pr = etree.Element(f"{W}rPr")
        at = min((normal.index(e) for e in later if e is not None), default=len(normal))
        normal.insert(at, r_pr)
    for old in [*r_pr.findall(f"{W}rFonts"), *r_pr.findall(f"{W}sz")]:
        r_pr.remove(old)
    fonts = etree.Element(f"{W}rFonts")
    fonts.set(f"{W}ascii", "Liberation Sans")
    fonts.set(f"{W}hAnsi", "Liberation Sans")
    r_pr.insert(0, fonts)
    size = etree.Element(f"{W}sz")
    size.set(f"{W}val", "20")  # half-points
    after = {"szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl"}
    after |= {"cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"}
    later = [e for e in r_pr if etree.QName(e).localname in after]
    r_pr.insert(r_pr.index(later[0]) if later else len(r_pr), size)


def _page_number_footer(path: Path) -> bytes:
    """python-docx's footer template with the page number centred in it."""
    from lxml import etree

    footer = _xml(path.read_bytes())
    paragraph = footer.find(f"{W}p")
    centre = etree.SubElement(paragraph.find(f"{W}pPr"), f"{W}jc")
    centre.set(f"{W}val", "center")
    for run in list(_parsed("".join(_field_runs("PAGE", "1")), "w:p")):
        paragraph.append(run)
    return _bytes(footer)


@cache
def template() -> Template:
    """python-docx's default template made a Danish A4 publication's: Danish everywhere,
    Liberation Sans 10 pt, the page number centred in the footer (not on the cover; A4 and
    the margins are in each section's properties, :meth:`Body.section_properties`). Made
    once per process, with lxml (what python-docx's own calls make of it: a test)."""
    from lxml import etree

    folder = python_docx_templates()
    with zipfile.ZipFile(folder / "default.docx") as package:
        files = {name: package.read(name) for name in package.namelist()}
    if FOOTER in files:
        raise RuntimeError(f"python-docx's template has a {FOOTER} already")
    styles = _xml(files[STYLES_XML])
    _danish_styles(styles)
    files[STYLES_XML] = _bytes(styles)
    core = _xml(files[CORE])
    language = core.find("{http://purl.org/dc/elements/1.1/}language")
    if language is None:
        language = etree.SubElement(core, "{http://purl.org/dc/elements/1.1/}language")
    language.text = LANGUAGE
    files[FOOTER] = _page_number_footer(folder / "default-footer.xml")
    root = _xml(files[DOCUMENT])
    root.find(f"{W}body").clear()  # the body is written for each document
    before, after = _bytes(root).decode("utf-8").split(BODY)
    relationships = files[RELATIONSHIPS].decode("utf-8")
    ids = [int(n) for n in re.findall(r'Id="rId(\d+)"', relationships)]
    footer_id = f"rId{max(ids, default=0) + 1}"
    relationships = relationships.replace(
        "</Relationships>",
        f'<Relationship Id="{footer_id}" Type="{OFFICE}/footer" Target="footer1.xml"/>',
    )
    content_types = files[CONTENT_TYPES].decode("utf-8")
    footer_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
    added = f'<Override PartName="/{FOOTER}" ContentType="{footer_type}"/>'
    if 'Extension="png"' not in content_types:
        added += '<Default Extension="png" ContentType="image/png"/>'
    content_types = content_types.replace("</Types>", f"{added}</Types>")
    # python-docx's names ("Heading 1") are Word's built-in ones ("heading 1") capitalised
    names = {
        name.casefold(): style.get(f"{W}styleId")
        for style in styles.iter(f"{W}style")
        if (name := _name(style)) is not None
    }
    return Template(
        files=tuple((n, b) for n, b in files.items() if n not in PER_DOCUMENT),
        content_types=content_types.encode("utf-8"),
        # the drawings' namespaces declared on the body (the template's root has no "a", "pic")
        document=(
            f'{before}<w:body xmlns:a="{NS["a"]}" xmlns:pic="{NS["pic"]}">',
            f"</w:body>{after}",
        ),
        relationships=relationships,
        next_id=max(ids, default=0) + 2,
        core=_bytes(core),
        styles={name: names[name.casefold()] for name in STYLES if name.casefold() in names},
        footer=footer_id,
    )


def _core(core: bytes, title: str, author: str) -> bytes:
    """``docProps/core.xml`` with the document's title and author (Word's document
    properties hold at most 255 characters each)."""
    from lxml import etree

    dc = "{http://purl.org/dc/elements/1.1/}"
    root = etree.fromstring(core)
    for tag, value in (("title", title), ("creator", author)):
        element = root.find(dc + tag)
        if element is None:
            element = etree.SubElement(root, dc + tag)
        element.text = NOT_XML.sub("", value)[:255]
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def _parsed(xml: str, root: str) -> Any:
    """``xml`` (elements in the namespaces of :data:`NS`) parsed inside a ``root``."""
    from lxml import etree

    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    return etree.fromstring(f"<{root} {declared}>{xml}</{root}>")


# -- the body as XML text ------------------------------------------------------------------


def _text(text: str) -> str:
    """Run content for ``text`` as python-docx writes it: tabs as ``w:tab``, line ends as
    ``w:br`` (characters XML 1.0 cannot hold are dropped from the whole body)."""
    out = []
    for part in SPECIAL.split(text):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\r", "\n"):
            out.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if part.strip() != part else ""
            out.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(out)


def _run(text: str, bold: bool = False, italic: bool = False, size: int | None = None) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    props += f'<w:sz w:val="{size}"/>' if size else ""
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{_text(text)}</w:r>"


def _runs(text: str, size: int | None = None) -> str:
    """``text`` with its emphasis (``**bold**``, ``*italic*``) as runs."""
    return "".join(_run(part, style == "b", style == "i", size) for style, part in runs(text))


def _field_runs(instruction: str, placeholder: str = "") -> list[str]:
    """A Word field (PAGE, SEQ ...) that Word or LibreOffice computes on opening."""
    return [
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve">{escape(instruction)}</w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r><w:t>{escape(placeholder)}</w:t></w:r>" if placeholder else "<w:r><w:t/></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ]


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
NUMBERED = re.compile(r"^(Tabel|Figur|Bilagstabel) ((?:\d+\.)*)(\d+)$")


class Body:
    """The document's body being written as XML text, with its sections (portrait or
    landscape) and pictures."""

    def __init__(self, styles: dict[str, str], footer: str, relate: Callable[[bytes], str]):
        self.out: list[str] = []
        self.styles = styles
        self.footer = footer
        self.relate = relate  # a PNG's relationship id (the image part added to the package)
        self.landscape = False  # the current section is a landscape one
        self.first = True  # the current section is the first (the cover's)
        self.drawings = 0
        self._related: dict[str, str] = {}  # figure key -> relationship id

    def paragraph(self, content: str = "", style: str | None = None, keep: bool = False) -> None:
        props = f'<w:pStyle w:val="{self.styles[style]}"/>' if style in self.styles else ""
        props += "<w:keepNext/>" if keep else ""
        head = f"<w:p><w:pPr>{props}</w:pPr>" if props else "<w:p>"
        self.out.append(f"{head}{content}</w:p>" if content or props else "<w:p/>")

    def heading(self, text: str, level: int) -> None:
        self.paragraph(_run(text) if text else "", f"Heading {level}")

    def note(self, text: str) -> None:
        self.paragraph(_runs(text, NOTE_SIZE))

    def caption(self, label: str, title: str) -> None:
        """The caption in Word's Caption style; a numbered label ("Tabel 4.2") as Word's
        caption field (``SEQ Tabel \\r 2``: the report definition's number, kept when the
        fields are updated), so Word's list of tables and figures finds it."""
        found = NUMBERED.match(label)
        if found:
            kind, chapter, number = found.groups()
            field = _field_runs(f"SEQ {kind} \\r {number} \\* ARABIC", number)
            content = _run(f"{kind} {chapter}") + "".join(field) + _runs(f". {title}")
        else:
            content = _runs(f"{label}. {title}")
        self.paragraph(content, "Caption", keep=True)

    def section_properties(self) -> str:
        """The current section's ``w:sectPr``: A4, portrait or landscape, with the PDF's
        margins; the first section carries the footer (later ones continue it) and has no
        page number on its first page (the cover)."""
        long, short = A4_LONG, A4_SHORT
        size = (
            f'<w:pgSz w:w="{long}" w:h="{short}" w:orient="landscape"/>'
            if self.landscape
            else f'<w:pgSz w:w="{short}" w:h="{long}"/>'
        )
        footer = f'<w:footerReference w:type="default" r:id="{self.footer}"/>'
        return (
            f"<w:sectPr>{footer if self.first else ''}{size}{MARGINS}"
            f'<w:cols w:space="720"/>{"<w:titlePg/>" if self.first else ""}'
            '<w:docGrid w:linePitch="360"/></w:sectPr>'
        )

    def section(self, *, landscape: bool) -> None:
        """A new section on a new page, landscape or portrait (the footer's page number
        carries on)."""
        self.out.append(f"<w:p><w:pPr>{self.section_properties()}</w:pPr></w:p>")
        self.landscape, self.first = landscape, False

    def picture(self, key: str, png: bytes, alt: str) -> None:
        """The PNG ``png`` 16 cm wide (its aspect kept) with ``alt`` as its alt text."""
        if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
            raise ValueError(f"figure {key!r}: not a PNG image")
        width, height = struct.unpack(">II", png[16:24])
        if key not in self._related:
            self._related[key] = self.relate(png)
        self.drawings += 1
        n = self.drawings
        cx = FIGURE_WIDTH
        cy = round(cx * height / width) if width else cx
        alt_text = attribute(alt)
        self.out.append(
            "<w:p><w:r><w:drawing><wp:inline>"
            f'<wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:docPr id="{n}" name="Picture {n}" descr="{alt_text}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
            "</wp:cNvGraphicFramePr><a:graphic>"
            f'<a:graphicData uri="{NS["pic"]}"><pic:pic><pic:nvPicPr>'
            '<pic:cNvPr id="0" name="image.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{self._related[key]}"/><a:stretch><a:fillRect/>'
            '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        )


def _contents(body: Body, pub: Publication) -> None:
    """The contents as a TOC field whose shown result already lists every chapter and
    appendix, so Word and LibreOffice show it on opening; updating the field (F9) adds the
    page numbers."""
    titles = [plain(ch.title) for ch in pub.chapters]
    begin = _field_runs('TOC \\o "1-1" \\h \\z \\u')
    for i, title in enumerate(titles):
        first = "".join(begin[:3]) if i == 0 else ""
        last = begin[4] if i == len(titles) - 1 else ""
        body.paragraph(f"{first}{_run(title)}{last}", "TOC 1")


def _grid(body: Body, g: Grid) -> None:
    """A Word table: the table style, header row repeated on every page, bold header and
    total row, numbers right-aligned, columns sized by content."""
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
    style = body.styles.get(TABLE_STYLE)
    out = [
        f"<w:tbl><w:tblPr>{f'<w:tblStyle w:val={chr(34)}{style}{chr(34)}/>' if style else ''}"
        f'<w:tblW w:type="auto" w:w="0"/>{layout}<w:tblLook w:firstColumn="1" '
        'w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
        'w:val="04A0"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{t}"/>' for t in twips),
        "</w:tblGrid>",
    ]
    last = len(g.rows)
    right = '<w:pPr><w:jc w:val="right"/></w:pPr>' if g.numeric else ""
    for r, values in enumerate([g.header, *g.rows]):
        bold = "<w:b/>" if r == 0 or (g.total and r == last) else ""
        out.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>' if r == 0 else "<w:tr>")
        for c, value in enumerate(values):
            text = escape(plain(value) if r == 0 else value)
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips[c]}"/></w:tcPr>'
                f"<w:p>{right if c > 0 else ''}"
                f'<w:r><w:rPr>{bold}<w:sz w:val="{size}"/></w:rPr>'
                f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    body.out.append("".join(out))


def _item(body: Body, it: Item, figures: dict[str, bytes], alts: dict[str, str]) -> None:
    if it.skipped:
        body.caption(it.label, it.title)
        body.note(f"Udeladt: {it.skipped}")
        return
    assert it.grid is not None
    if it.table_shown:
        body.caption(it.label, it.title)
        _grid(body, it.grid)
        body.note(it.note)
    picture = figures.get(it.figure) if it.figure else None
    if picture is not None and it.figure:
        body.caption(it.figure_label, it.title)
        body.picture(it.figure, picture, alts.get(it.figure, it.title))
        body.note(it.caption)
    if not it.table_shown:
        body.caption(f"Tal bag {it.figure_label.lower()}", it.title)
        _grid(body, it.grid)
        if it.numbers_note:
            body.note(it.numbers_note)
    for quote in it.quotes:
        body.paragraph(_run(quote) if quote else "", "Quote")


def _chapter(body: Body, ch: Chapter, figures: dict[str, bytes], alts: dict[str, str]) -> None:
    if body.landscape:
        body.section(landscape=False)  # a new page, portrait again
    else:
        body.out.append(PAGE_BREAK)
    body.heading(plain(ch.title), 1)
    for text in ch.paragraphs:
        body.paragraph(_runs(text))
    for kind, text in ch.text:  # front matter
        if kind == "h":
            body.heading(plain(text), 2)
        else:
            body.paragraph(_runs(text), {"li": "List Bullet", "ol": "List Number"}.get(kind))
    for heading, lines, g in ch.parts:
        body.heading(plain(heading), 3)
        for line in lines:
            body.note(line)
        if g is not None:
            _grid(body, g)
    for i, it in enumerate(ch.items):
        wide = _landscape(it)
        if wide and (i == 0 or not _landscape(ch.items[i - 1])):
            body.section(landscape=True)  # wide tables on a landscape page, together
        _item(body, it, figures, alts)
        if wide and i + 1 < len(ch.items) and not _landscape(ch.items[i + 1]):
            body.section(landscape=False)  # (at a chapter's end: the next chapter's page)


def _landscape(it: Item) -> bool:
    return it.grid is not None and it.grid.landscape and not it.skipped


def body_xml(pub: Publication, figures: dict[str, bytes], alts: dict[str, str], body: Body) -> str:
    """The publication as the document body's XML."""
    body.paragraph(_run(pub.title) if pub.title else "", "Title")
    body.paragraph(_run(pub.subtitle) if pub.subtitle else "", "Subtitle")
    for line in [*pub.authors, pub.institution, pub.date, pub.banner]:
        if line:
            body.paragraph(_run(line))
    body.out.append(PAGE_BREAK)
    for line in pub.colophon:
        body.note(line)
    body.out.append(PAGE_BREAK)
    body.heading("Indhold", 1)
    _contents(body, pub)
    for ch in pub.chapters:
        _chapter(body, ch, figures, alts)
    body.out.append(body.section_properties())
    return NOT_XML.sub("", "".join(body.out))  # characters XML 1.0 cannot hold, dropped


def write_docx(
    pub: Publication, figures: dict[str, bytes], path: Path, alts: dict[str, str] | None = None
) -> Path:
    """``figures``: PNG bytes by figure key; ``alts``: each figure's alt text by key."""
    made = template()
    images: list[bytes] = []

    def relate(png: bytes) -> str:
        images.append(png)
        return f"rId{made.next_id + len(images) - 1}"

    body = body_xml(pub, figures, alts or {}, Body(made.styles, made.footer, relate))
    relationships = [made.relationships]
    for i in range(len(images)):
        relationships.append(
            f'<Relationship Id="rId{made.next_id + i}" Type="{IMAGE}" '
            f'Target="media/figure{i + 1}.png"/>'
        )
    relationships.append("</Relationships>")
    author = ", ".join(pub.authors) or pub.institution
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(CONTENT_TYPES, made.content_types)
        package.writestr(CORE, _core(made.core, pub.title, author))
        package.writestr(DOCUMENT, f"{made.document[0]}{body}{made.document[1]}")
        package.writestr(RELATIONSHIPS, "".join(relationships))
        for name, data in made.files:
            package.writestr(name, data)
        for i, png in enumerate(images, start=1):  # PNG is compressed already
            package.writestr(f"word/media/figure{i}.png", png, zipfile.ZIP_STORED)
    return path
