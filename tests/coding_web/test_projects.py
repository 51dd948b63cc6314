"""Creating coding projects from an answers file or a study; the import is all or nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from samspil.coding_web import actions
from samspil.coding_web.models import CodingProject, CodingUnit
from samspil.coding_web.project_answers import UnitFileError
from samspil.fieldwork import actions as fieldwork
from tests.coding_web.conftest import ANSWERS_CSV

pytestmark = pytest.mark.django_db


def _post(client, coder_a, coder_b, **fields):  # type: ignore[no-untyped-def]
    data = {
        "name": "Kodning",
        "codebook": "kd2024",
        "source": "file",
        "coder_1": coder_a.pk,
        "coder_2": coder_b.pk,
        **fields,
    }
    return client.post("/kodning/", data)


def test_create_from_file_through_the_page(researcher_client, coder_a, coder_b):
    upload = io.BytesIO(ANSWERS_CSV.encode())
    upload.name = "svar.csv"
    response = _post(researcher_client, coder_a, coder_b, file=upload)
    project = CodingProject.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kodning/{project.pk}/"
    units = list(
        project.units.order_by("variable", "position").values_list(
            "variable", "respondent_id", "text"
        )
    )
    assert len(units) == 7  # one erf_lykkes answer is empty
    assert ("udf_vigtigste", "101", "Mangel på arbejdskraft i ældreplejen") in units
    assert project.codebook.id == "kd2024" and project.source_name == "svar.csv"
    page = researcher_client.get(f"/kodning/{project.pk}/").content.decode()
    assert "Udfordring" in page and "0 / 4" in page


def test_file_errors_name_file_row_and_column_and_nothing_is_imported(
    researcher_client, coder_a, coder_b
):
    bad = (
        "respondent_id,udf_vigtigste,farve\n"
        "1,Mangel på arbejdskraft,rød\n"
        ",Økonomi,blå\n"
        "1,Demografi,grøn\n"
    )
    upload = io.BytesIO(bad.encode())
    upload.name = "forkert.csv"
    response = _post(researcher_client, coder_a, coder_b, file=upload)
    assert response.status_code == 200
    page = response.content.decode()
    assert "forkert.csv, række 1, kolonne &#x27;farve&#x27;" in page
    assert "forkert.csv, række 3, kolonne &#x27;respondent_id&#x27;: respondent-id er tomt" in page
    assert "forkert.csv, række 4, kolonne &#x27;respondent_id&#x27;" in page and "række 2" in page
    assert "Intet blev importeret." in page
    assert not CodingProject.objects.exists() and not CodingUnit.objects.exists()


def test_file_without_id_or_open_questions(coder_a, coder_b):
    with pytest.raises(UnitFileError) as info:
        actions.do_create_project_from_file(
            "x", "kd2024", "a.csv", b"udf_by\n1\n", coders=(coder_a, coder_b)
        )
    text = "\n".join(info.value.errors)
    assert "a.csv, række 1: filen har ingen kolonne respondent_id." in text
    assert "ingen kolonne for et åbent spørgsmål i kodebogen kd2024" in text


def test_closed_answers_in_the_file_are_checked_too(coder_a, coder_b):
    content = "respondent_id,udf_vigtigste,bg_aar_kd\n1,Økonomi,7\n2,Arbejdskraft,mange\n"
    with pytest.raises(UnitFileError) as info:
        actions.do_create_project_from_file(
            "x", "kd2024", "b.csv", content.encode(), coders=(coder_a, coder_b)
        )
    assert any(line.startswith("b.csv, row 3, column 'bg_aar_kd'") for line in info.value.errors)


def test_xlsx_and_question_text_headers(coder_a, coder_b):
    from samspil.instruments import load

    question = load("kd2024").variable_map["udf_vigtigste"].question
    book = Workbook()
    sheet = book.active
    sheet.append(["respondent_id", question])
    sheet.append([7, "Mangel på arbejdskraft"])
    sheet.append([8.0, "  "])
    out = io.BytesIO()
    book.save(out)
    project = actions.do_create_project_from_file(
        "x", "kd2024", "svar.xlsx", out.getvalue(), coders=(coder_a, coder_b)
    )
    assert list(project.units.values_list("respondent_id", "variable")) == [("7", "udf_vigtigste")]


def test_two_different_coders(researcher_client, coder_a):
    upload = io.BytesIO(ANSWERS_CSV.encode())
    upload.name = "svar.csv"
    response = _post(researcher_client, coder_a, coder_a, file=upload)
    assert "Vælg to forskellige kodere." in response.content.decode()
    assert not CodingProject.objects.exists()


def test_create_from_study(researcher_client, study, coder_a, coder_b):
    first, second, third, _fourth = study.respondents.order_by("row_number")
    for person, text in [(first, "Mangel på arbejdskraft"), (second, "Økonomien")]:
        fieldwork.do_save_page(person, fieldwork.PageSave({"udf_vigtigste": text}, "nuvaerende", 1))
    fieldwork.do_save_page(third, fieldwork.PageSave({"udf_vigtigste": ""}, "nuvaerende", 1))
    test_person = fieldwork.do_create_test_respondent(study, "test@example.org")
    fieldwork.do_save_page(test_person, fieldwork.PageSave({"udf_vigtigste": "Test"}, "x", 1))
    response = researcher_client.post(
        "/kodning/",
        {
            "name": "Fra undersøgelsen",
            "codebook": "kd2024",
            "source": "study",
            "study": study.pk,
            "coder_1": coder_a.pk,
            "coder_2": coder_b.pk,
        },
    )
    project = CodingProject.objects.get()
    assert response.status_code == 302
    assert project.study == study
    assert sorted(project.units.values_list("respondent_id", flat=True)) == sorted(
        [first.public_id, second.public_id]
    )
    # A later answer is fetched on request; the existing ones stay.
    fieldwork.do_save_page(third, fieldwork.PageSave({"udf_vigtigste": "Demografi"}, "x", 1))
    researcher_client.post(f"/kodning/{project.pk}/nye-svar/")
    assert project.units.count() == 3


def test_study_of_another_researcher_cannot_be_used(
    client, other_researcher, study, coder_a, coder_b
):
    client.force_login(other_researcher)
    response = client.post(
        "/kodning/",
        {
            "name": "x",
            "codebook": "kd2024",
            "source": "study",
            "study": study.pk,
            "coder_1": coder_a.pk,
            "coder_2": coder_b.pk,
        },
    )
    assert response.status_code == 200 and not CodingProject.objects.exists()
