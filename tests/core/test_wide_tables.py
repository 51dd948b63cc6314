"""Wide tables (the previous wave beside this one: 11 columns) on landscape pages in the PDF
and in Word, their columns sized for that page; Word's captions as caption fields
(issue 20 items 3 and 4)."""

from __future__ import annotations

import pandas as pd
import pytest

from samspil.demo import demo_file

SPEC = """\
id: bred
instrument: kd2024
title: Bred
chapters:
  - id: "1"
    title: 1. Udfordringer
    blocks:
      - id: tabel_1_1
        label: Tabel 1.1
        title: Kommunernes udfordringsbillede
        kind: summary
        question: udf
        top: [4, 5]
        figure: bars_mean
        figure_id: figur_1_1
        figure_label: Figur 1.1
        note: "Antal besvarelser: {n}."
      - id: tabel_1_2
        label: Tabel 1.2
        title: Erfaring som kommunaldirektør
        kind: bins
        variable: bg_aar_kd
        bins:
          - {low: 0, high: 1, label: 0-1 år}
          - {low: 2, high: 3, label: 2-3 år}
          - {low: 4, high: 7, label: 4-7 år}
          - {low: 8, high: 13, label: 8-13 år}
          - {low: 14, label: Mere end 14 år}
"""


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory):  # type: ignore[no-untyped-def]
    from samspil.cli import main

    folder = tmp_path_factory.mktemp("wide")
    (folder / "bred.yaml").write_text(SPEC, encoding="utf-8")
    now = pd.read_csv(demo_file("kd2024_demo.csv"), dtype=str, keep_default_na=False)
    now.to_csv(folder / "previous.csv", index=False)
    args = ["report", str(folder / "bred.yaml"), "--data", str(demo_file("kd2024_demo.csv"))]
    args += ["--previous", str(folder / "previous.csv"), "--previous-label", "2021"]
    assert main([*args, "--out", str(folder / "out"), "--formats", "pdf,docx"]) == 0
    return folder / "out"


def test_the_wave_table_is_on_a_landscape_page_in_the_pdf(wide_report):
    from pypdf import PdfReader

    pages = PdfReader(str(wide_report / "report.pdf")).pages
    shapes = {}
    for page in pages:
        text = page.extract_text() or ""
        box = page.mediabox
        landscape = float(box.width) > float(box.height)
        for label in ("Tabel 1.1.", "Tabel 1.2.", "Om undersøgelsen"):
            if label in text:
                shapes.setdefault(label, landscape)
    assert shapes["Tabel 1.1."] is True  # 11 columns: landscape
    assert shapes["Tabel 1.2."] is False  # a narrow table stays on a portrait page
    assert shapes["Om undersøgelsen"] is False


def test_the_wave_table_is_in_a_landscape_section_in_word_sized_for_it(wide_report):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document(str(wide_report / "report.docx"))
    body = doc.element.body
    # the section a table is in: the first section break (w:sectPr) after it
    order = list(body.iterchildren())
    breaks = [i for i, el in enumerate(order) if el.find(".//{*}sectPr") is not None]
    breaks.append(len(order))
    wave = next(t for t in doc.tables if len(t.columns) >= 11)
    at = order.index(wave._tbl)
    section = doc.sections[next(k for k, b in enumerate(breaks) if b > at)]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(0.1)
    assert abs(section.page_height - Mm(210)) < Mm(0.1)
    widths = [c.width for c in wave.columns]
    assert abs(sum(widths) - Mm(297 - 36)) < Mm(1)  # the landscape text width
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT


def test_word_captions_are_caption_fields_with_the_reports_numbers(wide_report):
    from docx import Document

    doc = Document(str(wide_report / "report.docx"))
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    fields = {}
    for p in captions:
        instructions = [t.text for t in p._p.iter("{*}instrText")]
        shown = "".join(t.text or "" for t in p._p.iter("{*}t"))
        if instructions:
            fields[shown.split(".")[0] + "." + shown.split(".")[1]] = instructions[0]
    assert fields["Tabel 1.1"] == "SEQ Tabel \\r 1 \\* ARABIC"
    assert fields["Figur 1.1"] == "SEQ Figur \\r 1 \\* ARABIC"
    assert fields["Tabel 1.2"] == "SEQ Tabel \\r 2 \\* ARABIC"


def test_word_tables_repeat_their_header_row_and_figures_fit_the_text_width(wide_report):
    from docx import Document
    from docx.shared import Mm

    doc = Document(str(wide_report / "report.docx"))
    for table in doc.tables:
        assert table.rows[0]._tr.find(".//{*}tblHeader") is not None
    for shape in doc.inline_shapes:
        assert shape.width <= Mm(210 - 36)
        assert shape._inline.docPr.get("descr")


def test_a_cell_with_a_control_character_still_gives_a_word_file(tmp_path):
    """An open answer with a control character (a pasted bell, a form feed) would make the
    XML of the Word file invalid; the character is dropped, the rest of the cell kept."""
    from datetime import date

    from docx import Document

    from samspil.reports.document import Chapter, Grid, Item, Publication
    from samspil.reports.wordfile import write_docx

    grid = Grid(["Svar", "Antal"], [["Et svar\x07 med klokke\x0c", "3"]])
    chapter = Chapter("kap-1", "1. Svar", items=[Item("t", "Tabel 1.1", "Svar", grid=grid)])
    pub = Publication("Titel", "Undertitel", [], "", "Maj 2024", date(2024, 5, 1), "", [chapter])
    path = write_docx(pub, {}, tmp_path / "r.docx")
    cells = [c.text for t in Document(str(path)).tables for c in t.rows[1].cells]
    assert cells == ["Et svar med klokke", "3"]
