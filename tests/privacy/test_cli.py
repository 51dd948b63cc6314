"""`samspil study anonymise ID [--yes]` and `samspil privacy record [--format md|csv]`."""

from __future__ import annotations

import csv
import io

import pytest

from samspil.cli import main
from samspil.fieldwork.models import Study
from samspil.privacy.record import COLUMNS
from samspil.web.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_study_anonymise_asks_first_unless_yes(study, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("nej\n"))
    assert main(["study", "anonymise", str(study.pk)]) == 1
    out = capsys.readouterr().out
    assert "cannot be undone" in out and "nothing was changed" in out
    assert not Study.objects.get(pk=study.pk).is_anonymised

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["study", "anonymise", str(study.pk)]) == 0
    assert "4 respondents kept" in capsys.readouterr().out
    assert Study.objects.get(pk=study.pk).is_anonymised
    assert main(["study", "anonymise", str(study.pk), "--yes"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    (event,) = AuditEvent.objects.all()
    assert event.action == "anonymise" and event.actor.startswith("kommando:")
    assert main(["study", "anonymise", "999", "--yes"]) == 2
    assert "no study with id '999'" in capsys.readouterr().err


def test_privacy_record_lists_every_study(study, capsys, settings):
    study.privacy_controller = "Eksempel Universitet"
    study.save()
    assert main(["privacy", "record"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Record of processing activities (GDPR art. 30)")
    assert f"## study {study.pk}: {study.name}" in md
    assert "- **controller**: Eksempel Universitet" in md
    assert "180 days after the study closes" in md
    assert main(["privacy", "record", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == COLUMNS
    (row,) = rows
    assert row["recipients"].startswith("the study's researchers (forsker)")
    database = settings.DATABASES["default"]
    assert str(database["NAME"]) in row["storage"]
    # no credentials: the storage column names the database, never user:password@host
    password = database.get("PASSWORD")
    assert not password or f":{password}@" not in row["storage"]
    assert "PASSWORD" not in row["storage"] and "@" not in row["storage"]
    with pytest.raises(SystemExit) as exit_info:
        main(["privacy", "record", "--format", "pdf"])
    assert exit_info.value.code == 2


def test_privacy_anonymise_due_runs_the_retention_job(study, capsys):
    import datetime as dt

    from django.utils import timezone

    study.retention_date = timezone.localdate() - dt.timedelta(days=1)
    study.save()
    assert main(["privacy", "anonymise-due"]) == 0
    assert capsys.readouterr().out == f"1 studies anonymised: {study.pk}\n"
    assert Study.objects.get(pk=study.pk).is_anonymised


def test_other_apps_add_their_activities_to_the_record(study, monkeypatch):
    import sys
    import types

    from samspil.privacy.record import Activity, activities

    register = Activity("register", "X", "", "", "", "contact persons", "", "", "", "", "")
    module = types.ModuleType("samspil.web.privacy")
    module.privacy_record_rows = lambda: [register]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "samspil.web.privacy", module)
    rows = activities()
    assert [r.activity for r in rows] == [f"study {study.pk}: {study.name}", "register"]


def test_an_app_declares_its_activities_as_plain_fields_without_importing_privacy(
    study, monkeypatch
):
    import sys
    import types

    from samspil.privacy.record import COLUMNS, activities, record_csv

    row = dict.fromkeys(COLUMNS, "") | {"activity": "register", "data_subjects": "contacts"}
    module = types.ModuleType("samspil.web.privacy")
    module.privacy_record_rows = lambda: [row]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "samspil.web.privacy", module)
    rows = activities()
    assert [r.activity for r in rows] == [f"study {study.pk}: {study.name}", "register"]
    assert rows[1].data_subjects == "contacts"
    assert record_csv(rows).splitlines()[-1].startswith("register,")


def test_privacy_access_and_erase_need_the_identity_check(study, capsys, tmp_path):
    from samspil.fieldwork.models import Respondent
    from samspil.privacy.models import PersonRequest

    assert main(["privacy", "erase", "anna@example.org", "--yes"]) == 2
    assert "--identity" in capsys.readouterr().err
    assert main(["privacy", "erase", "anna@example.org", "--identity", "other", "--yes"]) == 2
    assert "describe how" in capsys.readouterr().err
    assert main(["privacy", "access", "anna@example.org"]) == 2
    assert "identity" in capsys.readouterr().err
    assert Respondent.objects.filter(email="anna@example.org").exists()
    assert not PersonRequest.objects.exists()

    out = tmp_path / "indsigt.json"
    args = ["anna@example.org", "--identity", "email_on_file", "--study", str(study.pk)]
    assert main(["privacy", "access", *args, "-o", str(out)]) == 0
    assert '"name": "Anna Testesen"' in out.read_text(encoding="utf-8")
    assert main(["privacy", "erase", *args, "--yes"]) == 0
    assert "1 respondent(s) erased" in capsys.readouterr().out
    assert not Respondent.objects.filter(email="anna@example.org").exists()
    assert [(r.kind, r.identity_check) for r in PersonRequest.objects.order_by("pk")] == [
        ("access", "email_on_file"),
        ("erasure", "email_on_file"),
    ]
    erase = AuditEvent.objects.get(action="erase")
    assert erase.actor.startswith("kommando:") and "identity checked by email_on_file" in (
        erase.detail
    )
