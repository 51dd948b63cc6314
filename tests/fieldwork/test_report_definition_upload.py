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


# -- security issue 17, item 1: a definition reads and fetches nothing -------------------

EVIL_ID = DEFINITION.replace(
    "  - id: a\n", "  - id: 'a\"><link rel=attachment href=file:///etc/passwd>'\n"
)


def _with_text(markup: str) -> str:
    quoted = markup.replace('"', '\\"')
    return DEFINITION.replace("title: Udfordringerne", f'title: "Udfordringerne {quoted}"')


def test_a_definition_with_markup_in_an_id_is_refused_on_upload(researcher_client, study):
    page = _upload(researcher_client, study, EVIL_ID).content.decode()
    assert "rapport.yaml: chapters.0.id" in page
    study.refresh_from_db()
    assert study.report_definition == {}


def test_uploading_or_removing_a_definition_is_audited(researcher_client, study):
    from samspil.web.models import AuditEvent

    _upload(researcher_client, study, DEFINITION)
    researcher_client.post(f"/studier/{study.pk}/rapportdefinition/", {"reset": "1"})
    events = AuditEvent.objects.filter(study_id=study.pk, action="report_definition")
    assert [e.target for e in events.order_by("pk")] == ["report min_rapport", "default"]
    assert all(e.actor == "forsker" for e in events)


def test_a_definition_stored_before_the_rules_is_refused_when_the_report_is_made(
    researcher_client, study, settings, tmp_path
):
    import yaml

    settings.DATA_DIR = tmp_path
    study.report_definition = yaml.safe_load(EVIL_ID)
    study.save(update_fields=["report_definition"])
    response = researcher_client.post(f"/studier/{study.pk}/rapport/", follow=True)
    assert response.status_code == 200
    assert "report definition: chapters.0.id" in response.content.decode()
    assert not (tmp_path / "reports" / f"study-{study.pk}" / "index.html").exists()


def test_markup_in_an_uploaded_definition_reaches_the_pdf_as_text(
    researcher_client, study, settings, tmp_path, canary
):
    from samspil.web.worker import run_queued_tasks

    settings.DATA_DIR = tmp_path
    page = _upload(researcher_client, study, _with_text(canary.markup())).content.decode()
    assert "Rapportdefinitionen er gemt." in page
    researcher_client.post(f"/studier/{study.pk}/rapport/")
    run_queued_tasks()
    pdf = (tmp_path / "reports" / f"study-{study.pk}" / "report.pdf").read_bytes()
    canary.assert_untouched(pdf)


def test_samspil_study_report_refuses_a_definition_with_markup_in_an_id(study, tmp_path, capsys):
    from samspil.cli import main

    spec = tmp_path / "angreb.yaml"
    spec.write_text(EVIL_ID, encoding="utf-8")
    out = tmp_path / "rapport"
    code = main(["study", "report", str(study.pk), "--report", str(spec), "--out", str(out)])
    assert code == 2
    assert "angreb.yaml: chapters.0.id" in capsys.readouterr().err
    assert not (out / "report.pdf").exists()


def test_samspil_study_report_lays_out_markup_as_text(study, tmp_path, canary):
    from samspil.cli import main

    spec = tmp_path / "tekst.yaml"
    spec.write_text(_with_text(canary.markup()), encoding="utf-8")
    out = tmp_path / "rapport"
    assert main(["study", "report", str(study.pk), "--report", str(spec), "--out", str(out)]) == 0
    canary.assert_untouched((out / "report.pdf").read_bytes())
