"""The demo reports as publications: the PDF's contents, page numbers and page breaks,
the Word file (python-docx, LibreOffice) and the styled workbook."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

REPORTS = ["kd2024", "fc2015"]


def _flat(text: str) -> str:
    """Page text with line-end hyphenation undone and whitespace collapsed."""
    text = re.sub(r"[‐\u00ad-]\n", "", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pdfs(demo_reports):
    return {rid: PdfReader(demo_reports[rid].folder / "report.pdf") for rid in REPORTS}


def _outline(reader: PdfReader) -> dict[str, int]:
    """Chapter headings (the outline's top level) -> the page where the heading stands."""
    pages: dict[str, int] = {}

    def walk(entries, depth):  # type: ignore[no-untyped-def]
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            elif depth == 0:
                pages[entry.title] = reader.get_destination_page_number(entry) + 1

    walk(reader.outline, 0)
    return pages


@pytest.mark.parametrize("report", REPORTS)
def test_contents_page_numbers_are_the_pages_of_the_headings(pdfs, report):
    reader = pdfs[report]
    contents = next(i for i, p in enumerate(reader.pages) if "Indhold" in p.extract_text())
    text = reader.pages[contents].extract_text().replace("\u2060", "")  # word joiners
    entries = re.findall(r"^(.+?) ?\.{4,} ?(\d+)$", text, re.M)
    headings = _outline(reader)
    listed = {title.strip(): int(page) for title, page in entries}
    assert "Om undersøgelsen" in listed and "Bilag 1 Spørgeskemaet" in listed
    assert set(listed) == set(headings) - {"Indhold"}, "every chapter and appendix is listed"
    for title, page in listed.items():
        assert headings[title] == page, title
        assert _flat(title) in _flat(reader.pages[page - 1].extract_text())


@pytest.mark.parametrize("report", REPORTS)
def test_every_page_after_the_cover_has_its_page_number(pdfs, report):
    reader = pdfs[report]
    assert len(reader.pages) > 15  # a publication of many pages
    cover = reader.pages[0].extract_text()
    assert not re.search(r"^\s*1\s*$", cover, re.M)
    for number, page in enumerate(reader.pages[1:], start=2):
        lines = [line.strip() for line in page.extract_text().splitlines()]
        assert str(number) in lines, f"page {number} has no page number"


@pytest.mark.parametrize("report", REPORTS)
def test_no_page_holds_only_a_heading_or_only_a_note(pdfs, demo_reports, report):
    reader = pdfs[report]
    output = demo_reports[report]
    pieces = []
    for result in output.results:
        pieces.append(_flat(f"{result.block.label}. {result.block.title}"))
        pieces.append(_flat(result.note))
    titles = [_flat(t) for t in _outline(reader)]
    for number, page in enumerate(reader.pages[1:], start=2):
        text = _flat(page.extract_text())
        for title in titles:  # the running header
            text = text.replace(title, " ")
        body = re.sub(r"\s+", " ", re.sub(rf"(^|\s){number}(\s|$)", " ", text)).strip()
        assert body, f"page {number} is empty"
        alone = [p for p in pieces if p and body in p]
        assert not alone, f"page {number} holds only {body!r}"


def test_pdf_figures_are_vector_graphics_with_real_text(pdfs):
    page = next(p for p in pdfs["kd2024"].pages if "Figur 4.2." in p.extract_text())
    assert not page.images, "figures are drawn as vectors, not embedded as pictures"
    assert "0 1 2 3 4 5" in page.extract_text(), "the axis's tick labels are text"


def test_cover_and_colophon_carry_authors_institution_and_month(pdfs):
    cover = _flat(pdfs["kd2024"].pages[0].extract_text())
    assert "Anna Andersen" in cover and "Demoinstituttet" in cover and "Maj 2024" in cover
    colophon = _flat(pdfs["kd2024"].pages[1].extract_text())
    assert "Forfattere: Anna Andersen og Bo Berg." in colophon


def test_method_chapter_has_the_response_table_from_the_study(demo_reports):
    page = (demo_reports["kd2024"].folder / "index.html").read_text(encoding="utf-8")
    method = page[page.index('id="metode"') : page.index('id="kap-4"')]
    assert "Bilagstabel 1.1" in method
    assert "fra 8. januar 2024 til 16. februar 2024" in method
    assert "op til 3 påmindelser" in method
    assert re.search(r"Af de \d+ kommunaldirektører, der modtog spørgeskemaet", method)
    assert '<tr class="total"><th scope="row">I alt</th>' in method


def test_appendices_hold_the_questionnaire_with_codes_and_the_code_list(demo_reports):
    page = (demo_reports["kd2024"].folder / "index.html").read_text(encoding="utf-8")
    bilag1 = page[page.index('id="bilag-1"') : page.index('id="bilag-2"')]
    assert "udf_by" in bilag1 and "1 = Slet ikke" in bilag1
    assert "Kodeliste" in page[page.index('id="bilag-2"') :]
    fc = (demo_reports["fc2015"].folder / "index.html").read_text(encoding="utf-8")
    assert 'id="bilag-1"' in fc and 'id="bilag-2"' not in fc, "no codes, no code list"


# -- Word ---------------------------------------------------------------------------------


@pytest.mark.parametrize("report", REPORTS)
def test_docx_has_one_word_table_per_report_table(demo_reports, report):
    from docx import Document

    from samspil.reports.document import grid, quotes

    output = demo_reports[report]
    doc = Document(str(output.folder / "report.docx"))
    made = [r for r in output.results if not r.skipped]
    generated = 1 if report == "kd2024" else 0  # Bilagstabel 1.1
    appendix = [p for p in doc.paragraphs if p.style.name == "Heading 3"]
    with_grid = sum(1 for t in doc.tables if t.rows[0].cells[0].text in ("Variabel", "Kode"))
    assert len(doc.tables) - with_grid == len(made) + generated
    assert appendix, "the questionnaire's questions are headings"
    first = next(r for r in made if r.block.id in ("tabel_4_2", "tabel_3_1"))
    header = quotes(first.columns[0].header)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == header)
    assert len(table.rows) == len(grid(first).rows) + 1
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith(f"{first.block.label}. ") for c in captions)
    if report == "kd2024":  # fc2015's definition draws no figures
        pictures = doc.inline_shapes
        assert len(pictures) >= 5 and pictures[0].width > 0


