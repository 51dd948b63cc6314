"""Reports read nothing but what samspil hands them (security issue 17, item 1): a report
definition with markup in its ids or texts, laid out as PDF, neither embeds a server file
nor fetches a URL (it is laid out by Typst from data, in a root of its own); ids that are
not plain names are refused naming the field."""

from __future__ import annotations

import io
from datetime import date

import pytest

from samspil.demo import demo_file
from samspil.reports import typst_pdf
from samspil.reports.document import Publication

DEFINITION = """
id: angreb
instrument: kd2024
title: "{title}"
chapters:
  - id: {chapter_id}
    title: "{title}"
    intro: "{title}"
    blocks:
      - id: tabel_1
        label: "Tabel 1.1"
        title: "{title}"
        kind: summary
        question: udf
        top: [4, 5]
        note: "{title}"
"""


def _definition(tmp_path, chapter_id: str, title: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "angreb.yaml"
    text = DEFINITION.format(chapter_id=chapter_id, title=title.replace('"', '\\"'))
    path.write_text(text, encoding="utf-8")
    return path


def test_markup_in_a_chapter_id_is_refused_naming_the_field(run_cli, tmp_path, canary):
    spec = _definition(
        tmp_path, f"'x\"><link rel=attachment href=file://{canary.secret_file}>'", "T"
    )
    out = tmp_path / "rapport"
    code, _, err = run_cli("report", spec, "--data", demo_file("kd2024_demo.csv"), "--out", out)
    assert code == 2
    assert "angreb.yaml: chapters.0.id" in err
    assert not out.exists() or not any(out.iterdir())
    assert canary.requests == []


@pytest.mark.parametrize("field", ["figure_id", "codebook"])
def test_ids_that_name_files_are_plain_names(tmp_path, field):
    from samspil.reports.spec import SpecError, load_spec_file

    path = _definition(tmp_path, "a", "T")
    text = path.read_text(encoding="utf-8") + f"        {field}: ../../etc/passwd\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=rf"chapters\.0\.blocks\.0\.{field}"):
        load_spec_file(path)


def test_markup_in_definition_texts_reaches_no_renderer_as_markup(run_cli, tmp_path, canary):
    spec = _definition(tmp_path, "a", "Titel " + canary.markup())
    out = tmp_path / "rapport"
    code, _, err = run_cli("report", spec, "--data", demo_file("kd2024_demo.csv"), "--out", out)
    assert code == 0, err
    canary.assert_untouched((out / "report.pdf").read_bytes())
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<link rel=" not in page and f'src="{canary.url}' not in page
    assert "&lt;link rel=&quot;attachment&quot;" in page  # shown as the text it is
    assert "Content-Security-Policy" in page


def test_markup_in_the_pdf_input_is_laid_out_as_text(tmp_path, canary):
    """Every text reaches Typst as data (data.json), never as markup: Typst markup that
    would read, embed or link something is printed as the characters it is."""
    from pypdf import PdfReader

    markup = canary.typst_markup()
    pub = Publication(markup, markup, [markup], markup, markup, date.today(), markup, [])
    pdf = typst_pdf.pdf_bytes(typst_pdf.pdf_input(pub, {}))
    canary.assert_untouched(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert '#pdf.attach("' in " ".join(text.split())


def test_the_pdf_engine_itself_reads_nothing_outside_its_root(tmp_path, canary):
    """Even markup that did reach Typst loads nothing: it reads files under its root only
    (a fresh folder of samspil's own) and fetches no URL."""
    import typst

    root = tmp_path / "root"
    root.mkdir()
    for source in (
        f'#read("{canary.secret_file}")',
        f'#read("../{canary.secret_file.name}")',
        f'#image("{canary.secret_file}")',
        f'#pdf.attach("{canary.secret_file}")',
    ):
        (root / "x.typ").write_text(source, encoding="utf-8")
        with pytest.raises(typst.TypstError, match=r"not found|escape the project root"):
            typst.compile(str(root / "x.typ"), root=str(root), ignore_system_fonts=True)
    assert canary.requests == []
