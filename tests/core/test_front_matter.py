"""Front matter: the cover, the colophon (publisher, year, ISBN, URL, citation, licence, the
software named once) and the researcher's foreword and summary before chapter 1, in every
format."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from samspil.demo import demo_file
from samspil.reports.frontmatter import FrontMatterError, blocks, markdown_text
from samspil.reports.spec import isbn_valid

SPEC = """\
id: front
instrument: kd2024
title: Kommunernes samarbejde med civilsamfundet
subtitle: Datarapport
authors: [Anna Andersen, Bo Berg]
institution: Demoinstituttet
colophon:
  year: 2024
  isbn: 978-87-93119-41-3
  url: https://example.org/rapport
  licence: CC BY 4.0
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
        note: "Antal besvarelser: {n}."
"""

FOREWORD = """\
# Forord

Rapporten er skrevet af **Demoinstituttet**. Tak til "alle" kommuner.
<script>alert(1)</script>

## Tak

- Første punkt med *kursiv*
- Andet punkt
"""

SUMMARY = """\
Hovedresultaterne er:

1. Kommunerne samarbejder med foreninger.
2. Mistrivsel nævnes ofte.
"""


@pytest.fixture(scope="module")
def front_report(tmp_path_factory):  # type: ignore[no-untyped-def]
    from samspil.cli import main

    folder = tmp_path_factory.mktemp("front")
    (folder / "front.yaml").write_text(SPEC, encoding="utf-8")
    (folder / "forord.md").write_text(FOREWORD, encoding="utf-8")
    (folder / "sammenfatning.md").write_text(SUMMARY, encoding="utf-8")
    code = main(
        [
            "report",
            str(folder / "front.yaml"),
            "--data",
            str(demo_file("kd2024_demo.csv")),
            "--out",
            str(folder / "out"),
            "--formats",
            "html,pdf,docx,csv",
            "--foreword",
            str(folder / "forord.md"),
            "--summary",
            str(folder / "sammenfatning.md"),
        ]
    )
    assert code == 0
    return folder / "out"


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_markdown_is_read_as_paragraphs_headings_and_lists_and_raw_html_stays_text():
    found = blocks(FOREWORD)
    assert found[0] == ("h", "Forord")
    assert found[1] == (
        "p",
        "Rapporten er skrevet af **Demoinstituttet**. Tak til ”alle” kommuner. "
        "<script>alert(1)</script>",
    )
    assert found[2:] == [("h", "Tak"), ("li", "Første punkt med *kursiv*"), ("li", "Andet punkt")]
    assert [k for k, _ in blocks(SUMMARY)] == ["p", "ol", "ol"]


def test_a_foreword_file_that_is_not_utf8_text_is_refused_naming_it():
    with pytest.raises(FrontMatterError, match=r"forord\.md: not UTF-8"):
        markdown_text("Forord på latin-1: æ".encode("latin-1"), "forord.md")
    with pytest.raises(FrontMatterError, match="at most"):
        markdown_text(b"x" * 200_000, "forord.md")


def test_foreword_and_summary_come_before_chapter_one_in_html(front_report):
    page = (front_report / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")
    forord, summary = page.index('id="forord"'), page.index('id="sammenfatning"')
    assert forord < summary < page.index('id="metode"') < page.index('id="kap-1"')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # text, never markup
    assert "<script>" not in page
    assert "<strong>Demoinstituttet</strong>" in page
    assert "<ol><li>Kommunerne samarbejder med foreninger.</li>" in page
    assert page.count(">Forord<") == 2  # the contents and the chapter: the # Forord is its title


def test_foreword_and_summary_come_before_chapter_one_in_the_pdf(front_report):
    text = pdf_text(front_report / "report.pdf")
    body = text[text.index("Indhold") :]
    body = body[body.index("\f") :]  # after the contents page
    assert body.index("Forord") < body.index("Hovedresultaterne er:") < body.index("1. Udfordr")
    assert "• Første punkt med kursiv" in body
    assert "1. Kommunerne samarbejder med foreninger." in body


def test_foreword_and_summary_come_before_chapter_one_in_word(front_report):
    from docx import Document

    doc = Document(str(front_report / "report.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads[:5] == [
        "Indhold",
        "Forord",
        "Sammenfatning",
        "Om undersøgelsen",
        "1. Udfordringer",
    ]
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["Første punkt med kursiv"] == "List Bullet"
    assert styles["Kommunerne samarbejder med foreninger."] == "List Number"


def test_the_colophon_has_publisher_year_isbn_url_citation_and_licence(front_report):
    expected = [
        "Udgivet af Demoinstituttet, 2024.",
        "ISBN: 978-87-93119-41-3",
        "URL: https://example.org/rapport",
        "Citér som: Anna Andersen og Bo Berg (2024): Kommunernes samarbejde med "
        "civilsamfundet. Datarapport. Demoinstituttet. https://example.org/rapport.",
        "Licens: CC BY 4.0",
    ]
    page = (front_report / "index.html").read_text(encoding="utf-8")
    word = docx_text(front_report / "report.docx")
    pdf = " ".join(pdf_text(front_report / "report.pdf").split())
    for line in expected:
        assert f"<p>{line}</p>" in page
        assert line in word
        assert line in pdf


def test_the_software_is_named_once_in_the_colophon_only(front_report):
    # (the questionnaire asks about a "konstruktivt samspil": the Danish word, not the software)
    pdf = pdf_text(front_report / "report.pdf").replace("konstruktivt samspil", "")
    colophon, rest = pdf[: pdf.index("Indhold")], pdf[pdf.index("Indhold") :]
    assert colophon.count("med samspil den") == 1
    assert "samspil" not in rest.lower()
    word = docx_text(front_report / "report.docx").replace("konstruktivt samspil", "")
    assert word.lower().count("samspil") == 1


def test_the_cover_sets_title_and_subtitle_apart(front_report):
    from docx import Document

    doc = Document(str(front_report / "report.docx"))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "Kommunernes samarbejde med civilsamfundet"
    assert doc.paragraphs[1].style.name == "Subtitle"
    assert doc.paragraphs[1].text == "Datarapport"
    page = (front_report / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")
    assert '<p class="subtitle">Datarapport</p>' in page
    cover = pdf_text(front_report / "report.pdf").split("\f")[0]
    lines = [line.strip() for line in cover.splitlines() if line.strip()]
    at = lines.index("Datarapport")  # a line of its own, not "civilsamfundet. Datarapport"
    assert " ".join(lines[:at]) == "Kommunernes samarbejde med civilsamfundet"


def test_an_unknown_colophon_field_is_refused_naming_the_file_and_field(run_cli, tmp_path):
    spec = tmp_path / "front.yaml"
    spec.write_text(SPEC.replace("  licence:", "  licens:"), encoding="utf-8")
    code, _, err = run_cli(
        "report", spec, "--data", demo_file("kd2024_demo.csv"), "--out", tmp_path / "o"
    )
    assert code == 2
    assert f"{spec}: colophon.licens: Extra inputs are not permitted" in err


def test_a_wrong_isbn_is_refused(run_cli, tmp_path):
    assert isbn_valid("978-87-93119-41-3")
    assert isbn_valid("0-306-40615-2")  # ISBN-10
    assert not isbn_valid("978-87-93119-41-6")
    spec = tmp_path / "front.yaml"
    spec.write_text(SPEC.replace("41-3", "41-6"), encoding="utf-8")
    code, _, err = run_cli(
        "report", spec, "--data", demo_file("kd2024_demo.csv"), "--out", tmp_path / "o"
    )
    assert code == 2
    assert "colophon: Value error, isbn '978-87-93119-41-6' is not a valid ISBN" in err


def test_a_missing_foreword_file_exits_2_naming_it(run_cli, tmp_path):
    code, _, err = run_cli(
        "report",
        "kd2024",
        "--data",
        demo_file("kd2024_demo.csv"),
        "--out",
        tmp_path / "o",
        "--foreword",
        tmp_path / "nope.md",
    )
    assert code == 2
    assert f"--foreword {tmp_path / 'nope.md'}: cannot read the file" in err
    assert not (tmp_path / "o").exists()  # refused before anything is written