@pytest.mark.parametrize("report", REPORTS)
def test_docx_is_a_danish_a4_publication_with_alt_text_on_every_figure(demo_reports, report):
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(demo_reports[report].folder / "report.docx"))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 18
    langs = [e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))]
    assert langs and set(langs) == {"da-DK"}
    for shape in doc.inline_shapes:
        alt = shape._inline.docPr.get("descr")
        assert alt and "Største værdi" in alt and "Mindste værdi" in alt
        assert shape.width <= section.page_width - section.left_margin - section.right_margin
    numbers = next(t for t in doc.tables if t.rows[0].cells[-1].text.strip())
    widths = [c.width for c in numbers.rows[0].cells]
    assert widths[0] > max(widths[1:]), "the row headings take the room the numbers leave"


@pytest.mark.slow
def test_libreoffice_converts_the_docx_to_pdf(demo_reports, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is missing: run ./dev setup (libreoffice-writer-nogui)")
    source = demo_reports["fc2015"].folder / "report.docx"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    converted = tmp_path / "report.pdf"
    assert converted.is_file() and len(PdfReader(converted).pages) > 10
    # The contents list shows its entries without updating fields (no prompt, no F9)
    pages = [_flat(p.extract_text()) for p in PdfReader(converted).pages]
    contents = next(p for p in pages if p.startswith("Indhold") or " Indhold " in p[:200])
    assert "Om undersøgelsen" in contents and "Bilag 1 Spørgeskemaet" in contents


# -- workbook -----------------------------------------------------------------------------


def test_workbook_sheets_are_named_by_label_with_bold_frozen_headings_and_percents(demo_reports):
    output = demo_reports["kd2024"]
    book = load_workbook(output.folder / "tables.xlsx")
    assert book.sheetnames[0] == "Indhold"
    made = [r for r in output.results if not r.skipped]
    assert book.sheetnames[1:] == [r.block.label for r in made]
    sheet = book["Tabel 4.2"]
    assert sheet.freeze_panes == "B3"
    assert all(c.font.bold and c.alignment.wrap_text for c in sheet[2] if c.value)
    headers = [c.value for c in sheet[2]]
    share = sheet.cell(row=3, column=headers.index("Andel høj grad/ meget høj grad") + 1)
    assert isinstance(share.value, float) and 0 <= share.value <= 1
    assert share.number_format == "0.0%"
    note = [row[0].value for row in sheet.iter_rows() if row[0].value][-1]
    assert note.startswith("Antal besvarelser") and "*" not in note
    contents = book["Indhold"]
    links = [c.hyperlink.location or c.hyperlink.target for c in contents["A"] if c.hyperlink]
    assert "'Tabel 4.2'!A1" in [link.lstrip("#") for link in links]


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\u2060]+", "", text)


