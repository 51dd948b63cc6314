"""The PDF's number tables size their columns by content (Typst lays them out)."""

from __future__ import annotations

import math
from pathlib import Path

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


def test_the_template_reads_only_its_data_and_imports_no_package():
    """Typst would fetch a package from the network for an ``#import "@preview/..."``; the
    template has none, and reads nothing but data.json (the figures are drawn from it)."""
    import re
    from importlib import resources

    template = (resources.files("samspil.reports") / "static" / "report.typ").read_text("utf-8")
    assert not re.search(r"#?\b(import|include)\b\s*\"", template)
    assert re.findall(r"\b(json|read|image|csv|yaml|toml|xml|cbor|plugin)\(", template) == ["json"]
    assert 'json("data.json")' in template


def _figure_pdf(shapes: list, alt: str = "Søjler: a 10 procent") -> bytes:
    from datetime import date

    from samspil.reports.document import Chapter, Item, Publication
    from samspil.reports.figures import Scene
    from samspil.reports.typst_pdf import pdf_bytes, pdf_input

    item = Item(
        "f", "Tabel 1.1", "Tabel", Grid(["a", "b"], [["x", "1"]]), figure="f",
        figure_label="Figur 1.1", table_shown=False,
    )  # fmt: skip
    pub = Publication(
        "T", "S", [], "", "", date.today(), "", [Chapter("c", "Kapitel", items=[item])]
    )
    return pdf_bytes(pdf_input(pub, {"f": Scene(300, 100, "Figur", shapes, alt)}))


