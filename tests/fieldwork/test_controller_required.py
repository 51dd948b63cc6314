"""No study without a controller: a study opens and sends only once its data controller,
contact for questions about the data and e-mail signature are filled in (issue 23 item 5)."""

from __future__ import annotations

import pytest

from samspil.cli import main
from samspil.fieldwork import actions
from samspil.fieldwork.models import MailRound, Study
from samspil.privacy.notice import notice_text

pytestmark = pytest.mark.django_db

MISSING_DA = (
    "Udfyld dataansvarlig, kontakt ved spørgsmål om oplysningerne, underskrift i e-mailene, "
    "før undersøgelsen åbnes."
)


def test_the_study_page_refuses_to_open_a_study_without_controller_and_says_what_is_missing(
    researcher_client, researcher
):
    study = actions.do_create_study("Uden ansvarlig", "kd2024", researchers=[researcher])
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "Undersøgelsen kan endnu ikke åbnes eller sende e-mails." in page
    assert "Udfyld: dataansvarlig, kontakt ved spørgsmål om oplysningerne, underskrift" in page
    response = researcher_client.post(f"/studier/{study.pk}/aabn/", follow=True)
    assert MISSING_DA in response.content.decode()
    study.refresh_from_db()
    assert study.status == Study.Status.DRAFT and study.opened_at is None

    Study.objects.filter(pk=study.pk).update(
        privacy_controller="Aarhus Universitet", privacy_contact="dpo@au.example"
    )
    response = researcher_client.post(f"/studier/{study.pk}/aabn/", follow=True)
    page = response.content.decode()
    assert "Udfyld underskrift i e-mailene, før undersøgelsen åbnes." in page
    Study.objects.filter(pk=study.pk).update(mail_signature="Forskerne")
    researcher_client.post(f"/studier/{study.pk}/aabn/")
    study.refresh_from_db()
    assert study.status == Study.Status.OPEN
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert 'id="controller-missing"' not in page


def test_a_study_whose_controller_was_emptied_sends_no_round_and_no_test_link(
    study, researcher_client, smtp_server
):
    Study.objects.filter(pk=study.pk).update(privacy_controller="", privacy_contact=" ")
    response = researcher_client.post(f"/studier/{study.pk}/udsend/", {"round": "0"}, follow=True)
    assert (
        "Udfyld dataansvarlig, kontakt ved spørgsmål om oplysningerne, før der sendes e-mails."
        in response.content.decode()
    )
    assert not MailRound.objects.exists()
    study.refresh_from_db()
    with pytest.raises(actions.ActionError):
        actions.do_send_test_link(study, "test@example.org")
    assert smtp_server.messages == []


def test_the_privacy_notice_names_the_controller_and_the_contact(study):
    text = notice_text(study)
    assert "Dataansvarlig: Testuniversitetet." in text
    assert "dpo@example.org" in text


def test_study_open_and_create_open_exit_2_naming_the_missing_fields(tmp_path, capsys):
    file = tmp_path / "liste.csv"
    file.write_text("navn,email,kommune\nA,a@example.org,Odense\n", encoding="utf-8")
    create = ["study", "create", "--instrument", "kd2024", "--respondents", str(file)]
    assert main([*create, "--name", "Straks", "--open", "--signature", "Forskerne"]) == 2
    err = capsys.readouterr().err
    assert "missing: --controller, --privacy-contact" in err and "Traceback" not in err
    assert not Study.objects.filter(name="Straks").exists()

    assert main([*create, "--name", "Senere", "--controller", "Aarhus Universitet"]) == 0
    study_id = int(capsys.readouterr().out.strip())
    assert main(["study", "open", str(study_id)]) == 2
    err = capsys.readouterr().err
    assert "kontakt ved spørgsmål om oplysningerne, underskrift i e-mailene" in err
    assert "dataansvarlig" not in err
    assert Study.objects.get(pk=study_id).status == Study.Status.DRAFT
