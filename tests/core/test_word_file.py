"""The Word file's writer (reports/wordfile.py): its template is what python-docx makes of
its own, it needs no python-docx to write, and it writes what it is given (figures byte for
byte, text without the characters XML cannot hold)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import date

from lxml import etree

from samspil.reports.document import Chapter, Grid, Item, Publication

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _png(width: int = 40, height: int = 20) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _publication(text: str = "", title: str = "Titel") -> Publication:
    grid = Grid(["Svar", "Procent"], [[f"Ja{text}", "60 %"], ["Nej", "40 %"]])
    item = Item(
        "t1",
        "Tabel 1.1",
        f"Svar{text}",
        grid=grid,
        note=f"Antal besvarelser: 10.{text}",
        figure="t1",
        figure_label="Figur 1.1",
        caption=f"Figuren viser svarene.{text}",
        quotes=[f"Et citat{text}"],
    )
    chapter = Chapter("kap-1", "1. Svar", [f"Et afsnit{text}"], items=[item])
    return Publication(
        title, "Undertitel", ["Anna"], "", "Maj 2024", date(2024, 5, 1), "", [chapter]
    )


def _canonical(data: bytes) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    for element in root.iter():
        for key in [k for k in element.attrib if "rsid" in k]:
            del element.attrib[key]
    return etree.tostring(root, method="c14n", exclusive=True)  # type: ignore[no-any-return]


def _python_docx_template():  # type: ignore[no-untyped-def]
    """What python-docx's own calls make of its default template (the Word writer's way
    before it wrote the package itself)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm, Pt

    doc = Document()
    styles = doc.styles.element
    r_pr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if r_pr.find(qn("w:lang")) is None:
        r_pr.append(OxmlElement("w:lang"))
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "da-DK")
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    doc.core_properties.language = "da-DK"
    doc.styles["Normal"].font.name = "Liberation Sans"
    doc.styles["Normal"].font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = parse_xml(
        f"<w:p {nsdecls('w')}>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve">PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    for run in list(field):
        footer._p.append(run)
    section.different_first_page_header_footer = True
    saved = io.BytesIO()
    doc.save(saved)
    return doc, zipfile.ZipFile(saved)


def _relationships(data: bytes) -> set[tuple[str, str]]:
    return {(r.get("Type"), r.get("Target")) for r in etree.fromstring(data)}


def _content_types(data: bytes) -> set[tuple[str, str, str]]:
    return {
        (etree.QName(e).localname, e.get("Extension") or e.get("PartName"), e.get("ContentType"))
        for e in etree.fromstring(data)
    }


def test_the_template_is_what_python_docx_makes_of_its_default_template():
    """The writer prepares python-docx's template itself (lxml; importing python-docx
    costs more than writing a report): the same styles (Danish, Liberation Sans 10 pt),
    footer with the page number, A4 section with the PDF's margins, no number on the cover."""
    from samspil.reports import wordfile

    doc, expected = _python_docx_template()
    made = wordfile.template()
    files = dict(made.files)
    for name in expected.namelist():
        if name in wordfile.PER_DOCUMENT:
            continue
        if name.endswith((".xml", ".rels")):
            assert _canonical(files[name]) == _canonical(expected.read(name)), name
        else:
            assert files[name] == expected.read(name), name
    assert set(files) == set(expected.namelist()) - set(wordfile.PER_DOCUMENT)
    assert _canonical(made.core) == _canonical(expected.read(wordfile.CORE))
    png = ("Default", "png", "image/png")
    assert _content_types(made.content_types) - {png} == _content_types(
        expected.read(wordfile.CONTENT_TYPES)
    )
    ours = made.relationships.encode("utf-8") + b"</Relationships>"
    assert _relationships(ours) == _relationships(expected.read(wordfile.RELATIONSHIPS))
    for name, style_id in made.styles.items():
        assert doc.styles[name].style_id == style_id, name
    known = {style.name for style in doc.styles}
    assert set(made.styles) == {name for name in wordfile.STYLES if name in known}
    # the first section's properties: python-docx's, the footer by its relationship's target
    body = wordfile.Body(made.styles, made.footer, lambda png: "")
    ours_section = wordfile._parsed(body.section_properties(), "w:body")[0]
    theirs = doc.sections[0]._sectPr
    targets = {made.footer: "footer1.xml"}
    rels = {r.rId: r.target_ref for r in doc.part.rels.values()}
    for section, names in ((ours_section, targets), (theirs, rels)):
        for reference in section.iter(f"{W}footerReference"):
            reference.set(f"{R}id", names[reference.get(f"{R}id")])
    assert _canonical(etree.tostring(ours_section)) == _canonical(etree.tostring(theirs))


def test_writing_a_word_file_does_not_import_python_docx(tmp_path):
    (tmp_path / "figure.png").write_bytes(_png())
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from samspil.reports.document import Chapter, Grid, Item, Publication\n"
        "from samspil.reports.wordfile import write_docx\n"
        "grid = Grid(['Svar', 'Procent'], [['Ja', '60 %']])\n"
        "item = Item('t1', 'Tabel 1.1', 'Svar', grid=grid, figure='t1', figure_label='Figur 1.1')\n"
        "chapter = Chapter('kap-1', '1. Svar', items=[item])\n"
        "pub = Publication('T', 'U', [], '', '', date(2024, 5, 1), '', [chapter])\n"
        "folder = Path(sys.argv[1])\n"
        "write_docx(pub, {'t1': (folder / 'figure.png').read_bytes()}, folder / 'r.docx')\n"
        "assert 'docx' not in sys.modules, 'python-docx was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.docx").is_file()


