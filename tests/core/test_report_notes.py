"""Notes are text: every note of both demo reports reaches every format with its stars
(the significance legend "* p<0,05; ** p<0,01; *** p<0,001" above all); only stars that
enclose words, ``*Spørgsmål?*``, are emphasis."""

from __future__ import annotations

import html
import re
import subprocess

import pytest

from samspil.reports.document import plain, runs
from samspil.reports.formatting import quotes

REPORTS = ["kd2024", "fc2015"]
# a note's sentences, each looked for on its own (a figure's note is said in its caption
# and under "Tal bag figuren")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ“”\"(])")
LEGEND = "* p<0,05; ** p<0,01; *** p<0,001"


def _squash(text: str) -> str:
    """Text without whitespace, hyphens (line-end hyphenation) and word joiners."""
    return re.sub(r"[\s\-\u00ad\u2010\u2060]+", "", text)


def _html(folder) -> str:  # type: ignore[no-untyped-def]
    page = (folder / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _pdf(folder) -> str:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        ["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def _docx(folder) -> str:  # type: ignore[no-untyped-def]
    from docx import Document

    doc = Document(str(folder / "report.docx"))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(texts)


def _xlsx(folder) -> str:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    book = load_workbook(folder / "tables.xlsx", read_only=True)
    return "\n".join(
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
    )


FORMATS = {"html": _html, "pdf": _pdf, "docx": _docx, "xlsx": _xlsx}


def test_stars_that_enclose_no_words_are_text_not_emphasis():
    assert runs(f"Note: {LEGEND} (chi-i-anden-test).") == [
        ("", f"Note: {LEGEND} (chi-i-anden-test).")
    ]
    assert plain(f"{LEGEND}.") == f"{LEGEND}."
    assert plain("P-værdi **") == "P-værdi **"
    assert plain("Note: * Da en del. ** P-værdien angiver x.") == (
        "Note: * Da en del. ** P-værdien angiver x."
    )
    assert runs("Spørgsmål: *Hvor godt?* Se **her**.") == [
        ("", "Spørgsmål: "),
        ("i", "Hvor godt?"),
        ("", " Se "),
        ("b", "her"),
        ("", "."),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report", REPORTS)
def test_every_note_reaches_every_format_with_its_stars(demo_reports, report, fmt):
    output = demo_reports[report]
    shown = _squash(FORMATS[fmt](output.folder))
    notes = [plain(quotes(r.note)) for r in output.results if not r.skipped and r.note]
    assert notes
    for note in notes:
        for sentence in SENTENCE.split(note):
            assert _squash(sentence) in shown, f"{fmt}: {sentence!r}"
    if report == "fc2015":
        assert shown.count(_squash(LEGEND)) >= 1, f"{fmt}: the significance legend"


def test_the_quotation_rule_gives_plain_text_for_a_note_and_for_its_text_alike():
    """``quotes`` is remembered per text: a note (text with parts) and the same text as a
    plain string give plain text each, neither coming back for the other."""
    from samspil.reports.formatting import quotes
    from samspil.reports.notes import Note

    note = Note('Svarene på "Ved ikke" indgår ikke. Anden del.')
    assert (
        type(quotes(note)) is str
        and quotes(note) == "Svarene på ”Ved ikke” indgår ikke. Anden del."
    )
    unmarked = Note("Ingen anførselstegn her.")
    assert type(quotes(unmarked)) is str
    assert type(quotes(str(unmarked))) is str
