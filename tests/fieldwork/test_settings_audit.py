"""Changing a study's report settings on its page (weighting, foreword and summary,
previous round) is written to the audit log: who, which study, what changed - never the
texts themselves nor an e-mail address."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.fieldwork import actions
from samspil.web.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(study, action):  # type: ignore[no-untyped-def]
    return list(
        AuditEvent.objects.filter(study_id=study.pk, action=action)
        .order_by("pk")
        .values_list("actor", "target", "detail")
    )


def test_setting_and_removing_the_weighting_is_audited(researcher_client, study):
    researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": "region"})
    researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": ""})
    assert _events(study, "report_weighting") == [
        ("forsker", "raked to region", ""),
        ("forsker", "none", ""),
    ]


def test_a_refused_weighting_writes_no_event(researcher_client, researcher, study):
    earlier = actions.do_create_study(
        "KD 2021", "kd2024", researchers=[researcher], controller="U", contact="d@example.org"
    )
    actions.do_link_previous(study, earlier)
    researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": "region"})
    researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": "farve"})
    assert _events(study, "report_weighting") == []


def test_linking_and_forgetting_the_previous_round_is_audited(researcher_client, researcher, study):
    earlier = actions.do_create_study(
        "KD 2021", "kd2024", researchers=[researcher], controller="U", contact="d@example.org"
    )
    researcher_client.post(f"/studier/{study.pk}/forrige-runde/", {"previous": earlier.pk})
    researcher_client.post(f"/studier/{study.pk}/forrige-runde/", {"previous": ""})
    study.refresh_from_db()
    assert study.previous is None
    assert _events(study, "previous_round") == [
        ("forsker", f"study {earlier.pk}", ""),
        ("forsker", "none", ""),
    ]


def test_foreword_and_summary_changes_are_audited_without_their_text(researcher_client, study):
    secret = "Hemmelig sætning om anna@example.org"
    url = f"/studier/{study.pk}/forord-og-sammenfatning/"
    foreword = SimpleUploadedFile("forord.md", f"# Forord\n\n{secret}\n".encode())
    researcher_client.post(url, {"foreword": foreword})
    both = {
        "foreword": SimpleUploadedFile("forord.md", b"Forord\n"),
        "summary": SimpleUploadedFile("sammenfatning.md", f"{secret}\n".encode()),
    }
    researcher_client.post(url, both)
    researcher_client.post(url, {"remove": "summary"})
    study.refresh_from_db()
    assert study.foreword == "Forord\n" and study.summary == ""
    events = _events(study, "report_front_matter")
    assert events == [
        ("forsker", "foreword saved", ""),
        ("forsker", "foreword and summary saved", ""),
        ("forsker", "summary removed", ""),
    ]
    assert "Hemmelig" not in str(events) and "@" not in str(events)


def test_the_new_audit_actions_have_danish_labels():
    from django.utils import translation

    from samspil.web.audit import ACTIONS

    with translation.override("da"):
        assert str(ACTIONS["report_weighting"]) == "ændrede vægtningen af undersøgelsens rapport"
        assert str(ACTIONS["previous_round"]) == "ændrede undersøgelsens forrige runde"
        assert str(ACTIONS["report_front_matter"]).startswith("ændrede forordet")
