"""Researcher pages: login, study set-up, import, monitoring, downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.fieldwork import actions
from samspil.fieldwork.models import Study
from samspil.web import worker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/", "/studier/", "/studier/1/", "/studier/1/svar.csv", "/studier/1/forhaandsvisning/x/"],
)
def test_login_required(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_and_login(client, researcher):
    page = client.get("/login/").content.decode()
    assert '<label for="id_username">Brugernavn</label>' in page
    response = client.post("/login/", {"username": "forsker", "password": "hemmelig-123"})
    assert response.status_code == 302 and response["Location"] == "/studier/"


def test_create_study_and_import(researcher_client):
    response = researcher_client.post("/studier/", {"name": "KD 2025", "instrument": "kd2024"})
    study = Study.objects.get(name="KD 2025")
    assert response["Location"] == f"/studier/{study.pk}/"
    upload = SimpleUploadedFile(
        "liste.csv", b"navn,email,kommune\nA,a@example.org,Odense\nB,b@example.org,Vejle\n"
    )
    response = researcher_client.post(
        f"/studier/{study.pk}/respondenter/", {"file": upload}, follow=True
    )
    assert "2 respondenter blev importeret." in response.content.decode()
    assert study.respondents.count() == 2


def test_import_errors_are_shown_and_nothing_is_imported(researcher_client, study):
    upload = SimpleUploadedFile(
        "liste.csv", b"navn,email,kommune\nA,a@example.org,Odense\nB,bad,Vejle\n"
    )
    response = researcher_client.post(
        f"/studier/{study.pk}/respondenter/", {"file": upload}, follow=True
    )
    html = response.content.decode()
    assert (
        "liste.csv, række 3, kolonne email: &#x27;bad&#x27; er ikke en gyldig e-mailadresse."
        in html
    )
    assert "Intet blev importeret." in html
    assert study.respondents.count() == 4


def test_upload_size_limit(researcher_client, study, settings):
    settings.MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("liste.csv", b"x" * (1024 * 1024 + 1))
    response = researcher_client.post(
        f"/studier/{study.pk}/respondenter/", {"file": upload}, follow=True
    )
    assert "Filen er større end 1 MB." in response.content.decode()


def test_detail_shows_monitoring(researcher_client, study):
    a = study.respondents.first()
    actions.do_save_page(a, actions.PageSave({"udf_by": 2.0}, "baggrund", 10, complete=True))
    html = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert (
        "Af de 4 kommunaldirektører, der modtog spørgeskemaet, åbnede 1 spørgeskemaet og "
        "begyndte at svare (25%). 1 svarede på hele spørgeskemaet." in html
    )
    assert (
        '<th scope="row">Aarhus</th><td>2</td><td>1 (50,0%)</td><td>0 (0,0%)</td><td>1 (50,0%)</td>'
        in html
    )


def test_other_researcher_cannot_see_study(client, other_researcher, study):
    client.force_login(other_researcher)
    assert client.get(f"/studier/{study.pk}/").status_code == 404
    assert client.get(f"/studier/{study.pk}/svar.csv").status_code == 404
    assert client.post(f"/studier/{study.pk}/luk/").status_code == 404
    assert "KD 2024 test" not in client.get("/studier/").content.decode()


def test_open_close(researcher_client, study):
    researcher_client.post(f"/studier/{study.pk}/luk/")
    study.refresh_from_db()
    assert study.status == Study.Status.CLOSED
    researcher_client.post(f"/studier/{study.pk}/aabn/")
    study.refresh_from_db()
    assert study.status == Study.Status.OPEN


def test_preview_every_page(researcher_client, study):
    for section in study.instrument.sections:
        response = researcher_client.get(f"/studier/{study.pk}/forhaandsvisning/{section.id}/")
        assert response.status_code == 200
    assert study.respondents.filter(opened_at__isnull=False).count() == 0


def test_downloads(researcher_client, study):
    a = study.respondents.first()
    actions.do_save_page(a, actions.PageSave({"udf_vigtigste": "Klima"}, "civilsamfund", 1))
    status = researcher_client.get(f"/studier/{study.pk}/status.csv")
    assert status["Content-Type"].startswith("text/csv")
    assert b"kommune,modtagere,fuldt_besvaret" in status.content
    plain = researcher_client.get(f"/studier/{study.pk}/svar.csv").content.decode()
    assert plain.startswith("respondent_id,udf_vigtigste,") and "a" + "nna@" not in plain
    kommune = researcher_client.get(f"/studier/{study.pk}/svar.csv?kommune=1").content.decode()
    assert kommune.startswith("respondent_id,kommune,udf_vigtigste,") and "@" not in kommune
    excel = researcher_client.get(f"/studier/{study.pk}/svar.csv?excel=1").content
    assert excel.startswith(b"\xef\xbb\xbfrespondent_id;udf_vigtigste;")
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "hverken navn, e-mail eller kommune" in page and "?kommune=1" in page
    named = researcher_client.get(f"/studier/{study.pk}/svar.csv?identifiers=1").content.decode()
    assert named.startswith("respondent_id,name,email,kommune,") and "anna@example.org" in named
    links = researcher_client.get(f"/studier/{study.pk}/links.csv").content.decode()
    assert f"http://testserver/s/{a.token}/" in links


def test_report_button(researcher_client, study, settings, tmp_path):
    pytest.importorskip("samspil.reports")
    settings.DATA_DIR = tmp_path
    a = study.respondents.first()
    actions.do_save_page(a, actions.PageSave({"udf_by": 3.0}, "baggrund", 10, complete=True))
    from unittest import mock

    import samspil.reports

    calls = []

    def fake(report_id, responses, out, **kw):  # the real builder has its own tests
        data = responses.data
        assert responses.instrument is study.instrument  # the study's frozen copy
        calls.append((report_id, list(data.columns)[:2], len(data)))
        (out / "index.html").write_text("<p>rapport</p>")
        return object()

    with mock.patch.object(samspil.reports, "make_report", fake):
        response = researcher_client.post(f"/studier/{study.pk}/rapport/", follow=True)
    assert calls == [("kd2024", ["respondent_id", "kommune"], 1)]
    assert "index.html" in response.content.decode()
    file = researcher_client.get(f"/studier/{study.pk}/rapport/index.html")
    assert b"".join(file.streaming_content) == b"<p>rapport</p>"
    assert researcher_client.get(f"/studier/{study.pk}/rapport/..%2Fx").status_code == 404


def test_respondent_list(researcher_client, study, smtp_server):
    actions.do_send_round(study)
    worker.run_queued_tasks()
    html = researcher_client.get(f"/studier/{study.pk}/respondenter/").content.decode()
    assert "anna@example.org" in html and "Direktionen" in html
    assert html.count("<td>1, ") == 4  # one e-mail sent to each
    assert "Ikke åbnet" in html


def test_xlsx_upload(researcher_client, study):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["navn", "email", "kommune"])
    book.active.append(["X", "x@example.org", "Køge"])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("liste.xlsx", data.getvalue())
    researcher_client.post(f"/studier/{study.pk}/respondenter/", {"file": upload})
    assert study.respondents.filter(email="x@example.org", municipality__name="Køge").exists()
