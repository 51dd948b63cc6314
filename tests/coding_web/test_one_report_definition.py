"""One function decides which report definition a study's report uses (issue 20 item 5):
the study page's "Lav datarapporten", the coding workbench's "Lav rapport" and
``samspil study report`` make the same tables of the same study; and the foreword and
summary uploaded on the study page reach the report by every path."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.coding_web import actions
from samspil.fieldwork import actions as fieldwork

DEFINITION = """
id: min_rapport
instrument: kd2024
title: Vores egen rapport
chapters:
  - id: a
    title: 1. Udfordringer
    blocks:
      - id: min_tabel
        label: Tabel 1.1
        title: Udfordringerne
        kind: summary
        question: udf
        top: [4, 5]
      - id: min_fordeling
        label: Tabel 1.2
        title: By- og erhvervsudvikling
        kind: frequency
        variables: [udf_by]
"""


def _answer(study) -> None:  # type: ignore[no-untyped-def]
    for person, value in zip(
        study.respondents.order_by("row_number"), [5.0, 4.0, 2.0], strict=False
    ):
        fieldwork.do_save_page(
            person, fieldwork.PageSave({"udf_vigtigste": "Økonomi", "udf_by": value}, "x", 1)
        )


def _tables(folder: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "tables").glob("*.csv"))
    }


def test_the_study_page_the_workbench_and_the_command_give_the_same_tables(
    login, study, researcher, coder_a, coder_b, settings, tmp_path
):
    from samspil.cli import main

    _answer(study)
    c = login(researcher)
    upload = SimpleUploadedFile("rapport.yaml", DEFINITION.encode("utf-8"))
    c.post(f"/studier/{study.pk}/rapportdefinition/", {"definition": upload})
    c.post(f"/studier/{study.pk}/rapport/")
    page = _tables(Path(settings.DATA_DIR) / "reports" / f"study-{study.pk}")

    project = actions.do_create_project_from_study(
        "Fra studie", "kd2024", study, coders=(coder_a, coder_b), researchers=[researcher]
    )
    c.post(f"/kodning/{project.pk}/rapport/")
    workbench = _tables(Path(settings.DATA_DIR) / "reports" / f"coding-{project.pk}")

    out = tmp_path / "kommando"
    assert main(["study", "report", str(study.pk), "--out", str(out)]) == 0
    command = _tables(out)

    assert sorted(page) == ["min_fordeling.csv", "min_tabel.csv"]  # the uploaded definition
    assert workbench == page
    assert command == page


def test_every_path_asks_the_one_function(
    monkeypatch, login, study, researcher, coder_a, coder_b, tmp_path
):
    from samspil.cli import main
    from samspil.reports import default

    asked: list[str] = []
    real = default.chosen_spec

    def spy(instrument, **kw):  # type: ignore[no-untyped-def]
        asked.append(instrument.id)
        return real(instrument, **kw)

    monkeypatch.setattr(default, "chosen_spec", spy)
    monkeypatch.setattr(actions, "REPORT_FORMATS", frozenset({"csv"}))
    _answer(study)
    c = login(researcher)
    project = actions.do_create_project_from_study(
        "Fra studie", "kd2024", study, coders=(coder_a, coder_b), researchers=[researcher]
    )
    c.post(f"/kodning/{project.pk}/rapport/")
    assert main(["study", "report", str(study.pk), "--out", str(tmp_path / "k")]) == 0
    assert asked == ["kd2024", "kd2024"]


FOREWORD = b"# Forord\n\nTak til <b>alle</b> kommuner.\n"
SUMMARY = "Hovedresultater:\n\n- Økonomien presser.\n".encode()


def test_a_foreword_and_summary_uploaded_on_the_study_page_open_the_report(
    login, study, researcher, coder_a, coder_b, settings
):
    _answer(study)
    c = login(researcher)
    page = c.post(
        f"/studier/{study.pk}/forord-og-sammenfatning/",
        {
            "foreword": SimpleUploadedFile("forord.md", FOREWORD),
            "summary": SimpleUploadedFile("sammenfatning.md", SUMMARY),
        },
        follow=True,
    ).content.decode()
    assert "Rapportens forord og sammenfatning er gemt." in page
    assert "Rapporten har et forord." in page and "Fjern sammenfatningen" in page
    upload = SimpleUploadedFile("rapport.yaml", DEFINITION.encode("utf-8"))
    c.post(f"/studier/{study.pk}/rapportdefinition/", {"definition": upload})
    project = actions.do_create_project_from_study(
        "Fra studie", "kd2024", study, coders=(coder_a, coder_b), researchers=[researcher]
    )
    c.post(f"/kodning/{project.pk}/rapport/")
    html = (
        (Path(settings.DATA_DIR) / "reports" / f"coding-{project.pk}" / "index.html")
        .read_text(encoding="utf-8")
        .replace("\u00ad", "")
    )
    assert html.index('id="forord"') < html.index('id="sammenfatning"') < html.index('id="metode"')
    assert "Tak til &lt;b&gt;alle&lt;/b&gt; kommuner." in html  # raw HTML stays text
    assert "<li>Økonomien presser.</li>" in html

    c.post(f"/studier/{study.pk}/forord-og-sammenfatning/", {"remove": "foreword"})
    study.refresh_from_db()
    assert study.foreword == "" and study.summary.startswith("Hovedresultater")


def test_a_foreword_that_is_not_utf8_text_is_refused_in_danish(login, study, researcher):
    c = login(researcher)
    page = c.post(
        f"/studier/{study.pk}/forord-og-sammenfatning/",
        {"foreword": SimpleUploadedFile("forord.md", "Forord æøå".encode("latin-1"))},
        follow=True,
    ).content.decode()
    assert "Gem filen som UTF-8-tekst." in page
    nothing = c.post(f"/studier/{study.pk}/forord-og-sammenfatning/", {}, follow=True)
    assert "Vælg en fil med forord eller sammenfatning." in nothing.content.decode()
    study.refresh_from_db()
    assert study.foreword == ""


def test_samspil_study_report_takes_a_foreword_file_over_the_studys_own(study, tmp_path):
    from samspil.cli import main

    _answer(study)
    fieldwork.do_set_front_matter(study, foreword="Det gemte forord.", summary="Gemt resumé.")
    (tmp_path / "forord.md").write_text("Forordet fra kommandolinjen.", encoding="utf-8")
    out = tmp_path / "rapport"
    args = ["study", "report", str(study.pk), "--out", str(out)]
    assert main([*args, "--foreword", str(tmp_path / "forord.md")]) == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Forordet fra kommandolinjen." in html and "Det gemte forord." not in html
    assert "Gemt resumé." in html
    assert main([*args, "--summary", str(tmp_path / "mangler.md")]) == 2
