"""The audit log: append-only, an entry for every export path, visible to the study's
researchers and the administrators, exportable as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from samspil.fieldwork.export import make_study_report
from samspil.web.audit import CSV_COLUMNS, record_event
from samspil.web.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


# -- append-only --------------------------------------------------------------------------


def test_no_code_path_changes_or_deletes_an_audit_row(study, researcher):
    event = record_event(researcher, "export_answers", study=study, detail="4 respondents")
    before = list(AuditEvent.objects.values())
    event.detail = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["detail"])
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["detail"])
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"detail": "x"})
    # Deleting the user or the study does not reach the log (no foreign keys).
    study.coding_projects.all().delete()
    study.delete()
    researcher.delete()
    assert list(AuditEvent.objects.values()) == before


def test_the_admin_pages_cannot_add_change_or_delete_audit_rows(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}


def test_record_event_refuses_personal_data_and_unknown_actions(study, researcher):
    with pytest.raises(ValueError, match="e-mail"):
        record_event(researcher, "export_answers", study=study, detail="to anna@example.org")
    with pytest.raises(ValueError, match="unknown audit action"):
        record_event(researcher, "peeked", study=study)
    assert not AuditEvent.objects.exists()


# -- every export path ------------------------------------------------------------------------


def _events() -> list[tuple[str, bool]]:
    return [(e.action, e.identifiers) for e in AuditEvent.objects.order_by("pk")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("respondenter/", ("view_respondents", True)),
        ("svar.csv", ("export_answers", False)),
        ("svar.csv?identifiers=1", ("export_answers", True)),
        ("svar/sav/", ("export_answers", False)),
        ("svar/dta/?kommune=1", ("export_answers", False)),
        ("links.csv", ("export_links", True)),
        ("status.csv", ("export_status", False)),
    ],
)
def test_each_study_download_is_logged(researcher_client, study, url, expected):
    response = researcher_client.get(f"/studier/{study.pk}/{url}")
    assert response.status_code == 200
    assert _events() == [expected]
    assert AuditEvent.objects.get().actor == "forsker"


def test_making_and_downloading_the_study_report_is_logged(researcher_client, study, monkeypatch):
    from samspil.fieldwork import export
    from samspil.fieldwork.export import report_dir

    real = export.make_study_report
    monkeypatch.setattr(
        export, "make_study_report", lambda s, out, **kw: real(s, out, formats={"csv"})
    )
    assert researcher_client.post(f"/studier/{study.pk}/rapport/").status_code == 302
    assert _events() == [("make_report", False)]
    (report_dir(study) / "note.txt").write_text("x")
    assert researcher_client.get(f"/studier/{study.pk}/rapport/note.txt").status_code == 200
    assert _events()[-1] == ("download_report", False)
    assert AuditEvent.objects.order_by("pk").last().target == "note.txt"


def test_coding_downloads_and_reports_are_logged(fielded, researcher_client, monkeypatch):
    from samspil.coding_web import actions

    monkeypatch.setattr(actions, "REPORT_FORMATS", frozenset({"csv"}))
    project = fielded.coding_projects.get()
    for name in ("kodninger.csv", "endelige-koder.csv", "citater.csv"):
        assert researcher_client.get(f"/kodning/{project.pk}/{name}").status_code == 200
    assert researcher_client.post(f"/kodning/{project.pk}/rapport/").status_code == 302
    files = researcher_client.get(f"/kodning/{project.pk}/rapport/").context["files"]
    assert researcher_client.get(f"/kodning/{project.pk}/rapport/{files[0]}").status_code == 200
    assert _events() == [("download_coding", False)] * 3 + [
        ("make_report", False),
        ("download_report", False),
    ]
    assert all(e.study_id == fielded.pk for e in AuditEvent.objects.all())
    assert (
        AuditEvent.objects.order_by("pk")
        .first()
        .target.startswith(f"coding project {project.pk}: ")
    )


def test_reports_carry_no_identifiers(fielded, tmp_path):
    out = tmp_path / "r"
    make_study_report(fielded, out, formats={"csv", "html"})
    text = "".join(
        p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".csv", ".html")
    )
    for r in fielded.respondents.all():
        assert r.email not in text and r.token not in text
        assert not r.name or r.name not in text


@pytest.mark.django_db(transaction=True)
def test_every_command_line_export_is_logged(fielded, tmp_path, capsys):
    from samspil.cli import main

    sid = str(fielded.pk)
    assert main(["study", "export", sid, "--out", str(tmp_path / "a.csv")]) == 0
    assert main(["study", "export", sid, "--out", str(tmp_path / "b.csv"), "--identifiers"]) == 0
    assert main(["study", "links", sid]) == 0
    assert main(["study", "status", sid, "--csv"]) == 0
    assert main(["study", "report", sid, "--out", str(tmp_path / "rapport")]) == 0
    capsys.readouterr()
    assert _events() == [
        ("export_answers", False),
        ("export_answers", True),
        ("export_links", True),
        ("export_status", False),
        ("make_report", False),
    ]
    assert all(e.actor.startswith("kommando:") for e in AuditEvent.objects.all())


# -- who sees the log -------------------------------------------------------------------------


def test_the_log_is_shown_to_the_studys_researchers_and_administrators_only(
    study, researcher, researcher_client, other_researcher, admin_client, client
):
    record_event(researcher, "export_answers", study=study)
    record_event("kommando:root", "register_export", target="register")
    page = researcher_client.get(f"/studier/{study.pk}/log/")
    assert page.status_code == 200 and "hentede svar" in page.content.decode()
    own = researcher_client.get("/log/").context["rows"]
    assert [e.action for e, _label in own] == ["export_answers"]  # not the register's
    client.force_login(other_researcher)
    assert client.get(f"/studier/{study.pk}/log/").status_code == 404
    assert client.get(f"/studier/{study.pk}/log.csv").status_code == 404
    assert client.get("/log/").context["rows"] == []
    everything = admin_client.get("/log/").context["rows"]
    assert [e.action for e, _label in everything] == ["register_export", "export_answers"]


def test_the_log_exports_as_csv_and_the_export_is_logged(study, researcher, researcher_client):
    record_event(researcher, "export_links", study=study, identifiers=True)
    response = researcher_client.get(f"/studier/{study.pk}/log.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_COLUMNS
    assert rows[1][1:] == ["forsker", "export_links", str(study.pk), study.name, "", "1", ""]
    assert _events()[-1] == ("export_audit", False)
