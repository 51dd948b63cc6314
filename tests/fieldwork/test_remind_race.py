"""Two `samspil study remind` runs at once queue one round, not reminders 1 and 2 within a
minute of each other (issue 17, item 5: 300 people got both within 45 s). The rule: a
round is queued no sooner than `REMIND_GAP` (an hour) after the "send from" of the round
before it, unless --force; the study row is locked while the round is queued, so the
second of two runs sees the first's round.

Real processes against a SQLite file, or in the PostgreSQL pass of the test command a
fresh database on that server (the `site` fixture of test_mail_worker), and a real SMTP
server on loopback.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.fieldwork.test_mail_worker import RECIPIENTS, _per_recipient, site  # noqa: F401

from samspil.cli import main
from samspil.fieldwork.models import MailRound, Study

LONG_AGO = "2020-01-06 09:00:00"


def test_two_remind_runs_at_once_send_each_respondent_one_reminder(site, smtp_server):  # noqa: F811
    study = site.create_study()
    site.run("study", "remind", str(study), "--wait")  # the invitation, sent
    assert set(_per_recipient(smtp_server).values()) == {1}
    # The invitation went out long ago: the next reminder is due.
    when = LONG_AGO if site.database_url.startswith("sqlite") else LONG_AGO + "+00"
    site.query(f"UPDATE fieldwork_mailround SET send_after = '{when}' RETURNING number")
    command = [sys.executable, "-m", "samspil.cli", "study", "remind", str(study)]
    runs = [
        subprocess.Popen(
            command, env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert sorted(code for code, _out, _err in results) == [0, 2], results
    refusal = next(err for code, _out, err in results if code == 2)
    assert "påmindelse 1" in refusal.lower() and "Nothing was queued" in refusal
    assert "Traceback" not in refusal
    assert site.query("SELECT number FROM fieldwork_mailround ORDER BY number") == [(0,), (1,)]
    site.run("worker", "--once", timeout=300)
    received = _per_recipient(smtp_server)
    assert len(received) == RECIPIENTS and set(received.values()) == {2}  # invitation + one


@pytest.mark.django_db(transaction=True)
def test_a_second_remind_within_the_hour_is_refused_unless_forced(tmp_path, capsys):
    file = tmp_path / "liste.csv"
    file.write_text("navn,email,kommune\nA,a@example.org,Odense\n", encoding="utf-8")
    create = [
        "study",
        "create",
        "--instrument",
        "kd2024",
        "--name",
        "Påmindelser",
        "--controller",
        "Testuniversitetet",
        "--privacy-contact",
        "dpo@example.org",
        "--signature",
        "Forskerne",
    ]
    assert main([*create, "--respondents", str(file), "--open"]) == 0
    study_id = int(capsys.readouterr().out.strip())
    assert main(["study", "remind", str(study_id)]) == 0  # the invitation
    assert main(["study", "remind", str(study_id)]) == 2  # reminder 1 at once: refused
    err = capsys.readouterr().err
    assert "Invitation" in err or "invitation" in err.lower(), err
    assert list(MailRound.objects.values_list("number", flat=True)) == [0]
    # A later date is fine, and so is --force.
    assert main(["study", "remind", str(study_id), "--at", "2099-03-01 09:00"]) == 0
    assert main(["study", "remind", str(study_id), "--at", "2099-03-01 09:30"]) == 2
    assert main(["study", "remind", str(study_id), "--at", "2099-03-01 09:30", "--force"]) == 0
    assert list(MailRound.objects.order_by("number").values_list("number", flat=True)) == [0, 1, 2]
    assert Study.objects.get(pk=study_id).rounds_sent == 3