def _texts(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Each text's start (x, baseline y) in points on the page that has the figure."""
    import io

    from pypdf import PdfReader

    found: dict[str, tuple[float, float]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def seen(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
            if text.strip():
                x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.setdefault(text.strip(), (x, y))

        page.extract_text(visitor_text=seen)
    return found


def test_a_figure_is_drawn_natively_with_its_text_where_the_svg_puts_it():
    """The PDF draws a figure from its shapes (no SVG: Typst turned SVG text into outlines
    glyph by glyph, the PDF's dearest part): its text is text in the PDF, anchored at its
    start, middle or end at the same baseline as in :meth:`Scene.svg`."""
    from samspil.reports.figures import Line, Rect, Text

    shapes = [
        Rect(10, 10, 50, 20, "#0072B2", "#ffffff"),
        Line(10, 90, 290, 90, "#595959"),
        Text(10, 80, "Begynder", 10),
        Text(150, 50, "Midten", 9, anchor="middle"),
        Text(290, 30, "Slutter", 7.5, "#0b3d5c", anchor="end"),
    ]
    at = _texts(_figure_pdf(shapes))
    (x0, y0), (xm, ym), (xe, ye) = at["Begynder"], at["Midten"], at["Slutter"]
    assert abs((xm - x0) - (140 - text_width("Midten", 9) / 2)) < 0.5
    assert abs((xe - x0) - (280 - text_width("Slutter", 7.5))) < 0.5
    assert abs((ym - y0) - 30) < 0.1 and abs((ye - y0) - 50) < 0.1  # PDF's y is upwards


def test_a_figure_keeps_its_alt_text_and_its_text_the_font_cannot_set_is_marked():
    """PDF/UA-1 (Typst refuses the file otherwise): the figure carries its alt text, and a
    label with an emoji is set with □ like the rest of the report."""
    import io

    from pypdf import PdfReader

    from samspil.reports.figures import Text
    from samspil.reports.typst_pdf import MISSING

    pdf = _figure_pdf([Text(10, 50, "Godt 😀", 9), Text(10, 70, "Godt 😀", 9)], alt="Søjler")
    assert f"Godt {MISSING}" in _texts(pdf)
    alts = []

    def walk(node):  # type: ignore[no-untyped-def]
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            walk(node.get("/K", []))
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    assert "Søjler" in alts


def test_the_pdf_engine_gets_a_root_with_only_the_template_and_its_data(monkeypatch):
    """The figures travel inside data.json: Typst's root holds no other file to read."""
    import os

    import typst

    from samspil.reports.figures import Rect

    roots: list[list[str]] = []

    def compile(path, root, **options):  # type: ignore[no-untyped-def]
        roots.append(sorted(os.listdir(root)))
        return b"%PDF-"

    monkeypatch.setattr(typst, "compile", compile)
    _figure_pdf([Rect(0, 0, 10, 10, "#0072B2")])
    assert roots == [["data.json", "report.typ"]]


def test_a_pdf_input_with_svg_figure_files_from_before_is_refused_with_a_message():
    """A page left for the worker by an older samspil (figures as SVG files) is refused
    plainly rather than laid out without its figures."""
    import json

    import pytest

    from samspil.reports.typst_pdf import pdf_bytes

    old = json.dumps({"document": {}, "figures": {"1.svg": "<svg/>"}})
    with pytest.raises(ValueError, match="make the report again"):
        pdf_bytes(old)


def _page_texts(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


def _one_municipality(out: Path) -> None:
    from samspil import demo
    from samspil.instruments import load
    from samspil.reports.municipal import write_municipality_reports
    from samspil.responses import Responses

    instrument = load("kd2024")
    data = demo.synthetic_responses(instrument, 98)
    data["kommune"] = demo.municipalities(98)
    write_municipality_reports(
        "kd2024", Responses(instrument, data), None, out, facts=demo.demo_facts(),
        kommuner=["Demokommune 02"], formats={"pdf"},
    )  # fmt: skip


def test_blocks_that_surely_fit_are_kept_unmeasured_and_the_pages_are_the_same(
    tmp_path, monkeypatch
):
    """A heading with its table (a figure with its caption and numbers) that surely fits on
    a page by Python's upper bound is kept without Typst measuring it first; the pages come
    out exactly as when every block is measured: the kd2024 report and one municipality's
    (whose tables, with the municipality's own answer as text, are the tallest)."""
    from samspil.cli import main
    from samspil.demo import demo_file
    from samspil.reports import typst_pdf

    args = ["report", "kd2024", "--data", str(demo_file("kd2024_demo.csv")), "--formats", "pdf"]
    decided: list[dict[str, bool]] = []
    surely_fits = typst_pdf.surely_fits

    def noted(it, scene, widths=None):  # type: ignore[no-untyped-def]
        decided.append(surely_fits(it, scene, widths))
        return decided[-1]

    monkeypatch.setattr(typst_pdf, "surely_fits", noted)
    assert main([*args, "--out", str(tmp_path / "kept")]) == 0
    assert sum(d["table"] for d in decided) > len(decided) / 2  # most skip the measuring
    assert any(d["figure"] for d in decided)
    _one_municipality(tmp_path / "kept-m")
    monkeypatch.setattr(
        typst_pdf, "surely_fits", lambda it, scene, widths=None: {"table": False, "figure": False}
    )
    assert main([*args, "--out", str(tmp_path / "measured")]) == 0
    _one_municipality(tmp_path / "measured-m")
    pairs = [
        (tmp_path / "kept" / "report.pdf", tmp_path / "measured" / "report.pdf"),
        *zip(sorted((tmp_path / "kept-m").glob("*/*.pdf")),
             sorted((tmp_path / "measured-m").glob("*/*.pdf")), strict=True),
    ]  # fmt: skip
    assert len(pairs) == 2
    for kept, measured in pairs:
        assert _page_texts(kept) == _page_texts(measured)


def test_a_table_taller_than_a_page_is_never_taken_to_surely_fit():
    from samspil.reports.document import Item
    from samspil.reports.typst_pdf import PAGE_ROOM, grid_height, surely_fits

    long_text = "Et meget langt udsagn om samarbejdet mellem kommunen og civilsamfundet " * 4
    tall = Grid(["", "Andel", "N"], [[f"{long_text} {i}", "12,5%", "100"] for i in range(30)])
    short = Grid(["", "Andel", "N"], [["Ja", "12,5%", "100"], ["Nej", "87,5%", "700"]])
    assert grid_height(tall, TEXT_WIDTH) > PAGE_ROOM
    assert surely_fits(Item("t1", "Tabel 1.1", "Lang", grid=tall), None)["table"] is False
    assert surely_fits(Item("t2", "Tabel 1.2", "Kort", grid=short), None)["table"] is True
    assert grid_height(Grid(["", "Svar"], [["a", "b"]], numeric=False), TEXT_WIDTH) == math.inf


def test_a_long_answer_text_wraps_before_a_short_number_column_is_squeezed():
    """A municipality's table: three long headings, a short number column and the own
    municipality's answer as a long text. Each column keeps at least its longest word
    (the N column its numbers), and the text columns wrap instead."""
    from samspil.reports.typst_pdf import BOLD, PADDING

    heading = "Vi udvikler løbende vores eksisterende samarbejder med civilsamfundet"
    answer = "Vi afventer tydelige eksterne forventninger (f.eks. fra staten), før vi samarbejder"
    header = ["", "Sammenlignet med", heading, heading, heading, "Ikke relevant", "N", "Egen"]
    row = ["Udfordringen", "Alle andre kommuner", "7,7%", "48,4%", "34,1%", "9,9%", "91", answer]
    g = Grid(header, [row, row])  # eight columns: set at 7 points
    widths = column_widths(g) or []
    assert sum(widths) <= TEXT_WIDTH * (1 - ROW_HEADS) + 0.5
    relevant, n, own = widths[4:]
    assert relevant >= text_width("relevant", 7) * BOLD + PADDING
    assert n >= text_width("91", 7) + PADDING
    assert own >= text_width("forventninger", 7) + PADDING
    assert own < text_width(answer, 7), "the answer wraps"


def _number_grids() -> list[Grid]:
    """Every number table of the kd2024 report on its demo answers and of one
    municipality's report (98 synthetic municipalities), as the PDF gets them."""
    import tempfile

    from samspil import demo
    from samspil.cli import main
    from samspil.instruments import load
    from samspil.reports import typst_pdf
    from samspil.reports.municipal import write_municipality_reports
    from samspil.responses import Responses

    grids: list[Grid] = []
    real, laid = typst_pdf.pdf_input, typst_pdf.pdf_bytes

    def spy(pub, scenes):  # type: ignore[no-untyped-def]
        grids.extend(it.grid for ch in pub.chapters for it in ch.items if it.grid is not None)
        return real(pub, scenes)

    typst_pdf.pdf_input, typst_pdf.pdf_bytes = spy, lambda source: b"%PDF-"  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data_file = str(demo.demo_file("kd2024_demo.csv"))
            main(["report", "kd2024", "--data", data_file, "--out", tmp, "--formats", "pdf"])
            instrument = load("kd2024")
            data = demo.synthetic_responses(instrument, 98)
            data["kommune"] = demo.municipalities(98)
            write_municipality_reports(
                "kd2024", Responses(instrument, data), None, Path(tmp) / "m",
                facts=demo.demo_facts(), kommuner=["Demokommune 02"], formats={"pdf"},
            )  # fmt: skip
    finally:
        typst_pdf.pdf_input, typst_pdf.pdf_bytes = real, laid  # type: ignore[assignment]
    return [g for g in grids if column_widths(g) is not None]


def test_the_height_bound_is_above_what_typst_lays_out_for_every_number_table(tmp_path):
    """:func:`grid_height` lets a kept block go unmeasured, so it must never be below the
    height Typst gives the table: checked against Typst's own measure of every number
    table of two reports, by the template's own table function."""
    import json
    from importlib import resources

    import typst

    from samspil.reports.typst_pdf import _grid, font_folder, grid_height

    grids = _number_grids()
    assert len(grids) > 20
    template = (resources.files("samspil.reports") / "static" / "report.typ").read_text("utf-8")
    measuring = "\n".join(
        f"#context [#metadata(measure(block(width: {width}, data-table(data.grids.at({i}))), "
        f"width: {width}).height / 1pt) <h>]"
        for i, g in enumerate(grids)
        for width in ["wide-width" if g.landscape else "text-width"]
    )
    given = {"title": "T", "authors": [], "subtitle": "", "grids": [_grid(g) for g in grids]}
    (tmp_path / "data.json").write_text(json.dumps(given))
    (tmp_path / "t.typ").write_text(template[: template.index("#set page(")] + measuring)
    heights = json.loads(
        typst.query(
            str(tmp_path / "t.typ"),
            "<h>",
            field="value",
            root=str(tmp_path),
            font_paths=[font_folder()],
            ignore_system_fonts=True,
        )
    )
    assert len(heights) == len(grids)
    bounds = [grid_height(g, LANDSCAPE_WIDTH if g.landscape else TEXT_WIDTH) for g in grids]
    for g, height, bound in zip(grids, heights, bounds, strict=True):
        assert height <= bound, (g.header, height, bound)
    assert sum(bounds) < 1.25 * sum(heights), "a bound this loose would measure most blocks"


def test_a_number_table_is_set_in_whole_words_unless_a_word_cannot_fit_its_column():
    """Whole words (no hyphenation) where every word fits its column, as a table's labels
    read best; Danish hyphenation where the columns had to be squeezed below a word."""
    from samspil.reports.typst_pdf import _grid

    fits = Grid(["", "Ikke relevant", "N"], [["Samarbejdsrelationer", "9,9%", "91"]])
    assert _grid(fits)["hyphenate"] is False
    word = "Civilsamfundsorganisationssamarbejde"
    squeezed = Grid(["", *[f"{word} {i}" for i in range(7)]], [["a", *["12,5%"] * 7]])
    assert not squeezed.landscape and _grid(squeezed)["hyphenate"] is True


def test_a_table_with_a_bold_total_row_is_still_set_in_whole_words():
    from samspil.reports.typst_pdf import _grid

    g = Grid(["", "Antal", "Pct."], [["Ja", "412", "41,2%"], ["I alt", "1.000", "100,0%"]], True)
    assert _grid(g)["hyphenate"] is False


def test_coded_quotations_are_set_in_the_pdf_as_their_text(tmp_path):
    """The coded open answers' quotations travel as text runs, like notes: the PDF sets
    each as its text, stars and quotation marks as written (they once made Typst refuse
    the whole report: a list where the template wanted content)."""
    import io
    from datetime import date

    from pypdf import PdfReader

    from samspil.reports.document import Chapter, Item, Publication
    from samspil.reports.typst_pdf import pdf_bytes, pdf_input

    said = ["Vi mangler *frivillige* til ”Åben skole”", "Samarbejdet er godt"]
    item = Item("t1", "Tabel 1.1", "Svar", grid=Grid(["Svar", "Procent"], [["Ja", "100 %"]]),
                quotes=said)  # fmt: skip
    chapter = Chapter("kap-1", "1. Svar", [], items=[item])
    publication = Publication("Titel", "Undertitel", [], "", "", date.today(), "", [chapter])
    pdf = pdf_bytes(pdf_input(publication, {}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert all(quote in text for quote in said), text
