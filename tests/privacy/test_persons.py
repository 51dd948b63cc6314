"""Requests from a person: find by e-mail, access export (art. 15), erasure (art. 17)."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from samspil.coding_web.models import CodingUnit, CodingVersion, Decision
from samspil.fieldwork.models import MessageLog, Respondent
from samspil.privacy.models import PersonRequest
from samspil.privacy.persons import Identity
from samspil.web.models import AuditEvent
from tests.privacy.conftest import find_anywhere, report_tables

pytestmark = pytest.mark.django_db

MITID = {"identity_check": "mitid"}


def _anna(study):  # type: ignore[no-untyped-def]
    return Respondent.objects.get(study=study, email="anna@example.org")


def test_erasure_removes_every_row_that_referred_to_the_person(
    fielded, researcher, researcher_client, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    anna = _anna(fielded)
    LogEntry.objects.create(  # an edit in the admin pages
        user=researcher,
        content_type=ContentType.objects.get_for_model(Respondent),
        object_id=str(anna.pk),
        object_repr=str(anna),
        action_flag=CHANGE,
        change_message="Changed attributes.",
    )
    ids = {"pk": anna.pk, "public_id": anna.public_id, "token": anna.token}
    units = list(CodingUnit.objects.filter(respondent_id=anna.public_id))
    assert units and MessageLog.objects.filter(respondent=anna).exists()
    assert Decision.objects.filter(unit__in=units).exists()
    others_before = Respondent.objects.filter(study=fielded).count() - 1

    page = researcher_client.post("/personer/", {"email": "ANNA@example.org"})
    assert "Anna Testesen" in page.content.decode()
    response = researcher_client.post(f"/personer/{anna.pk}/slet/", {"confirm": "on", **MITID})
    assert response.status_code == 302

    assert not Respondent.objects.filter(pk=ids["pk"]).exists()
    assert not MessageLog.objects.filter(respondent_id=ids["pk"]).exists()
    assert not CodingUnit.objects.filter(respondent_id=ids["public_id"]).exists()
    assert not CodingVersion.objects.filter(unit_id__in=[u.pk for u in units]).exists()
    assert not LogEntry.objects.filter(object_id=str(ids["pk"])).exists()
    needles = ["Anna Testesen", "anna@example.org", ids["token"], ids["public_id"]]
    needles.append("Synthetic open answer 0")  # her open answer
    assert find_anywhere(needles) == []
    # The others are untouched.
    assert Respondent.objects.filter(study=fielded).count() == others_before
    # The log says it happened, not who.
    event = AuditEvent.objects.get(action="erase")
    assert event.study_id == fielded.pk and event.actor == "forsker"
    # Reports made afterwards say that answers were withdrawn.
    fielded.refresh_from_db()
    assert fielded.withdrawn_count == 1
    from samspil.fieldwork.export import make_study_report

    make_study_report(fielded, tmp_path / "r", formats={"html"})
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "1 respondent har trukket sine svar tilbage" in html


def test_erasure_removes_the_reports_made_before_which_quote_the_person(
    fielded, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The study's data report and the coding project's, made before Anna withdrew, count
    her answers and quote her open answer: they go once her erasure commits, and no file
    left under the data folder holds her words."""
    from samspil.coding_web import actions as coding
    from samspil.coding_web.models import CodingProject
    from samspil.coding_web.project_answers import report_dir as coding_report_dir
    from samspil.fieldwork.export import make_study_report, report_dir
    from samspil.privacy.persons import erase_respondent

    settings.DATA_DIR = tmp_path
    # the database's own scrub after an erasure cannot run inside the test's transaction
    # (tests/privacy/test_erasure_traces.py covers it)
    monkeypatch.setattr("samspil.web.scrub.scrub", lambda **kw: None)
    project = CodingProject.objects.get(study=fielded)
    made = [report_dir(fielded), coding_report_dir(project)]
    make_study_report(fielded, made[0], formats={"html", "csv"})
    coding.do_make_report(project, made[1])
    words = "Synthetic open answer 0"  # her open answer, quoted in the coding report

    def holding_her_words() -> list[str]:
        return [
            str(f.relative_to(tmp_path))
            for f in tmp_path.rglob("*")
            if f.is_file() and words.encode() in f.read_bytes()
        ]

    assert any(name.startswith(f"reports/coding-{project.pk}/") for name in holding_her_words())
    with django_capture_on_commit_callbacks(execute=True):
        erase_respondent(_anna(fielded), user=None, identity=Identity("mitid"))
        assert all(folder.is_dir() for folder in made)  # nothing removed before the commit
    assert not any(folder.exists() for folder in made)
    assert holding_her_words() == []


