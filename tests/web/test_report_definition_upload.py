"""A study's own report definition, uploaded on the study page (issue 8 item 5): checked
against the study's questionnaire, then used by the one-click report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.fieldwork.export import make_study_report

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
"""


def _upload(client, study, text: str, name: str = "rapport.yaml"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/yaml")
    return client.post(
        f"/studier/{study.pk}/rapportdefinition/", {"definition": upload}, follow=True
    )


def test_an_uploaded_definition_makes_the_one_click_report(researcher_client, study, tmp_path):
    response = _upload(researcher_client, study, DEFINITION)
    assert "Rapportdefinitionen er gemt." in response.content.decode()
    study.refresh_from_db()
    assert study.report_definition["id"] == "min_rapport"
    make_study_report(study, tmp_path, formats={"csv"})
    assert (tmp_path / "tables" / "min_tabel.csv").is_file()
    assert not (tmp_path / "tables" / "tabel_4_2.csv").exists()


def test_a_definition_naming_what_the_questionnaire_lacks_is_refused(researcher_client, study):
    bad = DEFINITION.replace("question: udf", "question: findes_ikke")
    page = _upload(researcher_client, study, bad).content.decode()
    assert "block min_tabel: unknown question" in page
    broken = _upload(researcher_client, study, "id: x\ntitle: X\n").content.decode()
    assert "rapport.yaml: chapters" in broken
    study.refresh_from_db()
    assert study.report_definition == {}
