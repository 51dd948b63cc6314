"""Each municipality's own report, given to the right people only (issue 21 item 4).

After the study closes, a respondent's personal link opens a page with its own
municipality's report (PDF, Word, XLSX) and nobody else's; the study's researchers see
them all on the study page, with the downloads made through personal links counted per
municipality; the invitation can promise the report."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from django.core import mail
from django.urls import reverse

from samspil.fieldwork import actions
from samspil.fieldwork import municipal_reports as mr
from samspil.fieldwork.models import MunicipalReportDownload, Respondent, Study
from samspil.reports.municipal import municipality_slug
from samspil.web.worker import run_queued_tasks


def fake_writer(spec, data, instrument, out: Path, **options) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Stands in for samspil.reports.municipal.write_municipality_reports: the same
    folders, index and file names, each file naming its municipality."""
    names = data.data["kommune"].dropna()
    rows = []
    for name, count in sorted(names.value_counts().items()):
        folder = municipality_slug(name)
        (out / folder).mkdir(parents=True)
        for filename in mr.FILES.values():
            (out / folder / filename).write_text(f"{filename} of {name}")
        rows.append({"kommune": name, "folder": folder, "respondents": int(count)})
    index = pd.DataFrame(rows, columns=["kommune", "folder", "respondents"])
    index.to_csv(out / "index.csv", index=False)
    return index


def answer_all(study: Study) -> None:
    for r in study.respondents.order_by("row_number"):
        actions.do_save_page(r, actions.PageSave({"udf_by": 3.0}, "civilsamfund", 1, complete=True))


