"""The PDF's number tables size their columns by content (Typst lays them out)."""

from __future__ import annotations

from samspil.reports.document import Grid
from samspil.reports.figures import text_width
from samspil.reports.typst_pdf import LANDSCAPE_WIDTH, ROW_HEADS, TEXT_WIDTH, column_widths


def test_number_columns_are_as_wide_as_their_content_and_the_row_headings_take_the_rest():
    g = Grid(["Spørgsmål", "Obs.", "Gennemsnit"], [["Et langt spørgsmål", "78", "3,2 (1,6)"]])
    obs, mean = column_widths(g) or []
    assert obs < mean < 80, "a short column stays short"
    assert mean >= text_width("3,2 (1,6)", 8) and mean >= text_width("Gennemsnit", 8)
    assert obs + mean < TEXT_WIDTH * (1 - ROW_HEADS)


def test_a_wide_table_keeps_room_for_its_row_headings():
    header = ["Spørgsmål"] + [f"Andel meget høj grad {i}" for i in range(12)]
    g = Grid(header, [["Et spørgsmål", *["12,7%"] * 12]])
    widths = column_widths(g) or []
    assert len(widths) == 12
    assert sum(widths) <= LANDSCAPE_WIDTH * (1 - ROW_HEADS) + 0.5  # on a landscape page
    assert sum(column_widths(g, TEXT_WIDTH) or []) <= TEXT_WIDTH * (1 - ROW_HEADS) + 0.5
    assert column_widths(Grid(["Variabel", "Tekst"], [["a", "b"]], numeric=False)) is None


def test_text_the_font_cannot_set_still_gives_a_pdf_with_a_mark_in_its_place():
    """An open answer with an emoji or Chinese would make Typst refuse the PDF/UA-1 file
    (a missing glyph); such characters are set as □ and control characters dropped."""
    import io
    from datetime import date

    from pypdf import PdfReader

    from samspil.reports.document import Publication
    from samspil.reports.typst_pdf import MISSING, pdf_bytes, pdf_input, printable

    assert (
        printable("Godt 😀 samarbejde\x07 – ”æøå” 漢")
        == f"Godt {MISSING} samarbejde – ”æøå” {MISSING}"
    )
    title = "Foreningernes svar 😀 漢字"
    pdf = pdf_bytes(pdf_input(Publication(title, "x", [], "", "", date.today(), "", []), {}))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Foreningernes svar" in text and MISSING in text


def test_the_template_reads_only_its_data_and_figures_and_imports_no_package():
    """Typst would fetch a package from the network for an ``#import "@preview/..."``; the
    template has none, and reads nothing but data.json and the figures."""
    import re
    from importlib import resources

    template = (resources.files("samspil.reports") / "static" / "report.typ").read_text("utf-8")
    assert not re.search(r"#?\b(import|include)\b\s*\"", template)
    assert re.findall(r"\b(json|read|image|csv|yaml|toml|xml|cbor)\(", template) == [
        "json",
        "image",
    ]
    assert 'json("data.json")' in template and 'image("figures/" + fig.file' in template
