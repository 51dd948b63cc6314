"""A study from a questionnaire the researcher uploads (XLSForm or YAML): checked with the
problems on the page, previewed, frozen when the study opens, answered like a bundled one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.fieldwork import actions
from samspil.fieldwork.models import Study
from samspil.instrument_cli import to_yaml
from samspil.instruments import DATA
from samspil.instruments import load as load_instrument

pytestmark = pytest.mark.django_db


def xlsform_upload(name: str = "fo2016.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / "fo2016.xlsx").read_bytes())


def test_an_uploaded_xlsform_becomes_a_study_frozen_from_the_upload(researcher_client):
    response = researcher_client.post(
        "/studier/",
        {"name": "Foreninger 2026", "instrument": "kd2024", "questionnaire": xlsform_upload()},
    )
    study = Study.objects.get(name="Foreninger 2026")
    assert response["Location"] == f"/studier/{study.pk}/"
    assert (study.instrument_id, study.instrument_upload) == ("fo2016", "fo2016.xlsx")
    assert [v.name for v in study.instrument.variables] == [
        v.name for v in load_instrument("fo2016").variables
    ]
    preview = researcher_client.get(f"/studier/{study.pk}/forhaandsvisning/samarbejde/")
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Samarbejder foreningen med kommunen eller kommunale institutioner?" in html
    # opening freezes the uploaded questionnaire as it was, not a bundled file
    before = study.instrument_sha256
    Study.objects.filter(pk=study.pk).update(
        privacy_controller="Testuniversitetet", privacy_contact="dpo@example.org"
    )
    study.mail_signature = "Forskerne"
    study.save(update_fields=["mail_signature"])
    actions.do_open_study(study)
    study.refresh_from_db()
    assert study.instrument_sha256 == before and study.is_open


def test_an_uploaded_yaml_questionnaire_works_the_same(researcher_client):
    text = to_yaml(load_instrument("komp2021")).replace("id: komp2021", "id: komp2026", 1)
    upload = SimpleUploadedFile("komp.yaml", text.encode())
    researcher_client.post("/studier/", {"name": "Komp", "questionnaire": upload})
    study = Study.objects.get(name="Komp")
    assert (study.instrument_id, study.instrument_upload) == ("komp2026", "komp.yaml")
    assert len(study.instrument.variables) == 24


def test_a_questionnaire_samspil_cannot_field_is_refused_with_its_rows_on_the_page(
    researcher_client,
):
    from tests.core.conftest import FIXTURES

    upload = SimpleUploadedFile(
        "spec.xlsx", (FIXTURES / "xlsform" / "xlsform_spec_test.xlsx").read_bytes()
    )
    response = researcher_client.post("/studier/", {"name": "X", "questionnaire": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Spørgeskemaet kan ikke bruges:" in html
    assert "spec.xlsx: survey row 34, column type: type &#x27;geopoint&#x27;" in html
    assert "/tmp" not in html
    assert not Study.objects.filter(name="X").exists()


def test_a_file_of_another_kind_is_refused(researcher_client):
    upload = SimpleUploadedFile("liste.csv", b"a,b\n1,2\n")
    html = researcher_client.post("/studier/", {"name": "Y", "questionnaire": upload})
    assert "Brug en XLSForm-fil (.xlsx) eller en YAML-fil." in html.content.decode()
    assert not Study.objects.filter(name="Y").exists()


def test_a_date_question_from_an_xlsform_is_a_date_input_and_saves_iso_dates(
    researcher, client, tmp_path
):
    from tests.core.test_xlsform import make_form

    from samspil.fieldwork.respondents_import import read_respondents
    from samspil.instruments import resolve

    path = make_form(
        tmp_path / "dato.xlsx",
        [
            ["type", "name", "label"],
            ["begin group", "s", "Side"],
            ["date", "stiftet", "Stiftet?"],
            ["end group"],
        ],
    )
    study = actions.do_create_study(
        "Dato",
        resolve(path),
        researchers=[researcher],
        upload_name="dato.xlsx",
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    actions.do_import_respondents(
        study, read_respondents("l.csv", b"navn,email,kommune\nA,a@example.org,Odense\n")
    )
    actions.do_open_study(study)
    person = study.respondents.get()
    page = client.get(f"/s/{person.token}/side/s/").content.decode()
    assert 'type="date"' in page and 'name="stiftet"' in page
    client.post(f"/s/{person.token}/side/s/", {"stiftet": "2026-03-01", "nav": "next"})
    person.refresh_from_db()
    assert person.answers["stiftet"] == "2026-03-01"


def test_study_create_with_an_xlsform_file_keeps_the_file_when_the_study_opens(tmp_path):
    from samspil.cli import main

    form = tmp_path / "fo2016.xlsx"  # the same id as the bundled fo2016, but edited
    instrument = load_instrument("fo2016")
    from samspil.instruments.xlsform import write_xlsform

    edited = instrument.model_copy(update={"title": "Foreninger, redigeret"})
    write_xlsform(edited, form)
    people = tmp_path / "liste.csv"
    people.write_text("navn,email,kommune\nA,a@example.org,Odense\n", encoding="utf-8")
    args = [
        "study",
        "create",
        "--instrument",
        str(form),
        "--name",
        "Fil",
        "--controller",
        "Testuniversitetet",
        "--privacy-contact",
        "dpo@example.org",
        "--signature",
        "Forskerne",
        "--respondents",
    ]
    assert main([*args, str(people), "--open"]) == 0
    study = Study.objects.get(name="Fil")
    assert study.instrument_upload == "fo2016.xlsx" and study.is_open
    assert study.instrument.title == "Foreninger, redigeret"