@pytest.mark.parametrize("report", REPORTS)
def test_no_numbers_table_stands_alone_at_the_top_of_a_page(pdfs, demo_reports, report):
    """A figure, its caption and "Tal bag figuren" share a page; a table's heading shares
    its page with the table's first row; no page starts with a table's numbers."""
    from samspil.reports.document import grid
    from samspil.reports.figures import figure_name
    from samspil.reports.formatting import quotes

    reader, output = pdfs[report], demo_reports[report]
    pages = [_squash(p.extract_text()) for p in reader.pages]
    tops = []
    for page in reader.pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        tops.append(lines[1] if len(lines) > 1 else "")  # after the running header
    assert not [t for t in tops if t.startswith("Tal bag figuren")]
    checked = 0
    for result in output.results:
        if result.skipped:
            continue
        label = result.block.label
        first_row = _squash(quotes(grid(result).rows[0][0]))
        drawn = (output.folder / "figures" / f"{figure_name(result)}.svg").is_file()
        shown = label.lower().startswith("tabel") or not drawn
        heading = _squash(f"{label}." if shown else f"{result.block.figure_label or label}.")
        where = [i for i, p in enumerate(pages) if heading in p]
        assert where, heading
        page = pages[where[0]]
        assert first_row in page[page.index(heading) :], f"{label}: its numbers start a page"
        if not shown:
            assert "Talbagfiguren" in page[page.index(heading) :], label
        checked += 1
    assert checked > 10


def _structure(node, found):  # type: ignore[no-untyped-def]
    """Every structure element under ``node`` (the PDF's tag tree), depth first."""
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is None:
        return found
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid:
            found.append(kid)
            _structure(kid, found)
    return found


@pytest.mark.parametrize("report", REPORTS)
def test_pdf_is_pdf_ua_tagged_with_title_authors_language_and_alt_text(pdfs, demo_reports, report):
    folder = demo_reports[report].folder

    def pdfinfo(*options: str) -> str:
        path = str(folder / "report.pdf")
        return subprocess.run(["pdfinfo", *options, path], capture_output=True, text=True).stdout

    assert re.search(r"^Tagged:\s+yes$", pdfinfo(), re.M)
    assert "<pdfuaid:part>1</pdfuaid:part>" in pdfinfo("-meta")
    reader = pdfs[report]
    assert str(reader.trailer["/Root"]["/Lang"]).startswith("da")
    from samspil.reports import load_spec

    assert reader.metadata.title == load_spec(report).title
    if report == "kd2024":
        assert reader.metadata.author == "Anna Andersen, Bo Berg"
    fonts = subprocess.run(
        ["pdffonts", str(folder / "report.pdf")], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all("LiberationSans" in f and " yes yes " in f for f in fonts)
    figures = [
        e
        for e in _structure(reader.trailer["/Root"]["/StructTreeRoot"], [])
        if e["/S"] == "/Figure"
    ]
    drawn = list((folder / "figures").glob("*.svg"))
    assert len(figures) == len(drawn)
    for figure in figures:
        assert "Største værdi" in figure["/Alt"] and "Mindste værdi" in figure["/Alt"]
