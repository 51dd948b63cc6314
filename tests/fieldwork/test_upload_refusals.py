"""Upload refusals speak Danish on Danish pages (issue 17, items 4 and 5): the three
spreadsheet attack files, a UTF-16 file and too many rows are refused on the respondent
list and questionnaire uploads with a Danish message naming the file; nothing is imported."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.core import xlsx_attacks

from samspil.fieldwork.models import Study

pytestmark = pytest.mark.django_db


def _upload_list(client, study, name: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, data)
    response = client.post(f"/studier/{study.pk}/respondenter/", {"file": upload}, follow=True)
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_respondent_list_with_a_ten_million_cell_row_is_refused_in_danish(
    researcher_client, study
):
    before = study.respondents.count()
    html = _upload_list(researcher_client, study, "liste.xlsx", xlsx_attacks.wide_row())
    assert "liste.xlsx: filen pakker ud til mere, end samspil læser fra én fil" in html
    assert study.respondents.count() == before


def test_a_respondent_list_with_unused_shared_strings_is_refused_in_danish(
    researcher_client, study
):
    before = study.respondents.count()
    data = xlsx_attacks.unused_shared_strings(1_000_000)
    html = _upload_list(researcher_client, study, "liste.xlsx", data)
    assert "liste.xlsx: filen rummer flere tekster, end dens celler bruger." in html
    assert "Gem filen igen i Excel." in html
    assert study.respondents.count() == before


def test_a_respondent_list_with_a_value_beyond_the_header_names_its_row_in_danish(
    researcher_client, study
):
    row = xlsx_attacks.row_xml(3, ["Bo", "bo@example.org", "Odense", "ekstra"])
    html = _upload_list(researcher_client, study, "liste.xlsx", xlsx_attacks.respondents([row]))
    assert "liste.xlsx, række 3: en værdi til højre for overskriftsrækkens sidste kolonne." in html


def test_a_utf16_respondent_list_without_a_byte_order_mark_asks_for_csv_utf8(
    researcher_client, study
):
    data = "navn,email,kommune\nA,a@example.org,Odense\n".encode("utf-16-le")
    html = _upload_list(researcher_client, study, "liste.csv", data)
    assert "liste.csv: filen er ikke en CSV-tekstfil i UTF-8. Gem filen som CSV UTF-8." in html
    assert "Intet blev importeret." in html


def test_a_utf16_respondent_list_with_its_byte_order_mark_is_imported(researcher_client, study):
    data = "navn,email,kommune\nÅse,aase@example.org,Køge\n".encode("utf-16")
    html = _upload_list(researcher_client, study, "liste.csv", data)
    assert "1 respondenter blev importeret." in html
    assert study.respondents.filter(name="Åse", municipality__name="Køge").exists()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_respondent_list_with_too_many_rows_is_refused_in_danish(
    researcher_client, study, monkeypatch, suffix
):
    from samspil.fieldwork import respondents_import

    monkeypatch.setattr(respondents_import, "MAX_ROWS", 2)
    people = [[f"P{i}", f"p{i}@example.org", "Odense"] for i in range(5)]
    if suffix == "csv":
        data = "".join(",".join(r) + "\n" for r in [["navn", "email", "kommune"], *people])
        upload = data.encode()
    else:
        rows = [xlsx_attacks.row_xml(i, r) for i, r in enumerate(people, start=2)]
        upload = xlsx_attacks.build_xlsx(
            {
                "Ark1": xlsx_attacks.sheet(
                    [xlsx_attacks.row_xml(1, ["navn", "email", "kommune"]), *rows]
                )
            }
        )
    html = _upload_list(researcher_client, study, f"liste.{suffix}", upload)
    assert f"liste.{suffix}: mere end 2 rækker." in html
    assert "Intet blev importeret." in html


def test_a_tiny_xlsform_declaring_a_million_rows_is_refused_in_danish(researcher_client):
    data = xlsx_attacks.xlsform(dimension="A1:XFD1048576")
    upload = SimpleUploadedFile("skema.xlsx", data)
    response = researcher_client.post(
        "/studier/", {"name": "Angreb", "instrument": "", "questionnaire": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "skema.xlsx: arket siger, at det er større, end dets celler er." in html
    assert not Study.objects.filter(name="Angreb").exists()