@pytest.fixture
def promised(study, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The conftest study (Aarhus x2, Albertslund, København), promising own reports."""
    settings.DATA_DIR = tmp_path
    Study.objects.filter(pk=study.pk).update(municipal_reports=True)
    study.refresh_from_db()
    answer_all(study)
    return study


@pytest.fixture
def closed(promised, monkeypatch):  # type: ignore[no-untyped-def]
    """Closed, and the worker has made the reports (with the fake writer)."""
    monkeypatch.setattr(mr, "WRITER", lambda: fake_writer)
    study = actions.do_close_study(promised)
    assert run_queued_tasks() == 1
    return study


def test_the_reports_are_made_on_the_studys_report_basis(promised, monkeypatch):
    """The withdrawn answers' note and the previous round come from the study's report
    basis (samspil.fieldwork.export.report_basis), as for the national report."""
    from samspil.fieldwork.export import previous_label, withdrawn_note

    seen: dict = {}

    def writer(spec, data, instrument, out: Path, **options):  # type: ignore[no-untyped-def]
        seen.clear()
        seen.update(options)
        return fake_writer(spec, data, instrument, out, **options)

    monkeypatch.setattr(mr, "WRITER", lambda: writer)
    Study.objects.filter(pk=promised.pk).update(withdrawn_count=2)
    promised.refresh_from_db()
    mr.make_municipal_reports(promised)
    assert seen["banner"] == withdrawn_note(2)
    assert "previous" not in seen
    # a previous round (here the study itself, only to see what is passed on)
    Study.objects.filter(pk=promised.pk).update(previous=promised)
    promised.refresh_from_db()
    mr.make_municipal_reports(promised)
    assert seen["previous_label"] == previous_label(promised)
    assert len(seen["previous"].data) == len(mr_answers(promised))


def mr_answers(study: Study) -> pd.DataFrame:
    from samspil.fieldwork.export import study_responses

    return study_responses(study).data


def _by_town(study: Study, town: str) -> Respondent:
    return study.respondents.filter(municipality__name=town).order_by("row_number").first()


def _download(client, respondent: Respondent, folder: str, filename: str):  # type: ignore[no-untyped-def]
    return client.get(f"/s/{respondent.token}/rapport/{folder}/{filename}")


def test_a_respondents_token_opens_only_their_own_municipalitys_report(client, closed):
    aarhus = _by_town(closed, "Aarhus")
    page = client.get(f"/s/{aarhus.token}/rapport/")
    html = page.content.decode()
    assert page.status_code == 200 and "Aarhus" in html
    assert "no-store" in page["Cache-Control"]
    assert "/aarhus/report.pdf" in html and "/aarhus/report.docx" in html
    assert "/aarhus/tables.xlsx" in html
    assert "albertslund" not in html and "koebenhavn" not in html
    got = _download(client, aarhus, "aarhus", "report.pdf")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"report.pdf of Aarhus"
    # another municipality's report by URL manipulation: the same 404 as an unknown file
    for folder in ("albertslund", "koebenhavn", "..", "aarhus/../albertslund"):
        assert _download(client, aarhus, folder, "report.pdf").status_code == 404
    assert _download(client, aarhus, "aarhus", "index.csv").status_code == 404
    assert _download(client, aarhus, "aarhus", "tables").status_code == 404
    # and the other municipality's own respondent gets theirs
    albertslund = _by_town(closed, "Albertslund")
    got = _download(client, albertslund, "albertslund", "tables.xlsx")
    assert b"".join(got.streaming_content) == b"tables.xlsx of Albertslund"


def test_the_personal_link_of_a_closed_study_leads_to_the_report(client, closed):
    r = _by_town(closed, "Albertslund")
    response = client.get(f"/s/{r.token}/")
    assert response.status_code == 302 and response["Location"] == f"/s/{r.token}/rapport/"
    # the questionnaire itself stays shut
    assert client.get(f"/s/{r.token}/side/civilsamfund/").status_code == 404


def test_no_report_before_the_study_closes_nor_without_the_promise(client, promised, monkeypatch):
    monkeypatch.setattr(mr, "WRITER", lambda: fake_writer)
    r = _by_town(promised, "Aarhus")
    assert client.get(f"/s/{r.token}/rapport/").status_code == 404  # still open
    assert _download(client, r, "aarhus", "report.pdf").status_code == 404
    mr.make_municipal_reports(promised)  # even when made early (by hand)
    assert _download(client, r, "aarhus", "report.pdf").status_code == 404
    actions.do_close_study(promised)
    Study.objects.filter(pk=promised.pk).update(municipal_reports=False)
    assert client.get(f"/s/{r.token}/rapport/").status_code == 404  # not promised
    assert _download(client, r, "aarhus", "report.pdf").status_code == 404
    assert client.get(f"/s/{r.token}/").status_code == 404  # a closed link, as before
    Study.objects.filter(pk=promised.pk).update(municipal_reports=True)
    test = actions.do_create_test_respondent(promised, "test@example.org")
    Respondent.objects.filter(pk=test.pk).update(municipality=r.municipality)
    assert client.get(f"/s/{test.token}/rapport/").status_code == 404  # test links: no


def test_researchers_of_the_study_see_every_report_and_the_downloads_per_municipality(
    client, researcher_client, closed, other_researcher
):
    aarhus = [r for r in closed.respondents.filter(municipality__name="Aarhus")]
    for r in (*aarhus, aarhus[0]):
        assert _download(client, r, "aarhus", "report.pdf").status_code == 200
    _download(client, _by_town(closed, "Albertslund"), "albertslund", "report.docx")
    _download(client, aarhus[0], "albertslund", "report.docx")  # refused: not counted
    counts = dict(
        MunicipalReportDownload.objects.filter(study=closed).values_list(
            "municipality__name", "count"
        )
    )
    assert counts == {"Aarhus": 3, "Albertslund": 1}

    html = researcher_client.get(f"/studier/{closed.pk}/").content.decode()
    section = html.split('id="municipal-reports"', 1)[1].split("</section>", 1)[0]
    for town, downloads in (("Aarhus", 3), ("Albertslund", 1), ("København", 0)):
        row = section.split(f'<th scope="row">{town}</th>', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="downloads">{downloads}</td>' in row
    url = reverse("study_municipal_report_file", args=[closed.pk, "koebenhavn", "tables.xlsx"])
    assert url in section
    got = researcher_client.get(url)
    assert b"".join(got.streaming_content) == "tables.xlsx of København".encode()
    assert (
        researcher_client.get(
            reverse("study_municipal_report_file", args=[closed.pk, "koebenhavn", "index.csv"])
        ).status_code
        == 404
    )
    # a researcher of another study sees none of them
    client.force_login(other_researcher)
    assert client.get(url).status_code == 404
    assert client.post(reverse("study_municipal_reports", args=[closed.pk])).status_code == 404
    # researchers' downloads are not counted
    assert not MunicipalReportDownload.objects.filter(
        study=closed, municipality__name="København"
    ).exists()


def test_before_the_worker_has_made_them_the_page_says_so_and_queues_them_once(
    client, promised, monkeypatch
):
    monkeypatch.setattr(mr, "WRITER", lambda: fake_writer)
    Study.objects.filter(pk=promised.pk).update(status=Study.Status.CLOSED)  # no queueing
    r = _by_town(promised, "Aarhus")
    html = client.get(f"/s/{r.token}/rapport/").content.decode()
    assert "Rapporten bliver lavet" in html and "report.pdf" not in html
    client.get(f"/s/{r.token}/rapport/")
    assert run_queued_tasks() == 1  # queued on the first request, once
    html = client.get(f"/s/{r.token}/rapport/").content.decode()
    assert "/aarhus/report.pdf" in html


def test_the_invitation_promises_the_report_when_the_study_says_so(
    researcher_client, study, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = researcher_client.post(
        f"/studier/{study.pk}/mailtekster/",
        {"mail_note": "", "mail_signature": "Forskerne", "municipal_reports": "on"},
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.municipal_reports
    from samspil.fieldwork.mail import build_message

    respondent = study.respondents.first()
    body = build_message(respondent, 0, base_url="https://example.org").body
    assert "samme link til din kommunes egen rapport" in body
    researcher_client.post(
        f"/studier/{study.pk}/mailtekster/", {"mail_note": "", "mail_signature": "Forskerne"}
    )
    study.refresh_from_db()
    body = build_message(study.respondents.first(), 0, base_url="https://example.org").body
    assert not study.municipal_reports and "egen rapport" not in body
    assert not mail.outbox


def test_an_erased_respondents_municipality_loses_its_report_and_the_others_are_made_again(
    client, closed, django_capture_on_commit_callbacks, monkeypatch
):
    """Albertslund's only respondent withdraws (privacy's erasure): the set made at
    closing, which holds her answer as Albertslund's own and among every other
    municipality's others, is removed once the erasure commits and made again without
    her."""
    from samspil.fieldwork.export import report_dir
    from samspil.privacy.persons import Identity, erase_respondent

    national = report_dir(closed)
    national.mkdir(parents=True)
    (national / "report.html").write_text("made before the erasure")
    albertslund = _by_town(closed, "Albertslund")
    aarhus = _by_town(closed, "Aarhus")
    assert "Albertslund" in mr.report_index(closed)
    # the database's own scrub after an erasure cannot run inside the test's transaction
    # (tests/privacy/test_erasure_traces.py covers it)
    monkeypatch.setattr("samspil.web.scrub.scrub", lambda **kw: None)
    with django_capture_on_commit_callbacks(execute=True):
        erase_respondent(albertslund, user=None, identity=Identity("mitid"))
        assert mr.municipal_dir(closed).is_dir()  # nothing removed before the commit
    assert not mr.municipal_dir(closed).exists() and not national.exists()
    html = client.get(f"/s/{aarhus.token}/rapport/").content.decode()
    assert "Rapporten bliver lavet" in html and "report.pdf" not in html
    assert run_queued_tasks() == 1  # queued by the erasure (the page did not queue again)
    assert set(mr.report_index(closed)) == {"Aarhus", "København"}
    assert _download(client, aarhus, "aarhus", "report.pdf").status_code == 200


def test_a_set_written_while_a_respondent_is_erased_is_written_again(promised, monkeypatch):
    calls: list[int] = []

    def erased_meanwhile(spec, data, instrument, out: Path, **options):  # type: ignore[no-untyped-def]
        calls.append(len(data.data))
        if len(calls) == 1:  # privacy's erasure commits while the first set is written
            Respondent.objects.filter(pk=_by_town(promised, "Albertslund").pk).delete()
            Study.objects.filter(pk=promised.pk).update(withdrawn_count=1)
        return fake_writer(spec, data, instrument, out, **options)

    monkeypatch.setattr(mr, "WRITER", lambda: erased_meanwhile)
    assert mr.make_municipal_reports(promised) == 2  # Aarhus and København: no Albertslund
    assert calls == [4, 3]
    assert set(mr.report_index(promised)) == {"Aarhus", "København"}
    assert [p.name for p in mr.municipal_dir(promised).parent.iterdir()] == [
        mr.municipal_dir(promised).name
    ]  # the dropped set left nothing behind


@pytest.mark.slow
def test_the_worker_makes_every_municipalitys_report_on_closing_and_serves_one_quickly(
    client, promised
):
    """With the real writer (samspil.reports.municipal): PDF, Word and XLSX per
    municipality; a download of one is served from the made files."""
    actions.do_close_study(promised)
    assert run_queued_tasks() == 1
    index = mr.report_index(promised)
    assert set(index) == {"Aarhus", "Albertslund", "København"}
    folder = mr.municipal_dir(promised)
    for slug, _n in index.values():
        assert (folder / slug / "report.pdf").read_bytes().startswith(b"%PDF")
        assert (folder / slug / "report.docx").is_file()
        assert (folder / slug / "tables.xlsx").is_file()
    r = _by_town(promised, "Aarhus")
    for _ in range(2):  # the first request of the process also loads the URL modules
        started = time.perf_counter()
        got = _download(client, r, "aarhus", "report.pdf")
        body = b"".join(got.streaming_content)
        elapsed = time.perf_counter() - started
        assert got.status_code == 200 and body.startswith(b"%PDF")
        print(f"one municipality's PDF served in {elapsed:.3f} s")


def test_a_municipalitys_contact_point_in_the_register_gets_only_its_own_report(
    client, closed, django_user_model
):
    """Confirmed staff of a municipality in the register (asked through the platform's
    registry, samspil.web.municipal_staff) fetch their own municipality's report."""
    from django.utils import timezone

    from samspil.register.models import Party

    aarhus = _by_town(closed, "Aarhus").municipality
    staff = django_user_model.objects.create_user("kontakt", password="hemmelig-789")
    Party.objects.create(user=staff, municipality=aarhus, confirmed_at=timezone.now())
    client.force_login(staff)
    html = client.get("/kommunerapporter/").content.decode()
    own = f"/kommunerapporter/{closed.pk}/aarhus/report.pdf"
    assert own in html and "albertslund" not in html
    got = client.get(own)
    assert b"".join(got.streaming_content) == b"report.pdf of Aarhus"
    assert client.get(f"/kommunerapporter/{closed.pk}/albertslund/report.pdf").status_code == 404
    assert client.get(f"/kommunerapporter/{closed.pk}/aarhus/index.csv").status_code == 404
    assert MunicipalReportDownload.objects.get(study=closed, municipality=aarhus).count == 1
    # not confirmed yet, or another municipality's staff: nothing
    Party.objects.filter(user=staff).update(confirmed_at=None)
    assert client.get(own).status_code == 404
    assert "aarhus" not in client.get("/kommunerapporter/").content.decode()
    # nor once the study no longer promises it
    Party.objects.filter(user=staff).update(confirmed_at=timezone.now())
    Study.objects.filter(pk=closed.pk).update(municipal_reports=False)
    assert client.get(own).status_code == 404