def test_erasure_needs_the_confirmation_and_access_to_the_study(
    fielded, researcher_client, other_researcher, client
):
    anna = _anna(fielded)
    researcher_client.post(f"/personer/{anna.pk}/slet/", MITID)
    assert Respondent.objects.filter(pk=anna.pk).exists()
    client.force_login(other_researcher)
    assert client.post(f"/personer/{anna.pk}/slet/", {"confirm": "on", **MITID}).status_code == 404
    assert client.post("/personer/", {"email": "anna@example.org"}).context["found"] == []
    assert Respondent.objects.filter(pk=anna.pk).exists()


def test_access_export_holds_everything_stored_about_the_person(fielded, researcher_client):
    anna = _anna(fielded)
    response = researcher_client.post(
        "/personer/indsigt.json", {"email": "anna@example.org", **MITID}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    (record,) = data["records"]
    assert record["respondent"]["name"] == "Anna Testesen"
    assert record["respondent"]["email"] == "anna@example.org"
    assert record["respondent"]["municipality"] == "Aarhus"
    assert record["respondent"]["respondent_id"] == anna.public_id
    stored = {a["variable"]: a["answer"] for a in record["answers"]}
    assert stored == anna.answers
    labelled = [a for a in record["answers"] if a["answer_label"]]
    assert labelled and all(a["question"] for a in labelled)
    assert [m["kind"] for m in record["emails_sent"]] == ["invitation"]
    assert record["coding_of_open_answers"][0]["text"] == "Synthetic open answer 0"
    assert record["coding_of_open_answers"][0]["final_codes"] == [["demografi"]]
    assert record["study"]["privacy_notice"].startswith("Sådan behandler vi")
    event = AuditEvent.objects.get(action="access_export")
    assert event.study_id == fielded.pk
    assert "anna" not in (event.target + event.detail).lower()


def test_search_keeps_the_address_out_of_urls_and_the_log(fielded, researcher_client):
    assert researcher_client.get("/personer/?email=anna@example.org").context["found"] is None
    researcher_client.post("/personer/", {"email": "anna@example.org"})
    researcher_client.post("/personer/", {"email": "nobody@example.org"})
    assert [e.detail for e in AuditEvent.objects.filter(action="find_person")] == [
        "not found",
        "found",
    ]
    assert find_anywhere(["nobody@example.org"]) == []


def test_erasing_the_withdrawn_respondent_leaves_the_other_answers_in_the_tables(fielded, tmp_path):
    from samspil.privacy.persons import erase_respondent

    untouched = Respondent.objects.get(study=fielded, email="dan@example.org")  # no answers
    before = report_tables(fielded, tmp_path / "before")
    erase_respondent(untouched, user=None, identity=Identity("mitid"))
    assert report_tables(fielded, tmp_path / "after") == before


SMALL = ["Albertslund", "Odense", "Vejle", "Aalborg", "Esbjerg", "Horsens"]


def _response_table(study):  # type: ignore[no-untyped-def]
    """Bilagstabel 1.1 (header, rows, note), the method chapter's text and the report's
    banner, as a report made now would print them."""
    from samspil.fieldwork.export import study_responses, withdrawn_note
    from samspil.reports.default import default_spec
    from samspil.reports.document import method_chapter

    study.refresh_from_db()
    responses = study_responses(study)
    chapter = method_chapter(
        default_spec(responses.instrument), responses.instrument, responses.data, responses.study
    )
    (table,) = [i for i in chapter.items if i.id == "bilagstabel_1_1"]
    assert table.grid is not None
    banner = withdrawn_note(study.withdrawn_count) if study.withdrawn_count else ""
    return table.grid.header, table.grid.rows, table.note, chapter.paragraphs, banner


def test_after_an_erasure_the_response_table_does_not_show_which_municipality_withdrew(
    researcher,
):
    """One respondent per small municipality (as one director per municipality): whichever
    of them is erased, every report printed afterwards is the same, and no municipality
    below the pooling size is named."""
    from django.db import transaction

    from samspil.fieldwork import actions
    from samspil.fieldwork.respondents_import import read_respondents
    from samspil.privacy.persons import erase_respondent

    rows = [f"Aarhus {i},aarhus{i}@example.org,Aarhus" for i in range(6)]
    rows += [f"Direktør {m},{m.lower()}@example.org,{m}" for m in SMALL]
    study = actions.do_create_study(
        "Tilbagetrukket",
        "kd2024",
        researchers=[researcher],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    csv = "navn,email,kommune\n" + "\n".join(rows) + "\n"
    actions.do_import_respondents(study, read_respondents("liste.csv", csv.encode()))
    actions.do_open_study(study)
    study.respondents.update(invited_at=timezone.now())  # the invitation went out
    _, rows_before, *_ = _response_table(study)
    assert [r[0] for r in rows_before] == [*sorted(["Aarhus", *SMALL]), "I alt"]

    printed = {}
    for municipality in ("Albertslund", "Odense"):
        with transaction.atomic():
            erase_respondent(
                Respondent.objects.get(study=study, municipality__name=municipality),
                user=None,
                identity=Identity("in_person"),
            )
            printed[municipality] = _response_table(study)
            transaction.set_rollback(True)
    assert printed["Albertslund"] == printed["Odense"]
    _, rows_after, note, paragraphs, banner = printed["Odense"]
    assert [r[0] for r in rows_after] == [
        "Aarhus",
        "Kommuner med færre end 5 modtagere",
        "I alt",
    ]
    assert rows_after[1][1] == "5" and rows_after[2][1] == "11"
    text = "\n".join([*paragraphs, note, banner, *(c for r in rows_after for c in r)])
    assert not [m for m in SMALL if m in text]
    assert "vist samlet" in note and banner == (
        "1 respondent har trukket sine svar tilbage; de er ikke medtaget."
    )


def test_a_pool_of_small_municipalities_takes_the_smallest_others_until_it_is_large_enough():
    import pandas as pd

    from samspil.reports.document import pool_small_groups

    def frame(**invited: int) -> pd.DataFrame:
        return pd.DataFrame(
            [{"group": g, "invited": n, "opened": n, "started": n, "completed": 0}
             for g, n in invited.items()]
        )  # fmt: skip

    pooled = pool_small_groups(frame(Aarhus=9, Odense=5, Vejle=2), 5)
    assert pooled[["group", "invited"]].values.tolist() == [
        ["Aarhus", 9],
        ["Kommuner med færre end 5 modtagere", 7],  # Vejle alone would be Vejle
    ]
    assert pool_small_groups(frame(Aarhus=9, Odense=5), 5)["group"].tolist() == [
        "Aarhus",
        "Odense",
    ]
    assert pool_small_groups(frame(Vejle=2, Odense=1), 5).empty  # the total says it all


REFUSED = "Angiv, hvordan personens identitet er kontrolleret, før du går videre."


def test_access_and_erasure_cannot_be_completed_without_the_identity_check(
    study, researcher_client
):
    anna = _anna(study)
    for url, data in (
        ("/personer/indsigt.json", {"email": "anna@example.org"}),
        (f"/personer/{anna.pk}/slet/", {"confirm": "on"}),
        (f"/personer/{anna.pk}/slet/", {"confirm": "on", "identity_check": "snakket"}),
    ):
        response = researcher_client.post(url, data, follow=True)
        # the page again, the person still found, the problem in the summary and beside
        # the field
        assert response.status_code == 200 and response.context["found"] == [anna]
        page = response.content.decode()
        assert 'id="error-summary"' in page and page.count(REFUSED) == 2
    response = researcher_client.post(
        f"/personer/{anna.pk}/slet/", {"confirm": "on", "identity_check": "other"}, follow=True
    )
    assert "Beskriv, hvordan identiteten er kontrolleret." in response.content.decode()
    assert Respondent.objects.filter(pk=anna.pk).exists()
    assert not PersonRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["erase", "access_export"]).exists()
    # the action itself refuses too, whoever calls it
    from samspil.privacy.persons import IdentityNotChecked, erase_respondent

    with pytest.raises(IdentityNotChecked):
        erase_respondent(anna, user=None, identity=None)
    with pytest.raises(IdentityNotChecked):
        Identity("other", "")
    with pytest.raises(IdentityNotChecked):
        Identity("other", "svar fra anna@example.org")  # the note goes into the log


def test_access_and_erasure_record_how_the_identity_was_checked(study, researcher_client):
    anna = _anna(study)
    page = researcher_client.post("/personer/", {"email": "anna@example.org"}).content.decode()
    assert 'name="identity_check"' in page and "MitID / NemLog-in" in page
    response = researcher_client.post(
        "/personer/indsigt.json", {"email": "anna@example.org", "identity_check": "mitid"}
    )
    assert response.status_code == 200
    response = researcher_client.post(
        f"/personer/{anna.pk}/slet/",
        {"confirm": "on", "identity_check": "other", "identity_note": "videomøde med pas"},
    )
    assert response.status_code == 302 and not Respondent.objects.filter(pk=anna.pk).exists()
    access, erasure = PersonRequest.objects.order_by("pk")
    assert (access.kind, access.identity_check, access.study_id) == ("access", "mitid", study.pk)
    assert (erasure.kind, erasure.identity_check, erasure.identity_note) == (
        "erasure",
        "other",
        "videomøde med pas",
    )
    assert erasure.actor == "forsker"
    assert "identity checked by mitid" in AuditEvent.objects.get(action="access_export").detail
    assert AuditEvent.objects.get(action="erase").detail.endswith(
        "identity checked by other (videomøde med pas)"
    )