def test_figures_are_embedded_byte_for_byte_with_alt_text_and_their_aspect(tmp_path):
    from docx import Document
    from docx.shared import Cm

    from samspil.reports.wordfile import write_docx

    picture = _png(400, 100)
    path = write_docx(_publication(), {"t1": picture}, tmp_path / "r.docx", {"t1": 'Alt "1"'})
    doc = Document(str(path))
    (shape,) = doc.inline_shapes
    assert shape._inline.docPr.get("descr") == 'Alt "1"'
    assert shape.width == Cm(16) and shape.height == Cm(4)
    blips = [p for p in doc.part.package.iter_parts() if p.partname.endswith(".png")]
    assert [p.blob for p in blips] == [picture]
    with zipfile.ZipFile(path) as package:  # a PNG is compressed already: stored as it is
        (info,) = [i for i in package.infolist() if i.filename.endswith(".png")]
        assert info.compress_type == zipfile.ZIP_STORED


def test_the_same_publication_twice_gives_the_same_word_file(tmp_path):
    """The template is prepared once per process and never changed by a document."""
    from samspil.reports.wordfile import write_docx

    files = []
    for name, title in (("a", "Første"), ("b", "Anden"), ("c", "Første")):
        path = write_docx(_publication(title=title), {"t1": _png()}, tmp_path / f"{name}.docx")
        with zipfile.ZipFile(path) as package:
            files.append({n: package.read(n) for n in package.namelist()})
    assert files[0] == files[2]
    assert (
        b"Anden" in files[1]["docProps/core.xml"] and b"Anden" not in files[2]["word/document.xml"]
    )


def test_control_characters_anywhere_are_dropped_not_a_broken_word_file(tmp_path):
    """A pasted bell or form feed in a title, paragraph, caption, note, quote or alt text
    (the old writer failed on all but table cells)."""
    from docx import Document

    from samspil.reports.wordfile import write_docx

    bell = " med klokke\x07\x0c"
    path = write_docx(
        _publication(bell, title=f"Titel{bell}"), {"t1": _png()}, tmp_path / "r.docx", {"t1": bell}
    )
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "\x07" not in text and "\x0c" not in text
    for part in ("Titel med klokke", "Et afsnit med klokke", "Et citat med klokke"):
        assert part in text
    assert "Figuren viser svarene. med klokke" in text and "Ja med klokke" in text
    assert doc.core_properties.title == "Titel med klokke"
    assert doc.inline_shapes[0]._inline.docPr.get("descr") == " med klokke"
